"""The plan as agreed in the portal: collectives' reporters see their items, wishes are not
reported on, and the bureau confirms or corrects the plan's uncertain readings (audited,
never public)."""

from __future__ import annotations

import pytest

from koers import workflow as wf
from koers.errors import NotAllowedError
from koers.plan import plan_from_documents
from koers.plan.review import readings_to_review
from tests.helpers import PLAN_YAML, Portal, post

pytestmark = pytest.mark.usefixtures("fast_hashing")

REASON = "'we' gelezen als de partners samen; het plan noemt geen eigenaar"
COLLECTIVE = """  - {id: samen, name: De partners samen, sector: programma, collective: true,
     members: [woonbron, gemeente]}
"""
NEW_ITEMS = f"""  - {{id: A5, text: De partners maken samen een wijkplan, pillar: wonen, owners: [samen],
     reporters: [woonbron], areas: [charlois], due: "2024", due_kind: uiterlijk,
     readings: [{{reading: afgeleid, about: owners, reason: "{REASON}", lines: "12-14"}}],
     ref: "seed:12-14"}}
  - {{id: A6, text: Woonbron wil meer groen, pillar: wonen, kind: wens, owners: [woonbron]}}
"""


@pytest.fixture
def agreed(portal: Portal) -> Portal:
    """The portal's plan with a collective owner, its reporter, a wish and a reading."""
    partner = "  - {id: gemeente, name: Gemeente Rotterdam, sector: overheid}\n"
    last = "     indicators: [O2]}\n"
    assert partner in PLAN_YAML and last in PLAN_YAML
    document = PLAN_YAML.replace(partner, partner + COLLECTIVE).replace(last, last + NEW_ITEMS)
    portal.store.save_plan(plan_from_documents({"plan.yaml": document}))
    return portal


def _user(portal: Portal, name: str) -> wf.User:
    return next(u for u in wf.users(portal.store, "p") if u.username == name)


def _key(portal: Portal) -> str:
    """The key of A5's reading."""
    return next(r.key for r in readings_to_review(portal.store.plan("p")) if r.item == "A5")


def test_a_reporter_of_a_collective_sees_and_reports_its_item(agreed: Portal):
    wouter = agreed.client("wouter")  # Woonbron, named as reporter of A5
    assert "A5" in wouter.get("/portaal").text
    response = post(
        wouter,
        "/portaal/afspraken/A5/update",
        {"status": "op schema", "toelichting": "begonnen"},
        "/portaal/afspraken/A5",
    )
    assert response.status_code == 303
    gerda = agreed.client("gerda")  # a member of the collective, but not its reporter
    refused = gerda.post(
        "/portaal/afspraken/A5/update",
        data={"status": "op schema", "csrf": "x"},
    )
    assert refused.status_code in (400, 403)
    assert "A5" not in gerda.get("/portaal").text


def test_a_wish_is_nobodys_to_report(agreed: Portal):
    plan = agreed.store.plan("p")
    wish = next(a for a in plan.agreements if a.id == "A6")
    assert wish.reported_by == []
    assert "A6" not in {a.id for a in wf.partner_agreements(plan, "woonbron")}
    with pytest.raises(NotAllowedError, match="geen afspraak of toezegging"):
        wf.draft_update(
            agreed.store, "p", _user(agreed, "wouter"), agreement="A6", status="op schema", note="x"
        )


def test_the_bureau_confirms_a_reading_and_the_audit_log_records_it(agreed: Portal):
    bureau = agreed.client("bureau")
    readings = len(readings_to_review(agreed.store.plan("p")))
    page = bureau.get("/portaal/plan")
    assert page.status_code == 200 and f"Open ({readings})" in page.text
    assert "gelezen als de partners samen" in page.text and "regels 12-14" in page.text
    key = _key(agreed)
    assert f'name="lezing" value="{key}"' in page.text
    response = post(
        bureau, "/portaal/plan", {"lezing": key, "oordeel": "bevestigd"}, "/portaal/plan"
    )
    assert response.status_code == 303
    after = bureau.get(response.headers["location"]).text
    assert f"Open ({readings - 1})" in after and "bevestigd door bureau" in after
    entries = wf.audit_log(agreed.store, "p", subject="reading")
    assert [(e.actor, e.action, e.subject_id) for e in entries] == [
        ("bureau", "confirm_reading", key)
    ]
    assert entries[0].after is not None and entries[0].after["item"] == "A5"


def test_a_correction_needs_its_text_and_names_the_verdict_it_replaces(agreed: Portal):
    bureau = agreed.client("bureau")
    key = _key(agreed)
    empty = post(
        bureau, "/portaal/plan", {"lezing": key, "oordeel": "gecorrigeerd"}, "/portaal/plan"
    )
    assert empty.status_code == 400 and "juiste lezing is verplicht" in empty.text
    post(bureau, "/portaal/plan", {"lezing": key, "oordeel": "bevestigd"}, "/portaal/plan")
    fixed = post(
        bureau,
        "/portaal/plan",
        {"lezing": key, "oordeel": "gecorrigeerd", "correctie": "Eigenaar is de gemeente"},
        "/portaal/plan",
    )
    assert fixed.status_code == 303
    last = wf.audit_log(agreed.store, "p", subject="reading")[-1]
    assert last.action == "correct_reading" and last.reason == "Eigenaar is de gemeente"
    assert last.before is not None and last.before["verdict"] == "bevestigd"
    assert wf.reviews(agreed.store, "p")[key].verdict == "gecorrigeerd"
    unknown = post(
        bureau, "/portaal/plan", {"lezing": "A5:0", "oordeel": "bevestigd"}, "/portaal/plan"
    )
    assert unknown.status_code == 400 and "staat niet (meer) in het plan" in unknown.text


def test_only_the_bureau_reviews_and_no_public_page_shows_a_reading(agreed: Portal):
    assert agreed.client("wouter").get("/portaal/plan").status_code == 403
    with pytest.raises(NotAllowedError, match="geen lezingen van het plan"):
        wf.review_reading(agreed.store, "p", _key(agreed), _user(agreed, "wouter"), "bevestigd")
    public = agreed.client()
    for path in ("/afspraken", "/afspraken/A5", "/wijken/charlois", "/api/agreements"):
        text = public.get(path).text
        assert "gelezen als" not in text and "seed:" not in text, path
    assert "De partners maken samen een wijkplan" in public.get("/wijken/charlois").text
