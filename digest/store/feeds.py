"""Per-feed state in the store: HTTP validators (ETag, Last-Modified), health, and refresh.

One row per feed, keyed by the feed's URL or path as configured. Times are stored as ISO 8601
in UTC.

Refresh (revision 0004): `next_due` says when a feed is next to be fetched (NULL: not
configured, never due); an instance claims a batch of due feeds with `claim_due`, which
pushes their `next_due` to the end of the claim, and `release_in` sets the next time once the
batch is recorded. "Due" is decided on the database's clock (`database_now`), never on the
instance's, so instances whose clocks disagree still share the feeds correctly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

from digest.store import Store
from digest.store._clock import read_database_now
from digest.store._schema import METADATA, upsert
from digest.store.seen import SEEN_ITEMS

__all__ = [
    "FEED_STATE",
    "Claim",
    "FeedState",
    "FetchRecord",
    "all_feed_states",
    "claim_due",
    "database_now",
    "entries_remembered",
    "load_feed_states",
    "record_failure",
    "record_fetches",
    "record_fetches_in",
    "record_not_modified",
    "record_success",
    "release_in",
    "sync_feeds",
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
    sa.Column("next_due", sa.Text),  # when to fetch next (database clock); NULL: not configured
    sa.Column("claimed_by", sa.Text),  # the instance fetching it now ("host:pid")
    sa.Column("claimed_until", sa.Text),  # its claim ends then; the feed is due again
    # A hash of the feed: due feeds are claimed in this order, so a batch mixes sites rather
    # than holding one site's many feeds (fetched only `per_host` at a time).
    sa.Column("spread", sa.Integer),
    sa.Index("feed_state_next_due", "next_due"),
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
    next_due: dt.datetime | None = None
    claimed_by: str | None = None
    claimed_until: dt.datetime | None = None


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("store times must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat()


def _due_iso(value: dt.datetime) -> str:
    """A refresh time as text whose order is the times' order (always with microseconds)."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


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
        next_due=_time(row["next_due"]),
        claimed_by=row["claimed_by"],
        claimed_until=_time(row["claimed_until"]),
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
    with store.transaction() as db:
        record_fetches_in(db, records, now=now)


def record_fetches_in(
    db: sa.Connection, records: Iterable[FetchRecord], *, now: dt.datetime
) -> None:
    """`record_fetches` inside the caller's transaction."""
    records = list(records)
    if not records:
        return
    statements = _statements()
    db.execute(
        upsert(db, FEED_STATE).on_conflict_do_nothing(index_elements=[FEED_STATE.c.feed]),
        [{"feed": feed} for feed in sorted({r.feed for r in records})],
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


# --- Refresh: who fetches which feed when ---

# A feed never fetched is due at once: its `next_due` is this (before any real time).
_DUE_AT_ONCE = "1970-01-01T00:00:00.000000+00:00"


def database_now(db: sa.Connection) -> dt.datetime:
    """The database's clock (UTC), not this machine's: what every instance agrees on."""
    return read_database_now(db)


def sync_feeds(store: Store, feeds: Iterable[str]) -> None:
    """Make the configured `feeds` the ones refreshed: new ones due at once, feeds no longer
    configured never due (their state is kept). Writes only what differs."""
    wanted = set(feeds)
    t = FEED_STATE.c
    rows = store.connection.execute(
        sa.select(t.feed, t.next_due.is_not(None), t.spread.is_not(None))
    )
    known = {feed: (bool(on), bool(spread)) for feed, on, spread in rows}
    missing = sorted(wanted - known.keys())
    revived = sorted(f for f in wanted & known.keys() if not all(known[f]))
    dropped = sorted(f for f, (on, _) in known.items() if on and f not in wanted)
    if not (missing or revived or dropped):
        return
    with store.transaction() as db:
        if missing:
            db.execute(
                upsert(db, FEED_STATE).on_conflict_do_nothing(index_elements=[t.feed]),
                [{"feed": f, "next_due": _DUE_AT_ONCE, "spread": _spread(f)} for f in missing],
            )
        update = FEED_STATE.update().where(t.feed == sa.bindparam("the_feed"))
        if revived:  # configured again, or fetched by builds before refreshing existed
            db.execute(
                update.values(
                    next_due=sa.func.coalesce(t.next_due, _DUE_AT_ONCE),
                    spread=sa.bindparam("the_spread"),
                ),
                [{"the_feed": f, "the_spread": _spread(f)} for f in revived],
            )
        if dropped:
            db.execute(
                update.values(next_due=None, claimed_by=None, claimed_until=None),
                [{"the_feed": f} for f in dropped],
            )


def _spread(feed: str) -> int:
    return int(hashlib.sha256(feed.encode("utf-8")).hexdigest()[:7], 16)


@dataclass(frozen=True, slots=True)
class Claim:
    """Feeds one instance claimed, and the database's time when it did."""

    feeds: tuple[str, ...]
    at: dt.datetime
    until: dt.datetime


def claim_due(
    store: Store,
    *,
    instance: str,
    batch: int,
    lease: dt.timedelta,
    due_by: dt.datetime | None = None,
) -> Claim:
    """Claim up to `batch` due feeds (longest due first) for `lease`, and commit.

    Due: `next_due` is now or earlier, and no later than `due_by` if given (a round claims
    only what was due when it began, so no feed comes round twice in it).

    The due feeds are picked with SELECT ... FOR UPDATE SKIP LOCKED inside the UPDATE that
    claims them: on PostgreSQL, instances claiming at once each get different feeds and none
    waits for another; on SQLite the UPDATE takes the file's write lock, so claims queue.
    A claimed feed is not due until the claim ends: if its instance dies, another fetches it
    then.
    """
    t = FEED_STATE.c
    with store.transaction() as db:
        now = database_now(db)
        until = now + lease
        cutoff = now if due_by is None else min(now, due_by)
        due = (
            sa.select(t.feed)
            .where(t.next_due.is_not(None), t.next_due <= _due_iso(cutoff))
            .order_by(t.next_due, t.spread, t.feed)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        claimed = db.execute(
            FEED_STATE.update()
            .where(t.feed.in_(due.scalar_subquery()))
            .values(claimed_by=instance, claimed_until=_due_iso(until), next_due=_due_iso(until))
            .returning(t.feed)
        ).scalars()
        feeds = tuple(sorted(claimed))
    return Claim(feeds, now, until)


def release_in(
    db: sa.Connection, feeds: Iterable[str], *, instance: str, every: dt.timedelta
) -> None:
    """The claimed `feeds` are fetched and recorded: next due `every` from now (database time).

    Only this instance's claims: a feed whose claim ran out and that another instance took
    since is that instance's to release.
    """
    feeds = sorted(feeds)
    if not feeds:
        return
    t = FEED_STATE.c
    next_due = _due_iso(database_now(db) + every)
    db.execute(
        FEED_STATE.update()
        .where(t.feed == sa.bindparam("the_feed"), t.claimed_by == instance)
        .values(next_due=next_due, claimed_by=None, claimed_until=None),
        [{"the_feed": f} for f in feeds],
    )
