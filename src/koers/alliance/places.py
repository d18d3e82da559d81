"""The plan's side of the alliance: its goals (pillars and ambitions) and its wijken.

A wijkraad conversation is recorded on a wijk of the plan (``kind: wijk``), and that is the
list the "1-2× per jaar" promise is checked against; an area lies in the wijk its ``parent``
links lead to.
"""

from __future__ import annotations

import textwrap

from koers.plan.model import Area, AreaKind, Plan


def goal_names(plan: Plan) -> dict[str, str]:
    """Pillar and ambition ids → a readable name (an ambition shortened, after its pillar)."""
    names: dict[str, str] = {}
    for pillar in plan.pillars:
        names.setdefault(pillar.id, pillar.name)
        for ambition in pillar.ambitions:
            names.setdefault(
                ambition.id,
                textwrap.shorten(f"{pillar.name}: {ambition.text}", 110, placeholder=" …"),
            )
    return names


def plan_wijken(plan: Plan, year: int) -> list[Area]:
    """The wijken of the plan (``kind: wijk``) that exist in ``year``, in plan order."""
    return [a for a in plan.areas if a.kind is AreaKind.WIJK and a.valid_in(year)]


def wijk_of(area_id: str | None, areas: dict[str, Area]) -> str | None:
    """The wijk an area is or lies in (through ``parent`` links); None for wider areas."""
    seen: set[str] = set()
    current = area_id
    while current is not None and current in areas and current not in seen:
        seen.add(current)
        if areas[current].kind is AreaKind.WIJK:
            return current
        current = areas[current].parent
    return None


def area_name(area_id: str | None, plan: Plan) -> str:
    """The name of the area a conversation was about; one without an area was about the
    whole programme area ("heel Rotterdam-Zuid")."""
    names = {a.id: a.name for a in plan.areas}
    if area_id is None:
        return f"heel {names.get(plan.programme.area, plan.programme.area)}"
    return names.get(area_id, area_id)


def wijken_of(area: Area, areas: dict[str, Area]) -> list[str]:
    """The wijken an area lies in, or that all members of a group (say a wijkraad's
    buurten) lie in; empty when that cannot be told from the plan."""
    own = wijk_of(area.id, areas)
    if own is not None:
        return [own]
    found = [wijk_of(member, areas) for member in area.members]
    if not found or None in found:
        return []
    return list(dict.fromkeys(w for w in found if w is not None))
