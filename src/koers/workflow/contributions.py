"""Contributions: partners that report one output indicator together, and the plausibility of
what anyone reports.

An output indicator with more than one reporting partner (:func:`koers.workflow.roles.
reporters`; O6.8 of the NPRZ plan: four housing corporations) is *co-reported*: each
partner's value is stored as its own contribution, the breakdown ``partner=<id>``
(:data:`koers.areas.CONTRIBUTION`), and the published value is the total the plan's rule
forms from them (:func:`koers.areas.published`: their sum, or none). Approving one
contribution therefore never replaces another's. A partner reports its own contribution; the
bureau names whose contribution it reports (:func:`contributor_for`), and a partner whose
published contribution the bureau changed is told in its portal (:func:`corrections`).

:func:`check_figure` applies the plan's plausibility rules (:mod:`koers.plan.plausibility`)
to a value, the same rules the importers apply; :class:`PlausibilityError` names every
field and rule broken. :func:`review_of` is what the bureau sees before it decides: the
published value now, the contribution before and after, and the total after approval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from koers.areas import CONTRIBUTION, Observation, published
from koers.plan.model import BreakdownTotal, Indicator, Plan
from koers.plan.passport import reporters
from koers.plan.plausibility import Problem, figure_problems
from koers.store import Store, StoreError, Transaction
from koers.store.accounts import Role, User
from koers.store.updates import Kind, State, Update

FIELD_LABELS = {
    "indicator": "indicator",
    "area": "gebied",
    "period": "periode",
    "value": "waarde",
    "numerator": "teller",
    "denominator": "noemer",
    "confirmation": "bevestiging",
    "contributor": "partner",
}
"""The Dutch name of each field a refusal names; the API's JSON key follows in brackets."""


class PlausibilityError(StoreError):
    """A value the plan's plausibility rules refuse; ``problems`` says which field broke
    which rule."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(
            "; ".join(
                f"{FIELD_LABELS.get(p.field, p.field)} ({p.field}): {p.message}" for p in problems
            )
        )


def co_reported(plan: Plan, indicator: Indicator) -> bool:
    """Whether several partners report ``indicator``, each its own contribution."""
    return len(reporters(plan, indicator)) > 1


def contributor_for(plan: Plan, indicator: Indicator, actor: User, given: str | None) -> str | None:
    """Whose contribution a value of ``actor`` is (none: the total). A partner reports its
    own; the bureau names one of the reporters, and must for an indicator whose total is
    their sum."""
    if not co_reported(plan, indicator):
        if given:
            raise PlausibilityError(
                [
                    Problem(
                        "contributor",
                        f"{indicator.id} heeft één rapporterende partner; "
                        "geef het cijfer zonder partner",
                    )
                ]
            )
        return None
    if actor.role is Role.PARTNER:
        return actor.partner
    names = reporters(plan, indicator)
    if given:
        if given not in names:
            raise PlausibilityError(
                [
                    Problem(
                        "contributor",
                        f"'{given}' rapporteert niet over {indicator.id}; kies uit "
                        + ", ".join(sorted(names)),
                    )
                ]
            )
        return given
    if indicator.total_from_breakdown is BreakdownTotal.SUM:
        raise PlausibilityError(
            [
                Problem(
                    "contributor",
                    f"{indicator.id} telt de bijdragen van {len(names)} partners "
                    "op; kies wiens bijdrage dit is",
                )
            ]
        )
    return None


def figure_of(update: Update) -> Observation:
    """The figure an output update becomes when it is approved."""
    assert update.indicator and update.area and update.period
    return Observation(
        indicator=update.indicator,
        area=update.area,
        period=update.period,
        value=update.value,
        source=update.source,
        note=update.note,
        dimension=CONTRIBUTION if update.contributor else None,
        category=update.contributor,
        confirmation=update.confirmation,
    )


def check_figure(
    tx: Transaction,
    plan: Plan,
    indicator: Indicator,
    figure: Observation,
    today: date,
) -> None:
    """Refuse ``figure`` (with every problem) unless it passes the plan's plausibility rules,
    against the previous figure of the same indicator, area, period and breakdown. The
    previous figure is looked up only for a figure whose area and period the rules accept:
    what a user typed reaches no query before it is known to name a plan area."""

    def problems(previous: Observation | None) -> list[Problem]:
        return figure_problems(
            plan,
            indicator,
            figure.area,
            figure.period,
            figure.value,
            today=today,
            previous=previous.value if previous else None,
            confirmation=figure.confirmation,
        )

    found = problems(None)
    if not found:
        here = tx.observations.current_at(
            plan.programme.id, figure.indicator, figure.area, figure.period
        )
        found = problems(next((o for o in here if o.key == figure.key), None))
    if found:
        raise PlausibilityError(found)


@dataclass(frozen=True)
class Review:
    """What approving an output update changes, for the bureau's review page."""

    published: float | None  # the value that counts now (none: no value)
    before: float | None  # this contribution (or total) now
    after: float | None  # as reported
    total_after: float | None  # the value that counts after approval (none: none is formed)
    contributor: str | None  # whose contribution (partner id); none: the total
    others: tuple[tuple[str, float | None], ...]  # the other contributions: partner, value


def review_of(store: Store, plan: Plan, update: Update) -> Review | None:
    """The effect of approving an output ``update``; None for a status update."""
    if update.kind is not Kind.OUTPUT:
        return None
    figure = figure_of(update)
    with store.transaction() as tx:
        here = tx.observations.current_at(
            update.programme, figure.indicator, figure.area, figure.period
        )
    indicators = {i.id: i for i in plan.indicators}
    now = published(indicators, here)
    after = published(indicators, [*(o for o in here if o.key != figure.key), figure])
    before = next((o for o in here if o.key == figure.key), None)
    others = tuple(
        (o.category or "", o.value)
        for o in sorted(here, key=lambda o: o.category or "")
        if o.dimension == CONTRIBUTION and o.key != figure.key
    )
    return Review(
        published=now[0].value if now else None,
        before=before.value if before else None,
        after=figure.value,
        total_after=after[0].value if after else None,
        contributor=update.contributor,
        others=others,
    )


@dataclass(frozen=True)
class Correction:
    """A partner's published contribution that someone outside the partner changed."""

    update: int
    indicator: str
    area: str
    period: str
    before: float | None  # the contribution before the change (none: there was none)
    after: float | None
    by: str
    at: datetime


def corrections(store: Store, plan: Plan, user: User) -> list[Correction]:
    """The approved contributions of ``user``'s partner that a user not of that partner
    (the bureau) reported, newest first: what the partner's portal tells it."""
    if user.partner is None:
        return []
    found = []
    with store.transaction() as tx:
        accounts = {u.username: u for u in tx.accounts.of_programme(plan.programme.id)}
        approved = [
            u
            for u in tx.updates.of_programme(plan.programme.id, state=State.APPROVED)
            if u.kind is Kind.OUTPUT and u.contributor == user.partner
        ]
        history = tx.observations.every_revision(plan.programme.id) if approved else []
    for update in approved:
        author = accounts.get(update.created_by)
        if author is not None and author.partner == user.partner:
            continue
        figure = figure_of(update)
        revisions = [o for o in history if o.key == figure.key]
        mine = next((o for o in revisions if o.batch == update.batch), None)
        earlier = [o for o in revisions if mine and o.revision < mine.revision]
        found.append(
            Correction(
                update.id,
                figure.indicator,
                figure.area,
                figure.period,
                earlier[-1].value if earlier else None,
                update.value,
                update.decided_by or update.created_by,
                update.decided_at or update.updated_at,
            )
        )
    return sorted(found, key=lambda c: c.at, reverse=True)


__all__ = [
    "FIELD_LABELS",
    "Correction",
    "PlausibilityError",
    "Review",
    "check_figure",
    "co_reported",
    "contributor_for",
    "corrections",
    "figure_of",
    "review_of",
]
