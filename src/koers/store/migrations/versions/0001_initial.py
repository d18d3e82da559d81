"""Initial schema: programmes, plan versions and items, areas, indicators, batches, observations.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PROGRAMME = sa.String(80)


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", PROGRAMME, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_programmes"),
    )
    op.create_table(
        "plan_versions",
        sa.Column("programme_id", PROGRAMME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(120), nullable=True),
        sa.Column("document", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("programme_id", "version", name="pk_plan_versions"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_plan_versions_programme_id_programmes"
        ),
    )
    op.create_table(
        "plan_items",
        sa.Column("programme_id", PROGRAMME, nullable=False),
        sa.Column("section", sa.String(40), nullable=False),
        sa.Column("item_id", sa.String(80), nullable=False),
        sa.Column("name", sa.Text, nullable=True),
        sa.Column("pillar_id", sa.String(80), nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("programme_id", "section", "item_id", name="pk_plan_items"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_plan_items_programme_id_programmes"
        ),
    )
    op.create_table(
        "plan_changes",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("programme_id", PROGRAMME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("section", sa.String(40), nullable=False),
        sa.Column("item_id", sa.String(80), nullable=False),
        sa.Column("change", sa.String(10), nullable=False),
        sa.Column("fields", sa.JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_plan_changes"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_plan_changes_programme_id_programmes"
        ),
    )
    op.create_table(
        "areas",
        sa.Column("programme_id", PROGRAMME, nullable=False),
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("cbs_code", sa.String(12), nullable=True),
        sa.Column("parent_id", sa.String(80), nullable=True),
        sa.Column("valid_from", sa.Integer, nullable=True),
        sa.Column("valid_to", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("programme_id", "id", name="pk_areas"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_areas_programme_id_programmes"
        ),
    )
    op.create_table(
        "area_members",
        sa.Column("programme_id", PROGRAMME, nullable=False),
        sa.Column("group_id", sa.String(80), nullable=False),
        sa.Column("member_id", sa.String(80), nullable=False),
        sa.Column("sign", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("programme_id", "group_id", "member_id", name="pk_area_members"),
        sa.ForeignKeyConstraint(
            ["programme_id", "group_id"],
            ["areas.programme_id", "areas.id"],
            name="fk_area_members_programme_id_areas",
        ),
    )
    op.create_table(
        "indicators",
        sa.Column("programme_id", PROGRAMME, nullable=False),
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("pillar_id", sa.String(80), nullable=True),
        sa.Column("unit", sa.String(12), nullable=False),
        sa.Column("polarity", sa.String(20), nullable=False),
        sa.Column("target_kind", sa.String(24), nullable=True),
        sa.PrimaryKeyConstraint("programme_id", "id", name="pk_indicators"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_indicators_programme_id_programmes"
        ),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("programme_id", PROGRAMME, nullable=False),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=True),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_import_batches"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_import_batches_programme_id_programmes"
        ),
    )
    op.create_table(
        "observations",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("programme_id", PROGRAMME, nullable=False),
        sa.Column("indicator_id", sa.String(80), nullable=False),
        sa.Column("area_id", sa.String(80), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("numerator", sa.Float, nullable=True),
        sa.Column("denominator", sa.Float, nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("batch_id", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_observations"),
        sa.UniqueConstraint(
            "programme_id",
            "indicator_id",
            "area_id",
            "period",
            "revision",
            name="uq_observations_key_revision",
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name="fk_observations_batch_id_import_batches"
        ),
        sa.ForeignKeyConstraint(
            ["programme_id", "indicator_id"],
            ["indicators.programme_id", "indicators.id"],
            name="fk_observations_programme_id_indicators",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id", "area_id"],
            ["areas.programme_id", "areas.id"],
            name="fk_observations_programme_id_areas",
        ),
    )


def downgrade() -> None:
    for table in (
        "observations",
        "import_batches",
        "indicators",
        "area_members",
        "areas",
        "plan_changes",
        "plan_items",
        "plan_versions",
        "programmes",
    ):
        op.drop_table(table)
