"""Feeds refreshed between builds by every instance: when each feed is next due and who has
claimed it, and the articles a refresh found that no build has taken yet.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# As in 0001: times are ISO 8601 text, compared as text; on PostgreSQL by bytes (collation
# "C"), as SQLite compares them.
TEXT = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("feed_state") as batch:
        batch.add_column(sa.Column("next_due", TEXT))
        batch.add_column(sa.Column("claimed_by", TEXT))
        batch.add_column(sa.Column("claimed_until", TEXT))
        batch.add_column(sa.Column("spread", sa.Integer))
    op.create_index("feed_state_next_due", "feed_state", ["next_due"])
    op.create_table(
        "refreshed_items",
        sa.Column(
            "item_id",
            sa.Integer,
            sa.ForeignKey("seen_items.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
    )


def downgrade() -> None:
    op.drop_table("refreshed_items")
    op.drop_index("feed_state_next_due", "feed_state")
    with op.batch_alter_table("feed_state") as batch:
        batch.drop_column("spread")
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
        batch.drop_column("next_due")
