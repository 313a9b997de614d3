"""parse_feed: feedparser entries → RawDocuments; dates, text, links, filters (pure)."""

from __future__ import annotations

import datetime as dt
import gzip
import zlib
from pathlib import Path

import pytest

from digest.errors import SourceError
from digest.feeds import apply_filters, parse_feed
from digest.feeds.parse import parse_feed_detailed
from digest.feeds.text import html_to_text
from digest.model import RawDocument
from digest.text.dates import parse_date
from tests.test_feeds_helpers import item, rss

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"


def tz(hours: float) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


def when(document: RawDocument) -> dt.date | None:
    """The entry's date as the feed stated it: a date, a naive or an aware datetime."""
    return document.published.stated if document.published else None


def parse_fixture(name: str, *, title: str | None = None) -> tuple[RawDocument, ...]:
    data = (FIXTURES / name).read_bytes()
    return parse_feed(data, origin=f"feeds/{name}", name=title)


def test_atom_entries_keep_their_zones_and_their_paragraphs() -> None:
    india, utc, naive, day = parse_fixture("atom-zones.xml")
    assert when(india) == dt.datetime(2025, 1, 6, 9, 30, tzinfo=tz(5.5))
    assert isinstance(when(india), dt.datetime)
    assert when(india).utcoffset() == dt.timedelta(hours=5, minutes=30)
    assert india.text == "First paragraph.\n\nSecond & last."
    assert india.outlet == "Zone & Times"
    assert india.guid == "urn:zones:1"
    assert india.origin == "feeds/atom-zones.xml"
    assert when(utc) == dt.datetime(2025, 1, 6, 12, tzinfo=dt.UTC)
    assert utc.url == "https://zones.example.org/relative/2"
    assert utc.text == "Plain summary."
    # No zone in the feed: a naive time, not silently UTC.
    assert when(naive) == dt.datetime(2025, 1, 6, 8, 0)
    assert isinstance(when(naive), dt.datetime)
    assert when(naive).tzinfo is None
    assert naive.text == ""
    assert when(day) == dt.date(2025, 1, 5)
    assert not isinstance(when(day), dt.datetime)
    assert day.title == "Day only"


def test_rss_dates_keep_their_zones() -> None:
    docs = parse_fixture("rss-dates.xml")
    dates = {d.title: when(d) for d in docs}
    assert dates["Offset"] == dt.datetime(2025, 1, 6, 7, tzinfo=tz(-5))
    assert dates["Named zone"] == dt.datetime(2025, 1, 6, 7, tzinfo=tz(-5))
    assert dates["GMT"] == dt.datetime(2025, 1, 6, 12, tzinfo=dt.UTC)
    assert dates["Unknown zone"] == dt.datetime(2025, 1, 6, 12)
    assert dates["No zone"] == dt.datetime(2025, 1, 6, 12)
    assert dates["Not a date"] is None


def test_guids_become_links_only_when_they_are_permalinks() -> None:
    links = {d.title: d.url for d in parse_fixture("rss-dates.xml")}
    assert links["Offset"] == "https://dates.example.com/1"
    assert links["No zone"] is None


def test_a_configured_name_is_the_outlet() -> None:
    docs = parse_fixture("rss-dates.xml", title="My Dates")
    assert {d.outlet for d in docs} == {"My Dates"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-01-06T09:30:00.250+02:00", dt.datetime(2025, 1, 6, 9, 30, 0, 250000, tzinfo=tz(2))),
        ("2025-01-06 09:30:00Z", dt.datetime(2025, 1, 6, 9, 30, tzinfo=dt.UTC)),
        ("Tue, 7 Jan 2025 23:59:59 +1300", dt.datetime(2025, 1, 7, 23, 59, 59, tzinfo=tz(13))),
        ("7 Jan 2025 10:00 PST", dt.datetime(2025, 1, 7, 10, tzinfo=tz(-8))),
        ("2025-02-30", None),
        ("0001-01-01T00:00:00Z", None),
        ("", None),
    ],
)
def test_parse_date(raw: str, expected: dt.date | None) -> None:
    assert parse_date(raw) == expected


def test_a_date_only_feedparser_understands_falls_back_to_its_utc_value() -> None:
    # A Korean-format date: not RFC 822 nor ISO, but feedparser has a handler for it.
    body = rss(item("Korean", link="https://k.example/1", date="2004-05-25 오후 11:23:17"))
    (doc,) = parse_feed(body.encode(), origin="k", name=None)
    assert doc.published is not None
    assert isinstance(doc.published.stated, dt.datetime)
    assert doc.published.stated.tzinfo is not None


def test_html_to_text_drops_markup_scripts_and_keeps_paragraphs() -> None:
    html = (
        "<div><h2>Head</h2><p>One <a href='x'>link</a>&nbsp;here.</p>"
        "<style>p{}</style><script>bad()</script><ul><li>a</li><li>b</li></ul>"
        "Line<br>break<iframe src='x'>framed</iframe></div>"
    )
    assert html_to_text(html) == "Head\n\nOne link here.\n\na\n\nb\n\nLine\nbreak"
    assert html_to_text("a < b and c > d") == "a < b and c > d"
    assert html_to_text("Para one.\n\nPara two.") == "Para one.\n\nPara two."
    assert html_to_text("bad \x00\x0b control") == "bad control"


def test_the_longest_of_content_and_summary_is_the_text() -> None:
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>E</title>'
        "<summary>Short.</summary>"
        '<content type="html">&lt;p&gt;The long body.&lt;/p&gt;&lt;p&gt;More.&lt;/p&gt;</content>'
        "</entry></feed>"
    )
    (doc,) = parse_feed(body.encode(), origin="t", name=None)
    assert doc.text == "The long body.\n\nMore."


def test_html_instead_of_a_feed_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="HTML page") as caught:
        parse_feed(b"<!doctype html><html><p>Hi</p></html>", origin="x.html", name=None)
    assert caught.value.source == "x.html"


def test_garbage_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="not a feed"):
        parse_feed(b"\x00\x01 not xml at all", origin="junk", name=None)


def test_an_illegal_character_is_dropped_and_warned_about() -> None:
    body = rss(item("Bad \x0c char", link="https://e.example/1", description="A\x01B"))
    parsed = parse_feed_detailed(body.encode(), origin="ill", name=None)
    (doc,) = parsed.documents
    assert doc.title == "Bad char"
    assert doc.text == "AB"
    assert parsed.warning is not None
    assert parsed.warning.startswith("ill: malformed XML")


def test_a_latin1_feed_declared_utf8_by_http_reads_right() -> None:
    body = rss(item("Crème brûlée", link="https://e.example/1"), decl=False).encode("latin-1")
    parsed = parse_feed_detailed(
        body, origin="c", name=None, headers={"Content-Type": "text/xml; charset=utf-8"}
    )
    assert parsed.documents[0].title == "Crème brûlée"
    assert parsed.warning is not None
    assert "wrong charset" in parsed.warning


def test_a_utf8_feed_declared_latin1_by_http_reads_right() -> None:
    body = rss(item("Ελληνικά — café", link="https://e.example/1")).encode()
    parsed = parse_feed_detailed(
        body, origin="g", name=None, headers={"content-type": "application/xml; charset=latin-1"}
    )
    assert parsed.documents[0].title == "Ελληνικά — café"
    assert parsed.warning == "g: declared charset iso8859-1 but the content is UTF-8; read as UTF-8"


def test_a_true_latin1_feed_is_left_alone() -> None:
    body = rss(item("Café", link="https://e.example/1"), encoding="iso-8859-1").encode("latin-1")
    parsed = parse_feed_detailed(
        body, origin="l", name=None, headers={"content-type": "text/xml; charset=iso-8859-1"}
    )
    assert parsed.documents[0].title == "Café"
    assert parsed.warning is None


def test_filters_match_whole_words_case_insensitively() -> None:
    docs = (
        RawDocument(origin="f", title="Budget vote tonight", text="Parliament decides."),
        RawDocument(origin="f", title="Football", text="The budgetary cup final."),
        RawDocument(origin="f", title="Sports budget", text="Football clubs."),
    )
    kept = apply_filters(docs, include=("budget",), exclude=())
    assert [d.title for d in kept] == ["Budget vote tonight", "Sports budget"]
    kept = apply_filters(docs, include=("budget",), exclude=("football",))
    assert [d.title for d in kept] == ["Budget vote tonight"]
    kept = apply_filters(docs, include=(), exclude=("vote tonight",))
    assert [d.title for d in kept] == ["Football", "Sports budget"]


def test_gzip_and_zlib_feed_bytes_are_unpacked() -> None:
    body = rss(item("Packed", link="https://p.example/1")).encode()
    for packed in (gzip.compress(body), zlib.compress(body)):
        (doc,) = parse_feed(packed, origin="feed.xml.gz", name=None)
        assert doc.title == "Packed"
    with pytest.raises(SourceError, match="not a feed"):
        parse_feed(b"\x1f\x8b\x08 broken gzip", origin="bad.gz", name=None)


def test_feedparser_crashing_is_a_source_error() -> None:
    # feedparser 6.0.14 raises UnicodeDecodeError on a non-UTF-8 byte in the XML declaration.
    data = b'<?xml version="1.0" encoding="\x9fx"?><rss version="2.0"><channel/></rss>'
    with pytest.raises(SourceError, match="cannot parse: UnicodeDecodeError") as caught:
        parse_feed(data, origin="crash.xml", name=None)
    assert caught.value.source == "crash.xml"


def test_a_utf8_feed_whose_xml_declaration_says_latin1_reads_right() -> None:
    body = rss(item("Zürich — naïve", link="https://e.example/1"), encoding="ISO-8859-1")
    parsed = parse_feed_detailed(body.encode("utf-8"), origin="z", name=None)
    assert parsed.documents[0].title == "Zürich — naïve"
    assert parsed.warning == "z: declared charset iso8859-1 but the content is UTF-8; read as UTF-8"


def test_a_declared_multibyte_charset_is_not_second_guessed() -> None:
    body = rss(item("日本語のタイトル", link="https://e.example/1"), encoding="shift_jis")
    parsed = parse_feed_detailed(
        body.encode("shift_jis"), origin="j", name=None, headers={"content-type": "text/xml"}
    )
    assert parsed.documents[0].title == "日本語のタイトル"
