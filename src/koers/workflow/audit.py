"""Reading the audit log for display: every change in a programme (filtered by subject, user
and period), or an agreement's history, and each entry in Dutch words (:func:`describe`).

Writing happens only in the store (:meth:`koers.store.audit.AuditLog.append`), in the
transaction of the change it records. The log keeps records with English keys and raw values
(the CSV export gives them as they are); :func:`describe` reads them for people: the action
by its Dutch name (:data:`ACTION_LABELS`), the subject by what it is about (``update 12 over
A6.5``), and each field that changed as ``status van A6.5: niet gestart → op schema``, with
statuses, phases, roles, numbers and yes/no in Dutch. A key it does not know is shown by its
own name rather than dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from koers import nl
from koers.store import Store
from koers.store.accounts import Role
from koers.store.audit import AuditEntry, utc
from koers.store.updates import STATE_LABELS, State
from koers.workflow.roles import ROLE_LABELS

ACTION_LABELS = {
    "create_user": "gebruiker aangemaakt",
    "set_role": "rol gewijzigd",
    "deactivate": "gebruiker gedeactiveerd",
    "reactivate": "gebruiker weer actief",
    "set_password": "wachtwoord gewijzigd",
    "reset_password": "eenmalig wachtwoord gegeven",
    "create_token": "API-sleutel gemaakt",
    "revoke_token": "API-sleutel ingetrokken",
    "draft": "update opgesteld",
    "edit": "update bewerkt",
    "submit": "update ingediend",
    "approve": "update goedgekeurd",
    "return": "update teruggestuurd",
    "correct": "afgesloten jaar gecorrigeerd",
    "status": "status vastgesteld",
    "escalate": "geëscaleerd",
    "deescalate": "escalatie beëindigd",
    "value": "cijfer vastgesteld",
    "close_period": "jaar afgesloten",
    "reopen_period": "jaar heropend",
}
SUBJECT_LABELS = {
    "update": "update",
    "agreement": "afspraak",
    "user": "gebruiker",
    "observation": "cijfer",
    "period": "jaar",
}
FIELD_LABELS = {
    "state": "fase",
    "status": "status",
    "evidence": "bewijs",
    "value": "waarde",
    "note": "toelichting",
    "reason": "reden",
    "confirmation": "bevestiging",
    "contributor": "bijdrage van",
    "escalation": "escalatie",
    "role": "rol",
    "partner": "partner",
    "email": "e-mailadres",
    "active": "actief",
    "must_change_password": "moet wachtwoord kiezen",
    "password": "wachtwoord",
    "closed": "afgesloten",
    "source": "bron",
    "name": "naam",
    "revoked": "ingetrokken",
    "batch": "importbatch",
}
# bookkeeping, or what the subject itself already names ("update 4 over A6.5")
HIDDEN = {
    *("version", "kind", "escalation_level", "update", "programme", "username", "year"),
    *("agreement", "indicator", "area", "period"),
    "closed_by",  # who had closed a reopened year: in the CSV, and in the entry before it
}
SHORT = 80  # characters of a note or reason shown in a change


@dataclass(frozen=True)
class AuditLine:
    """One entry of the log as people read it."""

    entry: AuditEntry
    action: str  # Dutch: "update goedgekeurd"
    subject: str  # "update 12 over A6.5", "afspraak A6.5", "gebruiker wouter"
    changes: list[str]  # "status van A6.5: niet gestart → op schema"


def audit_log(
    store: Store,
    programme: str,
    *,
    subject: str | None = None,
    subject_id: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[AuditEntry]:
    """Every change in the programme, oldest first; optionally only of one subject (kind,
    and id), by one user, or from ``since`` up to and including ``until`` (days in UTC)."""
    with store.transaction() as tx:
        entries = tx.audit.entries(programme, subject=subject, subject_id=subject_id)
    start = datetime.combine(since, time(), UTC) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), UTC) if until else None
    return [
        e
        for e in entries
        if (actor is None or e.actor == actor)
        and (start is None or utc(e.at) >= start)
        and (end is None or utc(e.at) < end)
    ]


def agreement_history(store: Store, programme: str, agreement: str) -> list[AuditEntry]:
    """What happened to an agreement, oldest first: its updates (drafted, edited, submitted,
    returned, approved) and its state (status, escalation), each with who, when, before,
    after and reason."""
    with store.transaction() as tx:
        return tx.audit.of_agreement(programme, agreement)


def describe(entry: AuditEntry, names: dict[str, str] | None = None) -> AuditLine:
    """``entry`` in Dutch words; ``names``: the display names of partners and areas."""
    names = names or {}
    record = entry.after or entry.before or {}
    about = _about(entry, record, names)
    kind = SUBJECT_LABELS.get(entry.subject, entry.subject)
    if entry.subject == "update":
        subject = f"update {entry.subject_id}" + (f" over {about}" if about else "")
    elif entry.subject == "observation":
        subject = f"{kind} {about}"
    else:
        subject = f"{kind} {entry.subject_id}"
    before, after = entry.before or {}, entry.after or {}
    changes: list[str] = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in HIDDEN:
            continue
        old, new = before.get(key), after.get(key)
        if entry.before is not None and old == new:
            continue
        if entry.before is None and new in (None, ""):
            continue
        field = FIELD_LABELS.get(key, key)
        owner = about or entry.subject_id
        if entry.before is None:
            changes.append(f"{field}: {_word(key, new, names)}")
        else:
            shown_old, shown_new = _word(key, old, names), _word(key, new, names)
            changes.append(f"{field} van {owner}: {shown_old} → {shown_new}")
    return AuditLine(entry, ACTION_LABELS.get(entry.action, entry.action), subject, changes)


def _about(entry: AuditEntry, record: dict[str, Any], names: dict[str, str]) -> str:
    """What an update or figure is about: the agreement, or indicator, area and period."""
    if entry.subject == "observation":
        indicator, area, period = [*entry.subject_id.split("|"), "", ""][:3]
        where = names.get(area, area)
        return f"{indicator} in {where} over {nl.period(period)}" if period else indicator
    if record.get("agreement"):
        return str(record["agreement"])
    if record.get("indicator"):
        place = str(record.get("area") or "")
        when = record.get("period")
        where = f" in {names.get(place, place)}" if place else ""
        return f"{record['indicator']}{where}" + (f" over {nl.period(when)}" if when else "")
    return ""


def _word(key: str, value: Any, names: dict[str, str]) -> str:
    """A value in words: empty, yes/no, a phase, a role, a number, a partner's name."""
    if value is None or value == "":
        return "leeg"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if key == "state" and value in {s.value for s in State}:
        return STATE_LABELS[State(value)]
    if key == "role" and value in {r.value for r in Role}:
        return ROLE_LABELS[Role(value)]
    if isinstance(value, int | float):
        return nl.number(value, 0 if float(value).is_integer() else 2)
    text = names.get(value, value) if key in ("partner", "contributor") else str(value)
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"
