"""Data delivery at a glance: per indicator, is the figure of a year in, late, or can it not
come at all?

One pure function, :func:`deliveries`, serves ``koers bronnen`` and the portal's pages (the
bureau's overview and a partner's list of what it owes). It takes the plan, the current
figures, when each import batch was stored, the year asked about and today, and judges every
indicator by its passport (:mod:`koers.plan.passport`):

- ``binnen``: a figure whose period counts for the year (:func:`koers.plan.period.period_year`)
  is stored, for any area;
- ``zonder bron``: no figure, and the passport says there is no source, or that it is still
  being developed, or it knows neither a source nor who delivers;
- ``te laat``: no figure, and the month it was expected (``delivery.month``, in the year plus
  ``delivery.lag``) has ended before today;
- ``verwacht``: no figure yet, and its month has not ended;
- ``onbekend``: no figure, and the passport gives no month, or the figures do not come every
  year, so nobody can say whether one is late.

Each row says why in one Dutch sentence. Nothing here reads the store: the read model hands
the figures and the batch times in (:meth:`koers.programme.ProgrammeState.deliveries`).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from koers import nl
from koers.areas import Observation
from koers.plan.model import Indicator, Plan
from koers.plan.passport import UNKNOWN, IndicatorPassport, PassportState, passports
from koers.plan.period import period_year

__all__ = [
    "DELIVERY_STATES",
    "EXPECTED",
    "IN",
    "LATE",
    "NO_SOURCE",
    "UNKNOWN_STATE",
    "DeliveryRow",
    "deliveries",
    "due_date",
]

IN, LATE, EXPECTED, NO_SOURCE, UNKNOWN_STATE = (
    "binnen",
    "te laat",
    "verwacht",
    "zonder bron",
    UNKNOWN,
)
DELIVERY_STATES: tuple[str, ...] = (IN, LATE, EXPECTED, NO_SOURCE, UNKNOWN_STATE)


@dataclass(frozen=True)
class DeliveryRow:
    """One indicator's delivery for a year."""

    indicator: Indicator
    passport: IndicatorPassport
    deliverers: tuple[str, ...]  # names: partners of the plan, or the publisher
    year: int
    due: date | None  # the last day of the month the year's figure is expected
    latest: Observation | None  # the latest figure of any period, any area
    latest_imported: datetime | None  # when the batch holding ``latest`` was stored
    figure: Observation | None  # the latest figure that counts for ``year``
    imported: datetime | None  # when the batch holding ``figure`` was stored
    state: str
    explanation: str

    def record(self) -> dict[str, Any]:
        """The row for ``--format json`` and the API: plain values, dates as ISO text."""
        return {
            "indicator": self.indicator.id,
            "name": self.indicator.name,
            "kind": self.indicator.kind.value,
            "pillar": self.indicator.pillar,
            "year": self.year,
            "state": self.state,
            "explanation": self.explanation,
            "delivered_by": list(self.deliverers),
            "partners": list(self.passport.partners),
            "expected": self.due.isoformat() if self.due else None,
            "frequency": self.passport.frequency,
            "passport_state": self.passport.state,
            "latest_period": self.latest.period if self.latest else None,
            "latest_area": self.latest.area if self.latest else None,
            "latest_imported": _iso(self.latest_imported),
            "period": self.figure.period if self.figure else None,
            "imported": _iso(self.imported),
        }


def _iso(at: datetime | None) -> str | None:
    return at.isoformat(timespec="seconds") if at else None


def due_date(passport: IndicatorPassport, year: int) -> date | None:
    """The last day of the month in which the figure of ``year`` is expected, if known."""
    if passport.expected_month is None:
        return None
    when = year + passport.expected_lag
    return date(
        when, passport.expected_month, calendar.monthrange(when, passport.expected_month)[1]
    )


def _sort_key(observation: Observation) -> tuple[int, str]:
    return period_year(observation.period), observation.period


def deliveries(
    plan: Plan,
    observations: Iterable[Observation],
    imported: Mapping[str, datetime],
    *,
    year: int,
    today: date,
    partner: str | None = None,
) -> list[DeliveryRow]:
    """Every indicator's delivery for ``year`` as of ``today``, in the plan's order;
    ``imported`` maps a batch id to when it was stored; ``partner`` keeps only the
    indicators that partner delivers."""
    by_indicator: dict[str, list[Observation]] = {}
    for o in observations:
        if o.value is not None:
            by_indicator.setdefault(o.indicator, []).append(o)
    names = {p.id: p.name for p in plan.partners}
    rows = []
    for indicator_id, passport in passports(plan).items():
        if partner is not None and partner not in passport.partners:
            continue
        figures = sorted(by_indicator.get(indicator_id, []), key=_sort_key)
        latest = figures[-1] if figures else None
        in_year = [o for o in figures if period_year(o.period) == year]
        figure = in_year[-1] if in_year else None
        due = due_date(passport, year)
        state, why = _judge(passport, figure, imported, year, due, today)
        deliverers = tuple(names.get(p, p) for p in passport.partners) or (
            (passport.publisher,) if passport.publisher else ()
        )
        rows.append(
            DeliveryRow(
                indicator=plan.indicator(indicator_id),
                passport=passport,
                deliverers=deliverers,
                year=year,
                due=due,
                latest=latest,
                latest_imported=imported.get(latest.batch or "") if latest else None,
                figure=figure,
                imported=imported.get(figure.batch or "") if figure else None,
                state=state,
                explanation=why,
            )
        )
    return rows


def _judge(
    passport: IndicatorPassport,
    figure: Observation | None,
    imported: Mapping[str, datetime],
    year: int,
    due: date | None,
    today: date,
) -> tuple[str, str]:
    """The state of one delivery and the sentence that explains it."""
    if figure is not None:
        at = imported.get(figure.batch or "")
        when = f" op {nl.long_date(at.date())}" if at else ""
        late = (
            f", na de verwachte levering ({nl.long_date(due)})"
            if at is not None and due is not None and at.date() > due
            else ""
        )
        return IN, f"Het cijfer over {figure.period} is ingelezen{when}{late}."
    if passport.state == PassportState.NO_SOURCE.value:
        return NO_SOURCE, "Het plan noemt geen bron voor deze indicator."
    if passport.state == PassportState.IN_DEVELOPMENT.value:
        return NO_SOURCE, "De bron wordt nog ontwikkeld; er kan nog geen cijfer komen."
    if not (passport.sources or passport.plan_source or passport.known_deliverer):
        return NO_SOURCE, "Het plan noemt geen bron en niemand die de cijfers levert."
    if passport.yearly is False:
        return (
            UNKNOWN_STATE,
            f"De cijfers komen {passport.frequency}, niet elk jaar; "
            f"of er een over {year} komt, is niet vastgelegd.",
        )
    if due is None:
        return (
            UNKNOWN_STATE,
            f"Geen cijfer over {year}; wanneer het verwacht wordt, is niet vastgelegd.",
        )
    if due < today:
        return LATE, f"Verwacht uiterlijk {nl.long_date(due)}; het cijfer over {year} ontbreekt."
    return EXPECTED, f"Verwacht uiterlijk {nl.long_date(due)}."
