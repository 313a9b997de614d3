"""Rendered briefings kept in the store: one row per date and format (md, html, json), so any
instance sharing the store can publish the whole archive (`digest export`).

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


def upgrade() -> None:
    op.create_table(
        "briefing_outputs",
        sa.Column("date", sa.Text, primary_key=True),
        sa.Column(
            "format",
            sa.Text,
            sa.CheckConstraint("format IN ('md', 'html', 'json')"),
            primary_key=True,
        ),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("generated_at", sa.Text, nullable=False),
        sa.Column("built_by", sa.Text, nullable=False),
        # Last: SQLite reads the columns before a long value without its overflow pages.
        sa.Column("content", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("briefing_outputs")
