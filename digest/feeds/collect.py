"""Collecting every configured feed in one parallel run: fetch, parse, filter, full text."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from digest.config import CollectConfig, FeedSource
from digest.errors import SourceError
from digest.feeds.extraction import PageExtractor
from digest.feeds.fetch import Fetched, Fetcher
from digest.feeds.pages import PageTools, with_full_text
from digest.feeds.parse import ParsedFeed, apply_filters, parse_feed_detailed
from digest.feeds.robots import RobotsRules
from digest.feeds.text import clean_inline
from digest.model import RawDocument, SourceReport
from digest.store import Store
from digest.store import feeds as feed_store
from digest.store import seen as seen_store
from digest.store.feeds import FeedState, FetchRecord

__all__ = ["FeedsResult", "collect_feeds"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FeedsResult:
    """What a feed collection yielded: documents in feed order, one report per feed."""

    documents: tuple[RawDocument, ...]
    reports: tuple[SourceReport, ...]


@dataclass(frozen=True, slots=True)
class _Outcome:
    source: FeedSource
    fetched: Fetched
    parsed: ParsedFeed | None = None
    documents: tuple[RawDocument, ...] = ()
    error: str | None = None


def collect_feeds(
    feeds: Sequence[FeedSource],
    *,
    settings: CollectConfig,
    store: Store | None,
    now: dt.datetime,
    base_dir: Path | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FeedsResult:
    """Fetch and parse `feeds` in parallel; a failing feed is a failed report, never an error.

    With a store, each feed's ETag/Last-Modified are sent back (a 304 is parsed no further),
    its health is recorded, and full-text pages are fetched only for articles not yet seen.
    Relative local paths are taken from `base_dir`. Call from synchronous code (it runs its
    own event loop).
    """
    states = feed_store.load_feed_states(store, [f.url for f in feeds]) if store else {}

    def known(doc: RawDocument) -> bool:
        return store is not None and seen_store.is_known(store, doc)

    outcomes = asyncio.run(_collect(feeds, settings, states, known, base_dir, transport))
    documents: list[RawDocument] = []
    reports: list[SourceReport] = []
    for outcome in outcomes:
        reports.append(_report(outcome, states.get(outcome.source.url), now))
        documents.extend(outcome.documents)
    if store is not None:
        feed_store.record_fetches(store, [_record(o, now) for o in outcomes], now=now)
    return FeedsResult(documents=tuple(documents), reports=tuple(reports))


@dataclass(frozen=True, slots=True)
class _Run:
    fetcher: Fetcher
    pages: PageTools
    known: Callable[[RawDocument], bool]


async def _collect(
    feeds: Sequence[FeedSource],
    settings: CollectConfig,
    states: dict[str, FeedState],
    known: Callable[[RawDocument], bool],
    base_dir: Path | None,
    transport: httpx.AsyncBaseTransport | None,
) -> list[_Outcome]:
    async with (
        Fetcher(settings, base_dir=base_dir, transport=transport) as fetcher,
        # Its worker processes start with the first page to extract, if there is one.
        PageExtractor() as extractor,
    ):
        robots = RobotsRules(fetcher, deadline=settings.page_timeout)
        pages = PageTools(fetcher, robots, extractor, settings.page_timeout)
        try:
            run = _Run(fetcher, pages, known)
            return list(await asyncio.gather(*(_one(run, f, states.get(f.url)) for f in feeds)))
        finally:
            await robots.close()


async def _one(run: _Run, source: FeedSource, state: FeedState | None) -> _Outcome:
    fetched = await run.fetcher.fetch(
        source.url,
        etag=state.etag if state else None,
        last_modified=state.last_modified if state else None,
    )
    if fetched.status != "ok":
        return _Outcome(source, fetched, error=fetched.error)
    # Parsed here, in the event loop: feedparser is pure Python, and worker processes cost
    # more to start than they save (measured: benchmarks/feeds_fetch.py).
    parsed, error = _parse(fetched, source)
    # The outcomes of every feed are held until all are done: keep the headers, not the body.
    fetched = replace(fetched, data=b"")
    if parsed is None:
        return _Outcome(source, fetched, error=error)
    if parsed.warning:
        log.warning("%s", parsed.warning)
    documents = apply_filters(parsed.documents, include=source.include, exclude=source.exclude)
    if source.full_text:
        documents = await with_full_text(
            run.pages,
            documents,
            feed=_label(source),
            known=run.known,
            budget=run.fetcher.settings.total_timeout,
        )
    return _Outcome(source, fetched, parsed=parsed, documents=documents)


def _parse(fetched: Fetched, source: FeedSource) -> tuple[ParsedFeed | None, str | None]:
    """The parsed feed, or the one-line cause of failure."""
    origin = source.url
    try:
        parsed = parse_feed_detailed(
            fetched.data,
            origin=origin,
            name=source.name,
            headers=fetched.headers,
            category=source.category,
        )
    except SourceError as exc:
        return None, exc.cause
    except Exception as exc:  # feedparser on hostile bytes: a failed feed, not a failed run
        log.debug("parsing %s failed", origin, exc_info=True)
        return None, f"cannot parse: {type(exc).__name__}: {clean_inline(str(exc))}"
    return parsed, None


def _label(source: FeedSource) -> str:
    return f"{source.name} <{source.url}>" if source.name else source.url


def _report(outcome: _Outcome, state: FeedState | None, now: dt.datetime) -> SourceReport:
    source = outcome.source
    if outcome.error is not None:
        return SourceReport(
            source=source.url,
            ok=False,
            message=f"{_label(source)}: {outcome.error}",
            last_success=state.last_success if state else None,
        )
    notes = []
    if outcome.fetched.moved_to:
        notes.append(f"moved permanently to {outcome.fetched.moved_to}; update the config")
    if outcome.parsed is not None and outcome.parsed.warning:
        notes.append(outcome.parsed.warning.removeprefix(source.url + ": "))
    return SourceReport(
        source=source.url,
        ok=True,
        articles=len(outcome.documents),
        message=f"{_label(source)}: {'; '.join(notes)}" if notes else "",
        last_success=now,
    )


def _record(outcome: _Outcome, now: dt.datetime) -> FetchRecord:
    url = outcome.source.url
    if outcome.error is not None:
        return FetchRecord(url, "failure", error=outcome.error)
    if outcome.parsed is None:
        return FetchRecord(url, "not_modified")
    return FetchRecord(
        url,
        "success",
        etag=outcome.fetched.etag,
        last_modified=outcome.fetched.last_modified,
        signature=_signature(outcome.parsed.documents),
        newest_entry=_newest(outcome.parsed.documents, now),
    )


def _signature(documents: Sequence[RawDocument]) -> str:
    names = sorted(d.guid or d.url or d.title or d.text[:200] for d in documents)
    return hashlib.sha256("\x00".join(names).encode("utf-8")).hexdigest()


def _newest(documents: Sequence[RawDocument], now: dt.datetime) -> dt.datetime | None:
    # A date in the future (a feed with a wrong clock) must not keep a dead feed "fresh".
    newest = max((d.published.moment() for d in documents if d.published), default=None)
    return None if newest is None else min(newest, now)
