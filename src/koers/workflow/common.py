"""What the workflow's modules share: the clock, the acting user, the plan items updates are
about, and the check of free text (notes, evidence, reasons)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from koers.errors import NotAllowedError
from koers.plan.model import Agreement, Indicator, IndicatorKind, Plan
from koers.store import StoreError, Transaction
from koers.store.accounts import User

MAX_TEXT = 4000  # a note, evidence or reason

Clock = Callable[[], datetime]
"""What the workflow stamps changes with; the default is :func:`utc_now`. Tests pass their
own to fix the moment."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def text(value: str | None, what: str, *, required: bool = False) -> str | None:
    """A note, evidence or reason, stripped; None when empty (refused if ``required``)."""
    found = (value or "").strip()
    if required and not found:
        raise StoreError(f"{what} is verplicht")
    if len(found) > MAX_TEXT:
        raise StoreError(f"{what} is te lang: hoogstens {MAX_TEXT} tekens")
    if "\x00" in found:  # SQLite would keep it, PostgreSQL refuses it: refused on both
        raise StoreError(f"{what} bevat een NUL-teken; laat dat weg")
    return found or None


def acting(tx: Transaction, user: User) -> User:
    """The acting user as the store knows it now: every write re-reads it in its own
    transaction, so a deactivated or demoted user cannot act on a stale session object."""
    found = tx.accounts.get(user.id)
    if found is None or not found.active:
        raise NotAllowedError(f"Geen toestemming: het account {user.username} is niet actief.")
    return found


def agreement_of(plan: Plan, agreement: str) -> Agreement:
    for item in plan.agreements:
        if item.id == agreement:
            return item
    raise StoreError(f"afspraak '{agreement}' staat niet in het plan van {plan.programme.id}")


def output_of(plan: Plan, indicator: str) -> Indicator:
    try:
        item = plan.indicator(indicator)
    except KeyError:
        raise StoreError(
            f"indicator '{indicator}' staat niet in het plan van {plan.programme.id}"
        ) from None
    if item.kind is not IndicatorKind.OUTPUT:
        raise StoreError(
            f"indicator '{indicator}' is een {item.kind.value}-indicator; via het portaal "
            f"komen alleen waarden van outputindicatoren binnen"
        )
    return item
