"""live holds per client address

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "clinic",
        sa.Column("max_live_holds_per_address", sa.Integer(), nullable=False, server_default="6"),
    )
    op.add_column("appointments", sa.Column("hold_origin", sa.String(length=32), nullable=True))
    op.create_index("ix_appointments_hold_origin", "appointments", ["hold_origin"], unique=False)


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy of `appointments` would
    # drop its no-overlap triggers.
    op.drop_index("ix_appointments_hold_origin", table_name="appointments")
    op.drop_column("appointments", "hold_origin")
    op.drop_column("clinic", "max_live_holds_per_address")
