"""The archive of briefings: `index.html` listing every briefing, newest first, and `feed.xml`.

Both are rebuilt from `Briefings`: sources of briefing dates and their JSON, which an output
folder (`FolderBriefings`: its `<date>.html` files) and the store
(`digest.store.outputs.KeptBriefings`) both are; one rendering lists them together. What each
entry shows beyond its date (counts and headlines) comes from the briefing's JSON
(`digest.briefing_json`; the small record of counts and headlines that earlier versions wrote
as `<date>.json` is read too); a briefing without one (built before, or copied in) is listed
by its date alone.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import jinja2

from digest.briefing_json import briefing_json
from digest.deliver import write_atomically, write_if_changed
from digest.model import Briefing
from digest.render import make_environment

__all__ = [
    "ArchiveEntry",
    "Briefings",
    "FolderBriefings",
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


class Briefings(Protocol):
    """Where the archive finds briefings: dates with an HTML page, and each one's JSON."""

    def dates(self) -> Iterable[dt.date]:
        """The dates of the briefings, in any order."""
        ...

    def record(self, date: dt.date) -> str | None:
        """The briefing's JSON, None when there is none; OSError when it cannot be read."""
        ...

    def where(self, date: dt.date) -> str:
        """Where the record is, for a warning about it."""
        ...


class FolderBriefings:
    """The briefings in an output folder: every `<date>.html`, with `<date>.json` beside it."""

    def __init__(self, out_dir: Path) -> None:
        self._out_dir = out_dir

    def dates(self) -> Iterable[dt.date]:
        for path in self._out_dir.glob("*.html") if self._out_dir.is_dir() else ():
            if (match := _BRIEFING_NAME.match(path.name)) is None:
                continue
            try:
                yield dt.date.fromisoformat(match.group(1))
            except ValueError:
                continue  # 2022-13-45.html: not a briefing of ours

    def record(self, date: dt.date) -> str | None:
        try:
            return sidecar_path(self._out_dir, date).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def where(self, date: dt.date) -> str:
        return str(sidecar_path(self._out_dir, date))


def read_entries(*sources: Briefings | Path) -> tuple[ArchiveEntry, ...]:
    """Every briefing of `sources` (a folder: its `<date>.html` files), newest first.

    A date that several sources have is listed from the first of them.
    """
    owners: dict[dt.date, Briefings] = {}
    for source in sources:
        briefings = FolderBriefings(source) if isinstance(source, Path) else source
        for date in briefings.dates():
            owners.setdefault(date, briefings)
    entries = [_entry(owner, date) for date, owner in owners.items()]
    return tuple(sorted(entries, key=lambda e: e.date, reverse=True))


def write_archive(
    out_dir: Path,
    *,
    now: dt.datetime,
    briefing: Briefing | None = None,
    sources: Sequence[Briefings] = (),
    title: str = "News digest",
    base_url: str | None = None,
    environment: jinja2.Environment | None = None,
) -> tuple[Path, ...]:
    """Rebuild `index.html` and `feed.xml` in `out_dir`; returns those whose content changed.

    They list the briefings of `sources` and the folder's own (a date in both is listed from
    the first source that has it); `briefing`'s sidecar is recorded first. A file whose
    content is unchanged is left as it is, time stamp and all. `base_url` (where the folder is
    served) makes the feed's links absolute; without it they are relative to
    the feed, which feed readers resolve against the feed's own address.
    """
    if briefing is not None:
        write_sidecar(briefing, out_dir)
    environment = environment or make_environment()
    entries = read_entries(*sources, out_dir)
    base = base_url.rstrip("/") + "/" if base_url else ""
    context = {
        "title": title,
        "entries": entries,
        "now": now,
        "updated": max((e.updated for e in entries), default=now),
        "base_url": base,
        "feed_id": f"{base}feed.xml" if base else "tag:digest,2022-01-01:briefings",
    }
    written = tuple(
        path
        for path, template in (
            (out_dir / "index.html", "index.html.j2"),
            (out_dir / "feed.xml", "feed.xml.j2"),
        )
        if write_if_changed(path, environment.get_template(template).render(context))
    )
    log.info("archive: %d briefings listed in %s", len(entries), out_dir / "index.html")
    return written


def _entry(briefings: Briefings, date: dt.date) -> ArchiveEntry:
    href = f"{date.isoformat()}.html"
    midnight = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    try:
        text = briefings.record(date)
        if text is None:
            return ArchiveEntry(date=date, href=href, updated=midnight)
        record = json.loads(text)
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
    except (OSError, ValueError, KeyError, TypeError) as exc:
        where = briefings.where(date)
        log.warning("%s: unreadable archive record (%s); listing the briefing by date", where, exc)
        return ArchiveEntry(date=date, href=href, updated=midnight)
