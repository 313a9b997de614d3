"""Rendered briefings kept in the store: one row per date and format (md, html, json), so any
instance sharing the store can publish the whole archive (`digest export`).

Text compares by bytes on PostgreSQL (collation "C"), as on SQLite: dates sort the same on both.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# TEXT on SQLite; TEXT COLLATE "C" on PostgreSQL.
TEXT = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "briefing_outputs",
        sa.Column("date", TEXT, primary_key=True),
        sa.Column(
            "format",
            TEXT,
            sa.CheckConstraint("format IN ('md', 'html', 'json')"),
            primary_key=True,
        ),
        sa.Column("sha256", TEXT, nullable=False),
        sa.Column("generated_at", TEXT, nullable=False),
        sa.Column("built_by", TEXT, nullable=False),
        # Last: SQLite reads the columns before a long value without its overflow pages.
        sa.Column("content", TEXT, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("briefing_outputs")
