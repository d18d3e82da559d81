"""Narratives: the story behind the curve, per indicator, area and period.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "narratives",
        sa.Column("programme_id", sa.String(80), nullable=False),
        sa.Column("indicator_id", sa.String(80), nullable=False),
        sa.Column("area_id", sa.String(80), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(120), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "programme_id", "indicator_id", "area_id", "period", name="pk_narratives"
        ),
        sa.ForeignKeyConstraint(
            ["programme_id", "indicator_id"],
            ["indicators.programme_id", "indicators.id"],
            name="fk_narratives_programme_id_indicators",
        ),
    )


def downgrade() -> None:
    op.drop_table("narratives")
