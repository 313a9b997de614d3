"""SQLite store: one file holding everything a later run needs to know.

Each concern keeps its own tables in its own module (`seen`, `feeds`, `stories`, `ledger`),
each exporting `SCHEMA`, a script of `CREATE TABLE IF NOT EXISTS` statements applied on open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Store", "open_store"]

_SCHEMAS: list[str] = []


def register_schema(schema: str) -> None:
    """Called by each store module at import time so `open_store` creates its tables."""
    if schema not in _SCHEMAS:
        _SCHEMAS.append(schema)


class Store:
    """A connection to the store file; create with `open_store`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.connection:
            yield self.connection

    def close(self) -> None:
        self.connection.close()


@contextmanager
def open_store(path: Path | str) -> Iterator[Store]:
    """Open (creating if needed) the store at `path`; `:memory:` gives a throwaway store."""
    # Import the table modules here so every schema is registered before the first open.
    from digest.store import _tables  # noqa: F401, PLC0415

    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), timeout=30.0)
    connection.row_factory = sqlite3.Row
    # A busy timeout and WAL let a build and `digest schedule` share the file safely.
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    with connection:
        for schema in _SCHEMAS:
            connection.executescript(schema)
    store = Store(connection, Path(str(path)))
    try:
        yield store
    finally:
        store.close()
