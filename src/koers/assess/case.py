"""What the engine works on and hands back: a :class:`Case` (one indicator, one target, the
series of the area and of its references, the year to judge), an :class:`Outcome` (status,
explanation, expected value), the four statuses with the words a reader sees beside them,
and the one rule that turns a shortfall into a status (:func:`judge`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from koers import nl
from koers.areas.values import Value
from koers.plan.model import Indicator, Polarity, StatusRules, Target


class Status(StrEnum):
    GROEN = "groen"
    ORANJE = "oranje"
    ROOD = "rood"
    GRIJS = "grijs"


STATUS_LABELS = {  # the words a reader sees beside the colour, everywhere
    Status.GROEN: "op koers",
    Status.ORANJE: "aandacht",
    Status.ROOD: "achter",
    Status.GRIJS: "geen oordeel",
}


@dataclass(frozen=True)
class Case:
    indicator: Indicator
    target: Target | None
    area_name: str
    year: int
    series: Mapping[int, Value]  # the area's values by year
    rules: StatusRules
    reference_name: str | None = None
    reference: Mapping[int, Value] | None = None  # the reference area's values by year
    # a staged target's rungs: reference area -> (its name, its values by year)
    references: Mapping[str, tuple[str, Mapping[int, Value]]] = field(default_factory=dict)
    developing: bool = False  # the passport says the indicator's source is still being built
    # the period each year of the series stands for ("2021/2022", "2020-10-01"), as stated
    periods: Mapping[int, str] = field(default_factory=dict)

    @property
    def value(self) -> float | None:
        observed = self.series.get(self.year)
        return observed.value if observed else None

    def previous(self) -> tuple[int, float] | None:
        earlier = [y for y, v in self.series.items() if y < self.year and v.value is not None]
        if not earlier:
            return None
        year = max(earlier)
        return year, self.series[year].value  # type: ignore[return-value]

    def reference_at(self, year: int) -> tuple[int, float] | None:
        """The reference in ``year``, or else its latest earlier value (a moving reference
        that has not been published yet for that year)."""
        reference = self.reference or {}
        known = [y for y, v in reference.items() if y <= year and v.value is not None]
        if not known:
            return None
        used = year if year in known else max(known)
        return used, reference[used].value  # type: ignore[return-value]

    def at(self, year: int | None) -> float | None:
        observed = self.series.get(year) if year is not None else None
        return observed.value if observed else None

    def label(self, year: int) -> str:
        """A year of the series as the plan states its period: ``2022``, ``2021/2022`` (a
        school year), ``1 oktober 2020`` (a reference date)."""
        return nl.period(self.periods.get(year) or str(year))

    def when(self, year: int) -> str:
        """The period with its preposition: ``in 2022``, ``in 2021/2022``, ``op 1 oktober
        2020``."""
        said = self.label(year)
        return f"op {said}" if " " in said else f"in {said}"

    def since(self, year: int) -> str:
        """An earlier year as the sentence refers to it: ``vorig jaar`` or ``in 2019``."""
        return "vorig jaar" if year == self.year - 1 else self.when(year)

    def margin(self, fraction: float, amount: float, basis: str) -> str:
        """The tolerance in words, with the plan setting it comes from: ``0,6 procentpunt
        (10% van de achterstand in 2011)``."""
        return f"{self.fmt_gap(amount)} ({nl.percentage(fraction)} van {basis})"

    def better(
        self,
        value: float,
        previous: tuple[int, float] | None,
        *,
        direction: int = 0,
        words: bool = False,
    ) -> str | None:
        """How much better than the previous figure: ``4 procentpunt beter dan vorig jaar``
        (``words``: ``800 meer dan vorig jaar``); None when it is not better. ``direction``
        overrides the indicator's polarity (+1: higher is better)."""
        if previous is None:
            return None
        s = direction or sign(self.indicator)
        change = s * (value - previous[1])
        if change <= 0:
            return None
        better = ("meer" if s > 0 else "minder") if words else "beter"
        return f"{self.fmt_gap(change)} {better} dan {self.since(previous[0])}"

    def earlier(self, previous: tuple[int, float] | None) -> str | None:
        """The previous figure as a clause names it: ``vorig jaar (36%)``."""
        return f"{self.since(previous[0])} ({self.fmt(previous[1])})" if previous else None

    def fmt(self, amount: float | None) -> str:
        return nl.value(amount, self.indicator.unit, self.indicator.decimals)

    def fmt_gap(self, amount: float) -> str:
        decimals = self.indicator.decimals
        while amount and round(amount, decimals) == 0 and decimals < 4:
            decimals += 1  # a real shortfall is never shown as "0 te weinig"
        return nl.difference(amount, self.indicator.unit, decimals)

    def fmt_span(self, start: float, end: float) -> str:
        """``3,9 naar 2,3 procentpunt``: the unit said once where it follows the number."""
        unit, decimals = self.indicator.unit, self.indicator.decimals
        first = nl.number(start, decimals) if nl.unit_follows(unit) else self.fmt_gap(start)
        return f"{first} naar {self.fmt_gap(end)}"

    def tolerance(self, default: float) -> float:
        assert self.target is not None
        return self.target.tolerance if self.target.tolerance is not None else default

    @property
    def strict(self) -> bool:
        return self.target is not None and self.target.strict


@dataclass(frozen=True)
class Outcome:
    status: Status
    explanation: str
    expected: float | None = None
    reference: float | None = None
    gap_closed: float | None = None
    expected_gap_closed: float | None = None
    trajectory: Mapping[int, float] | None = None  # expected value per year
    reference_area: str | None = None  # a staged target: the rung judged against


def sign(indicator: Indicator, neutral: int = 1) -> int:
    """+1 when higher is better, -1 when lower is better."""
    if indicator.polarity is Polarity.HIGHER_IS_BETTER:
        return 1
    if indicator.polarity is Polarity.LOWER_IS_BETTER:
        return -1
    return neutral


def judge(behind: float, tolerance: float, improving: bool, strict: bool = False) -> Status:
    """The shared rule: ``behind`` is the shortfall against the trajectory (<= 0: on track;
    ``strict``: < 0, exactly on the level is not yet enough)."""
    if behind < -1e-9 or (behind <= 1e-9 and not strict):
        return Status.GROEN
    if within(behind, tolerance) or improving:
        return Status.ORANJE
    return Status.ROOD


def within(behind: float, tolerance: float) -> bool:
    """Behind by no more than the tolerance: the first reason :func:`judge` gives oranje."""
    return behind <= tolerance + 1e-9


def why(
    status: Status,
    behind: float,
    tolerance: float,
    *,
    margin: str,
    progress: str | None = None,
    previous: str | None = None,
    improvement: bool = True,
) -> str:
    """Why a figure behind its schedule has its colour: :func:`judge`'s rule in words, as
    the clause that ends its sentence. Oranje within the tolerance names the ``margin``;
    oranje beyond it says how much better than before (``progress``); rood names the margin
    and the earlier figure it is no better than (``previous``), or that there is none.
    On schedule (groen) needs no clause: the sentence itself shows it. ``improvement``
    False: the target's rule does not weigh improvement (a ceiling, a cumulative total)."""
    if status in (Status.GROEN, Status.GRIJS) or abs(behind) <= 1e-9:
        return ""  # on schedule, or exactly on a strict level: the sentence says it
    if within(behind, tolerance):
        return f", binnen de marge van {margin}"
    if status is Status.ORANJE and progress:
        return f", maar {progress}"
    if not improvement:
        return f", meer dan de marge van {margin}"
    if previous is None:
        return f", meer dan de marge van {margin}; geen eerder cijfer om verbetering aan te zien"
    return f", meer dan de marge van {margin} en niet beter dan {previous}"
