"""Run leases: which process builds the briefing of a date, until when (digest.store.leases).

Several `digest schedule` instances sharing one store claim a date here before building it, so
each scheduled briefing is built and emailed once; times are the database's clock, in seconds.
On PostgreSQL text compares by bytes (collation "C"), as in revision 0001.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# As in 0001: on PostgreSQL, text compared by bytes as SQLite compares it.
TEXT = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_leases",
        sa.Column("date", TEXT, primary_key=True, nullable=True),
        sa.Column("holder", TEXT, nullable=False),
        sa.Column("acquired_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("due_at", sa.Float, nullable=False),
        sa.Column("finished_at", sa.Float),
    )


def downgrade() -> None:
    op.drop_table("run_leases")
