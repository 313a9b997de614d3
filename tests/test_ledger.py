"""The run ledger: builds, the once-only delivery state machine, and what later runs ask of it.

Every test taking `store` or `store_target` runs on SQLite and on PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.config import load_config
from digest.pipeline import build
from digest.store import Store, StoreLocation, ledger, open_store
from tests.builders import store_yaml

DAY = dt.date(2026, 3, 29)
T0 = dt.datetime(2026, 3, 29, 5, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def store(store_target: StoreLocation) -> Iterator[Store]:
    with open_store(store_target) as opened:
        yield opened


def attempt(
    store: Store, date: dt.date = DAY, *, new_id: str = "<a@x>", fresh: bool = False
) -> str:
    return ledger.begin_attempt(
        store,
        date,
        subject="S",
        text="t",
        html="<p>h</p>",
        new_message_id=new_id,
        now=at(1),
        fresh=fresh,
    )


def test_a_build_is_recorded_with_its_outputs_and_times(store: Store) -> None:
    run_id = ledger.record_build(
        store, date=DAY, started=at(0), finished=at(2), status="partial", outputs=["b/x.md"]
    )
    [run] = ledger.runs_for(store, DAY)
    assert run.id == run_id
    assert (run.status, run.outputs, run.delivery) == ("partial", ("b/x.md",), None)
    assert (run.started, run.finished) == (at(0), at(2))


def test_times_in_other_zones_are_stored_as_the_same_instant(store: Store) -> None:
    berlin = dt.timezone(dt.timedelta(hours=2))
    ledger.record_build(
        store, date=DAY, started=at(0).astimezone(berlin), finished=at(3), status="ok", outputs=[]
    )
    assert ledger.last_run_started(store) == at(0)


def test_naive_times_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ledger.record_build(
            store,
            date=DAY,
            started=dt.datetime(2026, 1, 1),
            finished=at(0),
            status="ok",
            outputs=[],
        )


def test_last_successful_build_skips_failed_builds(store: Store) -> None:
    assert ledger.last_successful_build(store) is None
    ledger.record_build(store, date=DAY, started=at(0), finished=at(5), status="ok", outputs=[])
    ledger.record_build(
        store, date=DAY, started=at(10), finished=at(12), status="failed", outputs=[]
    )
    assert ledger.last_successful_build(store) == at(5)
    assert ledger.last_run_started(store) == at(10)


def test_a_sent_date_is_delivered_and_not_pending(store: Store) -> None:
    ledger.record_build(store, date=DAY, started=at(0), finished=at(1), status="ok", outputs=[])
    assert not ledger.was_delivered(store, DAY)
    attempt(store)
    assert not ledger.was_delivered(store, DAY)
    assert ledger.pending_deliveries(store) == [DAY]  # interrupted: a crash right here retries
    ledger.record_delivery(store, DAY, ok=True, error=None, now=at(2))
    assert ledger.was_delivered(store, DAY)
    assert ledger.pending_deliveries(store) == []
    [run] = ledger.runs_for(store, DAY)
    assert run.delivery == "sent"


def test_a_failed_date_is_pending_and_the_retry_keeps_its_message_id(store: Store) -> None:
    first = attempt(store, new_id="<first@x>")
    ledger.record_delivery(store, DAY, ok=False, error="smtp:25 refused", now=at(2))
    assert ledger.pending_deliveries(store) == [DAY]
    again = attempt(store, new_id="<second@x>")
    assert again == first == "<first@x>"
    delivery = ledger.delivery_for(store, DAY)
    assert delivery is not None
    assert (delivery.state, delivery.attempts, delivery.error) == ("attempt", 2, None)


def test_a_resend_takes_a_new_message_id(store: Store) -> None:
    attempt(store, new_id="<first@x>")
    ledger.record_delivery(store, DAY, ok=True, error=None, now=at(2))
    assert attempt(store, new_id="<second@x>", fresh=True) == "<second@x>"


def test_pending_dates_come_oldest_first(store: Store) -> None:
    for date in (DAY, DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1)):
        attempt(store, date)
        ledger.record_delivery(store, date, ok=False, error="down", now=at(2))
    assert ledger.pending_deliveries(store) == sorted(ledger.pending_deliveries(store))
    assert len(ledger.pending_deliveries(store)) == 3


def test_a_note_lands_on_the_latest_run_of_the_date(store: Store) -> None:
    ledger.record_build(store, date=DAY, started=at(0), finished=at(1), status="ok", outputs=[])
    ledger.record_build(store, date=DAY, started=at(5), finished=at(6), status="ok", outputs=[])
    ledger.note_delivery(store, DAY, "skipped")
    assert [r.delivery for r in ledger.runs_for(store, DAY)] == [None, "skipped"]


def test_the_ledger_survives_reopening(store_target: StoreLocation) -> None:
    with open_store(store_target) as first:
        attempt(first)
        ledger.record_delivery(first, DAY, ok=True, error=None, now=at(2))
    with open_store(store_target) as second:
        assert ledger.was_delivered(second, DAY)


def test_last_successful_build_before_a_date_ignores_that_dates_own_builds(store: Store) -> None:
    yesterday = DAY - dt.timedelta(days=1)
    ledger.record_build(
        store, date=yesterday, started=at(0), finished=at(1), status="ok", outputs=[]
    )
    ledger.record_build(store, date=DAY, started=at(5), finished=at(6), status="ok", outputs=[])
    assert ledger.last_successful_build(store, before=DAY) == at(1)
    assert ledger.last_successful_build(store, before=yesterday) is None
    assert ledger.last_successful_build(store) == at(6)


def test_a_builds_times_in_the_ledger_come_from_the_builds_clock(
    tmp_path: Path, store_target: StoreLocation
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(
        "---\ntitle: Harbour reopens after storm\npublished: 2022-02-01\n---\n"
        "The harbour reopened on Tuesday after a storm closed it for two days, the port said.\n",
        encoding="utf-8",
    )
    (tmp_path / "config.yaml").write_text(
        "sources:\n  files: [in]\noutput:\n  dir: out\n" + store_yaml(store_target),
        encoding="utf-8",
    )
    now = dt.datetime(2022, 2, 1, 7, tzinfo=dt.UTC)  # a clock far from the wall clock
    build(load_config(tmp_path / "config.yaml"), date=now.date(), now=now, send_email=False)
    with open_store(store_target) as store:
        (run,) = ledger.runs_for(store, now.date())
        assert run.started == now
        assert now <= run.finished < now + dt.timedelta(minutes=10)
        assert ledger.last_successful_build(store) == run.finished


def test_recent_runs_are_the_latest_of_any_date_most_recent_first(store: Store) -> None:
    for minutes, day in ((0, DAY), (10, DAY - dt.timedelta(days=3)), (20, DAY)):
        ledger.record_build(
            store, date=day, started=at(minutes), finished=at(minutes + 1), status="ok", outputs=[]
        )
    recent = ledger.recent_runs(store, 2)
    assert [run.started for run in recent] == [at(20), at(10)]
    assert recent[1].date == DAY - dt.timedelta(days=3)
    assert len(ledger.recent_runs(store, 10)) == 3
