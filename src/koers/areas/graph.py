"""The area graph: lookup by id or CBS code, containment, and group membership per year."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from koers.plan.model import Area


class AreaGraph:
    def __init__(self, areas: Iterable[Area]) -> None:
        self._areas = {area.id: area for area in areas}
        self._by_cbs = {a.cbs_code: a for a in self._areas.values() if a.cbs_code}
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
