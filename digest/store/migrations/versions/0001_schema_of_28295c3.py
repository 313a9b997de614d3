"""The store as commit 28295c3 made it, before schema versions: seen articles, feed state,
kept stories and the run ledger.

A store with these tables and no version is stamped with this revision; a new store starts
here. The tables are spelled out, not taken from the modules: a migration stays as it was
written while the modules move on.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_state",
        sa.Column("feed", sa.Text, primary_key=True, nullable=True),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_attempt", sa.Text),
        sa.Column("last_success", sa.Text),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("failing_since", sa.Text),
        sa.Column("last_error", sa.Text),
        sa.Column("signature", sa.Text),
        sa.Column("last_changed", sa.Text),
        sa.Column("newest_entry", sa.Text),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, nullable=True),
        sa.Column("date", sa.Text, nullable=False),
        sa.Column(
            "status",
            sa.Text,
            sa.CheckConstraint("status IN ('ok', 'partial', 'failed')"),
            nullable=False,
        ),
        sa.Column("started", sa.Text, nullable=False),
        sa.Column("finished", sa.Text, nullable=False),
        sa.Column("outputs", sa.Text, nullable=False),
        sa.Column(
            "delivery",
            sa.Text,
            sa.CheckConstraint(
                "delivery IN ('sent', 'failed', 'not_configured', 'skipped', 'already_sent')"
            ),
        ),
        sa.Column("delivery_error", sa.Text),
        sqlite_autoincrement=True,
    )
    op.create_index("runs_by_date", "runs", ["date"])
    op.create_table(
        "deliveries",
        sa.Column("date", sa.Text, primary_key=True, nullable=True),
        sa.Column(
            "state",
            sa.Text,
            sa.CheckConstraint("state IN ('attempt', 'sent', 'failed')"),
            nullable=False,
        ),
        sa.Column("message_id", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("text_body", sa.Text, nullable=False),
        sa.Column("html_body", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("error", sa.Text),
        sa.Column("updated", sa.Text, nullable=False),
        sa.Column("sent_at", sa.Text),
    )
    op.create_table(
        "seen_items",
        sa.Column("id", sa.Integer, primary_key=True, nullable=True),
        sa.Column("first_seen", sa.Text, nullable=False),
        sa.Column("last_seen", sa.Text, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("published", sa.Text),
        sa.Column("guid", sa.Text),
        sa.Column("category", sa.Text),
        sa.Column("text", sa.Text),
    )
    op.create_index("seen_items_first_seen", "seen_items", ["first_seen"])
    op.create_table(
        "seen_keys",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column(
            "item_id",
            sa.Integer,
            sa.ForeignKey("seen_items.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("last_seen", sa.Text, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("seen_keys_item", "seen_keys", ["item_id"])
    op.create_table(
        "stories",
        sa.Column("id", sa.Text, primary_key=True, nullable=True),
        sa.Column("headline", sa.Text, nullable=False),
        sa.Column("article_ids", sa.Text, nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
        sa.Column("first_seen", sa.Text, nullable=False),
        sa.Column("last_seen", sa.Text, nullable=False),
        sa.Column("briefings", sa.Text, nullable=False),
    )
    op.create_index("stories_by_last_seen", "stories", ["last_seen"])


def downgrade() -> None:
    # Before this revision there was no store to go back to.
    for table in ("stories", "seen_keys", "seen_items", "deliveries", "runs", "feed_state"):
        op.drop_table(table)
