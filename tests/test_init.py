"""`digest init`: a starter config that checks and builds as written (digest/init.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digest.check import check_config
from digest.config import Config, load_config
from digest.errors import UsageError
from digest.init import SOURCES_FOLDER, init_folder, starter_config
from tests.golden import run_digest

REPO = Path(__file__).resolve().parents[1]


def test_the_starter_states_the_defaults_but_its_own_sources(tmp_path: Path) -> None:
    result = init_folder(tmp_path)
    loaded = load_config(result.config)
    expected = Config(base_dir=tmp_path).model_dump()
    expected["sources"]["files"] = (SOURCES_FOLDER,)
    assert loaded.model_dump() == expected
    assert check_config(loaded, env={}, sending=True) == []


def test_the_starter_is_package_data() -> None:
    # Read through importlib.resources: what an installed wheel reads; pyproject ships it.
    shipped = (REPO / "digest" / "starter" / "config.yaml").read_text(encoding="utf-8")
    assert starter_config() == shipped
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"starter/*.yaml"' in pyproject


def test_init_writes_the_config_and_makes_the_sources_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "news"
    result = init_folder(target)
    assert result.config == target / "config.yaml"
    assert result.created == (target / "config.yaml", target / "sources")
    assert not result.replaced
    assert (target / "sources").is_dir()
    assert result.config.read_text(encoding="utf-8") == starter_config()


def test_an_existing_config_is_kept_unless_forced(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("# mine\n", encoding="utf-8")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.md").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError, match=r"config\.yaml: already exists; .*--force"):
        init_folder(tmp_path)
    assert config.read_text(encoding="utf-8") == "# mine\n"
    result = init_folder(tmp_path, force=True)
    assert result.replaced
    assert result.created == (config,)  # sources/ was there already, and is kept
    assert config.read_text(encoding="utf-8") == starter_config()
    assert (tmp_path / "sources" / "a.md").read_text(encoding="utf-8") == "keep me"


def test_a_folder_that_cannot_hold_it_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot write"):
        init_folder(tmp_path / "file")
    (tmp_path / "dir" / "config.yaml").mkdir(parents=True)
    with pytest.raises(UsageError, match="is a folder"):
        init_folder(tmp_path / "dir")


def test_init_then_check_then_build_works_in_an_empty_folder(tmp_path: Path) -> None:
    result = run_digest("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote config.yaml, made sources/\n")
    for step in ("digest check ", "digest build ", "digest schedule "):
        assert step in result.stdout  # no --config: found from here
    checked = run_digest("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("config.yaml: OK (0 feeds, 1 local source,")
    built = run_digest("build", "--no-email", "--date", "2022-02-02", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    names = sorted(p.name for p in (tmp_path / "briefings").iterdir())
    assert names == [
        "2022-02-02.html",
        "2022-02-02.json",
        "2022-02-02.md",
        "feed.xml",
        "index.html",
    ]
    again = run_digest("init", cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr == (
        "digest: error: config.yaml: already exists; not overwritten (--force replaces it)\n"
    )


def test_init_elsewhere_says_to_pass_config(tmp_path: Path) -> None:
    result = run_digest("init", "news", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"digest check --config {Path('news') / 'config.yaml'}" in result.stdout


def test_init_user_writes_the_config_found_from_any_folder(tmp_path: Path) -> None:
    # conftest points XDG_CONFIG_HOME at an empty folder for every test.
    user_folder = Path(os.environ["XDG_CONFIG_HOME"]) / "digest"
    result = run_digest("init", "--user", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (user_folder / "config.yaml").is_file()
    assert "--config" not in result.stdout
    checked = run_digest("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"{user_folder / 'config.yaml'}: OK")
