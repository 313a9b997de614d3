"""Faults with several `digest schedule` instances on one store: real processes, real servers.

Each test starts `digest schedule` instances as subprocesses, each in its own folder (as on its
own machine) with its own output folder, all sharing one store, a feed server and an SMTP
server (aiosmtpd) on 127.0.0.1. Leases are three seconds long and every instance checks for a
due run every second, so a takeover happens within seconds. After each fault: one successful
build per date in the ledger, one email accepted by the server (one Message-ID), one briefing
written, and every feed entry in it (no feed round lost). Each runs on SQLite and on
PostgreSQL (`store_target`, tests/conftest.py); the database restart is PostgreSQL's alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer  # noqa: N811 (not a constant: a class)
from aiosmtpd.smtp import Envelope, Session

from digest.store import StoreLocation, leases, ledger, open_store
from tests.builders import store_yaml
from tests.postgres import PostgresServer

UTC = dt.UTC
LEASE_SECONDS = 3
# Long enough for a process to start (two or three seconds on a busy machine) and more.
START_SECONDS = 15

TOPICS = [
    ("harbour", "The harbour authority opened the new container terminal on the east quay."),
    ("library", "The city council approved the budget for the new public library downtown."),
    ("rail", "Engineers finished testing the signalling system of the northern rail line."),
    ("orchestra", "The youth orchestra announced a spring tour of five cities in the region."),
    ("bridge", "Inspectors closed the old river bridge to lorries after finding cracked bolts."),
]


def article_text(topic: str, lead: str) -> str:
    return (
        f"{lead} Officials said the {topic} project had been planned for several years and"
        f" that residents would notice the difference within months. Critics of the {topic}"
        " plan asked for more public hearings before the next phase begins. A spokesperson"
        " said the work stayed within its budget and on schedule this year."
    )


# --- the servers ---------------------------------------------------------------------------


class FeedSite:
    """Two RSS feeds over HTTP; requests to /slow.xml wait while `hold` is set."""

    def __init__(self, now: dt.datetime) -> None:
        self.hold = threading.Event()
        self.slow_requests = 0
        stamp = now.strftime("%a, %d %b %Y %H:%M:%S +0000")
        self.links: set[str] = set()
        self.bodies = {
            "/fast.xml": self._rss(TOPICS[:3], stamp),
            "/slow.xml": self._rss(TOPICS[3:], stamp),
        }
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/slow.xml":
                    site.slow_requests += 1
                    while site.hold.is_set():
                        time.sleep(0.05)
                body = site.bodies.get(self.path)
                try:
                    self.send_response(200 if body else 404)
                    self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(body or b"")))
                    self.end_headers()
                    self.wfile.write(body or b"")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client was killed while it waited

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def _rss(self, topics: list[tuple[str, str]], stamp: str) -> bytes:
        items = []
        for topic, lead in topics:
            link = f"https://news.example.org/{topic}"
            self.links.add(link)
            items.append(
                f"<item><title>News about the {topic}</title><link>{link}</link>"
                f"<guid>{link}</guid><pubDate>{stamp}</pubDate>"
                f"<description>{article_text(topic, lead)}</description></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Example</title><link>https://news.example.org/</link>{''.join(items)}"
            "</channel></rss>"
        ).encode()

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def __enter__(self) -> FeedSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.hold.clear()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@dataclass
class Inbox:
    """An SMTP server's handler: every message it was given, and those it answered 250 to.

    With `stall_first`, the first message is never answered: its sender waits for the reply
    (mid-send) until the test kills it. A message not answered 250 was not accepted.
    """

    stall_first: bool = False
    received: list[bytes] = field(default_factory=list)
    accepted: list[bytes] = field(default_factory=list)
    closing: bool = False

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTPServer, session: Session, envelope: Envelope
    ) -> str:
        assert isinstance(envelope.original_content, bytes)
        self.received.append(envelope.original_content)
        if self.stall_first and len(self.received) == 1:
            while not self.closing:
                await asyncio.sleep(0.05)
            return "421 closing"
        self.accepted.append(envelope.original_content)
        return "250 Message accepted"

    @staticmethod
    def headers(messages: list[bytes], name: str) -> list[str]:
        return [
            str(email.message_from_bytes(m, policy=email.policy.default)[name]) for m in messages
        ]


def free_port() -> int:
    # aiosmtpd cannot bind port 0 (it connects to its own port to check it is up).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Smtp:
    inbox: Inbox
    port: int


# --- the instances --------------------------------------------------------------------------


@dataclass
class Instances:
    """`digest schedule` processes, each in `root/<name>/`, sharing `store`."""

    root: Path
    store: StoreLocation
    feeds: FeedSite
    smtp: Smtp
    cron: str
    running: dict[str, subprocess.Popen[str]] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    def start(self, name: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        folder = self.root / name
        folder.mkdir()
        config = folder / "config.yaml"
        config.write_text(
            "sources:\n  files: []\n  feeds:\n"
            f"    - url: {self.feeds.url('/fast.xml')}\n"
            f"    - url: {self.feeds.url('/slow.xml')}\n"
            # Refreshing between builds off: these faults are the build's; the slow feed must
            # be fetched by the build (tests/test_refresh.py covers refreshing).
            "collect: {connect_timeout: 5, total_timeout: 120, retries: 0, refresh_minutes: 0}\n"
            "output: {dir: out}\n"
            f"{store_yaml(self.store)}"
            f"email: {{enabled: true, host: 127.0.0.1, port: {self.smtp.port}, security: plain,"
            " sender: digest@example.org, recipients: [me@example.org], timeout: 120,"
            " skip_empty: false}\n"
            f'schedule: {{cron: "{self.cron}", timezone: UTC, misfire_grace_hours: 1,'
            f" lease_seconds: {LEASE_SECONDS}, check_seconds: 1}}\n",
            encoding="utf-8",
        )
        log = folder / "stderr.log"
        self.logs[name] = log
        with log.open("w") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "digest", "schedule", "--config", str(config)],
                cwd=folder,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                text=True,
                env={**os.environ, **(env or {})},
            )
        self.running[name] = process
        return process

    def kill_holder(self, date: dt.date) -> str:
        """kill -9 the instance holding `date`'s lease; its name."""
        with open_store(self.store) as store:
            lease = leases.lease_for(store, date)
        assert lease is not None
        assert lease.finished_at is None
        pid = int(lease.holder.rsplit(":", 2)[1])
        [name] = [n for n, p in self.running.items() if p.pid == pid]
        os.kill(pid, signal.SIGKILL)
        self.running[name].wait(timeout=10)
        return name

    def stop(self) -> dict[str, str]:
        """SIGTERM to every instance still running; each one's stderr."""
        for process in self.running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in self.running.items():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                pytest.fail(f"{name} did not stop on SIGTERM")
        return {name: log.read_text(encoding="utf-8") for name, log in self.logs.items()}

    def briefings(self, date: dt.date) -> list[Path]:
        return sorted(self.root.glob(f"*/out/{date.isoformat()}.json"))


def cron_at(moment: dt.datetime) -> str:
    return f"{moment.second} {moment.minute} {moment.hour} * * *"


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[FeedSite, Smtp]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with FeedSite(dt.datetime.now(UTC)) as feeds:
            yield feeds, Smtp(inbox, port)
    finally:
        inbox.closing = True
        controller.stop()


def instances(
    tmp_path: Path, servers: tuple[FeedSite, Smtp], due: dt.datetime, store: StoreLocation
) -> Instances:
    feeds, smtp = servers
    return Instances(tmp_path, store, feeds, smtp, cron_at(due))


def wait_for(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.1)


def sent(where: StoreLocation, date: dt.date) -> bool:
    if where.path is not None and not where.path.exists():
        return False
    with open_store(where) as store:
        delivery = ledger.delivery_for(store, date)
    return delivery is not None and delivery.state == "sent"


def assert_once(group: Instances, date: dt.date, logs: dict[str, str]) -> list[ledger.Run]:
    """One build, one email, one briefing with every feed entry; no traceback anywhere."""
    with open_store(group.store) as store:
        runs = ledger.runs_for(store, date)
        delivery = ledger.delivery_for(store, date)
    assert [r.status for r in runs] == ["ok"], logs
    assert delivery is not None
    assert delivery.state == "sent"
    accepted = group.smtp.inbox.accepted
    assert len(accepted) == 1, logs
    assert Inbox.headers(accepted, "Message-ID") == [delivery.message_id]
    # Every message the server was given, accepted or not, was the one message.
    assert set(Inbox.headers(group.smtp.inbox.received, "Message-ID")) == {delivery.message_id}
    [briefing] = group.briefings(date)
    stories = json.loads(briefing.read_text(encoding="utf-8"))["stories"]
    links = {source["url"] for story in stories for source in story["sources"]}
    assert links == group.feeds.links  # no feed round lost
    for name, text in logs.items():
        assert "Traceback" not in text, (name, text)
    return runs


# --- the faults -----------------------------------------------------------------------------


def test_kill_9_of_the_instance_holding_a_run_mid_build(
    tmp_path: Path, servers: tuple[FeedSite, Smtp], store_target: StoreLocation
) -> None:
    # A run due a minute ago: each instance's first check finds it due at start. The holder
    # is killed while it waits for a feed (mid-collect); the other takes the run over once the
    # lease has run out.
    due = (dt.datetime.now(UTC) - dt.timedelta(minutes=1)).replace(microsecond=0)
    group = instances(tmp_path, servers, due, store_target)
    group.feeds.hold.set()
    group.start("a")
    group.start("b")
    wait_for(lambda: group.feeds.slow_requests >= 1, START_SECONDS * 2, "a build to start")
    killed_at = time.monotonic()
    killed = group.kill_holder(due.date())
    group.feeds.hold.clear()
    wait_for(lambda: sent(group.store, due.date()), LEASE_SECONDS + 30, "the takeover")
    took = time.monotonic() - killed_at
    time.sleep(2)  # room for a wrong second build or email
    logs = group.stop()
    assert_once(group, due.date(), logs)
    [survivor] = [n for n in logs if n != killed]
    assert "taking the run over from" in logs[survivor]
    assert took >= LEASE_SECONDS - 1  # not before the dead holder's lease ran out


def test_kill_9_of_the_instance_holding_a_run_mid_send(
    tmp_path: Path, servers: tuple[FeedSite, Smtp], store_target: StoreLocation
) -> None:
    # The SMTP server never answers the first message: its sender is killed while it waits.
    # The taker finds the build recorded and the email begun, and sends the recorded email
    # again with the same Message-ID: no second build, no second Message-ID.
    due = (dt.datetime.now(UTC) - dt.timedelta(minutes=1)).replace(microsecond=0)
    group = instances(tmp_path, servers, due, store_target)
    group.smtp.inbox.stall_first = True
    group.start("a")
    group.start("b")
    wait_for(lambda: group.smtp.inbox.received, START_SECONDS * 3, "the email to be sent")
    killed = group.kill_holder(due.date())
    wait_for(lambda: sent(group.store, due.date()), LEASE_SECONDS + 30, "the takeover")
    time.sleep(2)
    logs = group.stop()
    assert_once(group, due.date(), logs)
    assert len(group.smtp.inbox.received) == 2  # the stalled one, then the one accepted
    [survivor] = [n for n in logs if n != killed]
    assert "taking the run over from" in logs[survivor]
    assert "sending its email" in logs[survivor]


def test_two_instances_started_at_the_same_second(
    tmp_path: Path, servers: tuple[FeedSite, Smtp], store_target: StoreLocation
) -> None:
    due = (dt.datetime.now(UTC) + dt.timedelta(seconds=START_SECONDS)).replace(microsecond=0)
    group = instances(tmp_path, servers, due, store_target)
    group.start("a")
    group.start("b")
    wait_for(lambda: sent(group.store, due.date()), START_SECONDS + 40, "the build")
    time.sleep(2)
    logs = group.stop()
    [run] = assert_once(group, due.date(), logs)
    assert run.started >= due
    built = [n for n, text in logs.items() if "exit code 0 after" in text]
    assert len(built) == 1, logs
    [other] = [n for n in logs if n not in built]
    # Both woke at the scheduled second: the one that lost the claim says who holds the run.
    if "skipped" in logs[other]:
        assert "holds it" in logs[other] or "already built" in logs[other]


def test_instances_whose_clocks_are_2_minutes_off(
    tmp_path: Path, servers: tuple[FeedSite, Smtp], store_target: StoreLocation
) -> None:
    # One instance's clock is 2 minutes ahead (by its own clock the run was due 2 minutes
    # ago), the other's 2 minutes behind (it would wake 2 minutes late). Both follow the
    # database's clock: one build, at the scheduled time, not before and not 2 minutes late.
    due = (dt.datetime.now(UTC) + dt.timedelta(seconds=START_SECONDS)).replace(microsecond=0)
    group = instances(tmp_path, servers, due, store_target)
    group.start("ahead", env={"DIGEST_TEST_CLOCK_OFFSET": "120"})
    group.start("behind", env={"DIGEST_TEST_CLOCK_OFFSET": "-120"})
    wait_for(lambda: sent(group.store, due.date()), START_SECONDS + 40, "the build")
    time.sleep(2)
    logs = group.stop()
    [run] = assert_once(group, due.date(), logs)
    assert due <= run.started < due + dt.timedelta(seconds=20), logs


def test_the_database_restarted_during_a_run(
    tmp_path: Path,
    servers: tuple[FeedSite, Smtp],
    postgres_server: PostgresServer,
    postgres_url: str,
) -> None:
    # PostgreSQL restarts while the holder is mid-build: its connection is cut, its build
    # fails before it is recorded, so the run is not finished; once the lease has run out an
    # instance (either) makes it again.
    due = (dt.datetime.now(UTC) - dt.timedelta(minutes=1)).replace(microsecond=0)
    group = instances(tmp_path, servers, due, StoreLocation(url=postgres_url))
    group.feeds.hold.set()
    group.start("a")
    group.start("b")
    wait_for(lambda: group.feeds.slow_requests >= 1, START_SECONDS * 2, "a build to start")
    postgres_server.restart()
    group.feeds.hold.clear()
    wait_for(lambda: sent(group.store, due.date()), LEASE_SECONDS + 40, "the run made again")
    time.sleep(2)
    logs = group.stop()
    assert_once(group, due.date(), logs)
    assert any("not recorded; any instance makes it again" in text for text in logs.values())
