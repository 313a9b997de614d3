"""Whether files can be made in a folder, asked before a run writes anything (pure reads).

The one home of these checks: `digest check` and the checks every command runs at start
(`digest.check`), the store before it is opened (`digest.store.check_place`) and the output
folder before a build collects (`digest.deliver.prepare_output_dir`) all ask here.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["file_in_the_way", "folder_problem", "store_problem"]


def file_in_the_way(path: Path) -> Path | None:
    """The file standing where `path` or one of its folders must be, if any."""
    for ancestor in (path, *path.parents):
        if ancestor.is_file():
            return ancestor
    return None


def folder_problem(folder: Path) -> str | None:
    """Why files cannot be written in `folder` (made if missing), or None if they can."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, not a folder" + (
            f", so {folder} cannot be made" if existing != folder else ""
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        made = "written in" if existing == folder else f"made ({existing} is not writable)"
        return f"{folder} cannot be {made}"
    return None


def store_problem(path: Path) -> str | None:
    """Why `path` cannot be a store file (SQLite also writes its journal beside it), or None."""
    if path.is_dir():
        return f"{path} is a folder, not a file"
    if reason := folder_problem(path.parent):
        return reason
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"{path} cannot be read and written"
    return None
