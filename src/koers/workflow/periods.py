"""Closed years: the rule that locks the figures of a year once the bureau closed it.

A closed year (:func:`close_period`, bureau) is locked for the figures whose period counts for
it (:func:`koers.plan.period.period_year`): partners can no longer draft, edit or submit
values for it (:func:`refuse_closed`), and approving one is refused; the bureau changes it
only with :func:`koers.workflow.correct`, which needs a reason that the audit log keeps.
Imports refuse figures of a closed year too (:func:`koers.sources.refuse_closed_years`). The
bureau can reopen a closed year with a reason (:func:`reopen_period`); both are audited.
Which years are closed is read in one place, :meth:`koers.store.updates.Updates.closed_years`.
"""

from __future__ import annotations

from koers import nl
from koers.plan.period import period_year
from koers.store import Store, StoreError, Transaction
from koers.store.accounts import Role, User
from koers.store.updates import ClosedPeriod
from koers.workflow.common import Clock, acting, text, utc_now
from koers.workflow.roles import require


def closed_year(tx: Transaction, programme: str, period: str) -> int | None:
    """The year ``period`` counts for, if the bureau closed it; else None."""
    year = period_year(period)
    return year if year in tx.updates.closed_years(programme) else None


def refuse_closed(tx: Transaction, actor: User, programme: str, period: str) -> None:
    """Partners cannot draft, edit or submit a value of a closed year."""
    if actor.role is Role.BUREAU:
        return
    year = closed_year(tx, programme, period)
    if year is not None:
        raise StoreError(
            f"het jaar {year} is afgesloten; een wijziging van periode {period} loopt via "
            f"het programmabureau"
        )


def close_period(
    store: Store, programme: str, year: int, user: User, *, clock: Clock = utc_now
) -> ClosedPeriod:
    """Close a year: its values change from now on only by a bureau correction."""
    plan = store.plan(programme)
    if not 1900 <= year <= 2100:
        raise StoreError(f"{year} is geen jaar")
    with store.transaction() as tx:
        actor = acting(tx, user)
        require(actor, "close_period", plan=plan)
        closed = tx.updates.closed(programme, year)
        if closed is not None:
            raise StoreError(
                f"het jaar {year} is al afgesloten door {closed.closed_by} op "
                f"{nl.moment(closed.closed_at)}"
            )
        now = clock()
        period = tx.updates.close(programme, year, by=actor.username, at=now)
        tx.audit.append(
            programme,
            actor.username,
            "close_period",
            "period",
            str(year),
            {"year": year, "closed": False},
            {"year": year, "closed": True},
            at=now,
        )
    return period


def reopen_period(
    store: Store, programme: str, year: int, user: User, reason: str, *, clock: Clock = utc_now
) -> None:
    """Reopen a closed year (bureau), with a reason the audit log keeps: partners can draft
    and submit values for it again."""
    plan = store.plan(programme)
    why = text(reason, "de reden", required=True)
    with store.transaction() as tx:
        actor = acting(tx, user)
        require(actor, "close_period", plan=plan)
        closed = tx.updates.closed(programme, year)
        if closed is None:
            raise StoreError(f"het jaar {year} is niet afgesloten")
        now = clock()
        tx.updates.reopen(programme, year)
        tx.audit.append(
            programme,
            actor.username,
            "reopen_period",
            "period",
            str(year),
            {"year": year, "closed": True, "closed_by": closed.closed_by},
            {"year": year, "closed": False},
            why,
            at=now,
        )


def closed_periods(store: Store, programme: str) -> list[ClosedPeriod]:
    """The closed years of the programme, with who closed them and when; oldest first."""
    with store.transaction() as tx:
        return tx.updates.closed_periods(programme)


def closed_years(store: Store, programme: str) -> set[int]:
    """The years of the programme the bureau closed."""
    with store.transaction() as tx:
        return tx.updates.closed_years(programme)
