"""The agenda of the board's next meeting: escalated agreements (each with the body it goes
to), overdue agreements and newly red indicators.

Overdue agreements and newly red indicators stay on the board's agenda (the board oversees
the whole programme); each item says which body is accountable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from koers.assess import Assessment, Status
from koers.board.ladders import (
    Ladder,
    accountable_body,
    agreement_ladder,
    board_name,
    escalation_ladders,
)
from koers.board.terms import next_meeting
from koers.errors import NotFoundError
from koers.plan.model import Plan
from koers.plan.summary import AgreementRow

ESCALATED = "escalatie"
OVERDUE = "verlopen afspraak"
NEWLY_RED = "nieuw rood"


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # ESCALATED, OVERDUE or NEWLY_RED
    id: str  # agreement or indicator id
    pillar: str | None
    pillar_name: str
    text: str  # the agreement's text or the indicator's name
    detail: str  # Dutch: why it is on the agenda
    accountable: str  # the body accountable for the pillar (for escalations: where they go)

    def record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "pillar": self.pillar,
            "pillar_name": self.pillar_name,
            "text": self.text,
            "detail": self.detail,
            "accountable": self.accountable,
        }


@dataclass(frozen=True)
class Agenda:
    board: str
    today: date
    next_meeting: date | None
    escalated: list[AgendaItem]  # every escalated agreement, wherever it goes
    overdue: list[AgendaItem]
    newly_red: list[AgendaItem]
    ladders: list[Ladder] = field(default_factory=list)

    @property
    def escalated_to_board(self) -> list[AgendaItem]:
        return [i for i in self.escalated if i.accountable == self.board]

    @property
    def escalated_elsewhere(self) -> dict[str, list[AgendaItem]]:
        """Escalations that go to another body (a pillar's accountable body), by body."""
        found: dict[str, list[AgendaItem]] = {}
        for item in self.escalated:
            if item.accountable != self.board:
                found.setdefault(item.accountable, []).append(item)
        return found

    @property
    def items(self) -> list[AgendaItem]:
        """What is on the board's own agenda, in order: escalations, overdue, newly red."""
        return [*self.escalated_to_board, *self.overdue, *self.newly_red]

    def record(self) -> dict[str, Any]:
        return {
            "board": self.board,
            "today": self.today.isoformat(),
            "next_meeting": self.next_meeting.isoformat() if self.next_meeting else None,
            "escalated": [i.record() for i in self.escalated_to_board],
            "escalated_elsewhere": {
                body: [i.record() for i in items]
                for body, items in self.escalated_elsewhere.items()
            },
            "overdue": [i.record() for i in self.overdue],
            "newly_red": [i.record() for i in self.newly_red],
            "ladders": [ladder.record() for ladder in self.ladders],
        }


def _pillar_name(plan: Plan, pillar: str | None) -> str:
    if pillar is None:
        return "programmabreed"
    try:
        return plan.pillar(pillar).name
    except KeyError:
        return pillar


def board_agenda(
    plan: Plan,
    assessments_now: Iterable[Assessment],
    assessments_before: Iterable[Assessment],
    agreement_rows: Sequence[AgreementRow],
    today: date,
    escalated: Iterable[str] = (),
) -> Agenda:
    """The agenda of the board's next meeting.

    Three parts: the agreements escalated (``escalated``: their ids, as the caller's
    escalation workflow names them: those at the top rung of their ladder), each with the
    body it goes to (the top rung of :func:`agreement_ladder`); the agreements whose due
    date has passed and that are not 'afgerond' (an escalated one is listed only once); and
    the indicators that are rood now (``assessments_now``) and were not at the last meeting
    (``assessments_before``: ``evaluate(plan, obs, as_of=<year of the last meeting>)``).
    Raises ``KeyError`` for an escalated id that is not an agreement in ``agreement_rows``.
    """
    rows = {r.id: r for r in agreement_rows}

    def agreement_item(kind: str, row: AgreementRow, detail: str) -> AgendaItem:
        return AgendaItem(
            kind,
            row.id,
            row.pillar,
            _pillar_name(plan, row.pillar),
            row.text,
            detail,
            accountable_body(plan, row.pillar),
        )

    def about(row: AgreementRow) -> str:
        if not row.due:
            due = "geen deadline"
        elif row.due_kind in (None, "uiterlijk"):
            due = f"deadline {row.due}"
        else:  # a start, a not-before or a yearly date is no deadline
            due = f"gepland: {row.when}"
        return f"{due}; status: {row.status}; eigenaar: {', '.join(row.owners)}"

    escalations: list[AgendaItem] = []
    for agreement in dict.fromkeys(escalated):
        if agreement not in rows:
            raise NotFoundError(f"afspraak '{agreement}' staat niet in het plan")
        row = rows[agreement]
        item = agreement_item(ESCALATED, row, f"Geëscaleerd; {about(row)}.")
        top = agreement_ladder(plan, row)[-1].label  # the body its escalations end at
        escalations.append(replace(item, accountable=top))
    taken = {i.id for i in escalations}
    overdue = [
        agreement_item(OVERDUE, row, f"De deadline is verstreken; {about(row)}.")
        for row in agreement_rows
        if row.id not in taken and row.overdue_on(today)
    ]
    before = {a.indicator: a.status for a in assessments_before}
    red = []
    for now in assessments_now:
        if now.status is not Status.ROOD or before.get(now.indicator) is Status.ROOD:
            continue
        earlier = before.get(now.indicator)
        was = f"eerder {earlier.value}" if earlier is not None else "eerder geen oordeel"
        red.append(
            AgendaItem(
                NEWLY_RED,
                now.indicator,
                now.pillar,
                _pillar_name(plan, now.pillar),
                now.name,
                f"Nu rood ({was}). {now.explanation}",
                accountable_body(plan, now.pillar),
            )
        )
    board = plan.governance.board if plan.governance is not None else None
    return Agenda(
        board=board_name(plan),
        today=today,
        next_meeting=next_meeting(board, today) if board is not None else None,
        escalated=escalations,
        overdue=overdue,
        newly_red=red,
        ladders=escalation_ladders(plan),
    )
