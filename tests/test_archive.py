from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import pytest

from digest.archive import read_entries, write_archive
from digest.model import Briefing
from digest.render import make_environment, render_briefing
from tests.builders import make_article, make_briefing, make_story

NOW = dt.datetime(2022, 2, 3, 8, 0, tzinfo=dt.UTC)


def build(out_dir: Path, day: int, headline: str = "A story") -> Briefing:
    """What a build does: write the briefing's HTML, then rebuild the archive."""
    briefing = make_briefing(
        make_story(make_article(outlet="One"), headline=headline), date=dt.date(2022, 2, day)
    )
    (out_dir / f"{briefing.date.isoformat()}.html").write_text(
        render_briefing(briefing).html, encoding="utf-8"
    )
    write_archive(out_dir, now=NOW, briefing=briefing)
    return briefing


def test_feed_lists_briefings_newest_first_and_parses_cleanly(tmp_path: Path) -> None:
    build(tmp_path, 1, headline="First day")
    build(tmp_path, 2, headline="Second day")
    feed = feedparser.parse(str(tmp_path / "feed.xml"))
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == [
        "News digest: 2 February 2022",
        "News digest: 1 February 2022",
    ]
    assert [e.link for e in feed.entries] == ["2022-02-02.html", "2022-02-01.html"]
    assert feed.entries[0].summary == "1 story · 1 article · 1 outlet"
    assert "Second day" in feed.entries[0].content[0].value
    assert len({e.id for e in feed.entries}) == 2


def test_base_url_makes_feed_links_absolute(tmp_path: Path) -> None:
    build(tmp_path, 1)
    write_archive(tmp_path, now=NOW, base_url="https://news.example/briefings/")
    feed = feedparser.parse(str(tmp_path / "feed.xml"))
    assert feed.bozo == 0
    assert feed.entries[0].link == "https://news.example/briefings/2022-02-01.html"
    assert feed.entries[0].id == "https://news.example/briefings/2022-02-01.html"


def test_index_links_every_briefing_newest_first(tmp_path: Path) -> None:
    build(tmp_path, 1)
    build(tmp_path, 3)
    (tmp_path / "2022-02-02.html").write_text("<p>built elsewhere</p>", encoding="utf-8")
    (tmp_path / "notes.html").write_text("not a briefing", encoding="utf-8")
    write_archive(tmp_path, now=NOW)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    links = [index.index(f'href="2022-02-0{day}.html"') for day in (3, 2, 1)]
    assert links == sorted(links)
    assert "notes.html" not in index
    assert "3 briefings" in index
    # Without its record a briefing is listed by date alone.
    assert [e.stories for e in read_entries(tmp_path)] == [1, None, 1]


def test_headlines_are_escaped_in_index_and_feed(tmp_path: Path) -> None:
    build(tmp_path, 1, headline="<script>alert(1)</script> & \x01friends")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in index
    feed = feedparser.parse(str(tmp_path / "feed.xml"))
    assert feed.bozo == 0
    assert "&lt;script&gt;" in feed.entries[0].content[0].value  # text, not markup


def test_an_empty_folder_gives_an_empty_valid_feed(tmp_path: Path) -> None:
    write_archive(tmp_path, now=NOW)
    feed = feedparser.parse(str(tmp_path / "feed.xml"))
    assert feed.bozo == 0
    assert feed.entries == []
    assert feed.feed.updated == "2022-02-03T08:00:00+00:00"


def test_a_broken_record_still_lists_the_briefing(tmp_path: Path) -> None:
    build(tmp_path, 1)
    (tmp_path / "2022-02-01.json").write_text("{not json", encoding="utf-8")
    write_archive(tmp_path, now=NOW)
    (entry,) = read_entries(tmp_path)
    assert (entry.date, entry.stories) == (dt.date(2022, 2, 1), None)


def test_archive_templates_are_overridable(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "index.html.j2").write_text("{{ entries | length }} <{{ title }}>", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    build(out, 1)
    write_archive(out, now=NOW, title="Mine & co", environment=make_environment(templates))
    assert (out / "index.html").read_text(encoding="utf-8") == "1 <Mine &amp; co>"
    assert feedparser.parse(str(out / "feed.xml")).feed.title == "Mine & co"


class Kept:
    """Briefings from somewhere other than the folder (the store's, in a build)."""

    def __init__(self, records: dict[dt.date, str | None]) -> None:
        self.records = records

    def dates(self) -> list[dt.date]:
        return list(self.records)

    def record(self, date: dt.date) -> str | None:
        return self.records[date]

    def where(self, date: dt.date) -> str:
        return f"kept {date}"


def test_other_sources_are_listed_with_the_folder_and_come_first(tmp_path: Path) -> None:
    build(tmp_path, 1, headline="In the folder")
    build(tmp_path, 2, headline="Folder copy of day 2")
    elsewhere = make_briefing(
        make_story(make_article(outlet="One"), headline="Kept copy of day 2"),
        date=dt.date(2022, 2, 2),
    )
    day_3 = make_briefing(
        make_story(make_article(outlet="One"), headline="Built elsewhere"), date=dt.date(2022, 2, 3)
    )
    kept = Kept(
        {
            dt.date(2022, 2, 2): render_briefing(elsewhere).json,
            dt.date(2022, 2, 3): render_briefing(day_3).json,
        }
    )
    entries = read_entries(kept, tmp_path)
    assert [(e.date.day, e.headlines) for e in entries] == [
        (3, ("Built elsewhere",)),
        (2, ("Kept copy of day 2",)),
        (1, ("In the folder",)),
    ]
    write_archive(tmp_path, now=NOW, sources=[kept])
    feed = feedparser.parse(str(tmp_path / "feed.xml"))
    assert [e.link for e in feed.entries] == [
        "2022-02-03.html",
        "2022-02-02.html",
        "2022-02-01.html",
    ]


def test_a_broken_record_elsewhere_is_named_and_listed_by_date(
    caplog: pytest.LogCaptureFixture,
) -> None:
    (entry,) = read_entries(Kept({dt.date(2022, 2, 1): "{not json"}))
    assert (entry.date, entry.stories) == (dt.date(2022, 2, 1), None)
    assert "kept 2022-02-01: unreadable archive record" in caplog.text


def test_only_a_changed_index_or_feed_is_rewritten(tmp_path: Path) -> None:
    build(tmp_path, 1)
    before = {n: (tmp_path / n).stat().st_ino for n in ("index.html", "feed.xml")}
    assert write_archive(tmp_path, now=NOW) == ()
    assert {n: (tmp_path / n).stat().st_ino for n in ("index.html", "feed.xml")} == before
    build(tmp_path, 2)
    assert write_archive(tmp_path, now=NOW) == ()  # build() wrote them already
    (tmp_path / "index.html").write_text("stale", encoding="utf-8")
    assert write_archive(tmp_path, now=NOW) == (tmp_path / "index.html",)
    assert "2 briefings" in (tmp_path / "index.html").read_text(encoding="utf-8")
