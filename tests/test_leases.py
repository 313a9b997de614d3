"""Run leases: one holder per briefing date, by the database's clock; takeover after expiry.

Every test runs on SQLite and on PostgreSQL (`store_target`, tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from digest.errors import BusyError, DigestError
from digest.schedule import (
    Heartbeat,
    ScheduledRun,
    build_lock,
    hold_run,
    parse_cron,
    run_scheduled,
)
from digest.store import Store, StoreLocation, leases, ledger, open_store

UTC = dt.UTC
DAY = dt.date(2026, 11, 25)
DUE = dt.datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
GRACE = dt.timedelta(hours=6)


@pytest.fixture
def lock(tmp_path: Path) -> Path:
    """The build lock's place: beside a SQLite store, the same file; beside nothing for a
    PostgreSQL store (a file of the machine's own, as `store.path` is then)."""
    return tmp_path / "store.sqlite3"


@pytest.fixture
def store(store_target: StoreLocation) -> Iterator[Store]:
    with open_store(store_target) as opened:
        yield opened


def test_the_first_claim_wins_and_the_next_sees_who_holds_it(store: Store) -> None:
    first = leases.claim(store, DAY, holder="a", due=DUE, seconds=60)
    second = leases.claim(store, DAY, holder="b", due=DUE, seconds=60)
    assert (first.outcome, first.lease.holder) == ("claimed", "a")
    assert (second.outcome, second.lease.holder) == ("held", "a")
    assert not second.ours
    assert 55 < second.seconds_left() <= 60


def test_a_lease_nobody_renewed_is_taken_over_and_its_old_holder_knows(store: Store) -> None:
    leases.claim(store, DAY, holder="dead", due=DUE, seconds=0.2)
    time.sleep(0.3)
    taken = leases.claim(store, DAY, holder="b", due=DUE, seconds=60)
    assert (taken.outcome, taken.previous_holder, taken.lease.holder) == ("taken_over", "dead", "b")
    # The old holder, back from the dead: it cannot renew, and its release changes nothing.
    assert leases.renew(store, DAY, holder="dead", seconds=60) is False
    leases.release(store, DAY, holder="dead")
    lease = leases.lease_for(store, DAY)
    assert lease is not None
    assert (lease.holder, lease.finished_at) == ("b", None)


def test_renewing_keeps_a_lease_alive_past_its_length(store: Store) -> None:
    leases.claim(store, DAY, holder="a", due=DUE, seconds=0.4)
    for _ in range(4):
        time.sleep(0.2)
        assert leases.renew(store, DAY, holder="a", seconds=0.4) is True
    assert leases.claim(store, DAY, holder="b", due=DUE, seconds=60).outcome == "held"


def test_a_finished_run_serves_its_time_and_a_later_time_claims_the_date_again(
    store: Store,
) -> None:
    leases.claim(store, DAY, holder="a", due=DUE, seconds=60)
    leases.release(store, DAY, holder="a")
    again = leases.claim(store, DAY, holder="b", due=DUE, seconds=60)
    assert (again.outcome, again.lease.holder) == ("served", "a")
    # A second scheduled time on the same day (cron "0 7,19 * * *") is a run of its own.
    evening = leases.claim(store, DAY, holder="b", due=DUE + dt.timedelta(hours=12), seconds=60)
    assert (evening.outcome, evening.previous_holder) == ("claimed", None)


def test_a_build_by_hand_takes_a_finished_date_but_not_a_live_one(store: Store) -> None:
    leases.claim(store, DAY, holder="a", due=DUE, seconds=60)
    assert leases.claim(store, DAY, holder="hand", due=None, seconds=60).outcome == "held"
    leases.release(store, DAY, holder="a")
    assert leases.claim(store, DAY, holder="hand", due=None, seconds=60).outcome == "claimed"


def test_an_abandoned_lease_is_taken_at_once(store: Store) -> None:
    leases.claim(store, DAY, holder="a", due=DUE, seconds=600)
    leases.abandon(store, DAY, holder="a")
    assert leases.claim(store, DAY, holder="b", due=DUE, seconds=60).outcome == "taken_over"


def test_lease_times_are_the_databases_whatever_the_caller_thinks_is_due(store: Store) -> None:
    # An instance whose clock is two minutes ahead claims a time that is not yet due: the lease
    # still starts and ends by the database's clock.
    before = leases.database_now(store)
    skewed_due = before + dt.timedelta(minutes=2)
    claim = leases.claim(store, DAY, holder="a", due=skewed_due, seconds=30)
    after = leases.database_now(store)
    assert before <= claim.lease.acquired_at <= after
    assert claim.lease.expires_at - claim.lease.acquired_at == pytest.approx(
        dt.timedelta(seconds=30), abs=dt.timedelta(milliseconds=5)
    )
    assert claim.lease.due_at == skewed_due
    assert abs(after - dt.datetime.now(UTC)) < dt.timedelta(seconds=5)


def _claim_in_a_process(where: StoreLocation, holder: str, start: float) -> str:
    time.sleep(max(0.0, start - time.time()))  # all at the same moment
    with open_store(where) as store:
        return leases.claim(store, DAY, holder=holder, due=DUE, seconds=60).outcome


def test_processes_claiming_at_the_same_moment_make_one_holder(
    store_target: StoreLocation,
) -> None:
    with open_store(store_target):
        pass  # made once, so the race is the claim's, not the schema's
    start = time.time() + 1.5
    context = multiprocessing.get_context("spawn")
    with context.Pool(6) as pool:
        outcomes = pool.starmap(
            _claim_in_a_process, [(store_target, f"p{i}", start) for i in range(6)]
        )
    assert sorted(outcomes) == ["claimed"] + ["held"] * 5


# --- the scheduled run and its lease ------------------------------------------------------


def record(where: StoreLocation, started: dt.datetime, *, half_sent: bool = False) -> None:
    with open_store(where) as store:
        ledger.record_build(
            store, date=started.date(), started=started, finished=started, status="ok", outputs=[]
        )
        if half_sent:
            ledger.begin_attempt(
                store,
                started.date(),
                subject="s",
                text="t",
                html="h",
                new_message_id="<1@example.org>",
                now=started,
            )


def scheduled(
    where: StoreLocation,
    lock: Path,
    build: Callable[[ScheduledRun], int] | None = None,
    **kwargs: object,
) -> tuple[int | None, list[str]]:
    """One run_scheduled at 07:00:05 UTC on DAY; the calls it made ("build"/"finish")."""
    calls: list[str] = []

    def recorded_build(run: ScheduledRun) -> int:
        calls.append("build")
        record(where, run.now)
        return 0

    def finish(run: ScheduledRun) -> int:
        calls.append("finish")
        return 0

    code = run_scheduled(
        build or recorded_build,
        trigger=parse_cron("0 7 * * *", "UTC"),
        store_path=lock,
        store=where,
        grace=GRACE,
        clock=lambda: DUE + dt.timedelta(seconds=5),
        finish=finish,
        **kwargs,  # type: ignore[arg-type]
    )
    return code, calls


def test_a_run_another_instance_holds_is_skipped_with_one_line(
    store_target: StoreLocation, lock: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with open_store(store_target) as store:
        leases.claim(store, DAY, holder="other:42:x", due=DUE, seconds=60)
    with caplog.at_level(logging.INFO, logger="digest.schedule"):
        code, calls = scheduled(store_target, lock)
    assert (code, calls) == (None, [])
    [line] = [r.getMessage() for r in caplog.records if r.name == "digest.schedule"]
    assert line.startswith("scheduled build due 2026-11-25 07:00:00 UTC: skipped, other:42:x")
    assert "lease for" in line


def test_the_periodic_check_skips_quietly(
    store_target: StoreLocation, lock: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with open_store(store_target) as store:
        leases.claim(store, DAY, holder="other:42:x", due=DUE, seconds=60)
    with caplog.at_level(logging.INFO, logger="digest.schedule"):
        assert scheduled(store_target, lock, fired=False) == (None, [])
    assert [r for r in caplog.records if r.name == "digest.schedule"] == []


def test_a_run_whose_holder_died_before_recording_it_is_built_by_the_next(
    store_target: StoreLocation, lock: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with open_store(store_target) as store:
        leases.claim(store, DAY, holder="dead:1:x", due=DUE, seconds=0.1)
    time.sleep(0.2)
    with caplog.at_level(logging.INFO, logger="digest.schedule"):
        code, calls = scheduled(store_target, lock)
    assert (code, calls) == (0, ["build"])
    assert "taking the run over from dead:1:x" in caplog.text
    with open_store(store_target) as store:
        lease = leases.lease_for(store, DAY)
        assert lease is not None
        assert lease.finished_at is not None  # released: served
        assert len(ledger.runs_for(store, DAY)) == 1


def test_a_build_that_failed_before_it_was_recorded_is_made_again_after_its_lease(
    store_target: StoreLocation,
    lock: Path,
) -> None:
    def failing(run: ScheduledRun) -> int:
        raise DigestError("store lost mid-build")

    assert scheduled(store_target, lock, lease_seconds=0.3, build=failing) == (1, [])
    # Still held until the lease runs out: not retried at once, in a loop.
    assert scheduled(store_target, lock, lease_seconds=0.3) == (None, [])
    time.sleep(0.4)
    assert scheduled(store_target, lock, lease_seconds=0.3) == (0, ["build"])


def test_a_run_whose_holder_died_sending_is_finished_not_built_again(
    store_target: StoreLocation, lock: Path
) -> None:
    with open_store(store_target) as store:
        leases.claim(store, DAY, holder="dead:1:x", due=DUE, seconds=0.1)
    record(store_target, DUE + dt.timedelta(seconds=1), half_sent=True)
    time.sleep(0.2)
    assert scheduled(store_target, lock) == (0, ["finish"])


def test_a_run_built_and_sent_is_not_claimed_at_all(
    store_target: StoreLocation, lock: Path
) -> None:
    record(store_target, DUE + dt.timedelta(seconds=1))
    assert scheduled(store_target, lock) == (None, [])
    with open_store(store_target) as store:
        assert leases.lease_for(store, DAY) is None


def test_a_run_stopped_while_waiting_for_the_lock_is_left_to_others(
    store_target: StoreLocation, lock: Path
) -> None:
    stop = threading.Event()
    stop.set()
    with build_lock(lock):
        assert scheduled(store_target, lock, stop=stop) == (None, [])
    with open_store(store_target) as store:
        assert leases.claim(store, DAY, holder="b", due=DUE, seconds=60).outcome == "taken_over"


def test_the_heartbeat_keeps_the_run_and_confirm_fails_once_it_was_taken_over(
    store_target: StoreLocation,
    lock: Path,
) -> None:
    with open_store(store_target) as store:
        leases.claim(store, DAY, holder="a", due=DUE, seconds=0.6)
    with Heartbeat(store_target, DAY, holder="a", seconds=0.6) as heartbeat:
        time.sleep(1.5)  # two and a half lease lengths
        with open_store(store_target) as store:
            assert leases.claim(store, DAY, holder="b", due=DUE, seconds=60).outcome == "held"
        heartbeat.confirm()
        # As if its renewals had stopped arriving and "b" had taken the run over.
        with open_store(store_target) as store, store.transaction() as db:
            db.execute(leases.RUN_LEASES.update().values(holder="b"))
        with pytest.raises(BusyError, match="taken over by another process"):
            heartbeat.confirm()
    assert heartbeat.lost.is_set()


def test_a_build_by_hand_waits_for_the_holder_then_gives_up_naming_it(
    store_target: StoreLocation, lock: Path
) -> None:
    with open_store(store_target) as store:
        leases.claim(store, DAY, holder="sched:7:x", due=DUE, seconds=60)
    told: list[leases.Claim] = []
    started = time.monotonic()
    with (
        pytest.raises(BusyError, match="sched:7:x holds it") as caught,
        hold_run(lock, DAY, store=store_target, seconds=60, wait=0.5, on_wait=told.append),
    ):
        pytest.fail("the run is held by another process")
    assert 0.5 <= time.monotonic() - started < 5
    assert [c.lease.holder for c in told] == ["sched:7:x"]
    assert caught.value.exit_code == 75
    with open_store(store_target) as store:
        leases.release(store, DAY, holder="sched:7:x")
    with hold_run(lock, DAY, store=store_target, seconds=60, wait=0) as heartbeat:
        heartbeat.confirm()
    with open_store(store_target) as store:
        lease = leases.lease_for(store, DAY)
    assert lease is not None
    assert lease.holder != "sched:7:x"
    assert lease.finished_at is not None


def test_a_cron_wake_a_moment_before_the_databases_time_waits_for_it(
    store_target: StoreLocation, lock: Path
) -> None:
    times = iter([DUE - dt.timedelta(seconds=0.3), DUE + dt.timedelta(seconds=0.01)])
    built: list[dt.datetime] = []
    started = time.monotonic()
    code = run_scheduled(
        lambda run: built.append(run.now) or 0,
        trigger=parse_cron("0 7 * * *", "UTC"),
        store_path=lock,
        store=store_target,
        grace=GRACE,
        clock=lambda: next(times, DUE + dt.timedelta(seconds=1)),
        woken_for=DUE,
    )
    assert code == 0
    assert built == [DUE + dt.timedelta(seconds=1)]  # the clock read after the lease was taken
    assert time.monotonic() - started >= 0.3


def test_a_machine_waking_minutes_before_the_databases_time_leaves_the_run_for_later(
    store_target: StoreLocation, lock: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="digest.schedule"):
        code = run_scheduled(
            lambda run: pytest.fail("built two minutes early"),
            trigger=parse_cron("0 7 * * *", "UTC"),
            store_path=lock,
            store=store_target,
            grace=GRACE,
            clock=lambda: DUE - dt.timedelta(minutes=2),
            woken_for=DUE,
        )
    assert code is None
    [line] = [r.getMessage() for r in caplog.records if r.name == "digest.schedule"]
    assert "not due yet by the database's clock, 120 s behind" in line
