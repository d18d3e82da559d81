"""The system of record: plans, areas, import batches and observations in SQL.

Owns the schema (SQLAlchemy Core tables and Alembic migrations, identical on SQLite and
PostgreSQL) and the repository functions over it. A plan load records what changed; an
import is one batch with its file name, checksum, user and time; a changed figure becomes
a new revision and the old one stays in history.
"""

from koers.store.store import (
    DEFAULT_URL,
    Batch,
    BatchResult,
    ImportDiff,
    PlanChange,
    PlanLoad,
    Store,
    StoreError,
)

__all__ = [
    "DEFAULT_URL",
    "Batch",
    "BatchResult",
    "ImportDiff",
    "PlanChange",
    "PlanLoad",
    "Store",
    "StoreError",
]
