"""The staff responsible for the current plan, as a column beside the sealed document.

«Mine saker» asks which cases a person may see. Recipients, the taker and added members were
columns already; the plan's responsible staff were only inside the sealed document, so every
case of the school had to be opened to answer. Now the question is one query. Existing rows
are filled from their documents (the data key is handed in as for 0004).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("responsible", sa.JSON(), nullable=False, server_default="[]"))
    bind = op.get_bind()
    cases = sa.table("cases", sa.column("id", sa.String), sa.column("sealed", sa.Text),
                     sa.column("responsible", sa.JSON))
    rows = bind.execute(sa.select(cases.c.id, cases.c.sealed).where(cases.c.sealed.is_not(None)))
    keyring: Any = context.config.attributes.get("keyring")
    for case_id, sealed in rows.all():
        if keyring is None:
            raise RuntimeError("migration 0005 needs the data key to read the existing cases")
        document = keyring.open_json(sealed, f"cases.sealed:{case_id}")
        plans = document.get("plans") or []
        ids = sorted({m["responsible_id"] for m in plans[-1]["measures"]}) if plans else []
        if ids:
            bind.execute(sa.update(cases).where(cases.c.id == case_id)
                         .values(responsible=ids))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("responsible")
