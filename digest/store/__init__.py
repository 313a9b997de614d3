"""The store: everything a later run needs to know, in one SQLite file or a PostgreSQL database.

Each concern keeps its own tables in its own module (`seen`, `feeds`, `stories`, `ledger`),
declared as SQLAlchemy Core tables; the schema has a version, and `open_store` brings an
older store up to date with the migrations in `digest/store/migrations/` (Alembic), keeping a
copy of an old SQLite file first. Where the store is, is a `StoreLocation` (the config's
`store.path` or `store.url`, see `digest.config.Config.store_target`). See docs/store.md.

Importing this package is cheap: SQLAlchemy, Alembic and psycopg load when a store is opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from digest.errors import DigestError
from digest.places import store_problem

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["Store", "StoreLocation", "check_place", "open_store", "store_location"]


@dataclass(frozen=True, slots=True)
class StoreLocation:
    """Where the store is: a SQLite file (`path`), or a PostgreSQL database (`url`).

    `url` is as configured (`postgresql://user@host:5432/database`), never with a password:
    that comes from the environment (`store.password_env`) into `password`, which no message
    or repr shows. With a `url`, `path` is unused by the store (the build lock of one machine
    still lives beside it, see `digest.schedule`).
    """

    path: Path | None = None
    url: str | None = None
    password: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.path is None) == (self.url is None):
            raise ValueError("a store is either a file (path) or a server database (url)")

    @property
    def on_server(self) -> bool:
        """Whether the store is a PostgreSQL database (no file of its own on this machine)."""
        return self.url is not None

    def __str__(self) -> str:
        """How messages name the store: the file's path, or the URL (no password in it)."""
        return self.url if self.url is not None else str(self.path)


def store_location(where: StoreLocation | Path | str) -> StoreLocation:
    """`where` as a StoreLocation: a path (or `:memory:`) names a SQLite file."""
    return where if isinstance(where, StoreLocation) else StoreLocation(path=Path(where))


class Store:
    """A connection to the store; create with `open_store`."""

    def __init__(self, connection: sa.Connection, location: StoreLocation) -> None:
        self.connection = connection
        self.location = location
        self._in_transaction = False

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """The connection inside one transaction, committed on leaving (rolled back on error).

        Inside another `transaction()` it is part of that one: writes that must stand or fall
        together (a build's ledger record and its kept outputs) nest their modules' calls.
        """
        if self._in_transaction:
            yield self.connection
            return
        # A read before this began a transaction implicitly (SQLAlchemy's autobegin); it wrote
        # nothing, so ending it here loses nothing.
        if self.connection.in_transaction():
            self.connection.commit()
        self._in_transaction = True
        try:
            with self.connection.begin():
                yield self.connection
        finally:
            self._in_transaction = False

    def close(self) -> None:
        engine = self.connection.engine
        self.connection.close()
        engine.dispose()


def check_place(path: Path) -> None:
    """Make the store's folder if needed; a DigestError naming the path if it cannot be a store.

    Cheap (no database opened), so anything that works beside the store, the build lock
    among them, can call it first. What can be a store is `digest.places.store_problem`'s.
    """
    if reason := store_problem(path):
        raise DigestError(
            f"store {path}: {reason}: set store.path in the config to a file in a folder this user"
            " can write (or fix the permissions, or move the file in the way aside)"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DigestError(
            f"store {path}: cannot make its folder {path.parent}: {exc.strerror or exc};"
            " set store.path in the config to a file in a folder you can write"
        ) from exc


@contextmanager
def open_store(where: StoreLocation | Path | str) -> Iterator[Store]:
    """Open the store, creating or upgrading it: a SQLite file's path (`:memory:` gives a
    throwaway store) or a `StoreLocation`.

    Raises DigestError, naming the store and what to do, when it cannot be used: a file that
    is unreadable or not a database, a server that cannot be reached or refuses the login, a
    store written by a newer digest, and a server connection lost while the store is open.
    """
    # SQLAlchemy and Alembic (and psycopg, for a server) load here, not when digest.store is.
    from digest.store import _database  # noqa: PLC0415

    location = store_location(where)
    connection = _database.connect(location)
    store = Store(connection, location)
    try:
        with _database.server_errors(location):
            yield store
    finally:
        store.close()
