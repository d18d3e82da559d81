"""The area graph: lookup by id or CBS code, containment, and group membership per year."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from koers.plan.model import Area


class AreaGraph:
    def __init__(self, areas: Iterable[Area]) -> None:
        self._areas = {area.id: area for area in areas}
        self._by_cbs = {a.cbs_code: a for a in self._areas.values() if a.cbs_code}

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

    def name(self, area_id: str) -> str:
        area = self._areas.get(area_id)
        return area.name if area else area_id
