"""The spending record: money spent against one commitment in one year.

A pure data module (stdlib only). The mechanism computes with it and the store's spending
repository (:class:`koers.store.spending.Spending`) reads and writes it; the store imports
this module, never the money logic, so the records live here rather than in the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Spent:
    """Money spent against one commitment in one year."""

    commitment: str
    year: int
    amount: float
    note: str | None = None
    recorded_by: str | None = None
    recorded_at: datetime | None = None
