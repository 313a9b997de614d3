"""Opening a store: the engine, SQLite's settings, PostgreSQL's URL, the schema version and
upgrades.

A store's schema version is Alembic's: the `alembic_version` table names the newest migration
applied. Opening a store

- at `HEAD`: one query, no Alembic;
- with no tables: a new store, made by running every migration;
- with the tables but no version: a store written before versions existed (commit 28295c3,
  whose schema is revision 0001): a copy is kept, it is stamped 0001 and upgraded;
- at an older revision: a copy is kept, then the migrations run in order;
- at a revision this release does not know: written by a newer digest, refused (never
  migrated down).

The copy sits beside the file as `<name>.bak-<revision>` (docs/store.md). A PostgreSQL store
gets no copy (the operator backs it up with pg_dump before upgrading digest, docs/store.md);
its migrations run in one transaction (PostgreSQL's DDL is transactional) under an advisory
lock, so instances started together upgrade it once.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from digest.errors import DigestError
from digest.store import StoreLocation, check_place

__all__ = [
    "FIRST",
    "HEAD",
    "MIGRATIONS",
    "backups",
    "connect",
    "probe",
    "quiet_alembic",
    "server_errors",
    "server_url",
]

log = logging.getLogger(__name__)

# The newest revision in migrations/versions (a test holds the two together), so opening an
# up-to-date store needs no Alembic at all.
HEAD = "0004"
# The schema commit 28295c3 wrote without a version.
FIRST = "0001"
MIGRATIONS = Path(__file__).with_name("migrations")
# Tables of a store written before versions existed; any one of them makes a store old, not new.
_UNVERSIONED_TABLES = frozenset(
    {"runs", "deliveries", "feed_state", "seen_items", "seen_keys", "stories"}
)
_BUSY_TIMEOUT_MS = 30_000
_WHAT_TO_DO = "move it aside (mv {path} {path}.broken) and the next build starts a new store"
# A server that does not answer at all (a dropped packet, a firewall) is given up on after this.
_CONNECT_TIMEOUT_S = 10
# pg_advisory_lock's key for "the store's schema is being changed": any fixed 64-bit number,
# the same in every release (b"digest" read as an integer).
_MIGRATION_LOCK = 0x646967657374
# SQLSTATE of "undefined table": the version table of a new PostgreSQL store.
_UNDEFINED_TABLE = "42P01"


def connect(location: StoreLocation) -> sa.Connection:
    """A connection to an up-to-date store (made or upgraded as needed)."""
    if location.url is not None:
        return _connect_server(location)
    assert location.path is not None  # a StoreLocation has a path or a url
    path: Path | str = location.path
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
        _bring_up_to_date(connection, None if memory else Path(path), str(path))
    except BaseException as exc:
        if connection is not None:
            connection.close()
        engine.dispose()
        if isinstance(exc, sa.exc.DBAPIError | sqlite3.Error):
            raise _store_error(Path(str(path)), exc) from exc
        raise
    return connection


def server_url(location: StoreLocation) -> sa.URL:
    """The URL SQLAlchemy connects with: psycopg 3's driver, the password from the environment.

    The one place where `postgresql://` (or `postgres://`) becomes `postgresql+psycopg://`.
    A socket folder given as `?host=/run/postgresql` stays in the query, where psycopg reads it.
    """
    assert location.url is not None
    return sa.make_url(location.url).set(
        drivername="postgresql+psycopg", password=location.password
    )


def _connect_server(location: StoreLocation) -> sa.Connection:
    engine = sa.create_engine(
        server_url(location),
        # One connection per Store, closed with it, as for a file: nothing is held open
        # between builds, and a server restarted meanwhile costs nothing.
        poolclass=sa.pool.NullPool,
        connect_args={"connect_timeout": _CONNECT_TIMEOUT_S, "application_name": "digest"},
    )
    connection: sa.Connection | None = None
    try:
        connection = engine.connect()
        _bring_up_to_date(connection, None, str(location))
    except BaseException as exc:
        if connection is not None:
            connection.close()
        engine.dispose()
        if isinstance(exc, sa.exc.DBAPIError):
            raise _server_error(location, exc) from exc
        raise
    return connection


def probe(location: StoreLocation) -> str:
    """Connect and read the schema version, changing nothing: how the store stands, in a few
    words (`digest check --store`); a DigestError, as opening it would raise, when it cannot
    be used."""
    if location.url is None:
        assert location.path is not None
        if not location.path.exists():
            return "no store file yet: the first build makes it"
        engine = sa.create_engine(sa.URL.create("sqlite", database=str(location.path)))
    else:
        engine = sa.create_engine(
            server_url(location),
            poolclass=sa.pool.NullPool,
            connect_args={"connect_timeout": _CONNECT_TIMEOUT_S, "application_name": "digest"},
        )
    try:
        with engine.connect() as connection:
            current = _stored_revision(connection)
            tables = set(sa.inspect(connection).get_table_names())
            kind = "SQLite"
            if connection.dialect.name == "postgresql":
                version = connection.execute(sa.text("SHOW server_version")).scalar_one()
                kind = f"PostgreSQL {str(version).split()[0]}"
    except sa.exc.DBAPIError as exc:
        if location.url is not None:
            raise _server_error(location, exc) from exc
        assert location.path is not None
        raise _store_error(location.path, exc) from exc
    finally:
        engine.dispose()
    if current == HEAD:
        return f"{kind}, schema {current}, up to date"
    if current is None:
        if tables & _UNVERSIONED_TABLES:
            return f"{kind}, written before schema versions: the next build upgrades it to {HEAD}"
        return f"{kind}, no tables yet: the first build makes them"
    with quiet_alembic():
        from digest.store import _migrate  # noqa: PLC0415

    if not _migrate.knows(current):
        raise DigestError(
            f"store {location} has schema version {current}, newer than this digest knows"
            f" ({HEAD}): upgrade digest (a store is never migrated down)"
        )
    return f"{kind}, schema {current}: the next build upgrades it to {HEAD}"


def _one_line(exc: BaseException) -> str:
    cause = str(getattr(exc, "orig", None) or exc)
    return " ".join(part.strip() for part in cause.splitlines() if part.strip())


def _server_error(location: StoreLocation, exc: BaseException) -> DigestError:
    """What went wrong with a PostgreSQL store, in one line naming the URL and what to do."""
    cause = _one_line(exc)
    where = f"store {location}"
    if "password" in cause or "authentication" in cause or "role" in cause:
        return DigestError(
            f"{where}: the server refused the login ({cause}): check the user name in store.url"
            " and the password in the environment variable named by store.password_env"
        )
    if "database" in cause and "does not exist" in cause:
        return DigestError(
            f"{where}: the database does not exist ({cause}): create it (createdb --owner USER"
            " NAME, as a PostgreSQL superuser) or fix the database name in store.url"
        )
    if "permission denied" in cause:
        return DigestError(
            f"{where}: the user in store.url may not make or change the store's tables ({cause}):"
            " make that user the database's owner (ALTER DATABASE … OWNER TO …, as a superuser)"
        )
    if isinstance(exc, sa.exc.OperationalError) and (
        "connection" in cause or "server" in cause or "timeout" in cause
    ):
        return DigestError(
            f"{where}: cannot reach the PostgreSQL server ({cause}): start it, or fix the host"
            " and port in store.url; nothing was changed"
        )
    return DigestError(f"{where}: {cause}")


@contextmanager
def server_errors(location: StoreLocation) -> Iterator[None]:
    """A PostgreSQL connection lost while the store is open (server restarted or down) as
    one line naming the store, not a traceback; the transaction it was in was rolled back."""
    if not location.on_server:
        yield
        return
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        raise DigestError(
            f"store {location}: lost the connection to the PostgreSQL server ({_one_line(exc)});"
            " what was being written was rolled back: run again when the server is back"
        ) from exc


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


def _bring_up_to_date(connection: sa.Connection, path: Path | None, name: str) -> None:
    """Make or upgrade the store `name`; `path` is its file (None: in memory or on a server)."""
    if _stored_revision(connection) == HEAD:
        return
    server = connection.dialect.name == "postgresql"
    with _migration_lock(connection) if server else nullcontext():
        # Read again under the lock: another instance may have upgraded the store meanwhile.
        current = _stored_revision(connection)
        if current == HEAD:
            return
        tables = set(sa.inspect(connection).get_table_names())
        unversioned = current is None and bool(tables & _UNVERSIONED_TABLES)
        # Alembic only now: a store needs making or upgrading, which happens once per release.
        with quiet_alembic():
            from digest.store import _migrate  # noqa: PLC0415

        if current is not None and not _migrate.knows(current):
            other = (
                "store.url in the config to another database"
                if server
                else ("store.path in the config to another file")
            )
            raise DigestError(
                f"store {name} has schema version {current}, newer than this digest knows"
                f" ({HEAD}): it was written by a newer release. Upgrade digest, or set {other}"
                " (a store is never migrated down)"
            )
        if current is None and not unversioned:
            _migrate.upgrade(connection, stamp=None)
            return
        old = current or FIRST
        was = f"{old} (no version recorded)" if unversioned else old
        if path is not None:
            copy = _backup(connection, path, old)
            log.info("store %s: schema %s -> %s; the old file is kept as %s", path, was, HEAD, copy)
        elif server:
            log.warning(
                "store %s: schema %s -> %s; no copy is kept of a PostgreSQL store: back it up"
                " with pg_dump before upgrading digest (docs/store.md)",
                name,
                was,
                HEAD,
            )
        _migrate.upgrade(connection, stamp=FIRST if unversioned else None)


@contextmanager
def _migration_lock(connection: sa.Connection) -> Iterator[None]:
    """Hold PostgreSQL's advisory lock for the schema: instances started at the same moment
    make or upgrade the store one after the other (the later ones find it done)."""
    connection.execute(sa.select(sa.func.pg_advisory_lock(_MIGRATION_LOCK)))
    connection.commit()  # the lock is the session's; the transaction that took it can end
    try:
        yield
    finally:
        if connection.in_transaction():
            connection.rollback()  # whatever a failed upgrade left unfinished
        connection.execute(sa.select(sa.func.pg_advisory_unlock(_MIGRATION_LOCK)))
        connection.commit()


def _stored_revision(connection: sa.Connection) -> str | None:
    try:
        row = connection.execute(sa.text("SELECT version_num FROM alembic_version")).first()
    except sa.exc.DBAPIError as exc:
        missing = "no such table" in str(exc.orig)  # SQLite
        missing |= getattr(exc.orig, "sqlstate", None) == _UNDEFINED_TABLE  # PostgreSQL
        if not missing:
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
