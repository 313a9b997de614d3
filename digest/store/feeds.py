"""Per-feed state in the store: HTTP validators (ETag, Last-Modified) and health.

One row per feed, keyed by the feed's URL or path as configured. Times are stored as ISO 8601
in UTC.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from digest.store import Store, register_schema

__all__ = [
    "SCHEMA",
    "FeedState",
    "FetchRecord",
    "all_feed_states",
    "entries_remembered",
    "load_feed_states",
    "record_failure",
    "record_fetches",
    "record_not_modified",
    "record_success",
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS feed_state (
    feed                 TEXT PRIMARY KEY,  -- URL or path as configured
    etag                 TEXT,              -- validators sent back as If-None-Match ...
    last_modified        TEXT,              -- ... and If-Modified-Since
    last_attempt         TEXT,
    last_success         TEXT,              -- last 200 that parsed, or 304
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    failing_since        TEXT,              -- first failure of the current run of failures
    last_error           TEXT,              -- one line: the cause of the last failure
    signature            TEXT,              -- hash of the entries' identities at last change
    last_changed         TEXT,              -- when the entries last changed
    newest_entry         TEXT               -- newest entry date seen (UTC), if entries are dated
);
"""
register_schema(SCHEMA)


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the store knows about one feed."""

    feed: str
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: dt.datetime | None = None
    last_success: dt.datetime | None = None
    consecutive_failures: int = 0
    failing_since: dt.datetime | None = None
    last_error: str | None = None
    signature: str | None = None
    last_changed: dt.datetime | None = None
    newest_entry: dt.datetime | None = None


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("store times must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat()


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _state(row: sqlite3.Row) -> FeedState:
    return FeedState(
        feed=row["feed"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_attempt=_time(row["last_attempt"]),
        last_success=_time(row["last_success"]),
        consecutive_failures=row["consecutive_failures"],
        failing_since=_time(row["failing_since"]),
        last_error=row["last_error"],
        signature=row["signature"],
        last_changed=_time(row["last_changed"]),
        newest_entry=_time(row["newest_entry"]),
    )


def load_feed_states(store: Store, feeds: Iterable[str]) -> dict[str, FeedState]:
    """The stored state of each of `feeds` that has one."""
    wanted = set(feeds)
    return {s.feed: s for s in all_feed_states(store) if s.feed in wanted}


def all_feed_states(store: Store) -> tuple[FeedState, ...]:
    """Every feed the store knows, sorted by feed."""
    rows = store.connection.execute("SELECT * FROM feed_state ORDER BY feed").fetchall()
    return tuple(_state(row) for row in rows)


def entries_remembered(store: Store) -> dict[str, int]:
    """How many articles the store remembers from each feed (the one each was first seen in)."""
    rows = store.connection.execute(
        "SELECT origin, COUNT(*) AS n FROM seen_items GROUP BY origin"
    ).fetchall()
    return {row["origin"]: row["n"] for row in rows}


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """One feed's outcome in a run, as `record_fetches` stores it.

    kind "success": a 200 that parsed (validators, signature and newest entry given);
    "not_modified": a 304; "failure": anything else, with its one-line `error`.
    """

    feed: str
    kind: Literal["success", "not_modified", "failure"]
    etag: str | None = None
    last_modified: str | None = None
    signature: str | None = None
    newest_entry: dt.datetime | None = None
    error: str | None = None


_SUCCESS = """
UPDATE feed_state SET
    etag = :etag, last_modified = :last_modified, last_attempt = :now, last_success = :now,
    consecutive_failures = 0, failing_since = NULL, last_error = NULL,
    last_changed = CASE WHEN signature IS :signature THEN last_changed ELSE :now END,
    signature = :signature,
    newest_entry = CASE
        WHEN newest_entry IS NULL OR newest_entry < :newest THEN :newest
        ELSE newest_entry END
WHERE feed = :feed
"""
_NOT_MODIFIED = """
UPDATE feed_state SET
    last_attempt = :now, last_success = :now,
    consecutive_failures = 0, failing_since = NULL, last_error = NULL,
    last_changed = COALESCE(last_changed, :now)
WHERE feed = :feed
"""
_FAILURE = """
UPDATE feed_state SET
    last_attempt = :now,
    consecutive_failures = consecutive_failures + 1,
    failing_since = COALESCE(failing_since, :now),
    last_error = :error
WHERE feed = :feed
"""
_STATEMENTS = {"success": _SUCCESS, "not_modified": _NOT_MODIFIED, "failure": _FAILURE}


def record_fetches(store: Store, records: Iterable[FetchRecord], *, now: dt.datetime) -> None:
    """Store a run's outcomes in one transaction.

    A success stores the new validators and resets health; a 304 resets health; a failure
    keeps the validators and counts the failure with its cause.
    """
    with store.transaction() as connection:
        for record in records:
            connection.execute("INSERT OR IGNORE INTO feed_state (feed) VALUES (?)", (record.feed,))
            connection.execute(
                _STATEMENTS[record.kind],
                {
                    "feed": record.feed,
                    "now": _iso(now),
                    "etag": record.etag,
                    "last_modified": record.last_modified,
                    "signature": record.signature,
                    "newest": _iso(record.newest_entry),
                    "error": record.error,
                },
            )


def record_success(
    store: Store,
    feed: str,
    *,
    now: dt.datetime,
    etag: str | None,
    last_modified: str | None,
    signature: str,
    newest_entry: dt.datetime | None,
) -> None:
    """A 200 that parsed: new validators, health reset, change tracking updated."""
    record = FetchRecord(feed, "success", etag, last_modified, signature, newest_entry)
    record_fetches(store, [record], now=now)


def record_not_modified(store: Store, feed: str, *, now: dt.datetime) -> None:
    """A 304: the feed is healthy and unchanged."""
    record_fetches(store, [FetchRecord(feed, "not_modified")], now=now)


def record_failure(store: Store, feed: str, *, now: dt.datetime, error: str) -> None:
    """A failed fetch or parse: validators kept, the failure counted with its cause."""
    record_fetches(store, [FetchRecord(feed, "failure", error=error)], now=now)
