"""live events staged with the change that causes them

Revision ID: 0010_event_outbox
Revises: 0009_paging
Create Date: 2026-12-05 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_event_outbox"
down_revision: str | None = "0009_paging"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("channels", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_outbox")),
    )
    op.create_index("ix_event_outbox_created", "event_outbox", ["created_at", "id"])
    op.create_index("ix_event_outbox_event_id", "event_outbox", ["event_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_event_outbox_event_id", table_name="event_outbox")
    op.drop_index("ix_event_outbox_created", table_name="event_outbox")
    op.drop_table("event_outbox")
