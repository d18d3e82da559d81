"""The plan's precondition: pillars whose money depends on a condition not yet met.

The plan names it (``finance.precondition``: its name, the pillars that depend on it and the
texts that mark a funding line or commitment as part of it). Every funding line or
commitment whose name, funder or condition mentions one of those texts is part of the
precondition. It is met only when all of them are met (funding: ``ontvangen``/``toegezegd``;
commitment: committed, :func:`koers.money.coverage.is_committed`), so one open application
keeps the flag and is named. Until then the interventions of the named pillars, and those the
mentioning commitments are for, carry ``voorwaarde``. A plan without a precondition, or
whose precondition nothing mentions, has none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from koers.money.common import CSS
from koers.money.coverage import is_committed
from koers.plan import model


@dataclass(frozen=True)
class PreconditionItem:
    kind: str  # financiering / verplichting
    id: str
    name: str
    status: str
    met: bool


@dataclass(frozen=True)
class Precondition:
    """The named pillars' dependency on the plan's precondition, and whether it is met."""

    name: str
    met: bool
    status: str  # voorwaarde / vervuld
    items: tuple[PreconditionItem, ...]
    pillars: tuple[str, ...]
    interventions: tuple[tuple[str, str], ...]  # (id, name)
    text: str

    @property
    def css(self) -> str:
        return CSS[self.status]


def precondition(
    plan: model.Plan, commitments: Sequence[model.Commitment], year: int | None
) -> Precondition | None:
    """The plan's precondition as of the funding lines and (``year``'s) commitments."""
    planned = plan.finance.precondition if plan.finance else None
    if planned is None:
        return None
    marks = [m.lower() for m in planned.mentions or [planned.name]]

    def mentions(*texts: str | None) -> bool:
        return any(mark in text.lower() for text in texts if text for mark in marks)

    items: list[PreconditionItem] = []
    direct: list[str] = []
    for f in plan.finance.funding if plan.finance else []:
        if mentions(f.name, f.funder, f.condition):
            met = f.status in ("ontvangen", "toegezegd")
            items.append(PreconditionItem("financiering", f.id, f.name, f.status, met))
    for c in commitments:
        if (year is None or c.year == year) and mentions(c.name, c.funder, c.condition):
            status: str = c.status
            if c.status == "voorwaardelijk":
                status += ", voorwaarde vervuld" if c.condition_met else ", voorwaarde open"
            items.append(PreconditionItem("verplichting", c.id, c.name, status, is_committed(c)))
            if c.intervention:
                direct.append(c.intervention)
    if not items:
        return None
    concerned = [p for p in plan.pillars if p.id in planned.pillars]
    pillar_ids = [p.id for p in concerned]
    interventions = tuple(
        (iv.id, iv.name) for iv in plan.interventions if iv.pillar in pillar_ids or iv.id in direct
    )
    met = all(i.met for i in items)
    if met:
        text = (
            f"Voorwaarde vervuld: {planned.name} is toegekend "
            f"({'; '.join(f'{i.id} {i.status}' for i in items)})."
        )
    else:
        whose = " en ".join(f"pijler {p.name}" for p in concerned) or "de genoemde interventies"
        open_items = "; ".join(f"{i.id} {i.name} ({i.status})" for i in items if not i.met)
        text = (
            f"De {len(interventions)} interventies van {whose} hangen af van de toekenning "
            f"van {planned.name} (voorwaarde, nog niet vervuld). Open: {open_items}."
        )
    return Precondition(
        name=planned.name,
        met=met,
        status="vervuld" if met else "voorwaarde",
        items=tuple(items),
        pillars=tuple(pillar_ids),
        interventions=interventions,
        text=text,
    )
