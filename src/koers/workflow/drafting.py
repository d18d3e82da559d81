"""Updates: drafting, editing and submitting what partners report, and checking its values.

Partners report on what their organisation owns: the status of an agreement (one of
:class:`~koers.store.updates.AgreementStatus`, a note and optional evidence) and the values of
output indicators (for an area and a period). An update goes draft → submitted → approved or
returned (:mod:`koers.workflow.approval`); a returned update is edited (back to draft) and
submitted again. One update per subject is open at a time (draft, submitted or returned):
per agreement, and per indicator, area, period and contributor; a second drafter edits the
open one. A value passes the plan's plausibility rules
(:func:`koers.workflow.contributions.check_figure`: unit and range, the plan's window and no
future, an area where the indicator exists, a confirmation with a reason for a large change)
when it is drafted and when it is edited; of a co-reported indicator it is the reporting
partner's contribution (:mod:`koers.workflow.contributions`).

A returned update is corrected and handed in again in one step with :func:`resubmit`.

A write names the version of the update it saw; a stale one raises
:class:`~koers.store.ConflictError`. Every change is audited. Refusals are
:class:`~koers.store.StoreError` (bad input, wrong state) with nothing written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from koers.areas import CONTRIBUTION, Observation
from koers.errors import NotAllowedError
from koers.plan.model import Agreement, Indicator, Plan
from koers.store import Store, StoreError, Transaction
from koers.store.accounts import User
from koers.store.updates import STATE_LABELS, AgreementStatus, Kind, State, Update
from koers.workflow.common import Clock, acting, agreement_of, output_of, text, utc_now
from koers.workflow.contributions import check_figure, contributor_for, figure_of
from koers.workflow.periods import refuse_closed
from koers.workflow.roles import Action, may_view, require, subject_of

OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.RETURNED)
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")


def _evidence(value: str | None) -> str | None:
    found = text(value, "het bewijs")
    if found is not None and found.lower().startswith(UNSAFE_SCHEMES):
        raise StoreError("het bewijs mag een tekst of een http(s)-link zijn, geen andere link")
    return found


def _status(value: str | AgreementStatus | None) -> AgreementStatus:
    try:
        return AgreementStatus(value or "")
    except ValueError:
        raise StoreError(
            f"onbekende status '{value}'; kies uit {', '.join(s.value for s in AgreementStatus)}"
        ) from None


def _figure(values: Mapping[str, Any]) -> Observation:
    """The figure a drafted value would become."""
    return Observation(
        indicator=values["indicator"],
        area=values["area"],
        period=values["period"],
        value=values["value"],
        dimension=CONTRIBUTION if values.get("contributor") else None,
        category=values.get("contributor"),
        confirmation=values.get("confirmation"),
    )


def _open_key(kind: Kind, *parts: str) -> str:
    return "|".join((kind.value, *parts))


def _source(plan: Plan, actor: User) -> str:
    names = {p.id: p.name for p in plan.partners}
    who = names.get(actor.partner or "", "programmabureau")
    return f"{who} (partnerportaal)"


def _refuse_open(tx: Transaction, programme: str, open_key: str, what: str) -> None:
    found = tx.updates.open_one(programme, open_key)
    if found is not None:
        raise StoreError(
            f"voor {what} staat al update {found.id} open ({STATE_LABELS[found.state]}, "
            f"door {found.created_by}); werk die bij in plaats van een nieuwe te maken"
        )


def draft_update(
    store: Store,
    programme: str,
    user: User,
    *,
    agreement: str | None = None,
    status: str | AgreementStatus | None = None,
    note: str | None = None,
    evidence: str | None = None,
    indicator: str | None = None,
    area: str | None = None,
    period: str | None = None,
    value: float | None = None,
    contributor: str | None = None,
    confirmation: str | None = None,
    clock: Clock = utc_now,
) -> Update:
    """Draft the status of an ``agreement`` (``status``, ``note``, optional ``evidence``),
    or a ``value`` of an output ``indicator`` for an ``area`` and ``period`` (optional
    ``note``; ``confirmation``: why a large change is right; ``contributor``: the partner
    whose contribution the bureau reports). Refused while another update of the same subject
    is open."""
    plan = store.plan(programme)
    if (agreement is None) == (indicator is None):
        raise StoreError("een update gaat over een afspraak of over een outputindicator")
    values: dict[str, Any]
    subject: Agreement | None = None
    item: Indicator | None = None
    if agreement is not None:
        subject = agreement_of(plan, agreement)
        values = {
            "kind": Kind.STATUS,
            "agreement": agreement,
            "status": _status(status),
            "note": text(note, "de toelichting", required=True),
            "evidence": _evidence(evidence),
            "open_key": _open_key(Kind.STATUS, agreement),
        }
        what = f"afspraak {agreement}"
    else:
        assert indicator is not None
        item = output_of(plan, indicator)
        if area is None or period is None or value is None:
            raise StoreError("een outputwaarde heeft een gebied, een periode en een waarde")
        period_text = period.strip()
        values = {
            "kind": Kind.OUTPUT,
            "indicator": indicator,
            "area": area.strip(),
            "period": period_text,
            "value": float(value),
            "note": text(note, "de toelichting"),
            "confirmation": text(confirmation, "de reden van de bevestiging"),
        }
        what = f"indicator {indicator} in {area} over {period_text}"
    now = clock()
    with store.transaction() as tx:
        actor = acting(tx, user)
        require(actor, "draft", agreement=subject, indicator=item, plan=plan)
        if item is not None:
            values["contributor"] = contributor_for(plan, item, actor, contributor)
            by = [values["contributor"]] if values["contributor"] else []
            values["open_key"] = _open_key(Kind.OUTPUT, item.id, values["area"], period_text, *by)
            if values["contributor"]:
                what += f" (bijdrage van {values['contributor']})"
            check_figure(tx, plan, item, _figure(values), now.date())
            refuse_closed(tx, actor, programme, values["period"])
        _refuse_open(tx, programme, values["open_key"], what)
        update = tx.updates.add(
            programme,
            {**values, "source": _source(plan, actor)},
            what=what,
            by=actor.username,
            at=now,
        )
        tx.audit.append(
            programme,
            actor.username,
            "draft",
            "update",
            str(update.id),
            None,
            update.record(),
            at=now,
        )
    return update


def in_state(update: Update, *states: State, doing: str) -> None:
    """Refuse ``doing`` unless the update is in one of ``states``."""
    if update.state not in states:
        allowed = " of ".join(STATE_LABELS[s] for s in states)
        raise StoreError(
            f"update {update.id} is {update.state_label}; {doing} kan alleen als hij {allowed} is"
        )


@dataclass(frozen=True)
class Change:
    """An update being changed, in one transaction: the acting user (allowed to do the
    action on the update's subject) and the update as it was at ``version``."""

    tx: Transaction
    plan: Plan
    actor: User
    before: Update
    version: int
    clock: Clock

    def save(self, action: str, values: Mapping[str, Any], reason: str | None = None) -> Update:
        """Write ``values`` (if the update is still at the version) and audit it."""
        now = self.clock()
        after = self.tx.updates.change(
            self.before, self.version, values, by=self.actor.username, at=now
        )
        self.tx.audit.append(
            after.programme,
            self.actor.username,
            action,
            "update",
            str(after.id),
            self.before.record(),
            after.record(),
            reason,
            at=now,
        )
        return after


@contextmanager
def changing(
    store: Store, update_id: int, user: User, version: int, action: Action, clock: Clock
) -> Iterator[Change]:
    """One transaction to change an update, once the acting user may do ``action`` on it and
    it is still at ``version``."""
    plan = store.plan(get_update(store, update_id).programme)
    with store.transaction() as tx:
        before = tx.updates.get(update_id)
        actor = acting(tx, user)
        agreement, indicator = subject_of(plan, before)
        require(actor, action, agreement=agreement, indicator=indicator, plan=plan)
        if not may_view(plan, actor, before):  # another partner's contribution
            raise NotAllowedError(
                f"Geen toestemming: update {before.id} is de bijdrage van een andere partner."
            )
        tx.updates.check(before, version)
        yield Change(tx, plan, actor, before, version, clock)


def edit_draft(
    store: Store,
    update_id: int,
    user: User,
    version: int,
    *,
    status: str | AgreementStatus | None = None,
    note: str | None = None,
    evidence: str | None = None,
    value: float | None = None,
    confirmation: str | None = None,
    clock: Clock = utc_now,
) -> Update:
    """Change a draft or returned update (a returned one becomes a draft again).

    Only what is given changes; ``evidence=""`` removes the evidence, ``confirmation=""``
    the confirmation.
    """
    with changing(store, update_id, user, version, "draft", clock) as change:
        before = change.before
        in_state(before, State.DRAFT, State.RETURNED, doing="bewerken")
        values: dict[str, Any] = {"state": State.DRAFT}
        if before.kind is Kind.STATUS:
            if status is not None:
                values["status"] = _status(status)
            if note is not None:
                values["note"] = text(note, "de toelichting", required=True)
            if evidence is not None:
                values["evidence"] = _evidence(evidence)
        else:
            assert before.period is not None
            refuse_closed(change.tx, change.actor, before.programme, before.period)
            if status is not None or evidence is not None:
                raise StoreError("een outputwaarde heeft geen status of bewijs")
            if value is not None:
                values["value"] = float(value)
            if confirmation is not None:
                values["confirmation"] = text(confirmation, "de reden van de bevestiging")
            if note is not None:
                values["note"] = text(note, "de toelichting")
            indicator = subject_of(change.plan, before)[1]
            assert indicator is not None
            figure = replace(
                figure_of(before),
                value=values.get("value", before.value),
                confirmation=values.get("confirmation", before.confirmation),
            )
            check_figure(change.tx, change.plan, indicator, figure, change.clock().date())
        return change.save("edit", values)


def submit(
    store: Store, update_id: int, user: User, version: int, *, clock: Clock = utc_now
) -> Update:
    """Hand a draft to the programme bureau."""
    with changing(store, update_id, user, version, "submit", clock) as change:
        before = change.before
        in_state(before, State.DRAFT, doing="indienen")
        if before.kind is Kind.OUTPUT:
            assert before.period is not None
            refuse_closed(change.tx, change.actor, before.programme, before.period)
        return change.save(
            "submit",
            {
                "state": State.SUBMITTED,
                "submitted_at": clock(),
                "submitted_by": change.actor.username,
            },
        )


def resubmit(
    store: Store,
    update_id: int,
    user: User,
    version: int,
    *,
    clock: Clock = utc_now,
    **changes: Any,
) -> Update:
    """Correct a returned update and hand it to the bureau again, in one step for the user:
    :func:`edit_draft` with ``changes`` (the same fields), then :func:`submit`. Submitting
    checks nothing the edit did not (the rights, the closed year), so it only fails when
    someone else changed the update in between; then the correction stays as a draft."""
    with store.transaction() as tx:
        found = tx.updates.get(update_id)
    if found.state is not State.RETURNED:
        raise StoreError(
            f"update {update_id} is {STATE_LABELS[found.state]}; alleen een teruggestuurde "
            f"update wordt opnieuw ingediend"
        )
    edited = edit_draft(store, update_id, user, version, clock=clock, **changes)
    return submit(store, update_id, user, edited.version, clock=clock)


def get_update(store: Store, update_id: int) -> Update:
    with store.transaction() as tx:
        return tx.updates.get(update_id)


def updates(
    store: Store,
    programme: str,
    *,
    state: State | str | None = None,
    agreement: str | None = None,
    indicator: str | None = None,
) -> list[Update]:
    """The updates of a programme, oldest first, optionally of one state or subject."""
    wanted = State(state) if state is not None else None
    with store.transaction() as tx:
        return tx.updates.of_programme(
            programme, state=wanted, agreement=agreement, indicator=indicator
        )


def visible_updates(store: Store, plan: Plan, user: User) -> list[Update]:
    """The updates ``user`` may read, oldest first."""
    return [u for u in updates(store, plan.programme.id) if may_view(plan, user, u)]
