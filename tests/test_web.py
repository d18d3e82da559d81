"""The public website: every page and endpoint, in-process, on a store the CLI built.

The pages show what ``koers status`` says (same statuses, same explanation sentences), in
Dutch, escaped, with security headers; the JSON API gives the CLI's records.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from markupsafe import escape

from koers.cli import main
from koers.plan.period import due_passed as _overdue
from koers.web import create_app

from .conftest import EXAMPLE, NPRZ

STORY = "Door corona stroomden minder mensen uit naar werk."
XSS = "<script>alert(1)</script>"
# the only scripts a page may carry: our own vendored files, and JSON data blocks
OWN_SCRIPT = re.compile(
    r'<script (src="/static/[\w./-]+" defer|type="application/json" class="chart-spec(?:-phone)?")>'
)
API_PATHS = [
    "/api/plan",
    "/api/areas",
    "/api/indicators",
    "/api/indicators/{indicator}",
    "/api/indicators/{indicator}/observations",
    "/api/status",
    "/api/agreements",
]
PORTAL_API_PATHS = [
    "/api/portaal/updates",
    "/api/portaal/updates/{update_id}",
    "/api/portaal/updates/{update_id}/edit",
    "/api/portaal/updates/{update_id}/submit",
    "/api/portaal/updates/{update_id}/approve",
    "/api/portaal/updates/{update_id}/return",
    "/api/portaal/updates/{update_id}/resubmit",
    "/api/portaal/aandacht",
]
WIJK_FIGURES = (  # a figure at wijk level, which the NPRZ plan's own data does not have
    "indicator,area,period,value,status,source\n"
    'T1.R16,tarwewijk,2020,31.4,voorlopig,"Wijkprofiel (test)"\n'
)


@dataclass
class Site:
    client: TestClient
    run: Callable[..., Result]
    status: list[dict[str, Any]]  # koers status --format json


def _runner(url: str) -> Callable[..., Result]:
    runner = CliRunner()

    def run(*args: str) -> Result:
        result = runner.invoke(main, ["--db", url, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return result

    return run


def _reports(folder: Path) -> Path:
    """A folder as `koers report` leaves it (the documents themselves are not needed)."""
    year = folder / "2023"
    (year / "wijken").mkdir(parents=True)
    (year / "deel-1-zuid-op-koers.html").write_text("<p>Deel I</p>", encoding="utf-8")
    (year / "deel-1-zuid-op-koers.pdf").write_bytes(b"%PDF-1.7 test")
    (year / "wijken" / "jaarambitie-tarwewijk.html").write_text("<p>Tarwewijk</p>")
    (year / "notes.txt").write_text("not a report")
    (folder / "geheim.html").write_text("outside any year")
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    base = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{base / 'koers.db'}"
    run = _runner(url)
    run("load", str(NPRZ))
    (base / "wijk.csv").write_text(WIJK_FIGURES, encoding="utf-8")
    run("import", str(base / "wijk.csv"), "--format", "csv")
    run("narrative", "E5.4", "2022-12-31", STORY)
    status = json.loads(run("status", "--format", "json").stdout)
    app = create_app(url, reports_dir=_reports(base / "rapportage"))
    with TestClient(app) as client:
        yield Site(client, run, status)


def _record(site: Site, indicator: str) -> dict[str, Any]:
    return next(r for r in site.status if r["indicator"] == indicator)


def _ok(site: Site, path: str) -> str:
    response = site.client.get(path)
    assert response.status_code == 200, (path, response.text[-500:])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def _rows(page: str) -> list[str]:
    """The agreement ids in the register's table."""
    return re.findall(
        r'<tr role="row"(?: class="overdue")?>\n<td role="cell"><a href="[^"]+">([^<]+)</a></td>',
        page,
    )


# --------------------------------------------------------------------------- pages


def test_overview_shows_every_pillar_with_its_counts_and_headlines(site):
    page = _ok(site, "/")
    assert '<html lang="nl">' in page
    assert "Werk" in page and "Economische structuurversterking" in page
    werk = page.split('id="p-werk"', 1)[1].split("</section>", 1)[0]
    wanted = {s: 0 for s in ("groen", "oranje", "rood", "grijs")}
    for record in site.status:
        if record["pillar"] == "werk" and record["kind"] != "context":
            wanted[record["status"]] += 1
    for status, count in wanted.items():
        assert f'<li class="status status-{status}">{count} {status}</li>' in werk
    headline = next(
        r for r in site.status if r["pillar"] == "werk" and r["kind"] == "effect" and r["value"]
    )
    assert str(escape(headline["explanation"])) in werk
    assert 'href="/pijlers/werk"' in page
    assert 'href="/rapportages"' in page


def test_pillar_page_charts_effects_and_lists_interventions_with_outputs(site):
    page = _ok(site, "/pijlers/werk")
    record = _record(site, "T1.R14")
    section = page.split('id="i-T1.R14"', 1)[1].split("</section>", 1)[0]
    assert f"status-{record['status']}" in section
    assert str(escape(record["explanation"])) in section
    assert "<svg" in section and "aria-label=" in section
    # the chart's figures as a table: the area, its reference and the trajectory
    assert '<th scope="col" class="num">G4</th>' in section and "op schema" in section
    assert "Bron: Uitvoeringsplan 2023-2027, Tabel 1" in section
    assert "Interventies en hun outputindicatoren" in page
    output = next(r for r in site.status if r["pillar"] == "werk" and r["kind"] == "output")
    assert f'href="/indicatoren/{output["indicator"]}"' in page
    assert _ok(site, "/pijlers/cultuur").count("<svg") == 0  # no indicators, no charts


def test_indicator_page_shows_status_series_target_and_story(site):
    page = _ok(site, "/indicatoren/E5.4")
    record = _record(site, "E5.4")
    assert "40,3%" in page
    assert str(escape(record["explanation"])) in page
    assert f"status-{record['status']}" in page
    assert STORY in page
    assert "van disproportioneel (40%) naar proportioneel (32%) in 2031" in page
    assert "op schema" in page and "32,0%" in page  # the trajectory up to 2031
    assert 'href="/indicatoren/E5.4.csv"' in page
    assert "<svg" in page


def test_indicator_page_shows_the_passport_with_citations_not_line_numbers(site):
    page = _ok(site, "/indicatoren/T1.R16")
    passport = page.split('<h2 id="paspoort">', 1)[1].split("</dl>", 1)[0]
    assert "<dt>Bron</dt><dd>CBS, UWV en DUO, bewerking OBI (gemeente Rotterdam); " in passport
    assert "Basismonitor, microdata" in passport  # and the mapping that feeds it
    assert "<dt>Levert</dt><dd>Gemeente Rotterdam</dd>" in passport
    assert '<dt>Verwacht</dt><dd class="missing">onbekend</dd>' in passport  # the plan is silent
    assert "Uitvoeringsplan 2023-2027, Tabel 1" in passport  # the figures' own source, cited
    assert "seed:" not in page


def test_a_chart_of_one_series_draws_its_points(site):
    # E3.1 is a share of Rotterdam computed from counts; Zuid is its only series
    page = _ok(site, "/indicatoren/E3.1")
    svg = page.split('<figure class="chart">', 1)[1].split("</figure>", 1)[0]
    assert "NaN" not in svg
    assert "Verticale as '%'" in svg  # a share


def test_indicator_page_tables_every_area_with_figures(site):
    page = _ok(site, "/indicatoren/T1.R16")
    table = page.split("<h2>Alle cijfers</h2>", 1)[1].split("</table>", 1)[0]
    for name in ("Nederland", "G4", "Rotterdam-Zuid", "7 focuswijken", "Tarwewijk"):
        assert f'<th scope="row">{name}</th>' in table
    assert '31,4% <span class="meta">(voorlopig)</span>' in table


def test_indicator_csv(site):
    response = site.client.get("/indicatoren/E5.4.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="E5.4.csv"' in response.headers["content-disposition"]
    lines = response.text.splitlines()
    assert lines[0] == "indicator,area,period,value,status,source,batch,dimension,category"
    batch = _record(site, "E5.4")["batches"][0]
    assert (
        f'E5.4,zuid,2022-12-31,40.3,definitief,"Uitvoeringsplan 2023-2027, tekst 5.2.1 '
        f'(seed:4618-4620)",{batch},,'  # a total: no breakdown
    ) in lines


def test_indicator_xlsx_has_the_csv_rows_with_numbers_as_numbers(site):
    from openpyxl import load_workbook

    response = site.client.get("/indicatoren/E5.4.xlsx")
    assert (
        response.status_code == 200
        and 'filename="E5.4.xlsx"' in response.headers["content-disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    csv_rows = list(csv.reader(io.StringIO(site.client.get("/indicatoren/E5.4.csv").text)))
    assert rows[0] == csv_rows[0]
    assert [[str(v) if v is not None else "" for v in r] for r in rows[1:]] == csv_rows[1:]
    assert isinstance(rows[1][3], float)
    assert site.client.get("/indicatoren/BESTAATNIET.xlsx").status_code == 404


def test_unknown_pages_are_dutch_404s(site):
    for path in ("/indicatoren/BESTAATNIET", "/indicatoren/BESTAATNIET.csv"):
        response = site.client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert '<html lang="nl">' in response.text
        assert "Indicator &#39;BESTAATNIET&#39; bestaat niet in dit plan." in response.text
    for path in ("/bestaat/niet", "/pijlers/bestaatniet", "/wijken/zuid", "/rapportages/2023/x"):
        response = site.client.get(path)
        assert response.status_code == 404, path
        assert "bestaat niet" in response.text and "Not Found" not in response.text


def test_wijken_lists_the_fifteen_wijken(site):
    page = _ok(site, "/wijken")
    links = re.findall(r'href="/wijken/([a-z-]+)"', page)
    assert len(links) == 15
    assert "tarwewijk" in links and "beverwaard-oud-ijsselmonde" in links


def test_wijk_page_has_its_map_figures_and_agreements(site):
    page = _ok(site, "/wijken/tarwewijk")
    assert "<svg" in page
    assert "Tarwewijk is gemarkeerd" in page  # the map's accessible name
    own = next(
        r
        for r in json.loads(site.run("status", "--area", "tarwewijk", "--format", "json").stdout)
        if r["indicator"] == "T1.R16"
    )
    row = page.split('href="/indicatoren/T1.R16"', 1)[1].split("</tr>", 1)[0]
    assert ">31,4%<" in row and ">22,2%<" in row and ">18,5%<" in row  # wijk, Zuid, Rotterdam
    # the wijk has no baseline to measure its gap from: no colour, no grey noise
    assert own["status"] == "grijs" and "status-" not in row and "Ontwikkeling" in row
    assert "<strong>A6.17</strong>" in page  # "... in Bloemhof, Hillesluis en Tarwewijk"
    assert "Tarwewijk is een van de 7 focuswijken." in page
    # items name a buurt of a wijk, not the wijk: linked through the plan's areas
    carnisse = _ok(site, "/wijken/carnisse-zuidplein")
    assert "<strong>A6.10d</strong>" in carnisse and "via de buurt Carnisse" in carnisse
    assert "<strong>A4.10</strong>" in carnisse and "via het gebied Charlois" in carnisse
    assert "Voor deze wijk noemt het plan geen eigen ambitie; het programmadoel is" in carnisse
    assert "<strong>A6.21</strong>" not in carnisse  # Lombardijen's
    api = [a["id"] for a in site.client.get("/api/agreements?area=carnisse-zuidplein").json()]
    assert "A6.10d" in api and "A4.10" in api and "A6.21" not in api
    assert site.client.get("/api/agreements?area=nergens").status_code == 404
    # a wijk without a boundary of its own is drawn as the buurt it shares, and says so
    noord = _ok(site, "/wijken/groot-ijsselmonde-noord")
    assert "<svg" in noord and "Geen kaart" not in noord
    assert "het deelt de CBS-buurt Groot IJsselmonde met Groot IJsselmonde Zuid" in noord


def test_agreements_register_filters(site):
    agreements = json.loads(site.run("agreements", "--format", "json").stdout)
    register = _ok(site, "/afspraken")
    all_ids = _rows(register)
    assert all_ids == [a["id"] for a in agreements] and len(all_ids) == 229
    commitments = [a for a in agreements if a["kind"] in ("afspraak", "toezegging")]
    assert f"Het register van de {len(commitments)} afspraken en toezeggingen" in register
    werk = _rows(_ok(site, "/afspraken?pijler=werk"))
    assert werk == [a["id"] for a in agreements if a["pillar"] == "werk"] and werk
    owned = _rows(_ok(site, "/afspraken?eigenaar=gemeente&pijler="))  # "" = alle
    cli = json.loads(site.run("agreements", "--owner", "gemeente", "--format", "json").stdout)
    assert owned == [a["id"] for a in cli]
    page = _ok(site, "/afspraken?verlopen=1")
    overdue = [a["id"] for a in commitments if _overdue(a["due"], date.today(), a["due_kind"])]
    assert overdue and _rows(page) == overdue
    assert page.count('<tr role="row" class="overdue">') == len(overdue)
    assert _rows(_ok(site, "/afspraken?status=niet+gerapporteerd")) == [
        a["id"] for a in commitments
    ]
    due_2025 = _rows(_ok(site, "/afspraken?gepland=2025"))

    # a period "2023-2025" is due in its last year; "2025-06" and "2025-06-30" in 2025
    def in_2025(due: str | None) -> bool:
        period = re.match(r"^\d{4}-(\d{4})$", due or "")
        return period[1] == "2025" if period else (due or "").startswith("2025")

    expected = [a["id"] for a in agreements if in_2025(a["due"])]
    assert due_2025 and due_2025 == expected
    assert [a["id"] for a in site.client.get("/api/agreements?due=2025").json()] == due_2025
    assert site.client.get("/afspraken?gepland=volgend+jaar").status_code == 400


def test_agreement_filters_with_unknown_values_are_clear_errors(site):
    response = site.client.get("/afspraken?pijler=bestaatniet")
    assert response.status_code == 404
    assert "Pijler &#39;bestaatniet&#39; bestaat niet in dit plan. Kies uit" in response.text
    assert site.client.get("/afspraken?eigenaar=niemand").status_code == 404
    assert site.client.get("/afspraken?status=zoek").status_code == 404
    bad = site.client.get("/afspraken?verlopen=misschien")
    assert bad.status_code == 400 and "&#39;verlopen&#39; is 1" in bad.text


def test_reports_folder_listing_and_files(site):
    page = _ok(site, "/rapportages")
    assert "<h2>2023</h2>" in page
    assert "Deel I — Zuid op Koers" in page and "Jaarambitie Tarwewijk" in page
    assert 'href="/rapportages/2023/deel-1-zuid-op-koers.pdf"' in page
    assert "notes" not in page and "geheim" not in page
    pdf = site.client.get("/rapportages/2023/deel-1-zuid-op-koers.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    wijk = site.client.get("/rapportages/2023/wijken/jaarambitie-tarwewijk.html")
    assert wijk.text == "<p>Tarwewijk</p>"
    for path in ("/rapportages/2023/notes.txt", "/rapportages/2023/../geheim.html"):
        assert site.client.get(path).status_code == 404
    assert site.client.get("/rapportages/2023/%2E%2E/geheim.html").status_code == 404
    tarwewijk = _ok(site, "/wijken/tarwewijk")
    assert 'href="/rapportages/2023/wijken/jaarambitie-tarwewijk.html"' in tarwewijk
    assert "Nog geen jaarambitie-document" in _ok(site, "/wijken/bloemhof")


def test_pages_work_without_javascript_or_anything_from_elsewhere(site):
    for path in ("/", "/pijlers/school", "/indicatoren/E5.4", "/wijken/bloemhof", "/afspraken"):
        page = _ok(site, path)
        assert page.lower().count("<script") == len(OWN_SCRIPT.findall(page)), path
        # what a reader needs is in the HTML itself: a chart is an inline SVG and a table
        if path.startswith("/indicatoren/"):
            assert "<svg" in page and "De cijfers van de grafiek als tabel" in page
        assert not re.search(r'(src|href)="(https?:)?//', page), path
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        assert "@media (max-width" in page  # styles for a phone, inline


def test_programme_can_be_chosen_and_links_keep_it(site):
    page = _ok(site, "/?programme=nprz")
    assert 'href="/pijlers/werk?programme=nprz"' in page
    missing = site.client.get("/?programme=bestaatniet")
    assert missing.status_code == 404
    assert "Programma &#39;bestaatniet&#39; staat niet in de database." in missing.text


# --------------------------------------------------------------------------- API


def test_api_status_is_koers_status(site):
    assert site.client.get("/api/status").json() == site.status
    options = ["--pillar", "werk", "--area", "tarwewijk", "--year", "2020"]
    cli = json.loads(site.run("status", *options, "--format", "json").stdout)
    api = site.client.get("/api/status?pillar=werk&area=tarwewijk&year=2020").json()
    assert api == cli
    unknown = site.client.get("/api/status?pillar=bestaatniet")
    assert unknown.status_code == 404
    assert unknown.json()["detail"].startswith("Pijler 'bestaatniet' bestaat niet")
    assert site.client.get("/api/status?year=volgend").status_code == 422
    # an empty filter, as a form with empty fields sends it, is no filter
    assert site.client.get("/api/status?pillar=&area=&year=").json() == site.status
    assert site.client.get("/api/agreements?pillar=&owner=&due=").json() == (
        site.client.get("/api/agreements").json()
    )


def test_api_plan_areas_and_indicators(site):
    summary = json.loads(site.run("plan", "summary", "--format", "json").stdout)
    assert site.client.get("/api/plan").json() == summary
    areas = site.client.get("/api/areas").json()
    assert len([a for a in areas if a["kind"] == "wijk"]) == 15
    assert {"id": "zuid", "name": "Rotterdam-Zuid"}.items() <= next(
        a for a in areas if a["id"] == "zuid"
    ).items()
    indicators = site.client.get("/api/indicators").json()
    assert len(indicators) == len(site.status) == 337
    werk = site.client.get("/api/indicators?pillar=werk&kind=effect").json()
    assert {i["id"] for i in werk} == {
        r["indicator"] for r in site.status if r["pillar"] == "werk" and r["kind"] == "effect"
    }
    e54 = next(i for i in indicators if i["id"] == "E5.4")
    assert e54["target"]["kind"] == "proportional_share"
    # the plan's uncertain readings are for the bureau's review, not for the public API
    assert not [x["id"] for x in [*areas, *indicators] if "readings" in x]


def test_api_indicator_with_its_passport(site):
    record = site.client.get("/api/indicators/T1.R1").json()
    assert record["id"] == "T1.R1" and record["unit"] == "count"
    passport = record["passport"]
    assert passport["state"] == "beschikbaar" and passport["reference_date"] == "1 januari"
    mapped = [s for s in passport["sources"] if s["mapping"] == "cbs-wbk-2024"]
    assert mapped and mapped[0]["column"] == "aantal_inwoners"
    assert passport["levels"] == ["country", "g4", "municipality", "zuid", "focuswijken"]
    assert passport["expected_month"] is None and passport["frequency"] == "onbekend"
    output = site.client.get("/api/indicators/O6.8").json()["passport"]
    assert "woonbron" in output["partners"]
    missing = site.client.get("/api/indicators/X.9")
    assert missing.status_code == 404 and "X.9" in missing.json()["detail"]
    schemas = site.client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["IndicatorRecord"]["properties"]["passport"] == {
        "$ref": "#/components/schemas/IndicatorPassport"
    }
    assert {"sources", "partners", "state", "expected_month"} <= set(
        schemas["IndicatorPassport"]["properties"]
    )


def test_api_observations(site):
    rows = site.client.get("/api/indicators/E5.4/observations").json()
    assert [(r["area"], r["period"], r["value"]) for r in rows] == [("zuid", "2022-12-31", 40.3)]
    assert rows[0]["batch"] == _record(site, "E5.4")["batches"][0]
    wijk = site.client.get("/api/indicators/T1.R16/observations?area=tarwewijk").json()
    assert [(r["value"], r["status"]) for r in wijk] == [(31.4, "voorlopig")]
    missing = site.client.get("/api/indicators/BESTAATNIET/observations")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Indicator 'BESTAATNIET' bestaat niet in dit plan."}


def test_api_agreements_are_the_register(site):
    cli = json.loads(site.run("agreements", "--pillar", "werk", "--format", "json").stdout)
    api = site.client.get("/api/agreements?pillar=werk").json()
    assert [{k: v for k, v in a.items() if k not in ("overdue", "escalation")} for a in api] == cli
    assert {a["escalation"] for a in api} == {None}
    assert [a["overdue"] for a in api] == [
        a["kind"] in ("afspraak", "toezegging") and _overdue(a["due"], date.today(), a["due_kind"])
        for a in cli
    ]
    overdue = site.client.get("/api/agreements?overdue=true").json()
    assert overdue and all(a["overdue"] for a in overdue)
    assert site.client.get("/api/agreements?pillar=bestaatniet").status_code == 404
    assert site.client.get("/api/agreements?owner=niemand").status_code == 404


def test_openapi_documents_the_api_with_tags(site):
    schema = site.client.get("/openapi.json").json()
    # pages are not API; the health check is
    assert sorted(schema["paths"]) == sorted([*API_PATHS, *PORTAL_API_PATHS, "/gezondheid"])
    for path in API_PATHS:
        operation = schema["paths"][path]["get"]
        assert operation["tags"] and operation["summary"], path
        assert "200" in operation["responses"]
    assert {t["name"] for t in schema["tags"]} == {
        "plan",
        "gebieden",
        "indicatoren",
        "status",
        "afspraken",
        "portaal",
        "gezondheid",
    }
    assert "API-sleutel" in schema["components"]["securitySchemes"]
    status = schema["paths"]["/api/status"]["get"]
    assert {p["name"] for p in status["parameters"]} == {"pillar", "area", "year", "programme"}
    assert all("Leeg: geen filter." in p["description"] for p in status["parameters"])
    # every refusal a route can give is documented, with the body it has
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for path, code in (
        ("/api/status", "404"),
        ("/api/status", "503"),
        ("/api/status", "422"),
        ("/api/portaal/updates/{update_id}", "401"),
        ("/api/portaal/updates/{update_id}", "404"),
    ):
        responses = schema["paths"][path]["get"]["responses"]
        assert code in responses, (path, code)
        if code != "422":  # FastAPI's own validation error names each field
            assert responses[code]["content"]["application/json"]["schema"] == error
    approve = schema["paths"]["/api/portaal/updates/{update_id}/approve"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "413", "422"} <= set(approve)


def test_a_method_not_allowed_names_every_method_of_the_path(site):
    refused = site.client.request("OPTIONS", "/api/portaal/updates")
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, POST"


def test_unknown_api_path_is_json(site):
    response = site.client.get("/api/bestaatniet")
    assert response.status_code == 404
    assert response.json() == {"detail": "Deze pagina bestaat niet."}


# --------------------------------------------------------------------------- security


def test_security_headers_on_every_response(site):
    for path in ("/", "/api/status", "/indicatoren/E5.4.csv", "/bestaat/niet", "/openapi.json"):
        headers = site.client.get(path).headers
        assert headers["content-security-policy"] == (
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
        ), path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"]


@pytest.fixture
def example_site(tmp_path: Path, sqlite_url: str) -> Iterator[Site]:
    """The example plan with an agreement and a narrative that hold a script."""
    plan = tmp_path / "plan"
    shutil.copytree(EXAMPLE, plan)
    with (plan / "plan.yaml").open("a", encoding="utf-8") as f:
        f.write(
            f"\nagreements:\n  - {{id: X1, pillar: werk, text: '{XSS} Zuid werkt <b>samen</b>.'}}\n"
        )
    run = _runner(sqlite_url)
    run("load", str(plan))
    run("narrative", "vsv", "2020/2021", f"{XSS} minder uitval")
    with TestClient(create_app(sqlite_url, reports_dir=None)) as client:
        yield Site(client, run, [])


def test_user_text_is_escaped(example_site):
    client = example_site.client
    escaped = html.escape(XSS, quote=False)
    for path in ("/afspraken", "/afspraken?pijler=werk", "/indicatoren/vsv", "/pijlers/school"):
        page = client.get(path).text
        assert XSS not in page, path
        assert page.lower().count("<script") == len(OWN_SCRIPT.findall(page)), path
        assert escaped in page, path
    assert "&lt;b&gt;samen&lt;/b&gt;" in client.get("/afspraken").text
    reflected = client.get("/afspraken", params={"pijler": XSS})
    assert reflected.status_code == 404 and XSS not in reflected.text
    assert client.get("/api/agreements").json()[0]["text"].startswith(XSS)  # JSON as is


def test_empty_store_says_so(sqlite_url):
    with TestClient(create_app(sqlite_url)) as client:
        response = client.get("/")
        assert response.status_code == 503
        assert "Er is nog geen plan geladen" in response.text


# --------------------------------------------------------------------------- koers serve


def test_serve_runs_uvicorn_and_prints_the_address(sqlite_url, monkeypatch):
    import uvicorn

    # registers `koers serve` on the CLI, as cli/__init__.py will; imported here, not at
    # the top, so that collecting this module does not change the command list
    from koers.cli.web import address

    _runner(sqlite_url)("load", "--no-data", str(EXAMPLE))
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    result = CliRunner().invoke(main, ["--db", sqlite_url, "serve", "--port", "8123"])
    assert result.exit_code == 0, result.stderr
    assert "http://127.0.0.1:8123/" in result.stdout
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    assert calls[0]["app"].state.programme is None
    calls[0]["app"].state.store.close()
    assert address("::1", 80) == "http://[::1]:80/"
    unknown = CliRunner().invoke(main, ["--db", sqlite_url, "serve", "--programme", "bestaatniet"])
    assert unknown.exit_code == 1
    assert "fout: programma 'bestaatniet' staat niet in de database" in unknown.stderr


def test_a_failure_is_a_dutch_500_with_the_security_headers(sqlite_url, monkeypatch):
    app = create_app(sqlite_url)
    monkeypatch.setattr(app.state.store, "programme_ids", lambda: 1 / 0)
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/")
        assert page.status_code == 500 and "Er ging iets mis" in page.text
        assert page.headers["x-frame-options"] == "DENY"
        assert client.get("/api/plan").json() == {"detail": "Er ging iets mis."}


def test_the_main_job_ends_by_serving_the_website(sqlite_url, tmp_path, monkeypatch):
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    result = _runner(sqlite_url)("demo", "--plan", str(EXAMPLE), "--no-report", "--port", "8124")
    assert result.exit_code == 0
    assert "koers draait op http://127.0.0.1:8124/" in result.stdout
    assert "http://127.0.0.1:8124/inloggen" in result.stdout
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8124
    assert calls[0]["app"].state.programme == "voorbeeld"
    calls[0]["app"].state.store.close()


def test_a_page_shows_a_change_made_elsewhere_at_once(example_site, tmp_path):
    """The snapshot cache is keyed by the store's generation: a narrative, an import and
    its undo made with the command line show on the next page view."""
    client, run = example_site.client, example_site.run
    assert "Een nieuw verhaal" not in client.get("/indicatoren/vsv").text
    run("narrative", "vsv", "2020/2021", "Een nieuw verhaal")
    assert "Een nieuw verhaal" in client.get("/indicatoren/vsv").text
    run("narrative", "vsv", "2020/2021", "")
    assert "Een nieuw verhaal" not in client.get("/indicatoren/vsv").text
    figures = tmp_path / "nieuw.csv"
    figures.write_text("indicator,area,period,value\nvsv,zuid,2023/2024,1.23\n", encoding="utf-8")
    assert run("import", str(figures)).exit_code == 0
    assert "1,2" in client.get("/indicatoren/vsv").text.split("2023/2024", 1)[1][:400]
    batch = json.loads(run("import", "history", "--format", "json").stdout)[-1]["id"]
    assert run("import", "undo", batch).exit_code == 0
    assert "2023/2024" not in client.get("/indicatoren/vsv").text


def test_anonymous_pages_come_from_the_cache_until_the_store_changes(example_site, monkeypatch):
    client, run = example_site.client, example_site.run
    app = client.app
    first = client.get("/indicatoren/vsv")
    assert first.status_code == 200

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("read the store although nothing changed")

    monkeypatch.setattr(app.state.snapshots, "get", no_reading)  # type: ignore[attr-defined]
    again = client.get("/indicatoren/vsv")
    assert again.status_code == 200 and again.text == first.text
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    # a change: the next view is made anew (and here fails, which proves it)
    run("narrative", "vsv", "2020/2021", "Nieuw")
    with pytest.raises(AssertionError, match="read the store"):
        client.get("/indicatoren/vsv")
    monkeypatch.undo()
    assert "Nieuw" in client.get("/indicatoren/vsv").text
    # with a session cookie nothing comes from (or goes into) the cache
    client.cookies.set("koers_sessie", "iets")
    monkeypatch.setattr(app.state.snapshots, "get", no_reading)  # type: ignore[attr-defined]
    with pytest.raises(AssertionError, match="read the store"):
        client.get("/indicatoren/vsv")


def test_the_page_cache_keeps_a_large_page_and_stays_within_its_byte_budget():
    """A pillar page of a big store is over 2 MB: it is kept (rendering it again costs far
    more), while the cache as a whole stays within its budget, dropping the oldest first."""
    import asyncio

    from koers.web.cache import PageCache

    rendered: list[str] = []
    sizes = {"/a": 100, "/b": 100, "/c": 100, "/groot": 101}

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        rendered.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x" * sizes[scope["path"]]})

    cache = PageCache(app, size=10, max_bytes=100, budget=250)

    def get(path: str) -> None:
        asyncio.run(anonymous_get(cache, path))

    for path in ("/a", "/b", "/a", "/c", "/b", "/groot", "/groot", "/c", "/a"):
        get(path)
    # 250 bytes hold two pages: /c pushes out /b (least recently used, /a was asked again),
    # /b then /a; a page over max_bytes is never kept; /c was kept all along
    assert rendered == ["/a", "/b", "/c", "/b", "/groot", "/groot", "/a"]


def test_visitors_asking_for_a_page_being_made_wait_for_it_instead_of_making_it_again():
    """Fifty visitors opening a pillar page of a big store at once: the page is made once,
    and everyone gets it; a page that is not kept (an error) is made for each who waited."""
    import asyncio

    from koers.web.cache import PageCache

    made: list[str] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        made.append(scope["path"])
        await asyncio.sleep(0.05)  # rendering: other visitors arrive meanwhile
        status = 500 if scope["path"] == "/fout" else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    cache = PageCache(app)
    get = partial(anonymous_get, cache)

    async def visitors() -> list[bytes]:
        return await asyncio.gather(*(get("/pijlers/school") for _ in range(50)))

    assert asyncio.run(visitors()) == [b"/pijlers/school"] * 50
    assert made == ["/pijlers/school"]

    async def failing() -> list[bytes]:
        return await asyncio.gather(*(get("/fout") for _ in range(3)))

    assert asyncio.run(failing()) == [b"/fout"] * 3
    assert made.count("/fout") == 3  # nothing kept, so nothing to hand out


def test_requests_finding_no_snapshot_read_the_store_once(monkeypatch):
    """Forty threads asking for the programme of a changed store: one reads it, the others
    wait for that snapshot instead of each reading 100 000 figures at once."""
    import threading
    import time
    from types import SimpleNamespace

    from koers.web import views

    reads: list[str] = []

    def slow_read(store, programme, *, explicit=False):  # type: ignore[no-untyped-def]
        reads.append(programme)
        time.sleep(0.1)
        return SimpleNamespace(programme=programme)

    monkeypatch.setattr(views, "load_snapshot", slow_read)
    cache = views.SnapshotCache()
    store = SimpleNamespace(generation=lambda programme: (7,))
    found: list[object] = []
    threads = [
        threading.Thread(target=lambda: found.append(cache.get(store, "nprz")))  # type: ignore[arg-type]
        for _ in range(40)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reads == ["nprz"] and len(found) == 40 and len({id(s) for s in found}) == 1


async def anonymous_get(cache: Any, path: str) -> bytes:
    """``GET path`` through ``cache`` as a visitor without a session, on a store whose
    generation stays the same; the body answered."""
    from types import SimpleNamespace

    state = SimpleNamespace(store=SimpleNamespace(generation=lambda: (1,)))
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": b"",
        "headers": [],
        "app": SimpleNamespace(state=state),
    }
    body: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    async def send(message: dict[str, Any]) -> None:
        body.append(message.get("body", b""))

    await cache(scope, receive, send)
    return b"".join(body)
