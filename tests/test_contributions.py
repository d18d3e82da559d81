"""Partners that report one output indicator together, and the plausibility rules every
figure passes: through the portal, the write API and an import, nothing stored when refused."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from koers import workflow as wf
from koers.plan import plan_from_documents
from koers.sources import SourceError, import_file
from koers.store import schema as t
from tests.helpers import PASSWORD, Portal, open_portal, post

pytestmark = pytest.mark.usefixtures("fast_hashing")

PLAN = plan_from_documents(
    {
        "plan.yaml": """
programme:
  id: p
  name: P
  area: zuid
  period_start: 2023
  period_end: 2027
  horizon: 2031
pillars:
  - {id: wonen, name: Wonen}
areas:
  - {id: amsterdam, name: Amsterdam, kind: municipality}
  - {id: rotterdam, name: Rotterdam, kind: municipality}
  - {id: zuid, name: Zuid, kind: district, parent: rotterdam}
  - {id: charlois, name: Charlois, kind: wijk, parent: zuid}
partners:
  - {id: woonstad, name: Woonstad Rotterdam, sector: corporaties}
  - {id: havensteder, name: Havensteder, sector: corporaties}
interventions:
  - {id: I1, name: Renovatie, pillar: wonen, partners: [woonstad, havensteder]}
  - {id: I2, name: Tevredenheid, pillar: wonen, partners: [woonstad]}
indicators:
  - {id: O6.8, name: Woningen in aanpak, kind: output, pillar: wonen, intervention: I1,
     unit: count, polarity: higher_is_better, aggregation: sum, decimals: 0,
     bounds: {max: 10000}}
  - {id: O2, name: Tevreden huurders, kind: output, pillar: wonen, intervention: I2,
     unit: percent, polarity: higher_is_better}
"""
    }
)


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Portal]:
    monkeypatch.setenv("KOERS_USER", "installateur")
    with open_portal(
        f"sqlite:///{tmp_path / 'koers.db'}",
        plan=PLAN,
        partners={"woonstad": "woonstad", "havensteder": "havensteder"},
    ) as opened:
        yield opened


def api(portal: Portal, who: str) -> TestClient:
    user = wf.authenticate(portal.store, who, PASSWORD)
    assert user is not None
    token, _ = wf.create_token(portal.store, user, "koppeling")
    return TestClient(portal.app, headers={"Authorization": f"Bearer {token}"})


def update_id(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    return int(response.headers["location"].split("/")[-1].split("?")[0])


def portal_value(portal: Portal, who: str, **form: str) -> int:
    client = portal.client(who)
    fields = {"gebied": "zuid", "periode": "2024", **form}
    made = update_id(
        post(client, "/portaal/indicatoren/O6.8/waarde", fields, "/portaal/indicatoren/O6.8")
    )
    post(client, f"/portaal/updates/{made}/indienen", {"versie": 1}, f"/portaal/updates/{made}")
    return made


def approve(portal: Portal, made: int) -> None:
    version = wf.get_update(portal.store, made).version
    response = post(
        portal.client("bureau"),
        f"/portaal/updates/{made}/goedkeuren",
        {"versie": version},
        f"/portaal/updates/{made}",
    )
    assert response.status_code == 303, response.text


def published(portal: Portal) -> list[tuple[str, str, float | None]]:
    return [
        (o.area, o.period, o.value) for o in portal.store.observations("p") if o.indicator == "O6.8"
    ]


def test_two_partners_report_one_indicator_and_the_public_value_is_their_sum(portal):
    woonstad = portal_value(portal, "woonstad", waarde="1.234")
    havensteder_api = api(portal, "havensteder")
    created = havensteder_api.post(
        "/api/portaal/updates",
        json={"indicator": "O6.8", "area": "zuid", "period": "2024", "value": 500},
    )
    assert created.status_code == 201, created.text
    assert created.json()["contributor"] == "havensteder"
    havensteder = created.json()["id"]
    submitted = havensteder_api.post(
        f"/api/portaal/updates/{havensteder}/submit", json={"version": 1}
    )
    assert submitted.status_code == 200, submitted.text

    approve(portal, woonstad)
    # before deciding, the bureau sees what approving Havensteder's figure does
    review = portal.client("bureau").get(f"/portaal/updates/{havensteder}").text
    assert re.search(r"Gepubliceerde waarde nu</dt><dd>1\.234<", review)
    assert re.search(r"Bijdrage van Havensteder</dt><dd>nog geen → 500<", review)
    assert "Bijdrage van Woonstad Rotterdam</dt><dd>1.234 (blijft staan)" in review
    assert re.search(r"na goedkeuren</dt><dd><strong>1\.734<", review)
    approve(portal, havensteder)

    assert published(portal) == [("zuid", "2024", 1734.0)]
    public = portal.client().get("/indicatoren/O6.8").text
    assert "1.734" in public
    # the public page, the download and the API show the total and what it is made of
    parts = public.split("Uitsplitsing")[1]
    assert "bijdrage van: Woonstad Rotterdam" in parts and "bijdrage van: Havensteder" in parts
    rows = portal.client().get("/indicatoren/O6.8.csv").text.splitlines()
    assert [r.split(",")[2:4] + r.split(",")[-2:] for r in rows[1:]] == [
        ["2024", "1734.0", "", ""],
        ["2024", "500.0", "partner", "havensteder"],
        ["2024", "1234.0", "partner", "woonstad"],
    ]
    figures = portal.client().get("/api/indicators/O6.8/observations").json()
    assert [(f["value"], f["dimension"], f["category"]) for f in figures] == [
        (1734.0, None, None),
        (500.0, "partner", "havensteder"),
        (1234.0, "partner", "woonstad"),
    ]
    # the bureau sees both contributions and both updates
    page = portal.client("bureau").get("/portaal/indicatoren/O6.8").text
    contributions = page.split("Bijdragen per partner")[1]
    assert 'Woonstad Rotterdam</td><td class="num">1.234' in contributions
    assert 'Havensteder</td><td class="num">500' in contributions
    assert f"Update {woonstad}</a>" in page and f"Update {havensteder}</a>" in page
    history = portal.client("bureau").get(f"/portaal/updates/{woonstad}").text
    assert "Wat er met deze update gebeurde" in history and "Update goedgekeurd" in history
    # each partner sees its own contribution and its own updates, not the other's
    own = portal.client("woonstad").get("/portaal/indicatoren/O6.8").text
    mine = own.split("Bijdragen van uw organisatie")[1]
    assert "Woonstad Rotterdam" in mine and "Havensteder</td>" not in mine
    assert f"Update {woonstad}</a>" in own and f"Update {havensteder}</a>" not in own
    listed = havensteder_api.get("/api/portaal/updates").json()
    assert [u["id"] for u in listed] == [havensteder]


def test_the_bureau_corrects_a_contribution_and_the_partner_is_told(portal):
    approve(portal, portal_value(portal, "woonstad", waarde="1234"))
    approve(portal, portal_value(portal, "havensteder", waarde="500"))
    corrected = portal_value(portal, "bureau", waarde="1300", partner="woonstad")
    approve(portal, corrected)
    assert published(portal) == [("zuid", "2024", 1800.0)]
    home = portal.client("woonstad").get("/portaal").text
    assert "Uw bijdrage is aangepast door het programmabureau" in home
    assert "Zuid over 2024: 1.234 → 1.300, door bureau" in home
    assert "Uw bijdrage is aangepast" not in portal.client("havensteder").get("/portaal").text
    # the bureau must say whose contribution it reports
    response = post(
        portal.client("bureau"),
        "/portaal/indicatoren/O6.8/waarde",
        {"gebied": "zuid", "periode": "2025", "waarde": "3"},
        "/portaal/indicatoren/O6.8",
    )
    assert response.status_code == 400 and "kies wiens bijdrage dit is" in response.text


# -- plausibility: every rule through the portal, the API and an import ---------------------


def _soon() -> str:
    return (date.today() + timedelta(days=40)).isoformat()


RULES = [
    # (rule, indicator, area, period, value, what the refusal says)
    ("whole count", "O6.8", "zuid", "2024", "12,5", "12,5 is geen geheel getal"),
    ("count not negative", "O6.8", "zuid", "2024", "-3", "is negatief; een aantal"),
    ("percentage", "O2", "zuid", "2024", "101", "101 is geen percentage"),
    ("bounds of the plan", "O6.8", "zuid", "2024", "20000", "bovengrens die het plan"),
    ("inside the plan", "O6.8", "zuid", "2019", "5", "valt buiten de looptijd van het plan"),
    ("not in the future", "O6.8", "zuid", _soon(), "5", "in de toekomst|na het plan"),
    ("where it exists", "O6.8", "amsterdam", "2024", "5", "niet gemeten voor Amsterdam"),
    (
        "known area",
        "O6.8",
        "lelystad",
        "2024",
        "5",
        "gebied 'lelystad' staat niet in het plan|onbekend gebied 'lelystad'",
    ),
]


def _counts(portal: Portal) -> tuple[int, int]:
    with portal.store.engine.connect() as c:
        updates = c.execute(select(func.count()).select_from(t.updates)).scalar_one()
        figures = c.execute(select(func.count()).select_from(t.observations)).scalar_one()
    return updates, figures


@pytest.mark.parametrize(("rule", "indicator", "area", "period", "value", "says"), RULES)
def test_a_refused_value_in_the_portal_stores_nothing_and_keeps_the_form(
    portal, rule, indicator, area, period, value, says
):
    before = _counts(portal)
    response = post(
        portal.client("woonstad"),
        f"/portaal/indicatoren/{indicator}/waarde",
        {"gebied": area, "periode": period, "waarde": value, "toelichting": "mijn tekst"},
        f"/portaal/indicatoren/{indicator}",
    )
    assert response.status_code == 400, rule
    error = re.search(r'<div class="error" role="alert"><p>(.*?)</p>', response.text)
    assert error and re.search(says, html.unescape(error[1])), error
    assert f'value="{period}"' in response.text and f'value="{value}"' in response.text
    assert ">mijn tekst</textarea>" in response.text
    assert _counts(portal) == before


@pytest.mark.parametrize(("rule", "indicator", "area", "period", "value", "says"), RULES)
def test_a_refused_value_through_the_api_stores_nothing(
    portal, rule, indicator, area, period, value, says
):
    client = api(portal, "woonstad")
    before = _counts(portal)
    number = float(value.replace(",", "."))
    response = client.post(
        "/api/portaal/updates",
        json={"indicator": indicator, "area": area, "period": period, "value": number},
    )
    assert response.status_code == 400, (rule, response.text)
    assert re.search(says, response.json()["detail"])
    field = {"where it exists": "gebied (area)", "known area": "gebied (area)"}.get(
        rule,
        "periode (period)"
        if rule in ("inside the plan", "not in the future")
        else "waarde (value)",
    )
    assert response.json()["detail"].lower().startswith(field)
    assert _counts(portal) == before


@pytest.mark.parametrize(("rule", "indicator", "area", "period", "value", "says"), RULES)
def test_a_refused_row_in_an_import_stores_nothing(
    portal, tmp_path, rule, indicator, area, period, value, says
):
    before = _counts(portal)
    path = tmp_path / "cijfers.csv"
    path.write_text(f'indicator;area;period;value\n{indicator};{area};{period};"{value}"\n')
    with pytest.raises(SourceError) as refused:
        import_file(portal.store, path, programme="p")
    assert re.search(says, str(refused.value)), str(refused.value)
    assert "cijfers.csv, rij 2, kolom" in str(refused.value)
    assert _counts(portal) == before


def test_an_infinite_value_is_refused_in_the_portal_and_the_import(portal, tmp_path):
    before = _counts(portal)
    response = post(
        portal.client("woonstad"),
        "/portaal/indicatoren/O6.8/waarde",
        {"gebied": "zuid", "periode": "2024", "waarde": "inf"},
        "/portaal/indicatoren/O6.8",
    )
    assert response.status_code == 400 and "moet een eindig getal zijn" in response.text
    path = tmp_path / "oneindig.csv"
    path.write_text("indicator,area,period,value\nO6.8,zuid,2024,1e400\n")
    with pytest.raises(SourceError, match="rij 2, kolom 'value'"):
        import_file(portal.store, path, programme="p")
    assert _counts(portal) == before


def test_a_large_change_needs_a_reason_which_is_kept_with_the_figure(portal):
    approve(portal, portal_value(portal, "woonstad", waarde="1234"))
    client = api(portal, "woonstad")
    before = _counts(portal)
    body = {"indicator": "O6.8", "area": "zuid", "period": "2024", "value": 12}
    refused = client.post("/api/portaal/updates", json=body)
    assert refused.status_code == 400
    assert (
        "Bevestiging (confirmation): 12 verschilt meer dan een factor 10"
        in refused.json()["detail"]
    )
    assert _counts(portal) == before
    form = post(
        portal.client("woonstad"),
        "/portaal/indicatoren/O6.8/waarde",
        {"gebied": "zuid", "periode": "2024", "waarde": "12"},
        "/portaal/indicatoren/O6.8",
    )
    assert form.status_code == 400 and "bevestig het met een reden" in form.text
    made = client.post(
        "/api/portaal/updates", json={**body, "confirmation": "de rest is naar 2025 geschoven"}
    )
    assert made.status_code == 201, made.text
    update = made.json()
    client.post(f"/api/portaal/updates/{update['id']}/submit", json={"version": 1})
    approve(portal, update["id"])
    [figure] = [o for o in portal.store.observations("p", breakdowns=True) if o.period == "2024"]
    assert (figure.value, figure.confirmation) == (12.0, "de rest is naar 2025 geschoven")


def test_the_form_offers_only_the_areas_where_the_indicator_exists(portal):
    page = portal.client("woonstad").get("/portaal/indicatoren/O6.8").text
    select_ = page.split('<select id="gebied" name="gebied">')[1].split("</select>")[0]
    assert re.findall(r'value="([^"]+)"', select_) == ["zuid", "charlois"]
    assert "Waarde (aantal)" in page
