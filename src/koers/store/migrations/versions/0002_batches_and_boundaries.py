"""Batch counts and undo, and area boundaries per boundary year.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_batches") as batch:
        for column in ("added", "revised", "unchanged"):
            batch.add_column(sa.Column(column, sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("undone_by", sa.String(120), nullable=True))
    op.create_table(
        "boundaries",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.String(80), nullable=False),
        sa.Column("area_id", sa.String(80), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("geometry", sa.JSON, nullable=False),
        sa.Column("batch_id", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_boundaries"),
        sa.UniqueConstraint(
            "programme_id", "area_id", "year", "revision", name="uq_boundaries_key_revision"
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name="fk_boundaries_batch_id_import_batches"
        ),
        sa.ForeignKeyConstraint(
            ["programme_id", "area_id"],
            ["areas.programme_id", "areas.id"],
            name="fk_boundaries_programme_id_areas",
        ),
    )


def downgrade() -> None:
    op.drop_table("boundaries")
    with op.batch_alter_table("import_batches") as batch:
        for column in ("undone_by", "undone_at", "unchanged", "revised", "added"):
            batch.drop_column(column)
