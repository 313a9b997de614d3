"""`digest schedule`: run builds from a cron expression in a named timezone, and never miss one.

    parse_cron(expression, timezone)        -> CronTrigger   crontab semantics, DST-correct
    previous_fire_time(trigger, now, ...)   -> datetime|None the latest scheduled time <= now
    missed_run(trigger, now=, ...)          -> datetime|None a run to catch up, given the last
    build_lock(store_path, stop, wait=)     -> context       one build at a time, across processes
    run_scheduled(build, ...)               -> int|None      one scheduled run (lease, skip, log)
    hold_run(store_path, date, ...)         -> context       a build by hand holds the date's lease
    run_service(config, build, ...)         -> int           the service; 0 on SIGTERM/SIGINT

What goes wrong with a plain apscheduler setup, and what this module does about it:
- A machine asleep at 07:00 misses the run (the default misfire grace is one second): the grace
  here is `schedule.misfire_grace_hours`, runs are coalesced, and the service wakes its
  scheduler every half minute so a resume from suspend is noticed at once.
- A memory job store forgets a run missed while the service was down: at start, and every
  `schedule.check_seconds`, the latest scheduled time within the grace period is compared
  with the run ledger, and a run that never happened is made once, now.
- Several services (on one machine or several) or a manual build on one store: the date's
  run is claimed with a lease in the store (digest.store.leases), renewed by a heartbeat and
  taken over by another service when its holder dies; times are the database's clock, so a
  machine whose clock is off decides as the others do. On one machine an OS lock (flock) on
  `<store>.lock` also serialises builds. See docs/scaling.md, "Several instances".

Between builds the service also refreshes the feeds that are due (`digest.refresh`).
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
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from digest.config import Config
from digest.errors import BusyError, ConfigError, DigestError
from digest.store import Store, StoreLocation, check_place, leases, ledger, open_store

__all__ = [
    "DEFAULT_LEASE_SECONDS",
    "Heartbeat",
    "LockHolder",
    "ScheduledRun",
    "build_lock",
    "hold_run",
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
# How far this machine's clock may run ahead of the database's for a run woken by the cron
# time to wait for the database's clock to get there (further: the periodic check makes it).
CLOCK_TOLERANCE_SECONDS = 5.0
# A run's lease when no config says otherwise (schedule.lease_seconds has the same default).
DEFAULT_LEASE_SECONDS = 300.0

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


@dataclass(frozen=True, slots=True)
class ScheduledRun:
    """A run this process holds the lease of: the briefing `date`, the scheduled time `due` it
    serves, `now` by the database's clock when it starts, and `confirm`, which renews the lease
    at once and raises BusyError if another process has taken the run over."""

    date: dt.date
    due: dt.datetime
    now: dt.datetime
    confirm: Callable[[], None]


class Heartbeat:
    """Renews this process's lease on a date every third of its length, in a thread.

    Each renewal opens the store afresh, so a database that restarts is simply found again by
    the next one; a renewal that finds another holder in the row sets `lost` and stops.
    """

    def __init__(
        self, where: StoreLocation | Path, date: dt.date, *, holder: str, seconds: float
    ) -> None:
        self._where = where
        self._date = date
        self._holder = holder
        self._seconds = seconds
        self._stop = threading.Event()
        self.lost = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease {date}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self._seconds / 3):
            try:
                kept = self._renew()
            except (DigestError, SQLAlchemyError) as exc:
                log.warning(
                    "lease on the run of %s: cannot renew it (%s); trying again in %.0f s",
                    self._date,
                    str(exc).splitlines()[0],
                    self._seconds / 3,
                )
                continue
            if not kept:
                self._lose()
                return

    def _renew(self) -> bool:
        with open_store(self._where) as store:
            return leases.renew(store, self._date, holder=self._holder, seconds=self._seconds)

    def _lose(self) -> None:
        if not self.lost.is_set():
            log.error("lease on the run of %s: lost, another process took the run over", self._date)
        self.lost.set()

    def confirm(self) -> None:
        """Renew now; BusyError if the run is another process's now (its lease ran out)."""
        if self.lost.is_set() or not self._renew():
            self._lose()
            raise BusyError(
                f"the run of {self._date} was taken over by another process after this one's"
                " lease ran out: not recording or emailing it a second time"
            )


def run_scheduled(
    build: Callable[[ScheduledRun], int],
    *,
    trigger: CronTrigger,
    store_path: Path,
    grace: dt.timedelta,
    stop: threading.Event | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    holder: str | None = None,
    finish: Callable[[ScheduledRun], int] | None = None,
    fired: bool = True,
    woken_for: dt.datetime | None = None,
    store: StoreLocation | None = None,
) -> int | None:
    """One scheduled run: the time due by the database's clock, its date claimed, then built.

    Skipped when nothing is due, when a build of the date started at or after the time due
    (here or in another process), or when another process holds the date's lease. A date whose
    holder died after recording the build but before its email was confirmed is taken over
    with `finish`, which sends the recorded email (same Message-ID) instead of building again.
    `fired`: the cron time woke us, and a skip logs one info line; the periodic check
    (`fired=False`) logs skips at debug level. `woken_for`: the scheduled time by this
    machine's clock; a database clock a little behind it is waited for. `clock` stands in for
    the database's (tests). `store_path`: the build lock's place (beside a SQLite store);
    `store`: where the store is when it is not that file (a PostgreSQL store).

    Returns the exit code of what ran (a DigestError raised by it counts as its exit code), or
    None when nothing ran.
    """
    holder = holder or leases.new_holder()
    skip_level = logging.INFO if fired else logging.DEBUG
    where = store or store_path
    now = _database_clock(where, clock, woken_for, stop)
    if now is None:
        return None
    with open_store(where) as opened:
        due = previous_fire_time(trigger, now.astimezone(trigger.timezone), horizon=grace)
        if due is None:
            log.log(skip_level, "scheduled build: nothing due by the database's clock")
            return None
        built = _built_since(opened, due)
        if built is not None and not _half_sent(opened, due.date()):
            log.log(skip_level, "scheduled build due %s: skipped, %s", _show(due), built)
            return None
        claim = leases.claim(opened, due.date(), holder=holder, due=due, seconds=lease_seconds)
    if not claim.ours:
        log.log(skip_level, "scheduled build due %s: skipped, %s", _show(due), _not_ours(claim))
        return None
    if claim.outcome == "taken_over":
        log.warning(
            "scheduled build due %s: taking the run over from %s, whose lease ran out",
            _show(due),
            claim.previous_holder,
        )
    with Heartbeat(where, due.date(), holder=holder, seconds=lease_seconds) as heartbeat:
        code: int | None = None
        try:
            code = _run_claimed(
                build,
                finish,
                due=due,
                store_path=store_path,
                where=where,
                stop=stop,
                clock=clock,
                heartbeat=heartbeat,
            )
        finally:
            stopped = code is None and _stopping(stop)
            _let_go(where, due.date(), holder, due=None if stopped else due)
    return code


def _database_clock(
    where: StoreLocation | Path,
    clock: Callable[[], dt.datetime] | None,
    woken_for: dt.datetime | None,
    stop: threading.Event | None,
) -> dt.datetime | None:
    """The database's time, once it has reached `woken_for` if that is only a moment away.

    None when this machine woke for a time the database has not reached by far (its clock
    runs ahead): the periodic check builds the run when the database's clock gets there.
    """
    with open_store(where) as store:
        now = clock() if clock else leases.database_now(store)
    if woken_for is None or now >= woken_for:
        return now
    ahead = (woken_for - now).total_seconds()
    if ahead > CLOCK_TOLERANCE_SECONDS:
        log.info(
            "scheduled build due %s by this machine's clock: not due yet by the database's"
            " clock, %.0f s behind; the run is made when the database's clock gets there",
            _show(woken_for),
            ahead,
        )
        return None
    # Clocks a fraction of a second apart: wait rather than leave the run to the next check.
    if (stop or threading.Event()).wait(ahead):
        return None
    with open_store(where) as store:
        return clock() if clock else leases.database_now(store)


def _run_claimed(
    build: Callable[[ScheduledRun], int],
    finish: Callable[[ScheduledRun], int] | None,
    *,
    due: dt.datetime,
    store_path: Path,
    where: StoreLocation | Path,
    stop: threading.Event | None,
    clock: Callable[[], dt.datetime] | None,
    heartbeat: Heartbeat,
) -> int | None:
    """The claimed run of `due`'s date, under the store's file lock."""

    def waiting(holder: LockHolder) -> None:
        log.info("scheduled build due %s: waiting for %s", _show(due), holder.describe())

    with build_lock(store_path, stop, on_wait=waiting) as locked:
        if not locked:
            log.info("scheduled build due %s: not started, the service is stopping", _show(due))
            return None
        # Looked at again under the lease: a build recorded while we waited, or by the
        # holder we took over from, is not built twice.
        with open_store(where) as store:
            built = _built_since(store, due)
            half_sent = built is not None and _half_sent(store, due.date())
            begun = clock() if clock else leases.database_now(store)
        run = ScheduledRun(date=due.date(), due=due, now=begun, confirm=heartbeat.confirm)
        if built is not None and (not half_sent or finish is None):
            log.info("scheduled build due %s: skipped, %s", _show(due), built)
            return None
        if built is not None:
            log.info("scheduled build due %s: %s; sending its email", _show(due), built)
        return _timed_run(finish if built is not None and finish else build, run)


def _timed_run(action: Callable[[ScheduledRun], int], run: ScheduledRun) -> int:
    """Run `action`, logging one line with its exit code (a DigestError's, or 1 for a crash)."""
    started = time.monotonic()
    try:
        code = action(run)
    except DigestError as exc:
        # Email down, a bad config: the one line the CLI would print, and the service goes on.
        log.error("scheduled build due %s: exit code %d: %s", _show(run.due), exc.exit_code, exc)
        return exc.exit_code
    except Exception as exc:
        log.error(
            "scheduled build due %s: crashed: %s: %s", _show(run.due), type(exc).__name__, exc
        )
        log.debug("scheduled build crashed", exc_info=True)
        return 1
    log.log(
        logging.INFO if code == 0 else logging.WARNING,
        "scheduled build due %s: exit code %d after %.1f s",
        _show(run.due),
        code,
        time.monotonic() - started,
    )
    return code


def _built_since(store: Store, due: dt.datetime) -> str | None:
    """'already built at …' if a build of `due`'s date started at or after `due`, else None."""
    started = [r.started for r in ledger.runs_for(store, due.date()) if r.started >= due]
    if not started:
        return None
    return f"already built at {_show(max(started).astimezone(due.tzinfo))}"


def _half_sent(store: Store, date: dt.date) -> bool:
    """Whether the email of `date` was begun and never confirmed (its sender died)."""
    delivery = ledger.delivery_for(store, date)
    return delivery is not None and delivery.state == "attempt"


def _not_ours(claim: leases.Claim) -> str:
    if claim.outcome == "served":
        return f"already served by {claim.lease.holder}"
    return f"{claim.lease.holder} holds it (lease for {claim.seconds_left():.0f} s more)"


def _stopping(stop: threading.Event | None) -> bool:
    return stop is not None and stop.is_set()


def _let_go(
    where: StoreLocation | Path, date: dt.date, holder: str, *, due: dt.datetime | None
) -> None:
    """Let go of the lease on `date`'s run serving `due`: finished if its build is recorded.

    A build that failed before it was recorded (the store lost mid-build, a full disk, a bug)
    is not finished: its lease is left to run out, and then any instance, this one included,
    makes the run again, while `misfire_grace_hours` allows. `due=None`: the service is
    stopping before the run started; the lease ends now, for another instance to take at once.
    """
    try:
        with open_store(where) as store:
            if due is None:
                leases.abandon(store, date, holder=holder)
            elif _built_since(store, due) is not None:
                leases.release(store, date, holder=holder)
            else:
                log.warning(
                    "scheduled build due %s: not recorded; any instance makes it again once"
                    " its lease has run out",
                    _show(due),
                )
    except (DigestError, SQLAlchemyError) as exc:
        # The lease runs out by itself; whoever claims the date next finds the build recorded.
        log.warning("lease on the run of %s: cannot let go of it (%s)", date, exc)


@contextmanager
def hold_run(
    store_path: Path,
    date: dt.date,
    *,
    seconds: float,
    wait: float | None,
    on_wait: Callable[[leases.Claim], None] | None = None,
    store: StoreLocation | None = None,
) -> Iterator[Heartbeat]:
    """Hold the lease on `date` for a build started by hand (`digest build`), renewed meanwhile.

    While another process holds it, waits (re-trying every second), telling `on_wait` once
    whose it is; after `wait` seconds (None: no limit) BusyError names the holder. On leaving,
    the run is marked finished.
    """
    holder = leases.new_holder()
    where = store or store_path
    deadline = None if wait is None else time.monotonic() + wait
    told = False
    while True:
        with open_store(where) as opened:
            claim = leases.claim(opened, date, holder=holder, due=None, seconds=seconds)
        if claim.ours:
            break
        if not told and on_wait is not None:
            on_wait(claim)
        told = True
        pause = 1.0
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BusyError(
                    f"gave up after {wait:g} s waiting for the build of {date}: {_not_ours(claim)}"
                )
            pause = min(pause, left)
        time.sleep(pause)
    if claim.outcome == "taken_over":
        log.warning(
            "the run of %s: taken over from %s, whose lease ran out", date, claim.previous_holder
        )
    with Heartbeat(where, date, holder=holder, seconds=seconds) as heartbeat:
        try:
            yield heartbeat
        finally:
            _release(where, date, holder)


def _release(where: StoreLocation | Path, date: dt.date, holder: str) -> None:
    try:
        with open_store(where) as store:
            leases.release(store, date, holder=holder)
    except (DigestError, SQLAlchemyError) as exc:
        log.warning("lease on the run of %s: cannot release it (%s)", date, exc)


def run_service(
    config: Config,
    build: Callable[[ScheduledRun], int],
    *,
    store_path: Path,
    store: StoreLocation | None = None,
    stop_event: threading.Event | None = None,
    finish: Callable[[ScheduledRun], int] | None = None,
    clock_offset: dt.timedelta = dt.timedelta(0),
) -> int:
    """Run `build` on the configured schedule until SIGTERM/SIGINT (or `stop_event`); returns 0.

    Two jobs call `run_scheduled`: the cron trigger, and a check every
    `schedule.check_seconds` (the first at start) that catches up a run missed while the
    service was down or asleep, or abandoned by another instance that died holding it.
    `clock_offset` makes this process's clock wrong by that much (tests: a machine whose clock
    is off fires at the wrong moment; every decision still follows the database's clock).
    """
    settings = config.schedule
    trigger = parse_cron(settings.cron, settings.timezone)
    grace = dt.timedelta(hours=settings.misfire_grace_hours)
    stop = stop_event or threading.Event()
    holder = leases.new_holder()
    # apscheduler logs each job start and end at INFO; our one line per run says it all.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    one_at_a_time = threading.Lock()

    def job(fired: bool) -> None:
        # The cron job waits for a check in progress; a check finding a run going on skips.
        if not one_at_a_time.acquire(blocking=fired):
            return
        # The scheduled time this machine's clock woke us for (it may be off: see the trigger).
        woken_for = (
            previous_fire_time(trigger, _utc_now() + clock_offset, horizon=grace) if fired else None
        )
        try:
            run_scheduled(
                build,
                trigger=trigger,
                store_path=store_path,
                grace=grace,
                stop=stop,
                lease_seconds=settings.lease_seconds,
                holder=holder,
                finish=finish,
                fired=fired,
                woken_for=woken_for,
                store=store,
            )
        except (DigestError, SQLAlchemyError) as exc:
            # The store unreachable (a database restarting): the next check tries again.
            log.error("scheduled build: cannot reach the store: %s", str(exc).splitlines()[0])
        finally:
            one_at_a_time.release()

    fires = _SkewedTrigger(trigger, clock_offset) if clock_offset else trigger
    now = _utc_now()
    upcoming = fires.get_next_fire_time(None, now)
    scheduler = BackgroundScheduler(timezone=trigger.timezone)
    scheduler.add_job(
        job,
        trigger=fires,
        args=(True,),
        id="build",
        misfire_grace_time=int(grace.total_seconds()),
        coalesce=True,
        max_instances=1,
        next_run_time=upcoming,
    )
    scheduler.add_job(
        job,
        trigger=IntervalTrigger(seconds=settings.check_seconds, timezone=trigger.timezone),
        args=(False,),
        id="check",
        coalesce=True,
        # While one check builds, the next ones return at once (the lock above); without room
        # for them apscheduler would log a warning every check_seconds.
        max_instances=3,
        next_run_time=now,  # at start: a run missed while the service was down is caught up
    )
    log.info(
        "schedule %r in %s; next build at %s",
        settings.cron,
        settings.timezone,
        _show(upcoming.astimezone(trigger.timezone)) if upcoming else "never",
    )
    signalled = _StopOnSignal(stop)
    scheduler.start()
    # Between builds the feeds that are due are fetched. Imported here: `digest check` reads
    # this module for the cron syntax and must not load the feed fetcher.
    from digest.refresh import start_refresher  # noqa: PLC0415

    refresher = start_refresher(config, store or store_path, stop)
    try:
        last_wake = time.monotonic()
        while not stop.wait(POLL_SECONDS):
            if time.monotonic() - last_wake >= WAKE_SECONDS:
                scheduler.wakeup()
                last_wake = time.monotonic()
    finally:
        stop.set()  # a run waiting for the lock gives up instead of holding up the shutdown
        scheduler.shutdown(wait=True)
        if refresher is not None:
            refresher.join()
        signalled.restore()
    log.info("schedule stopped")
    return 0


class _SkewedTrigger(BaseTrigger):  # type: ignore[misc]  # apscheduler has no type hints
    """`trigger` as seen by a machine whose clock is `offset` ahead: it fires `offset` early."""

    def __init__(self, trigger: CronTrigger, offset: dt.timedelta) -> None:
        self._trigger = trigger
        self._offset = offset

    def get_next_fire_time(
        self, previous_fire_time: dt.datetime | None, now: dt.datetime
    ) -> dt.datetime | None:
        previous = None if previous_fire_time is None else previous_fire_time + self._offset
        upcoming: dt.datetime | None = self._trigger.get_next_fire_time(
            previous, now + self._offset
        )
        return None if upcoming is None else upcoming - self._offset


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
