"""Several instances sharing one store (issue 13): feed refresh rounds and builds, SQLite and
PostgreSQL.

Refresh: 2,000 feeds (4 generated entries each) on a loopback HTTP server in a subprocess,
spread over 10 loopback hosts as over real sites, every answer held back 20-50 ms (fixed per
feed) as a distant server would. One full round, every feed due in a fresh store, with 1, 2
and 4 instances on PostgreSQL and with 1 on SQLite; each instance is a process of its own
running `digest.feeds.refresh_due` with the default `collect` settings (concurrency 16, 2 per
host, batches of 100). The time is from the moment every instance has started (imports done)
until the last has finished. The server counts the requests for each feed: a feed fetched
twice in one round, or not at all, stops the benchmark.

Build: `digest build` of 10,000 articles (benchmarks/build_scale.py's inputs) on a fresh
SQLite store and on a fresh PostgreSQL database.

PostgreSQL is a throw-away cluster this script makes in a temporary folder (Debian's
`postgresql` binaries; run as the `postgres` user when this runs as root), default settings
(fsync on), reached over its Unix socket, removed at the end.
Run: .venv/bin/python benchmarks/shared_store.py [--feeds 2000] [--repeat 3] [--build-size N]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import pwd
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from build_scale import write_inputs  # benchmarks/ is this script's folder

HOSTS = 10
ENTRIES = 4
INSTANCES = (1, 2, 4)


# --- The feeds' server (this file run with --serve) ---


def feed_body(n: int) -> bytes:
    items = "".join(
        f"<item><title>Feed {n} entry {i}</title>"
        f"<link>https://site{n}.example/news/{i}</link>"
        f'<guid isPermaLink="false">feed-{n}-entry-{i}</guid>'
        f"<pubDate>Thu, 01 Jan 2026 0{i}:00:00 +0000</pubDate>"
        f"<description><![CDATA[<p>Entry {i} of feed {n}: what happened in the town "
        f"council on the day, who said what, and what comes next.</p>]]></description></item>"
        for i in range(ENTRIES)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {n}</title><link>https://site{n}.example/</link>{items}</channel></rss>"
    ).encode()


def latency(n: int) -> float:
    """20-50 ms, fixed per feed."""
    return 0.020 + (int(hashlib.sha256(str(n).encode()).hexdigest()[:4], 16) % 31) / 1000


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bodies: ClassVar[dict[str, tuple[bytes, float]]] = {}
    hits: ClassVar[Counter[str]] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/hits":  # the counts so far, then zeroed: one round's requests
            with self.lock:
                body = json.dumps(dict(self.hits)).encode()
                self.hits.clear()
            self._send(200, body, "application/json")
            return
        found = self.bodies.get(self.path)
        if found is None:
            self._send(404, b"", "text/plain")
            return
        with self.lock:
            self.hits[self.path] += 1
        body, delay = found
        time.sleep(delay)
        self._send(200, body, "application/rss+xml; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(feeds: int) -> None:
    """Serve every feed on each loopback host; print the ports, wait for stdin EOF."""
    for n in range(feeds):
        Handler.bodies[f"/feed/{n}.xml"] = (feed_body(n), latency(n))
    ports = []
    for host in range(1, HOSTS + 1):
        server = ThreadingHTTPServer((f"127.0.0.{host}", 0), Handler)
        server.daemon_threads = True
        server.request_queue_size = 128
        ports.append(str(server.server_address[1]))
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(" ".join(ports), flush=True)
    sys.stdin.read()


def feed_urls(ports: list[int], feeds: int) -> list[str]:
    return [f"http://127.0.0.{n % HOSTS + 1}:{ports[n % HOSTS]}/feed/{n}.xml" for n in range(feeds)]


def round_hits(ports: list[int]) -> Counter[str]:
    import httpx  # the parent needs it only here

    return Counter(httpx.get(f"http://127.0.0.1:{ports[0]}/hits", timeout=10).json())


# --- A throw-away PostgreSQL cluster ---


def pg_bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        sys.exit("PostgreSQL is not installed: apt-get install postgresql")
    return found[-1].parent


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder, on a Unix socket there; its server URL.

    (i13-pg's tests/postgres.py does the same for the tests; this one keeps fsync on.)
    """
    bindir = pg_bindir()
    folder = Path(tempfile.mkdtemp(prefix="digest-bench-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, log = folder / "data", folder / "log"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(
        [*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses='' -c max_connections=50"
    pg_ctl = [*run_as, str(bindir / "pg_ctl"), "-D", str(data)]
    subprocess.run(
        [*pg_ctl, "-l", str(log), "-o", options, "-w", "start"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@/{{db}}?host={folder}&port={port}"
    finally:
        subprocess.run([*pg_ctl, "-m", "fast", "stop"], stdout=subprocess.DEVNULL, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(server: str, name: str) -> str:
    """An empty database `name` on the server (dropped first if there); its URL."""
    import sqlalchemy as sa

    engine = sa.create_engine(server.format(db="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as db:
        db.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        db.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.format(db=name)


# --- Opening a store by URL (sqlite path or PostgreSQL URL), in any of the processes ---

OPEN_STORE = '''
import contextlib
from pathlib import Path

@contextlib.contextmanager
def bench_store(where):
    """The store at `where`: a SQLite file's path, or a PostgreSQL URL."""
    from digest.store import open_store
    if not where.startswith("postgresql"):
        with open_store(Path(where)) as store:
            yield store
        return
    try:  # store.url (i13-pg): the store's own way to a server
        from digest.store import StoreLocation
    except ImportError:
        StoreLocation = None
    if StoreLocation is not None:
        with open_store(StoreLocation(url=where)) as store:
            yield store
        return
    # Until then: the same tables, made by the same migrations, on a connection of our own.
    import sqlalchemy as sa
    from digest.store import Store, _database, _migrate
    engine = sa.create_engine(where, poolclass=sa.pool.NullPool)
    connection = engine.connect()
    if not sa.inspect(connection).has_table("alembic_version"):
        _migrate.upgrade(connection, stamp=None)
    connection.commit()
    store = Store(connection, Path("postgresql"))
    try:
        yield store
    finally:
        store.close()
'''

INSTANCE = (
    OPEN_STORE
    + """
import json, sys, time
from digest.config import CollectConfig, FeedSource
from digest.feeds import refresh_due

where, name, urls_file = sys.argv[1:4]
feeds = [FeedSource(url=u) for u in json.loads(open(urls_file).read())]
with bench_store(where) as store:
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    done = refresh_due(store, feeds, settings=CollectConfig(), instance=name)
    print(json.dumps({"feeds": len(done.feeds), "failed": len(done.failed),
                      "seconds": time.perf_counter() - started}), flush=True)
"""
)

PREPARE = (
    OPEN_STORE
    + """
import json, sys
from digest.store.feeds import sync_feeds
with bench_store(sys.argv[1]) as store:
    sync_feeds(store, json.loads(open(sys.argv[2]).read()))
"""
)


def refresh_round(where: str, instances: int, urls_file: Path, ports: list[int]) -> float:
    """Seconds for `instances` processes to refresh every feed once; checks the server's counts."""
    subprocess.run([sys.executable, "-c", PREPARE, where, str(urls_file)], check=True)
    round_hits(ports)  # zero the counts
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", INSTANCE, where, f"bench-{n}", str(urls_file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_PROXY": "*", "no_proxy": "*"},
        )
        for n in range(instances)
    ]
    for process in processes:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            sys.exit("an instance failed to start")
    started = time.perf_counter()
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    results = []
    for process in processes:
        out, _ = process.communicate()
        results.append(json.loads(out))
    seconds = time.perf_counter() - started
    feeds = len(json.loads(urls_file.read_text(encoding="utf-8")))
    hits = round_hits(ports)
    twice = [path for path, count in hits.items() if count > 1]
    if twice or len(hits) != feeds or sum(r["feeds"] for r in results) != feeds:
        sys.exit(f"round with {instances}: {len(twice)} feeds fetched twice, {len(hits)} fetched")
    if any(r["failed"] for r in results):
        sys.exit(f"round with {instances}: feeds failed: {results}")
    return seconds


# --- Builds of 10,000 articles ---

BUILD = (
    OPEN_STORE
    + """
import datetime as dt, sys, time
from digest import pipeline
from digest.config import load_config
where, config_path = sys.argv[1:3]
config = load_config(Path(config_path))
# The store to build on, whatever the config says (a SQLite file, or the server's database
# until store.url lands with i13-pg).
pipeline.open_store = lambda _path: bench_store(where)
started = time.perf_counter()
pipeline.build(config, date=dt.date(2022, 2, 2), now=dt.datetime(2022, 2, 2, 7, tzinfo=dt.UTC),
               send_email=False)
print(time.perf_counter() - started)
"""
)


def build_seconds(where: str, config: Path) -> float:
    result = subprocess.run(
        [sys.executable, "-c", BUILD, where, str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"build on {where.split(':', maxsplit=1)[0]} failed: {result.stderr[-2000:]}")
    return float(result.stdout.strip().splitlines()[-1])


# --- The table ---


def median_and_range(values: list[float]) -> str:
    return f"{statistics.median(values):>8.2f}  {min(values):>6.2f}-{max(values):<6.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="refresh rounds per row")
    parser.add_argument("--build-size", type=int, default=10000, help="0: no builds")
    parser.add_argument("--build-repeat", type=int, default=1)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return
    env = {**os.environ, "NO_PROXY": "*", "no_proxy": "*"}
    with (
        tempfile.TemporaryDirectory() as folder,
        throwaway_postgres() as server_url,
        subprocess.Popen(
            [sys.executable, __file__, "--serve", str(args.feeds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        ) as feeds_server,
    ):
        assert feeds_server.stdout is not None
        assert feeds_server.stdin is not None
        work = Path(folder)
        ports = [int(p) for p in feeds_server.stdout.readline().split()]
        urls_file = work / "urls.json"
        urls_file.write_text(json.dumps(feed_urls(ports, args.feeds)), encoding="utf-8")
        rows: list[tuple[str, int, list[float]]] = []
        plans = [("PostgreSQL", n) for n in INSTANCES] + [("SQLite", 1)]
        for store_kind, instances in plans:
            times = []
            for run in range(args.repeat):
                if store_kind == "PostgreSQL":
                    where = fresh_database(server_url, f"refresh_{instances}_{run}")
                else:
                    where = str(work / f"refresh-{run}.sqlite3")
                times.append(refresh_round(where, instances, urls_file, ports))
            rows.append((store_kind, instances, times))
        report_refresh(args, rows)
        builds: list[tuple[str, list[float]]] = []
        if args.build_size:
            inputs = work / "build"
            inputs.mkdir()
            config = write_inputs(inputs, args.build_size)
            for store_kind in ("SQLite", "PostgreSQL"):
                times = []
                for run in range(args.build_repeat):
                    if store_kind == "PostgreSQL":
                        where = fresh_database(server_url, f"build_{run}")
                    else:
                        where = str(inputs / f"build-{run}.sqlite3")
                    times.append(build_seconds(where, config))
                builds.append((store_kind, times))
        feeds_server.stdin.close()
        feeds_server.wait(10)
    report_builds(args, builds)


def report_refresh(args: argparse.Namespace, rows: list[tuple[str, int, list[float]]]) -> None:
    cores, load = os.cpu_count(), os.getloadavg()[0]
    print(
        f"{args.feeds} feeds x {ENTRIES} entries on {HOSTS} loopback hosts, 20-50 ms an answer;"
        f" {cores} cores, load {load:.1f}"
    )
    print(f"\none full refresh round, every feed due: median of {args.repeat} (fastest-slowest)")
    print(
        f"{'store':<11} {'instances':>9}  {'median s':>8}  {'range s':>13}  {'vs 1':>5}  feeds/s"
    )  # vs 1: PostgreSQL, 1 instance
    one = statistics.median(rows[0][2])
    for store_kind, instances, times in rows:
        median = statistics.median(times)
        print(
            f"{store_kind:<11} {instances:>9}  {median_and_range(times)}  {one / median:>5.2f}"
            f"  {args.feeds / median:>7.0f}"
        )
    print("every feed fetched exactly once in every round (requests counted by the server)")
    sys.stdout.flush()


def report_builds(args: argparse.Namespace, builds: list[tuple[str, list[float]]]) -> None:
    if builds:
        print(f"\ndigest build of {args.build_size} articles, fresh store: median of")
        print(f"{args.build_repeat} (fastest-slowest)")
        print(f"{'store':<11}  {'median s':>8}  {'range s':>13}  {'vs SQLite':>9}")
        base = statistics.median(builds[0][1])
        for store_kind, times in builds:
            median = statistics.median(times)
            print(f"{store_kind:<11}  {median_and_range(times)}  {median / base:>9.2f}")


if __name__ == "__main__":
    main()
