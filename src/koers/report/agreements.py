"""Deel II's agreements, grouped as a reader looks for them: by pillar (in the plan's order),
within a pillar by owner, with a summary per pillar and per partner. Pure.

The status of an agreement is what its owner reported and the bureau approved
(:func:`koers.workflow.current_statuses`), with its light (:data:`STATUS_CSS`). Where nobody
in a group has reported, the document says so once for the group instead of printing
"niet gerapporteerd" on every row. Texts are shown whole, never cut. An agreement is late
when its deadline passed before the end of the report year and it is not done: the report
is about that year, whatever day it is made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from koers import nl
from koers.plan.model import Plan
from koers.plan.summary import NO_OWNER, NOT_REPORTED, AgreementRow
from koers.present import due_text, pillar_rank

# the light of each status an owner can report (koers.store's AgreementStatus), in the
# order a summary counts them; not reported is grey, never red
STATUS_CSS = {
    "op schema": "groen",
    "afgerond": "groen",
    "risico": "oranje",
    "vertraagd": "rood",
    "niet gestart": "grijs",
    "vervallen": "grijs",
    NOT_REPORTED: "grijs",
}
NO_PILLAR = "Zonder pijler"
NO_OWNER_GROUP = "Eigenaar niet vermeld in het plan"


def status_counts(statuses: Iterable[str]) -> dict[str, int]:
    """Statuses counted, in the order of :data:`STATUS_CSS`, leaving out those that are 0."""
    counted = Counter(statuses)
    order = [*STATUS_CSS, *sorted(s for s in counted if s not in STATUS_CSS)]
    return {s: counted[s] for s in order if counted[s]}


@dataclass(frozen=True)
class AgreementItem:
    row: AgreementRow
    when: str | None  # the due date in words
    overdue: bool

    @property
    def reported(self) -> bool:
        return self.row.status != NOT_REPORTED

    @property
    def css(self) -> str:
        return STATUS_CSS.get(self.row.status, "grijs")


def late_moment(as_of: date) -> str:
    """When lateness is judged, as a reader says it: ``aan het eind van 2023`` for a whole
    report year, otherwise the day the report was made (``op 6 juni 2023``)."""
    if (as_of.month, as_of.day) == (1, 1):
        return f"aan het eind van {as_of.year - 1}"
    return f"op {nl.long_date(as_of)}"


def _sentence(total: int, counts: dict[str, int], overdue: int, as_of: date) -> str:
    """``28 afspraken: 3 op schema, 1 risico en 24 niet gerapporteerd; 5 over hun uiterste
    datum aan het eind van 2023.``"""
    text = nl.count(total, "afspraak", "afspraken")
    reported = {s: n for s, n in counts.items() if s != NOT_REPORTED}
    if not reported:
        text += ", nog geen enkele gerapporteerd"
    else:
        text += ": " + nl.listing([f"{nl.number(n)} {s}" for s, n in counts.items()])
    if overdue:
        late = "is" if overdue == 1 else "zijn"
        text += (
            f"; {nl.number(overdue)} {late} {late_moment(as_of)} over de uiterste datum en "
            "niet afgerond"
        )
    return text + "."


@dataclass(frozen=True)
class OwnerGroup:
    owner: str
    items: tuple[AgreementItem, ...]
    as_of: date

    @property
    def reported(self) -> bool:
        """Whether anyone in the group reported: only then does each row show its status."""
        return any(item.reported for item in self.items)

    @property
    def sentence(self) -> str:
        counts = status_counts(item.row.status for item in self.items)
        overdue = sum(1 for item in self.items if item.overdue)
        return _sentence(len(self.items), counts, overdue, self.as_of)


@dataclass(frozen=True)
class PillarAgreements:
    pillar: str | None
    name: str
    groups: tuple[OwnerGroup, ...]
    as_of: date

    @property
    def items(self) -> list[AgreementItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def counts(self) -> dict[str, int]:
        return status_counts(item.row.status for item in self.items)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)

    @property
    def sentence(self) -> str:
        return _sentence(len(self.items), self.counts, self.overdue, self.as_of)


@dataclass(frozen=True)
class PartnerRow:
    """A partner's agreements (as an owner, or one of the owners) counted by status."""

    name: str
    total: int
    counts: dict[str, int]
    overdue: int

    @property
    def reported(self) -> int:
        return sum(n for s, n in self.counts.items() if s != NOT_REPORTED)


@dataclass(frozen=True)
class AgreementOverview:
    pillars: tuple[PillarAgreements, ...]
    partners: tuple[PartnerRow, ...]
    year: int
    as_of: date  # the day lateness is judged on: the end of the report year

    @property
    def items(self) -> list[AgreementItem]:
        return [item for pillar in self.pillars for item in pillar.items]

    @property
    def counts(self) -> dict[str, int]:
        return status_counts(item.row.status for item in self.items)

    @property
    def reported(self) -> int:
        return sum(1 for item in self.items if item.reported)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)

    @property
    def statuses(self) -> list[str]:
        """The statuses that occur, for the columns of the partner table."""
        return [s for s in self.counts if s != NOT_REPORTED]

    @property
    def sentence(self) -> str:
        return _sentence(len(self.items), self.counts, self.overdue, self.as_of)


def report_day(year: int, generated: date) -> date:
    """The day a report about ``year`` judges lateness on: the first day after the year (a
    deadline "uiterlijk {year}" has passed), or the day it is made when that is earlier."""
    return min(generated, date(year + 1, 1, 1))


def agreement_overview(
    plan: Plan, rows: Sequence[AgreementRow], *, year: int, generated: date
) -> AgreementOverview:
    """The commitments among ``rows`` grouped by pillar and owner, with their summaries."""
    as_of = report_day(year, generated)
    names = {p.id: p.name for p in plan.pillars}
    by_pillar: dict[str | None, dict[str, list[AgreementItem]]] = {}
    for row in rows:
        if not row.commitment:
            continue
        owner = NO_OWNER_GROUP if row.owners == [NO_OWNER] else nl.listing(row.owners)
        item = AgreementItem(row, due_text(row), row.overdue_on(as_of))
        by_pillar.setdefault(row.pillar, {}).setdefault(owner, []).append(item)
    position = {p.id: i for i, p in enumerate(plan.pillars)}
    pillars = []
    # the pillars first, in the plan's order; then the other themes; agreements without one last
    for pillar in sorted(
        by_pillar, key=lambda p: (p is None, pillar_rank(plan, p), position.get(p or "", 0))
    ):
        owners = by_pillar[pillar]
        # owners alphabetically, the agreements without an owner last
        order = sorted(owners, key=lambda o: (o == NO_OWNER_GROUP, o.lower()))
        pillars.append(
            PillarAgreements(
                pillar,
                names.get(pillar, pillar) if pillar else NO_PILLAR,
                tuple(OwnerGroup(o, tuple(owners[o]), as_of) for o in order),
                as_of,
            )
        )
    partners: dict[str, list[AgreementItem]] = {}
    for pillar_view in pillars:
        for item in pillar_view.items:
            for owner in item.row.owners:
                if owner != NO_OWNER:
                    partners.setdefault(owner, []).append(item)
    partner_rows = tuple(
        PartnerRow(
            name,
            len(items),
            status_counts(i.row.status for i in items),
            sum(1 for i in items if i.overdue),
        )
        for name, items in sorted(partners.items(), key=lambda kv: (-len(kv[1]), kv[0].lower()))
    )
    return AgreementOverview(tuple(pillars), partner_rows, year, as_of)
