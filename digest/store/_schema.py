"""What every store module's tables share: one MetaData, and the SQL that differs by database.

Each store module (`seen`, `feeds`, `stories`, `ledger`) declares its own tables on `METADATA`;
the migrations in `digest/store/migrations/` are what create and change them in a store file.
Queries are written in SQLAlchemy Core so the same code serves SQLite and, later, a server
database; the few statements whose spelling differs by database are chosen here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from sqlalchemy.dialects.sqlite import Insert

__all__ = ["METADATA", "upsert"]

METADATA = sa.MetaData()


def upsert(connection: sa.Connection, table: sa.Table) -> Insert:
    """An INSERT on `table` that can take ON CONFLICT (insert-or-ignore, insert-or-update).

    SQLite and PostgreSQL spell ON CONFLICT the same way, and SQLAlchemy has an `Insert` for
    each with `on_conflict_do_nothing` / `on_conflict_do_update`: the one for this connection.
    """
    name = connection.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert  # noqa: PLC0415 -- one dialect per store

        return insert(table)
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert  # noqa: PLC0415

        # Both `Insert` classes offer the same on_conflict_* methods and `excluded`.
        return pg_insert(table)  # type: ignore[return-value]
    raise NotImplementedError(f"the store does not support {name} databases")
