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

Articles a refresh round finds between builds (docs/feeds.md, "Refreshing between builds") are
remembered at once but wait in `refreshed_items`: the next build takes them and stamps them
first seen at its own time, so neither a machine's clock nor a round that commits while a
build is selecting can make one miss a briefing or show in two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

import sqlalchemy as sa

from digest.identity import distinct_keys, document_keys
from digest.model import Published, RawDocument
from digest.store import Store
from digest.store._schema import METADATA, upsert

__all__ = [
    "REFRESHED_ITEMS",
    "SEEN_ITEMS",
    "SEEN_KEYS",
    "TEXT_RETENTION",
    "is_known",
    "remember",
    "remember_and_select_new",
    "remember_in",
    "select_new",
    "take_refreshed",
]

SEEN_ITEMS = sa.Table(
    "seen_items",
    METADATA,
    # SQLite's rowid: never NULL, though the table (revision 0001) does not say NOT NULL; said
    # here so that SQLAlchemy can return the ids of a batch of inserts in order.
    sa.Column("id", sa.Integer, primary_key=True, nullable=False),
    sa.Column("first_seen", sa.Text, nullable=False),  # UTC ISO 8601: the run that first saw it
    sa.Column("last_seen", sa.Text, nullable=False),
    sa.Column("origin", sa.Text, nullable=False),  # feed URL or file path it first came from
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("published", sa.Text),  # ISO 8601: date, naive or aware datetime as the source said
    sa.Column("guid", sa.Text),
    sa.Column("category", sa.Text),
    sa.Column("text", sa.Text),  # NULL once older than the text retention
    sa.Index("seen_items_first_seen", "first_seen"),
)
SEEN_KEYS = sa.Table(
    "seen_keys",
    METADATA,
    sa.Column("key", sa.Text, primary_key=True),  # the keys of digest.identity.document_keys
    sa.Column(
        "item_id", sa.Integer, sa.ForeignKey("seen_items.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("last_seen", sa.Text, nullable=False),
    sa.Index("seen_keys_item", "item_id"),
    sqlite_with_rowid=False,
)
# Articles a refresh round remembered that no build has taken yet (revision 0004).
REFRESHED_ITEMS = sa.Table(
    "refreshed_items",
    METADATA,
    sa.Column(
        "item_id",
        sa.Integer,
        sa.ForeignKey("seen_items.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
)

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
    Documents are taken in order, so one matching a document before it in the batch is that
    document's article.
    """
    with store.transaction() as db:
        return remember_in(db, documents, now=now)


def remember_in(
    db: sa.Connection,
    documents: Sequence[RawDocument],
    *,
    now: dt.datetime,
    refreshed: bool = False,
) -> tuple[int | None, ...]:
    """`remember` inside the caller's transaction (with what else must commit with it).

    `refreshed`: found by a refresh round between builds; the new articles wait for the next
    build (`take_refreshed`) instead of counting as first seen `now`.
    """
    stamp = _iso(now)
    all_keys = distinct_keys(documents)
    # Who owns each key: a stored article (0, id) or the n-th new one of this batch (1, n).
    # New articles get ids above every stored one, so the smallest owner is the oldest.
    owners: dict[str, tuple[int, int]] = {
        key: (0, item_id)
        for key, item_id in _lookup(db, {k for keys in all_keys for k in keys}).items()
    }
    fresh: list[RawDocument] = []
    chosen: list[tuple[int, int] | None] = []
    for doc, keys in zip(documents, all_keys, strict=True):
        if not keys:
            chosen.append(None)
            continue
        owner = min((owners[k] for k in keys if k in owners), default=None)
        if owner is None:
            owner = (1, len(fresh))
            fresh.append(doc)
        for key in keys:
            owners.setdefault(key, owner)
        chosen.append(owner)
    new_ids = _insert(db, fresh, stamp)
    ids = tuple(None if c is None else c[1] if c[0] == 0 else new_ids[c[1]] for c in chosen)
    _touch(db, documents, chosen, ids, stamp)
    keys_of = {k: i for keys, i in zip(all_keys, ids, strict=True) for k in keys}
    if keys_of:
        insert = upsert(db, SEEN_KEYS)
        db.execute(
            insert.on_conflict_do_update(
                index_elements=[SEEN_KEYS.c.key],
                set_={"last_seen": insert.excluded.last_seen},
            ),
            # Sorted: two instances storing overlapping keys lock them in the same order.
            [{"key": k, "item_id": i, "last_seen": stamp} for k, i in sorted(keys_of.items())],
        )
    if refreshed and new_ids:
        db.execute(REFRESHED_ITEMS.insert(), [{"item_id": i} for i in new_ids])
    return ids


# Keys per lookup: well under every database's limit of bound values in one statement.
_LOOKUP_CHUNK = 500


def _lookup(db: sa.Connection, keys: Collection[str]) -> dict[str, int]:
    """The stored article of each of `keys` that names one."""
    query = sa.select(SEEN_KEYS.c.key, SEEN_KEYS.c.item_id).where(
        SEEN_KEYS.c.key.in_(sa.bindparam("keys", expanding=True))
    )
    ordered = sorted(keys)
    found: dict[str, int] = {}
    for start in range(0, len(ordered), _LOOKUP_CHUNK):
        rows = db.execute(query, {"keys": ordered[start : start + _LOOKUP_CHUNK]})
        found.update((key, int(item_id)) for key, item_id in rows)
    return found


def _insert(db: sa.Connection, documents: Sequence[RawDocument], stamp: str) -> list[int]:
    """Store new articles first seen at `stamp`; their ids, in the documents' order."""
    if not documents:
        return []
    rows = [
        {
            "first_seen": stamp,
            "last_seen": stamp,
            "origin": doc.origin,
            "title": doc.title,
            "url": doc.url,
            "outlet": doc.outlet,
            "published": _date_out(doc.published),
            "guid": doc.guid,
            "category": doc.category,
            "text": doc.text,
        }
        for doc in documents
    ]
    # One statement for the batch, its ids returned in the rows' order.
    inserted = db.execute(
        SEEN_ITEMS.insert().returning(SEEN_ITEMS.c.id, sort_by_parameter_order=True), rows
    )
    return [int(item_id) for item_id in inserted.scalars()]


def _touch(
    db: sa.Connection,
    documents: Sequence[RawDocument],
    chosen: Sequence[tuple[int, int] | None],
    ids: Sequence[int | None],
    stamp: str,
) -> None:
    """Mark the articles seen again at `stamp`, each keeping the longest text it was given."""
    fresh_taken: set[int] = set()
    rows = []
    for doc, owner, item_id in zip(documents, chosen, ids, strict=True):
        if owner is None or item_id is None:
            continue
        if owner[0] == 1 and owner[1] not in fresh_taken:
            fresh_taken.add(owner[1])  # the document that made the article: nothing to update
            continue
        rows.append({"item": item_id, "stamp": stamp, "new_text": doc.text})
    if not rows:
        return
    text, new_text = SEEN_ITEMS.c.text, sa.bindparam("new_text", type_=sa.Text)
    # A longer text of the same article (the full page where a run before only got the
    # summary) replaces the kept one while it is kept at all.
    longer = sa.and_(text.is_not(None), sa.func.length(new_text) > sa.func.length(text))
    db.execute(
        SEEN_ITEMS.update()
        .where(SEEN_ITEMS.c.id == sa.bindparam("item"))
        .values(last_seen=sa.bindparam("stamp"), text=sa.case((longer, new_text), else_=text)),
        rows,
    )


def is_known(store: Store, doc: RawDocument) -> bool:
    """Whether any key of `doc` names a remembered article."""
    keys = document_keys(doc)
    return bool(keys) and bool(_lookup(store.connection, keys))


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
        sa.select(SEEN_ITEMS)
        .where(
            SEEN_ITEMS.c.first_seen > after,
            SEEN_ITEMS.c.text.is_not(None),
            # Refreshed since `take_refreshed` ran: the next build's.
            SEEN_ITEMS.c.id.not_in(sa.select(REFRESHED_ITEMS.c.item_id)),
        )
        .order_by(SEEN_ITEMS.c.first_seen, SEEN_ITEMS.c.id)
    ).mappings()
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
    """`remember` the documents, take the refreshed ones, forget old texts, then `select_new`:
    one call per build."""
    remember(store, tuple(documents), now=now)
    take_refreshed(store, now=now)
    forget_texts(store, before=min(now - TEXT_RETENTION, last_build or now))
    return select_new(store, now=now, last_build=last_build, first_window_days=first_window_days)


def forget_texts(store: Store, *, before: dt.datetime) -> int:
    """Drop the texts (not the keys) of articles first seen before `before`; return how many."""
    with store.transaction() as db:
        result = db.execute(
            SEEN_ITEMS.update()
            .where(SEEN_ITEMS.c.first_seen < _iso(before), SEEN_ITEMS.c.text.is_not(None))
            .values(text=None)
        )
    return result.rowcount


def take_refreshed(store: Store, *, now: dt.datetime) -> int:
    """Stamp the articles refresh rounds found as first seen `now`, for the build at `now`;
    return how many. Articles a round commits after this wait for the next build."""
    with store.transaction() as db:
        ids = sorted(db.execute(sa.select(REFRESHED_ITEMS.c.item_id)).scalars())
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            chunk = ids[start : start + _LOOKUP_CHUNK]
            db.execute(
                SEEN_ITEMS.update().where(SEEN_ITEMS.c.id.in_(chunk)).values(first_seen=_iso(now))
            )
            db.execute(REFRESHED_ITEMS.delete().where(REFRESHED_ITEMS.c.item_id.in_(chunk)))
    return len(ids)
