"""Remember where a source's HTTP validators came from (``source_states.location``): a source whose
URL changes is fetched in full instead of answering 304 for the old URL.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_states") as batch:
        batch.add_column(sa.Column("location", sa.String(length=1000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source_states") as batch:
        batch.drop_column("location")
