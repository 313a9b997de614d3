"""The HTML briefing in a real browser: headless Chromium at desktop and phone widths.

Asserts, at 1280 and 390 CSS pixels wide: the page never scrolls sideways (scrollWidth is not
more than clientWidth) and every story headline is drawn (non-empty box inside the viewport's
width, not hidden, and the element actually on top at its corner). Screenshots are saved
beside the page in the test's tmp folder. Skipped, with the reason, when chromium is absent
(`.ci/run` installs Debian's `chromium` when missing).
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest

from digest import pipeline
from digest.archive import write_archive
from digest.compose import SectionRule, arrange
from digest.config import StoreConfig, load_config
from digest.model import Briefing, Conflict, SummarySentence
from digest.render import render_briefing
from tests.builders import make_article, make_briefing, make_story
from tests.chromium import Browser, chromium_path, seeds_briefing_html
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(
    chromium_path() is None, reason="chromium not installed (apt-get install chromium)"
)

WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as running:
        yield running


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def crowded_briefing() -> Briefing:
    """Stories that stress a narrow screen: long words and URLs, a conflict, sections."""
    long_word = "Supercalifragilisticexpialidocious" * 3
    first = make_article(
        "a",
        title="A headline " + long_word,
        url="https://example.org/" + "very-long-path-segment-" * 8,
        outlet="Outlet One",
        published=dt.date(2022, 2, 1),
    )
    second = make_article("b", title="Second", outlet="Outlet Two", published=dt.date(2022, 2, 2))
    conflicted = replace(
        make_story(
            first,
            second,
            headline="Moscow says the US claim of a written reply is not true " + long_word,
            summary=(("A sentence with " + long_word + ".", "a"), ("Another sentence.", "b")),
        ),
        conflicts=(
            Conflict(
                SummarySentence("We received a written follow-up from Russia.", "a"),
                SummarySentence("The US claim that it had received an answer is not true.", "b"),
                "One article reports it; another reports it denied.",
            ),
        ),
        developing=True,
        previous_briefing="2022-01-31",
    )
    others = [
        make_story(
            make_article(f"x{n}", outlet=f"Outlet {n}"), headline=f"Story {n}", story_id=f"s{n}"
        )
        for n in range(3)
    ]
    briefing, _ = arrange(make_briefing(conflicted, *others))
    return briefing


def render_to(folder: Path, briefing: Briefing, sections: bool = False) -> Path:
    rules = [SectionRule("Europe", keywords=("Moscow",))] if sections else []
    arranged, laid_out = arrange(briefing, rules)
    page = folder / "2022-02-01.html"
    html = render_briefing(arranged, sections=laid_out).html
    page.write_text(html, encoding="utf-8")
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("sections", [False, True], ids=["plain", "sections"])
def test_briefing_fits_the_screen_and_shows_every_headline(
    browser: Browser, tmp_path: Path, width: int, sections: bool
) -> None:
    briefing = crowded_briefing()
    page = render_to(tmp_path, briefing, sections=sections)
    layout = browser.open(page, width=width)
    assert layout.viewport == width
    assert not layout.overflows, f"{layout.scroll_width}px of content in {layout.client_width}px"
    assert [h.text.removesuffix(" Developing") for h in layout.headlines] == [
        s.headline for s in arrange(briefing, [])[0].stories
    ]
    assert layout.hidden_headlines() == []
    shot = browser.screenshot(tmp_path / f"briefing-{width}.png", width=width, height=layout.height)
    assert png_size(shot) == (width, layout.height)


@pytest.mark.parametrize("width", WIDTHS)
def test_one_line_entries_fit_the_screen(browser: Browser, tmp_path: Path, width: int) -> None:
    many_links = make_story(
        *(
            make_article(f"l{n}", outlet=f"Outlet {n}", url=f"https://example.org/{n}")
            for n in range(40)
        ),
        headline="A one-liner with forty linked sources " + "Longwordwithoutbreaks" * 4,
        story_id="links",
    )
    arranged, sections = arrange(make_briefing(*crowded_briefing().stories, many_links), featured=1)
    page = tmp_path / "2022-02-01.html"
    page.write_text(render_briefing(arranged, sections=sections).html, encoding="utf-8")
    layout = browser.open(page, width=width)
    assert not layout.overflows, f"{layout.scroll_width}px of content in {layout.client_width}px"
    assert len(layout.headlines) == 1  # the featured story; the rest are one line each
    assert layout.hidden_headlines() == []
    browser.screenshot(tmp_path / f"briefs-{width}.png", width=width, height=layout.height)


# Where the browser draws the "5" and the "o" of the contents' "· 5 outlets" after a headline.
_COUNT_ORDER = """(() => {
  const text = document.querySelector(".toc .count").firstChild;
  const left = (i) => {
    const range = document.createRange();
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    return range.getBoundingClientRect().left;
  };
  const shown = text.textContent;
  return [shown, left(shown.indexOf("5")), left(shown.indexOf("o"))];
})()"""


def test_an_unclosed_override_in_a_headline_does_not_reverse_the_text_after_it(
    browser: Browser, tmp_path: Path
) -> None:
    articles = [make_article(f"a{n}", outlet=f"Outlet {n}") for n in range(5)]
    story = make_story(*articles, headline="Evil \u202eheadline", summary=(("Said.", "a0"),))
    page = tmp_path / "bidi.html"
    page.write_text(render_briefing(make_briefing(story)).html, encoding="utf-8")
    browser.open(page, width=1280)
    text, five, o = browser.evaluate(_COUNT_ORDER)
    assert text == "· 5 outlets"
    assert five < o  # drawn left to right, as written


def test_the_checks_catch_overflow_and_hidden_headlines(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><meta name="viewport" content="width=device-width">'
        '<h2 class="headline">Seen</h2>'
        '<h2 class="headline" style="visibility:hidden">Hidden</h2>'
        '<h2 class="headline" style="margin-left:2000px">Off screen</h2>',
        encoding="utf-8",
    )
    layout = browser.open(page, width=390)
    assert layout.overflows
    assert layout.hidden_headlines() == ["Hidden", "Off screen"]


@pytest.mark.slow
def test_seeds_briefing_shows_the_conflict_and_fits(browser: Browser, tmp_path: Path) -> None:
    page = seeds_briefing_html(tmp_path)
    html = page.read_text(encoding="utf-8")
    assert 'class="conflict"' in html
    assert "not true" in html[html.index('class="conflict"') :]
    for width in WIDTHS:
        layout = browser.open(page, width=width)
        assert not layout.overflows
        assert layout.headlines
        assert layout.hidden_headlines() == []
        browser.screenshot(tmp_path / f"seeds-{width}.png", width=width, height=layout.height)


@pytest.mark.slow
def test_builds_on_two_dates_fill_archive_and_feed(tmp_path: Path) -> None:
    config = load_config(REPO / "config.yaml")
    config = config.model_copy(update={"store": StoreConfig(path=tmp_path / "store.sqlite3")})
    out = tmp_path / "briefings"
    for day in (1, 2):
        now = dt.datetime(2022, 2, day, 7, 0, tzinfo=dt.UTC)
        pipeline.build(config, date=now.date(), now=now, out_dir=out, send_email=False)
    html = (out / "2022-02-01.html").read_text(encoding="utf-8")
    assert 'class="conflict"' in html
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index('href="2022-02-02.html"') < index.index('href="2022-02-01.html"')
    feed = feedparser.parse(str(out / "feed.xml"))
    assert feed.bozo == 0
    assert [e.link for e in feed.entries] == ["2022-02-02.html", "2022-02-01.html"]


@pytest.mark.parametrize("width", WIDTHS)
def test_archive_index_fits_the_screen(browser: Browser, tmp_path: Path, width: int) -> None:
    for day in (1, 2):
        briefing = make_briefing(
            make_story(headline="A headline " + "without-any-break-" * 12),
            date=dt.date(2022, 2, day),
        )
        (tmp_path / f"2022-02-0{day}.html").write_text(render_briefing(briefing).html, "utf-8")
        write_archive(tmp_path, now=dt.datetime(2022, 2, 2, 8, tzinfo=dt.UTC), briefing=briefing)
    layout = browser.open(tmp_path / "index.html", width=width)
    assert not layout.overflows
    assert [h.text for h in layout.headlines] == ["2 February 2022", "1 February 2022"]
    assert layout.hidden_headlines() == []
