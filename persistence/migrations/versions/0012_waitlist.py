"""the waitlist (entries in line, the offers made to them, the times each passed on), and
signed single-use links about a visit

Revision ID: 0012_waitlist
Revises: 0011_rescheduling
Create Date: 2026-12-05 18:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_waitlist"
down_revision: str | None = "0011_rescheduling"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "clinic", sa.Column("offer_minutes", sa.Integer(), nullable=False, server_default="15")
    )
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("until_date", sa.Date(), nullable=False),
        sa.Column("earliest", sa.Time(), nullable=False),
        sa.Column("latest", sa.Time(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_waitlist_entries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_waitlist_entries_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_waitlist_entries_practitioner_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_waitlist_entries_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_entries")),
    )
    op.create_index("ix_waitlist_entries_line", "waitlist_entries", ["state", "position", "id"])
    op.create_index("ix_waitlist_entries_user", "waitlist_entries", ["user_id", "state"])
    op.create_index("ix_waitlist_entries_offer", "waitlist_entries", ["offer_id"])
    # One open offer per person, whichever process makes it.
    op.create_index(
        "uq_waitlist_entries_one_offer",
        "waitlist_entries",
        ["user_id"],
        unique=True,
        sqlite_where=sa.text("state = 'OFFERED'"),
        postgresql_where=sa.text("state = 'OFFERED'"),
    )
    op.create_table(
        "waitlist_passes",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["waitlist_entries.id"],
            name=op.f("fk_waitlist_passes_entry_id_waitlist_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "entry_id", "practitioner_id", "start_at", name=op.f("pk_waitlist_passes")
        ),
    )

    op.create_table(
        "visit_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_visit_links_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_links")),
    )
    op.create_index("ix_visit_links_appointment", "visit_links", ["appointment_id"])


def downgrade() -> None:
    op.drop_index("ix_visit_links_appointment", table_name="visit_links")
    op.drop_table("visit_links")
    op.drop_table("waitlist_passes")
    op.drop_index("uq_waitlist_entries_one_offer", table_name="waitlist_entries")
    op.drop_index("ix_waitlist_entries_offer", table_name="waitlist_entries")
    op.drop_index("ix_waitlist_entries_user", table_name="waitlist_entries")
    op.drop_index("ix_waitlist_entries_line", table_name="waitlist_entries")
    op.drop_table("waitlist_entries")
    op.drop_column("clinic", "offer_minutes")
