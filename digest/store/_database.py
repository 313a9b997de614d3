"""Opening a store: the engine, SQLite's settings, the schema version and upgrades.

A store's schema version is Alembic's: the `alembic_version` table names the newest migration
applied. Opening a store

- at `HEAD`: one query, no Alembic;
- with no tables: a new store, made by running every migration;
- with the tables but no version: a store written before versions existed (commit 28295c3,
  whose schema is revision 0001): a copy is kept, it is stamped 0001 and upgraded;
- at an older revision: a copy is kept, then the migrations run in order;
- at a revision this release does not know: written by a newer digest, refused (never
  migrated down).

The copy sits beside the file as `<name>.bak-<revision>` (docs/store.md).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from digest.errors import DigestError
from digest.store import check_place

__all__ = ["FIRST", "HEAD", "MIGRATIONS", "backups", "connect", "quiet_alembic"]

log = logging.getLogger(__name__)

# The newest revision in migrations/versions (a test holds the two together), so opening an
# up-to-date store needs no Alembic at all.
HEAD = "0003"
# The schema commit 28295c3 wrote without a version.
FIRST = "0001"
MIGRATIONS = Path(__file__).with_name("migrations")
# Tables of a store written before versions existed; any one of them makes a store old, not new.
_UNVERSIONED_TABLES = frozenset(
    {"runs", "deliveries", "feed_state", "seen_items", "seen_keys", "stories"}
)
_BUSY_TIMEOUT_MS = 30_000
_WHAT_TO_DO = "move it aside (mv {path} {path}.broken) and the next build starts a new store"


def connect(path: Path | str) -> sa.Connection:
    """A connection to an up-to-date store at `path` (made or upgraded as needed)."""
    memory = str(path) == ":memory:"
    if not memory:
        path = Path(path)
        check_place(path)
    engine = sa.create_engine(
        sa.URL.create("sqlite", database=str(path)),
        # One connection per Store, closed with it: nothing pooled stays open on the file.
        poolclass=sa.pool.NullPool if not memory else sa.pool.StaticPool,
    )
    sa.event.listen(engine, "connect", _sqlite_settings)
    connection: sa.Connection | None = None
    try:
        connection = engine.connect()
        _bring_up_to_date(connection, None if memory else Path(path))
    except BaseException as exc:
        if connection is not None:
            connection.close()
        engine.dispose()
        if isinstance(exc, sa.exc.DBAPIError | sqlite3.Error):
            raise _store_error(Path(str(path)), exc) from exc
        raise
    return connection


def _sqlite_settings(dbapi_connection: Any, _record: Any) -> None:
    # WAL and a busy timeout let a build and `digest schedule` share the file safely; SQLite
    # checks foreign keys only when asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _store_error(path: Path, exc: BaseException) -> DigestError:
    cause = str(getattr(exc, "orig", None) or exc)
    if "locked" in cause:
        return DigestError(
            f"store {path} is locked by another process ({cause}); try again when it is done"
        )
    if "unable to open" in cause or "readonly" in cause:
        return DigestError(
            f"store {path}: cannot open it for writing ({cause}): check the file's and its"
            " folder's permissions, or set store.path in the config to another file"
        )
    kept = backups(path)
    also = f"; the copy kept before its last upgrade is {kept[-1]}" if kept else ""
    return DigestError(
        f"store {path} is not a readable digest store ({cause}): "
        + _WHAT_TO_DO.format(path=path)
        + f" (it forgets which articles were seen and which stories were shown){also}"
    )


def backups(path: Path) -> list[Path]:
    """The copies kept beside the store before upgrades, oldest revision first."""
    return sorted(path.parent.glob(f"{path.name}.bak-*"))


def _bring_up_to_date(connection: sa.Connection, path: Path | None) -> None:
    current = _stored_revision(connection)
    if current == HEAD:
        return
    tables = set(sa.inspect(connection).get_table_names())
    unversioned = current is None and bool(tables & _UNVERSIONED_TABLES)
    # Alembic only now: a store needs making or upgrading, which happens once per release.
    with quiet_alembic():
        from digest.store import _migrate  # noqa: PLC0415

    if current is not None and not _migrate.knows(current):
        where = f"store {path}" if path else "the store"
        raise DigestError(
            f"{where} has schema version {current}, newer than this digest knows ({HEAD}):"
            " it was written by a newer release. Upgrade digest, or set store.path in the config"
            " to another file (a store is never migrated down)"
        )
    if current is None and not unversioned:
        _migrate.upgrade(connection, stamp=None)
        return
    old = current or FIRST
    if path is not None:
        copy = _backup(connection, path, old)
        was = f"{old} (no version recorded)" if unversioned else old
        log.info("store %s: schema %s -> %s; the old file is kept as %s", path, was, HEAD, copy)
    _migrate.upgrade(connection, stamp=FIRST if unversioned else None)


def _stored_revision(connection: sa.Connection) -> str | None:
    try:
        row = connection.execute(sa.text("SELECT version_num FROM alembic_version")).first()
    except sa.exc.OperationalError as exc:
        if "no such table" not in str(exc.orig):
            raise
        connection.rollback()
        return None
    return None if row is None else str(row[0])


def _backup(connection: sa.Connection, path: Path, revision: str) -> Path:
    """Copy the store, consistently (SQLite's backup, WAL included), before it changes."""
    target = path.with_name(f"{path.name}.bak-{revision}")
    number = 1
    while target.exists():  # an earlier copy stays: it may be the only one of its kind
        number += 1
        target = path.with_name(f"{path.name}.bak-{revision}.{number}")
    source = connection.connection.driver_connection
    assert isinstance(source, sqlite3.Connection)  # the only driver this module makes
    try:
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)
        raise DigestError(
            f"store {path}: cannot keep a copy at {target} before upgrading its schema ({exc});"
            " nothing was changed: free some space or make the folder writable, and try again"
        ) from exc
    return target


@contextmanager
def quiet_alembic() -> Iterator[None]:
    """Alembic's info lines ("setup plugin …", "Context impl SQLiteImpl.") only with --debug:
    `connect` says in one line what an upgrade did."""
    logger = logging.getLogger("alembic")
    level = logger.level
    if not log.isEnabledFor(logging.DEBUG):
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
