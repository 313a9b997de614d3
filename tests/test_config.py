from __future__ import annotations

import typing
from pathlib import Path

import pytest

from digest import summarize
from digest.config import ALGORITHM_NAMES, Config, SummaryConfig, load_config
from digest.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_config_states_exactly_the_defaults() -> None:
    loaded = load_config(REPO / "config.yaml")
    assert loaded.model_dump() == Config(base_dir=REPO).model_dump()


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
        ("summary:\n  language: klingon\n", "summary.language: no stop words"),
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
