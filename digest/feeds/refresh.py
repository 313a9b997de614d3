"""Refreshing feeds: claim a batch of due feeds, fetch it, store what it yielded at once.

    refresh_due(store, feeds, settings=, instance=)  -> Refreshed   due feeds, batch by batch
    fetch_for_build(store, feeds, settings=, now=)   -> Refreshed   what a build fetches itself
    instance_name()                                  -> "host:pid"  who claims, in the store

Every instance of `digest schedule` runs `refresh_due` between builds (digest/refresh.py), so
the feeds are spread over the instances: each claims a batch in the store
(`digest.store.feeds.claim_due`: SELECT ... FOR UPDATE SKIP LOCKED), fetches it with
conditional GET, then stores the entries, the feeds' validators and health and their next
due time in one transaction. A batch stored half is never left behind: if an instance dies
before its transaction commits, nothing of the batch is stored and the feeds are due again
when the claim ends, to be fetched with the validators of before. See docs/feeds.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from digest.config import CollectConfig, FeedSource
from digest.feeds.collect import FeedsResult, collect_feeds
from digest.store import Store
from digest.store import feeds as feed_store
from digest.store import seen as seen_store

__all__ = ["Refreshed", "claim_lease", "fetch_for_build", "instance_name", "refresh_due"]

log = logging.getLogger(__name__)

# A claim lasts at least this long: time to fetch a batch, with room to spare.
MIN_LEASE = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What a refresh fetched: the feeds (in the order fetched), their entries, the failures."""

    feeds: tuple[str, ...] = ()
    entries: int = 0
    failed: tuple[str, ...] = ()
    batches: int = 0
    seconds: float = 0.0

    def plus(self, other: Refreshed) -> Refreshed:
        return Refreshed(
            (*self.feeds, *other.feeds),
            self.entries + other.entries,
            (*self.failed, *other.failed),
            self.batches + other.batches,
            self.seconds + other.seconds,
        )


def instance_name() -> str:
    """This process as the store names the claimer of a feed: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_lease(settings: CollectConfig, batch: int) -> dt.timedelta:
    """How long a claim of `batch` feeds lasts: twice the longest the batch can take (each
    feed's budget, its full-text pages' as long again, in waves of `concurrency`), at least
    `MIN_LEASE`."""
    waves = math.ceil(batch / settings.concurrency)
    return max(MIN_LEASE, dt.timedelta(seconds=2 * 2 * settings.total_timeout * waves))


def refresh_due(
    store: Store,
    feeds: Sequence[FeedSource],
    *,
    settings: CollectConfig,
    instance: str,
    now: dt.datetime | None = None,
    for_build: bool = False,
    stop: threading.Event | None = None,
    base_dir: Path | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Refreshed:
    """Claim and fetch due feeds, a batch of `settings.refresh_batch` at a time, until none
    of `feeds` that was due when the round began is left (or `stop` is set).

    Entries are remembered as found between builds (the next build takes them), or, with
    `for_build`, as first seen `now` by the build that fetched them. Health is stamped `now`,
    or the database's time of each claim when `now` is None. Every fetched feed is next due
    `settings.refresh_minutes` later.
    """
    feed_store.sync_feeds(store, [f.url for f in feeds])
    by_url = {f.url: f for f in feeds}
    every = dt.timedelta(minutes=settings.refresh_minutes)
    lease = claim_lease(settings, settings.refresh_batch)
    total = Refreshed()
    began: dt.datetime | None = None
    while stop is None or not stop.is_set():
        claim = feed_store.claim_due(
            store, instance=instance, batch=settings.refresh_batch, lease=lease, due_by=began
        )
        if not claim.feeds:
            break
        began = began or claim.at
        started = time.monotonic()
        # A feed claimed here and not configured (another instance's config names it) is
        # released unfetched: it is that instance's to fetch.
        sources = [by_url[url] for url in claim.feeds if url in by_url]
        stamp = now or claim.at
        fetched = collect_feeds(
            sources,
            settings=settings,
            store=store,
            now=stamp,
            base_dir=base_dir,
            transport=transport,
            record=False,
        )
        with store.transaction() as db:
            seen_store.remember_in(db, fetched.documents, now=stamp, refreshed=not for_build)
            feed_store.record_fetches_in(db, fetched.records, now=stamp)
            feed_store.release_in(db, claim.feeds, instance=instance, every=every)
        for report in fetched.reports:
            if not report.ok:  # counted in the feed's health; the footer and `feeds status` say
                log.info("%s", report.message)
        total = total.plus(_summary(sources, fetched, time.monotonic() - started))
    return total


def fetch_for_build(
    store: Store,
    feeds: Sequence[FeedSource],
    *,
    settings: CollectConfig,
    now: dt.datetime,
    base_dir: Path | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Refreshed:
    """What a build fetches itself, its entries first seen `now`.

    With refreshing on, only the feeds due (those no instance refreshed in the last
    `refresh_minutes` and none is fetching now), claimed like any refresh round; with it off
    (`refresh_minutes: 0`), every feed.
    """
    if settings.refresh_minutes:
        return refresh_due(
            store,
            feeds,
            settings=settings,
            instance=instance_name(),
            now=now,
            for_build=True,
            base_dir=base_dir,
            transport=transport,
        )
    started = time.monotonic()
    fetched = collect_feeds(
        feeds,
        settings=settings,
        store=store,
        now=now,
        base_dir=base_dir,
        transport=transport,
        record=False,
    )
    # Entries and validators in one transaction: validators stored without their entries
    # would turn the next fetch into a 304, and the entries would never be seen.
    with store.transaction() as db:
        seen_store.remember_in(db, fetched.documents, now=now)
        feed_store.record_fetches_in(db, fetched.records, now=now)
    return _summary(feeds, fetched, time.monotonic() - started)


def _summary(sources: Sequence[FeedSource], fetched: FeedsResult, seconds: float) -> Refreshed:
    failed = tuple(r.feed for r in fetched.records if r.kind == "failure")
    return Refreshed(tuple(s.url for s in sources), len(fetched.documents), failed, 1, seconds)
