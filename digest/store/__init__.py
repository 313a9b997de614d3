"""The store: one SQLite file holding everything a later run needs to know.

Each concern keeps its own tables in its own module (`seen`, `feeds`, `stories`, `ledger`),
declared as SQLAlchemy Core tables; the schema has a version, and `open_store` brings an
older store up to date with the migrations in `digest/store/migrations/` (Alembic), keeping a
copy of the old file first. See docs/store.md.

Importing this package is cheap: SQLAlchemy and Alembic load when a store is opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from digest.errors import DigestError
from digest.places import store_problem

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["Store", "check_place", "open_store"]


class Store:
    """A connection to the store; create with `open_store`."""

    def __init__(self, connection: sa.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
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
def open_store(path: Path | str) -> Iterator[Store]:
    """Open the store at `path`, creating or upgrading it; `:memory:` gives a throwaway store.

    Raises DigestError, naming the path and what to do, when the file cannot be a store
    (unreadable, not a database, written by a newer digest).
    """
    # SQLAlchemy and Alembic load here, not when digest.store is imported.
    from digest.store import _database  # noqa: PLC0415

    connection = _database.connect(path)
    store = Store(connection, Path(str(path)))
    try:
        yield store
    finally:
        store.close()
