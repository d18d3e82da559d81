"""The tables of the store (SQLAlchemy Core). Alembic migrations create them.

Everything is keyed by programme, so several programmes can live in one store. The plan is
kept twice on purpose: typed rows for what other tables and queries refer to (areas,
indicators), a generic ``plan_items`` row per item for the rest, and the whole validated
plan document per version so that what was loaded can always be reconstructed.
Observations are never updated in place: a revision is a new row with a higher number. A
figure is keyed by indicator, area, period and its breakdown (dimension and category, both
'' for the total).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

programmes = Table(
    "programmes",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("name", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("digest", String(64), nullable=False),
)

plan_versions = Table(
    "plan_versions",
    metadata,
    Column("programme_id", String(80), ForeignKey("programmes.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("source", Text, nullable=True),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("loaded_by", String(120), nullable=True),
    Column("document", JSON, nullable=False),
)

plan_items = Table(
    "plan_items",
    metadata,
    Column("programme_id", String(80), ForeignKey("programmes.id"), primary_key=True),
    Column("section", String(40), primary_key=True),
    Column("item_id", String(80), primary_key=True),
    Column("name", Text, nullable=True),
    Column("pillar_id", String(80), nullable=True),
    Column("digest", String(64), nullable=False),
    Column("data", JSON, nullable=False),
)

plan_changes = Table(
    "plan_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(80), ForeignKey("programmes.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("section", String(40), nullable=False),
    Column("item_id", String(80), nullable=False),
    Column("change", String(10), nullable=False),  # added / removed / changed
    Column("fields", JSON, nullable=True),
)

areas = Table(
    "areas",
    metadata,
    Column("programme_id", String(80), ForeignKey("programmes.id"), primary_key=True),
    Column("id", String(80), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("cbs_code", String(12), nullable=True),
    Column("parent_id", String(80), nullable=True),
    Column("valid_from", Integer, nullable=True),
    Column("valid_to", Integer, nullable=True),
)

area_members = Table(
    "area_members",
    metadata,
    Column("programme_id", String(80), primary_key=True),
    Column("group_id", String(80), primary_key=True),
    Column("member_id", String(80), primary_key=True),
    Column("sign", Integer, nullable=False),  # +1 member, -1 subtracted
    ForeignKeyConstraint(["programme_id", "group_id"], ["areas.programme_id", "areas.id"]),
)

indicators = Table(
    "indicators",
    metadata,
    Column("programme_id", String(80), ForeignKey("programmes.id"), primary_key=True),
    Column("id", String(80), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("pillar_id", String(80), nullable=True),
    Column("unit", String(12), nullable=False),
    Column("polarity", String(20), nullable=False),
    Column("target_kind", String(24), nullable=True),
)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("programme_id", String(80), ForeignKey("programmes.id"), nullable=False),
    Column("source_name", Text, nullable=False),
    Column("checksum", String(64), nullable=False),
    Column("format", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(120), nullable=True),
    Column("rows", Integer, nullable=False),
    Column("state", String(10), nullable=False),  # applied / undone
    Column("added", Integer, nullable=False, server_default="0"),
    Column("revised", Integer, nullable=False, server_default="0"),
    Column("unchanged", Integer, nullable=False, server_default="0"),
    Column("undone_at", DateTime(timezone=True), nullable=True),
    Column("undone_by", String(120), nullable=True),
)

observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(80), nullable=False),
    Column("indicator_id", String(80), nullable=False),
    Column("area_id", String(80), nullable=False),
    Column("period", String(10), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("value", Float, nullable=True),
    Column("numerator", Float, nullable=True),
    Column("denominator", Float, nullable=True),
    Column("status", String(12), nullable=False),
    Column("source", Text, nullable=True),
    Column("note", Text, nullable=True),
    Column("batch_id", String(32), ForeignKey("import_batches.id"), nullable=False),
    # the breakdown ('partner' / 'havensteder', 'leeftijd' / '0-17'); '' for the total, so
    # the key holds on both backends (NULLs never collide in a unique constraint)
    Column("dimension", String(80), nullable=False, server_default=""),
    Column("category", String(80), nullable=False, server_default=""),
    Column("confirmation", Text, nullable=True),  # why a large change is right
    UniqueConstraint(
        "programme_id",
        "indicator_id",
        "area_id",
        "period",
        "dimension",
        "category",
        "revision",
        name="uq_observations_key_revision",
    ),
    ForeignKeyConstraint(
        ["programme_id", "indicator_id"], ["indicators.programme_id", "indicators.id"]
    ),
    ForeignKeyConstraint(["programme_id", "area_id"], ["areas.programme_id", "areas.id"]),
)

boundaries = Table(
    "boundaries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(80), nullable=False),
    Column("area_id", String(80), nullable=False),
    Column("year", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("geometry", JSON, nullable=False),  # a GeoJSON geometry in WGS84
    Column("batch_id", String(32), ForeignKey("import_batches.id"), nullable=False),
    UniqueConstraint(
        "programme_id", "area_id", "year", "revision", name="uq_boundaries_key_revision"
    ),
    ForeignKeyConstraint(["programme_id", "area_id"], ["areas.programme_id", "areas.id"]),
)

narratives = Table(
    "narratives",
    metadata,
    Column("programme_id", String(80), primary_key=True),
    Column("indicator_id", String(80), primary_key=True),
    Column("area_id", String(80), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("text", Text, nullable=False),  # the story behind the curve
    Column("author", String(120), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    ForeignKeyConstraint(
        ["programme_id", "indicator_id"], ["indicators.programme_id", "indicators.id"]
    ),
)

spending = Table(
    "spending",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(80), ForeignKey("programmes.id"), nullable=False),
    Column("commitment_id", String(80), nullable=False),  # finance.commitments[].id
    Column("year", Integer, nullable=False),
    Column("amount", Float, nullable=False),  # euro spent
    Column("note", Text, nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(120), nullable=True),
)

alliance_meetings = Table(
    "alliance_meetings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(80), nullable=False),
    Column("area_id", String(80), nullable=True),  # the wijk, or none for Zuid-wide
    Column("kind", String(20), nullable=False),  # wijkraad / burgerberaad / burgertop / initiatief
    Column("held_on", Date, nullable=False),
    Column("participants", Text, nullable=True),
    Column("summary", Text, nullable=False),
    Column("goals", JSON, nullable=False),  # pillar or ambition ids the meeting served
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(120), nullable=True),
    ForeignKeyConstraint(["programme_id", "area_id"], ["areas.programme_id", "areas.id"]),
)

alliance_actions = Table(
    "alliance_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_id", Integer, ForeignKey("alliance_meetings.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("owner", String(120), nullable=False),
    Column("due", Date, nullable=True),
    Column("done_on", Date, nullable=True),
)

# -- the partner workflow (koers.workflow) --------------------------------------------------
# Users, the updates partners draft and the bureau decides on, the approved state of each
# agreement, closed years and the audit log. Who did something is kept as a username (never
# renamed, never deleted: a user is deactivated). Updates refer to plan items by id without
# foreign keys, as plan_changes do: a plan may drop an item that history still mentions.

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(120), nullable=False, unique=True),
    Column("programme_id", String(80), ForeignKey("programmes.id"), nullable=False),
    Column("role", String(10), nullable=False),  # partner / bureau / admin
    Column("partner_id", String(80), nullable=True),  # the plan partner the user works for
    Column("password_hash", String(255), nullable=False),  # argon2id, never the password
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),  # optimistic locking
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(120), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=True),
    Column("email", String(254), nullable=True),  # from an import; optional
    # a one-time password (import, koers users reset): replaced at first login
    Column("must_change_password", Boolean, nullable=False, server_default=false()),
    # carried by every session cookie; raised on logout and password change (web.auth)
    Column("session_epoch", Integer, nullable=False, server_default="0"),
)

updates = Table(
    "updates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(80), ForeignKey("programmes.id"), nullable=False),
    Column("kind", String(10), nullable=False),  # status (of an agreement) / output (a value)
    Column("state", String(10), nullable=False),  # draft / submitted / approved / returned
    Column("agreement_id", String(80), nullable=True),  # kind status
    Column("status", String(20), nullable=True),
    Column("evidence", Text, nullable=True),
    Column("indicator_id", String(80), nullable=True),  # kind output
    Column("area_id", String(80), nullable=True),
    Column("period", String(10), nullable=True),
    Column("value", Float, nullable=True),
    # whose contribution the value is (breakdown partner=<id>); none: the total
    Column("contributor", String(80), nullable=True),
    Column("confirmation", Text, nullable=True),  # why a large change is right
    Column("source", Text, nullable=True),  # written on the observation: who reported it
    Column("note", Text, nullable=True),
    Column("reason", Text, nullable=True),  # why it was returned, or why a closed year changed
    # set while the update is open (draft, submitted, returned): one open update per subject
    Column("open_key", String(300), nullable=True),
    Column("batch_id", String(32), ForeignKey("import_batches.id"), nullable=True),
    Column("version", Integer, nullable=False),  # optimistic locking
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=True),
    Column("submitted_by", String(120), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", String(120), nullable=True),
    UniqueConstraint("programme_id", "open_key", name="uq_updates_open_key"),
)

agreement_state = Table(
    "agreement_state",
    metadata,
    Column("programme_id", String(80), ForeignKey("programmes.id"), primary_key=True),
    Column("agreement_id", String(80), primary_key=True),
    Column("status", String(20), nullable=True),  # the last approved status; none: not reported
    Column("update_id", Integer, ForeignKey("updates.id"), nullable=True),  # that approval
    # the position of the rung escalated to on the agreement's ladder in the plan (1 = the
    # lowest; koers.board.agreement_ladder); none: not escalated
    Column("escalation_level", Integer, nullable=True),
    Column("version", Integer, nullable=False),  # optimistic locking
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=False),
)

closed_periods = Table(
    "closed_periods",
    metadata,
    Column("programme_id", String(80), ForeignKey("programmes.id"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("closed_at", DateTime(timezone=True), nullable=False),
    Column("closed_by", String(120), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(80), ForeignKey("programmes.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),  # username, or the OS user at set-up
    Column("action", String(30), nullable=False),
    Column("subject", String(20), nullable=False),  # user / update / agreement / period
    Column("subject_id", String(200), nullable=False),
    Column("before", JSON, nullable=True),  # the subject before the change; none: it is new
    Column("after", JSON, nullable=True),
    Column("reason", Text, nullable=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("name", String(120), nullable=False),  # what the user calls it ("koppeling DUO")
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256, never the token
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)
