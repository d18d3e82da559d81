"""Where escalations go: the body accountable for a pillar, and each pillar's ladder.

- Escalations go to the body accountable for their pillar: a pillar whose ``accountable``
  names one body of ``governance.bodies`` (by id or name) escalates to that body, every
  other pillar to the board, the highest step above the pillars' tables.
- The escalation ladder of a pillar is ``governance.escalation`` when its bodies belong to
  that pillar (or to no pillar: then it is the ladder of every pillar without one of its
  own), else the chain the pillar's bodies form with ``escalates_to``; where escalations end
  (the accountable body or the board) is shown above the ladder's top.
- An agreement climbs the ladder of its pillar (:func:`agreement_ladder`): one rung per
  level, then the body where the pillar's escalations end when the last level is not already
  it. An agreement without a pillar, or of a pillar without levels, has that end as its one
  rung (the board, unless the pillar names another accountable body). The workflow stores
  the rung an agreement is escalated to as its position (1 = lowest); :func:`rung_at` reads
  it back, also after the plan shortened the ladder.
- ``het bestuur`` names the board of a plan without ``governance``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from koers.plan.model import Body, Governance, Plan

BOARD_FALLBACK = "het bestuur"
BOARD_KEY = "bestuur"  # the key of the board's rung (the board is not one of the bodies)


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
    step_ids: list[list[str]] = field(default_factory=list, compare=False)  # body ids per level

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
            levels = [[b.id] for b in listed]
        else:
            levels = _chain_levels(governance, pillar.id)
            if not levels and listed and owners == {None}:
                levels = [[b.id] for b in listed]
        ladders.append(
            Ladder(
                pillar.id,
                pillar.name,
                [[bodies[i].name for i in level] for level in levels],
                accountable_body(plan, pillar.id),
                pillar.accountable,
                levels,
            )
        )
    return ladders


def _chain_levels(governance: Governance, pillar: str) -> list[list[str]]:
    """Body ids per level of the ``escalates_to`` chains among a pillar's bodies, lowest
    first."""
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
        [n for n in members if heights[n] == level]
        for level in sorted(set(heights.values()), reverse=True)
    ]


@dataclass(frozen=True)
class Rung:
    """A rung of an agreement's escalation ladder."""

    position: int  # 1 = the lowest
    key: str  # stable: the id of its (first) body; BOARD_KEY for the board
    label: str  # as shown: the names of its bodies, joined with " / "


class Pillared(Protocol):
    """An agreement as the plan (``Agreement``) or a summary (``AgreementRow``) holds it."""

    @property
    def pillar(self) -> str | None: ...


def _end_key(plan: Plan, pillar: str | None) -> str:
    """The key of the body where escalations of ``pillar`` end (BOARD_KEY for the board)."""
    if plan.governance is None or pillar is None:
        return BOARD_KEY
    try:
        accountable = plan.pillar(pillar).accountable
    except KeyError:
        return BOARD_KEY
    body = _find_body(plan.governance, accountable)
    return body.id if body is not None else BOARD_KEY


def agreement_ladder(plan: Plan, agreement: Pillared) -> list[Rung]:
    """The rungs an agreement escalates up, lowest first: the levels of its pillar's ladder,
    then the body where the pillar's escalations end (:func:`accountable_body`) unless the
    last level is already that body. An agreement without a pillar, or of a pillar without
    levels, has one rung: that end (for no pillar: the board). Never empty."""
    pillar = agreement.pillar
    ladder = next((lad for lad in escalation_ladders(plan) if lad.pillar == pillar), None)
    rungs: list[tuple[str, str]] = []
    if ladder is not None:
        rungs = [
            (ids[0], " / ".join(names))
            for ids, names in zip(ladder.step_ids, ladder.steps, strict=True)
            if ids
        ]
    end = accountable_body(plan, pillar)
    if not rungs or rungs[-1][1] != end:
        rungs.append((_end_key(plan, pillar), end))
    return [Rung(position, key, label) for position, (key, label) in enumerate(rungs, 1)]


def rung_at(ladder: Sequence[Rung], position: int | None) -> Rung | None:
    """The rung at a stored ``position`` (1 = lowest); None for none (not escalated).

    A position above the ladder's top (the plan shortened the ladder after the agreement
    was escalated) is read as the top rung: the escalation stays, at the highest body the
    plan still names."""
    if position is None or position < 1 or not ladder:
        return None
    return ladder[min(position, len(ladder)) - 1]
