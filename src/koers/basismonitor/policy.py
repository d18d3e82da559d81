"""Which output rules each Basismonitor measure gets: its kind, and whether it is sensitive.

Every measure has a *kind* (:data:`KINDS`): ``algemeen``, ``inkomen`` (household income,
incomes relative to the social minimum) or ``uitkering`` (benefits, and the work careers of
bijstand entrants). The default kind of a measure is :data:`MEASURE_KINDS`; the plan's
``basismonitor`` mapping may set another per column (``disclosure``), and ``sensitive``
turns the group-disclosure rule on or off for one measure.

Defaults (:class:`RuleBook`), at the levels CBS publishes for its own income statistics
(Aanvullende onderzoeksbeschrijving Inkomensstatistiek, §5): percentages and means on at
least 100 units; a sum or mean of incomes only when neither the largest nor the smallest
value is more than 30% of the sum, both in absolute value (so a large negative income is
caught as well as a large positive one). Benefits get the same minimum of 100 units. Income
and benefit measures are sensitive: a cell in which nobody or everybody has the property
is suppressed ("0 of 10 bijstand entrants had work"). General measures keep the minimum of
10 units (numerator, complement and denominator) and the dominance rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from koers.basismonitor.disclosure import Key, Rules

Kind = Literal["algemeen", "inkomen", "uitkering"]
KINDS: tuple[Kind, ...] = ("algemeen", "inkomen", "uitkering")

MEASURE_KINDS: dict[str, Kind] = {
    "T1.R15": "inkomen",
    "T1.R16": "inkomen",
    "T1.R17": "inkomen",
    "T1.R18": "uitkering",
    "T1.R19": "uitkering",
    "cohort.bijstand.work_y1": "uitkering",
    "cohort.bijstand.work_y2": "uitkering",
    "cohort.bijstand.sustained_y2": "uitkering",
}
"""The kind of a kernel measure; every other measure is ``algemeen``."""

GENERAL_RULES = Rules()
INCOME_RULES = Rules(
    min_count=10, dominance=(), min_population=100, extreme_share=0.3, all_or_nothing=True
)
BENEFIT_RULES = Rules(min_count=10, min_population=100, all_or_nothing=True)


@dataclass(frozen=True)
class RuleBook:
    """The rules of each kind of measure (see the module doc for the defaults)."""

    algemeen: Rules = GENERAL_RULES
    inkomen: Rules = INCOME_RULES
    uitkering: Rules = BENEFIT_RULES

    @classmethod
    def of(
        cls, min_count: int = 10, min_count_income: int = 100, round_to: int | None = None
    ) -> RuleBook:
        """The defaults with the run's options: the general minimum, the minimum population
        of income and benefit cells, and rounding for every kind."""
        return cls(
            Rules(min_count=min_count, round_to=round_to),
            replace(INCOME_RULES, min_population=min_count_income, round_to=round_to),
            replace(BENEFIT_RULES, min_population=min_count_income, round_to=round_to),
        )

    def rules(self, kind: Kind, sensitive: bool | None = None) -> Rules:
        """The rules of ``kind``, with group disclosure set by ``sensitive`` when given."""
        rules: Rules = getattr(self, kind)
        if sensitive is not None and sensitive != rules.all_or_nothing:
            rules = replace(rules, all_or_nothing=sensitive)
        return rules


@dataclass(frozen=True)
class MeasureRule:
    """What the plan says about one measure (None: the default)."""

    kind: Kind | None = None
    sensitive: bool | None = None


def rules_of(
    keys: Iterable[Key], book: RuleBook, plan_rules: Mapping[str, MeasureRule]
) -> dict[Key, Rules]:
    """The rules of every cell key (its first part is the measure)."""
    cache: dict[str, Rules] = {}
    result = {}
    for key in keys:
        measure = key[0]
        if measure not in cache:
            said = plan_rules.get(measure, MeasureRule())
            kind = said.kind or MEASURE_KINDS.get(measure, "algemeen")
            cache[measure] = book.rules(kind, said.sensitive)
        result[key] = cache[measure]
    return result


def kind_of(measure: str, plan_rules: Mapping[str, MeasureRule]) -> Kind:
    return plan_rules.get(measure, MeasureRule()).kind or MEASURE_KINDS.get(measure, "algemeen")


def describe(rules: Rules) -> str:
    """The rules in Dutch, for the checker's annex."""
    parts = [f"minimaal {rules.min_count} eenheden met en zonder het kenmerk"]
    parts.append(f"noemer minimaal {rules.least_population}")
    if rules.dominance:
        parts.append(
            "dominantie " + ", ".join(f"({n}, {round(k * 100)}%)" for n, k in rules.dominance)
        )
    if rules.extreme_share is not None:
        parts.append(f"extreme waarde max. {round(rules.extreme_share * 100)}% van de som")
    if rules.all_or_nothing:
        parts.append("groepsonthulling (0% of 100%) onderdrukt")
    if rules.round_to is not None:
        parts.append(f"aantallen afgerond op {rules.round_to}")
    return "; ".join(parts)
