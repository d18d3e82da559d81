"""Plausibility: the one set of rules a figure must pass, whoever brings it in.

The partner portal, the write API and every importer ask the same functions, so a figure
refused in one is refused in all. Each rule answers with a Dutch message that names the rule
broken; the caller names the place (the form field, the JSON key, the file's row and column).

- **Value** (:func:`value_problems`): finite; a percentage lies between 0 and 100; a count is
  a whole number of at least 0; an amount (euro) and a rate per 1.000 are at least 0; a
  numerator is not larger than its denominator for a rate; the indicator's own ``bounds``
  from the plan hold.
- **Period** (:func:`period_problem`, :func:`window_problem`): the form fits the indicator's
  periodicity; the year it counts for lies in the plan's window and not after ``today`` (the
  caller passes the date in: this module keeps no clock). The window of an output indicator
  (what the partners do) runs from the programme's start year (else its first year) to its
  last year; an effect or context indicator is measured before the programme too (the
  baseline, the reference areas), so its window has no first year and ends at the horizon.
- **Area** (:func:`area_problem`, :func:`indicator_areas`): the area is one where the
  indicator exists: its ``areas`` in the plan and what lies inside them (members, and areas
  whose ``parent`` lies inside); by default the programme's area and what lies inside it for
  an output indicator, every area for the others.
- **Change** (:func:`change_problem`): a value more than the plan's
  ``programme.plausibility.change_factor`` times larger or smaller than the previous figure
  of the same indicator, area and breakdown needs a confirmation with a reason. A previous
  figure of 0 or none has no factor to compare with: the rule does not apply.

Pure: no I/O, nothing of koers but the plan models.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from koers.plan.model import Indicator, IndicatorKind, Periodicity, Plan, Unit
from koers.plan.period import period_year

__all__ = [
    "Problem",
    "area_problem",
    "change_problem",
    "figure_problems",
    "indicator_areas",
    "period_problem",
    "value_problems",
    "window",
    "window_problem",
]

_SCHOOL_YEAR = re.compile(r"^\d{4}/\d{4}$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Problem:
    """One broken rule: ``field`` is the figure's field (``indicator``, ``area``,
    ``period``, ``value``, ``numerator``, ``denominator``, ``confirmation``) in the English
    names of the long CSV and the API; ``message`` says the rule in Dutch."""

    field: str
    message: str


def _number(value: float) -> str:
    """A number in a refusal, Dutch style, without importing the formatting layer."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.6g}".replace(".", ",")


def value_problems(
    indicator: Indicator,
    value: float | None,
    numerator: float | None = None,
    denominator: float | None = None,
) -> list[tuple[str, str]]:
    """(field, message) for a value (and its numerator and denominator) the indicator's unit
    or its ``bounds`` rule out."""
    problems: list[tuple[str, str]] = []
    given = (("value", value), ("numerator", numerator), ("denominator", denominator))
    for column, number in given:
        if number is not None and not math.isfinite(number):
            problems.append((column, "moet een eindig getal zijn"))
    if problems:
        return problems
    unit = indicator.unit
    if value is not None:
        if unit is Unit.PERCENT and not 0 <= value <= 100:
            problems.append(
                ("value", f"{_number(value)} is geen percentage (moet tussen 0 en 100 liggen)")
            )
        if unit is Unit.COUNT and value < 0:
            problems.append(
                ("value", f"{_number(value)} is negatief; een aantal kan dat niet zijn")
            )
        elif unit is Unit.COUNT and value != math.floor(value):
            problems.append(
                ("value", f"{_number(value)} is geen geheel getal; een aantal is een heel getal")
            )
        if unit in (Unit.EURO, Unit.PER_1000) and value < 0:
            what = "een bedrag" if unit is Unit.EURO else "een aantal per 1.000"
            problems.append(("value", f"{_number(value)} is negatief; {what} kan dat niet zijn"))
        bounds = indicator.bounds
        if bounds is not None and bounds.min is not None and value < bounds.min:
            problems.append(
                (
                    "value",
                    f"{_number(value)} is kleiner dan {_number(bounds.min)}, de ondergrens die "
                    f"het plan voor {indicator.id} noemt",
                )
            )
        if bounds is not None and bounds.max is not None and value > bounds.max:
            problems.append(
                (
                    "value",
                    f"{_number(value)} is groter dan {_number(bounds.max)}, de bovengrens die "
                    f"het plan voor {indicator.id} noemt",
                )
            )
    if numerator is not None and denominator is not None:
        if numerator > denominator and unit in (Unit.PERCENT, Unit.PER_1000, Unit.RATIO):
            problems.append(
                (
                    "numerator",
                    f"teller {_number(numerator)} is groter dan noemer {_number(denominator)}",
                )
            )
        if denominator < 0 or numerator < 0:
            problems.append(("denominator", "teller en noemer mogen niet negatief zijn"))
    return problems


def period_problem(indicator: Indicator, period: str, explained: bool = False) -> str | None:
    """Why ``period`` does not fit the indicator's periodicity (None when it does).

    A plain year for a school-year indicator passes only when the row ``explained`` it in a
    note (a publisher that says "in 2011" without the school year).
    """
    try:
        period_year(period)
    except ValueError:
        return (
            f"'{period}' is geen periode: schrijf een jaar ('2024'), een schooljaar "
            f"('2023/2024') of een datum ('2024-10-01')"
        )
    plain_year_explained = explained and re.fullmatch(r"\d{4}", period) is not None
    if (
        indicator.periodicity is Periodicity.SCHOOL_YEAR
        and not _SCHOOL_YEAR.match(period)
        and not plain_year_explained
    ):
        return (
            f"'{period}' is geen schooljaar; {indicator.id} wordt per schooljaar gemeten "
            f"('2022/2023'; een los jaar alleen met een toelichting in 'note')"
        )
    if indicator.periodicity is Periodicity.CALENDAR_YEAR and _SCHOOL_YEAR.match(period):
        return f"'{period}' is een schooljaar; {indicator.id} wordt per kalenderjaar gemeten"
    return None


def window(plan: Plan, indicator: Indicator) -> tuple[int | None, int]:
    """The first (none: any) and last year a figure of ``indicator`` may count for."""
    programme = plan.programme
    if indicator.kind is IndicatorKind.OUTPUT:
        return programme.start_year or programme.period_start, programme.period_end
    return None, max(programme.horizon, programme.period_end)


def window_problem(plan: Plan, indicator: Indicator, period: str, today: date) -> str | None:
    """Why ``period`` lies outside the plan's window or after ``today`` (None when not)."""
    try:
        year = period_year(period)
    except ValueError:
        return None  # period_problem says what is wrong with its form
    first, last = window(plan, indicator)
    if first is not None and year < first:
        return (
            f"'{period}' valt buiten de looptijd van het plan: een cijfer van {indicator.id} "
            f"gaat over {first} tot en met {last}"
        )
    if year > last:
        return (
            f"'{period}' valt na het plan: een cijfer van {indicator.id} gaat over jaren tot "
            f"en met {last}"
        )
    if match := _DATE.match(period.strip()):
        later = date(int(match[1]), int(match[2]), int(match[3])) > today
    else:
        later = year > today.year
    if later:
        return f"'{period}' ligt in de toekomst (vandaag is {today:%d-%m-%Y})"
    return None


def indicator_areas(plan: Plan, indicator: Indicator) -> list[str]:
    """The areas ``indicator`` exists in, in the plan's order (see the module's docstring)."""
    if indicator.areas:
        roots = list(indicator.areas)
    elif indicator.kind is IndicatorKind.OUTPUT:
        roots = [plan.programme.area]
    else:
        return [a.id for a in plan.areas]
    inside: dict[str, list[str]] = {}
    for area in plan.areas:
        inside.setdefault(area.id, []).extend(area.members)
        if area.parent is not None:
            inside.setdefault(area.parent, []).append(area.id)
    found: set[str] = set()
    todo = list(roots)
    while todo:
        area_id = todo.pop()
        if area_id not in found:
            found.add(area_id)
            todo.extend(inside.get(area_id, ()))
    return [a.id for a in plan.areas if a.id in found]


def area_problem(plan: Plan, indicator: Indicator, area: str, year: int | None) -> str | None:
    """Why ``indicator`` has no figures for ``area`` (in ``year``), or None."""
    known = {a.id: a for a in plan.areas}
    if area not in known:
        return f"gebied '{area}' staat niet in het plan"
    if area not in indicator_areas(plan, indicator):
        return f"{indicator.id} wordt niet gemeten voor {known[area].name}"
    if year is not None and not known[area].valid_in(year):
        return f"gebied '{area}' bestaat niet in {year}"
    return None


def change_problem(
    plan: Plan, value: float | None, previous: float | None, confirmation: str | None
) -> str | None:
    """Why a change from ``previous`` to ``value`` needs a confirmation that is missing."""
    factor = plan.programme.plausibility.change_factor
    if factor is None or value is None or not previous or (confirmation or "").strip():
        return None
    ratio = math.inf if value == 0 else max(abs(value / previous), abs(previous / value))
    if ratio <= factor:
        return None
    return (
        f"{_number(value)} verschilt meer dan een factor {_number(factor)} van het vorige "
        f"cijfer ({_number(previous)}); bevestig het met een reden"
    )


def figure_problems(
    plan: Plan,
    indicator: Indicator,
    area: str,
    period: str,
    value: float | None,
    *,
    today: date,
    numerator: float | None = None,
    denominator: float | None = None,
    explained: bool = False,
    previous: float | None = None,
    confirmation: str | None = None,
) -> list[Problem]:
    """Every rule one figure breaks, in the order of its fields."""
    problems: list[Problem] = []
    year: int | None
    try:
        year = period_year(period)
    except ValueError:
        year = None
    if (found := area_problem(plan, indicator, area, year)) is not None:
        problems.append(Problem("area", found))
    for check in (
        period_problem(indicator, period, explained),
        window_problem(plan, indicator, period, today),
    ):
        if check is not None:
            problems.append(Problem("period", check))
    problems += [Problem(f, m) for f, m in value_problems(indicator, value, numerator, denominator)]
    if not problems and (found := change_problem(plan, value, previous, confirmation)):
        problems.append(Problem("confirmation", found))
    return problems
