"""The system of record, and the only code of koers that speaks SQL.

Owns the schema (SQLAlchemy Core tables and Alembic migrations, identical on SQLite and
PostgreSQL), one public transaction (``with store.transaction() as tx:``) and the
repositories per table group reached through it: ``tx.plans``, ``tx.observations``, and
those of boundaries, the partner workflow, the audit log, spending and the alliance.

A plan load records what changed; an import is one batch with its file name, checksum, user
and time; a changed figure becomes a new revision and the old one stays in history.
"""

from koers.store.base import StoreError, StoreUnavailable
from koers.store.observations import Batch, BatchResult, ImportDiff
from koers.store.plans import PlanChange, PlanLoad, VersionInfo
from koers.store.store import DEFAULT_URL, Store
from koers.store.transaction import Transaction
from koers.store.versions import ConflictError

__all__ = [
    "DEFAULT_URL",
    "Batch",
    "BatchResult",
    "ConflictError",
    "ImportDiff",
    "PlanChange",
    "PlanLoad",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Transaction",
    "VersionInfo",
]
