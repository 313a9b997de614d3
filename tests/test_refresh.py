"""Refreshing feeds between builds: claimed batches, due times on the database's clock, entries
that reach the next build once, health recorded, the loop `digest schedule` runs."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from digest import pipeline
from digest.config import Config, FeedSource, load_config
from digest.feeds import fetch_for_build, refresh_due
from digest.model import RawDocument
from digest.refresh import refresh_once, start_refresher
from digest.store import Store, StoreLocation, open_store, seen
from digest.store import feeds as feed_store
from tests.conftest import SEEDS
from tests.test_feeds_helpers import FAST, FeedServer, Route, item, rss

NOW = dt.datetime(2025, 1, 6, 12, 0, tzinfo=dt.UTC)
SETTINGS = FAST.model_copy(update={"refresh_minutes": 30, "refresh_batch": 2})
LEASE = dt.timedelta(minutes=5)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite3"


def feed_urls(count: int) -> list[str]:
    return [f"https://feeds.example/{n}" for n in range(count)]


def serve(server: FeedServer, path: str, *titles: str, etag: str | None = None) -> str:
    """A feed of `titles` at `path`; its URL."""
    items = (item(t, link=f"https://example.com{path}/{t}", guid=f"{path}/{t}") for t in titles)
    server.routes[path] = Route(rss(*items).encode(), etag=etag)
    return server.url(path)


def requests_per_feed(server: FeedServer) -> dict[str, int]:
    counts: dict[str, int] = {}
    for request in server.requests:
        counts[request.path] = counts.get(request.path, 0) + 1
    return counts


def make_due(store: Store, *feeds: str) -> None:
    """As if `refresh_minutes` had passed for `feeds` (on the database's clock)."""
    with store.transaction() as db:
        db.execute(
            feed_store.FEED_STATE.update()
            .where(feed_store.FEED_STATE.c.feed.in_(feeds))
            .values(next_due="2000-01-01T00:00:00.000000+00:00")
        )


# --- Claims ---


def test_claims_come_in_batches_longest_due_first_until_none_is_due(store_path: Path) -> None:
    with open_store(store_path) as store:
        feed_store.sync_feeds(store, feed_urls(5))
        batches = [
            feed_store.claim_due(store, instance="a", batch=2, lease=LEASE).feeds for _ in range(4)
        ]
        states = feed_store.load_feed_states(store, feed_urls(5))
    assert [len(b) for b in batches] == [2, 2, 1, 0]
    assert sorted(f for b in batches for f in b) == feed_urls(5)
    assert {s.claimed_by for s in states.values()} == {"a"}
    assert all(s.next_due == s.claimed_until for s in states.values())


def test_two_claimers_never_get_the_same_feed(store_path: Path) -> None:
    with open_store(store_path) as setup:
        feed_store.sync_feeds(setup, feed_urls(40))
    got: dict[str, list[str]] = {"a": [], "b": []}
    with open_store(store_path) as a, open_store(store_path) as b:
        # Taking turns on two connections to one file: each claim sees the other's.
        while True:
            first = feed_store.claim_due(a, instance="a", batch=3, lease=LEASE).feeds
            second = feed_store.claim_due(b, instance="b", batch=3, lease=LEASE).feeds
            got["a"] += first
            got["b"] += second
            if not first and not second:
                break
    assert set(got["a"]).isdisjoint(got["b"])
    assert sorted(got["a"] + got["b"]) == sorted(feed_urls(40))
    assert got["a"]
    assert got["b"]


def claims_at_once(where: StoreLocation | Path, feeds: int) -> dict[int, list[str]]:
    """What each of four claimers got, starting together on a store of `feeds` feeds and
    claiming five at a time until none is due."""
    with open_store(where) as setup:
        feed_store.sync_feeds(setup, feed_urls(feeds))
    got: dict[int, list[str]] = {}
    start = threading.Barrier(4)

    def claimer(number: int) -> None:
        mine: list[str] = []
        with open_store(where) as store:
            start.wait()
            while batch := feed_store.claim_due(
                store, instance=str(number), batch=5, lease=LEASE
            ).feeds:
                mine += batch
        got[number] = mine

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return got


def test_claimers_at_once_on_one_file_share_the_feeds_without_overlap(store_path: Path) -> None:
    got = claims_at_once(store_path, 200)
    claimed = [feed for mine in got.values() for feed in mine]
    assert len(claimed) == len(set(claimed)) == 200


def test_a_claim_that_runs_out_makes_the_feed_due_again(store_path: Path) -> None:
    with open_store(store_path) as store:
        feed_store.sync_feeds(store, feed_urls(1))
        first = feed_store.claim_due(store, instance="dead", batch=5, lease=LEASE)
        assert feed_store.claim_due(store, instance="b", batch=5, lease=LEASE).feeds == ()
        # The claimer died; its claim is (as if) over.
        make_due(store, *feed_urls(1))
        again = feed_store.claim_due(store, instance="b", batch=5, lease=LEASE)
        # The dead instance's late release does not touch the new claim.
        with store.transaction() as db:
            feed_store.release_in(db, first.feeds, instance="dead", every=dt.timedelta(minutes=30))
        (state,) = feed_store.load_feed_states(store, feed_urls(1)).values()
    assert first.feeds == again.feeds == tuple(feed_urls(1))
    assert state.claimed_by == "b"


def test_feeds_no_longer_configured_are_never_due_and_come_back_when_configured(
    store_path: Path,
) -> None:
    with open_store(store_path) as store:
        feed_store.sync_feeds(store, feed_urls(3))
        feed_store.sync_feeds(store, feed_urls(2))
        assert feed_store.claim_due(store, instance="a", batch=9, lease=LEASE).feeds == tuple(
            feed_urls(2)
        )
        feed_store.sync_feeds(store, feed_urls(3))
        back = feed_store.claim_due(store, instance="a", batch=9, lease=LEASE).feeds
    assert back == (feed_urls(3)[2],)


def test_due_is_decided_on_the_database_clock(store_path: Path) -> None:
    with open_store(store_path) as store:
        feed_store.sync_feeds(store, feed_urls(1))
        claim = feed_store.claim_due(store, instance="a", batch=1, lease=LEASE)
        with store.transaction() as db:
            feed_store.release_in(db, claim.feeds, instance="a", every=dt.timedelta(minutes=30))
            database = feed_store.database_now(db)
        (state,) = feed_store.load_feed_states(store, feed_urls(1)).values()
    machine = dt.datetime.now(dt.UTC)
    assert abs(database - machine) < dt.timedelta(seconds=5)
    assert claim.until - claim.at == LEASE
    assert state.next_due is not None
    assert dt.timedelta(minutes=29) < state.next_due - database <= dt.timedelta(minutes=30)
    assert state.claimed_by is None


# --- Rounds ---


def test_a_due_feed_is_refreshed_once_and_again_with_its_validators(
    server: FeedServer, store_path: Path
) -> None:
    url = serve(server, "/a", "one", "two", etag='"v1"')
    feeds = [FeedSource(url=url)]
    with open_store(store_path) as store:
        first = refresh_due(store, feeds, settings=SETTINGS, instance="a")
        not_yet = refresh_due(store, feeds, settings=SETTINGS, instance="a")
        make_due(store, url)
        later = refresh_due(store, feeds, settings=SETTINGS, instance="a")
        (state,) = feed_store.load_feed_states(store, [url]).values()
    assert (first.feeds, first.entries) == ((url,), 2)
    assert not_yet.feeds == ()
    assert (later.feeds, later.entries) == ((url,), 0)  # a 304
    assert [h.headers.get("if-none-match") for h in server.hits("/a")] == [None, '"v1"']
    assert state.etag == '"v1"'
    assert state.claimed_by is None
    assert state.last_success is not None


def test_a_failing_feed_has_its_health_recorded_and_is_due_again_later(
    server: FeedServer, store_path: Path
) -> None:
    server.routes["/bad"] = Route(b"oops", status=500, content_type="text/plain")
    good = serve(server, "/good", "one")
    feeds = [FeedSource(url=server.url("/bad")), FeedSource(url=good)]
    with open_store(store_path) as store:
        done = refresh_due(store, feeds, settings=SETTINGS, instance="a")
        states = feed_store.load_feed_states(store, [f.url for f in feeds])
        again = refresh_due(store, feeds, settings=SETTINGS, instance="a")
    bad = states[server.url("/bad")]
    assert done.failed == (server.url("/bad"),)
    assert (bad.consecutive_failures, bad.last_error) == (1, "HTTP 500 Internal Server Error")
    assert bad.claimed_by is None
    assert bad.next_due is not None
    assert states[good].consecutive_failures == 0
    assert again.feeds == ()  # a failing feed waits its turn like the others


def test_instances_refreshing_at_once_fetch_every_feed_once(
    server: FeedServer, store_path: Path
) -> None:
    feeds = [FeedSource(url=serve(server, f"/f{n}", f"entry-{n}")) for n in range(30)]
    with open_store(store_path) as setup:
        feed_store.sync_feeds(setup, [f.url for f in feeds])
    done: list[int] = []

    def instance(name: str) -> None:
        with open_store(store_path) as store:
            done.append(len(refresh_due(store, feeds, settings=SETTINGS, instance=name).feeds))

    threads = [threading.Thread(target=instance, args=(f"i{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(done) == 30
    assert requests_per_feed(server) == {f"/f{n}": 1 for n in range(30)}


def test_a_build_fetches_only_the_feeds_no_refresh_fetched(
    server: FeedServer, store_path: Path
) -> None:
    refreshed, due = serve(server, "/r", "one"), serve(server, "/d", "two")
    with open_store(store_path) as store:
        refresh_due(store, [FeedSource(url=refreshed)], settings=SETTINGS, instance="a")
        feeds = [FeedSource(url=refreshed), FeedSource(url=due)]
        fetch_for_build(store, feeds, settings=SETTINGS, now=NOW)
        fetch_for_build(
            store, feeds, settings=SETTINGS.model_copy(update={"refresh_minutes": 0}), now=NOW
        )
    # Refreshing off: a build fetches every feed, as before refreshing existed.
    assert requests_per_feed(server) == {"/r": 2, "/d": 2}


def test_a_build_clock_a_day_ahead_does_not_refetch_what_was_just_refreshed(
    server: FeedServer, store_path: Path
) -> None:
    url = serve(server, "/a", "one")
    with open_store(store_path) as store:
        refresh_due(store, [FeedSource(url=url)], settings=SETTINGS, instance="a")
        fetch_for_build(
            store, [FeedSource(url=url)], settings=SETTINGS, now=NOW + dt.timedelta(days=400)
        )
    assert requests_per_feed(server) == {"/a": 1}


# --- Refreshed entries reach the next build, once ---


def doc(title: str) -> RawDocument:
    return RawDocument(origin="https://feeds.example/0", text=f"{title}.", title=title)


def titles(documents: tuple[RawDocument, ...]) -> list[str | None]:
    return [d.title for d in documents]


def test_refreshed_entries_wait_for_the_next_build_whatever_their_clock_says(
    store_path: Path,
) -> None:
    day1, day2 = NOW, NOW + dt.timedelta(days=1)
    with open_store(store_path) as store:
        with store.transaction() as db:  # refreshed with a clock a day behind
            seen.remember_in(db, [doc("early")], now=day1 - dt.timedelta(days=1), refreshed=True)
        first = seen.remember_and_select_new(
            store, (), now=day1, last_build=None, first_window_days=2
        )
        # Committed after the build took the refreshed entries, stamped after its time: not
        # this build's (it has selected), and not lost either.
        with store.transaction() as db:
            seen.remember_in(db, [doc("late")], now=day1 + dt.timedelta(hours=1), refreshed=True)
        assert titles(seen.select_new(store, now=day1, last_build=None, first_window_days=2)) == [
            "early"
        ]
        second = seen.remember_and_select_new(
            store, (), now=day2, last_build=day1, first_window_days=2
        )
        third = seen.remember_and_select_new(
            store, (), now=day2 + dt.timedelta(days=1), last_build=day2, first_window_days=2
        )
    assert titles(first) == ["early"]
    assert titles(second) == ["late"]
    assert third == ()


def test_an_entry_found_again_by_a_refresh_is_not_new_again(store_path: Path) -> None:
    with open_store(store_path) as store:
        seen.remember(store, [doc("old")], now=NOW)
        with store.transaction() as db:
            seen.remember_in(db, [doc("old")], now=NOW + dt.timedelta(hours=1), refreshed=True)
        waiting = store.connection.execute(
            sa.select(sa.func.count()).select_from(seen.REFRESHED_ITEMS)
        ).scalar()
    assert waiting == 0


def article_text(number: int) -> str:
    """A seed article's text, as a feed would carry it."""
    paths = sorted(SEEDS.glob("*.txt"))
    return paths[number].read_text(encoding="utf-8").split("\n", 1)[1].strip()


def feed_config(tmp_path: Path, url: str, *, refresh_minutes: int = 30) -> Config:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"sources:\n  files: []\n  feeds: [{url}]\n"
        f"collect:\n  refresh_minutes: {refresh_minutes}\n  total_timeout: 2\n"
        "output:\n  dir: out\nstore:\n  path: store.sqlite3\n",
        encoding="utf-8",
    )
    return load_config(path)


def test_a_refreshed_entry_shows_up_in_the_next_build(server: FeedServer, tmp_path: Path) -> None:
    body = rss(
        item(
            "Harbour reopens",
            link="https://example.com/harbour",
            guid="harbour",
            date="Mon, 06 Jan 2025 09:30:00 +0000",
            description=article_text(0),
        )
    )
    server.routes["/news"] = Route(body.encode())
    config = feed_config(tmp_path, server.url("/news"))
    done = refresh_once(config, config.resolve(config.store.path), instance="other-machine")
    assert done.feeds == (server.url("/news"),)
    # The feed's server is down by build time: the entry can only come from the refresh.
    server.routes["/news"] = Route(b"down", status=503, content_type="text/plain")
    result = pipeline.build(config, date=NOW.date(), now=NOW, send_email=False)
    sources = [a.url for story in result.briefing.stories for a in story.articles]
    assert "https://example.com/harbour" in sources
    assert len(server.hits("/news")) == 1  # not due: the build did not fetch it again
    again = pipeline.build(
        config,
        date=NOW.date() + dt.timedelta(days=1),
        now=NOW + dt.timedelta(days=1),
        send_email=False,
    )
    assert not any(
        a.url == "https://example.com/harbour" for s in again.briefing.stories for a in s.articles
    )


# --- The loop `digest schedule` runs ---


def test_the_refresher_refreshes_until_stopped(server: FeedServer, tmp_path: Path) -> None:
    config = feed_config(tmp_path, serve(server, "/a", "one"))
    stop = threading.Event()
    thread = start_refresher(config, config.resolve(config.store.path), stop, poll=0.05)
    assert thread is not None
    try:
        for _ in range(200):
            if server.hits("/a"):
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert len(server.hits("/a")) == 1  # polled many times; due once


def test_no_refresher_when_refreshing_is_off(tmp_path: Path) -> None:
    config = feed_config(tmp_path, "https://feeds.example/0", refresh_minutes=0)
    assert start_refresher(config, tmp_path / "s.sqlite3", threading.Event()) is None


def test_a_round_fetches_each_feed_once_even_when_it_is_due_again_at_once(
    server: FeedServer, store_path: Path
) -> None:
    feeds = [FeedSource(url=serve(server, f"/f{n}", "one")) for n in range(5)]
    always = SETTINGS.model_copy(update={"refresh_minutes": 0})
    with open_store(store_path) as store:
        first = refresh_due(store, feeds, settings=always, instance="a")
        second = refresh_due(store, feeds, settings=always, instance="a")
    assert len(first.feeds) == len(second.feeds) == 5
    assert requests_per_feed(server) == {f"/f{n}": 2 for n in range(5)}


def test_feeds_refresh_fetches_what_is_due_and_says_so(
    server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from digest.cli import main

    feed_config(tmp_path, serve(server, "/a", "one", "two"))
    for _ in range(2):
        main(["feeds", "refresh", "--config", str(tmp_path / "config.yaml")])
    err = capsys.readouterr().err
    assert "1 feed(s) fetched, 0 failed, 2 entries" in err
    assert "0 feed(s) fetched, 0 failed, 0 entries" in err
    assert len(server.hits("/a")) == 1


# --- On PostgreSQL: claims at the same moment, rows locked by another claimer skipped ---


def test_postgresql_claimers_at_once_share_the_feeds_without_overlap(postgres_url: str) -> None:
    got = claims_at_once(StoreLocation(url=postgres_url), 300)
    claimed = [feed for mine in got.values() for feed in mine]
    assert len(claimed) == len(set(claimed)) == 300
    assert sum(1 for mine in got.values() if mine) >= 2


def test_postgresql_a_claim_skips_feeds_another_claimer_holds_locked(postgres_url: str) -> None:
    where = StoreLocation(url=postgres_url)
    with open_store(where) as holder, open_store(where) as other:
        feed_store.sync_feeds(holder, feed_urls(6))
        t = feed_store.FEED_STATE.c
        # The first claimer is between its SELECT ... FOR UPDATE and its commit.
        with holder.transaction() as db:
            held = (
                db.execute(sa.select(t.feed).order_by(t.feed).limit(3).with_for_update())
                .scalars()
                .all()
            )
            started = time.monotonic()
            claim = feed_store.claim_due(other, instance="b", batch=6, lease=LEASE)
            waited = time.monotonic() - started
    assert set(claim.feeds) == set(feed_urls(6)) - set(held)
    assert waited < 2  # skipped, not waited for


def test_postgresql_instances_refreshing_at_once_fetch_every_feed_once(
    server: FeedServer, postgres_url: str
) -> None:
    where = StoreLocation(url=postgres_url)
    feeds = [FeedSource(url=serve(server, f"/f{n}", f"entry-{n}")) for n in range(30)]
    done: list[int] = []

    def instance(name: str) -> None:
        with open_store(where) as store:
            done.append(len(refresh_due(store, feeds, settings=SETTINGS, instance=name).feeds))

    threads = [threading.Thread(target=instance, args=(f"i{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(done) == 30
    assert requests_per_feed(server) == {f"/f{n}": 1 for n in range(30)}
