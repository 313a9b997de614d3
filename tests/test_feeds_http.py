"""collect_feeds against a real HTTP server on 127.0.0.1: bad servers, 304s, retries, full text."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.config import FeedSource
from digest.feeds import collect_feeds, feed_health, remember_and_select_new, user_agent
from digest.feeds.collect import FeedsResult
from digest.store import Store, open_store
from tests.test_feeds_helpers import FAST, FeedServer, Route, http_date, item, rss

NOW = dt.datetime(2025, 1, 6, 12, 0, tzinfo=dt.UTC)
GOOD = rss(
    item("First story", link="https://example.com/a/1", guid="g1", description="<p>One.</p>"),
    item("Second story", link="https://example.com/a/2", guid="g2", description="<p>Two.</p>"),
)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def store() -> Iterator[Store]:
    with open_store(":memory:") as opened:
        yield opened


def collect(*urls: str, store: Store | None = None, now: dt.datetime = NOW) -> FeedsResult:
    return collect_feeds([FeedSource(url=u) for u in urls], settings=FAST, store=store, now=now)


def only_report(result: FeedsResult) -> str:
    assert len(result.reports) == 1
    report = result.reports[0]
    assert not report.ok
    assert "\n" not in report.message
    return report.message


def test_a_good_feed_yields_its_entries_and_sends_our_user_agent(server: FeedServer) -> None:
    server.routes["/feed"] = Route(GOOD.encode())
    result = collect(server.url("/feed"))
    assert [d.title for d in result.documents] == ["First story", "Second story"]
    assert {d.origin for d in result.documents} == {server.url("/feed")}
    assert result.reports[0].ok
    assert result.reports[0].articles == 2
    agent = server.hits("/feed")[0].headers["user-agent"]
    assert agent == user_agent()
    assert agent.startswith("digest/0.")


def test_gzip_responses_are_decoded(server: FeedServer) -> None:
    server.routes["/gz"] = Route(GOOD.encode(), kind="gzip")
    result = collect(server.url("/gz"))
    assert len(result.documents) == 2
    assert "gzip" in server.hits("/gz")[0].headers["accept-encoding"]


@pytest.mark.parametrize(
    ("route", "cause"),
    [
        (Route(b"oops", status=500, content_type="text/plain"), "HTTP 500"),
        (Route(b"gone", status=404, content_type="text/plain"), "HTTP 404"),
        (Route(b"gone", status=410, content_type="text/plain"), "HTTP 410"),
        (
            Route(b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", content_type="text/html"),
            "HTML page",
        ),
        (Route(b"", content_type="application/rss+xml"), "empty response"),
    ],
    ids=["500", "404", "410", "html", "empty"],
)
def test_a_bad_answer_is_one_line_naming_the_feed_and_cause(
    server: FeedServer, route: Route, cause: str
) -> None:
    server.routes["/bad"] = route
    message = only_report(collect(server.url("/bad")))
    assert message.startswith(server.url("/bad") + ": ")
    assert cause in message


def test_500_404_and_410_are_not_retried(server: FeedServer) -> None:
    for path, status in [("/500", 500), ("/404", 404), ("/410", 410)]:
        server.routes[path] = Route(b"no", status=status, content_type="text/plain")
    collect(server.url("/500"), server.url("/404"), server.url("/410"))
    assert [len(server.hits(p)) for p in ("/500", "/404", "/410")] == [1, 1, 1]


def test_transient_errors_are_retried_with_backoff(server: FeedServer) -> None:
    server.routes["/flaky"] = Route(GOOD.encode(), first_statuses=[503, 502])
    result = collect(server.url("/flaky"))
    assert result.reports[0].ok
    assert len(result.documents) == 2
    assert len(server.hits("/flaky")) == 3


def test_retries_give_up_with_the_last_cause(server: FeedServer) -> None:
    server.routes["/down"] = Route(GOOD.encode(), first_statuses=[503, 503, 503, 503])
    message = only_report(collect(server.url("/down")))
    assert "HTTP 503" in message
    assert "3 attempts" in message
    assert len(server.hits("/down")) == FAST.retries + 1


def test_a_hanging_server_is_cut_off_at_the_total_timeout(server: FeedServer) -> None:
    server.routes["/hang"] = Route(kind="hang")
    server.routes["/ok"] = Route(GOOD.encode())
    started = time.monotonic()
    result = collect(server.url("/hang"), server.url("/ok"))
    elapsed = time.monotonic() - started
    assert elapsed < FAST.total_timeout + 1.0
    hung, fine = result.reports
    assert not hung.ok
    assert hung.message.startswith(server.url("/hang") + ": ")
    assert "1.5 s" in hung.message
    assert fine.ok
    assert len(result.documents) == 2


def test_a_redirect_loop_is_reported(server: FeedServer) -> None:
    server.routes["/loop-a"] = Route(status=302, headers={"Location": "/loop-b"})
    server.routes["/loop-b"] = Route(status=302, headers={"Location": "/loop-a"})
    message = only_report(collect(server.url("/loop-a")))
    assert "too many redirects" in message


def test_a_redirect_is_followed(server: FeedServer) -> None:
    server.routes["/old"] = Route(status=301, headers={"Location": "/new"})
    server.routes["/new"] = Route(GOOD.encode())
    server.routes["/temporary"] = Route(status=302, headers={"Location": "/new"})
    result = collect(server.url("/old"), server.url("/temporary"))
    assert len(result.documents) == 4
    assert {d.origin for d in result.documents} == {server.url("/old"), server.url("/temporary")}
    moved, temporary = result.reports
    assert moved.ok
    assert moved.message == (
        f"{server.url('/old')}: moved permanently to {server.url('/new')}; update the config"
    )
    assert temporary.ok
    assert temporary.message == ""


@pytest.mark.parametrize("declare_length", [True, False], ids=["declared", "streamed"])
def test_a_100_mb_answer_stops_at_the_cap(server: FeedServer, declare_length: bool) -> None:
    server.routes["/huge"] = Route(kind="endless", declare_length=declare_length)
    message = only_report(collect(server.url("/huge")))
    assert "too large" in message
    assert "1,000,000" in message
    # We hung up near the cap: far less than 100 MB went over the wire.
    assert server.bytes_sent.get("/huge", 0) < 20_000_000


def test_an_illegal_xml_character_is_reported_and_the_entries_kept(server: FeedServer) -> None:
    body = rss(item("Bad \x01 char", link="https://example.com/x", description="Text"))
    server.routes["/illegal"] = Route(body.encode())
    result = collect(server.url("/illegal"))
    (report,) = result.reports
    assert report.ok
    assert report.message.startswith(server.url("/illegal") + ": ")
    assert "malformed XML" in report.message
    assert [d.title for d in result.documents] == ["Bad char"]


def test_a_wrongly_declared_charset_is_reported_and_the_text_right(server: FeedServer) -> None:
    # The server says UTF-8 but sends Latin-1.
    body = rss(item("Café crème", link="https://example.com/c"), encoding="iso-8859-1", decl=False)
    server.routes["/latin"] = Route(body.encode("latin-1"))
    # The server says Latin-1 but sends UTF-8.
    body = rss(item("Ελληνικά café", link="https://example.com/g"))
    server.routes["/utf8"] = Route(
        body.encode("utf-8"), content_type="application/rss+xml; charset=iso-8859-1"
    )
    result = collect(server.url("/latin"), server.url("/utf8"))
    assert [d.title for d in result.documents] == ["Café crème", "Ελληνικά café"]
    latin, utf8 = result.reports
    assert latin.ok
    assert "charset" in latin.message
    assert latin.message.startswith(server.url("/latin"))
    assert utf8.ok
    assert "declared charset" in utf8.message


def test_nothing_listens(server: FeedServer) -> None:
    server.httpd.server_close()  # the port is now closed: connection refused
    message = only_report(collect(server.url("/feed")))
    assert "cannot connect" in message


def test_conditional_get_sends_validators_back_and_a_304_parses_nothing(
    server: FeedServer, store: Store
) -> None:
    modified = http_date(NOW - dt.timedelta(days=1))
    server.routes["/feed"] = Route(GOOD.encode(), etag='"v1"', last_modified=modified)
    first = collect(server.url("/feed"), store=store)
    assert len(first.documents) == 2
    later = NOW + dt.timedelta(hours=1)
    second = collect(server.url("/feed"), store=store, now=later)
    assert second.documents == ()
    (report,) = second.reports
    assert report.ok
    assert report.articles == 0
    assert report.last_success == later
    sent = server.hits("/feed")[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == modified


def test_last_modified_alone_gives_a_304(server: FeedServer, store: Store) -> None:
    modified = http_date(NOW)
    server.routes["/feed"] = Route(GOOD.encode(), last_modified=modified)
    collect(server.url("/feed"), store=store)
    assert collect(server.url("/feed"), store=store).documents == ()
    assert "if-none-match" not in server.hits("/feed")[1].headers


def test_failures_are_recorded_as_feed_health(server: FeedServer, store: Store) -> None:
    server.routes["/feed"] = Route(GOOD.encode())
    collect(server.url("/feed"), store=store)
    server.routes["/feed"] = Route(b"oops", status=500, content_type="text/plain")
    collect(server.url("/feed"), store=store, now=NOW + dt.timedelta(days=1))
    result = collect(server.url("/feed"), store=store, now=NOW + dt.timedelta(days=2))
    assert result.reports[0].last_success == NOW
    (health,) = feed_health(store, now=NOW + dt.timedelta(days=2), silent_days=30)
    assert not health.ok
    assert "failing since 2025-01-07, 2 attempts in a row: HTTP 500" in health.message
    # A later success clears it.
    server.routes["/feed"] = Route(GOOD.encode())
    collect(server.url("/feed"), store=store, now=NOW + dt.timedelta(days=3))
    assert feed_health(store, now=NOW + dt.timedelta(days=3), silent_days=30) == ()


def test_local_paths_and_file_urls(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(GOOD, encoding="utf-8")
    by_path = collect(str(feed))
    by_url = collect(feed.as_uri())
    relative = collect_feeds(
        [FeedSource(url="feed.xml")], settings=FAST, store=None, now=NOW, base_dir=tmp_path
    )
    assert len(by_path.documents) == len(by_url.documents) == len(relative.documents) == 2
    assert by_url.documents[0].origin == feed.as_uri()
    missing = only_report(collect(str(tmp_path / "missing.xml")))
    assert "missing.xml" in missing
    assert "cannot read" in missing


def test_keyword_filters_apply_per_feed(server: FeedServer) -> None:
    server.routes["/feed"] = Route(GOOD.encode())
    url = server.url("/feed")
    result = collect_feeds(
        [FeedSource(url=url, include=("first",)), FeedSource(url=url, exclude=("FIRST",))],
        settings=FAST,
        store=None,
        now=NOW,
    )
    assert [d.title for d in result.documents] == ["First story", "Second story"]
    assert [r.articles for r in result.reports] == [1, 1]


def test_full_text_is_extracted_from_the_linked_page(server: FeedServer) -> None:
    article = "".join(
        f"<p>Paragraph {n} of the full article explains the council decision in detail.</p>"
        for n in range(8)
    )
    page = (
        "<html><head><title>A</title></head><body><nav>Home | World</nav>"
        f"<article><h1>Story</h1>{article}</article><footer>© Example</footer></body></html>"
    )
    server.routes["/page"] = Route(page.encode(), content_type="text/html; charset=utf-8")
    feed = rss(
        item("Story", link=server.url("/page"), description="Teaser."),
        item("Missing page", link=server.url("/nope"), description="Only the teaser."),
    )
    server.routes["/feed"] = Route(feed.encode())
    result = collect_feeds(
        [FeedSource(url=server.url("/feed"), full_text=True)], settings=FAST, store=None, now=NOW
    )
    full, fallback = result.documents
    assert "Paragraph 7 of the full article" in full.text
    assert "\n\n" in full.text
    assert "Home | World" not in full.text
    assert fallback.text == "Only the teaser."


def test_two_feeds_and_two_runs_give_each_article_once(server: FeedServer, store: Store) -> None:
    body = "The harbour authority confirmed the new ferry timetable for the winter season."
    shared = item("Ferry timetable", link="https://port.example/ferry?utm_source=a", guid="a1")
    server.routes["/a"] = Route(
        rss(shared, item("Only in A", link="https://port.example/a2")).encode()
    )
    server.routes["/b"] = Route(
        rss(
            item("Ferry timetable", link="https://port.example/ferry", guid="b7", description=body)
        ).encode()
    )
    first = collect(server.url("/a"), server.url("/b"), store=store)
    new = remember_and_select_new(
        store, first.documents, now=NOW, last_build=None, first_window_days=2
    )
    assert sorted(d.title or "" for d in new) == ["Ferry timetable", "Only in A"]
    # Next run: feed A renamed all its GUIDs; nothing is new.
    renamed = rss(
        item("Ferry timetable", link="https://port.example/ferry", guid="new-a1"),
        item("Only in A", link="https://port.example/a2", guid="new-a2"),
    )
    server.routes["/a"] = Route(renamed.encode())
    later = NOW + dt.timedelta(hours=6)
    second = collect(server.url("/a"), server.url("/b"), store=store, now=later)
    assert len(second.documents) == 3
    assert (
        remember_and_select_new(
            store, second.documents, now=later, last_build=NOW, first_window_days=2
        )
        == ()
    )


def test_full_text_pages_share_one_time_budget(server: FeedServer) -> None:
    feed = rss(*(item(f"Story {n}", link=server.url("/slow") + f"?n={n}") for n in range(12)))
    server.routes["/feed"] = Route(feed.encode())
    for n in range(12):
        server.routes[f"/slow?n={n}"] = Route(kind="hang")
    started = time.monotonic()
    result = collect_feeds(
        [FeedSource(url=server.url("/feed"), full_text=True)], settings=FAST, store=None, now=NOW
    )
    # Twelve hanging pages, four at a time: one budget in all, not three.
    assert time.monotonic() - started < 2 * FAST.total_timeout
    assert [d.title for d in result.documents] == [f"Story {n}" for n in range(12)]
    assert result.reports[0].ok


def test_an_invalid_url_is_a_failed_feed_not_a_crash() -> None:
    result = collect("http://[not-a-host/feed", "ftp://example.com/feed.xml")
    bad_host, ftp = result.reports
    assert not bad_host.ok
    assert "not a valid URL" in bad_host.message
    assert not ftp.ok
    assert "not a valid URL" in ftp.message


def test_a_retry_after_beyond_the_budget_fails_at_once(server: FeedServer) -> None:
    server.routes["/busy"] = Route(
        GOOD.encode(), first_statuses=[429], headers={"Retry-After": "30"}
    )
    started = time.monotonic()
    message = only_report(collect(server.url("/busy")))
    assert "HTTP 429" in message
    assert len(server.hits("/busy")) == 1
    assert time.monotonic() - started < 1.0


def test_at_most_per_host_downloads_run_at_once_on_one_host(server: FeedServer) -> None:
    for n in range(8):
        server.routes[f"/f{n}"] = Route(GOOD.encode(), delay=0.1)
    settings = FAST.model_copy(update={"per_host": 2, "concurrency": 8})
    feeds = [FeedSource(url=server.url(f"/f{n}")) for n in range(8)]
    result = collect_feeds(feeds, settings=settings, store=None, now=NOW)
    assert all(r.ok for r in result.reports)
    assert server.most_active == 2
