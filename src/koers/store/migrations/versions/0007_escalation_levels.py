"""Escalation as a position on the plan's ladder: ``agreement_state.escalation_level``.

Until 0006 an agreement's escalation was the text of one rung of a ladder fixed in code
(``uitvoeringsoverleg``, ``strategisch overleg``, ``bestuurlijk overleg``). Now every pillar
climbs the ladder its plan states (``koers.board.agreement_ladder``), and the store keeps the
position of the rung (1 = the lowest). Existing rows convert by their place on the old
ladder: 'uitvoeringsoverleg' → 1, 'strategisch overleg' → 2, 'bestuurlijk overleg' → 3 (a
position above a pillar's shorter ladder reads as its top rung). The old text column is
dropped; the downgrade restores it from the position.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD_RUNGS = {"uitvoeringsoverleg": 1, "strategisch overleg": 2, "bestuurlijk overleg": 3}


def upgrade() -> None:
    with op.batch_alter_table("agreement_state") as batch:
        batch.add_column(sa.Column("escalation_level", sa.Integer, nullable=True))
    state = sa.table(
        "agreement_state",
        sa.column("escalation", sa.String(30)),
        sa.column("escalation_level", sa.Integer),
    )
    for text, position in OLD_RUNGS.items():
        op.execute(
            state.update().where(state.c.escalation == text).values(escalation_level=position)
        )
    with op.batch_alter_table("agreement_state") as batch:
        batch.drop_column("escalation")


def downgrade() -> None:
    with op.batch_alter_table("agreement_state") as batch:
        batch.add_column(sa.Column("escalation", sa.String(30), nullable=True))
    state = sa.table(
        "agreement_state",
        sa.column("escalation", sa.String(30)),
        sa.column("escalation_level", sa.Integer),
    )
    for text, position in OLD_RUNGS.items():
        op.execute(
            state.update().where(state.c.escalation_level == position).values(escalation=text)
        )
    op.execute(
        state.update().where(state.c.escalation_level > 3).values(escalation="bestuurlijk overleg")
    )
    with op.batch_alter_table("agreement_state") as batch:
        batch.drop_column("escalation_level")
