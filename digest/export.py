"""Publishing the archive from the store: every kept briefing's files, `index.html`, `feed.xml`.

Each build keeps its rendered files in the store (`digest.store.outputs`), so the archive is
whole in any instance sharing the store, whichever instance built which day. `publish` makes
an output folder hold it: `digest export` any folder, and every build its own
(`digest.pipeline`). Only files whose content differs are written, compared by SHA-256 with
the store's (an unchanged archive costs reading the files, not loading the store's copies);
an unchanged file keeps its time stamp, so rsync and HTTP caches see nothing new. See
docs/scaling.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path

import jinja2

from digest import archive, deliver
from digest.store import Store
from digest.store import outputs as kept

__all__ = ["publish"]

log = logging.getLogger(__name__)


def publish(
    store: Store,
    out_dir: Path,
    *,
    now: dt.datetime,
    environment: jinja2.Environment,
    base_url: str | None = None,
) -> tuple[Path, ...]:
    """Write the store's briefings into `out_dir` where they differ, then the archive of all
    of them (and of any other briefing in the folder); returns the files written, in order.

    `now` dates only an empty archive's feed: everything else comes from the briefings.
    """
    written: list[Path] = []
    for output in kept.kept_outputs(store):
        path = out_dir / output.name
        if _sha256(path) == output.sha256:
            continue
        content = kept.load_content(store, output.date, output.format)
        if content is None:  # kept rows are replaced, never removed; but a database is shared
            continue
        deliver.write_atomically(path, content)
        written.append(path)
    written += archive.write_archive(
        out_dir,
        now=now,
        sources=[kept.KeptBriefings(store)],
        environment=environment,
        base_url=base_url,
    )
    log.info("export: %d files written in %s", len(written), out_dir)
    return tuple(written)


def _sha256(path: Path) -> str | None:
    """The file's SHA-256 (of its bytes, as `kept.content_hash` hashes the text's UTF-8
    encoding, which is how `deliver` writes it), or None when it cannot be read."""
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None
