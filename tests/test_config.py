from __future__ import annotations

import typing
from pathlib import Path

import pytest
import yaml

from digest import summarize
from digest.config import (
    ALGORITHM_NAMES,
    Config,
    SummaryConfig,
    config_places,
    find_config,
    load_config,
    user_config_dir,
)
from digest.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_config_states_exactly_the_defaults() -> None:
    loaded = load_config(REPO / "config.yaml")
    assert loaded.model_dump() == Config(base_dir=REPO).model_dump()


def test_the_bundled_config_states_the_size_cap_and_skip_empty() -> None:
    raw = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    assert raw["sources"]["max_file_bytes"] == Config().sources.max_file_bytes
    assert raw["email"]["skip_empty"] is Config().email.skip_empty


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, "output:\n  dir: out\n"))
    assert config.resolve(config.output.dir) == tmp_path / "out"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("summary:\n  algorithm: magic\n", "summary.algorithm"),
        ("summary:\n  wordz: 3\n", "summary.wordz: unknown key"),
        ("cluster:\n  similarity: 3\n", "cluster.similarity"),
        ("sources: [\n", "not valid YAML"),
        ("- a\n- b\n", "mapping"),
        ("email:\n  port: nine\n", "email.port"),
        ("output:\n  base_url: example.org/news\n", "output.base_url: Value error, expected an"),
        ("sources:\n  max_file_bytes: 0\n", "sources.max_file_bytes"),
        ("email:\n  skip_empty: sometimes\n", "email.skip_empty"),
        ("store:\n  url: mysql://db/digest\n", "store.url: Value error, expected a PostgreSQL"),
        ("store:\n  url: postgresql://me:pw@db/digest\n", "store.url: Value error, holds a pass"),
        ("store:\n  url: postgresql://db:port/digest\n", "store.url: Value error, Port could"),
        ("store:\n  url: postgresql://me@db:5432/\n", "store.url: Value error, names no data"),
        (
            "store:\n  path: s.sqlite3\n  url: postgresql://me@db/digest\n",
            "store: store.path and store.url are both set",
        ),
        ("store:\n  password_env: PW\n", "store: store.password_env is set but store.url is not"),
    ],
)
def test_invalid_config_names_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_config_is_an_error_unless_optional(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")
    assert load_config(tmp_path / "nope.yaml", required=False).summary == SummaryConfig()


def test_feed_urls_may_be_given_as_plain_strings(tmp_path: Path) -> None:
    config = load_config(
        write_config(tmp_path, "sources:\n  feeds:\n    - https://a.example/rss\n")
    )
    assert config.sources.feeds[0].url == "https://a.example/rss"


def test_every_configurable_algorithm_is_registered() -> None:
    assert set(ALGORITHM_NAMES) == set(summarize.SUMMARIZERS)
    assert typing.get_args(SummaryConfig.model_fields["algorithm"].annotation) == ALGORITHM_NAMES


def test_every_invalid_key_is_listed_in_the_first_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, "summary:\n  wordz: 3\n  algorithm: magic\n")
    with pytest.raises(ConfigError, match=r"summary\.algorithm: .* \(and 1 more\)$"):
        load_config(path)


# --- where the config file is looked for ---------------------------------------------------


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    """(current folder, home), both empty."""
    cwd, home = tmp_path / "here", tmp_path / "home"
    cwd.mkdir()
    home.mkdir()
    return cwd, home


def test_the_current_folder_comes_before_the_user_config_folder(
    places: tuple[Path, Path],
) -> None:
    cwd, home = places
    user = home / ".config" / "digest" / "config.yaml"
    user.parent.mkdir(parents=True)
    user.write_text("{}\n", encoding="utf-8")
    assert find_config(None, env={}, cwd=cwd, home=home) == user
    (cwd / "config.yaml").write_text("{}\n", encoding="utf-8")
    assert find_config(None, env={}, cwd=cwd, home=home) == Path("config.yaml")


def test_digest_config_and_then_config_option_win(places: tuple[Path, Path]) -> None:
    cwd, home = places
    (cwd / "config.yaml").write_text("{}\n", encoding="utf-8")
    (cwd / "env.yaml").write_text("{}\n", encoding="utf-8")
    (cwd / "option.yaml").write_text("{}\n", encoding="utf-8")
    env = {"DIGEST_CONFIG": "env.yaml"}
    assert find_config(None, env=env, cwd=cwd, home=home) == Path("env.yaml")
    assert find_config(Path("option.yaml"), env=env, cwd=cwd, home=home) == Path("option.yaml")


def test_a_named_config_that_is_missing_is_an_error_even_when_optional(
    places: tuple[Path, Path],
) -> None:
    cwd, home = places
    (cwd / "config.yaml").write_text("{}\n", encoding="utf-8")  # not a fallback
    with pytest.raises(ConfigError, match=r"^gone\.yaml: config file not found .*--config"):
        find_config(Path("gone.yaml"), env={}, cwd=cwd, home=home, required=False)
    with pytest.raises(ConfigError, match=r"named by \$DIGEST_CONFIG"):
        find_config(None, env={"DIGEST_CONFIG": "gone.yaml"}, cwd=cwd, home=home)


def test_not_found_lists_every_place_looked_in_in_order(places: tuple[Path, Path]) -> None:
    cwd, home = places
    with pytest.raises(ConfigError) as caught:
        find_config(None, env={}, cwd=cwd, home=home)
    message = str(caught.value)
    first, second = str(cwd / "config.yaml"), str(home / ".config/digest/config.yaml")
    assert first in message
    assert second in message
    assert message.index(first) < message.index(second)
    assert "--config" in message
    assert "$DIGEST_CONFIG" in message
    assert "digest init" in message
    assert find_config(None, env={}, cwd=cwd, home=home, required=False) is None


def test_xdg_config_home_moves_the_user_folder_unless_relative(tmp_path: Path) -> None:
    home = tmp_path / "home"
    xdg = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert user_config_dir(xdg, home) == tmp_path / "xdg" / "digest"
    assert user_config_dir({"XDG_CONFIG_HOME": "rel"}, home) == home / ".config" / "digest"
    assert user_config_dir({}, home) == home / ".config" / "digest"
    assert [how for how, _ in config_places(None, env=xdg, home=home)] == [
        "the current folder",
        "the user's config folder",
    ]


def test_a_config_found_in_the_user_folder_resolves_paths_there(places: tuple[Path, Path]) -> None:
    cwd, home = places
    user = home / ".config" / "digest" / "config.yaml"
    user.parent.mkdir(parents=True)
    user.write_text("output:\n  dir: out\n", encoding="utf-8")
    found = find_config(None, env={}, cwd=cwd, home=home)
    assert found is not None
    config = load_config(found)
    assert config.resolve(config.output.dir) == user.parent / "out"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://digest@db.example:5432/digest",
        "postgres://digest@db.example/digest",
        "postgresql+psycopg://digest@/digest?host=/run/postgresql",
    ],
)
def test_a_postgresql_url_is_the_store_and_its_password_comes_from_the_environment(
    tmp_path: Path, url: str
) -> None:
    path = write_config(tmp_path, f"store:\n  url: {url}\n  password_env: DIGEST_DB_PW\n")
    target = load_config(path).store_target({"DIGEST_DB_PW": "s3cret"})
    assert (target.url, target.password, target.path) == (url, "s3cret", None)
    assert "s3cret" not in repr(target)
    assert str(target) == url


def test_the_default_store_is_the_sqlite_file_beside_the_config(tmp_path: Path) -> None:
    target = load_config(write_config(tmp_path, "store:\n  path: state/s.sqlite3\n")).store_target(
        {}
    )
    assert (target.path, target.url) == (tmp_path / "state" / "s.sqlite3", None)
