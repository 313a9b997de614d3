"""`digest build` end to end over 1,000, 3,000 and 10,000 local articles (issue 5 target:
10,000 in <= 30 s).

The articles are the evaluation articles of ../shared/eval and the gold texts of
../shared/corpora/boilerplate-text, replicated with perturbations (the same set
benchmarks/clusters.py times), written as .txt files and built by the real command line with
a fresh store. Run: .venv/bin/python benchmarks/build_scale.py [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from clusters import scale_records  # benchmarks/ is this script's folder

TARGET_SECONDS = 30.0


def build_once(size: int) -> tuple[float, float, int]:
    """Seconds, peak MiB of the build process, and stories in the briefing."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "in"
        folder.mkdir()
        for number, record in enumerate(scale_records(size)):
            title = record["title"] or ""
            text = f"{title}\n\n{record['text']}" if title else record["text"]
            (folder / f"{number:05d}.txt").write_text(text, encoding="utf-8")
        config = Path(work) / "config.yaml"
        config.write_text(
            "sources:\n  files: [in]\noutput:\n  dir: out\nstore:\n  path: store.sqlite3\n",
            encoding="utf-8",
        )
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
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        if result.returncode != 0:
            sys.exit(f"build of {size} articles failed: {result.stderr}")
        markdown = (Path(work) / "out" / "2022-02-02.md").read_text(encoding="utf-8")
        stories = sum(1 for line in markdown.splitlines() if line.startswith("## "))
        return seconds, peak, stories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    args = parser.parse_args()
    print("digest build, end to end (fresh process and store; peak = largest child RSS so far)")
    print(f"{'articles':>8}  {'seconds':>8}  {'peak MiB':>8}  {'stories':>7}")
    for size in args.sizes:
        seconds, peak, stories = build_once(size)
        print(f"{size:>8}  {seconds:>8.1f}  {peak:>8.0f}  {stories:>7}")
        if size == 10000:
            verdict = "met" if seconds <= TARGET_SECONDS else "NOT met"
            print(f"target: 10,000 articles in <= {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
