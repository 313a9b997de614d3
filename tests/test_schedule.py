"""The schedule: cron in a timezone across DST, catch-up after sleep, one build at a time."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest import schedule
from digest.config import Config, ScheduleConfig
from digest.errors import BusyError, ConfigError, DeliveryError
from digest.schedule import (
    LockHolder,
    ScheduledRun,
    build_lock,
    crontab_weekdays,
    lock_path,
    missed_run,
    next_fire_times,
    parse_cron,
    previous_fire_time,
    run_scheduled,
    run_service,
)
from digest.store import StoreLocation, ledger, open_store
from tests.service_logs import scheduled_builds

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
GRACE = dt.timedelta(hours=6)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


def record_run(store_path: Path | StoreLocation, started: dt.datetime) -> None:
    with open_store(store_path) as store:
        ledger.record_build(
            store, date=started.date(), started=started, finished=started, status="ok", outputs=[]
        )


# --- cron and DST ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # Europe/Berlin: clocks go forward on 29 March 2026 and back on 25 October 2026.
        ("Europe/Berlin", dt.timedelta(hours=1), dt.timedelta(hours=2)),
        ("America/New_York", dt.timedelta(hours=-5), dt.timedelta(hours=-4)),
    ],
)
def test_a_daily_run_stays_at_seven_across_spring_forward(
    zone: str, before: dt.timedelta, after: dt.timedelta
) -> None:
    change = {"Europe/Berlin": utc(2026, 3, 29), "America/New_York": utc(2026, 3, 8)}[zone]
    times = next_fire_times(parse_cron("0 7 * * *", zone), change - dt.timedelta(days=2), 4)
    assert [(t.hour, t.minute) for t in times] == [(7, 0)] * 4
    assert [t.utcoffset() for t in times] == [before, before, after, after]
    assert len({t.date() for t in times}) == 4


@pytest.mark.parametrize(
    ("zone", "change", "offsets"),
    [
        ("Europe/Berlin", utc(2026, 10, 25), (2, 1)),
        ("America/New_York", utc(2026, 11, 1), (-4, -5)),
    ],
)
def test_a_daily_run_stays_at_seven_across_fall_back(
    zone: str, change: dt.datetime, offsets: tuple[int, int]
) -> None:
    times = next_fire_times(parse_cron("0 7 * * *", zone), change - dt.timedelta(days=2), 4)
    assert [(t.hour, t.minute) for t in times] == [(7, 0)] * 4
    summer, winter = (dt.timedelta(hours=h) for h in offsets)
    assert [t.utcoffset() for t in times] == [summer, summer, winter, winter]
    # In UTC the run moves by an hour: the wall clock is what stays put.
    assert times[2].astimezone(UTC) - times[1].astimezone(UTC) == dt.timedelta(hours=25)


def test_a_time_in_the_repeated_hour_runs_once_when_clocks_go_back() -> None:
    times = next_fire_times(parse_cron("30 2 * * *", "Europe/Berlin"), utc(2026, 10, 24, 12), 3)
    assert [t.date() for t in times] == [dt.date(2026, 10, d) for d in (25, 26, 27)]


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("1-5", "mon,tue,wed,thu,fri"),
        ("0", "sun"),
        ("7", "sun"),
        ("0,6", "sat,sun"),
        ("5-7", "fri,sat,sun"),
        ("*/2", "tue,thu,sat,sun"),
        ("sat-sun", "sat,sun"),
        ("MON-FRI", "mon,tue,wed,thu,fri"),
        ("*", "*"),
    ],
)
def test_weekday_numbers_mean_what_crontab_means(field: str, names: str) -> None:
    assert crontab_weekdays(field) == names


def test_weekdays_only_skip_the_weekend() -> None:
    # 2026-11-27 is a Friday.
    times = next_fire_times(parse_cron("0 7 * * 1-5", "UTC"), utc(2026, 11, 27, 8), 3)
    assert [t.strftime("%a %d") for t in times] == ["Mon 30", "Tue 01", "Wed 02"]


def test_six_fields_put_seconds_first() -> None:
    [first] = next_fire_times(parse_cron("15 0 7 * * *", "UTC"), utc(2026, 1, 1), 1)
    assert first == utc(2026, 1, 1, 7, 0, 15)


@pytest.mark.parametrize(
    ("cron", "zone", "key"),
    [
        ("0 7 * *", "UTC", "schedule.cron"),
        ("0 25 * * *", "UTC", "schedule.cron"),
        ("0 7 * * 9", "UTC", "schedule.cron"),
        ("0 7 * * *", "Europe/Berlinn", "schedule.timezone"),
    ],
)
def test_a_bad_schedule_is_a_config_error_naming_the_key(cron: str, zone: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse_cron(cron, zone)


# --- catching up -------------------------------------------------------------------------


def test_a_run_missed_while_asleep_is_caught_up_once() -> None:
    trigger = parse_cron("0 7 * * *", "Europe/Berlin")
    due = dt.datetime(2026, 11, 25, 7, tzinfo=BERLIN)
    yesterday = due - dt.timedelta(days=1)
    # The laptop slept from 06:00 to 09:30 Berlin time.
    woke = dt.datetime(2026, 11, 25, 9, 30, tzinfo=BERLIN)
    assert missed_run(trigger, now=woke, last_started=yesterday, grace=GRACE) == due
    # Once the catch-up has run, it is not missed any more.
    caught_up = woke + dt.timedelta(seconds=5)
    assert missed_run(trigger, now=woke, last_started=caught_up, grace=GRACE) is None


def test_a_run_older_than_the_grace_period_is_not_caught_up() -> None:
    trigger = parse_cron("0 7 * * *", "Europe/Berlin")
    woke = dt.datetime(2026, 11, 25, 13, 1, tzinfo=BERLIN)
    assert missed_run(trigger, now=woke, last_started=None, grace=GRACE) is None


def test_a_week_asleep_makes_one_build_for_the_latest_day() -> None:
    trigger = parse_cron("0 7 * * *", "UTC")
    due = missed_run(
        trigger,
        now=utc(2026, 11, 25, 8),
        last_started=utc(2026, 11, 18, 7),
        grace=dt.timedelta(days=8),
    )
    assert due == utc(2026, 11, 25, 7)


def test_previous_fire_time_is_the_latest_at_or_before_now() -> None:
    trigger = parse_cron("0 7,19 * * *", "UTC")
    assert previous_fire_time(trigger, utc(2026, 11, 25, 19), horizon=GRACE) == utc(
        2026, 11, 25, 19
    )
    assert previous_fire_time(trigger, utc(2026, 11, 25, 18), horizon=GRACE) is None
    assert previous_fire_time(trigger, utc(2026, 11, 25, 18), horizon=GRACE * 2) == utc(
        2026, 11, 25, 7
    )


# --- one build at a time -----------------------------------------------------------------

HOLD_LOCK = """
import sys
from pathlib import Path
from digest.schedule import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_the_build_lock_holds_across_processes(tmp_path: Path) -> None:
    store_path = tmp_path / "store.sqlite3"
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdin is not None
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        stop = threading.Event()
        threading.Timer(0.3, stop.set).start()
        with build_lock(store_path, stop) as locked:
            assert locked is False
        holder.stdin.close()  # the holder lets go
        holder.wait(timeout=10)
    with build_lock(store_path, threading.Event()) as locked:
        assert locked is True


def test_a_waiter_is_told_once_who_holds_the_lock_and_gives_up_after_wait(
    tmp_path: Path,
) -> None:
    store_path = tmp_path / "store.sqlite3"
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdin is not None
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        told: list[LockHolder] = []
        started = time.monotonic()
        with (
            pytest.raises(BusyError) as caught,
            build_lock(store_path, wait=0.6, on_wait=told.append),
        ):
            pytest.fail("the lock is held by another process")
        waited = time.monotonic() - started
        holder.stdin.close()
        holder.wait(timeout=10)
    assert told == [LockHolder(lock_path(store_path), holder.pid)]
    assert 0.6 <= waited < 5
    assert f"PID {holder.pid}" in str(caught.value)
    assert str(lock_path(store_path)) in str(caught.value)
    assert caught.value.exit_code == 75
    # Released by a finished holder: the next one takes it at once, without being told to wait.
    with build_lock(store_path, wait=0, on_wait=told.append) as locked:
        assert locked is True
        assert lock_path(store_path).read_text(encoding="ascii") == f"{os.getpid()}\n"
    assert len(told) == 1
    assert lock_path(store_path).read_text(encoding="ascii") == ""


def test_the_holder_is_another_build_when_its_pid_is_unknown(tmp_path: Path) -> None:
    assert (
        LockHolder(tmp_path / "x.lock", None).describe()
        == f"another build (lock {tmp_path / 'x.lock'})"
    )
    assert LockHolder(tmp_path / "x.lock", 42).describe().startswith("the build running as PID 42")


def test_a_scheduled_run_builds_and_logs_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store_path = tmp_path / "store.sqlite3"
    trigger = parse_cron("0 7 * * *", "Europe/Berlin")
    seen: list[dt.datetime] = []

    def build(run: ScheduledRun) -> int:
        seen.append(run.now)
        record_run(store_path, run.now)  # as a real build does
        return 0

    with caplog.at_level(logging.INFO, logger="digest.schedule"):
        code = run_scheduled(
            build,
            trigger=trigger,
            store_path=store_path,
            grace=GRACE,
            clock=lambda: utc(2026, 11, 25, 6, 0, 1),
        )
    assert code == 0
    assert seen == [dt.datetime(2026, 11, 25, 7, 0, 1, tzinfo=BERLIN)]
    [line] = [r.getMessage() for r in caplog.records if r.name == "digest.schedule"]
    assert line.startswith("scheduled build due 2026-11-25 07:00:00 CET: exit code 0 after")


def test_a_scheduled_run_waiting_for_the_lock_logs_whose_build_it_waits_for(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store_path = tmp_path / "store.sqlite3"
    stop = threading.Event()
    # flock conflicts between two opens of the file even in one process: this one holds it.
    with build_lock(store_path), caplog.at_level(logging.INFO, logger="digest.schedule"):
        threading.Timer(0.5, stop.set).start()
        code = run_scheduled(
            lambda run: pytest.fail("built while another build held the lock"),
            trigger=parse_cron("0 7 * * *", "Europe/Berlin"),
            store_path=store_path,
            grace=GRACE,
            stop=stop,
            clock=lambda: utc(2026, 11, 25, 6, 0, 1),
        )
    assert code is None
    lines = [r.getMessage() for r in caplog.records if r.name == "digest.schedule"]
    assert lines[0] == (
        "scheduled build due 2026-11-25 07:00:00 CET: waiting for the build running as"
        f" PID {os.getpid()} (lock {lock_path(store_path)})"
    )
    assert "not started, the service is stopping" in lines[1]


def test_a_run_whose_time_another_process_served_is_skipped(
    tmp_path: Path, store_target: StoreLocation
) -> None:
    # On PostgreSQL the other service may be on another machine: only the store is shared.
    record_run(store_target, utc(2026, 11, 25, 6, 0, 0, 500))  # the other one, just before us
    calls: list[dt.datetime] = []
    code = run_scheduled(
        lambda run: calls.append(run.now) or 0,
        trigger=parse_cron("0 7 * * *", "Europe/Berlin"),
        store_path=tmp_path / "this-machine" / "store.sqlite3",
        store=store_target,
        grace=GRACE,
        clock=lambda: utc(2026, 11, 25, 6, 0, 2),
    )
    assert code is None
    assert calls == []


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (RuntimeError("boom"), 1, "crashed: RuntimeError: boom"),
        (DeliveryError("email to smtp:587 failed: connection refused"), 1, "exit code 1: email to"),
        (ConfigError("config.yaml: email.port: bad"), 2, "exit code 2: config.yaml"),
    ],
)
def test_a_failing_build_logs_one_line_with_its_exit_code(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, error: Exception, code: int, line: str
) -> None:
    def build(run: ScheduledRun) -> int:
        raise error

    with caplog.at_level(logging.INFO, logger="digest.schedule"):
        result = run_scheduled(
            build,
            trigger=parse_cron("0 7 * * *", "UTC"),
            store_path=tmp_path / "s.sqlite3",
            grace=GRACE,
            clock=lambda: utc(2026, 11, 25, 7, 1),
        )
    assert result == code
    [logged, retry] = [r.getMessage() for r in caplog.records if r.name == "digest.schedule"]
    assert logged.startswith("scheduled build due 2026-11-25 07:00:00 UTC: ")
    assert line in logged
    # Nothing was recorded: the run is made again when its lease runs out (tests/test_leases.py).
    assert retry == (
        "scheduled build due 2026-11-25 07:00:00 UTC: not recorded; any instance makes it"
        " again once its lease has run out"
    )


# --- the service -------------------------------------------------------------------------


def cron_at(moment: dt.datetime) -> str:
    return f"{moment.second} {moment.minute} {moment.hour} * * *"


def config_for(cron: str) -> Config:
    return Config(schedule=ScheduleConfig(cron=cron, timezone="UTC", misfire_grace_hours=1))


@dataclass
class Service:
    """`run_service` in a thread, with a build that records itself in the ledger."""

    store_path: Path
    builds: list[dt.datetime] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    exit_codes: list[int] = field(default_factory=list)

    def start(self, config: Config) -> threading.Thread:
        def build(run: ScheduledRun) -> int:
            self.builds.append(run.now)
            record_run(self.store_path, run.now)
            return 0

        def serve() -> None:
            code = run_service(config, build, store_path=self.store_path, stop_event=self.stop)
            self.exit_codes.append(code)

        thread = threading.Thread(target=serve)
        thread.start()
        return thread

    def run(self, config: Config, *, until_built_within: float, then_wait: float = 0.0) -> None:
        thread = self.start(config)
        deadline = time.monotonic() + until_built_within
        while time.monotonic() < deadline and not self.builds:
            time.sleep(0.05)
        time.sleep(then_wait)
        self.stop.set()
        thread.join(timeout=10)
        assert self.exit_codes == [0]


def test_the_service_catches_up_a_run_missed_while_it_was_down(tmp_path: Path) -> None:
    store_path = tmp_path / "store.sqlite3"
    config = config_for(cron_at(dt.datetime.now(UTC) - dt.timedelta(minutes=10)))
    first = Service(store_path)
    first.run(config, until_built_within=5, then_wait=0.3)  # room for a wrong second build
    assert len(first.builds) == 1

    # Restarted again: that run has been made now, so there is nothing to catch up.
    second = Service(store_path)
    second.run(config, until_built_within=0.5)
    assert second.builds == []


def test_the_service_builds_at_the_scheduled_second(tmp_path: Path) -> None:
    due = (dt.datetime.now(UTC) + dt.timedelta(seconds=2)).replace(microsecond=0)
    service = Service(tmp_path / "s.sqlite3")
    service.run(config_for(cron_at(due)), until_built_within=6)
    [built] = service.builds
    assert due <= built < due + dt.timedelta(seconds=2)


def test_a_time_passing_while_the_service_starts_is_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The service reads the clock just before a scheduled time and its scheduler starts just
    # after it (opening the store took a moment): that run must still happen.
    due = dt.datetime.now(UTC).replace(microsecond=0) - dt.timedelta(seconds=1)
    monkeypatch.setattr(schedule, "_utc_now", lambda: due - dt.timedelta(milliseconds=500))
    service = Service(tmp_path / "s.sqlite3")
    service.run(config_for(cron_at(due)), until_built_within=5)
    assert len(service.builds) == 1


def wait_for(condition: Callable[[], object], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)


SERVICE = """
import datetime as dt, sys
from pathlib import Path
from digest.config import Config, ScheduleConfig
from digest.schedule import run_service

marker = Path(sys.argv[2])
def build(run):
    marker.write_text(run.now.isoformat())
    return 0
config = Config(schedule=ScheduleConfig(cron=sys.argv[3], timezone="UTC"))
print("started", flush=True)
sys.exit(run_service(config, build, store_path=Path(sys.argv[1])))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_service_stops_cleanly_on_a_signal(tmp_path: Path, signum: int) -> None:
    due = (dt.datetime.now(UTC) + dt.timedelta(seconds=1)).replace(microsecond=0)
    marker = tmp_path / "built"
    service = subprocess.Popen(
        [sys.executable, "-c", SERVICE, str(tmp_path / "s.sqlite3"), str(marker), cron_at(due)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert service.stdout is not None
    assert service.stdout.readline() == "started\n"
    wait_for(marker.exists, 8)
    service.send_signal(signum)
    _, stderr = service.communicate(timeout=10)
    assert service.returncode == 0, stderr
    assert marker.exists()
    assert "Traceback" not in stderr


# --- the real command --------------------------------------------------------------------

ARTICLE = """---
title: Council approves the new library budget
outlet: Example Times
published: 2026-11-24
---
The city council approved the budget for the new public library on Monday evening.

The library will open in the spring, with longer hours and a larger children's section.
"""


@pytest.mark.slow
def test_digest_schedule_builds_once_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    # Four seconds ahead: the command takes two or three to start. Starting later still builds
    # once (the catch-up), so a slow machine makes this test take the other path, not fail.
    # Email is on and its server down, as on a morning with no network: the briefing is still
    # written, the run's one line names the server, and the service goes on.
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "library.txt").write_text(ARTICLE, encoding="utf-8")
    due = (dt.datetime.now(UTC) + dt.timedelta(seconds=4)).replace(microsecond=0)
    smtp_port = free_port()
    (tmp_path / "config.yaml").write_text(
        "sources: {files: [articles]}\n"
        "output: {dir: out}\n"
        "store: {path: store.sqlite3}\n"
        f"email: {{enabled: true, host: 127.0.0.1, port: {smtp_port}, security: plain,"
        " recipients: [me@example.org]}\n"
        f'schedule: {{cron: "{cron_at(due)}", timezone: UTC}}\n',
        encoding="utf-8",
    )
    briefing = tmp_path / "out" / f"{due.date().isoformat()}.md"
    with subprocess.Popen(
        [sys.executable, "-m", "digest", "schedule", "--config", str(tmp_path / "config.yaml")],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as service:
        wait_for(briefing.exists, 30)
        time.sleep(0.5)  # room for a wrong second build
        service.send_signal(signal.SIGTERM)
        _, stderr = service.communicate(timeout=30)
    assert service.returncode == 0, stderr
    assert briefing.exists()
    runs = scheduled_builds(stderr)
    assert len(runs) == 1, stderr
    assert f"exit code 1: email to 127.0.0.1:{smtp_port} failed: connection refused" in runs[0]
    assert "Traceback" not in stderr
    with open_store(tmp_path / "store.sqlite3") as store:
        [run] = ledger.runs_for(store, due.date())
        pending = ledger.pending_deliveries(store)
    assert (run.status, run.delivery) == ("ok", "failed")
    assert pending == [due.date()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
