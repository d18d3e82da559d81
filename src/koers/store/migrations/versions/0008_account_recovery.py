"""Accounts at scale: an e-mail address, a one-time password and sessions that end.

``users.email`` (nullable) is the address an import gives a user; ``must_change_password``
marks a one-time password (an import or ``koers users reset``), which the portal has the
user replace at first login; ``session_epoch`` is carried by each session cookie and raised
when the user logs out or changes the password, which ends every session issued before.
Existing users get no address, no password to change and epoch 0.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN, never a batch copy of the table: on SQLite a copy drops and recreates
    # users, which the foreign keys of tokens, updates and the audit log refuse
    op.add_column("users", sa.Column("email", sa.String(254), nullable=True))
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "users", sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0")
    )


def downgrade() -> None:
    for column in ("session_epoch", "must_change_password", "email"):
        op.drop_column("users", column)  # SQLite 3.35+ drops a column in place
