"""The spending repository: money spent against the plan's commitments, one row each.

Its records are :class:`koers.money.records.Spent`, defined in the money package's pure data
module (stdlib only), which the store may import; the rules for a new record live in
:mod:`koers.money.spending`, not here.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from koers.money.records import Spent
from koers.store import schema as t


class Spending:
    """The spending records of every programme in the store, inside one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, programme: str, spent: Spent) -> None:
        """Store one spending record of ``programme``."""
        self.c.execute(
            t.spending.insert().values(
                programme_id=programme,
                commitment_id=spent.commitment,
                year=spent.year,
                amount=spent.amount,
                note=spent.note,
                recorded_at=spent.recorded_at,
                recorded_by=spent.recorded_by,
            )
        )

    def of(self, programme: str) -> list[Spent]:
        """Every spending record of ``programme``, in the order it was recorded."""
        s = t.spending
        rows = self.c.execute(select(s).where(s.c.programme_id == programme).order_by(s.c.id))
        return [
            Spent(
                commitment=r.commitment_id,
                year=r.year,
                amount=r.amount,
                note=r.note,
                recorded_by=r.recorded_by,
                recorded_at=r.recorded_at,
            )
            for r in rows
        ]
