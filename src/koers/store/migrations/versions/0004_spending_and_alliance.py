"""Spending against commitments, and the records of the resident alliance.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spending",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.String(80), nullable=False),
        sa.Column("commitment_id", sa.String(80), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("amount", sa.Float, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_spending"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_spending_programme_id_programmes"
        ),
    )
    op.create_table(
        "alliance_meetings",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.String(80), nullable=False),
        sa.Column("area_id", sa.String(80), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("participants", sa.Text, nullable=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("goals", sa.JSON, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alliance_meetings"),
        sa.ForeignKeyConstraint(
            ["programme_id", "area_id"],
            ["areas.programme_id", "areas.id"],
            name="fk_alliance_meetings_programme_id_areas",
        ),
    )
    op.create_table(
        "alliance_actions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("due", sa.Date, nullable=True),
        sa.Column("done_on", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alliance_actions"),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["alliance_meetings.id"],
            name="fk_alliance_actions_meeting_id_alliance_meetings",
        ),
    )


def downgrade() -> None:
    for table in ("alliance_actions", "alliance_meetings", "spending"):
        op.drop_table(table)
