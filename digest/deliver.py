"""Write a rendered briefing to disk: `<dir>/<date>.md`, `.html` and `.json`.

Files are written to a temporary name and renamed, so a reader (or a crash) never sees half a
briefing.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from digest.render import RenderedBriefing

__all__ = ["briefing_paths", "write_atomically", "write_briefing"]


def briefing_paths(out_dir: Path, date: dt.date) -> tuple[Path, Path, Path]:
    stem = date.isoformat()
    return out_dir / f"{stem}.md", out_dir / f"{stem}.html", out_dir / f"{stem}.json"


def write_briefing(rendered: RenderedBriefing, *, out_dir: Path, date: dt.date) -> tuple[Path, ...]:
    markdown_path, html_path, json_path = briefing_paths(out_dir, date)
    write_atomically(markdown_path, rendered.markdown)
    write_atomically(html_path, rendered.html)
    write_atomically(json_path, rendered.json)
    return markdown_path, html_path, json_path


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        # mkstemp makes the file private; a briefing is meant to be read (web server, archive).
        Path(temporary).chmod(0o644)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
