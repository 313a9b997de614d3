"""Write a rendered briefing to disk: `<dir>/<date>.md`, `.html` and `.json`.

Files are written to a temporary name and renamed, so a reader (or a crash) never sees half a
briefing. Always as UTF-8 with `\n` line ends: a file's bytes are its text's, which is what
lets a publisher compare them with the store's (`digest.export`).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from digest.errors import FileError
from digest.places import file_in_the_way
from digest.render import RenderedBriefing

__all__ = [
    "FORMATS",
    "briefing_files",
    "briefing_paths",
    "os_reason",
    "prepare_output_dir",
    "write_atomically",
    "write_briefing",
    "write_if_changed",
]

# The files of a briefing, by suffix, in the order `briefing_paths` gives them.
FORMATS = ("md", "html", "json")


def briefing_paths(out_dir: Path, date: dt.date) -> tuple[Path, Path, Path]:
    markdown, html, json = (out_dir / f"{date.isoformat()}.{suffix}" for suffix in FORMATS)
    return markdown, html, json


def briefing_files(rendered: RenderedBriefing) -> dict[str, str]:
    """The briefing's files' contents by suffix (`FORMATS`)."""
    return {"md": rendered.markdown, "html": rendered.html, "json": rendered.json}


def write_briefing(rendered: RenderedBriefing, *, out_dir: Path, date: dt.date) -> tuple[Path, ...]:
    paths, files = briefing_paths(out_dir, date), briefing_files(rendered)
    for path, suffix in zip(paths, FORMATS, strict=True):
        write_atomically(path, files[suffix])
    return paths


def prepare_output_dir(out_dir: Path) -> None:
    """Create `out_dir` if needed and prove a file can be written there; FileError if not.

    Called before a build collects anything, so a mistyped or read-only `--out` fails in a
    second, not after the whole pipeline ran. Writing a file is the only true test: access
    checks miss read-only mounts, ACLs and full disks.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileError(out_dir, f"cannot create the output folder: {os_reason(exc)}") from exc
    try:
        handle, probe = tempfile.mkstemp(prefix=".digest-probe.", dir=out_dir)
    except OSError as exc:
        raise FileError(out_dir, f"cannot write in the output folder: {os_reason(exc)}") from exc
    os.close(handle)
    Path(probe).unlink(missing_ok=True)


def os_reason(exc: OSError) -> str:
    """The OS's reason in words, and which part of a path is a file where a folder must be."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, NotADirectoryError | FileExistsError) and exc.filename is not None:
        blocker = file_in_the_way(Path(exc.filename))
        if blocker is not None:
            reason += f" ({blocker} is a file)"
    return reason


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file; FileError naming `path` on failure."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise FileError(path, f"cannot write: {os_reason(exc)}") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        # mkstemp makes the file private; a briefing is meant to be read (web server, archive).
        Path(temporary).chmod(0o644)
        Path(temporary).replace(path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):  # a full disk, a quota: name the file, not the temporary
            raise FileError(path, f"cannot write: {os_reason(exc)}") from exc
        raise


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` to `path` (atomically) unless the file already holds it; True if written.

    An unchanged file keeps its time stamp, so mirrors (rsync) and HTTP caches
    (Last-Modified, ETag) see nothing new.
    """
    try:
        if path.read_bytes() == text.encode("utf-8"):
            return False
    except OSError:
        pass  # missing or unreadable: write it, and let a real problem be named there
    write_atomically(path, text)
    return True
