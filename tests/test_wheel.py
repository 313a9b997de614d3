"""The wheel is a working tool: built from the source tree, installed into a fresh virtual
environment, it builds a briefing in an empty folder (issue 12: `pipx install`, a wheel).

Offline: the wheel is built with the project venv's setuptools (`--no-build-isolation`), and the
fresh environment reaches the already installed dependencies through a .pth file instead of
downloading them; only the wheel's own files are installed into it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, SEEDS
from tests.golden import GOLDEN_DATE, GOLDEN_MARKDOWN

# Left out of the copy the wheel is built from: environments, caches and earlier build output.
NOT_SOURCE = (
    ".venv",
    ".git",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    "briefings",
    ".digest",
)


def build_wheel(work: Path) -> Path:
    # A copy, so that the build's own build/ and egg-info folders never land in the clone.
    source = work / "source"
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    wheels = work / "wheels"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    run([*command, "--quiet", "--wheel-dir", str(wheels), str(source)])
    (wheel,) = wheels.glob("digest-*.whl")
    return wheel


def install_into_fresh_venv(wheel: Path, venv: Path) -> Path:
    """A venv holding only the wheel's files; the dependencies are the project venv's."""
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install"]
    run([*pip, "--no-deps", "--no-index", "--no-compile", "--quiet", str(wheel)])
    # Written after the install, so that pip never sees the project's own (editable) digest.
    # A path listed in a .pth file is added to sys.path but its own .pth files are not read,
    # so the editable install's import hook stays out of the fresh venv.
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]))
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "project-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", "utf-8")
    return venv / "bin" / "digest"


def run(argv: list[str], cwd: Path | None = None) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        argv, cwd=cwd, env=environment, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{argv}: exit {done.returncode}\n{done.stderr}"
    return done.stdout.strip()


@pytest.mark.slow
def test_the_installed_wheel_builds_a_briefing_in_an_empty_folder(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)

    # The wheel carries every built-in template, byte for byte the top-level templates/ folder.
    templates = {
        p.relative_to(REPO / "templates").as_posix(): p.read_bytes()
        for p in sorted((REPO / "templates").rglob("*"))
        if p.is_file()
    }
    with zipfile.ZipFile(wheel) as archive:
        packed = {
            name.removeprefix("digest/templates/"): archive.read(name)
            for name in archive.namelist()
            if name.startswith("digest/templates/")
        }
    assert templates
    assert packed == templates

    digest = install_into_fresh_venv(wheel, tmp_path / "venv")
    # An empty folder: a config, two articles, nothing of the clone.
    folder = tmp_path / "empty"
    (folder / "articles").mkdir(parents=True)
    python = str(digest.parent / "python")
    code = "import digest.render; print(digest.render.__file__)"
    assert Path(run([python, "-c", code], cwd=folder)).is_relative_to(tmp_path / "venv")
    version = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert run([str(digest), "--version"], cwd=folder).endswith(version)

    articles = sorted(SEEDS.glob("*.txt"))[:2]
    for article in articles:
        shutil.copy(article, folder / "articles" / article.name)
    (folder / "config.yaml").write_text(
        "sources:\n  files: [articles]\noutput:\n  dir: out\n", encoding="utf-8"
    )
    printed = run([str(digest), "build", "--date", GOLDEN_DATE, "--no-email"], cwd=folder)

    out = folder / "out"
    markdown = (out / f"{GOLDEN_DATE}.md").read_text("utf-8")
    html = (out / f"{GOLDEN_DATE}.html").read_text("utf-8")
    assert str(out / f"{GOLDEN_DATE}.md") in printed
    assert (out / f"{GOLDEN_DATE}.json").is_file()
    # Rendered by the packaged templates: the golden briefing's heading, in Markdown and HTML,
    # and the articles' headlines (their first lines) among the stories.
    heading = GOLDEN_MARKDOWN.read_text("utf-8").splitlines()[0]
    assert markdown.splitlines()[0] == heading
    assert f"<h1>{heading.removeprefix('# ')}</h1>" in html
    for article in articles:
        headline = article.read_text("utf-8").splitlines()[0]
        assert headline in markdown
        assert headline in html
    assert "{{" not in markdown
    assert "{{" not in html
