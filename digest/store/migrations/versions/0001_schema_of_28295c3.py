"""The store as commit 28295c3 made it, before schema versions: seen articles, feed state,
kept stories and the run ledger.

A store with these tables and no version is stamped with this revision; a new store starts
here. The tables are spelled out, not taken from the modules: a migration stays as it was
written while the modules move on.

On PostgreSQL every text column compares by bytes (collation "C"), as SQLite's do: times and
dates are stored as ISO 8601 text and compared and sorted as text, and ids and URLs sort the
same on both stores whatever locale the database was created with. SQLite's tables are
exactly 28295c3's.

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

# TEXT on SQLite; TEXT COLLATE "C" on PostgreSQL.
TEXT = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "feed_state",
        sa.Column("feed", TEXT, primary_key=True, nullable=True),
        sa.Column("etag", TEXT),
        sa.Column("last_modified", TEXT),
        sa.Column("last_attempt", TEXT),
        sa.Column("last_success", TEXT),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("failing_since", TEXT),
        sa.Column("last_error", TEXT),
        sa.Column("signature", TEXT),
        sa.Column("last_changed", TEXT),
        sa.Column("newest_entry", TEXT),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, nullable=True),
        sa.Column("date", TEXT, nullable=False),
        sa.Column(
            "status",
            TEXT,
            sa.CheckConstraint("status IN ('ok', 'partial', 'failed')"),
            nullable=False,
        ),
        sa.Column("started", TEXT, nullable=False),
        sa.Column("finished", TEXT, nullable=False),
        sa.Column("outputs", TEXT, nullable=False),
        sa.Column(
            "delivery",
            TEXT,
            sa.CheckConstraint(
                "delivery IN ('sent', 'failed', 'not_configured', 'skipped', 'already_sent')"
            ),
        ),
        sa.Column("delivery_error", TEXT),
        sqlite_autoincrement=True,
    )
    op.create_index("runs_by_date", "runs", ["date"])
    op.create_table(
        "deliveries",
        sa.Column("date", TEXT, primary_key=True, nullable=True),
        sa.Column(
            "state",
            TEXT,
            sa.CheckConstraint("state IN ('attempt', 'sent', 'failed')"),
            nullable=False,
        ),
        sa.Column("message_id", TEXT, nullable=False),
        sa.Column("subject", TEXT, nullable=False),
        sa.Column("text_body", TEXT, nullable=False),
        sa.Column("html_body", TEXT, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("error", TEXT),
        sa.Column("updated", TEXT, nullable=False),
        sa.Column("sent_at", TEXT),
    )
    op.create_table(
        "seen_items",
        sa.Column("id", sa.Integer, primary_key=True, nullable=True),
        sa.Column("first_seen", TEXT, nullable=False),
        sa.Column("last_seen", TEXT, nullable=False),
        sa.Column("origin", TEXT, nullable=False),
        sa.Column("title", TEXT),
        sa.Column("url", TEXT),
        sa.Column("outlet", TEXT),
        sa.Column("published", TEXT),
        sa.Column("guid", TEXT),
        sa.Column("category", TEXT),
        sa.Column("text", TEXT),
    )
    op.create_index("seen_items_first_seen", "seen_items", ["first_seen"])
    op.create_table(
        "seen_keys",
        sa.Column("key", TEXT, primary_key=True),
        sa.Column(
            "item_id",
            sa.Integer,
            sa.ForeignKey("seen_items.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("last_seen", TEXT, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("seen_keys_item", "seen_keys", ["item_id"])
    op.create_table(
        "stories",
        sa.Column("id", TEXT, primary_key=True, nullable=True),
        sa.Column("headline", TEXT, nullable=False),
        sa.Column("article_ids", TEXT, nullable=False),
        sa.Column("signature", TEXT, nullable=False),
        sa.Column("first_seen", TEXT, nullable=False),
        sa.Column("last_seen", TEXT, nullable=False),
        sa.Column("briefings", TEXT, nullable=False),
    )
    op.create_index("stories_by_last_seen", "stories", ["last_seen"])


def downgrade() -> None:
    # Before this revision there was no store to go back to.
    for table in ("stories", "seen_keys", "seen_items", "deliveries", "runs", "feed_state"):
        op.drop_table(table)
