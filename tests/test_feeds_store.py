"""The seen store (dedupe across feeds and runs, new since the last build) and feed health.

Every test taking `store` or `store_target` runs on SQLite and on PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace

import pytest

from digest.feeds import feed_health, remember, remember_and_select_new, select_new
from digest.identity import document_keys
from digest.model import Published, RawDocument
from digest.store import Store, StoreLocation, open_store
from digest.store import feeds as feed_store
from digest.store.seen import forget_texts, is_known

NOW = dt.datetime(2025, 3, 10, 7, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
BODY = "The city council approved the new budget for the coming year on Monday evening."


@pytest.fixture
def store(store_target: StoreLocation) -> Iterator[Store]:
    with open_store(store_target) as opened:
        yield opened


def doc(
    n: int,
    *,
    origin: str = "https://a.example/feed",
    guid: str | None = None,
    url: str | None = None,
    text: str | None = None,
    published: dt.date | None = None,
) -> RawDocument:
    return RawDocument(
        origin=origin,
        title=f"Story {n}",
        text=text if text is not None else f"{BODY} Item number {n}.",
        url=url if url is not None else f"https://a.example/story/{n}",
        guid=guid if guid is not None else f"a-{n}",
        published=Published.of(published if published is not None else NOW - dt.timedelta(hours=n)),
        outlet="A News",
    )


def titles(documents: tuple[RawDocument, ...]) -> list[str | None]:
    return [d.title for d in documents]


def build(
    store: Store, docs: list[RawDocument], now: dt.datetime, last: dt.datetime | None
) -> tuple[RawDocument, ...]:
    return remember_and_select_new(store, docs, now=now, last_build=last, first_window_days=2)


def test_the_same_article_from_two_feeds_is_one(store: Store) -> None:
    first = doc(1)
    # Another feed: its own GUID, a tracking-laden URL for the same page, other text.
    second = doc(
        1,
        origin="https://b.example/rss",
        guid="b-99",
        url="http://www.a.example/story/1/?utm_source=b",
        text="A different teaser.",
    )
    new = build(store, [first, second], NOW, None)
    assert titles(new) == ["Story 1"]
    assert new[0].origin == "https://a.example/feed"


def test_the_same_text_under_another_url_is_one(store: Store) -> None:
    first = doc(1)
    syndicated = replace(first, origin="https://c.example/feed", guid="c-1", url="https://c/x")
    assert titles(build(store, [first, syndicated], NOW, None)) == ["Story 1"]


def test_an_article_seen_in_a_run_is_not_new_in_the_next(store: Store) -> None:
    assert titles(build(store, [doc(1), doc(2)], NOW, None)) == ["Story 1", "Story 2"]
    later = NOW + DAY
    assert titles(build(store, [doc(1), doc(2), doc(3)], later, NOW)) == ["Story 3"]


def test_a_feed_changing_its_guids_does_not_bring_items_back(store: Store) -> None:
    build(store, [doc(1), doc(2)], NOW, None)
    renamed = [replace(doc(1), guid="new-1"), replace(doc(2), guid="new-2")]
    assert build(store, renamed, NOW + DAY, NOW) == ()
    # Nor when the URLs change as well (a site moved): the text still matches.
    moved = [
        replace(d, guid=f"v3-{i}", url=f"https://new.example/{i}") for i, d in enumerate(renamed)
    ]
    assert build(store, moved, NOW + 2 * DAY, NOW + DAY) == ()


def test_a_known_article_learns_its_new_names(store: Store) -> None:
    build(store, [doc(1)], NOW, None)
    renamed = replace(doc(1), guid="new-1")
    remember(store, [renamed], now=NOW + DAY)
    # Now known by the new GUID alone, with another URL and text.
    alone = replace(renamed, url="https://elsewhere.example/z", text="Other words entirely.")
    assert is_known(store, alone)


def test_front_page_links_and_short_texts_do_not_merge_articles(store: Store) -> None:
    docs = [doc(n, url="https://a.example/", text="Read more", guid=f"g{n}") for n in range(1, 4)]
    assert "text:" not in " ".join(document_keys(docs[0]))
    assert titles(build(store, docs, NOW, None)) == ["Story 1", "Story 2", "Story 3"]


def test_one_guid_for_every_entry_of_a_feed_does_not_merge_them(store: Store) -> None:
    docs = [doc(n, guid="same") for n in range(1, 4)]
    assert len(build(store, docs, NOW, None)) == 3


def test_articles_of_a_failed_build_are_still_new_next_time(store: Store) -> None:
    build(store, [doc(1)], NOW, None)  # collected, then the build failed: last_build stays None
    # The next run gets a 304 (no documents at all), yet the article is new for this build.
    assert titles(build(store, [], NOW + DAY, None)) == ["Story 1"]


def test_the_first_build_takes_the_window_and_later_builds_skip_archives(store: Store) -> None:
    recent = doc(1, published=NOW - 1 * DAY)
    naive_recent = doc(2, published=(NOW - DAY).replace(tzinfo=None))
    old = doc(3, published=NOW - 5 * DAY)
    day_only = doc(4, published=(NOW - 2 * DAY).date())
    undated = replace(doc(5), published=None)
    new = build(store, [recent, naive_recent, old, day_only, undated], NOW, None)
    assert titles(new) == ["Story 1", "Story 2", "Story 4", "Story 5"]
    # A feed added later brings its archive: first seen now, but published long ago.
    archive = [doc(n, origin="https://new.example/feed", published=NOW - 30 * DAY) for n in (6, 7)]
    fresh = doc(8, origin="https://new.example/feed", published=NOW + DAY)
    assert titles(build(store, [*archive, fresh], NOW + 2 * DAY, NOW)) == ["Story 8"]


def test_published_keeps_its_kind_through_the_store(store: Store) -> None:
    aware = doc(
        1, published=dt.datetime(2025, 3, 9, 22, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    )
    naive = doc(2, published=dt.datetime(2025, 3, 9, 22))
    day = doc(3, published=dt.date(2025, 3, 9))
    new = build(store, [aware, naive, day], NOW, None)
    assert [d.published for d in new] == [aware.published, naive.published, day.published]
    stated = [d.published.stated for d in new if d.published is not None]
    assert stated[0].utcoffset() == dt.timedelta(hours=-5)  # type: ignore[union-attr]
    assert stated[1].tzinfo is None  # type: ignore[union-attr]
    assert type(stated[2]) is dt.date


def test_old_texts_are_forgotten_but_their_keys_kept(store: Store) -> None:
    build(store, [doc(1)], NOW, None)
    assert forget_texts(store, before=NOW + DAY) == 1
    assert select_new(store, now=NOW + DAY, last_build=None, first_window_days=2) == ()
    assert is_known(store, doc(1))


def test_the_store_survives_reopening(store_target: StoreLocation) -> None:
    with open_store(store_target) as first:
        build(first, [doc(1)], NOW, None)
    with open_store(store_target) as second:
        assert build(second, [doc(1), doc(2)], NOW + DAY, NOW) == (doc(2),)


def test_feed_health_lists_failing_and_silent_feeds(store: Store) -> None:
    feed_store.record_success(
        store,
        "https://ok.example/feed",
        now=NOW,
        etag=None,
        last_modified=None,
        signature="s1",
        newest_entry=NOW - DAY,
    )
    feed_store.record_success(
        store,
        "https://quiet.example/feed",
        now=NOW,
        etag=None,
        last_modified=None,
        signature="s2",
        newest_entry=NOW - 20 * DAY,
    )
    feed_store.record_failure(store, "https://down.example/feed", now=NOW - DAY, error="HTTP 503")
    feed_store.record_failure(store, "https://down.example/feed", now=NOW, error="HTTP 502")
    reports = feed_health(store, now=NOW, silent_days=14)
    assert [r.source for r in reports] == [
        "https://down.example/feed",
        "https://quiet.example/feed",
    ]
    down, quiet = reports
    assert down.message == (
        "https://down.example/feed: failing since 2025-03-09, 2 attempts in a row: HTTP 502;"
        " never fetched successfully"
    )
    assert quiet.message == (
        "https://quiet.example/feed: silent: no new entry for 20 days (newest entry 2025-02-18)"
    )
    assert not quiet.ok
    only = feed_health(store, now=NOW, silent_days=14, feeds=["https://quiet.example/feed"])
    assert [r.source for r in only] == ["https://quiet.example/feed"]


def test_an_undated_feed_is_silent_when_its_entries_stop_changing(store: Store) -> None:
    url = "https://undated.example/feed"
    for days, signature in [(0, "a"), (5, "b"), (10, "b"), (25, "b")]:
        feed_store.record_success(
            store,
            url,
            now=NOW + days * DAY,
            etag=None,
            last_modified=None,
            signature=signature,
            newest_entry=None,
        )
    feed_store.record_not_modified(store, url, now=NOW + 26 * DAY)
    assert feed_health(store, now=NOW + 18 * DAY, silent_days=14) == ()
    (report,) = feed_health(store, now=NOW + 26 * DAY, silent_days=14)
    assert "no new entry for 21 days (last change 2025-03-15)" in report.message


@pytest.mark.parametrize("first", ["digest.store._tables", "digest.store.seen"])
def test_the_store_and_feeds_modules_import_in_any_order(first: str) -> None:
    # A circular import only shows in a fresh interpreter, when this module comes first.
    code = f"import {first}\nimport digest.feeds, digest.store.seen, digest.store.feeds"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_longer_text_of_a_known_article_replaces_the_kept_one(store: Store) -> None:
    teaser = doc(1, text="Short teaser.")
    remember(store, [teaser], now=NOW)
    full = replace(teaser, text=f"{BODY} And the full article goes on for many more words.")
    remember(store, [full], now=NOW + DAY)
    remember(store, [replace(teaser, text="Tiny.")], now=NOW + 2 * DAY)
    (kept,) = select_new(store, now=NOW + 2 * DAY, last_build=None, first_window_days=5)
    assert kept.text == full.text
