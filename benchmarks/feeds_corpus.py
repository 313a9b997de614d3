"""Benchmark the feed parser on feedparser's own 2,248 test feeds (`../shared/corpora`).

Every file goes through `digest.feeds.parse_feed` in this process, and through
`digest collect --feed PATH --jsonl` (many `--feed`s per invocation; a batch that fails is
re-run file by file to find the culprit) unless `--direct` is given. The CLI's articles have
passed the cleaner as well. Reported:

- tracebacks (target 0): a crashed invocation, a "Traceback" on stderr, or in direct mode an
  exception other than SourceError (a SourceError is a feed we reject, with a reason);
- of the entry titles, links and dates feedparser 6.0.14 finds (feedparser-oracle.json),
  how many our articles keep (target: all). An entry's value counts as kept when the
  article at the same position of the same file has it: titles compared as plain text with
  white space collapsed (feedparser keeps markup of HTML titles), links exactly, dates as
  the same instant (a naive time of ours is taken as UTC, as feedparser takes it; a date
  alone matches the oracle's day).

The baseline row is feedparser itself (`feedparser.parse(path)`), timed in the same run.

Run: `.venv/bin/python benchmarks/feeds_corpus.py [--direct] [--misses N]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser

from digest.errors import SourceError
from digest.feeds import parse_feed
from digest.feeds.text import clean_inline, html_to_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpora" / "feedparser-tests"
ORACLE = SHARED / "corpora" / "feedparser-oracle.json"
BIN = Path(sys.executable).parent
BATCH = 150


@dataclass
class Tally:
    entries_expected: int = 0
    entries_ours: int = 0
    wanted: dict[str, int] = field(default_factory=lambda: {"title": 0, "link": 0, "date": 0})
    kept: dict[str, int] = field(default_factory=lambda: {"title": 0, "link": 0, "date": 0})
    misses: list[str] = field(default_factory=list)

    def share(self, key: str) -> str:
        return f"{self.kept[key]}/{self.wanted[key]}"


def plain(text: str) -> str:
    return clean_inline(html_to_text(text).replace("\n", " "))


def same_date(ours: str | None, oracle: str) -> bool:
    if not ours:
        return False
    want = dt.datetime.fromisoformat(oracle.replace("Z", "+00:00"))
    if len(ours) == 10:
        return dt.date.fromisoformat(ours) == want.date()
    # feedparser's struct_time has whole seconds.
    mine = dt.datetime.fromisoformat(ours).replace(microsecond=0)
    if mine.tzinfo is None:
        mine = mine.replace(tzinfo=dt.UTC)
    return mine == want


def compare(
    name: str, expected: list[dict[str, Any]], ours: list[dict[str, Any]], t: Tally
) -> None:
    t.entries_expected += len(expected)
    t.entries_ours += len(ours)
    checks: dict[str, tuple[str, Callable[[str, Any], bool]]] = {
        "title": ("title", lambda want, got: got in {plain(want), clean_inline(want)}),
        "link": ("url", lambda want, got: want == got),
        "date": ("published", lambda want, got: same_date(got, want)),
    }
    for key, (field_name, check) in checks.items():
        # Matched as multisets per file: the cleaner behind the CLI may drop an entry with no
        # text, which would shift positions.
        available = [item.get(field_name) for item in ours]
        for index, want in enumerate(expected):
            value = want.get(key)
            if not value or (key == "title" and not plain(value)):
                continue
            t.wanted[key] += 1
            hit = next((i for i, got in enumerate(available) if check(value, got)), None)
            if hit is None:
                t.misses.append(f"{name} #{index} {key}: feedparser {value!r}, not in ours")
            else:
                t.kept[key] += 1
                available.pop(hit)


def record(doc: Any) -> dict[str, Any]:
    published = doc.published.isoformat() if doc.published is not None else None
    return {"title": doc.title, "url": doc.url, "published": published}


def run_direct(
    files: list[Path], tracebacks: list[str], rejected: list[int]
) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        name = path.relative_to(CORPUS).as_posix()
        try:
            docs = parse_feed(path.read_bytes(), origin=str(path), name=None)
        except SourceError:
            rejected[0] += 1
            docs = ()
        except Exception as exc:  # the point of the benchmark: count them
            tracebacks.append(f"{name}: {type(exc).__name__}: {exc}")
            docs = ()
        results[name] = [record(d) for d in docs]
    return results


def cli_has_feed_option() -> bool:
    digest = BIN / "digest"
    if not digest.exists():
        return False
    help_text = subprocess.run(
        [str(digest), "collect", "--help"], capture_output=True, text=True, check=False
    ).stdout
    return "--feed" in help_text


def invoke(files: list[Path]) -> tuple[int, str, str]:
    args = [str(BIN / "digest"), "collect", "--jsonl"]
    for path in files:
        args += ["--feed", str(path)]
    done = subprocess.run(args, capture_output=True, text=True, check=False, cwd=CORPUS)
    return done.returncode, done.stdout, done.stderr


def run_cli(files: list[Path], tracebacks: list[str]) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {p.relative_to(CORPUS).as_posix(): [] for p in files}
    for start in range(0, len(files), BATCH):
        batch = files[start : start + BATCH]
        code, out, err = invoke(batch)
        if code != 0 or "Traceback" in err:
            out = ""
            for path in batch:
                one_code, one_out, one_err = invoke([path])
                if one_code != 0 or "Traceback" in one_err:
                    last = (one_err.strip().splitlines() or ["(no message)"])[-1]
                    tracebacks.append(f"{path.relative_to(CORPUS)}: exit {one_code}: {last}")
                    continue
                out += one_out
        for line in out.splitlines():
            item = json.loads(line)
            origin = Path(item["origin"])
            name = (origin if origin.is_absolute() else CORPUS / origin).relative_to(CORPUS)
            results[name.as_posix()].append(item)
    return results


def feedparser_entries(files: Iterable[Path]) -> tuple[dict[str, list[dict[str, Any]]], float]:
    """What feedparser.parse(path) extracts in this run, as the oracle file records it."""
    found: dict[str, list[dict[str, Any]]] = {}
    started = time.perf_counter()
    for path in files:
        entries = []
        for entry in feedparser.parse(str(path)).entries:
            date = None
            for key in ("published_parsed", "updated_parsed", "created_parsed"):
                # dict.get: feedparser's own get("updated_parsed") warns.
                value = dict.get(entry, key)
                if value:
                    date = time.strftime("%Y-%m-%dT%H:%M:%SZ", value)
                    break
            entries.append({"title": entry.get("title"), "link": entry.get("link"), "date": date})
        found[path.relative_to(CORPUS).as_posix()] = entries
    return found, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--direct", action="store_true", help="only parse_feed, not the CLI")
    parser.add_argument("--misses", type=int, default=10, help="show this many misses")
    options = parser.parse_args()
    if not ORACLE.exists():
        print(f"no oracle at {ORACLE}", file=sys.stderr)
        return 1
    # Malformed feeds are logged as warnings by design; thousands of them are noise here.
    logging.disable(logging.WARNING)
    oracle = json.loads(ORACLE.read_text(encoding="utf-8"))["files"]
    files = sorted(CORPUS / name for name in oracle)
    runs: list[tuple[str, dict[str, list[dict[str, Any]]], list[str], str, float]] = []
    tracebacks: list[str] = []
    rejected = [0]
    started = time.perf_counter()
    direct = run_direct(files, tracebacks, rejected)
    runs.append(("parse_feed", direct, tracebacks, str(rejected[0]), time.perf_counter() - started))
    if not options.direct:
        if cli_has_feed_option():
            cli_tracebacks: list[str] = []
            started = time.perf_counter()
            through_cli = run_cli(files, cli_tracebacks)
            seconds = time.perf_counter() - started
            runs.append(("digest collect --feed", through_cli, cli_tracebacks, "-", seconds))
        else:
            print("note: `digest collect` has no --feed option; measured parse_feed only")
    live, base_seconds = feedparser_entries(files)
    print(f"feedparser test corpus: {len(files)} files")
    print()
    print("| digest via | against | tracebacks | rejected | entries | titles | links | dates | s |")
    print("|---|---|---|---|---|---|---|---|---|")
    misses: list[str] = []
    base = Tally()
    for via, results, errors, shown_rejected, seconds in runs:
        for label, reference in (("oracle file", oracle), ("feedparser, this run", None)):
            tally = Tally()
            for name in sorted(oracle):
                expected = reference[name]["entries"] if reference is not None else live[name]
                compare(name, expected, results.get(name, []), tally)
            base = tally if reference is None else base
            misses += [f"{via} vs {label}: {m}" for m in tally.misses[: options.misses]]
            print(
                f"| {via} | {label} | {len(errors)} | {shown_rejected}"
                f" | {tally.entries_ours} | {tally.share('title')} | {tally.share('link')}"
                f" | {tally.share('date')} | {seconds:.1f} |"
            )
    print(
        f"| (feedparser.parse(path) itself) | - | 0 | - | {base.entries_expected} "
        f"| {base.wanted['title']} | {base.wanted['link']} | {base.wanted['date']}"
        f" | {base_seconds:.1f} |"
    )
    width = shutil.get_terminal_size((100, 20)).columns
    all_tracebacks = [t for run in runs for t in run[2]]
    for line in all_tracebacks[:20]:
        print("traceback:", line[:width])
    for line in misses:
        print("miss:", line[:width])
    return 0 if not all_tracebacks else 1


if __name__ == "__main__":
    sys.exit(main())
