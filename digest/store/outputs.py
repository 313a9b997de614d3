"""Rendered briefings kept in the store: each date's Markdown, HTML and JSON, as built.

One row per briefing date and format, replaced when the date is rebuilt, so any instance
sharing the store can publish the whole archive (`digest export`, docs/scaling.md) whichever
instance built which day. Each row carries the SHA-256 of its content: a publisher compares
the files it has with the kept ones without loading any content.

Times are stored as ISO 8601 in UTC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from digest.store import Store
from digest.store._schema import METADATA, upsert

__all__ = [
    "BRIEFING_OUTPUTS",
    "FORMATS",
    "KeptBriefings",
    "KeptOutput",
    "content_hash",
    "kept_outputs",
    "load_content",
    "save_outputs",
]

# The formats a briefing is rendered in, named by their file suffix (`digest.deliver`).
FORMATS = ("md", "html", "json")

BRIEFING_OUTPUTS = sa.Table(
    "briefing_outputs",
    METADATA,
    sa.Column("date", sa.Text, primary_key=True),  # ISO date of the briefing
    sa.Column(
        "format",
        sa.Text,
        sa.CheckConstraint("format IN ('md', 'html', 'json')"),
        primary_key=True,
    ),
    sa.Column("sha256", sa.Text, nullable=False),  # of the content in UTF-8, hex
    sa.Column("generated_at", sa.Text, nullable=False),  # the build's `now`
    sa.Column("built_by", sa.Text, nullable=False),  # the host name of the instance
    # Last: SQLite reads the columns before a long value without its overflow pages.
    sa.Column("content", sa.Text, nullable=False),
)


@dataclass(frozen=True, slots=True)
class KeptOutput:
    """One kept file of a briefing, without its content."""

    date: dt.date
    format: str
    sha256: str
    generated_at: dt.datetime
    built_by: str

    @property
    def name(self) -> str:
        """Its file name in an output folder: `<date>.<format>`."""
        return f"{self.date.isoformat()}.{self.format}"


def content_hash(text: str) -> str:
    """The SHA-256 of `text` in UTF-8: of the file `digest.deliver` writes from it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save_outputs(
    store: Store,
    *,
    date: dt.date,
    files: Mapping[str, str],
    generated_at: dt.datetime,
    built_by: str,
) -> None:
    """Keep `date`'s rendered files (format -> content), replacing those of an earlier build.

    Every format must be given: a rebuild leaves nothing of the build before it.
    """
    if generated_at.tzinfo is None:
        raise ValueError(f"output times must be timezone-aware, got {generated_at.isoformat()}")
    if sorted(files) != sorted(FORMATS):
        raise ValueError(f"expected the formats {', '.join(FORMATS)}, got {', '.join(files)}")
    rows = [
        {
            "date": date.isoformat(),
            "format": format_,
            "content": files[format_],
            "sha256": content_hash(files[format_]),
            "generated_at": generated_at.astimezone(dt.UTC).isoformat(),
            "built_by": built_by,
        }
        for format_ in FORMATS
    ]
    with store.transaction() as db:
        insert = upsert(db, BRIEFING_OUTPUTS)
        db.execute(
            insert.on_conflict_do_update(
                index_elements=[BRIEFING_OUTPUTS.c.date, BRIEFING_OUTPUTS.c.format],
                set_={
                    name: insert.excluded[name]
                    for name in ("content", "sha256", "generated_at", "built_by")
                },
            ),
            rows,
        )


def kept_outputs(store: Store) -> list[KeptOutput]:
    """Every kept file, by date and then format, without the content."""
    columns = BRIEFING_OUTPUTS.c
    rows = store.connection.execute(
        sa.select(
            columns.date, columns.format, columns.sha256, columns.generated_at, columns.built_by
        ).order_by(columns.date, columns.format)
    ).mappings()
    return [
        KeptOutput(
            date=dt.date.fromisoformat(row["date"]),
            format=row["format"],
            sha256=row["sha256"],
            generated_at=dt.datetime.fromisoformat(row["generated_at"]),
            built_by=row["built_by"],
        )
        for row in rows
    ]


def load_content(store: Store, date: dt.date, format_: str) -> str | None:
    """The kept content of `date`'s `format_` file, or None when none is kept."""
    content = store.connection.execute(
        sa.select(BRIEFING_OUTPUTS.c.content).where(
            BRIEFING_OUTPUTS.c.date == date.isoformat(), BRIEFING_OUTPUTS.c.format == format_
        )
    ).scalar_one_or_none()
    return None if content is None else str(content)


class KeptBriefings:
    """The briefings kept in the store, as the archive reads them (`digest.archive.Briefings`).

    Content is loaded a date at a time: a long archive is never in memory at once.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def dates(self) -> Iterator[dt.date]:
        """Dates with a kept HTML page (what the archive links to)."""
        dates = self._store.connection.execute(
            sa.select(BRIEFING_OUTPUTS.c.date)
            .where(BRIEFING_OUTPUTS.c.format == "html")
            .order_by(BRIEFING_OUTPUTS.c.date)
        ).scalars()
        return (dt.date.fromisoformat(date) for date in dates.all())

    def record(self, date: dt.date) -> str | None:
        """The briefing's JSON, or None when none is kept."""
        return load_content(self._store, date, "json")

    def where(self, date: dt.date) -> str:
        return f"the store's {date.isoformat()}.json"
