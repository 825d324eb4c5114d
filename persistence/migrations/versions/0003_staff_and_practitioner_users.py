"""staff and practitioner users: set-up links and disabled online access

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
        users.add_column(sa.Column("setup_nonce", sa.String(length=64), nullable=True))
        users.add_column(sa.Column("setup_expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.drop_column("setup_expires_at")
        users.drop_column("setup_nonce")
        users.drop_column("disabled_at")
