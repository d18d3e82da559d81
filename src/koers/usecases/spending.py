"""Recording and reading spending through the store (``koers money spend``): the pure checks
of :mod:`koers.money.spending`, then one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from koers.money.records import Spent
from koers.money.spending import SpendingRefused, check_amount, check_commitment
from koers.store import Store, StoreError
from koers.store.base import current_user


def record_spending(
    store: Store,
    programme: str,
    commitment: str,
    year: int,
    amount: float,
    note: str | None = None,
    user: str | None = None,
) -> Spent:
    """Record money spent against one of the plan's commitments (one transaction).

    Refuses (:class:`StoreError`, nothing written) an unknown programme or commitment, a
    negative (or non-finite) amount and an impossible year. Spending more than the
    commitment's amount is allowed: the summary flags it ``overschreden``.
    """
    try:
        check_amount(year, amount)
        plan = store.plan(programme)
        check_commitment(plan, commitment)
    except SpendingRefused as refused:
        raise StoreError(str(refused)) from None
    spent = Spent(
        commitment=commitment,
        year=year,
        amount=float(amount),
        note=note.strip() if note and note.strip() else None,
        recorded_by=user or current_user(),
        recorded_at=datetime.now(UTC),
    )
    with store.transaction() as tx:
        tx.spending.add(programme, spent)
    return spent


def spending(store: Store, programme: str) -> list[Spent]:
    """Every spending record of a programme, in the order it was recorded."""
    with store.transaction() as tx:
        return tx.spending.of(programme)
