"""The partner workflow: users, permissions, updates, escalation, closed years, the audit log.

Every test that takes ``store`` runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from koers import workflow as wf
from koers.areas import Observation
from koers.board import Rung
from koers.plan import plan_from_documents
from koers.plan.summary import NOT_REPORTED, agreement_rows
from koers.store import Store, StoreError, versions
from koers.store import schema as t
from koers.store import updates as store_updates
from koers.workflow import AgreementStatus, ConflictError, State, User
from koers.workflow.drafting import Change

from .helpers import LADDERS_PLAN, PASSWORD, PLAN, PLAN_YAML, WONEN_LADDER

pytestmark = pytest.mark.usefixtures("fast_hashing")


@dataclass
class People:
    admin: User
    bureau: User
    woonbron: User
    gemeente: User


@pytest.fixture
def people(store: Store, monkeypatch: pytest.MonkeyPatch) -> People:
    monkeypatch.setenv("KOERS_USER", "installateur")  # who sets up the first admin
    store.save_plan(PLAN)
    admin = wf.create_user(store, "p", "beheer", PASSWORD, "admin", by=None)
    return People(
        admin=admin,
        bureau=wf.create_user(store, "p", "Bureau", PASSWORD, "bureau", by=admin),
        woonbron=wf.create_user(store, "p", "wouter", PASSWORD, "partner", "woonbron", by=admin),
        gemeente=wf.create_user(store, "p", "gerda", PASSWORD, "partner", "gemeente", by=admin),
    )


def status_update(store: Store, user: User, agreement: str = "A1", **fields: object) -> wf.Update:
    values: dict[str, object] = {"status": "op schema", "note": "loopt", **fields}
    return wf.draft_update(store, "p", user, agreement=agreement, **values)  # type: ignore[arg-type]


def output_update(
    store: Store, user: User, value: float, *, indicator: str = "O1", period: str = "2024"
) -> wf.Update:
    return wf.draft_update(
        store, "p", user, indicator=indicator, area="zuid", period=period, value=value
    )


def through(store: Store, update: wf.Update, partner: User, bureau: User) -> wf.Update:
    """Submit and approve."""
    submitted = wf.submit(store, update.id, partner, update.version)
    return wf.approve(store, update.id, bureau, submitted.version)


# -- the path of an update ------------------------------------------------------------------


def test_draft_submit_approve_counts_and_a_returned_update_does_not(store, people):
    draft = status_update(store, people.woonbron, evidence="https://example.org/verslag")
    assert (draft.state, draft.version, draft.created_by) == (State.DRAFT, 1, "wouter")
    assert wf.current_statuses(store, "p") == {}
    submitted = wf.submit(store, draft.id, people.woonbron, draft.version)
    assert submitted.state is State.SUBMITTED and submitted.submitted_by == "wouter"
    assert wf.current_statuses(store, "p") == {}
    approved = wf.approve(store, draft.id, people.bureau, submitted.version)
    assert approved.state is State.APPROVED and approved.decided_by == "bureau"
    assert wf.current_statuses(store, "p") == {"A1": AgreementStatus.OP_SCHEMA}

    statuses = wf.current_statuses(store, "p")
    rows = {r.id: r.status for r in agreement_rows(PLAN, statuses=statuses)}
    assert rows == {"A1": "op schema", "A2": NOT_REPORTED, "A3": NOT_REPORTED, "A4": NOT_REPORTED}

    second = status_update(store, people.woonbron, status="vertraagd", note="aannemer failliet")
    second = wf.submit(store, second.id, people.woonbron, second.version)
    returned = wf.return_update(store, second.id, people.bureau, second.version, "Welke aannemer?")
    assert returned.state is State.RETURNED and returned.reason == "Welke aannemer?"
    assert wf.current_statuses(store, "p") == {"A1": AgreementStatus.OP_SCHEMA}
    state = wf.agreement_state(store, "p", "A1")
    assert state.update == draft.id and state.version == 1

    # the partner fixes the returned update; it is a draft again, then counts once approved
    fixed = wf.edit_draft(
        store, second.id, people.woonbron, returned.version, note="aannemer Bouwbedrijf X failliet"
    )
    assert fixed.state is State.DRAFT and fixed.status is AgreementStatus.VERTRAAGD
    through(store, fixed, people.woonbron, people.bureau)
    assert wf.current_statuses(store, "p") == {"A1": AgreementStatus.VERTRAAGD}
    assert [u.state for u in wf.updates(store, "p", agreement="A1")] == [State.APPROVED] * 2


def test_one_open_update_per_subject(store, people):
    first = status_update(store, people.woonbron)
    with pytest.raises(StoreError, match=f"al update {first.id} open"):
        status_update(store, people.bureau)
    through(store, first, people.woonbron, people.bureau)
    assert status_update(store, people.woonbron).state is State.DRAFT  # a new one may start
    output_update(store, people.woonbron, 5)
    with pytest.raises(StoreError, match="staat al update"):
        output_update(store, people.woonbron, 6)
    output_update(store, people.woonbron, 6, period="2025")  # another period is another subject


def test_updates_are_checked_before_anything_is_stored(store, people):
    with pytest.raises(StoreError, match="onbekende status 'prima'"):
        status_update(store, people.woonbron, status="prima")
    with pytest.raises(StoreError, match="toelichting is verplicht"):
        status_update(store, people.woonbron, note="  ")
    with pytest.raises(StoreError, match="geen andere link"):
        status_update(store, people.woonbron, evidence="javascript:alert(1)")
    with pytest.raises(StoreError, match="afspraak 'A9' staat niet in het plan"):
        status_update(store, people.woonbron, agreement="A9")
    with pytest.raises(StoreError, match="alleen waarden van outputindicatoren"):
        wf.draft_update(
            store, "p", people.bureau, indicator="E1", area="zuid", period="2024", value=1
        )
    with pytest.raises(StoreError, match="periode \\(period\\): '2024-13' is geen periode"):
        output_update(store, people.woonbron, 5, period="2024-13")
    with pytest.raises(StoreError, match="is negatief; een aantal kan dat niet zijn"):
        output_update(store, people.woonbron, -1)
    with pytest.raises(StoreError, match="gebied 'noord'"):
        wf.draft_update(
            store, "p", people.woonbron, indicator="O1", area="noord", period="2024", value=1
        )
    with pytest.raises(StoreError, match="afspraak of over een outputindicator"):
        wf.draft_update(store, "p", people.woonbron)
    draft = status_update(store, people.woonbron)
    with pytest.raises(StoreError, match="goedkeuren kan alleen als hij ingediend is"):
        wf.approve(store, draft.id, people.bureau, draft.version)
    with pytest.raises(StoreError, match="reden van terugsturen is verplicht"):
        wf.return_update(store, draft.id, people.bureau, draft.version, "")
    assert len(wf.updates(store, "p")) == 1


# -- permissions ---------------------------------------------------------------------------


def test_can_follows_the_roles():
    def user(role: str, partner: str | None = None, active: bool = True) -> User:
        return User(1, "u", "p", wf.Role(role), partner, active, 1)

    a1, a2, a3 = (next(a for a in PLAN.agreements if a.id == i) for i in ("A1", "A2", "A3"))
    o1, o2, e1 = (PLAN.indicator(i) for i in ("O1", "O2", "E1"))
    woonbron, bureau, admin = user("partner", "woonbron"), user("bureau"), user("admin")
    assert wf.can(woonbron, "draft", agreement=a1) and wf.can(woonbron, "submit", agreement=a1)
    assert not wf.can(woonbron, "draft", agreement=a2)
    assert not wf.can(woonbron, "draft", agreement=a3)  # no owners: the bureau's
    assert not wf.can(woonbron, "approve", agreement=a1)
    assert wf.can(woonbron, "draft", indicator=o1, plan=PLAN)  # its intervention's partner
    assert wf.can(woonbron, "draft", indicator=o2, plan=PLAN)  # owns A4, which lists O2
    assert not wf.can(user("partner", "gemeente"), "draft", indicator=o1, plan=PLAN)
    assert not wf.can(woonbron, "draft", indicator=e1, plan=PLAN)
    assert not wf.can(woonbron, "draft", indicator=o1)  # the rule needs the plan
    assert wf.reporters(PLAN, o2) == {"gemeente", "woonbron"}
    assert [a.id for a in wf.partner_agreements(PLAN, "woonbron")] == ["A1", "A4"]
    assert [i.id for i in wf.partner_indicators(PLAN, "woonbron")] == ["O1", "O2"]
    for action in wf.ACTIONS:
        assert wf.can(bureau, action, agreement=a3) is (action != "manage_users")
        assert wf.can(admin, action) is (action == "manage_users")
        assert not wf.can(user("bureau", active=False), action)
    other = User(1, "u", "q", wf.Role.BUREAU, None, True, 1)
    assert not wf.can(other, "approve", plan=PLAN)


def test_a_partner_cannot_touch_another_partners_agreement(store, people):
    with pytest.raises(PermissionError, match=r"Geen toestemming: gerda .*afspraak A1.*woonbron"):
        status_update(store, people.gemeente, agreement="A1")
    draft = status_update(store, people.woonbron)
    with pytest.raises(PermissionError, match="geen update indienen voor afspraak A1"):
        wf.submit(store, draft.id, people.gemeente, draft.version)
    with pytest.raises(PermissionError, match="geen update opstellen"):
        wf.edit_draft(store, draft.id, people.gemeente, draft.version, note="overgenomen")
    with pytest.raises(PermissionError):
        status_update(store, people.woonbron, agreement="A3")
    with pytest.raises(PermissionError, match="indicator O1"):
        output_update(store, people.gemeente, 3)
    assert output_update(store, people.woonbron, 3, indicator="O2").indicator == "O2"
    assert status_update(store, people.bureau, agreement="A3").created_by == "bureau"
    with pytest.raises(PermissionError, match="beheerder"):
        status_update(store, people.admin, agreement="A3")
    assert wf.get_update(store, draft.id).version == 1  # nothing changed


def test_only_the_bureau_approves_and_returns(store, people):
    draft = status_update(store, people.woonbron)
    draft = wf.submit(store, draft.id, people.woonbron, draft.version)
    with pytest.raises(PermissionError, match=r"afspraak A1\. Dat mag alleen het programmabureau"):
        wf.approve(store, draft.id, people.woonbron, draft.version)
    for who in (people.woonbron, people.gemeente, people.admin):
        with pytest.raises(PermissionError, match="geen updates goedkeuren"):
            wf.approve(store, draft.id, who, draft.version)
        with pytest.raises(PermissionError, match="geen updates terugsturen"):
            wf.return_update(store, draft.id, who, draft.version, "nee")
    assert wf.get_update(store, draft.id).state is State.SUBMITTED
    assert wf.approve(store, draft.id, people.bureau, draft.version).state is State.APPROVED


def test_a_stale_version_conflicts_and_names_who_changed_it(store, people):
    draft = status_update(store, people.woonbron)
    edited = wf.edit_draft(store, draft.id, people.woonbron, draft.version, status="risico")
    assert edited.version == draft.version + 1
    with pytest.raises(
        ConflictError, match=r"update \d+ is intussen gewijzigd door wouter op"
    ) as e:
        wf.submit(store, draft.id, people.bureau, draft.version)
    assert (e.value.changed_by, e.value.current, e.value.yours) == ("wouter", 2, 1)
    assert "versie 2; u werkte met versie 1" in str(e.value)
    assert wf.get_update(store, draft.id).state is State.DRAFT
    with pytest.raises(ConflictError, match="gebruiker gerda"):
        wf.deactivate(store, "gerda", by=people.admin, version=7)


def test_the_write_itself_checks_the_version(store, people, monkeypatch):
    draft = status_update(store, people.woonbron)
    wf.edit_draft(store, draft.id, people.woonbron, draft.version, note="eerste")
    # as if two requests both read version 1 before either wrote
    monkeypatch.setattr(versions, "check_version", lambda *args: None)
    monkeypatch.setattr(store_updates, "check_version", lambda *args: None)
    with pytest.raises(ConflictError, match="door wouter"):
        wf.edit_draft(store, draft.id, people.bureau, draft.version, note="tweede")
    assert wf.get_update(store, draft.id).note == "eerste"


def test_the_clock_is_passed_in(store, people):
    """Every moment a change stamps (the update's and its audit entry's) comes from the
    ``clock`` it is given."""
    moment = datetime(2025, 3, 5, 13, 3, tzinfo=UTC)
    draft = status_update(store, people.woonbron, clock=lambda: moment)
    submitted = wf.submit(store, draft.id, people.woonbron, draft.version, clock=lambda: moment)
    stamped = (draft.created_at, submitted.updated_at, submitted.submitted_at)
    assert all(s is not None and s.replace(tzinfo=UTC) == moment for s in stamped)
    entries = wf.audit_log(store, "p", subject="update", subject_id=str(draft.id))
    assert [e.at for e in entries] == [moment, moment]


# -- escalation ------------------------------------------------------------------------------


def test_escalation_needs_the_next_rung_and_a_reason(store, people):
    bureau = people.bureau
    with pytest.raises(StoreError, match="de volgende trede is Uitvoeringsoverleg wonen"):
        wf.escalate(store, "p", "A2", bureau, "strategisch", "loopt vast")
    with pytest.raises(StoreError, match="reden van escalatie is verplicht"):
        wf.escalate(store, "p", "A2", bureau, "uitvoering", " ")
    with pytest.raises(StoreError, match="onbekende escalatietrede"):
        wf.escalate(store, "p", "A2", bureau, "minister", "loopt vast")
    with pytest.raises(PermissionError, match="geen afspraken escaleren"):
        wf.escalate(store, "p", "A2", people.gemeente, "uitvoering", "loopt vast")
    # a Wonen agreement climbs the plan's three levels, then the board; by key or position
    ladder = wf.ladder_of(PLAN, "A2")
    assert [r.label for r in ladder] == WONEN_LADDER
    assert [r.key for r in ladder] == ["uitvoering", "strategisch", "bestuurlijk", "bestuur"]
    for rung in ladder:
        step: int | str = rung.key if rung.position < 3 else rung.position
        state = wf.escalate(store, "p", "A2", bureau, step, f"naar {rung.label}")
        assert state.escalation == rung.position
        assert wf.escalated_rung(PLAN, state) == rung
    assert state.version == 4 and state.status is None
    with pytest.raises(StoreError, match="al op de hoogste trede"):
        wf.escalate(store, "p", "A2", bureau, "bestuur", "nog hoger")
    assert wf.escalations(store, "p") == {"A2": ladder[-1]}
    with pytest.raises(ConflictError):
        wf.deescalate(store, "p", "A2", bureau, "opgelost", version=3)
    back = wf.deescalate(store, "p", "A2", bureau, "opgelost", version=4)
    assert back.escalation is None and wf.escalations(store, "p") == {}
    with pytest.raises(StoreError, match="niet geëscaleerd"):
        wf.deescalate(store, "p", "A2", bureau, "opgelost")
    log = wf.audit_log(store, "p", subject="agreement", subject_id="A2")
    assert [(e.action, e.reason) for e in log] == [
        *(("escalate", f"naar {label}") for label in WONEN_LADDER),
        ("deescalate", "opgelost"),
    ]
    # the audit log keeps the rung by the plan's label, and its position
    assert log[1].before is not None and log[1].before["escalation"] == "Uitvoeringsoverleg wonen"
    assert log[1].after is not None and log[1].after["escalation"] == "Strategisch overleg wonen"
    assert log[1].after["escalation_level"] == 2
    assert log[0].before is None  # the agreement had no state yet


@pytest.fixture
def q_bureau(store: Store, monkeypatch: pytest.MonkeyPatch) -> User:
    """The bureau of programme q: LADDERS_PLAN, whose pillars escalate differently."""
    monkeypatch.setenv("KOERS_USER", "installateur")
    store.save_plan(LADDERS_PLAN)
    admin = wf.create_user(store, "q", "beheer", PASSWORD, "admin", by=None)
    return wf.create_user(store, "q", "bureau", PASSWORD, "bureau", by=admin)


def climb(store: Store, bureau: User, agreement: str) -> list[str]:
    """Escalate ``agreement`` rung by rung to the top; the labels it passed."""
    passed = []
    ladder = wf.ladder_of(LADDERS_PLAN, agreement)
    for rung in ladder:
        state = wf.escalate(store, "q", agreement, bureau, rung.key, "loopt vast")
        found = wf.escalated_rung(LADDERS_PLAN, state)
        assert found is not None
        passed.append(found.label)
    with pytest.raises(StoreError, match="al op de hoogste trede"):
        wf.escalate(store, "q", agreement, bureau, ladder[-1].key, "nog hoger")
    return passed


def test_each_pillar_climbs_the_ladder_of_the_plan(store, q_bureau):
    assert climb(store, q_bureau, "W1") == [
        "Uitvoeringsoverleg",
        "Strategisch overleg",
        "Bestuurlijk overleg",
        "Bestuur Q",
    ]
    # Veilig ends at the Driehoek, the body accountable for it, not at the board
    assert climb(store, q_bureau, "V1") == ["Stuurgroep Veilig", "Driehoek"]
    # Werk has no levels of its own, an agreement without a pillar neither: the board
    assert climb(store, q_bureau, "K1") == ["Bestuur Q"]
    assert climb(store, q_bureau, "X1") == ["Bestuur Q"]
    assert {a: r.label for a, r in wf.escalations(store, "q").items()} == {
        "K1": "Bestuur Q",
        "V1": "Driehoek",
        "W1": "Bestuur Q",
        "X1": "Bestuur Q",
    }
    assert all(wf.at_top(LADDERS_PLAN, a, r) for a, r in wf.escalations(store, "q").items())


def test_a_skipped_rung_is_refused_naming_the_ladder(store, q_bureau):
    ladder = (
        "de ladder van Wonen is Uitvoeringsoverleg → Strategisch overleg → Bestuurlijk overleg "
        "→ Bestuur Q"
    )
    with pytest.raises(StoreError) as refused:
        wf.escalate(store, "q", "W1", q_bureau, "bestuurlijk", "loopt vast")
    assert str(refused.value) == (
        "afspraak W1 is nog niet geëscaleerd; de volgende trede is Uitvoeringsoverleg, "
        f"niet Bestuurlijk overleg; {ladder}"
    )
    wf.escalate(store, "q", "W1", q_bureau, 1, "loopt vast")
    with pytest.raises(StoreError, match="staat nu op Uitvoeringsoverleg; de volgende trede"):
        wf.escalate(store, "q", "W1", q_bureau, 3, "loopt vast")
    with pytest.raises(StoreError) as unknown:  # the Driehoek is not on Wonen's ladder
        wf.escalate(store, "q", "W1", q_bureau, "driehoek", "loopt vast")
    assert str(unknown.value) == f"onbekende escalatietrede 'driehoek'; {ladder}"
    with pytest.raises(StoreError, match="de ladder van Veilig is Stuurgroep Veilig → Driehoek"):
        wf.escalate(store, "q", "V1", q_bureau, "driehoek", "loopt vast")


def test_a_position_beyond_a_shortened_ladder_shows_the_top_rung(store, people):
    for position in range(1, 5):
        wf.escalate(store, "p", "A2", people.bureau, position, "loopt vast")
    # the plan drops two levels: Wonen now goes Uitvoeringsoverleg wonen → Bestuur P
    shorter = plan_from_documents(
        {"plan.yaml": PLAN_YAML.replace("[uitvoering, strategisch, bestuurlijk]", "[uitvoering]")}
    )
    store.save_plan(shorter)
    state = wf.agreement_state(store, "p", "A2")
    assert state.escalation == 4  # stored as it was
    assert [r.label for r in wf.ladder_of(shorter, "A2")] == [
        "Uitvoeringsoverleg wonen",
        "Bestuur P",
    ]
    assert wf.escalated_rung(shorter, state) == Rung(2, "bestuur", "Bestuur P")
    assert wf.next_rung(shorter, state) is None
    assert wf.escalations(store, "p") == {"A2": Rung(2, "bestuur", "Bestuur P")}
    with pytest.raises(StoreError, match=r"al op de hoogste trede \(Bestuur P\)"):
        wf.escalate(store, "p", "A2", people.bureau, "bestuur", "nog hoger")
    wf.deescalate(store, "p", "A2", people.bureau, "opgelost")
    assert wf.agreement_state(store, "p", "A2").escalation is None


# -- closed periods and output values -------------------------------------------------------


def test_the_bureau_reopens_a_closed_year_with_a_reason_and_partners_report_again(store, people):
    wf.close_period(store, "p", 2024, people.bureau)
    with pytest.raises(StoreError, match="jaar 2024 is afgesloten"):
        output_update(store, people.woonbron, 5, period="2024")
    with pytest.raises(PermissionError, match="geen jaar afsluiten"):
        wf.reopen_period(store, "p", 2024, people.woonbron, "graag")
    with pytest.raises(StoreError, match="reden"):
        wf.reopen_period(store, "p", 2024, people.bureau, "  ")
    with pytest.raises(StoreError, match="jaar 2023 is niet afgesloten"):
        wf.reopen_period(store, "p", 2023, people.bureau, "vergissing")
    assert wf.closed_years(store, "p") == {2024}  # nothing changed by a refusal
    wf.reopen_period(store, "p", 2024, people.bureau, "nagekomen cijfers")
    assert wf.closed_years(store, "p") == set()
    assert output_update(store, people.woonbron, 5, period="2024").value == 5
    entry = wf.audit_log(store, "p", subject="period", subject_id="2024")[-1]
    assert (entry.action, entry.actor, entry.reason) == (
        "reopen_period",
        "bureau",
        "nagekomen cijfers",
    )
    assert wf.describe(entry).changes == ["afgesloten van 2024: ja → nee"]


def test_a_closed_year_refuses_approval_but_accepts_a_logged_bureau_correction(store, people):
    draft = output_update(store, people.woonbron, 40, period="2023")
    draft = wf.submit(store, draft.id, people.woonbron, draft.version)
    with pytest.raises(PermissionError, match="geen jaar afsluiten"):
        wf.close_period(store, "p", 2023, people.woonbron)
    closed = wf.close_period(store, "p", 2023, people.bureau)
    assert closed.closed_by == "bureau"
    assert [c.year for c in wf.closed_periods(store, "p")] == [2023]
    with pytest.raises(StoreError, match="al afgesloten door bureau"):
        wf.close_period(store, "p", 2023, people.bureau)

    with pytest.raises(StoreError, match="jaar 2023 is afgesloten"):
        wf.approve(store, draft.id, people.bureau, draft.version)
    with pytest.raises(StoreError, match="jaar 2023 is afgesloten"):  # a date in 2023
        output_update(store, people.woonbron, 5, indicator="O2", period="2023-10-01")
    with pytest.raises(PermissionError, match="geen afgesloten jaar corrigeren"):
        wf.correct(store, draft.id, people.woonbron, draft.version, "typefout")
    with pytest.raises(StoreError, match="reden van de correctie is verplicht"):
        wf.correct(store, draft.id, people.bureau, draft.version, "")
    assert store.observations("p") == []

    corrected = wf.correct(store, draft.id, people.bureau, draft.version, "Telling herzien")
    assert corrected.state is State.APPROVED and corrected.reason == "Telling herzien"
    assert [(o.indicator, o.period, o.value) for o in store.observations("p")] == [
        ("O1", "2023", 40.0)
    ]
    [entry] = [e for e in wf.audit_log(store, "p") if e.action == "correct"]
    assert (entry.actor, entry.reason, entry.subject_id) == (
        "bureau",
        "Telling herzien",
        str(draft.id),
    )
    assert entry.before is not None and entry.before["state"] == "submitted"
    assert entry.after is not None and entry.after["state"] == "approved"

    # the bureau may draft a value for a closed year itself, and must correct it too
    own = output_update(store, people.bureau, 41, period="2023")
    own = wf.submit(store, own.id, people.bureau, own.version)
    with pytest.raises(StoreError, match="afgesloten"):
        wf.approve(store, own.id, people.bureau, own.version)
    open_year = output_update(store, people.woonbron, 7)
    open_year = wf.submit(store, open_year.id, people.woonbron, open_year.version)
    with pytest.raises(StoreError, match="niet afgesloten; keur de update gewoon goed"):
        wf.correct(store, open_year.id, people.bureau, open_year.version, "waarom")


def test_approved_values_are_portal_observations_and_undo_still_works(store, people):
    store.import_observations(
        "p",
        [Observation("O1", "zuid", "2024", 10)],
        source_name="a.csv",
        checksum="a",
        format="csv",
    )
    draft = output_update(store, people.woonbron, 12)
    assert store.observations("p")[0].value == 10  # a draft does not count
    approved = through(store, draft, people.woonbron, people.bureau)
    [current] = store.observations("p")
    assert (current.value, current.revision, current.batch) == (12, 2, approved.batch)
    assert current.source == "Woonbron (partnerportaal)"
    portal = next(b for b in store.batches("p") if b.id == approved.batch)
    assert (portal.format, portal.revised, portal.created_by) == ("portal", 1, "bureau")
    assert portal.source_name == f"partnerportaal: update {draft.id}"
    [value] = wf.audit_log(store, "p", subject="observation")
    assert value.subject_id == "O1|zuid|2024"
    assert value.before is not None and value.before["value"] == 10
    assert value.after is not None and value.after["batch"] == approved.batch

    store.undo_batch(approved.batch, user="bureau")
    [current] = store.observations("p")
    assert (current.value, current.batch) == (10, store.batches("p")[0].id)
    assert [o.value for o in store.observations("p", all_revisions=True)] == [10, 12]
    assert wf.get_update(store, draft.id).state is State.APPROVED  # its batch is undone


def test_an_approval_lands_whole_or_not_at_all(store, people, monkeypatch):
    draft = output_update(store, people.woonbron, 12)
    draft = wf.submit(store, draft.id, people.woonbron, draft.version)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("stroomstoring")

    monkeypatch.setattr(Change, "save", broken)
    with pytest.raises(RuntimeError):
        wf.approve(store, draft.id, people.bureau, draft.version)
    assert store.observations("p") == [] and store.batches("p") == []
    assert wf.get_update(store, draft.id).state is State.SUBMITTED
    assert [e.action for e in wf.audit_log(store, "p", subject="observation")] == []


# -- the audit log ---------------------------------------------------------------------------


def test_the_audit_log_has_before_and_after_of_every_change(store, people):
    draft = status_update(store, people.woonbron)
    draft = wf.edit_draft(store, draft.id, people.woonbron, draft.version, status="risico")
    draft = wf.submit(store, draft.id, people.woonbron, draft.version)
    wf.return_update(store, draft.id, people.bureau, draft.version, "bewijs ontbreekt")
    log = wf.audit_log(store, "p")
    assert [(e.actor, e.action, e.subject, e.subject_id) for e in log] == [
        ("installateur", "create_user", "user", "beheer"),  # the set-up: the OS user
        ("beheer", "create_user", "user", "bureau"),
        ("beheer", "create_user", "user", "wouter"),
        ("beheer", "create_user", "user", "gerda"),
        ("wouter", "draft", "update", str(draft.id)),
        ("wouter", "edit", "update", str(draft.id)),
        ("wouter", "submit", "update", str(draft.id)),
        ("bureau", "return", "update", str(draft.id)),
    ]
    assert log[0].before is None
    assert log[0].after == {
        "username": "beheer",
        "programme": "p",
        "role": "admin",
        "partner": None,
        "email": None,
        "active": True,
        "must_change_password": False,
        "version": 1,
    }
    draft_entry, edit, submitted, returned = log[4:]
    assert draft_entry.before is None and draft_entry.after is not None
    assert draft_entry.after["status"] == "op schema"
    assert edit.before == draft_entry.after
    assert edit.after is not None and edit.after["status"] == "risico"
    assert submitted.before == edit.after
    assert returned.after is not None and returned.after["state"] == "returned"
    assert returned.reason == "bewijs ontbreekt"
    assert all(e.at.tzinfo is not None for e in log)

    approved = through(
        store,
        wf.edit_draft(
            store, draft.id, people.woonbron, returned.after["version"], note="zie bijlage"
        ),
        people.woonbron,
        people.bureau,
    )
    history = wf.agreement_history(store, "p", "A1")
    assert [e.action for e in history] == [
        "draft", "edit", "submit", "return", "edit", "submit", "status", "approve",
    ]  # fmt: skip
    status = history[-2]
    assert (status.subject, status.before, status.after) == (
        "agreement",
        None,
        {
            "status": "risico",
            "escalation": None,
            "escalation_level": None,
            "update": approved.id,
            "version": 1,
        },
    )
    assert wf.agreement_history(store, "p", "A2") == []


def test_the_audit_log_is_append_only_in_the_database(store, people):
    count = len(wf.audit_log(store, "p"))
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as c:
            c.execute(text(statement))
    assert len(wf.audit_log(store, "p")) == count


# -- users and passwords -------------------------------------------------------------------


def test_passwords_are_stored_as_argon2_hashes_and_authentication_works(store, people):
    with store.engine.begin() as c:
        rows = c.execute(select(t.users)).all()
    assert all(r.password_hash.startswith("$argon2id$") for r in rows)
    assert not any(PASSWORD in str(value) for r in rows for value in r)
    assert not any(PASSWORD in str(e.before) + str(e.after) for e in wf.audit_log(store, "p"))

    user = wf.authenticate(store, " WOUTER ", PASSWORD)
    assert user == people.woonbron and user.partner == "woonbron"
    assert wf.authenticate(store, "wouter", PASSWORD + "!") is None
    assert wf.authenticate(store, "wouter", "") is None
    assert wf.authenticate(store, "wouter", "x" * 5000) is None
    assert wf.authenticate(store, "niemand", PASSWORD) is None
    assert wf.get_user(store, people.woonbron.id) == people.woonbron


def test_an_unknown_user_costs_the_same_hashing_time(store, people, monkeypatch):
    verified: list[str] = []
    real = wf.PASSWORDS.verify

    def counting(password_hash: str, password: str) -> bool:
        verified.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(wf.PASSWORDS, "verify", counting)
    assert wf.authenticate(store, "niemand", PASSWORD) is None
    assert verified == [wf.PASSWORDS.dummy_hash]
    wf.deactivate(store, "wouter", by=people.admin, version=1)
    assert wf.authenticate(store, "wouter", PASSWORD) is None
    assert len(verified) == 2 and verified[1] != wf.PASSWORDS.dummy_hash


def test_a_login_rehashes_a_password_hashed_with_weaker_parameters(store, people, monkeypatch):
    monkeypatch.setattr(wf.PASSWORDS, "hasher", PasswordHasher())  # the real defaults
    assert wf.authenticate(store, "wouter", PASSWORD) == people.woonbron
    with store.engine.begin() as c:
        stored = c.scalar(select(t.users.c.password_hash).where(t.users.c.username == "wouter"))
    assert stored is not None and "m=65536,t=3" in stored
    assert wf.authenticate(store, "wouter", PASSWORD) == people.woonbron


def test_users_are_managed_by_an_admin(store, people):
    with pytest.raises(PermissionError, match="eerste beheerder"):
        wf.create_user(store, "p", "tweede", PASSWORD, "admin", by=None)
    with pytest.raises(PermissionError, match="geen gebruikers beheren"):
        wf.create_user(store, "p", "nieuw", PASSWORD, "bureau", by=people.bureau)
    with pytest.raises(StoreError, match="te kort: minstens 12"):
        wf.create_user(store, "p", "nieuw", "kort", "bureau", by=people.admin)
    with pytest.raises(StoreError, match="rol partner hoort bij een partner"):
        wf.create_user(store, "p", "nieuw", PASSWORD, "partner", by=people.admin)
    with pytest.raises(StoreError, match="partner 'eneco' staat niet in het plan"):
        wf.create_user(store, "p", "nieuw", PASSWORD, "partner", "eneco", by=people.admin)
    with pytest.raises(StoreError, match="onbekende rol 'baas'"):
        wf.create_user(store, "p", "nieuw", PASSWORD, "baas", by=people.admin)
    with pytest.raises(StoreError, match="'wouter' bestaat al"):
        wf.create_user(store, "p", "WOUTER", PASSWORD, "bureau", by=people.admin)
    with pytest.raises(StoreError, match="ongeldig"):
        wf.create_user(store, "p", "a b", PASSWORD, "bureau", by=people.admin)

    moved = wf.set_role(store, "gerda", "bureau", by=people.admin, version=1)
    assert (moved.role, moved.partner, moved.version) == (wf.Role.BUREAU, None, 2)
    # people.gemeente still says partner: every write reads the role from the store
    draft = status_update(store, people.woonbron)
    draft = wf.submit(store, draft.id, people.woonbron, draft.version)
    assert wf.approve(store, draft.id, people.gemeente, draft.version).decided_by == "gerda"

    gone = wf.deactivate(store, "wouter", by=people.admin, version=1)
    assert not gone.active
    with pytest.raises(PermissionError, match="niet actief"):
        status_update(store, people.woonbron)
    with pytest.raises(StoreError, match="al gedeactiveerd"):
        wf.deactivate(store, "wouter", by=people.admin, version=2)
    assert wf.reactivate(store, "wouter", by=people.admin, version=2).active

    with pytest.raises(StoreError, match="laatste actieve beheerder"):
        wf.deactivate(store, "beheer", by=people.admin, version=1)
    with pytest.raises(StoreError, match="laatste actieve beheerder"):
        wf.set_role(store, "beheer", "bureau", by=people.admin, version=1)

    # users change their own password; an admin changes anyone's
    changed = wf.set_password(
        store, "wouter", "een nieuw wachtwoord", by=people.woonbron, version=3
    )
    assert wf.authenticate(store, "wouter", PASSWORD) is None
    assert wf.authenticate(store, "wouter", "een nieuw wachtwoord") == changed
    with pytest.raises(PermissionError):
        wf.set_password(store, "gerda", "een nieuw wachtwoord", by=people.woonbron, version=2)
    wf.set_password(store, "gerda", "nog een wachtwoord", by=people.admin, version=2)
    entries = [e for e in wf.audit_log(store, "p") if e.action == "set_password"]
    assert [(e.actor, e.subject_id) for e in entries] == [("wouter", "wouter"), ("beheer", "gerda")]
    assert entries[0].after is not None and entries[0].after["password"] == "gewijzigd"
    assert [u.username for u in wf.users(store, "p")] == ["beheer", "bureau", "gerda", "wouter"]
