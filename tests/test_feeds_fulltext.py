"""Full text of feed entries against a real server on 127.0.0.1: deadlines, warnings, robots.txt.

The worker-process side (crashes, overtime) is tested in tests/test_feeds_extraction.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest

from digest.config import CollectConfig, FeedSource
from digest.feeds import collect_feeds, extraction
from digest.feeds.collect import FeedsResult
from tests.test_feeds_helpers import FAST, FeedServer, Route, item, rss

NOW = dt.datetime(2025, 1, 6, 12, 0, tzinfo=dt.UTC)
HTML = "text/html; charset=utf-8"
TEASER = "Only the teaser."
SETTINGS = FAST.model_copy(update={"page_timeout": 0.6, "total_timeout": 8.0, "per_host": 2})


def article_page(n: int, *, paragraphs: int = 8) -> bytes:
    """A news page as sites make them: navigation, the article, related links, a footer."""
    body = "".join(
        f"<p>Paragraph {k} of article {n}: the council debated the harbour budget at length, "
        f"and the mayor answered questions from residents about ferry fares and repairs.</p>"
        for k in range(paragraphs)
    )
    return (
        f"<!DOCTYPE html><html><head><title>Article {n}</title>"
        "<script>window.analytics = {id: 1};</script><style>p{margin:0}</style></head><body>"
        "<header><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav></header>"
        f"<main><article><h1>Headline of article {n}</h1><p class='byline'>By A. Writer</p>"
        f"{body}</article>"
        "<aside><h2>Related</h2><ul><li><a href='/x'>Other story</a></li></ul></aside></main>"
        "<footer>© Example News · Privacy · Terms</footer></body></html>"
    ).encode()


_WORDS = [
    "council",
    "harbour",
    "budget",
    "ferry",
    "mayor",
    "residents",
    "repairs",
    "tender",
    "contract",
    "island",
    "winter",
    "timetable",
    "port",
    "authority",
    "engineers",
    "storm",
    "schedule",
    "passengers",
    "fares",
    "operator",
    "vote",
]


def realistic_page(n: int) -> bytes:
    """A news page of realistic size (about 40 kB) and structure, different for each `n`.

    Navigation of 60 links, JSON-LD and analytics scripts, an article of 12 to 20 paragraphs
    with a figure and a pull quote, related stories, a comment section and a long footer.
    """
    nav = "".join(f"<li><a href='/section/{k}'>Section {k}</a></li>" for k in range(60))
    paragraphs = []
    for k in range(12 + n % 9):
        words = [_WORDS[(n * 7 + k * 3 + j) % len(_WORDS)] for j in range(40 + (n + k) % 30)]
        paragraphs.append(f"<p>Report {n}, part {k}: the {' '.join(words)}.</p>")
    paragraphs.insert(
        3,
        f"<figure><img src='/img/{n}.jpg' alt=''><figcaption>Photo {n}"
        "</figcaption></figure><blockquote>“We will build it,” she said.</blockquote>",
    )
    related = "".join(
        f"<li><a href='/story/{n + k}'>Related story {n + k}</a></li>" for k in range(8)
    )
    comments = "".join(
        f"<div class='comment'><b>reader{k}</b><p>Comment {k} on report {n}.</p></div>"
        for k in range(10)
    )
    footer = " · ".join(f"<a href='/legal/{k}'>Legal page {k}</a>" for k in range(30))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Report {n} | Example News</title>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Report '
        f'{n}"}}</script><script>{"var tracker = 1;" * 1400}</script>'
        f"<style>{'.c{color:red}' * 200}</style></head><body>"
        f"<header><div class='top'><nav><ul>{nav}</ul></nav></div></header>"
        f"<div class='wrap'><main><article><h1>Report {n}: council and harbour</h1>"
        f"<p class='byline'>By Staff {n % 5} · 6 January 2025</p>{''.join(paragraphs)}</article>"
        f"<section class='comments'>{comments}</section></main>"
        f"<aside><h2>Related</h2><ul>{related}</ul></aside></div>"
        f"<footer><p>{footer}</p><p>© Example News</p></footer></body></html>"
    ).encode()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def full_text_feed(
    server: FeedServer, paths: list[str], settings: CollectConfig = SETTINGS
) -> FeedsResult:
    feed = rss(
        *(
            item(f"Entry {n}", link=server.url(path), description=TEASER)
            for n, path in enumerate(paths)
        )
    )
    server.routes["/feed"] = Route(feed.encode())
    source = FeedSource(url=server.url("/feed"), full_text=True)
    return collect_feeds([source], settings=settings, store=None, now=NOW)


def has_full_text(text: str) -> bool:
    return "council debated the harbour budget" in text and "Home | World" not in text


def warnings_about(caplog: pytest.LogCaptureFixture, url: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and url in r.getMessage()
    ]


def test_hanging_pages_cost_the_good_pages_nothing(
    server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    # Two hanging pages first and one dripping its body: with two slots per host they used
    # to hold both slots until the feed's budget ran out, and nothing after them was asked.
    server.routes["/hang/0"] = Route(kind="hang")
    server.routes["/hang/1"] = Route(kind="hang")
    server.routes["/drip"] = Route(article_page(99), content_type=HTML, kind="drip")
    good = [f"/page/{n}" for n in range(20)]
    for n, path in enumerate(good):
        server.routes[path] = Route(article_page(n), content_type=HTML)
    result = full_text_feed(server, ["/hang/0", "/hang/1", "/drip", *good])
    hanging, good_docs = result.documents[:3], result.documents[3:]
    assert all(has_full_text(d.text) for d in good_docs)
    assert [d.text for d in hanging] == [TEASER] * 3
    # Every download was done within the feed's budget (extraction may take longer).
    assert warnings_about(caplog, server.url("/feed")) == []
    for path in ("/hang/0", "/hang/1", "/drip"):
        (warning,) = warnings_about(caplog, server.url(path))
        assert "no complete answer within 0.6 s" in warning
        assert "keeps its feed text" in warning


@pytest.mark.parametrize(
    ("route", "cause"),
    [
        (Route(b"gone", status=404, content_type="text/plain"), "HTTP 404"),
        (Route(b"oops", status=500, content_type="text/plain"), "HTTP 500"),
        (Route(b"x" * 2_000_000, content_type=HTML), "response too large"),
        (
            Route(b"<html><body><script>var a = 1;</script></body></html>", content_type=HTML),
            "no article text",
        ),
    ],
    ids=["404", "500", "too-large", "no-article"],
)
def test_a_failed_page_is_one_warning_and_the_entry_keeps_its_feed_text(
    server: FeedServer, caplog: pytest.LogCaptureFixture, route: Route, cause: str
) -> None:
    server.routes["/bad"] = route
    server.routes["/good"] = Route(article_page(1), content_type=HTML)
    bad, good = full_text_feed(server, ["/bad", "/good"]).documents
    assert bad.text == TEASER
    assert has_full_text(good.text)
    (warning,) = warnings_about(caplog, server.url("/bad"))
    assert warning.startswith(f"full text of {server.url('/bad')}: ")
    assert cause in warning
    assert "\n" not in warning
    assert warnings_about(caplog, server.url("/good")) == []


def test_robots_txt_is_read_once_per_site_and_obeyed_for_pages_not_feeds(
    server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.routes["/robots.txt"] = Route(
        b"User-agent: *\nDisallow: /private/\n\nUser-agent: digest\nDisallow: /feed\n"
        b"Disallow: /members/\n",
        content_type="text/plain",
    )
    for path in ("/news/1", "/news/2", "/members/3", "/private/4"):
        server.routes[path] = Route(article_page(len(path)), content_type=HTML)
    news1, news2, members, private = full_text_feed(
        server, ["/news/1", "/news/2", "/members/3", "/private/4"]
    ).documents
    # The feed itself is fetched though robots.txt names it: the user asked for it.
    assert len(server.hits("/feed")) == 1
    assert len(server.hits("/robots.txt")) == 1
    assert has_full_text(news1.text)
    assert has_full_text(news2.text)
    # Our own section applies (not "*"), so /private/ is allowed for us and /members/ is not.
    assert members.text == TEASER
    assert server.hits("/members/3") == []
    assert has_full_text(private.text)
    (warning,) = warnings_about(caplog, server.url("/members/3"))
    assert "disallowed by the site's robots.txt" in warning


@pytest.mark.parametrize(
    ("route", "allowed"),
    [
        (Route(b"nothing", status=404, content_type="text/plain"), True),
        (Route(b"forbidden", status=403, content_type="text/plain"), True),
        (Route(b"broken", status=500, content_type="text/plain"), False),
        (Route(kind="hang"), False),
    ],
    ids=["404-allows", "403-allows", "500-disallows", "timeout-disallows"],
)
def test_a_robots_txt_that_cannot_be_read(
    server: FeedServer, caplog: pytest.LogCaptureFixture, route: Route, allowed: bool
) -> None:
    server.routes["/robots.txt"] = route
    server.routes["/a"] = Route(article_page(1), content_type=HTML)
    server.routes["/b"] = Route(article_page(2), content_type=HTML)
    docs = full_text_feed(server, ["/a", "/b"]).documents
    assert [has_full_text(d.text) for d in docs] == [allowed, allowed]
    if not allowed:
        assert server.hits("/a") == []
        (warning,) = warnings_about(caplog, server.url("/a"))
        assert "robots.txt unreachable" in warning


def test_pages_not_downloaded_within_the_feed_budget_are_one_warning(
    server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    for n in range(6):
        server.routes[f"/slow/{n}"] = Route(article_page(n), content_type=HTML, delay=0.4)
    settings = SETTINGS.model_copy(update={"total_timeout": 0.6, "per_host": 1})
    docs = full_text_feed(server, [f"/slow/{n}" for n in range(6)], settings).documents
    assert has_full_text(docs[0].text)
    assert docs[-1].text == TEASER
    (line,) = warnings_about(caplog, server.url("/feed"))
    assert "pages not downloaded within the feed's 0.6 s" in line


def test_no_worker_process_starts_without_pages_to_extract(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools: list[int] = []
    monkeypatch.setattr(extraction, "_start_pool", pools.append)
    server.routes["/plain"] = Route(rss(item("A", link=server.url("/x"))).encode())
    server.routes["/gone"] = Route(b"gone", status=404, content_type="text/plain")
    sources = [
        FeedSource(url=server.url("/plain")),
        FeedSource(url=server.url("/feed"), full_text=True),
    ]
    server.routes["/feed"] = Route(rss(item("B", link=server.url("/gone"))).encode())
    result = collect_feeds(sources, settings=SETTINGS, store=None, now=NOW)
    assert [d.title for d in result.documents] == ["A", "B"]
    assert server.hits("/x") == []
    assert pools == []


def test_extraction_processes_that_cannot_start_leave_the_feed_text(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_processes(workers: int) -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(extraction, "_start_pool", no_processes)
    server.routes["/a"] = Route(article_page(1), content_type=HTML)
    (doc,) = full_text_feed(server, ["/a"]).documents
    assert doc.text == TEASER
    (warning,) = warnings_about(caplog, server.url("/a"))
    assert "cannot start an extraction process: OSError: [Errno 24] Too many" in warning
