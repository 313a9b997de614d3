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
import sqlite3
from dataclasses import dataclass
from typing import Literal, cast, get_args

from digest.store import Store, register_schema

__all__ = [
    "SCHEMA",
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

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    outputs TEXT NOT NULL,
    delivery TEXT CHECK (delivery IN
        ('sent', 'failed', 'not_configured', 'skipped', 'already_sent')),
    delivery_error TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_date ON runs (date);
CREATE TABLE IF NOT EXISTS deliveries (
    date TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('attempt', 'sent', 'failed')),
    message_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    updated TEXT NOT NULL,
    sent_at TEXT
);
"""
register_schema(SCHEMA)


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
        cursor = db.execute(
            "INSERT INTO runs (date, status, started, finished, outputs) VALUES (?, ?, ?, ?, ?)",
            (
                date.isoformat(),
                status,
                _stamp(started),
                _stamp(finished),
                json.dumps([str(p) for p in outputs]),
            ),
        )
    assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
    return cursor.lastrowid


def note_delivery(
    store: Store, date: dt.date, status: DeliveryStatus, error: str | None = None
) -> None:
    """Write what the latest run of `date` did about email (a no-op if no run is recorded)."""
    if status not in get_args(DeliveryStatus):
        raise ValueError(f"unknown delivery status {status!r}")
    with store.transaction() as db:
        db.execute(
            "UPDATE runs SET delivery = ?, delivery_error = ? WHERE id ="
            " (SELECT MAX(id) FROM runs WHERE date = ?)",
            (status, error, date.isoformat()),
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
        row = db.execute("SELECT message_id FROM deliveries WHERE date = ?", (key,)).fetchone()
        message_id = new_message_id if row is None or fresh else str(row["message_id"])
        db.execute(
            "INSERT INTO deliveries (date, state, message_id, subject, text_body, html_body,"
            " attempts, error, updated) VALUES (?, 'attempt', ?, ?, ?, ?, 1, NULL, ?)"
            " ON CONFLICT (date) DO UPDATE SET state = 'attempt', message_id = excluded.message_id,"
            " subject = excluded.subject, text_body = excluded.text_body,"
            " html_body = excluded.html_body, attempts = deliveries.attempts + 1,"
            " error = NULL, updated = excluded.updated",
            (key, message_id, subject, text, html, _stamp(now)),
        )
    return message_id


def record_delivery(
    store: Store, date: dt.date, *, ok: bool, error: str | None, now: dt.datetime
) -> None:
    """Close the attempt for `date` as sent or failed, and note it on the date's latest run."""
    key = date.isoformat()
    with store.transaction() as db:
        db.execute(
            "UPDATE deliveries SET state = ?, error = ?, updated = ?,"
            " sent_at = CASE WHEN ? THEN ? ELSE sent_at END WHERE date = ?",
            ("sent" if ok else "failed", error, _stamp(now), ok, _stamp(now), key),
        )
    note_delivery(store, date, "sent" if ok else "failed", error)


def was_delivered(store: Store, date: dt.date) -> bool:
    """True when the briefing of `date` has been sent (so a rerun must not send it again)."""
    row = store.connection.execute(
        "SELECT state FROM deliveries WHERE date = ?", (date.isoformat(),)
    ).fetchone()
    return row is not None and row["state"] == "sent"


def delivery_for(store: Store, date: dt.date) -> Delivery | None:
    """The delivery row of `date`, if an email was ever attempted for it."""
    row = store.connection.execute(
        "SELECT * FROM deliveries WHERE date = ?", (date.isoformat(),)
    ).fetchone()
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
    rows = store.connection.execute(
        "SELECT date FROM deliveries WHERE state IN ('attempt', 'failed') ORDER BY date"
    ).fetchall()
    return [dt.date.fromisoformat(r["date"]) for r in rows]


def last_successful_build(store: Store, *, before: dt.date | None = None) -> dt.datetime | None:
    """When the latest `ok` or `partial` build finished (UTC), or None before the first one.

    `finished`, not `started`: articles first seen during that build were in its briefing.
    A `partial` build (some sources failed) still produced a briefing, so it counts.
    `before`: only builds of briefings dated earlier, so rebuilding a date's briefing takes
    the same articles again (and any that arrived since).
    """
    row = store.connection.execute(
        "SELECT MAX(finished) AS t FROM runs WHERE status IN ('ok', 'partial') AND date < ?",
        ((before or dt.date.max).isoformat(),),
    ).fetchone()
    return _parse(row["t"]) if row["t"] else None


def last_run_started(store: Store) -> dt.datetime | None:
    """When the latest build of any status started (UTC): has a scheduled time been served?"""
    row = store.connection.execute("SELECT MAX(started) AS t FROM runs").fetchone()
    return _parse(row["t"]) if row["t"] else None


def runs_for(store: Store, date: dt.date) -> list[Run]:
    """Every recorded build of `date`, oldest first."""
    rows = store.connection.execute(
        "SELECT * FROM runs WHERE date = ? ORDER BY id", (date.isoformat(),)
    ).fetchall()
    return _runs(rows)


def recent_runs(store: Store, limit: int) -> list[Run]:
    """The `limit` most recently recorded builds, of any date, most recent first."""
    rows = store.connection.execute(
        "SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)
    ).fetchall()
    return _runs(rows)


def _runs(rows: list[sqlite3.Row]) -> list[Run]:
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
