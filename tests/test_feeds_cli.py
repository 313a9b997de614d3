"""`digest feeds import` and `digest feeds export` through the click commands."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from digest.cli import cli, main
from digest.config import load_config

OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="Tech">
    <outline type="rss" text="A" xmlUrl="https://a.example/rss"/>
  </outline>
  <outline type="rss" text="Known" xmlUrl="https://known.example/feed"/>
</body></opml>
"""
CONFIG = """# my digest
sources:
  files: [notes]   # my own articles
  feeds:
    - https://known.example/feed
collect:
  retries: 1
"""


def setup(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, encoding="utf-8")
    return config, opml


def test_import_adds_new_feeds_to_the_config_and_keeps_its_comments(tmp_path: Path) -> None:
    config, opml = setup(tmp_path)
    result = CliRunner().invoke(cli, ["feeds", "import", str(opml), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "1 feed(s) added, 2 in all" in result.output
    text = config.read_text(encoding="utf-8")
    assert "# my digest" in text
    assert "files: [notes]   # my own articles" in text
    feeds = load_config(config).sources.feeds
    assert [(f.url, f.name, f.category) for f in feeds] == [
        ("https://known.example/feed", None, None),
        ("https://a.example/rss", "A", "Tech"),
    ]
    assert load_config(config).collect.retries == 1


def test_import_dry_run_changes_nothing(tmp_path: Path) -> None:
    config, opml = setup(tmp_path)
    result = CliRunner().invoke(
        cli, ["feeds", "import", str(opml), "--dry-run", "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert config.read_text(encoding="utf-8") == CONFIG
    listed = yaml.safe_load(result.stdout)["sources"]["feeds"]
    assert listed[0] == "https://known.example/feed"
    assert listed[1]["url"] == "https://a.example/rss"


def test_export_prints_the_configured_feeds_as_opml(tmp_path: Path) -> None:
    config, _ = setup(tmp_path)
    result = CliRunner().invoke(cli, ["feeds", "export", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert 'xmlUrl="https://known.example/feed"' in result.stdout


def test_a_bad_opml_file_is_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, _ = setup(tmp_path)
    bad = tmp_path / "bad.opml"
    bad.write_text("<html/>", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["feeds", "import", str(bad), "--config", str(config)])
    assert exited.value.code == 2
    assert (
        capsys.readouterr().err
        == f"digest: error: {bad}: not an OPML file (no <opml> root element)\n"
    )
    assert config.read_text(encoding="utf-8") == CONFIG
