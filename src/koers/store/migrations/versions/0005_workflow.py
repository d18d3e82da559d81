"""The partner workflow: users, updates, agreement state, closed years and the audit log.

The audit log is append-only in the database too: a trigger refuses every UPDATE and DELETE
of its rows (and, on PostgreSQL, TRUNCATE), whoever sends them.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APPEND_ONLY = "audit_log is append-only"

POSTGRES_UP = [
    f"""
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{APPEND_ONLY}';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
    """,
    """
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
    """,
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
]
SQLITE_UP = [
    f"""
    CREATE TRIGGER audit_log_no_{event} BEFORE {event.upper()} ON audit_log
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END
    """
    for event in ("update", "delete")
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS audit_log_no_{event}" for event in ("update", "delete")]
TRIGGERS_UP = {"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}
TRIGGERS_DOWN = {"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("programme_id", sa.String(80), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("partner_id", sa.String(80), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_users_programme_id_programmes"
        ),
    )
    op.create_table(
        "updates",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("agreement_id", sa.String(80), nullable=True),
        sa.Column("status", sa.String(20), nullable=True),
        sa.Column("evidence", sa.Text, nullable=True),
        sa.Column("indicator_id", sa.String(80), nullable=True),
        sa.Column("area_id", sa.String(80), nullable=True),
        sa.Column("period", sa.String(10), nullable=True),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("open_key", sa.String(300), nullable=True),
        sa.Column("batch_id", sa.String(32), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_updates"),
        sa.UniqueConstraint("programme_id", "open_key", name="uq_updates_open_key"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_updates_programme_id_programmes"
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name="fk_updates_batch_id_import_batches"
        ),
    )
    op.create_table(
        "agreement_state",
        sa.Column("programme_id", sa.String(80), nullable=False),
        sa.Column("agreement_id", sa.String(80), nullable=False),
        sa.Column("status", sa.String(20), nullable=True),
        sa.Column("update_id", sa.Integer, nullable=True),
        sa.Column("escalation", sa.String(30), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("programme_id", "agreement_id", name="pk_agreement_state"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_agreement_state_programme_id_programmes"
        ),
        sa.ForeignKeyConstraint(
            ["update_id"], ["updates.id"], name="fk_agreement_state_update_id_updates"
        ),
    )
    op.create_table(
        "closed_periods",
        sa.Column("programme_id", sa.String(80), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("programme_id", "year", name="pk_closed_periods"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_closed_periods_programme_id_programmes"
        ),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.String(80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("subject", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_audit_log_programme_id_programmes"
        ),
    )
    for statement in TRIGGERS_UP.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    for statement in TRIGGERS_DOWN.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    for table in ("audit_log", "closed_periods", "agreement_state", "updates", "users"):
        op.drop_table(table)
