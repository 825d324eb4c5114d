"""the clinic's language and each user's own

Revision ID: 0015_languages
Revises: 0014_partner_holds
Create Date: 2026-12-06 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_languages"
down_revision: str | None = "0014_partner_holds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "clinic", sa.Column("language", sa.String(length=8), nullable=False, server_default="en")
    )
    op.add_column("users", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "language")
    op.drop_column("clinic", "language")
