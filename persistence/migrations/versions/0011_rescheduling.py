"""moving visits: notice windows, the clinic's phone, and each move's history

Revision ID: 0011_rescheduling
Revises: 0010_event_outbox
Create Date: 2026-12-05 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_rescheduling"
down_revision: str | None = "0010_event_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLINIC_COLUMNS: tuple[sa.Column[object], ...] = (
    sa.Column("phone", sa.String(length=40), nullable=True),
    sa.Column("cancel_notice_hours", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("reschedule_notice_hours", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("max_reschedules", sa.Integer(), nullable=False, server_default="0"),
    sa.Column(
        "moved_visits_need_approval", sa.Boolean(), nullable=False, server_default=sa.false()
    ),
)


def upgrade() -> None:
    # Plain ALTER TABLE … ADD COLUMN: a batch copy of `appointments` on SQLite would drop
    # its no-overlap triggers.
    for column in CLINIC_COLUMNS:
        op.add_column("clinic", column)
    op.add_column(
        "appointments",
        sa.Column("reschedule_count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "appointments", sa.Column("sequence", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("outbox", sa.Column("calendar_method", sa.String(length=16), nullable=True))
    op.add_column("outbox", sa.Column("calendar_body", sa.Text(), nullable=True))
    op.create_table(
        "appointment_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("from_practitioner_id", sa.Integer(), nullable=False),
        sa.Column("from_service_id", sa.Integer(), nullable=False),
        sa.Column("from_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("to_practitioner_id", sa.Integer(), nullable=False),
        sa.Column("to_service_id", sa.Integer(), nullable=False),
        sa.Column("to_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("to_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("moved_by_client_id", sa.Integer(), nullable=True),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_key", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_moves_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["moved_by_user_id"],
            ["users.id"],
            name=op.f("fk_appointment_moves_moved_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_moves")),
    )
    op.create_index(
        "ix_appointment_moves_appointment", "appointment_moves", ["appointment_id", "moved_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_appointment_moves_appointment", table_name="appointment_moves")
    op.drop_table("appointment_moves")
    op.drop_column("outbox", "calendar_body")
    op.drop_column("outbox", "calendar_method")
    op.drop_column("appointments", "sequence")
    op.drop_column("appointments", "reschedule_count")
    for column in reversed(CLINIC_COLUMNS):
        op.drop_column("clinic", column.name)
