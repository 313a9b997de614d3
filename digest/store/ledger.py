"""Run ledger: every build (date, status, outputs, times) and the email delivery of each date.

Two tables. `runs` has one row per build, newest last, with what happened to its email.
`deliveries` has one row per briefing date and is what makes email once-only: a row moves
`attempt` → `sent` or `failed`. The `attempt` row is written, with the Message-ID and the
message content, *before* the SMTP conversation starts, so a crash between "the server took it"
and "we wrote it down" leaves an `attempt` that the next run retries with the same Message-ID
(mail clients show one message per Message-ID).

Times are stored as ISO 8601 in UTC; they come in as aware datetimes and go out as aware UTC.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast, get_args

import sqlalchemy as sa

from digest.store import Store
from digest.store._schema import METADATA, upsert

__all__ = [
    "DELIVERIES",
    "RUNS",
    "BuildStatus",
    "Delivery",
    "DeliveryState",
    "DeliveryStatus",
    "Run",
    "begin_attempt",
    "delivery_for",
    "last_run_started",
    "last_successful_build",
    "note_delivery",
    "pending_deliveries",
    "recent_runs",
    "record_build",
    "record_delivery",
    "runs_for",
    "was_delivered",
]

BuildStatus = Literal["ok", "partial", "failed"]
# What a run did about email: the row in `runs`, for people reading the history.
DeliveryStatus = Literal["sent", "failed", "not_configured", "skipped", "already_sent"]
# Where the once-only state machine of a date stands: the row in `deliveries`.
DeliveryState = Literal["attempt", "sent", "failed"]

RUNS = sa.Table(
    "runs",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, nullable=True),
    sa.Column("date", sa.Text, nullable=False),  # ISO date of the briefing
    sa.Column(
        "status",
        sa.Text,
        sa.CheckConstraint("status IN ('ok', 'partial', 'failed')"),
        nullable=False,
    ),
    sa.Column("started", sa.Text, nullable=False),
    sa.Column("finished", sa.Text, nullable=False),
    sa.Column("outputs", sa.Text, nullable=False),  # JSON list of paths
    sa.Column(
        "delivery",
        sa.Text,
        sa.CheckConstraint(
            "delivery IN ('sent', 'failed', 'not_configured', 'skipped', 'already_sent')"
        ),
    ),
    sa.Column("delivery_error", sa.Text),
    sa.Index("runs_by_date", "date"),
    sqlite_autoincrement=True,
)
DELIVERIES = sa.Table(
    "deliveries",
    METADATA,
    sa.Column("date", sa.Text, primary_key=True, nullable=True),
    sa.Column(
        "state",
        sa.Text,
        sa.CheckConstraint("state IN ('attempt', 'sent', 'failed')"),
        nullable=False,
    ),
    sa.Column("message_id", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("text_body", sa.Text, nullable=False),
    sa.Column("html_body", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("error", sa.Text),
    sa.Column("updated", sa.Text, nullable=False),
    sa.Column("sent_at", sa.Text),
)


@dataclass(frozen=True, slots=True)
class Run:
    """One recorded build."""

    id: int
    date: dt.date
    status: BuildStatus
    started: dt.datetime
    finished: dt.datetime
    outputs: tuple[str, ...]
    delivery: DeliveryStatus | None
    delivery_error: str | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """The email of one briefing date: its state, Message-ID and the content to (re)send."""

    date: dt.date
    state: DeliveryState
    message_id: str
    subject: str
    text: str
    html: str
    attempts: int
    error: str | None
    updated: dt.datetime
    sent_at: dt.datetime | None


def record_build(
    store: Store,
    *,
    date: dt.date,
    started: dt.datetime,
    finished: dt.datetime,
    status: BuildStatus,
    outputs: tuple[str, ...] | list[str],
) -> int:
    """Record one build (call it once the files are written, before emailing); returns its id."""
    if status not in get_args(BuildStatus):
        raise ValueError(f"unknown build status {status!r}")
    with store.transaction() as db:
        result = db.execute(
            RUNS.insert().values(
                date=date.isoformat(),
                status=status,
                started=_stamp(started),
                finished=_stamp(finished),
                outputs=json.dumps([str(p) for p in outputs]),
            )
        )
    (run_id,) = result.inserted_primary_key or (None,)
    assert run_id is not None  # an INSERT into a table with a generated key always has one
    return int(run_id)


def note_delivery(
    store: Store, date: dt.date, status: DeliveryStatus, error: str | None = None
) -> None:
    """Write what the latest run of `date` did about email (a no-op if no run is recorded)."""
    if status not in get_args(DeliveryStatus):
        raise ValueError(f"unknown delivery status {status!r}")
    latest = sa.select(sa.func.max(RUNS.c.id)).where(RUNS.c.date == date.isoformat())
    with store.transaction() as db:
        db.execute(
            RUNS.update()
            .where(RUNS.c.id == latest.scalar_subquery())
            .values(delivery=status, delivery_error=error)
        )


def begin_attempt(
    store: Store,
    date: dt.date,
    *,
    subject: str,
    text: str,
    html: str,
    new_message_id: str,
    now: dt.datetime,
    fresh: bool = False,
) -> str:
    """Mark `date` as being sent, storing the content; returns the Message-ID to send with.

    A retry (a date whose row is `attempt` or `failed`) keeps its Message-ID, so a message that
    did reach the server before a crash is the same message to mail clients. `fresh=True` (a
    deliberate resend) takes `new_message_id` instead, so the copy is not hidden as a duplicate.
    """
    key = date.isoformat()
    with store.transaction() as db:
        stored = db.execute(
            sa.select(DELIVERIES.c.message_id).where(DELIVERIES.c.date == key)
        ).scalar_one_or_none()
        message_id = new_message_id if stored is None or fresh else str(stored)
        insert = upsert(db, DELIVERIES).values(
            date=key,
            state="attempt",
            message_id=message_id,
            subject=subject,
            text_body=text,
            html_body=html,
            attempts=1,
            error=None,
            updated=_stamp(now),
        )
        db.execute(
            insert.on_conflict_do_update(
                index_elements=[DELIVERIES.c.date],
                set_={
                    "state": "attempt",
                    "message_id": insert.excluded.message_id,
                    "subject": insert.excluded.subject,
                    "text_body": insert.excluded.text_body,
                    "html_body": insert.excluded.html_body,
                    "attempts": DELIVERIES.c.attempts + 1,
                    "error": None,
                    "updated": insert.excluded.updated,
                },
            )
        )
    return message_id


def record_delivery(
    store: Store, date: dt.date, *, ok: bool, error: str | None, now: dt.datetime
) -> None:
    """Close the attempt for `date` as sent or failed, and note it on the date's latest run."""
    values: dict[str, str | None] = {
        "state": "sent" if ok else "failed",
        "error": error,
        "updated": _stamp(now),
    }
    if ok:
        values["sent_at"] = _stamp(now)
    with store.transaction() as db:
        db.execute(
            DELIVERIES.update().where(DELIVERIES.c.date == date.isoformat()).values(**values)
        )
    note_delivery(store, date, "sent" if ok else "failed", error)


def was_delivered(store: Store, date: dt.date) -> bool:
    """True when the briefing of `date` has been sent (so a rerun must not send it again)."""
    state = store.connection.execute(
        sa.select(DELIVERIES.c.state).where(DELIVERIES.c.date == date.isoformat())
    ).scalar_one_or_none()
    return state == "sent"


def delivery_for(store: Store, date: dt.date) -> Delivery | None:
    """The delivery row of `date`, if an email was ever attempted for it."""
    row = (
        store.connection.execute(sa.select(DELIVERIES).where(DELIVERIES.c.date == date.isoformat()))
        .mappings()
        .first()
    )
    if row is None:
        return None
    return Delivery(
        date=dt.date.fromisoformat(row["date"]),
        state=cast(DeliveryState, row["state"]),
        message_id=row["message_id"],
        subject=row["subject"],
        text=row["text_body"],
        html=row["html_body"],
        attempts=row["attempts"],
        error=row["error"],
        updated=_parse(row["updated"]),
        sent_at=_parse(row["sent_at"]) if row["sent_at"] else None,
    )


def pending_deliveries(store: Store) -> list[dt.date]:
    """Dates whose email failed or was interrupted, oldest first: what a retry should send."""
    dates = store.connection.execute(
        sa.select(DELIVERIES.c.date)
        .where(DELIVERIES.c.state.in_(("attempt", "failed")))
        .order_by(DELIVERIES.c.date)
    ).scalars()
    return [dt.date.fromisoformat(d) for d in dates]


def last_successful_build(store: Store, *, before: dt.date | None = None) -> dt.datetime | None:
    """When the latest `ok` or `partial` build finished (UTC), or None before the first one.

    `finished`, not `started`: articles first seen during that build were in its briefing.
    A `partial` build (some sources failed) still produced a briefing, so it counts.
    `before`: only builds of briefings dated earlier, so rebuilding a date's briefing takes
    the same articles again (and any that arrived since).
    """
    latest = store.connection.execute(
        sa.select(sa.func.max(RUNS.c.finished)).where(
            RUNS.c.status.in_(("ok", "partial")),
            RUNS.c.date < (before or dt.date.max).isoformat(),
        )
    ).scalar_one_or_none()
    return _parse(latest) if latest else None


def last_run_started(store: Store) -> dt.datetime | None:
    """When the latest build of any status started (UTC): has a scheduled time been served?"""
    latest = store.connection.execute(sa.select(sa.func.max(RUNS.c.started))).scalar_one_or_none()
    return _parse(latest) if latest else None


def runs_for(store: Store, date: dt.date) -> list[Run]:
    """Every recorded build of `date`, oldest first."""
    rows = store.connection.execute(
        sa.select(RUNS).where(RUNS.c.date == date.isoformat()).order_by(RUNS.c.id)
    ).mappings()
    return _runs(rows)


def recent_runs(store: Store, limit: int) -> list[Run]:
    """The `limit` most recently recorded builds, of any date, most recent first."""
    rows = store.connection.execute(
        sa.select(RUNS).order_by(RUNS.c.id.desc()).limit(limit)
    ).mappings()
    return _runs(rows)


def _runs(rows: Iterable[sa.RowMapping]) -> list[Run]:
    return [
        Run(
            id=r["id"],
            date=dt.date.fromisoformat(r["date"]),
            status=cast(BuildStatus, r["status"]),
            started=_parse(r["started"]),
            finished=_parse(r["finished"]),
            outputs=tuple(json.loads(r["outputs"])),
            delivery=cast("DeliveryStatus | None", r["delivery"]),
            delivery_error=r["delivery_error"],
        )
        for r in rows
    ]


def _stamp(moment: dt.datetime) -> str:
    # Fixed-width UTC text sorts in time order, which MAX() and the comparisons above rely on.
    if moment.tzinfo is None:
        raise ValueError(f"ledger times must be timezone-aware, got {moment.isoformat()}")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)
