"""`digest build` end to end over 1,000, 3,000 and 10,000 local articles (issue 5 target:
10,000 in <= 30 s).

The articles are the evaluation articles of ../shared/eval and the gold texts of
../shared/corpora/boilerplate-text, replicated with perturbations (the same set
benchmarks/clusters.py times), written as .txt files and built by the real command line with
a fresh store, `--repeat` times per size (the machine is shared: the median is the figure,
with the fastest and slowest run beside it).
Run: .venv/bin/python benchmarks/build_scale.py [--sizes 1000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from clusters import scale_records  # benchmarks/ is this script's folder

TARGET_SECONDS = 30.0
STAGE_LINE = re.compile(r"stage (?P<stage>[\w -]+): (?P<seconds>[\d.]+) s")


def write_inputs(work: Path, size: int) -> Path:
    """`size` articles as .txt files and a config reading them; the config's path."""
    folder = work / "in"
    folder.mkdir()
    for number, record in enumerate(scale_records(size)):
        title = record["title"] or ""
        text = f"{title}\n\n{record['text']}" if title else record["text"]
        (folder / f"{number:05d}.txt").write_text(text, encoding="utf-8")
    config = work / "config.yaml"
    config.write_text(
        "sources:\n  files: [in]\noutput:\n  dir: out\nstore:\n  path: store.sqlite3\n",
        encoding="utf-8",
    )
    return config


def build_once(
    work: Path, config: Path, size: int, *, debug: bool = False
) -> tuple[float, float, int, str]:
    """Seconds, peak MiB of the build process, stories in the briefing (fresh store), and
    what the build logged."""
    for leftover in (work / "out", *work.glob("store.sqlite3*")):
        if leftover.is_dir():
            shutil.rmtree(leftover)
        elif leftover.exists():
            leftover.unlink()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "digest",
            "build",
            "--config",
            str(config),
            "--no-email",
            "--date",
            "2022-02-02",
            *(["--debug"] if debug else []),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    if result.returncode != 0:
        sys.exit(f"build of {size} articles failed: {result.stderr}")
    # The JSON counts every story: the Markdown heads only the featured ones.
    briefing = json.loads((work / "out" / "2022-02-02.json").read_text(encoding="utf-8"))
    return seconds, peak, len(briefing["stories"]), result.stderr


def stage_seconds(log: str) -> list[tuple[str, float]]:
    """The per-stage times `digest build --debug` logs ("stage clean: 4.71 s")."""
    return [(m["stage"], float(m["seconds"])) for m in STAGE_LINE.finditer(log)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    stages: list[tuple[str, float]] = []
    print(
        f"digest build, end to end: median of {args.repeat} runs (fastest-slowest), each a fresh"
        " process and store; peak = largest child RSS so far"
    )
    print(f"{'articles':>8}  {'median s':>8}  {'range s':>11}  {'peak MiB':>8}  {'stories':>7}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            config = write_inputs(work, size)
            runs = [build_once(work, config, size) for _ in range(args.repeat)]
            if size == args.sizes[-1]:
                stages = stage_seconds(build_once(work, config, size, debug=True)[3])
        seconds = [run[0] for run in runs]
        median = statistics.median(seconds)
        spread = f"{min(seconds):.1f}-{max(seconds):.1f}"
        print(
            f"{size:>8}  {median:>8.1f}  {spread:>11}  {max(r[1] for r in runs):>8.0f}"
            f"  {runs[-1][2]:>7}"
        )
        if size == 10000:
            verdict = "met" if median <= TARGET_SECONDS else "NOT met"
            print(f"target: 10,000 articles in <= {TARGET_SECONDS:.0f} s (median): {verdict}")
    print(f"\nwhere the time went: one more --debug build of {args.sizes[-1]} articles")
    print(f"{'stage':<20}  {'seconds':>7}")
    for stage, seconds in stages:
        print(f"{stage:<20}  {seconds:>7.2f}")


if __name__ == "__main__":
    main()
