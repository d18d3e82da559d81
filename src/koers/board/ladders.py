"""Where escalations go: the body accountable for a pillar, and each pillar's ladder.

- Escalations go to the body accountable for their pillar: a pillar whose ``accountable``
  names one body of ``governance.bodies`` (by id or name) escalates to that body, every
  other pillar to the board, the highest step above the pillars' tables.
- The escalation ladder of a pillar is ``governance.escalation`` when its bodies belong to
  that pillar (or to no pillar: then it is the ladder of every pillar without one of its
  own), else the chain the pillar's bodies form with ``escalates_to``; where escalations end
  (the accountable body or the board) is shown above the ladder's top.
- ``het bestuur`` names the board of a plan without ``governance``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from koers.plan.model import Body, Governance, Plan

BOARD_FALLBACK = "het bestuur"


def _find_body(governance: Governance, text: str | None) -> Body | None:
    if not text:
        return None
    wanted = text.strip().casefold()
    for body in governance.bodies:
        if wanted in (body.id.casefold(), body.name.strip().casefold()):
            return body
    return None


def board_name(plan: Plan) -> str:
    return plan.governance.board.name if plan.governance is not None else BOARD_FALLBACK


def accountable_body(plan: Plan, pillar: str | None) -> str:
    """Where escalations of ``pillar`` end: the body its ``accountable`` names, else the board."""
    if pillar is None or plan.governance is None:
        return board_name(plan)
    try:
        accountable = plan.pillar(pillar).accountable
    except KeyError:
        return board_name(plan)
    body = _find_body(plan.governance, accountable)
    return body.name if body is not None else board_name(plan)


@dataclass(frozen=True)
class Ladder:
    """A pillar's escalation ladder: levels of bodies, lowest first, and where it ends."""

    pillar: str
    pillar_name: str
    steps: list[list[str]]  # body names per level, lowest first
    top: str  # where escalations of the pillar end (the accountable body or the board)
    accountable: str | None  # the pillar's `accountable` as the plan words it

    @property
    def route(self) -> list[str]:
        """The ladder as shown: each level, then the top when it is not the last level."""
        shown = [" / ".join(level) for level in self.steps]
        if not shown or shown[-1] != self.top:
            shown.append(self.top)
        return shown

    def record(self) -> dict[str, Any]:
        return {
            "pillar": self.pillar,
            "pillar_name": self.pillar_name,
            "steps": self.steps,
            "top": self.top,
            "accountable": self.accountable,
            "route": self.route,
        }


def escalation_ladders(plan: Plan) -> list[Ladder]:
    """The escalation ladder of every pillar (kind 'pillar') of the plan, in plan order."""
    governance = plan.governance
    if governance is None:
        return []
    bodies = {b.id: b for b in governance.bodies}
    listed = [bodies[i] for i in governance.escalation if i in bodies]
    owners = {b.pillar for b in listed}
    ladders = []
    for pillar in plan.pillars:
        if pillar.kind != "pillar":
            continue
        if listed and owners == {pillar.id}:
            steps = [[b.name] for b in listed]
        else:
            steps = _chain_levels(governance, pillar.id)
            if not steps and listed and owners == {None}:
                steps = [[b.name] for b in listed]
        ladders.append(
            Ladder(
                pillar.id,
                pillar.name,
                steps,
                accountable_body(plan, pillar.id),
                pillar.accountable,
            )
        )
    return ladders


def _chain_levels(governance: Governance, pillar: str) -> list[list[str]]:
    """Levels of the ``escalates_to`` chains among a pillar's bodies, lowest first."""
    bodies = {b.id: b for b in governance.bodies}
    own = [b for b in governance.bodies if b.pillar == pillar]
    members: list[str] = []
    for body in own:
        if body.escalates_to is not None and body.escalates_to in bodies:
            for node in (body.id, body.escalates_to):
                if node not in members:
                    members.append(node)
    if not members:
        return []

    def height(node: str, seen: frozenset[str] = frozenset()) -> int:
        """Steps from ``node`` to the top of its chain (cycles are cut)."""
        target = bodies[node].escalates_to
        if target is None or target not in bodies or target in seen:
            return 0
        return 1 + height(target, seen | {node})

    heights = {node: height(node) for node in members}
    return [
        [bodies[n].name for n in members if heights[n] == level]
        for level in sorted(set(heights.values()), reverse=True)
    ]
