"""The rules for recording spending, pure: what a new spending record must satisfy.

An amount is zero or more (and finite), a year lies between 1900 and 2100, and the
commitment is one of the plan's ``finance.commitments``. Spending more than the
commitment's amount is allowed: the summary flags it ``overschreden``. The use case that
checks and writes (:func:`koers.usecases.record_spending`) turns a refusal into the
store's error, so nothing of a refused record is written.
"""

from __future__ import annotations

import math

from koers.errors import KoersError
from koers.plan.model import Plan


class SpendingRefused(KoersError):
    """A spending record the plan's rules refuse."""


def check_amount(year: int, amount: float) -> None:
    """Refuse a negative or non-finite amount and an impossible year."""
    if not math.isfinite(amount) or amount < 0:
        raise SpendingRefused(f"een besteed bedrag is nul of meer, niet {amount}")
    if not 1900 <= year <= 2100:
        raise SpendingRefused(f"jaar {year} ligt niet tussen 1900 en 2100")


def check_commitment(plan: Plan, commitment: str) -> None:
    """Refuse a commitment that is not in the plan's ``finance.commitments``."""
    ids = {c.id for c in plan.finance.commitments} if plan.finance else set()
    if commitment not in ids:
        known = ", ".join(sorted(ids)) or "geen"
        raise SpendingRefused(
            f"verplichting '{commitment}' staat niet in het plan van programma "
            f"'{plan.programme.id}' (finance.commitments: {known})"
        )
