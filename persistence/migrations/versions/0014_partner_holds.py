"""holds placed by integration partners' API clients, and the clinic's choice to publish
its free times (SMART Scheduling Links)

Revision ID: 0014_partner_holds
Revises: 0013_reminders
Create Date: 2026-12-06 00:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_partner_holds"
down_revision: str | None = "0013_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("appointments", sa.Column("held_by_client_id", sa.Integer(), nullable=True))
    op.create_index(
        "ix_appointments_client_hold",
        "appointments",
        ["held_by_client_id", "client_key"],
        unique=True,
    )
    op.add_column(
        "clinic",
        sa.Column("publish_availability", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    op.drop_column("clinic", "publish_availability")
    op.drop_index("ix_appointments_client_hold", table_name="appointments")
    op.drop_column("appointments", "held_by_client_id")
