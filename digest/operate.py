"""What an operator asks of a running installation: `digest runs` and `digest feeds status`.

    read_runs(store, limit)                      -> RunView*     the ledger, most recent first
    runs_table(runs, zone) / run_record(run)     -> str / dict   as aligned text / as JSON
    read_feed_status(store, feeds, ...)          -> FeedStatus*  each configured feed's health
    feeds_table(statuses, zone) / feed_record()  -> str / dict

Reading never creates a store file: an installation that has not built yet has no runs and no feed
history, and saying so beats leaving an empty store file behind. Tables are plain text padded
with spaces, the same on a terminal and in a pipe (`digest runs | grep failed`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from digest.config import FeedSource
from digest.feeds.health import feed_health
from digest.store import StoreLocation, ledger, open_store, store_location
from digest.store import feeds as feeds_store

__all__ = [
    "FeedStatus",
    "RunView",
    "aligned",
    "feed_record",
    "feeds_table",
    "read_feed_status",
    "read_runs",
    "run_record",
    "runs_table",
]

_NONE = "-"


@dataclass(frozen=True, slots=True)
class RunView:
    """One ledger row with the counts of the briefing it wrote (None: the file is gone or a
    later build of the same date has replaced it, so its counts are not this run's)."""

    run: ledger.Run
    stories: int | None
    articles: int | None


def read_runs(where: StoreLocation | Path, limit: int) -> tuple[RunView, ...]:
    """The `limit` most recent builds, most recent first; none when there is no store yet."""
    if _no_store_yet(where):
        return ()
    with open_store(where) as store:
        runs = ledger.recent_runs(store, limit)
    return tuple(RunView(run, *_counts(run)) for run in runs)


def _no_store_yet(where: StoreLocation | Path) -> bool:
    """A store file not made yet (a PostgreSQL database exists, if only empty)."""
    location = store_location(where)
    return location.path is not None and not location.path.exists()


def _counts(run: ledger.Run) -> tuple[int | None, int | None]:
    """Stories and articles from the run's `<date>.json`, if that file is still the one it wrote.

    The ledger keeps no counts; the briefing JSON does, and its `generated_at` is the run's
    start time, which tells this run's file from a later rebuild's.
    """
    for output in run.outputs:
        if not output.endswith(".json"):
            continue
        try:
            document = json.loads(Path(output).read_text(encoding="utf-8"))
            written = dt.datetime.fromisoformat(document["generated_at"])
            counts = document["counts"]
            if written == run.started:
                return int(counts["stories"]), int(counts["articles"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return None, None


def run_record(view: RunView) -> dict[str, Any]:
    """One run for `digest runs --jsonl`."""
    run = view.run
    return {
        "id": run.id,
        "date": run.date.isoformat(),
        "status": run.status,
        "started": run.started.isoformat(),
        "finished": run.finished.isoformat(),
        "stories": view.stories,
        "articles": view.articles,
        "email": run.delivery,
        "email_error": run.delivery_error,
        "outputs": list(run.outputs),
    }


def runs_table(views: Sequence[RunView], zone: ZoneInfo) -> str:
    """The runs as aligned text, times in `zone`; each failed email's error on a line below."""
    if not views:
        return "No builds recorded yet.\n"
    rows = [
        [
            _time(view.run.started, zone),
            view.run.date.isoformat(),
            view.run.status,
            _count(view.stories),
            _count(view.articles),
            (view.run.delivery or _NONE).replace("_", " "),
            _outputs(view.run.outputs),
        ]
        for view in views
    ]
    headers = ["STARTED", "DATE", "STATUS", "STORIES", "ARTICLES", "EMAIL", "OUTPUTS"]
    text = aligned(headers, rows, right={3, 4})
    errors = [
        f"run {v.run.id} ({v.run.date.isoformat()}): email failed: {v.run.delivery_error}"
        for v in views
        if v.run.delivery == "failed" and v.run.delivery_error
    ]
    return text + "".join(f"\n{line}" for line in errors) + ("\n" if errors else "")


def _outputs(outputs: Sequence[str]) -> str:
    """`/srv/briefings/2022-02-01.{md,html,json}` when the files share a folder and a stem."""
    paths = [Path(p) for p in outputs]
    if not paths:
        return _NONE
    if len(paths) > 1 and len({(p.parent, p.stem) for p in paths}) == 1:
        suffixes = ",".join(p.suffix.lstrip(".") for p in paths)
        return f"{paths[0].parent / paths[0].stem}.{{{suffixes}}}"
    return ", ".join(outputs)


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """One configured feed's health as the store knows it."""

    feed: FeedSource
    status: str  # "ok", "failing", "silent" or "never fetched"
    state: feeds_store.FeedState | None
    entries: int  # articles remembered that were first seen in this feed
    note: str | None  # the last error of a failing feed, the age of a silent one


def read_feed_status(
    where: StoreLocation | Path,
    feeds: Sequence[FeedSource],
    *,
    now: dt.datetime,
    silent_days: int,
) -> tuple[FeedStatus, ...]:
    """Each of `feeds`, in configured order, with its state, status and remembered entries."""
    if _no_store_yet(where):
        return tuple(FeedStatus(f, "never fetched", None, 0, None) for f in feeds)
    urls = [f.url for f in feeds]
    with open_store(where) as store:
        states = feeds_store.load_feed_states(store, urls)
        entries = feeds_store.entries_remembered(store)
        # The footer's judgement of failing and silent feeds, so the two never disagree.
        reports = {
            r.source: r for r in feed_health(store, now=now, silent_days=silent_days, feeds=urls)
        }
    statuses = []
    for feed in feeds:
        state = states.get(feed.url)
        report = reports.get(feed.url)
        if state is None:
            status, note = "never fetched", None
        elif state.consecutive_failures:
            status, note = "failing", state.last_error
        elif report is not None:
            status, note = "silent", report.message.removeprefix(f"{feed.url}: silent: ")
        else:
            status, note = "ok", None
        statuses.append(FeedStatus(feed, status, state, entries.get(feed.url, 0), note))
    return tuple(statuses)


def feed_record(status: FeedStatus) -> dict[str, Any]:
    """One feed for `digest feeds status --jsonl`."""
    state = status.state
    return {
        "url": status.feed.url,
        "name": status.feed.name,
        "status": status.status,
        "last_fetch": _iso(state.last_attempt if state else None),
        "last_success": _iso(state.last_success if state else None),
        "consecutive_failures": state.consecutive_failures if state else 0,
        "failing_since": _iso(state.failing_since if state else None),
        "last_error": state.last_error if state else None,
        "newest_entry": _iso(state.newest_entry if state else None),
        "entries": status.entries,
        "note": status.note,
    }


def feeds_table(statuses: Sequence[FeedStatus], zone: ZoneInfo) -> str:
    """The feeds as aligned text, times in `zone`; the note (error, silence) last."""
    if not statuses:
        return "No feeds configured (sources.feeds).\n"
    rows = []
    for status in statuses:
        state = status.state
        rows.append(
            [
                status.feed.name or status.feed.url,
                status.status,
                _time(state.last_attempt if state else None, zone),
                _time(state.last_success if state else None, zone),
                str(state.consecutive_failures if state else 0),
                str(status.entries),
                _time(state.newest_entry if state else None, zone),
                status.note or "",
            ]
        )
    headers = [
        "FEED",
        "STATUS",
        "LAST FETCH",
        "LAST SUCCESS",
        "FAILURES",
        "ENTRIES",
        "NEWEST ENTRY",
        "NOTE",
    ]
    return aligned(headers, rows, right={4, 5})


def aligned(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: set[int]) -> str:
    """Columns padded with spaces, two apart; columns in `right` right-aligned; no trailing
    spaces, so the last column may be as long as it likes."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = []
    for cells in (headers, *rows):
        padded = [
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


def _time(moment: dt.datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if moment else _NONE


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _count(value: int | None) -> str:
    return _NONE if value is None else str(value)
