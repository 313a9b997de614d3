"""Benchmark feed collection: 500 feeds served by a local HTTP server in a subprocess.

The server (this file run with `--serve`) listens on 127.0.0.1 to 127.0.0.10, one port
each, so the feeds come from 10 hosts as they would from real sites; each feed has 20 items
and answers If-None-Match with 304. Measured, with the default `collect` settings
(concurrency 16, 2 per host) and a fresh store file:

- cold: every feed downloaded and parsed, validators and health stored;
- warm: the same again, every feed answering 304.

Baseline, in the same run: feedparser fetching the same URLs itself, one after another
(`feedparser.parse(url)`, then `feedparser.parse(url, etag=...)` for the warm run).

Targets (issue 4): cold ≤ 10 s, warm ≤ 3 s. Run: `.venv/bin/python benchmarks/feeds_fetch.py`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

FEEDS = 500
ITEMS = 20
HOSTS = 10
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def feed_body(n: int) -> bytes:
    items = []
    for i in range(ITEMS):
        when = email.utils.format_datetime(EPOCH - dt.timedelta(hours=n + 7 * i))
        text = " ".join(
            f"Sentence {k} of item {i} in feed {n} about local events." for k in range(6)
        )
        items.append(
            f"<item><title>Feed {n} item {i}</title>"
            f"<link>https://site{n}.example/news/{i}</link>"
            f'<guid isPermaLink="false">feed-{n}-item-{i}</guid>'
            f"<pubDate>{when}</pubDate>"
            f"<description><![CDATA[<p>{text}</p><p>{text}</p>]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {n}</title><link>https://site{n}.example/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bodies: ClassVar[dict[str, tuple[bytes, str]]] = {}

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        found = self.bodies.get(self.path)
        if found is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body, etag = found
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve() -> None:
    """Serve every feed on each of the 10 loopback hosts; print the ports, wait for stdin EOF."""
    for n in range(FEEDS):
        body = feed_body(n)
        Handler.bodies[f"/feed/{n}.xml"] = (body, f'"{hashlib.sha256(body).hexdigest()[:16]}"')
    ports = []
    for host in range(1, HOSTS + 1):
        server = ThreadingHTTPServer((f"127.0.0.{host}", 0), Handler)
        server.daemon_threads = True
        ports.append(str(server.server_address[1]))
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(" ".join(ports), flush=True)
    sys.stdin.read()


def urls(ports: list[int]) -> list[str]:
    return [f"http://127.0.0.{n % HOSTS + 1}:{ports[n % HOSTS]}/feed/{n}.xml" for n in range(FEEDS)]


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    entries: int


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the parse workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action: Callable[[], int]) -> Run:
    wall, cpu = time.perf_counter(), cpu_seconds()
    entries = action()
    return Run(time.perf_counter() - wall, cpu_seconds() - cpu, entries)


def ours(feed_urls: list[str]) -> tuple[Run, Run]:
    from digest.config import CollectConfig, FeedSource
    from digest.feeds import collect_feeds
    from digest.store import open_store

    feeds = [FeedSource(url=u) for u in feed_urls]
    settings = CollectConfig()
    now = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "s.sqlite3") as store:

        def collect() -> int:
            result = collect_feeds(feeds, settings=settings, store=store, now=now)
            failed = [r.message for r in result.reports if not r.ok]
            assert not failed, failed[:3]
            return len(result.documents)

        return timed(collect), timed(collect)


def baseline(feed_urls: list[str]) -> tuple[Run, Run]:
    import feedparser

    etags: dict[str, str | None] = {}

    def cold() -> int:
        results = [feedparser.parse(u) for u in feed_urls]
        etags.update((u, r.get("etag")) for u, r in zip(feed_urls, results, strict=True))
        return sum(len(r.entries) for r in results)

    def warm() -> int:
        return sum(len(feedparser.parse(u, etag=etags[u]).entries) for u in feed_urls)

    return timed(cold), timed(warm)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-baseline", action="store_true", help="skip feedparser's own fetch")
    options = parser.parse_args()
    if options.serve:
        serve()
        return 0
    env = {**os.environ, "NO_PROXY": "*", "no_proxy": "*"}
    with subprocess.Popen(
        [sys.executable, __file__, "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as server:
        assert server.stdout is not None
        assert server.stdin is not None
        ports = [int(p) for p in server.stdout.readline().split()]
        feed_urls = urls(ports)
        try:
            label = "digest collect_feeds (httpx, parallel)"
            rows: list[tuple[str, tuple[Run, Run]]] = [(label, ours(feed_urls))]
            if not options.no_baseline:
                rows.append(("feedparser.parse(url), one by one", baseline(feed_urls)))
        finally:
            server.stdin.close()
            server.wait(10)
    cores, load = os.cpu_count(), os.getloadavg()[0]
    print(
        f"{FEEDS} feeds x {ITEMS} items on {HOSTS} loopback hosts; {cores} cores, load {load:.1f}"
    )
    print()
    print("| collector | cold s | cold CPU s | warm (304) s | warm CPU s | entries cold/warm |")
    print("|---|---|---|---|---|---|")
    for name, (cold, warm) in rows:
        print(
            f"| {name} | {cold.wall:.2f} | {cold.cpu:.2f} | {warm.wall:.2f} | {warm.cpu:.2f}"
            f" | {cold.entries}/{warm.entries} |"
        )
    print()
    print("targets: cold <= 10 s, warm <= 3 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
