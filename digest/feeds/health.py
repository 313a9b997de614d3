"""Feed health for the briefing footer: feeds that fail, and feeds that have gone silent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from digest.model import SourceReport
from digest.store import Store
from digest.store.feeds import FeedState, all_feed_states

__all__ = ["feed_health"]


def feed_health(
    store: Store,
    *,
    now: dt.datetime,
    silent_days: int,
    feeds: Sequence[str] | None = None,
) -> tuple[SourceReport, ...]:
    """One report (ok=False) per feed that is failing or silent, sorted by feed.

    Failing: the last attempt failed (the message gives the cause, since when, how often).
    Silent: fetched fine, but its newest entry (or, for undated feeds, the last change of its
    entries) is `silent_days` or more old. `feeds` limits the answer to those configured now.
    """
    wanted = set(feeds) if feeds is not None else None
    reports = []
    for state in all_feed_states(store):
        if wanted is not None and state.feed not in wanted:
            continue
        report = _failing(state) or _silent(state, now, silent_days)
        if report is not None:
            reports.append(report)
    return tuple(reports)


def _day(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).date().isoformat()


def _failing(state: FeedState) -> SourceReport | None:
    if state.consecutive_failures == 0:
        return None
    times = state.consecutive_failures
    since = f" since {_day(state.failing_since)}" if state.failing_since else ""
    repeat = f", {times} attempts in a row" if times > 1 else ""
    never = "" if state.last_success else "; never fetched successfully"
    return SourceReport(
        source=state.feed,
        ok=False,
        message=f"{state.feed}: failing{since}{repeat}: {state.last_error}{never}",
        last_success=state.last_success,
    )


def _silent(state: FeedState, now: dt.datetime, silent_days: int) -> SourceReport | None:
    reference = state.newest_entry or state.last_changed
    if reference is None or state.last_success is None:
        return None
    age = (now - reference).days
    if age < silent_days:
        return None
    what = "newest entry" if state.newest_entry else "last change"
    return SourceReport(
        source=state.feed,
        ok=False,
        message=f"{state.feed}: silent: no new entry for {age} days ({what} {_day(reference)})",
        last_success=state.last_success,
    )
