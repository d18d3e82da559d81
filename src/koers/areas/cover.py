"""What a group adds up: the one place that resolves a group into the areas it covers.

A group (``members``, ``minus``) is resolved into two sets of areas whose own figures are
added (``plus``) and subtracted (``minus``): its :class:`Cover`. Where the resolution stops
is the caller's ``stops``: by default at areas with a CBS code (the Basismonitor, whose
leaves are CBS buurten and gemeenten), for a figure at areas that have a usable figure of
their own (:func:`koers.areas.derive_value`). An area that does not stop is opened up into
its members; one that does not stop and has no members cannot be covered: the member of
the group it came through is *missing*, and so is the group's whole cover.

- ``part_of``: a complete set of parts among a group's members (the two wijken Groot
  IJsselmonde Noord and Zuid, which split one CBS buurt) is replaced by their whole, unless
  every part stops itself (a publisher such as the Wijkprofiel has figures for the halves).
  A part without all its siblings stays a part: only its whole has figures.
- Each area counts once, however many paths lead to it: the sets are unions, so a buurt
  reached through two overlapping members (a wijk and a wijkraad) is added once, and an
  area that lies within another area of the same set (:meth:`AreaGraph.contains`: by
  ``parent``, ``part_of``, membership or CBS code) is dropped for the larger one.
- ``minus``: the members' covers are subtracted (a subtracted group's own ``minus`` is
  added back). An area both added and subtracted cancels out before the containment rule
  applies, so ``(Rotterdam − Zuid) ∪ Zuid`` is Rotterdam. Subtracted areas are taken to lie
  within what is added, as the plan declares them.
- Crosswalk weights are not applied here: a crosswalk maps a *publisher's* codes onto plan
  areas when a file is read (:func:`koers.sources.base.apportion`), so every stored figure
  already belongs to a plan area with its share taken. Weighting again while adding plan
  areas up would count the split twice.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from koers.areas.graph import AreaGraph


@dataclass(frozen=True)
class Cover:
    """The areas a group adds (``plus``) and subtracts (``minus``), each once, and the
    group's own members that could not be covered (``missing``: then nothing is given)."""

    plus: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing


def coded(graph: AreaGraph) -> Callable[[str], bool]:
    """The default ``stops``: areas with a CBS code."""
    return lambda area_id: graph[area_id].cbs_code is not None


def cover(
    graph: AreaGraph,
    area_id: str,
    year: int | None = None,
    stops: Callable[[str], bool] | None = None,
) -> Cover:
    """The :class:`Cover` of ``area_id`` with membership as valid in ``year``."""
    return _Resolver(graph, year, stops or coded(graph)).cover(area_id, ())


class _Resolver:
    def __init__(self, graph: AreaGraph, year: int | None, stops: Callable[[str], bool]) -> None:
        self.graph = graph
        self.year = year
        self.stops = stops

    def cover(self, area_id: str, path: tuple[str, ...]) -> Cover:
        if self.stops(area_id):
            return Cover(plus=(area_id,))
        if not self.graph.is_group(area_id) or area_id in path:  # no members, or a cycle
            return Cover(missing=(area_id,))
        path = (*path, area_id)
        plus, minus = self.graph.members(area_id, self.year)
        added: dict[str, None] = {}
        taken: dict[str, None] = {}
        missing: list[str] = []
        for sign, members in ((1, plus), (-1, minus)):
            for member in self._substitute(members):
                part = self.cover(member, path)
                if not part.complete:
                    # a whole that stands in for parts is missing as those of its parts
                    # that have no figures of their own
                    parts = [p for p in self.graph.parts(member, self.year) if p in members]
                    missing += [p for p in parts if not self.stops(p)] or parts or [member]
                    continue
                into, out_of = (added, taken) if sign > 0 else (taken, added)
                into.update(dict.fromkeys(part.plus))
                out_of.update(dict.fromkeys(part.minus))
        if missing:
            return Cover(missing=tuple(m for m in (*plus, *minus) if m in missing))
        both = added.keys() & taken.keys()
        return Cover(
            plus=self._largest([a for a in added if a not in both]),
            minus=self._largest([a for a in taken if a not in both]),
        )

    def _substitute(self, members: list[str]) -> list[str]:
        """Members with complete sets of parts replaced by their whole, unless every part
        stops itself."""
        result, _ = self.graph.substitute(members, self.year)
        opened: list[str] = []
        for member in result:
            parts = [p for p in self.graph.parts(member, self.year) if p in members]
            if parts and member not in members and all(self.stops(p) for p in parts):
                opened += parts
            else:
                opened.append(member)
        return opened

    def _largest(self, areas: list[str]) -> tuple[str, ...]:
        """``areas`` without those that lie within another of them."""
        return tuple(a for a in areas if not any(self.graph.contains(b, a) for b in areas))
