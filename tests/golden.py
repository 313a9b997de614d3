"""The golden seeds briefing: built by the real command line at a fixed date.

Regenerate after an intended change with `make golden`, then review `git diff tests/goldens`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN_DATE = "2022-02-02"
GOLDEN_MARKDOWN = REPO / "tests" / "goldens" / f"seeds-{GOLDEN_DATE}.md"


def run_digest(
    *args: str, cwd: Path = REPO, input_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command line, in a fresh process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "digest", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=input_text,
        timeout=300,
        check=False,
    )


def build_seeds_briefing(work: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Build the seeds briefing in `work` (own store, own output); the process and output dir."""
    out = work / "briefings"
    # A copy under a relative name: article ids come from the path as given, and the golden
    # file must not depend on where the repository lies.
    shutil.copytree(REPO / "seeds", work / "seeds")
    config = work / "config.yaml"
    config.write_text(
        "sources:\n  files: [seeds]\noutput:\n  dir: briefings\nstore:\n  path: store.sqlite3\n",
        encoding="utf-8",
    )
    result = run_digest("build", "--config", str(config), "--date", GOLDEN_DATE, "--no-email")
    return result, out


def regenerate() -> None:
    with tempfile.TemporaryDirectory() as work:
        result, out = build_seeds_briefing(Path(work))
        if result.returncode != 0:
            sys.exit(result.stderr)
        GOLDEN_MARKDOWN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN_MARKDOWN.write_text(
            (out / f"{GOLDEN_DATE}.md").read_text(encoding="utf-8"), encoding="utf-8"
        )
    print(f"wrote {GOLDEN_MARKDOWN.relative_to(REPO)}; review it with git diff")


if __name__ == "__main__":
    regenerate()
