"""A case marked serious after intake; substitutes for rektor and leaders set on a card

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("marked_serious_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("marked_serious_by", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("substitutes", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    op.create_table(
        "substitutions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("absent_id", sa.String(length=64), nullable=False),
        sa.Column("substitute_id", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_substitutions")),
    )
    with op.batch_alter_table("substitutions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_substitutions_school_id"), ["school_id"])


def downgrade() -> None:
    with op.batch_alter_table("substitutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_substitutions_school_id"))
    op.drop_table("substitutions")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("substitutes")
        batch_op.drop_column("marked_serious_by")
        batch_op.drop_column("marked_serious_at")
