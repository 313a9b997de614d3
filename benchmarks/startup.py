"""Benchmark start-up: how long `digest` takes to answer when it has nothing to build.

Measured, as a user runs them (the venv's `digest` console script), each the median of N runs
taken in rounds so that a busy machine slows every case alike:

- bare interpreter: `python -c pass`, the baseline every ratio is taken against;
- `digest --version`, `digest --help`;
- a config error: `digest build --config missing.yaml`, and a config with an unknown key
  (the repository's config.yaml plus one bad line, so every section is validated);
- for reference only: `digest build --help`.

Target (issue 12): --version, --help and a config error within 10x the bare interpreter.
Wall-clock is what a user waits for; CPU time (user + system, of the child) is shown too,
because on a shared machine it moves less than wall-clock does.
Run: `make bench-startup` (or `.venv/bin/python benchmarks/startup.py --runs 21`).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 10.0


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    exit_code: int
    targeted: bool  # counted against the 10x target; False: shown for reference


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def digest_command() -> tuple[str, ...]:
    """The console script beside this interpreter, as installed; `python -m digest` if none."""
    script = Path(sys.executable).parent / "digest"
    return (str(script),) if script.exists() else (sys.executable, "-m", "digest")


def cases(folder: Path) -> list[Case]:
    digest = digest_command()
    bad = folder / "config.yaml"
    bad.write_text(
        (REPO / "config.yaml").read_text(encoding="utf-8") + "\nnot_a_setting: 1\n",
        encoding="utf-8",
    )
    missing = folder / "missing.yaml"
    return [
        Case("bare interpreter (python -c pass)", (sys.executable, "-c", "pass"), 0, False),
        Case("digest --version", (*digest, "--version"), 0, True),
        Case("digest --help", (*digest, "--help"), 0, True),
        Case("config error: file not found", (*digest, "build", "--config", str(missing)), 2, True),
        Case("config error: unknown key", (*digest, "build", "--config", str(bad)), 2, True),
        Case("digest build --help (reference)", (*digest, "build", "--help"), 0, False),
    ]


def run_once(case: Case, folder: Path) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(case.argv, cwd=folder, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != case.exit_code:
        sys.exit(
            f"{case.name}: exit {done.returncode}, expected {case.exit_code}: "
            f"{done.stderr.decode(errors='replace').strip()}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs per case (at least 7)")
    runs = max(7, parser.parse_args().runs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        measured = cases(folder)
        for case in measured:  # a warm-up run each: byte-code caches and the page cache
            run_once(case, folder)
        timings: dict[str, list[Timing]] = {case.name: [] for case in measured}
        for _ in range(runs):
            for case in measured:
                timings[case.name].append(run_once(case, folder))
    wall = {name: statistics.median(t.wall for t in ts) for name, ts in timings.items()}
    cpu = {name: statistics.median(t.cpu for t in ts) for name, ts in timings.items()}
    bare = wall[measured[0].name]
    print(f"digest start-up, median of {runs} runs (python {sys.version.split()[0]})\n")
    print(f"| {'command':<36} | wall ms | CPU ms | × bare | target | result |")
    print(f"|{'-' * 38}|--------:|-------:|-------:|-------:|--------|")
    failed = False
    for case in measured:
        ratio = wall[case.name] / bare
        verdict = ("pass" if ratio <= TARGET else "FAIL") if case.targeted else ""
        failed = failed or verdict == "FAIL"
        target = f"{TARGET:.0f}×" if case.targeted else ""
        print(
            f"| {case.name:<36} | {wall[case.name] * 1000:7.0f} | {cpu[case.name] * 1000:6.0f} "
            f"| {ratio:5.1f}× | {target:>6} | {verdict:<6} |"
        )
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
