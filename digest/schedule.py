"""`digest schedule`: run builds from a cron expression in a named timezone, and never miss one.

    parse_cron(expression, timezone)        -> CronTrigger   crontab semantics, DST-correct
    previous_fire_time(trigger, now, ...)   -> datetime|None the latest scheduled time <= now
    missed_run(trigger, now=, ...)          -> datetime|None a run to catch up on start
    build_lock(store_path, stop, wait=)     -> context       one build at a time, across processes
    run_scheduled(build, ...)               -> int|None      one scheduled run (lock, skip, log)
    run_service(config, build, ...)         -> int           the service; 0 on SIGTERM/SIGINT

What goes wrong with a plain apscheduler setup, and what this module does about it:
- A machine asleep at 07:00 misses the run (the default misfire grace is one second): the grace
  here is `schedule.misfire_grace_hours`, runs are coalesced, and the service wakes its
  scheduler every half minute so a resume from suspend is noticed at once.
- A memory job store forgets a run missed while the service was down: on start the latest
  scheduled time within the grace period is compared with the run ledger, and a run that
  never happened is made once, now.
- Two services (or a service and a manual build) on one store: an OS lock (flock) on
  `<store>.lock` serialises builds, and a run whose time another process already served is
  skipped.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from digest.config import Config
from digest.errors import BusyError, ConfigError, DigestError
from digest.store import StoreLocation, check_place, ledger, open_store

__all__ = [
    "LockHolder",
    "build_lock",
    "lock_path",
    "missed_run",
    "next_fire_times",
    "parse_cron",
    "previous_fire_time",
    "run_scheduled",
    "run_service",
]

log = logging.getLogger(__name__)

# How often the service nudges its scheduler: the scheduler sleeps on a monotonic clock, which
# stands still while the machine is suspended, so without a nudge a resumed machine would only
# notice the missed run when the (too long) sleep ends.
WAKE_SECONDS = 30.0
# How often a waiting run re-tries the lock, and how often the service checks for a signal.
POLL_SECONDS = 0.25

_CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_APSCHEDULER_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_cron(expression: str, timezone: str) -> CronTrigger:
    """A trigger from 5-field crontab syntax, or 6 fields with seconds first, read in `timezone`.

    Weekday numbers mean what they mean in crontab (0 and 7 are Sunday); apscheduler 3 alone
    would read 0 as Monday.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"schedule.timezone: unknown IANA time zone {timezone!r}") from exc
    fields = expression.split()
    if len(fields) not in (5, 6):
        raise ConfigError(
            f"schedule.cron: {expression!r} has {len(fields)} fields; expected 5"
            " (minute hour day month weekday) or 6 (second first)"
        )
    second = fields.pop(0) if len(fields) == 6 else "0"
    minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            second=second,
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=crontab_weekdays(weekday),
            timezone=zone,
        )
    except ValueError as exc:
        raise ConfigError(f"schedule.cron: {expression!r}: {exc}") from exc


def crontab_weekdays(field: str) -> str:
    """A crontab weekday field (`1-5`, `0,6`, `*/2`, `sat-sun`) as apscheduler day names."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            first, last = 0, 6
        else:
            start, _, end = span.partition("-")
            first = _crontab_day(start)
            last = _crontab_day(end) if end else (6 if step_text else first)
            if end and last == 0 and first > 0:
                last = 7  # `5-7` and `fri-sun` run up to Sunday
        if step < 1 or last < first:
            raise ConfigError(f"schedule.cron: weekday field {field!r} is not a valid range")
        days.update(day % 7 for day in range(first, last + 1, step))
    names = {_CRONTAB_DAYS[day] for day in days}
    return ",".join(name for name in _APSCHEDULER_ORDER if name in names)


def _crontab_day(token: str) -> int:
    if token in _CRONTAB_DAYS:
        return _CRONTAB_DAYS.index(token)
    if token.isdigit() and int(token) <= 7:
        return int(token)
    raise ConfigError(f"schedule.cron: {token!r} is not a weekday (0-7 or sun-sat)")


def next_fire_times(trigger: CronTrigger, after: dt.datetime, count: int) -> list[dt.datetime]:
    """The next `count` scheduled times strictly after `after`."""
    times: list[dt.datetime] = []
    upcoming = _fire_after(trigger, after)
    while upcoming is not None and len(times) < count:
        times.append(upcoming)
        upcoming = _fire_after(trigger, upcoming)
    return times


def previous_fire_time(
    trigger: CronTrigger, now: dt.datetime, *, horizon: dt.timedelta
) -> dt.datetime | None:
    """The latest scheduled time in (now - horizon, now], or None if there is none."""
    # Compared in UTC: two datetimes sharing a tzinfo compare by wall clock, ignoring `fold`.
    now = now.astimezone(dt.UTC)
    latest = None
    upcoming = _fire_after(trigger, now - horizon)
    while upcoming is not None and upcoming.astimezone(dt.UTC) <= now:
        latest = upcoming
        upcoming = _fire_after(trigger, upcoming)
    return latest


def _fire_after(trigger: CronTrigger, moment: dt.datetime) -> dt.datetime | None:
    upcoming: dt.datetime | None = trigger.get_next_fire_time(moment, moment)
    # When clocks go back, 02:30 happens twice and apscheduler fires at both; crontab (and a
    # daily briefing) means the first, so the repeat (fold=1) is not a scheduled time.
    while upcoming is not None and _repeated_wall_time(upcoming):
        upcoming = trigger.get_next_fire_time(upcoming, upcoming)
    return upcoming


def _repeated_wall_time(moment: dt.datetime) -> bool:
    return moment.fold == 1 and moment.replace(fold=0).utcoffset() != moment.utcoffset()


def missed_run(
    trigger: CronTrigger,
    *,
    now: dt.datetime,
    last_started: dt.datetime | None,
    grace: dt.timedelta,
) -> dt.datetime | None:
    """The scheduled time to catch up on, if its run never started and it is within `grace`.

    Several missed times coalesce into the latest one: a week asleep makes one build, not seven.
    """
    due = previous_fire_time(trigger, now, horizon=grace)
    if due is None or (last_started is not None and last_started.astimezone(dt.UTC) >= due):
        return None
    return due


def lock_path(store_path: Path) -> Path:
    """The lock file next to the store: `<store>.lock`."""
    return store_path.with_name(store_path.name + ".lock")


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds the build lock, as its file says: the PID the holder wrote (None: unknown)."""

    path: Path
    pid: int | None

    def describe(self) -> str:
        """'the build running as PID 4242 (lock /srv/store.sqlite3.lock)'"""
        who = f"the build running as PID {self.pid}" if self.pid else "another build"
        return f"{who} (lock {self.path})"


@contextmanager
def build_lock(
    store_path: Path,
    stop: threading.Event | None = None,
    *,
    wait: float | None = None,
    on_wait: Callable[[LockHolder], None] | None = None,
) -> Iterator[bool]:
    """Hold the store's build lock; waits for another holder, yields False if `stop` came first.

    `on_wait` is told once, when the lock turns out to be held, who holds it; after `wait`
    seconds (None: no limit) BusyError names the holder. The holder's PID is written into the
    lock file for that message. An OS lock (flock) is released by the kernel when its holder
    dies, so a crashed build never leaves a stale lock behind.
    """
    check_place(store_path)  # a DigestError naming the store if its folder cannot be made
    path = lock_path(store_path)
    deadline = None if wait is None else time.monotonic() + wait
    with path.open("a") as handle:
        told = False
        while not _try_lock(handle):
            holder = LockHolder(path, _holder_pid(path))
            if not told and on_wait is not None:
                on_wait(holder)
            told = True
            pause = POLL_SECONDS
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BusyError(f"gave up after {wait:g} s waiting for {holder.describe()}")
                pause = min(pause, left)
            if stop is not None and stop.wait(pause):
                yield False
                return
            if stop is None:
                time.sleep(pause)
        _write_pid(handle)
        try:
            yield True
        finally:
            handle.truncate(0)  # the next waiter must not name a PID that has finished
            fcntl.flock(handle, fcntl.LOCK_UN)


def _try_lock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _write_pid(handle: IO[str]) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()


def _holder_pid(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def run_scheduled(
    build: Callable[[dt.datetime], int],
    *,
    trigger: CronTrigger,
    store_path: Path,
    grace: dt.timedelta,
    stop: threading.Event | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    store: StoreLocation | None = None,
) -> int | None:
    """One scheduled run: take the lock, skip if its time was served, build; log one line.

    `store_path`: the store file, and the build lock's place beside it; `store`: where the
    store is when it is not that file (a PostgreSQL store; the lock stays at `store_path`).

    Returns the build's exit code (a DigestError raised by `build` counts as its exit code), or
    None when the run was skipped.
    """
    now = (clock or _utc_now)().astimezone(trigger.timezone)
    due = previous_fire_time(trigger, now, horizon=grace) or now

    def waiting(holder: LockHolder) -> None:
        log.info("scheduled build due %s: waiting for %s", _show(due), holder.describe())

    with build_lock(store_path, stop, on_wait=waiting) as locked:
        if not locked:
            log.info("scheduled build due %s: not started, the service is stopping", _show(due))
            return None
        with open_store(store or store_path) as opened:
            last_started = ledger.last_run_started(opened)
        if last_started is not None and last_started.astimezone(dt.UTC) >= due:
            log.info(
                "scheduled build due %s: skipped, already built at %s",
                _show(due),
                _show(last_started.astimezone(trigger.timezone)),
            )
            return None
        started = time.monotonic()
        # Start time from the clock again: waiting for the lock may have taken a while.
        begun = (clock or _utc_now)().astimezone(trigger.timezone)
        try:
            code = build(begun)
        except DigestError as exc:
            # Email down, a bad config: the one line the CLI would print, and the service goes on.
            log.error("scheduled build due %s: exit code %d: %s", _show(due), exc.exit_code, exc)
            return exc.exit_code
        except Exception as exc:
            log.error(
                "scheduled build due %s: crashed: %s: %s", _show(due), type(exc).__name__, exc
            )
            log.debug("scheduled build crashed", exc_info=True)
            return 1
        log.log(
            logging.INFO if code == 0 else logging.WARNING,
            "scheduled build due %s: exit code %d after %.1f s",
            _show(due),
            code,
            time.monotonic() - started,
        )
        return code


def run_service(
    config: Config,
    build: Callable[[dt.datetime], int],
    *,
    store_path: Path,
    store: StoreLocation | None = None,
    stop_event: threading.Event | None = None,
) -> int:
    """Run `build` on the configured schedule until SIGTERM/SIGINT (or `stop_event`); returns 0.

    `build` gets the time the run starts, aware, in the schedule's timezone, and returns an exit
    code. A run missed within the grace period (machine off or asleep) is made once on start.
    `store_path` and `store` as for `run_scheduled`.
    """
    trigger = parse_cron(config.schedule.cron, config.schedule.timezone)
    grace = dt.timedelta(hours=config.schedule.misfire_grace_hours)
    stop = stop_event or threading.Event()
    # apscheduler logs each job start and end at INFO; our one line per run says it all.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

    def job() -> None:
        run_scheduled(
            build, trigger=trigger, store_path=store_path, grace=grace, stop=stop, store=store
        )

    now = _utc_now()
    with open_store(store or store_path) as opened:
        missed = missed_run(
            trigger, now=now, last_started=ledger.last_run_started(opened), grace=grace
        )
    # The first run time is set here, from the same `now` as the catch-up check: left to
    # apscheduler, it would be computed at start, and a scheduled time falling between the two
    # moments (the store opening took a while) would be neither caught up nor run.
    upcoming = next_fire_times(trigger, now - dt.timedelta(microseconds=1), 1)
    first = now if missed is not None else (upcoming[0] if upcoming else None)
    scheduler = BackgroundScheduler(timezone=trigger.timezone)
    scheduler.add_job(
        job,
        trigger=trigger,
        id="build",
        misfire_grace_time=int(grace.total_seconds()),
        coalesce=True,
        max_instances=1,
        next_run_time=first,
    )
    log.info(
        "schedule %r in %s; next build at %s",
        config.schedule.cron,
        config.schedule.timezone,
        _show(upcoming[0]) if upcoming else "never",
    )
    if missed is not None:
        log.info("catching up the build missed at %s", _show(missed.astimezone(trigger.timezone)))
    signalled = _StopOnSignal(stop)
    scheduler.start()
    try:
        last_wake = time.monotonic()
        while not stop.wait(POLL_SECONDS):
            if time.monotonic() - last_wake >= WAKE_SECONDS:
                scheduler.wakeup()
                last_wake = time.monotonic()
    finally:
        stop.set()  # a run waiting for the lock gives up instead of holding up the shutdown
        scheduler.shutdown(wait=True)
        signalled.restore()
    log.info("schedule stopped")
    return 0


class _StopOnSignal:
    """SIGTERM and SIGINT set the stop event (main thread only: Python delivers signals there)."""

    def __init__(self, stop: threading.Event) -> None:
        self._previous: dict[int, object] = {}
        if threading.current_thread() is not threading.main_thread():
            return

        def handler(signum: int, frame: FrameType | None) -> None:
            # Event.set takes a lock the interrupted main thread may hold; a thread avoids that.
            threading.Thread(target=stop.set, daemon=True).start()

        for signum in (signal.SIGTERM, signal.SIGINT):
            self._previous[signum] = signal.signal(signum, handler)

    def restore(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)  # type: ignore[arg-type]  # what signal() returned


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _show(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z")
