"""The database's clock: the one every lease and every "is it due" decision reads, so that
instances whose own clocks disagree still agree (docs/scaling.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

__all__ = ["database_time", "moment", "read_database_now"]


class database_time(FunctionElement[float]):  # noqa: N801 (an SQL function, named like one)
    """The database server's clock, in seconds since 1970 (fractions included)."""

    type = sa.Float()
    inherit_cache = True


@compiles(database_time, "sqlite")
def _sqlite_time(_element: database_time, _compiler: Any, **_kw: Any) -> str:
    # julianday('now') has milliseconds (CURRENT_TIMESTAMP only seconds); unixepoch('subsec')
    # needs SQLite 3.42, newer than Debian 12's.
    return "((julianday('now') - 2440587.5) * 86400.0)"


@compiles(database_time, "postgresql")
def _postgresql_time(_element: database_time, _compiler: Any, **_kw: Any) -> str:
    # clock_timestamp(), not now(): now() stands still for the whole transaction.
    return "EXTRACT(EPOCH FROM clock_timestamp())::float8"


def moment(seconds: float) -> dt.datetime:
    """Seconds since 1970 as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(float(seconds), dt.UTC)


def read_database_now(db: sa.Connection) -> dt.datetime:
    """The database server's clock now, aware UTC (inside the caller's transaction, if any)."""
    return moment(db.execute(sa.select(database_time())).scalar_one())
