"""The output-checking gate: which Basismonitor aggregates may leave the secure environment.

Every aggregate the Basismonitor computes from microdata is a :class:`Cell` (a count, a
frequency "numerator of denominator", or a magnitude "total over denominator
contributors"). :func:`check` takes all cells of one publication, the additive
:class:`Relation` s between them and the :class:`Rules`, and returns one :class:`Verdict` per
cell: published, published with rounded counts, or suppressed, with a Dutch reason that is
recorded with the value. A verdict is the only thing a publisher writes: its ``numerator``,
``denominator``, ``total`` and :attr:`Verdict.ratio` are the publishable figures (``None``
when suppressed); ``verdict.cell`` holds the true microdata counts and never leaves.

Primary rules (a cell is unsafe by itself):

1. **Minimum count.** A count below ``min_count`` (but above 0) identifies too few units.
   Checked on the denominator (the units in the cell), the numerator (the units with the
   property) *and the complement* ``denominator - numerator``: "195 of 200 have it"
   discloses as much about the other 5 as "5 of 200 have it" does about those 5. When the
   denominator is small the numerator and complement are not reported separately.
   *Zeros:* a count of exactly 0 is not unsafe by itself. An empty cell (denominator 0)
   discloses no unit and has no ratio; a numerator of 0, or a complement of 0, in a cell of
   at least ``min_count`` units is published ("none of these 200" / "all of these 200").
   A small denominator makes such a cell unsafe anyway. Limit: a property that is
   sensitive for a whole group ("all 40 in this buurt receive bijstand") is group
   disclosure that no count rule catches; the caller must not ask for such cells.
   Magnitude cells: the number of contributors (the denominator) must reach ``min_count``.
2. **Dominance** (magnitude cells only; the (n, k) rule): for each ``(n, k)`` in
   ``Rules.dominance``, if the n largest contributions sum to more than ``k`` times the
   total, one or two contributors could estimate each other's value: unsafe. ``Cell.top``
   gives the largest contributions (descending); if it holds fewer than n of them the rule
   cannot be checked and the cell is unsafe (fail closed), as is a cell with a negative
   contribution. A total of 0 cannot be dominated.

Secondary suppression. A :class:`Relation` says ``total = sum(parts)`` (Rotterdam-Zuid =
sum of its wijken; Rotterdam = Zuid + rest). If exactly one cell of a relation is
suppressed it can be recomputed by subtraction from the published others, so one more cell
of that relation is suppressed. The choice, deterministic:

- a part rather than the relation's total (the higher-level figure is the one the
  programme steers on, and suppression spreads downwards rather than upwards);
- a non-empty cell rather than an empty one (a cell known to be empty protects nothing);
- then the smallest denominator (least information lost), then the smallest key.

A secondary suppression can leave another relation with exactly one suppressed cell
(the chosen wijk is itself the total of its buurten, or a part of another relation), so
the relations are revisited until none has exactly one suppressed cell (a fixed point; it
terminates because every round suppresses at least one more cell). Both counts of a cell
are withheld together, so this also protects the numerators. Relations need not add up
exactly (units without a known wijk): an approximate relation leaks nearly as much as an
exact one, so declare it anyway.

Every key of a relation must be one of the cells given to :func:`check` (``ValueError``
otherwise). Counting an absent cell as unpublished would fail open: the cell may be
published by another run, or the key may be a typo. A cell that really is never
published elsewhere is passed like any other and goes through the gate too.

The relations protect each sum on its own; combinations of relations (a wijk minus a
wijkraad, the gebieden minus Zuid) are covered by the recovery audit
(:mod:`koers.basismonitor.audit`) when ``spans`` are given: complementary suppressions are
added until no suppressed cell can be computed from the published ones, the ``keep`` cells
(the programme's own area) chosen last. Bounds (intervals) are not audited. Rounding
(``Rules.round_to``) rounds the published counts half up to a multiple; the value (a
percentage or mean) is computed from the true counts (:attr:`Verdict.ratio`) and the
publisher rounds it to the indicator's decimals.

Per kind of measure (``rules_of``): ``min_population`` raises the minimum denominator (CBS:
100 for income), ``extreme_share`` is CBS's income rule (the absolute largest and smallest
contribution each at most that share of the absolute sum; contributions may be negative),
and ``all_or_nothing`` suppresses cells where nobody or everybody has the property (group
disclosure). A magnitude with a negative contribution cannot be checked by the dominance
rules, which assume non-negative contributions: it is unsafe under them (fail closed).

A :class:`Verdict` can only be made by :func:`check` (its constructor raises; there is a
private factory). This guards against accidents, such as a publisher building or
``dataclasses.replace``-ing its own "published" verdict; it is no barrier against
deliberate circumvention, which Python cannot offer.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from typing import SupportsFloat

from koers import nl
from koers.basismonitor.audit import Key as Key
from koers.basismonitor.audit import Memo, Span, audit

_TOLERANCE = 1e-9  # relative slack when comparing sums of float contributions


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Rules:
    """The output-checking settings of one kind of measure."""

    min_count: int = 10
    """Minimum number of units behind every count (denominator, numerator, complement)."""
    dominance: tuple[tuple[int, float], ...] = ((1, 0.5), (2, 0.85))
    """(n, k): the n largest contributions above k times the total make a cell unsafe."""
    round_to: int | None = None
    """Round published counts half up to a multiple of this (e.g. 5); None: no rounding."""
    min_population: int | None = None
    """Minimum denominator (units in the cell) when it is higher than ``min_count``: CBS
    publishes income percentages and means only on at least 100 units."""
    extreme_share: float | None = None
    """CBS's rule for income sums and means: the absolute value of the largest and of the
    smallest contribution may each be at most this share of the absolute sum (0.3)."""
    all_or_nothing: bool = False
    """Suppress a cell in which nobody or everybody has the property (group disclosure:
    "none of the 12 bijstand entrants had work" says it of each of them)."""

    def __post_init__(self) -> None:
        if not _is_int(self.min_count) or self.min_count < 1:
            raise ValueError(f"min_count must be a whole number >= 1, not {self.min_count!r}")
        for rule in self.dominance:
            n, k = rule
            if not _is_int(n) or n < 1:
                raise ValueError(f"dominance rule {rule!r}: n must be a whole number >= 1")
            if not (isinstance(k, int | float) and 0 < k <= 1):
                raise ValueError(f"dominance rule {rule!r}: k must lie in (0, 1]")
        if self.round_to is not None and (not _is_int(self.round_to) or self.round_to < 1):
            raise ValueError(f"round_to must be a whole number >= 1, not {self.round_to!r}")
        if self.min_population is not None and (
            not _is_int(self.min_population) or self.min_population < 1
        ):
            raise ValueError(
                f"min_population must be a whole number >= 1, not {self.min_population!r}"
            )
        share = self.extreme_share
        if share is not None and not (isinstance(share, int | float) and 0 < share <= 1):
            raise ValueError(f"extreme_share must lie in (0, 1], not {share!r}")

    @property
    def least_population(self) -> int:
        """The minimum denominator: ``min_population`` or, when lower or unset, ``min_count``."""
        return max(self.min_count, self.min_population or 0)


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class Cell:
    """One aggregate computed from microdata, before output checking.

    - a *count* cell: only ``denominator`` (the number of units, e.g. residents);
    - a *frequency* cell: ``numerator`` units of ``denominator`` have the property; a
      weighted one also carries ``weighted``, the sums of the weights of the numerator
      and of the population, from which its value is computed (the counts stay the units
      the rules check);
    - a *magnitude* cell: ``total`` is the sum of the contributions of ``denominator``
      units (e.g. income); ``top`` holds the largest contributions, descending, as many as
      the dominance rules need (two for the default rules), and ``low`` the smallest one
      (for the extreme-value rule). Contributions may be negative (a loss-making
      household's income): the total then is too, and the dominance rules, which assume
      non-negative contributions, cannot be checked (fail closed).

    Counts are whole, non-negative numbers; contributions are finite. Invalid cells raise
    ``ValueError`` naming the key and the field.
    """

    key: Key
    numerator: float | None
    denominator: float
    total: float | None = None
    top: tuple[float, ...] = ()
    low: float | None = None
    weighted: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        key = self.key
        if not isinstance(key, tuple) or not key or not all(isinstance(p, str) for p in key):
            raise ValueError(f"cell key must be a non-empty tuple of strings, not {key!r}")
        denominator = _count(key, "denominator", self.denominator)
        object.__setattr__(self, "denominator", denominator)
        if self.numerator is not None:
            if self.total is not None:
                raise ValueError(
                    f"cell {key!r}: a cell has a numerator (frequency) or a total "
                    "(magnitude), not both"
                )
            numerator = _count(key, "numerator", self.numerator)
            if numerator > denominator:
                raise ValueError(
                    f"cell {key!r}: numerator {numerator:g} is greater than denominator "
                    f"{denominator:g}"
                )
            object.__setattr__(self, "numerator", numerator)
        if self.total is None:
            if self.top or self.low is not None:
                raise ValueError(f"cell {key!r}: top contributions given without a total")
            return
        total = _finite(key, "total", self.total)
        top = tuple(_finite(key, "top", value) for value in self.top)
        low = None if self.low is None else _finite(key, "low", self.low)
        if any(a < b for a, b in pairwise(top)):
            raise ValueError(f"cell {key!r}: top contributions are not descending: {top!r}")
        if len(top) > denominator:
            raise ValueError(
                f"cell {key!r}: {len(top)} top contributions but only {denominator:g} "
                "contributors (denominator)"
            )
        if low is not None and top and low > top[0]:
            raise ValueError(f"cell {key!r}: smallest contribution {low:g} above the largest")
        signed = (low is not None and low < 0) or any(value < 0 for value in top) or total < 0
        if not signed and sum(top) > total * (1 + _TOLERANCE) + _TOLERANCE:
            raise ValueError(
                f"cell {key!r}: top contributions sum to {sum(top):g}, more than the total "
                f"{total:g}"
            )
        if denominator == 0 and total != 0:
            raise ValueError(f"cell {key!r}: total {total:g} without contributors")
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "top", top)
        object.__setattr__(self, "low", low)

    @property
    def magnitude(self) -> bool:
        return self.total is not None

    @property
    def signed(self) -> bool:
        """A magnitude with a negative contribution (or total)."""
        return self.total is not None and (
            self.total < 0 or any(t < 0 for t in self.top) or (self.low or 0) < 0
        )


@dataclass(frozen=True)
class Relation:
    """``total = sum(parts)`` between cells of one measure and period.

    ``label`` names the relation in Dutch for reasons, e.g. "Rotterdam-Zuid = som van de
    15 wijken".
    """

    total: Key
    parts: tuple[Key, ...]
    label: str

    def __post_init__(self) -> None:
        if not self.parts:
            raise ValueError(f"relation {self.label!r}: no parts")
        if self.total in self.parts:
            raise ValueError(f"relation {self.label!r}: total {self.total!r} is also a part")
        if len(set(self.parts)) != len(self.parts):
            raise ValueError(f"relation {self.label!r}: a part is listed twice")

    @property
    def keys(self) -> tuple[Key, ...]:
        """The total and the parts."""
        return (self.total, *self.parts)


class Decision(StrEnum):
    PUBLISHED = "gepubliceerd"
    ROUNDED = "afgerond"
    SUPPRESSED = "onderdrukt"


@dataclass(frozen=True, init=False)
class Verdict:
    """The gate's decision on one cell, and the figures that may be published.

    ``numerator``, ``denominator`` (rounded where the rules say so) and ``total`` are None
    when the cell is suppressed; ``primary`` says whether it was suppressed by its own rule
    (True) or to protect another cell (False; always False for published cells). Made
    only by :func:`check`: calling ``Verdict(...)`` raises ``TypeError``.
    """

    cell: Cell
    decision: Decision
    reason: str
    primary: bool
    numerator: float | None
    denominator: float | None
    total: float | None

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a Verdict is made by koers.basismonitor.disclosure.check() only")

    @classmethod
    def _make(
        cls,
        cell: Cell,
        decision: Decision,
        reason: str,
        primary: bool,
        numerator: float | None,
        denominator: float | None,
        total: float | None,
    ) -> Verdict:
        verdict = object.__new__(cls)
        for name, value in (
            ("cell", cell),
            ("decision", decision),
            ("reason", reason),
            ("primary", primary),
            ("numerator", numerator),
            ("denominator", denominator),
            ("total", total),
        ):
            object.__setattr__(verdict, name, value)
        return verdict

    @property
    def key(self) -> Key:
        return self.cell.key

    @property
    def suppressed(self) -> bool:
        return self.decision is Decision.SUPPRESSED

    @property
    def ratio(self) -> float | None:
        """The value to publish, from the true (unrounded) counts.

        numerator / denominator for a frequency cell (multiply by 100 for a percentage),
        total / denominator (the mean) for a magnitude cell. None when suppressed, for an
        empty cell, and for a count cell (publish its ``denominator``).
        """
        cell = self.cell
        if self.suppressed or cell.denominator == 0:
            return None
        if cell.total is not None:
            return cell.total / cell.denominator
        if cell.weighted is not None and cell.weighted[1] > 0:
            return cell.weighted[0] / cell.weighted[1]
        if cell.numerator is not None:
            return cell.numerator / cell.denominator
        return None


def check(
    cells: Sequence[Cell],
    relations: Sequence[Relation] = (),
    rules: Rules = DEFAULT_RULES,
    *,
    rules_of: Mapping[Key, Rules] | None = None,
    spans: Mapping[Key, Span] | None = None,
    keep: Collection[Key] = (),
) -> list[Verdict]:
    """One verdict per cell, in the order of ``cells``; see the module docstring.

    ``rules_of`` gives a cell its own rules (by key; ``rules`` for the others). ``spans``
    (:class:`~koers.basismonitor.audit.Span` by key) turn on the recovery audit: after the
    relations, complementary suppressions are added until no suppressed cell can be
    computed from the published ones (:func:`~koers.basismonitor.audit.audit`). ``keep``:
    cells chosen for a complementary suppression only when nothing else will do (the
    programme's own area).
    """
    by_key: dict[Key, Cell] = {}
    for cell in cells:
        if not isinstance(cell, Cell):
            raise TypeError(f"not a Cell: {cell!r}")
        if cell.key in by_key:
            raise ValueError(f"duplicate cell key {cell.key!r}")
        by_key[cell.key] = cell
    for relation in relations:
        for key in relation.keys:
            if key not in by_key:
                raise ValueError(f"relation {relation.label!r}: key {key!r} is not among the cells")
    for key in spans or {}:
        if key not in by_key:
            raise ValueError(f"span of {key!r}: not among the cells")
    ruled = rules_of or {}
    kept = set(keep)

    def rules_for(key: Key) -> Rules:
        return ruled.get(key, rules)

    primary = {cell.key: r for cell in cells if (r := _primary_reasons(cell, rules_for(cell.key)))}
    suppressed = set(primary)
    secondary: dict[Key, str] = {}
    memo: Memo = {}  # unchanged families are not audited again
    while True:
        _relation_pass(relations, by_key, suppressed, secondary, kept)
        if not spans:
            break
        recoveries = audit(spans, suppressed, memo)
        if not recoveries:
            break
        chosen: set[Key] = set()
        for recovery in recoveries:
            candidates = [k for k in recovery.needed or (k for k, _ in recovery.used)]
            if chosen.intersection(candidates):
                continue  # this round's choice may already break it: look again
            choice = min(candidates, key=lambda k: _cost(by_key[k], None, kept))
            chosen.add(choice)
            secondary[choice] = (
                f"secundair onderdrukt: anders is {' / '.join(p for p in recovery.key if p)} "
                "terug te rekenen uit gepubliceerde cellen (lineaire controle)"
            )
        suppressed |= chosen

    verdicts = []
    for cell in cells:
        if cell.key in primary:
            reason = "; ".join(primary[cell.key])
            verdicts.append(
                Verdict._make(cell, Decision.SUPPRESSED, reason, True, None, None, None)
            )
        elif cell.key in secondary:
            verdicts.append(
                Verdict._make(
                    cell, Decision.SUPPRESSED, secondary[cell.key], False, None, None, None
                )
            )
        elif (step := rules_for(cell.key).round_to) is not None:
            numerator = None if cell.numerator is None else round_half_up(cell.numerator, step)
            denominator = round_half_up(cell.denominator, step)
            reason = f"aantallen afgerond op {nl.number(step)}"
            verdicts.append(
                Verdict._make(
                    cell, Decision.ROUNDED, reason, False, numerator, denominator, cell.total
                )
            )
        else:
            verdicts.append(
                Verdict._make(
                    cell,
                    Decision.PUBLISHED,
                    "voldoet aan de outputcontrole",
                    False,
                    cell.numerator,
                    cell.denominator,
                    cell.total,
                )
            )
    return verdicts


def _relation_pass(
    relations: Sequence[Relation],
    by_key: Mapping[Key, Cell],
    suppressed: set[Key],
    secondary: dict[Key, str],
    kept: set[Key],
) -> None:
    """Suppress one more cell of every relation with exactly one suppressed cell, until
    none has (a fixed point: every round suppresses at least one more cell)."""
    changed = True
    while changed:
        changed = False
        for relation in relations:
            hidden = [key for key in relation.keys if key in suppressed]
            if len(hidden) != 1:
                continue
            candidates = [key for key in relation.keys if key not in suppressed]
            choice = min(candidates, key=lambda k: _cost(by_key[k], relation, kept))
            suppressed.add(choice)
            secondary[choice] = (
                f"secundair onderdrukt: anders terug te rekenen uit {relation.label}"
            )
            changed = True


def round_half_up(value: float, multiple: int) -> float:
    """``value`` rounded to the nearest multiple, halves upwards: 12 → 10, 12.5 → 15 (by 5).

    Exact (rational arithmetic), so the result never depends on binary float noise.
    """
    return float(math.floor(Fraction(value) / multiple + Fraction(1, 2)) * multiple)


def _primary_reasons(cell: Cell, rules: Rules) -> list[str]:
    """Why ``cell`` is unsafe by itself (Dutch); empty when it is not.

    A reason names the rule, never the cell's counts or shares: it travels with the output,
    and "7 van 200" would publish the very value the suppression hides."""
    reasons: list[str] = []
    count = cell.denominator
    if 0 < count < rules.least_population:
        reasons.append(f"minder dan {nl.number(rules.least_population)} eenheden")
    elif cell.numerator is not None:
        least = rules.min_count
        with_it, without = cell.numerator, count - cell.numerator
        if 0 < with_it < least:
            reasons.append(f"minder dan {nl.number(least)} eenheden met het kenmerk")
        if 0 < without < least:
            reasons.append(f"minder dan {nl.number(least)} eenheden zonder het kenmerk")
        if rules.all_or_nothing and count > 0 and (with_it == 0 or without == 0):
            reasons.append("groepsonthulling: niemand of iedereen in de groep heeft het kenmerk")
    if cell.total is not None and cell.denominator > 0:
        reasons.extend(_dominance(cell, rules))
        reasons.extend(_extremes(cell, rules))
    return reasons


def _dominance(cell: Cell, rules: Rules) -> list[str]:
    assert cell.total is not None
    if not rules.dominance:
        return []
    if cell.signed:
        return ["dominantie niet te toetsen: negatieve bijdragen"]
    if cell.total == 0:
        return []  # non-negative contributions summing to 0: nothing dominates
    reasons = []
    unchecked = 0  # the largest n whose rule cannot be checked
    for n, k in rules.dominance:
        if len(cell.top) < n:
            unchecked = max(unchecked, n)
            continue
        share = sum(cell.top[:n]) / cell.total
        if share > k:
            largest = "grootste bijdrage" if n == 1 else f"{n} grootste bijdragen samen"
            reasons.append(f"dominantie: {largest} meer dan {_percent(k)} van het totaal")
    if unchecked:
        needed = "de grootste bijdrage" if unchecked == 1 else f"de {unchecked} grootste bijdragen"
        reasons.append(f"dominantie niet te toetsen: {needed} nodig, {len(cell.top)} opgegeven")
    return reasons


def _extremes(cell: Cell, rules: Rules) -> list[str]:
    """CBS's income rule: |largest| and |smallest| each at most k × |sum|."""
    k = rules.extreme_share
    if k is None:
        return []
    assert cell.total is not None
    if not cell.top or cell.low is None:
        return ["extreme waarde niet te toetsen: grootste en kleinste bijdrage nodig"]
    extreme = max(abs(cell.top[0]), abs(cell.low))
    if extreme > k * abs(cell.total) * (1 + _TOLERANCE):
        return [
            f"extreme waarde: grootste of kleinste bijdrage (in absolute waarde) meer dan "
            f"{_percent(k)} van de absolute som"
        ]
    return []


def _percent(fraction: float) -> str:
    """``0.5`` → ``50%``, ``0.855`` → ``85,5%``: as many decimals (up to 2) as it takes."""
    percent = fraction * 100
    for decimals in (0, 1):
        if math.isclose(round(percent, decimals), percent, abs_tol=1e-9):
            return f"{nl.number(percent, decimals)}%"
    return f"{nl.number(percent, 2)}%"


def _cost(
    cell: Cell, relation: Relation | None, kept: Collection[Key]
) -> tuple[bool, bool, bool, float, Key]:
    """Order of preference for a secondary suppression (smallest first): a kept cell last,
    then an empty one, then (in a relation) its total; then the smallest denominator."""
    is_total = relation is not None and cell.key == relation.total
    return (cell.key in kept, cell.denominator == 0, is_total, cell.denominator, cell.key)


def _finite(key: Key, field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, SupportsFloat):
        raise ValueError(f"cell {key!r}: {field} is not a number: {value!r}")
    number = float(value)  # also numpy scalars
    if not math.isfinite(number):
        raise ValueError(f"cell {key!r}: {field} is not a finite number: {value!r}")
    return number


def _count(key: Key, field: str, value: object) -> float:
    number = _finite(key, field, value)
    if number < 0:
        raise ValueError(f"cell {key!r}: {field} {number:g} is negative")
    if not number.is_integer():
        raise ValueError(f"cell {key!r}: {field} {number:g} is not a whole number")
    return number
