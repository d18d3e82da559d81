"""The area graph: lookup by id or CBS code, containment, and group membership per year."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from koers.plan.model import Area

_CODE_LEVELS = {"NL": 0, "GM": 6, "WK": 8, "BU": 10}
"""CBS code prefix -> how many characters of a finer code name the area (GM0599 = 6)."""


class AreaGraph:
    def __init__(self, areas: Iterable[Area]) -> None:
        self._areas = {area.id: area for area in areas}
        self._by_cbs = {a.cbs_code: a for a in self._areas.values() if a.cbs_code}
        self._parts: dict[str, list[str]] = {}
        for area in self._areas.values():
            if area.part_of is not None:
                self._parts.setdefault(area.part_of, []).append(area.id)
        self._within: dict[str, frozenset[str]] = {}
        self._children: dict[str, list[str]] = {}
        for area in self._areas.values():
            if area.parent is not None:
                self._children.setdefault(area.parent, []).append(area.id)

    def __contains__(self, area_id: object) -> bool:
        return area_id in self._areas

    def __getitem__(self, area_id: str) -> Area:
        return self._areas[area_id]

    def __iter__(self) -> Iterator[Area]:
        return iter(self._areas.values())

    def by_cbs_code(self, code: str) -> Area | None:
        return self._by_cbs.get(code)

    def members(self, area_id: str, year: int | None = None) -> tuple[list[str], list[str]]:
        """(members added, members subtracted) of a group, valid in ``year`` if given."""
        area = self._areas[area_id]

        def valid(ids: list[str]) -> list[str]:
            return [m for m in ids if year is None or self._areas[m].valid_in(year)]

        return valid(area.members), valid(area.minus)

    def is_group(self, area_id: str) -> bool:
        return bool(self._areas[area_id].members)

    def parts(self, whole: str, year: int | None = None) -> list[str]:
        """The areas that are ``part_of`` ``whole`` (valid in ``year`` if given)."""
        return [
            p for p in self._parts.get(whole, ()) if year is None or self._areas[p].valid_in(year)
        ]

    def substitute(
        self, members: Sequence[str], year: int | None = None
    ) -> tuple[list[str], list[str]]:
        """(members, parts left alone): every complete set of ``part_of`` parts among
        ``members`` replaced by its whole, in the place of its first part.

        A part whose siblings are not all among ``members`` stays, and is also listed as
        left alone: only its whole has figures, and half of them cannot be given to it.
        """
        result: list[str] = []
        alone: list[str] = []
        present = set(members)
        for member in members:
            whole = self._areas[member].part_of
            if whole is None:
                result.append(member)
            elif not set(self.parts(whole, year)) <= present:
                result.append(member)
                alone.append(member)
            elif whole not in result:
                result.append(whole)
        return result, alone

    def contains(self, outer: str, inner: str) -> bool:
        """Whether ``inner`` lies within ``outer`` (and is not ``outer`` itself): by
        ``parent`` links, ``part_of``, membership (without ``minus``) or CBS code."""
        if outer == inner:
            return False
        if inner not in self._within:
            self._within[inner] = self._containers(inner)
        return outer in self._within[inner]

    def _containers(self, area_id: str) -> frozenset[str]:
        """Every area ``area_id`` lies in (see :meth:`contains`)."""
        found: set[str] = set()
        todo = [area_id]
        while todo:
            current = self._areas[todo.pop()]
            # a group with ``minus`` does not contain all of its members
            above = [a.id for a in self._areas.values() if current.id in a.members and not a.minus]
            above += [a for a in (current.parent, current.part_of) if a is not None]
            if current.cbs_code:
                above += [
                    other.id
                    for other in self._by_cbs.values()
                    if other.cbs_code and _code_within(other.cbs_code, current.cbs_code)
                ]
            for outer in above:
                if outer not in found and outer != area_id:
                    found.add(outer)
                    todo.append(outer)
        return frozenset(found)

    def ancestors(self, area_id: str) -> list[str]:
        """Areas that contain ``area_id`` through ``parent`` links, nearest first."""
        chain: list[str] = []
        current = self._areas[area_id].parent
        while current is not None and current not in chain:
            chain.append(current)
            current = self._areas[current].parent
        return chain

    def within(self, area_id: str) -> set[str]:
        """The area and everything in it: its children through ``parent`` links and a
        group's members, each with what lies in them (a group's ``minus`` is ignored)."""
        found: set[str] = set()
        stack = [area_id]
        while stack:
            current = stack.pop()
            if current in found or current not in self._areas:
                continue
            found.add(current)
            stack.extend(self._children.get(current, []))
            stack.extend(self._areas[current].members)
        return found

    def overlaps(self, first: str, second: str) -> bool:
        """Whether two areas share ground: one lies in the other, or they have a part in
        common (a wijk and the focuswijken when one of its buurten is a focuswijk; a wijk
        and the gebied it lies in)."""
        if first not in self._areas or second not in self._areas:
            return False
        return (
            bool(self.within(first) & self.within(second))
            or first in self.ancestors(second)
            or second in self.ancestors(first)
        )

    def concerns(self, linked: Iterable[str], area_id: str) -> bool:
        """Whether an item linked to the areas ``linked`` (an agreement's or intervention's
        ``areas``) concerns ``area_id``: one of them overlaps it."""
        return any(self.overlaps(other, area_id) for other in linked)

    def name(self, area_id: str) -> str:
        area = self._areas.get(area_id)
        return area.name if area else area_id


def _code_within(outer: str, inner: str) -> bool:
    """Whether CBS code ``inner`` lies in ``outer`` (BU05991086 in WK059910, GM0599, NL00)."""
    prefix, level = outer[:2], _CODE_LEVELS.get(outer[:2])
    if level is None or _CODE_LEVELS.get(inner[:2], -1) <= level:
        return False
    return prefix == "NL" or inner[2:level] == outer[2:level]
