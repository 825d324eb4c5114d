"""visit reminders (when the clinic sends them, which were sent) and calendar feeds

Revision ID: 0013_reminders
Revises: 0012_waitlist
Create Date: 2026-12-05 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_reminders"
down_revision: str | None = "0012_waitlist"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "clinic",
        sa.Column("reminder_hours", sa.String(length=60), nullable=False, server_default="48,2"),
    )
    op.create_table(
        "reminders_sent",
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_reminders_sent_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "appointment_id", "hours", "start_at", name=op.f("pk_reminders_sent")
        ),
    )

    op.add_column("users", sa.Column("calendar_nonce", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "calendar_nonce")
    op.drop_table("reminders_sent")
    op.drop_column("clinic", "reminder_hours")
