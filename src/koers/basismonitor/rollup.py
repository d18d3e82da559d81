"""Leaf cells summed into the plan's areas, and the additivity relations between them.

Pure: no engine, no I/O. The kernels (:mod:`~.kernels`) give cells per leaf, the finest
geography of the panel (gemeente + buurt, the buurt empty outside the municipalities whose
buurten are followed). Because a cell carries numerator, denominator and, for magnitudes,
total and top contributions, any area is the sum of its leaves; :func:`rollup` computes
every plan area that can be resolved to a set of leaves:

- ``country`` with code NL00 (``nl``): every leaf;
- a municipality code ``GMxxxx``: the leaves of that gemeente (also those without buurt);
- a CBS wijk code ``WKxxxxxx`` (the gebieden): the buurten whose code starts with it;
- a buurt code ``BUxxxxxxxx``: that buurt;
- an area with ``members`` (groups such as ``g4``, ``zuid``, ``focuswijken``, the wijken of
  several buurten, the wijkraden): the union of its members' leaves, minus the leaves of
  its ``minus`` areas (``rotterdam-excl-zuid`` = Rotterdam's leaves without Zuid's), with
  membership as valid in the period's year: :func:`koers.areas.cover` resolves the group
  into the coded areas it covers, the same resolution that derives group figures.

Sets of leaves, not signed sums: a minus-group is summed from its own leaves, so its top
contributions are exact too. An area with neither a code nor members cannot be resolved,
nor can a group with such a member, *unless* the member is one of several parts that
together make up a coded area (an area's ``part_of`` in the plan, resolved by
:func:`koers.areas.cover` as for every group value). The NPRZ plan has one case: the
wijken Groot IJsselmonde Noord and Zuid split CBS buurt Groot IJsselmonde (BU05991289),
which the panel cannot split; ``zuid`` lists both wijken, so the buurt stands in for the
pair. Neither half gets a cell of its own.

Relations (:func:`relations`: :class:`koers.basismonitor.disclosure.Relation` over keys
``(measure, period, band or "", area)``) are what the disclosure gate needs to stop
differencing. For every area whose leaves are partitioned by other areas (disjoint and
together all of them, checked on the leaves that occur): ``(measure, period, band, total)
= Σ (measure, period, band, part)``. Partitions come from a group's members (``zuid`` =
its 15 wijken, with the Groot IJsselmonde buurt for the two halves; ``g4`` = the four
cities), from a minus-group (``rotterdam`` = ``rotterdam-excl-zuid`` + ``zuid``) and from
an area's children of one kind (gebied Feijenoord = its wijken, and = its wijkraden). A
relation lists only the parts that have a cell; a part without one contributes zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from koers.areas import AreaGraph, cover
from koers.basismonitor.audit import Span, Vector
from koers.basismonitor.disclosure import Relation
from koers.basismonitor.kernels import LeafCell
from koers.plan.model import Plan
from koers.plan.period import period_year

Leaf = tuple[str, str | None]  # (gemeente, buurt)


@dataclass(frozen=True)
class AreaCell:
    """A leaf-cell sum for one plan area."""

    measure: str
    period: str
    band: str | None
    area: str
    numerator: float
    denominator: int
    total: float | None = None
    top1: float | None = None
    top2: float | None = None
    low: float | None = None
    weight_numerator: float | None = None
    weight_denominator: float | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        """``(measure, period, band or "", area)``: the key relations refer to."""
        return cell_key(self.measure, self.period, self.band, self.area)

    @property
    def value(self) -> float:
        """numerator / denominator: a share (× 100 for a percentage) or a mean; a weighted
        share from its weights."""
        if self.weight_numerator is not None and self.weight_denominator:
            return self.weight_numerator / self.weight_denominator
        return self.numerator / self.denominator


def cell_key(measure: str, period: str, band: str | None, area: str) -> tuple[str, str, str, str]:
    return (measure, period, band or "", area)


class AreaLeaves:
    """Which of the given leaves each plan area covers (None: cannot be resolved)."""

    def __init__(
        self,
        graph: AreaGraph,
        leaves: Iterable[Leaf],
        year: int | None = None,
    ) -> None:
        self.graph = graph
        self.leaves = frozenset(leaves)
        self.year = year
        self.gemeenten = frozenset(gemeente for gemeente, _ in self.leaves)
        named = {a.cbs_code for a in graph if a.cbs_code and a.cbs_code.startswith("GM")}
        # Nederland is covered only when the panel reaches beyond the municipalities the
        # plan names (a panel of the G4 is not the country)
        self.country = bool(self.gemeenten - named)
        self._cache: dict[str, frozenset[Leaf] | None] = {}

    def __call__(self, area_id: str) -> frozenset[Leaf] | None:
        if area_id not in self._cache:
            self._cache[area_id] = None  # guards against a cycle
            self._cache[area_id] = self._resolve(area_id)
        return self._cache[area_id]

    def _resolve(self, area_id: str) -> frozenset[Leaf] | None:
        code = self.graph[area_id].cbs_code
        if code:
            if not self.covers(code):
                return None
            return frozenset(leaf for leaf in self.leaves if _in_code(leaf, code))
        if not self.graph.is_group(area_id):
            return None
        resolved = cover(self.graph, area_id, self.year)  # down to coded areas
        if not resolved.complete:
            return None
        added, taken = self._union(resolved.plus), self._union(resolved.minus)
        if added is None or taken is None:
            return None
        return added - taken

    def _union(self, areas: Iterable[str]) -> frozenset[Leaf] | None:
        """The leaves of ``areas`` together; None when the panel does not cover one of them
        (then it does not cover a group of them either)."""
        found: frozenset[Leaf] = frozenset()
        for area in areas:
            leaves = self(area)
            if leaves is None:
                return None
            found |= leaves
        return found

    def covers(self, code: str) -> bool:
        """Whether the panel holds the whole area of a CBS code: the country only when it
        reaches beyond the plan's municipalities, a municipality (and its wijken and
        buurten) when it has rows of it. A panel holds every resident of a municipality
        it has rows of."""
        if code.startswith("NL"):
            return self.country
        return "GM" + code[2:6] in self.gemeenten

    def substitute(self, members: Sequence[str]) -> list[str] | None:
        """Members with complete sets of parts replaced by their whole (None: incomplete)."""
        result, alone = self.graph.substitute(members, self.year)
        return None if alone else result

    def partitions(self, area_id: str) -> list[tuple[str, ...]]:
        """Sets of areas that partition ``area_id``'s leaves (members, minus, children)."""
        covered = self(area_id)
        if covered is None:
            return []
        found: list[tuple[str, tuple[str, ...]]] = []  # (total, parts)
        area = self.graph[area_id]
        plus, minus = self.graph.members(area_id, self.year) if area.members else ([], [])
        plus_ids = self.substitute(plus) if plus else None
        if plus_ids and not minus and self._partition(covered, plus_ids):
            found.append((area_id, tuple(plus_ids)))
        children: dict[str, list[str]] = defaultdict(list)
        for other in self.graph:
            if other.parent == area_id and (self.year is None or other.valid_in(self.year)):
                children[other.kind.value].append(other.id)
        for kind_children in children.values():
            if self._partition(covered, kind_children):
                found.append((area_id, tuple(kind_children)))
        return [parts for _, parts in found]

    def minus_partition(self, area_id: str) -> tuple[str, tuple[str, ...]] | None:
        """For ``A = P − M…``: ``(P, (A, M…))`` when A and the M partition P."""
        area = self.graph[area_id]
        if not area.minus:
            return None
        plus, minus = self.graph.members(area_id, self.year)
        minus_ids = self.substitute(minus)
        if len(plus) != 1 or minus_ids is None:
            return None
        whole = self(plus[0])
        if whole is None or not self._partition(whole, [area_id, *minus_ids]):
            return None
        return plus[0], (area_id, *minus_ids)

    def _partition(self, covered: frozenset[Leaf], parts: Sequence[str]) -> bool:
        sets = [self(p) for p in parts]
        if not sets or any(s is None for s in sets):
            return False
        resolved = [s for s in sets if s is not None]
        if any(a & b for a, b in combinations(resolved, 2)):
            return False
        return frozenset().union(*resolved) == covered


def _in_code(leaf: Leaf, code: str) -> bool:
    gemeente, buurt = leaf
    if code.startswith("NL"):
        return True
    if code.startswith("GM"):
        return gemeente == code
    if code.startswith("WK"):
        return buurt is not None and buurt.startswith("BU" + code[2:])
    return buurt == code


def _resolvers(plan: Plan, cells: Sequence[LeafCell]) -> dict[int, AreaLeaves]:
    graph = AreaGraph(plan.areas)
    universe = {(c.gemeente, c.buurt) for c in cells}
    years = {period_year(c.period) for c in cells}
    return {year: AreaLeaves(graph, universe, year) for year in years}


def rollup(plan: Plan, cells: Sequence[LeafCell]) -> list[AreaCell]:
    """Every resolvable plan area's cells, sorted by (measure, period, band, area).

    An area gets a cell for a (measure, period, band) when at least one of its leaves has
    one: numerators, denominators and totals add up; top1/top2 are the two largest of the
    leaves' top contributions.
    """
    resolvers = _resolvers(plan, cells)
    areas_of: dict[tuple[int, Leaf], list[str]] = {}
    for year, resolve in resolvers.items():
        by_leaf: dict[Leaf, list[str]] = defaultdict(list)
        for area in resolve.graph:
            for leaf in resolve(area.id) or ():
                by_leaf[leaf].append(area.id)
        for leaf, ids in by_leaf.items():
            areas_of[(year, leaf)] = ids

    sums: dict[tuple[str, str, str | None, str], _Sum] = {}
    for cell in cells:
        year = period_year(cell.period)
        for area_id in areas_of.get((year, (cell.gemeente, cell.buurt)), ()):
            key = (cell.measure, cell.period, cell.band, area_id)
            sums.setdefault(key, _Sum()).add(cell)
    return [
        sums[key].cell(*key) for key in sorted(sums, key=lambda k: cell_key(k[0], k[1], k[2], k[3]))
    ]


class _Sum:
    def __init__(self) -> None:
        self.numerator = 0.0
        self.denominator = 0
        self.total: float | None = None
        self.tops: list[float] = []
        self.low: float | None = None
        self.weights: tuple[float, float] | None = None

    def add(self, cell: LeafCell) -> None:
        self.numerator += cell.numerator
        self.denominator += cell.denominator
        if cell.total is not None:
            self.total = (self.total or 0.0) + cell.total
        if cell.low is not None:
            self.low = cell.low if self.low is None else min(self.low, cell.low)
        if cell.weight_numerator is not None and cell.weight_denominator is not None:
            wn, wd = self.weights or (0.0, 0.0)
            self.weights = (wn + cell.weight_numerator, wd + cell.weight_denominator)
        self.tops = sorted(
            [*self.tops, *(t for t in (cell.top1, cell.top2) if t is not None)], reverse=True
        )[:2]

    def cell(self, measure: str, period: str, band: str | None, area: str) -> AreaCell:
        tops = [*self.tops, None, None]
        return AreaCell(
            measure,
            period,
            band,
            area,
            self.numerator,
            self.denominator,
            self.total,
            top1=tops[0],
            top2=tops[1],
            low=self.low,
            weight_numerator=None if self.weights is None else self.weights[0],
            weight_denominator=None if self.weights is None else self.weights[1],
        )


def relations(
    plan: Plan,
    cells: Sequence[LeafCell],
    area_cells: Sequence[AreaCell] | None = None,
    band_areas: Collection[str] | None = None,
) -> list[Relation]:
    """The additivity relations between the area cells of ``cells`` (see the module doc).

    ``band_areas``: the only areas with band cells (the others were left out, not empty),
    so a relation of band cells is declared only when all its areas are among them.
    """
    if area_cells is None:
        area_cells = rollup(plan, cells)
    resolvers = _resolvers(plan, cells)
    partitions: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    for year, resolve in resolvers.items():
        found: dict[tuple[str, frozenset[str]], tuple[str, tuple[str, ...]]] = {}
        for area in resolve.graph:
            candidates = [(area.id, parts) for parts in resolve.partitions(area.id)]
            if (minus := resolve.minus_partition(area.id)) is not None:
                candidates.append(minus)
            for total, parts in candidates:
                found.setdefault((total, frozenset(parts)), (total, parts))
        partitions[year] = sorted(found.values())

    present = {cell.key for cell in area_cells}
    groups = sorted(
        {(c.measure, c.period, c.band) for c in area_cells}, key=lambda g: (g[0], g[1], g[2] or "")
    )
    result: list[Relation] = []
    for measure, period, band in groups:
        for total, parts in partitions[period_year(period)]:
            total_key = cell_key(measure, period, band, total)
            if total_key not in present:
                continue
            if band and band_areas is not None and not set(parts) <= set(band_areas):
                continue
            part_keys = tuple(
                key for p in parts if (key := cell_key(measure, period, band, p)) in present
            )
            names = ", ".join(resolvers[period_year(period)].graph.name(p) for p in parts)
            label = f"{resolvers[period_year(period)].graph.name(total)} = som van {names}"
            result.append(Relation(total_key, part_keys, label))
    return result


def spans(
    plan: Plan,
    cells: Sequence[LeafCell],
    area_cells: Sequence[AreaCell],
    distributions: Mapping[str, Sequence[str]],
) -> dict[tuple[str, ...], Span]:
    """The :class:`~koers.basismonitor.audit.Span` of every area cell, and of the total of
    each distribution (key ``(distribution, period, band, area)``), for the recovery audit.

    Atoms per family (one measure, or one distribution, in one period): ``(leaf, band)``,
    where band "" is the rest of a leaf outside every schoolweging band (the unbanded cell
    covers its bands and that rest; the rest has an atom only when it holds units); for a
    distribution ``(leaf, band, category)``. A leaf without a cell has no atoms (known 0).
    A category cell publishes its category and, as its denominator, the distribution's
    total; what must stay hidden is the category and its complement.
    """
    resolvers = _resolvers(plan, cells)
    family_of = {m: name for name, measures in distributions.items() for m in measures}
    present: dict[tuple[str, str, str, Leaf], int] = {}
    bands: dict[tuple[str, str, Leaf], list[str]] = defaultdict(list)
    for c in cells:
        leaf = (c.gemeente, c.buurt)
        present[(c.measure, c.period, c.band or "", leaf)] = c.denominator
        if c.band:
            bands[(c.measure, c.period, leaf)].append(c.band)
    result: dict[tuple[str, ...], Span] = {}
    totals: set[tuple[str, str, str, str]] = set()
    for ac in area_cells:
        leaves = sorted(resolvers[period_year(ac.period)](ac.area) or (), key=_leaf_order)
        band = ac.band or ""
        family = family_of.get(ac.measure)
        if family is not None:
            categories = distributions[family]

            own = _atoms(present, leaves, [ac.measure], ac.period, band)
            others = _atoms(
                present, leaves, [m for m in categories if m != ac.measure], ac.period, band
            )
            result[ac.key] = Span((family, ac.period), (own, own + others), (own, others))
            total_key = cell_key(family, ac.period, ac.band, ac.area)
            if total_key not in totals:
                totals.add(total_key)
                every = _atoms(present, leaves, categories, ac.period, band)
                result[total_key] = Span((family, ac.period), (every,), (every,))
            continue
        vector: list[tuple[Leaf | tuple[Leaf, str], int]] = []
        for leaf in leaves:
            here = present.get((ac.measure, ac.period, band, leaf))
            if here is None:
                continue
            if band:
                vector.append(((leaf, band), 1))
                continue
            inside = bands.get((ac.measure, ac.period, leaf), [])
            vector += [((leaf, b), 1) for b in sorted(inside)]
            if here > sum(present[(ac.measure, ac.period, b, leaf)] for b in inside):
                vector.append(((leaf, ""), 1))
        result[ac.key] = Span((ac.measure, ac.period), (tuple(vector),), (tuple(vector),))
    return result


def _atoms(
    present: Mapping[tuple[str, str, str, Leaf], int],
    leaves: Sequence[Leaf],
    measures: Sequence[str],
    period: str,
    band: str,
) -> Vector:
    """The atoms ``(leaf, band, measure)`` of a distribution's categories that hold units."""
    return tuple(
        ((leaf, band, m), 1)
        for leaf in leaves
        for m in measures
        if (m, period, band, leaf) in present
    )


def _leaf_order(leaf: Leaf) -> tuple[str, str]:
    return (leaf[0], leaf[1] or "")
