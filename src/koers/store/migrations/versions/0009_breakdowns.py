"""Breakdowns and contributions: a figure is keyed by its breakdown too.

``observations.dimension`` and ``observations.category`` name a breakdown of a figure
(``partner`` / ``havensteder``, ``leeftijd`` / ``0-17``); both are '' for the total, which is
what every figure stored before is. The unique key of a revision takes them in.
``observations.confirmation`` keeps why a large change against the previous figure is right.
``updates.contributor`` is the partner whose contribution an output value is (none: the
total), ``updates.confirmation`` the same reason as on the figure.

On SQLite the observations table is copied to change its unique key (nothing refers to it);
the other columns are added in place. The downgrade keeps only the totals: a breakdown has no
place in the old key.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OLD_KEY = ["programme_id", "indicator_id", "area_id", "period", "revision"]
NEW_KEY = ["programme_id", "indicator_id", "area_id", "period", "dimension", "category", "revision"]


def upgrade() -> None:
    with op.batch_alter_table("observations") as batch:
        batch.add_column(sa.Column("dimension", sa.String(80), nullable=False, server_default=""))
        batch.add_column(sa.Column("category", sa.String(80), nullable=False, server_default=""))
        batch.add_column(sa.Column("confirmation", sa.Text, nullable=True))
        batch.drop_constraint("uq_observations_key_revision", type_="unique")
        batch.create_unique_constraint("uq_observations_key_revision", NEW_KEY)
    op.add_column("updates", sa.Column("contributor", sa.String(80), nullable=True))
    op.add_column("updates", sa.Column("confirmation", sa.Text, nullable=True))


def downgrade() -> None:
    for column in ("confirmation", "contributor"):
        op.drop_column("updates", column)
    observations = sa.table("observations", sa.column("dimension", sa.String))
    op.execute(observations.delete().where(observations.c.dimension != ""))
    with op.batch_alter_table("observations") as batch:
        batch.drop_constraint("uq_observations_key_revision", type_="unique")
        batch.create_unique_constraint("uq_observations_key_revision", OLD_KEY)
        for column in ("confirmation", "category", "dimension"):
            batch.drop_column(column)
