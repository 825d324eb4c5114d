"""indexes for keyset paging

Revision ID: 0009_paging
Revises: 0006
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_paging"
down_revision: str | None = "0008_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Each list's filter and stable order, so a page is one index range scan.
INDEXES = {
    "ix_patients_provisional_name": ("patients", ["provisional", "name", "id"]),
    "ix_patients_provisional_created": ("patients", ["provisional", "created_at", "id"]),
    "ix_appointments_start": ("appointments", ["start_at", "id"]),
    "ix_appointments_status_created": ("appointments", ["status", "created_at", "id"]),
    "ix_invitations_created": ("invitations", ["created_at", "id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
