"""Seen articles: the memory that makes an article appear in one briefing only.

Every document collected is remembered under the keys `digest.identity` gives it: its GUID
(scoped to its feed), its URL key and a fingerprint of its title and text. The key strings are
kept for good, so they must stay what earlier releases wrote.
A document matching any key of a remembered article *is* that article: the same story from
two feeds, the same entry in the next run, an entry whose feed changed its GUIDs. New keys of
a known article are added to it, so it stays known under every name it has used.

"New since the last briefing" is decided on the remembered articles, not on what a run
happened to fetch (a 304 fetches nothing): `select_new` returns the articles first seen
after the last successful build, which survives builds that failed half-way.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence

from digest.identity import distinct_keys, document_keys
from digest.model import Published, RawDocument
from digest.store import Store, register_schema

__all__ = [
    "SCHEMA",
    "TEXT_RETENTION",
    "is_known",
    "remember",
    "remember_and_select_new",
    "select_new",
]

# --- The store ---

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_items (
    id          INTEGER PRIMARY KEY,
    first_seen  TEXT NOT NULL,      -- UTC ISO 8601: the run that first collected it
    last_seen   TEXT NOT NULL,
    origin      TEXT NOT NULL,      -- feed URL or file path it first came from
    title       TEXT,
    url         TEXT,
    outlet      TEXT,
    published   TEXT,               -- ISO 8601: date, naive or aware datetime as the source said
    guid        TEXT,
    category    TEXT,
    text        TEXT                -- NULL once older than the text retention
);
CREATE INDEX IF NOT EXISTS seen_items_first_seen ON seen_items (first_seen);
CREATE TABLE IF NOT EXISTS seen_keys (
    key         TEXT PRIMARY KEY,   -- 'guid:<feed> <guid>', 'url:<canonical>', 'text:<sha256>'
    item_id     INTEGER NOT NULL REFERENCES seen_items (id) ON DELETE CASCADE,
    last_seen   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_keys_item ON seen_keys (item_id);
"""
register_schema(SCHEMA)

# Article texts are kept this long (for builds that come late); keys are kept for good.
TEXT_RETENTION = dt.timedelta(days=60)


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("`now` must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat()


def _date_out(value: Published | None) -> str | None:
    return None if value is None else value.isoformat()


def _date_in(value: str | None) -> Published | None:
    if not value:
        return None
    if len(value) == 10:
        return Published(dt.date.fromisoformat(value))
    return Published.of(dt.datetime.fromisoformat(value))


def remember(
    store: Store, documents: Sequence[RawDocument], *, now: dt.datetime
) -> tuple[int | None, ...]:
    """Remember `documents`; return each one's article id (None for one with no keys).

    A document matching a remembered article gets that article's id (the oldest, if its keys
    name several) and adds its keys to it; otherwise it becomes a new article first seen `now`.
    """
    stamp = _iso(now)
    ids: list[int | None] = []
    with store.transaction() as connection:
        for doc, keys in zip(documents, distinct_keys(documents), strict=True):
            if not keys:
                ids.append(None)
                continue
            item_id = _lookup(connection, keys)
            if item_id is None:
                item_id = _insert(connection, doc, stamp)
            else:
                # A longer text of the same article (the full page where a run before only
                # got the summary) replaces the kept one while it is kept at all.
                connection.execute(
                    "UPDATE seen_items SET last_seen = ?, text = CASE"
                    " WHEN text IS NOT NULL AND length(?) > length(text) THEN ? ELSE text END"
                    " WHERE id = ?",
                    (stamp, doc.text, doc.text, item_id),
                )
            connection.executemany(
                "INSERT INTO seen_keys (key, item_id, last_seen) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET last_seen = excluded.last_seen",
                [(key, item_id, stamp) for key in keys],
            )
            ids.append(item_id)
    return tuple(ids)


def _lookup(connection: sqlite3.Connection, keys: Sequence[str]) -> int | None:
    marks = ",".join("?" * len(keys))
    row = connection.execute(
        f"SELECT MIN(item_id) FROM seen_keys WHERE key IN ({marks})",  # noqa: S608 -- only ?s
        tuple(keys),
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _insert(connection: sqlite3.Connection, doc: RawDocument, stamp: str) -> int:
    cursor = connection.execute(
        "INSERT INTO seen_items (first_seen, last_seen, origin, title, url, outlet, published,"
        " guid, category, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            stamp,
            stamp,
            doc.origin,
            doc.title,
            doc.url,
            doc.outlet,
            _date_out(doc.published),
            doc.guid,
            doc.category,
            doc.text,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def is_known(store: Store, doc: RawDocument) -> bool:
    """Whether any key of `doc` names a remembered article."""
    keys = document_keys(doc)
    return bool(keys) and _lookup(store.connection, keys) is not None


def select_new(
    store: Store,
    *,
    now: dt.datetime,
    last_build: dt.datetime | None,
    first_window_days: int,
) -> tuple[RawDocument, ...]:
    """Remembered articles that are new for a build at `now`, oldest first.

    New means first seen after `last_build` (the previous successful build), and not
    published before the window start: `first_window_days` before `last_build`, or before
    `now` for the first build. The window keeps a newly added feed's archive (all first
    seen today) out of the briefing. Undated articles are taken; a naive time is compared
    as if it were UTC (its zone is unknown; the error is at most a day of the window).
    """
    anchor = last_build if last_build is not None else now
    window_start = anchor - dt.timedelta(days=first_window_days)
    after = _iso(last_build) if last_build is not None else ""
    rows = store.connection.execute(
        "SELECT * FROM seen_items WHERE first_seen > ? AND text IS NOT NULL"
        " ORDER BY first_seen, id",
        (after,),
    ).fetchall()
    documents = []
    for row in rows:
        published = _date_in(row["published"])
        if published is not None and published.is_before(window_start):
            continue
        documents.append(
            RawDocument(
                origin=row["origin"],
                text=row["text"],
                title=row["title"],
                url=row["url"],
                outlet=row["outlet"],
                published=published,
                guid=row["guid"],
                category=row["category"],
            )
        )
    return tuple(documents)


def remember_and_select_new(
    store: Store,
    documents: Iterable[RawDocument],
    *,
    now: dt.datetime,
    last_build: dt.datetime | None,
    first_window_days: int,
) -> tuple[RawDocument, ...]:
    """`remember` the documents, forget old texts, then `select_new`: one call per build."""
    remember(store, tuple(documents), now=now)
    forget_texts(store, before=min(now - TEXT_RETENTION, last_build or now))
    return select_new(store, now=now, last_build=last_build, first_window_days=first_window_days)


def forget_texts(store: Store, *, before: dt.datetime) -> int:
    """Drop the texts (not the keys) of articles first seen before `before`; return how many."""
    with store.transaction() as connection:
        cursor = connection.execute(
            "UPDATE seen_items SET text = NULL WHERE first_seen < ? AND text IS NOT NULL",
            (_iso(before),),
        )
    return cursor.rowcount
