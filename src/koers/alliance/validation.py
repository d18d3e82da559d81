"""The rules for recording alliance conversations and completing their actions, pure.

Each refuses bad input with a message that names the field; the use cases that check and
write (:mod:`koers.usecases.alliance`) turn a refusal into the store's error, so nothing of a
refused record is written. Where the plan also models wijkraad areas (groups of buurten),
the refusal of one for a wijkraad conversation names the wijk(en) to use instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from koers.alliance.places import goal_names, plan_wijken, wijken_of
from koers.alliance.records import KINDS, ActionRecord, NewAction, NewMeeting
from koers.errors import KoersError
from koers.plan.model import AreaKind, Plan


class AllianceRefused(KoersError):
    """A conversation or an action completion the alliance's rules refuse."""


def new_meeting(
    plan: Plan,
    *,
    kind: str,
    held_on: date,
    area: str | None,
    participants: str | None,
    summary: str,
    goals: Sequence[str],
    actions: Sequence[NewAction],
    today: date,
) -> NewMeeting:
    """Check a new conversation against the plan; the conversation as it will be stored.

    Refuses an unknown kind, an area that is not in the plan (or not a wijk for a wijkraad
    conversation, which needs one), a date after ``today``, an empty summary, a goal that is
    neither a pillar nor an ambition of the plan, an initiative without a goal, and an action
    without text, owner or a due date on or after the conversation.
    """
    if kind not in KINDS:
        raise AllianceRefused(f"kind: '{kind}' is onbekend; kies uit {', '.join(KINDS)}")
    if held_on > today:
        raise AllianceRefused(
            f"held_on: {held_on.isoformat()} ligt na vandaag ({today.isoformat()}); "
            f"leg een gesprek vast nadat het is gevoerd"
        )
    areas = {a.id: a for a in plan.areas}
    if area is None:
        if kind == "wijkraad":
            raise AllianceRefused("area: een wijkraadgesprek hoort bij een wijk; geef de wijk op")
    elif area not in areas:
        raise AllianceRefused(f"area: '{area}' is geen gebied van het plan")
    else:
        found = areas[area]
        if kind == "wijkraad" and found.kind is not AreaKind.WIJK:
            hint = wijken_of(found, areas)
            wijken = [a.id for a in plan_wijken(plan, held_on.year)]
            raise AllianceRefused(
                f"area: '{area}' is geen wijk ({found.kind.value}); een wijkraadgesprek "
                f"wordt vastgelegd op een wijk van de plan-indeling: "
                + (f"hier {' en '.join(hint)}" if hint else f"kies uit {', '.join(wijken)}")
            )
        if not found.valid_in(held_on.year):
            raise AllianceRefused(f"area: '{area}' bestaat volgens het plan niet in {held_on.year}")
    if not summary.strip():
        raise AllianceRefused("summary: vat samen wat er besproken en afgesproken is")
    known = goal_names(plan)
    unknown = [g for g in goals if g not in known]
    if unknown:
        raise AllianceRefused(
            f"goals: {', '.join(repr(g) for g in unknown)} is geen pijler of ambitie van "
            f"het plan (pijlers: {', '.join(p.id for p in plan.pillars)})"
        )
    if kind == "initiatief" and not goals:
        raise AllianceRefused(
            "goals: een bewonersinitiatief noemt de doelen van het plan waaraan het bijdraagt"
        )
    for number, action in enumerate(actions, start=1):
        if not action.text.strip():
            raise AllianceRefused(f"actions[{number}].text: de actie heeft geen tekst")
        if not action.owner.strip():
            raise AllianceRefused(f"actions[{number}].owner: de actie heeft geen eigenaar")
        if len(action.owner.strip()) > 120:
            raise AllianceRefused(f"actions[{number}].owner: langer dan 120 tekens")
        if not isinstance(action.due, date):
            raise AllianceRefused(f"actions[{number}].due: de actie heeft geen datum")
        if action.due < held_on:
            raise AllianceRefused(
                f"actions[{number}].due: {action.due.isoformat()} ligt vóór het gesprek "
                f"({held_on.isoformat()})"
            )
    return NewMeeting(
        programme=plan.programme.id,
        kind=kind,
        held_on=held_on,
        area=area,
        participants=(participants or "").strip() or None,
        summary=summary.strip(),
        goals=tuple(dict.fromkeys(goals)),
        actions=tuple(NewAction(a.text.strip(), a.owner.strip(), a.due) for a in actions),
    )


def check_completion(action: ActionRecord, held_on: date, done_on: date) -> None:
    """Refuse to complete an action that is already done, or on a day before the
    conversation (``held_on``) it came from."""
    if action.done_on is not None:
        raise AllianceRefused(f"actie {action.id} is al afgerond op {action.done_on.isoformat()}")
    if done_on < held_on:
        raise AllianceRefused(
            f"done_on: {done_on.isoformat()} ligt vóór het gesprek waarin actie "
            f"{action.id} is afgesproken ({held_on.isoformat()})"
        )
