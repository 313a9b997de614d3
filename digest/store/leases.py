"""Run leases: which process is building (and emailing) the briefing of a date, for how long.

One row per briefing date in `run_leases`. A process claims a date before building it and
holds the claim with a lease that a heartbeat renews; when it is done it marks the row
finished, keeping the scheduled time it served. Another process that finds a live lease skips
the date; one that finds a lease nobody renewed in time (its holder died or lost the database)
takes the run over. See docs/scaling.md, "Several instances".

Every time here is the DATABASE's clock, in seconds since 1970 (`database_time()`), never the
machine's: instances whose clocks disagree by minutes still agree on who holds a date. Each
claim, renewal and release is one conditional statement (an INSERT that does nothing on a
conflict, an UPDATE whose WHERE says when it may take the row), so two processes racing for a
date cannot both win, on SQLite (writes serialised) or PostgreSQL (the row lock, re-checked).

    claim(store, date, holder=, due=, seconds=)   -> Claim   claimed, taken over, held or served
    renew(store, date, holder=, seconds=)         -> bool    False: someone else holds it now
    release(store, date, holder=)                 -> None    finished; a later run may claim it
    abandon(store, date, holder=)                 -> None    given up unfinished: taken at once
    database_now(store)                           -> datetime  the database's clock, aware UTC
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

from digest.store import Store
from digest.store._clock import database_time, moment, read_database_now
from digest.store._schema import METADATA, upsert

__all__ = [
    "RUN_LEASES",
    "Claim",
    "Lease",
    "abandon",
    "claim",
    "database_now",
    "database_time",
    "lease_for",
    "new_holder",
    "release",
    "renew",
]

RUN_LEASES = sa.Table(
    "run_leases",
    METADATA,
    sa.Column("date", sa.Text, primary_key=True, nullable=True),  # ISO date of the briefing
    sa.Column("holder", sa.Text, nullable=False),  # host:pid:random of the claiming process
    # Seconds since 1970 by the database's clock.
    sa.Column("acquired_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    # The scheduled time the run serves (a manual build: when it started).
    sa.Column("due_at", sa.Float, nullable=False),
    sa.Column("finished_at", sa.Float),  # NULL while the run is going on
)


@dataclass(frozen=True, slots=True)
class Lease:
    """A date's row: who holds (or last held) its run, and until when, by the database's clock."""

    date: dt.date
    holder: str
    acquired_at: dt.datetime
    expires_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None


ClaimOutcome = Literal["claimed", "taken_over", "held", "served"]


@dataclass(frozen=True, slots=True)
class Claim:
    """What `claim` found: the run is ours (`claimed`, `taken_over` from a holder whose lease
    ran out), another's (`held`: `lease` says whose, until when) or already `served`."""

    outcome: ClaimOutcome
    lease: Lease
    previous_holder: str | None = None
    now: dt.datetime | None = None  # the database's clock when the claim was decided

    @property
    def ours(self) -> bool:
        return self.outcome in ("claimed", "taken_over")

    def seconds_left(self) -> float:
        """How long the lease of another holder still runs (0 when it has run out)."""
        if self.now is None:
            return 0.0
        return max(0.0, (self.lease.expires_at - self.now).total_seconds())


def new_holder() -> str:
    """This process's name in a lease: host, PID and a random part (PIDs are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def database_now(store: Store) -> dt.datetime:
    """The database's clock, aware UTC: the clock every lease and "is it due" decision uses."""
    now = read_database_now(store.connection)
    store.connection.commit()  # end the read's implicit transaction: nothing is held open
    return now


def claim(
    store: Store,
    date: dt.date,
    *,
    holder: str,
    due: dt.datetime | None,
    seconds: float,
) -> Claim:
    """Claim the run of `date` serving the scheduled time `due`, with a lease of `seconds`.

    `due=None`: a build started by hand, serving "now" by the database's clock.

    Ours when no row exists, when the row's lease ran out before it finished (a takeover), or
    when the row finished serving an earlier time than `due`. Not ours when another holder's
    lease is live (`held`) or a finished run already served `due` or later (`served`).
    """
    key = date.isoformat()
    now = database_time()
    due_at = now if due is None else sa.literal(due.timestamp(), sa.Float)
    with store.transaction() as db:
        if db.dialect.name == "postgresql":
            # Lock the row (if any) first, so the holder named below is the one we replaced.
            db.execute(sa.select(RUN_LEASES.c.date).where(_is(key)).with_for_update())
        before = _row(db, key)
        inserted = db.execute(
            upsert(db, RUN_LEASES)
            .values(
                date=key,
                holder=holder,
                acquired_at=now,
                expires_at=now + seconds,
                due_at=due_at,
                finished_at=None,
            )
            .on_conflict_do_nothing(index_elements=[RUN_LEASES.c.date])
            # RETURNING, not rowcount: on PostgreSQL SQLAlchemy may not report an INSERT's.
            .returning(RUN_LEASES.c.date)
        )
        if inserted.first() is not None:
            return Claim("claimed", _lease(_row(db, key)))
        finished = RUN_LEASES.c.finished_at.is_not(None)
        taken = db.execute(
            RUN_LEASES.update()
            .where(
                _is(key),
                sa.or_(
                    sa.and_(finished, RUN_LEASES.c.due_at < due_at),
                    sa.and_(~finished, RUN_LEASES.c.expires_at <= now),
                ),
            )
            .values(
                holder=holder,
                acquired_at=now,
                expires_at=now + seconds,
                due_at=due_at,
                finished_at=None,
            )
        )
        if taken.rowcount == 1:
            # A row that had finished was a run done, not a run abandoned: a fresh claim.
            interrupted = before is not None and before["finished_at"] is None
            return Claim(
                "taken_over" if interrupted else "claimed",
                _lease(_row(db, key)),
                previous_holder=str(before["holder"]) if interrupted and before else None,
            )
        row = _row(db, key)
        clock = db.execute(sa.select(database_time())).scalar_one()
    lease = _lease(row)
    return Claim("held" if lease.finished_at is None else "served", lease, now=moment(clock))


def renew(store: Store, date: dt.date, *, holder: str, seconds: float) -> bool:
    """Extend `holder`'s lease on `date` to `seconds` from now; False if it is not theirs any
    more (it ran out and another process took the run over)."""
    with store.transaction() as db:
        result = db.execute(
            RUN_LEASES.update()
            .where(
                _is(date.isoformat()),
                RUN_LEASES.c.holder == holder,
                RUN_LEASES.c.finished_at.is_(None),
            )
            .values(expires_at=database_time() + seconds)
        )
    return result.rowcount == 1


def release(store: Store, date: dt.date, *, holder: str) -> None:
    """Mark `holder`'s run of `date` finished (a no-op if another holder took it over)."""
    with store.transaction() as db:
        db.execute(
            RUN_LEASES.update()
            .where(
                _is(date.isoformat()),
                RUN_LEASES.c.holder == holder,
                RUN_LEASES.c.finished_at.is_(None),
            )
            .values(finished_at=database_time(), expires_at=database_time())
        )


def abandon(store: Store, date: dt.date, *, holder: str) -> None:
    """End `holder`'s lease on `date` now, unfinished: the next claim takes the run over."""
    with store.transaction() as db:
        db.execute(
            RUN_LEASES.update()
            .where(
                _is(date.isoformat()),
                RUN_LEASES.c.holder == holder,
                RUN_LEASES.c.finished_at.is_(None),
            )
            .values(expires_at=database_time())
        )


def lease_for(store: Store, date: dt.date) -> Lease | None:
    """The row of `date`, if a run of it was ever claimed."""
    row = _row(store.connection, date.isoformat())
    store.connection.commit()
    return None if row is None else _lease(row)


def _is(key: str) -> sa.ColumnElement[bool]:
    return RUN_LEASES.c.date == key


def _row(db: sa.Connection, key: str) -> sa.RowMapping | None:
    return db.execute(sa.select(RUN_LEASES).where(_is(key))).mappings().first()


def _lease(row: sa.RowMapping | None) -> Lease:
    assert row is not None  # read in the transaction that wrote or found it
    return Lease(
        date=dt.date.fromisoformat(row["date"]),
        holder=row["holder"],
        acquired_at=moment(row["acquired_at"]),
        expires_at=moment(row["expires_at"]),
        due_at=moment(row["due_at"]),
        finished_at=None if row["finished_at"] is None else moment(row["finished_at"]),
    )
