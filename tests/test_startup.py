"""Start-up stays light: `--version`, `--help` and a config error import no heavy library.

Timing is benchmarks/startup.py's job; these tests check what makes it fast and cannot flake:
which modules a fresh interpreter holds after each of those commands (digest/cli.py's docstring
states the rule they guard).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

# Each costs from a tenth of a second (jinja2) to seconds (scikit-learn, NLTK via sumy).
HEAVY = (
    "alembic",
    "apscheduler",
    "feedparser",
    "httpx",
    "jinja2",
    "lxml",
    "nltk",
    "numpy",
    "rich",
    "scipy",
    "sklearn",
    "sqlalchemy",
    "sumy",
    "trafilatura",
)

# Runs `digest <argv>` in-process, then writes the names of the loaded modules to a file.
PROBE = """
import json, sys
from digest.cli import main
argv, out = json.loads(sys.argv[1]), sys.argv[2]
try:
    main(argv)
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(out, "w", encoding="utf-8") as f:
    json.dump({"exit": code, "modules": sorted(sys.modules)}, f)
"""


def heavy_loaded(modules: list[str]) -> list[str]:
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


def run_probe(tmp_path: Path, *argv: str) -> tuple[int, list[str]]:
    out = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv), str(out)],
        cwd=tmp_path,
        capture_output=True,
        check=True,
        timeout=60,
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    return result["exit"], result["modules"]


def test_importing_the_cli_imports_no_heavy_library() -> None:
    code = "import json, sys, digest.cli; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    modules = json.loads(done.stdout)
    assert "digest.cli" in modules
    assert heavy_loaded(modules) == []


@pytest.mark.parametrize(
    ("argv", "exit_code"),
    [
        (["--version"], 0),
        (["--help"], 0),
        (["build", "--help"], 0),
        (["build", "--config", "missing.yaml"], 2),
        (["build", "--config", "invalid.yaml"], 2),
        (["collect", "--config", "invalid.yaml"], 2),
    ],
)
def test_answers_without_heavy_imports(tmp_path: Path, argv: list[str], exit_code: int) -> None:
    # The repository's own config with one bad key: every section, summary.language included,
    # is validated before the error is found.
    config = (REPO / "config.yaml").read_text(encoding="utf-8")
    (tmp_path / "invalid.yaml").write_text(config + "\nnot_a_setting: 1\n", encoding="utf-8")
    code, modules = run_probe(tmp_path, *argv)
    assert code == exit_code
    assert heavy_loaded(modules) == []


def test_the_probe_sees_heavy_imports_when_a_command_runs(tmp_path: Path) -> None:
    # The check above is only worth something if a command that works does load them.
    (tmp_path / "a.txt").write_text("A sentence about the harbour. Another one.\n", "utf-8")
    code, modules = run_probe(tmp_path, "summarize", "a.txt")
    assert code == 0
    assert "sumy" in heavy_loaded(modules)
