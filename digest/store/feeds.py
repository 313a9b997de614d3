"""Per-feed state in the store: HTTP validators (ETag, Last-Modified) and health.

One row per feed, keyed by the feed's URL or path as configured. Times are stored as ISO 8601
in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

from digest.store import Store
from digest.store._schema import METADATA, upsert
from digest.store.seen import SEEN_ITEMS

__all__ = [
    "FEED_STATE",
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

FEED_STATE = sa.Table(
    "feed_state",
    METADATA,
    sa.Column("feed", sa.Text, primary_key=True, nullable=True),  # URL or path as configured
    sa.Column("etag", sa.Text),  # validators sent back as If-None-Match ...
    sa.Column("last_modified", sa.Text),  # ... and If-Modified-Since
    sa.Column("last_attempt", sa.Text),
    sa.Column("last_success", sa.Text),  # last 200 that parsed, or 304
    sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("failing_since", sa.Text),  # first failure of the current run of failures
    sa.Column("last_error", sa.Text),  # one line: the cause of the last failure
    sa.Column("signature", sa.Text),  # hash of the entries' identities at last change
    sa.Column("last_changed", sa.Text),  # when the entries last changed
    sa.Column("newest_entry", sa.Text),  # newest entry date seen (UTC), if entries are dated
)


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


def _state(row: sa.RowMapping) -> FeedState:
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
    rows = store.connection.execute(sa.select(FEED_STATE).order_by(FEED_STATE.c.feed))
    return tuple(_state(row) for row in rows.mappings())


def entries_remembered(store: Store) -> dict[str, int]:
    """How many articles the store remembers from each feed (the one each was first seen in)."""
    rows = store.connection.execute(
        sa.select(SEEN_ITEMS.c.origin, sa.func.count()).group_by(SEEN_ITEMS.c.origin)
    )
    return {origin: int(count) for origin, count in rows}


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


def _statements() -> dict[str, sa.Update]:
    """The UPDATE of each kind of outcome, run once per feed with its bound values."""
    t = FEED_STATE.c
    now, newest = sa.bindparam("now", type_=sa.Text), sa.bindparam("newest", type_=sa.Text)
    healthy = {
        "last_attempt": now,
        "last_success": now,
        "consecutive_failures": 0,
        "failing_since": None,
        "last_error": None,
    }
    # The bound names differ from the columns': SQLAlchemy keeps those for the SET values.
    where = FEED_STATE.update().where(t.feed == sa.bindparam("the_feed"))
    return {
        "success": where.values(
            etag=sa.bindparam("new_etag"),
            last_modified=sa.bindparam("new_last_modified"),
            last_changed=sa.case(
                (t.signature.is_not_distinct_from(sa.bindparam("new_signature")), t.last_changed),
                else_=now,
            ),
            signature=sa.bindparam("new_signature"),
            newest_entry=sa.case(
                (sa.or_(t.newest_entry.is_(None), t.newest_entry < newest), newest),
                else_=t.newest_entry,
            ),
            **healthy,
        ),
        "not_modified": where.values(last_changed=sa.func.coalesce(t.last_changed, now), **healthy),
        "failure": where.values(
            last_attempt=now,
            consecutive_failures=t.consecutive_failures + 1,
            failing_since=sa.func.coalesce(t.failing_since, now),
            last_error=sa.bindparam("error"),
        ),
    }


def record_fetches(store: Store, records: Iterable[FetchRecord], *, now: dt.datetime) -> None:
    """Store a run's outcomes in one transaction.

    A success stores the new validators and resets health; a 304 resets health; a failure
    keeps the validators and counts the failure with its cause.
    """
    records = list(records)
    if not records:
        return
    statements = _statements()
    with store.transaction() as db:
        db.execute(
            upsert(db, FEED_STATE).on_conflict_do_nothing(index_elements=[FEED_STATE.c.feed]),
            [{"feed": feed} for feed in dict.fromkeys(r.feed for r in records)],
        )
        # In the order given, so a feed named twice ends as its last outcome says.
        for record in records:
            db.execute(
                statements[record.kind],
                {
                    "the_feed": record.feed,
                    "now": _iso(now),
                    "new_etag": record.etag,
                    "new_last_modified": record.last_modified,
                    "new_signature": record.signature,
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
