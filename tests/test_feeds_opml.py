"""OPML import and export of the feed list."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
import yaml

from digest.config import FeedSource, SourcesConfig
from digest.errors import ConfigError, UsageError
from digest.feeds import export_opml, feeds_yaml, import_opml, merge_feeds
from digest.feeds.opml import add_feeds, write_feeds

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Subscriptions exported by a feed reader</title></head>
  <body>
    <outline text="News" title="News">
      <outline type="rss" text="World &amp; Co" title="World &amp; Co"
               xmlUrl="https://world.example/rss" htmlUrl="https://world.example/"/>
      <outline type="rss" text="Local" xmlUrl="https://local.example/atom.xml"/>
    </outline>
    <outline type="rss" text="Loose" xmlUrl="https://loose.example/feed"/>
    <outline type="rss" text="Duplicate" xmlUrl="https://world.example/rss"/>
    <outline text="Empty folder"/>
  </body>
</opml>
"""


def test_import_reads_feeds_names_and_folders_as_categories(tmp_path: Path) -> None:
    path = tmp_path / "subs.opml"
    path.write_text(OPML, encoding="utf-8")
    assert import_opml(path) == (
        FeedSource(url="https://world.example/rss", name="World & Co", category="News"),
        FeedSource(url="https://local.example/atom.xml", name="Local", category="News"),
        FeedSource(url="https://loose.example/feed", name="Loose"),
    )


def test_export_then_import_gives_the_same_feeds(tmp_path: Path) -> None:
    feeds = (
        FeedSource(url="https://a.example/rss?x=1&y=2", name="A <&> B", category="Tech"),
        FeedSource(url="https://b.example/feed"),
        FeedSource(url="https://c.example/feed", name="C", category="Tech"),
    )
    text = export_opml(feeds)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">')
    path = tmp_path / "out.opml"
    path.write_text(text, encoding="utf-8")
    back = import_opml(path)
    # Grouped by category, and a nameless feed is named by its URL.
    assert back == (
        feeds[0],
        feeds[2],
        FeedSource(url="https://b.example/feed", name="https://b.example/feed"),
    )


@pytest.mark.parametrize(
    ("content", "cause"),
    [("<html><body/></html>", "not an OPML file"), ("<opml><body>", "not valid OPML")],
)
def test_a_bad_file_is_a_usage_error(tmp_path: Path, content: str, cause: str) -> None:
    path = tmp_path / "bad.opml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=cause):
        import_opml(path)
    with pytest.raises(UsageError, match="cannot read"):
        import_opml(tmp_path / "missing.opml")


def test_an_entity_bomb_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + ']><opml><body><outline text="&i;" xmlUrl="https://x.example/"/></body></opml>'
    )
    path = tmp_path / "bomb.opml"
    path.write_text(bomb, encoding="utf-8")
    with pytest.raises(UsageError, match="not valid OPML"):
        import_opml(path)


def test_merged_feeds_as_yaml_load_as_config() -> None:
    current = (FeedSource(url="https://a.example/rss", full_text=True),)
    imported = (
        FeedSource(url="https://a.example/rss", name="Dup"),
        FeedSource(url="https://b.example/rss", name="B", category="News"),
    )
    merged = merge_feeds(current, imported)
    assert [f.url for f in merged] == ["https://a.example/rss", "https://b.example/rss"]
    block = yaml.safe_load(feeds_yaml(merged))
    assert SourcesConfig.model_validate(block["sources"]).feeds == merged


def test_add_feeds_changes_only_the_feeds_entry_of_the_repo_config() -> None:
    original = (Path(__file__).resolve().parents[1] / "config.yaml").read_text(encoding="utf-8")
    feeds = (
        FeedSource(url="https://a.example/rss"),
        FeedSource(url="https://b.example/atom", name="B", full_text=True, include=("x",)),
    )
    updated = add_feeds(original, feeds)
    assert (
        "  feeds:\n    - https://a.example/rss\n    - url: https://b.example/atom\n"
        "      name: B\n      full_text: true\n      include: [x]\n\ncollect:\n"
    ) in updated
    assert load_sources(updated).feeds == feeds
    # Everything else, comments and alignment included, is untouched.
    kept = [line for line in original.splitlines() if not line.startswith("  feeds:")]
    assert [line for line in updated.splitlines() if line in kept] == kept
    assert add_feeds(updated, feeds) == updated  # nothing new: nothing changes


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "collect:\n  retries: 1\n",
        "sources:\n  files: [a]\ncollect:\n  retries: 1\n",
        "sources:\n  feeds:\n  - https://old.example/rss\n  - url: https://o.example/2\n"
        "    name: O\n\n  files: [a]\nstore:\n  path: x\n",
        "sources:  # where articles come from\n  feeds: [https://old.example/rss]  # short\n",
    ],
    ids=["empty", "comment-only", "no-sources", "no-feeds", "block-list", "flow-list"],
)
def test_add_feeds_appends_to_the_list_or_makes_it(text: str) -> None:
    before = yaml.safe_load(text) or {}
    old = SourcesConfig.model_validate(before.get("sources") or {}).feeds
    feeds = (FeedSource(url="https://new.example/feed", category="News"),)
    updated = add_feeds(text, feeds)
    assert load_sources(updated).feeds == (*old, *feeds)
    after = yaml.safe_load(updated)
    assert {k: v for k, v in after.items() if k != "sources"} == {
        k: v for k, v in before.items() if k != "sources"
    }
    assert after["sources"].get("files") == (before.get("sources") or {}).get("files")
    comments = [line.strip() for line in text.splitlines() if "#" in line]
    assert all(any(c.split("#")[1] in line for line in updated.splitlines()) for c in comments)


def test_add_feeds_keeps_the_comments_inside_the_feeds_list() -> None:
    text = (
        "sources:\n"
        "  feeds:\n"
        "  # world news\n"
        "  - https://old.example/rss  # the old one\n"
        "  # a mapping\n"
        "  - url: https://o.example/2\n"
        "    name: O  # named\n"
        "\n"
        "# what to collect\n"
        "collect:\n"
        "  retries: 1\n"
    )
    updated = add_feeds(text, (FeedSource(url="https://new.example/feed"),))
    assert updated == text.replace(
        "    name: O  # named\n", "    name: O  # named\n  - https://new.example/feed\n"
    )


def test_add_feeds_refuses_what_is_not_a_mapping() -> None:
    with pytest.raises(ValueError, match="mapping"):
        add_feeds("- a\n- b\n", (FeedSource(url="https://a.example/rss"),))
    with pytest.raises(ValueError, match="not valid YAML"):
        add_feeds("sources: [\n", (FeedSource(url="https://a.example/rss"),))


def load_sources(text: str) -> SourcesConfig:
    return SourcesConfig.model_validate(yaml.safe_load(text)["sources"])


def test_write_feeds_updates_the_file_in_place(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("# mine\nsources:\n  files: [notes]  # keep\n", encoding="utf-8")
    write_feeds(path, (FeedSource(url="https://a.example/rss"),))
    assert path.read_text(encoding="utf-8") == (
        "# mine\nsources:\n  files: [notes]  # keep\n  feeds:\n    - https://a.example/rss\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]
    with pytest.raises(ConfigError, match="cannot read"):
        write_feeds(tmp_path / "missing.yaml", ())


def test_write_feeds_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("sources:\n  files: [notes]\n", encoding="utf-8")
    path.chmod(0o600)
    write_feeds(path, (FeedSource(url="https://a.example/rss"),))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_sources(path.read_text(encoding="utf-8")).feeds[0].url == "https://a.example/rss"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_write_feeds_keeps_the_file_owner(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("sources:\n  files: [notes]\n", encoding="utf-8")
    os.chown(path, 4321, 4321)
    write_feeds(path, (FeedSource(url="https://a.example/rss"),))
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4321)


def test_write_feeds_writes_through_a_symlink_and_keeps_it(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "digest.yaml"
    real.parent.mkdir()
    real.write_text("sources:\n  files: [notes]\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "config.yaml"
    link.symlink_to(Path("dotfiles") / "digest.yaml")
    write_feeds(link, (FeedSource(url="https://a.example/rss"),))
    assert link.is_symlink()
    assert link.readlink() == Path("dotfiles") / "digest.yaml"
    assert "https://a.example/rss" in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["digest.yaml"]  # no temp file left


def test_a_failed_write_leaves_the_config_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("sources:\n  files: [notes]\n", encoding="utf-8")

    def disk_full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(ConfigError, match="cannot write: No space left on device"):
        write_feeds(path, (FeedSource(url="https://a.example/rss"),))
    assert path.read_text(encoding="utf-8") == "sources:\n  files: [notes]\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]
