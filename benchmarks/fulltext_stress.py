"""Stress full-text collection: 181 real article pages, a few hanging ones, N `digest collect` runs.

The pages are the article-extraction benchmark's (`../shared/corpora/article-extraction-benchmark`,
181 news pages with gold article bodies; see its README). A server in a subprocess (this file
run with `--serve`) serves them on 127.0.0.1 as one RSS feed whose entries carry only a short
teaser, with `--hang K` pages that never answer placed first in the feed. Each run is
`digest collect --jsonl` on a config with that feed as `full_text: true`, in a fresh process
(the crashes this looks for kill the process: exit code 134 or 139, or a negative one).

Printed per run: exit code, seconds, entries, entries with full text (at least 50 words and a
line of the gold body in them); then a summary table. Measure older code the same way with
`--pythonpath DIR` (a checkout of that commit: `git archive <commit> | tar -x -C DIR`): the
command is then `python -m digest` with DIR first on the path.

Baseline in the same run (`--baseline-runs N`, default 10; 0 skips it): the same 181 pages
extracted by `extract_article` in 8 threads of one process (what `asyncio.to_thread` did
before issue 12), each run a fresh process.

Run: `.venv/bin/python benchmarks/fulltext_stress.py --runs 20`.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "article-extraction-benchmark"
FULL_TEXT_WORDS = 50


def page_ids() -> list[str]:
    return sorted(p.name.removesuffix(".html.gz") for p in (CORPUS / "html").glob("*.html.gz"))


def feed_body(port: int, ids: list[str], hanging: int) -> bytes:
    links = [f"/hang/{n}.html" for n in range(hanging)] + [f"/page/{i}.html" for i in ids]
    items = "".join(
        f"<item><title>Article {n}</title><link>http://127.0.0.1:{port}{escape(link)}</link>"
        f'<guid isPermaLink="false">stress-{n}</guid>'
        f"<description>Teaser of article {n}.</description></item>"
        for n, link in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Stress</title><link>http://127.0.0.1:{port}/</link>{items}</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bodies: ClassVar[dict[str, tuple[bytes, str]]] = {}
    stop: ClassVar[threading.Event] = threading.Event()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/hang/"):
            self.stop.wait(300)
            return
        found = self.bodies.get(self.path)
        status, (body, kind) = (200, found) if found else (404, (b"not here", "text/plain"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up early (a page past its deadline) is expected here


def extract_in_threads(threads: int) -> None:
    """The baseline: every page through extract_article in `threads` threads; prints a count."""
    from concurrent.futures import ThreadPoolExecutor

    from digest.feeds.fulltext import extract_article

    pages = [gzip.decompress(p.read_bytes()) for p in sorted((CORPUS / "html").glob("*.gz"))]
    with ThreadPoolExecutor(threads) as pool:
        texts = list(pool.map(extract_article, pages))
    print(sum(text is not None for text in texts), flush=True)


def baseline(runs: int, env: dict[str, str]) -> list[Run]:
    results = []
    for number in range(1, runs + 1):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--extract-in-threads", "8"],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            check=False,
        )
        seconds = time.perf_counter() - started
        texts = int(done.stdout.strip() or 0) if done.returncode == 0 else 0
        tail = (done.stderr.strip().splitlines() or [""])[-1][:160]
        results.append(Run(done.returncode, seconds, texts, texts, tail))
        print(
            f"baseline run {number}: exit {done.returncode}, {seconds:.1f} s, {texts} texts {tail}",
            file=sys.stderr,
            flush=True,
        )
    return results


def serve(hanging: int) -> None:
    """Serve the feed and pages; print the port; stop when stdin closes."""
    server = Server(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    ids = page_ids()
    for page_id in ids:
        html = gzip.decompress((CORPUS / "html" / f"{page_id}.html.gz").read_bytes())
        Handler.bodies[f"/page/{page_id}.html"] = (html, "text/html; charset=utf-8")
    Handler.bodies["/feed.xml"] = (feed_body(port, ids, hanging), "application/rss+xml")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(port, flush=True)
    sys.stdin.read()
    Handler.stop.set()


@dataclass(frozen=True)
class Run:
    code: int
    seconds: float
    entries: int
    full_text: int
    stderr_tail: str


def gold_lines() -> dict[str, str]:
    """Per page id, one long line of its gold body (proof the page's own text arrived)."""
    truth = json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
    lines = {}
    for page_id, record in truth.items():
        candidates = [line.strip() for line in record["articleBody"].splitlines()]
        lines[page_id] = max(candidates, key=len)[:60]
    return lines


def one_run(command: list[str], config: Path, env: dict[str, str], gold: dict[str, str]) -> Run:
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "collect", "--config", str(config), "--jsonl"],
        cwd=config.parent,  # not the repository: `python -m` would import the tree found there
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    seconds = time.perf_counter() - started
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    full = 0
    for record in records:
        page_id = (record.get("url") or "").rsplit("/", 1)[-1].removesuffix(".html")
        words = len(record["text"].split())
        needle = " ".join(gold.get(page_id, "\x00").split()[:6])
        if words >= FULL_TEXT_WORDS and needle in " ".join(record["text"].split()):
            full += 1
    tail = done.stderr.strip().splitlines()[-1:] if done.stderr.strip() else []
    return Run(done.returncode, seconds, len(records), full, tail[0][:160] if tail else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--extract-in-threads", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--baseline-runs", type=int, default=10, help="runs of extraction in 8 threads [10]"
    )
    parser.add_argument("--runs", type=int, default=20, help="digest collect runs [20]")
    parser.add_argument("--hang", type=int, default=2, help="hanging pages first in the feed [2]")
    parser.add_argument("--pythonpath", type=Path, help="run `python -m digest` from this tree")
    parser.add_argument("--label", default="", help="name of this configuration in the table")
    parser.add_argument(
        "--collect", default="", help="extra YAML lines for the collect section, e.g. 'per_host: 4'"
    )
    options = parser.parse_args()
    if options.serve:
        serve(options.hang)
        return 0
    if options.extract_in_threads:
        extract_in_threads(options.extract_in_threads)
        return 0
    if not CORPUS.is_dir():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 1
    env = {**os.environ, "NO_PROXY": "*", "no_proxy": "*"}
    command = [sys.executable, "-m", "digest"]
    run_env = dict(env)
    if options.pythonpath:
        run_env["PYTHONPATH"] = str(options.pythonpath.resolve())
    gold = gold_lines()
    with (
        subprocess.Popen(
            [sys.executable, __file__, "--serve", "--hang", str(options.hang)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        ) as server,
        tempfile.TemporaryDirectory() as folder,
    ):
        assert server.stdout is not None
        assert server.stdin is not None
        port = int(server.stdout.readline())
        config = Path(folder) / "config.yaml"
        extra = "".join(f"  {line}\n" for line in options.collect.split(";") if line.strip())
        config.write_text(
            "sources:\n  files: []\n  feeds:\n"
            f"    - url: http://127.0.0.1:{port}/feed.xml\n      name: Stress\n"
            f"      full_text: true\ncollect:\n  retries: 0\n{extra}"
            f"store:\n  path: {folder}/store.sqlite3\n",
            encoding="utf-8",
        )
        runs = []
        try:
            for number in range(1, options.runs + 1):
                run = one_run(command, config, run_env, gold)
                runs.append(run)
                print(
                    f"run {number}: exit {run.code}, {run.seconds:.1f} s, {run.entries} entries, "
                    f"{run.full_text} with full text {run.stderr_tail}",
                    file=sys.stderr,
                    flush=True,
                )
        finally:
            server.stdin.close()
            server.wait(10)
    threads = baseline(options.baseline_runs, run_env)
    cores, load = os.cpu_count(), os.getloadavg()[0]
    print(
        f"{len(gold)} real pages + {options.hang} hanging pages in one full-text feed on "
        f"127.0.0.1; {cores} cores, load {load:.1f}"
    )
    print()
    print("| what | runs | crashed (exit codes) | pages with text min/median/max | median s |")
    print("|---|---|---|---|---|")
    report(f"digest collect, {options.label or 'this tree'}", runs)
    if threads:
        report("baseline: extract_article in 8 threads", threads)
    return 0


def report(label: str, runs: list[Run]) -> None:
    crashed = [r for r in runs if r.code != 0]
    full = [r.full_text for r in runs if r.code == 0]
    codes = ", ".join(str(r.code) for r in crashed) or "-"
    spread = f"{min(full)}/{statistics.median(full):g}/{max(full)}" if full else "-"
    seconds = statistics.median(r.seconds for r in runs) if runs else 0.0
    print(f"| {label} | {len(runs)} | {len(crashed)} ({codes}) | {spread} | {seconds:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
