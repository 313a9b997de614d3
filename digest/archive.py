"""The archive of briefings: `index.html` listing every briefing, newest first, and `feed.xml`.

Both are rebuilt from the folder itself, so they always list exactly the `<date>.html` files
present. What each entry shows beyond its date (counts and headlines) comes from the
briefing's JSON, `<date>.json`, written beside it when it is built (`digest.briefing_json`;
the small record of counts and headlines that earlier versions wrote there is read too); a
briefing without one (built before, or copied in) is listed by its date alone.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from digest.briefing_json import briefing_json
from digest.deliver import write_atomically
from digest.model import Briefing
from digest.render import make_environment

__all__ = [
    "ArchiveEntry",
    "read_entries",
    "sidecar_path",
    "write_archive",
    "write_sidecar",
]

log = logging.getLogger(__name__)

_BRIEFING_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.html$")
_HEADLINES_KEPT = 10


@dataclass(frozen=True, slots=True)
class ArchiveEntry:
    """One briefing as the archive lists it."""

    date: dt.date
    href: str  # "<date>.html", relative to the archive folder
    updated: dt.datetime  # when it was generated (midnight UTC of its date when unknown)
    stories: int | None = None  # None: no sidecar, counts unknown
    articles: int | None = None
    outlets: int | None = None
    headlines: tuple[str, ...] = ()


def sidecar_path(out_dir: Path, date: dt.date) -> Path:
    return out_dir / f"{date.isoformat()}.json"


def write_sidecar(briefing: Briefing, out_dir: Path) -> Path:
    """Write `briefing`'s JSON as `<date>.json`, where the archive reads its counts and headlines.

    `digest build` writes it with the Markdown and HTML (`digest.deliver`); this is for
    callers that archive a briefing without delivering it.
    """
    path = sidecar_path(out_dir, briefing.date)
    write_atomically(path, briefing_json(briefing))
    return path


def read_entries(out_dir: Path) -> tuple[ArchiveEntry, ...]:
    """Every `<date>.html` briefing in `out_dir`, newest first."""
    entries = []
    for path in out_dir.glob("*.html") if out_dir.is_dir() else ():
        if (match := _BRIEFING_NAME.match(path.name)) is None:
            continue
        try:
            date = dt.date.fromisoformat(match.group(1))
        except ValueError:
            continue  # 2022-13-45.html: not a briefing of ours
        entries.append(_entry(out_dir, date))
    return tuple(sorted(entries, key=lambda e: e.date, reverse=True))


def write_archive(
    out_dir: Path,
    *,
    now: dt.datetime,
    briefing: Briefing | None = None,
    title: str = "News digest",
    base_url: str | None = None,
    environment: jinja2.Environment | None = None,
) -> tuple[Path, Path]:
    """Rebuild `index.html` and `feed.xml` in `out_dir`; record `briefing`'s sidecar first.

    `base_url` (where the folder is served) makes the feed's links absolute; without it they
    are relative to the feed, which feed readers resolve against the feed's own address.
    """
    if briefing is not None:
        write_sidecar(briefing, out_dir)
    environment = environment or make_environment()
    entries = read_entries(out_dir)
    base = base_url.rstrip("/") + "/" if base_url else ""
    context = {
        "title": title,
        "entries": entries,
        "now": now,
        "updated": max((e.updated for e in entries), default=now),
        "base_url": base,
        "feed_id": f"{base}feed.xml" if base else "tag:digest,2022-01-01:briefings",
    }
    index_path, feed_path = out_dir / "index.html", out_dir / "feed.xml"
    write_atomically(index_path, environment.get_template("index.html.j2").render(context))
    write_atomically(feed_path, environment.get_template("feed.xml.j2").render(context))
    log.info("archive: %d briefings listed in %s", len(entries), index_path)
    return index_path, feed_path


def _entry(out_dir: Path, date: dt.date) -> ArchiveEntry:
    href = f"{date.isoformat()}.html"
    midnight = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    path = sidecar_path(out_dir, date)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        updated = dt.datetime.fromisoformat(record["generated_at"])
        if isinstance(record["stories"], list):  # the whole briefing
            counts = record["counts"]
            stories = int(counts["stories"])
            headlines = [story["headline"] for story in record["stories"][:_HEADLINES_KEPT]]
        else:  # the record of counts and headlines that earlier versions wrote
            counts, stories, headlines = record, int(record["stories"]), record["headlines"]
        return ArchiveEntry(
            date=date,
            href=href,
            updated=updated if updated.tzinfo is not None else updated.replace(tzinfo=dt.UTC),
            stories=stories,
            articles=int(counts["articles"]),
            outlets=int(counts["outlets"]),
            headlines=tuple(str(h) for h in headlines),
        )
    except FileNotFoundError:
        return ArchiveEntry(date=date, href=href, updated=midnight)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s: unreadable archive record (%s); listing the briefing by date", path, exc)
        return ArchiveEntry(date=date, href=href, updated=midnight)
