"""Alembic, run from inside the package: the migrations in `migrations/`, no alembic.ini.

Imported only when a store needs making or upgrading (see `_database`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from digest.store import _database
from digest.store._database import quiet_alembic

__all__ = ["head", "knows", "upgrade"]


def _config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    # The option is read through configparser, where "%" starts an interpolation.
    location = str(_database.MIGRATIONS)
    config.set_main_option("script_location", location.replace("%", "%%"))
    # env.py runs the migrations on this connection instead of making its own.
    config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str | None:
    """The newest revision among the migrations."""
    return _scripts().get_current_head()


def knows(revision: str) -> bool:
    """Whether `revision` is one of this release's migrations."""
    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(connection: sa.Connection, *, stamp: str | None) -> None:
    """Run every migration the store lacks, in order; `stamp` first records an unversioned
    store's revision (its tables exist, only the version is missing)."""
    config = _config(connection)
    with quiet_alembic():
        if stamp is not None:
            command.stamp(config, stamp)
        command.upgrade(config, "head")
    connection.commit()
