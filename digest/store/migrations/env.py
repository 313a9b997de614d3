"""Alembic's entry point for the store's migrations, run by `digest.store._migrate`.

The connection is the store's own, passed in the config's attributes: migrations run on the
store being opened, never on a URL of their own.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the store's migrations run through digest.store.open_store")
# Batch mode: SQLite alters a table by copying it, which Alembic does for us in batch mode.
# No target metadata: migrations spell out their tables, and the test comparing the modules'
# tables with a migrated store loads them itself (importing them all costs a second).
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
