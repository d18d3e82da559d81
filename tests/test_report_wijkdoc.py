"""The jaarambitie per wijk (koers.report.wijkdoc): what a wijkraad member reads in it.

A small plan first, where every rule can be seen at work; then every wijk document of the
NPRZ plan with its real data, loaded as ``make demo`` loads it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html import unescape
from pathlib import Path

import pytest

from koers.areas import Observation
from koers.assess import ObservationIndex
from koers.plan import load_plan, plan_from_documents
from koers.plan.summary import agreement_rows
from koers.programme import ProgrammeState, read_boundaries
from koers.report import build_reports, latest_year, render_documents
from koers.report.sections import standard_sections
from koers.report.wijkdoc import WijkDocument, wijk_document
from koers.store import Store
from koers.usecases.load import load_plan_directory

NPRZ = Path(__file__).resolve().parents[1] / "plans" / "nprz-2023-2027"
TODAY = date(2025, 3, 1)

PLAN = """
programme:
  id: p
  name: P
  area: zuid
  city: stad
  focus_area: focus
  period_start: 2023
  period_end: 2027
  horizon: 2031
pillars:
  - id: werk
    name: Werk
    ambition: Iedereen op Zuid aan het werk.
    ambitions:
      - {id: w1, text: Meer banen op Zuid.}
      - {id: w2, text: In Oost de helft minder werklozen., areas: [oost]}
  - id: wonen
    name: Wonen
    ambition: Betere woningen.
areas:
  - {id: stad, name: Stad, kind: municipality}
  - {id: zuid, name: Zuid, kind: group, parent: stad, members: [west, oost, noord-a, noord-b]}
  - {id: west, name: West, kind: wijk, parent: zuid, members: [haven, dorp]}
  - {id: haven, name: Haven, kind: buurt, parent: west}
  - {id: dorp, name: Dorp, kind: buurt, parent: west}
  - {id: oost, name: Oost, kind: wijk, parent: zuid}
  - {id: noord, name: Noord, kind: buurt, parent: zuid, cbs_code: BU05990001}
  - {id: noord-a, name: Noord A, kind: wijk, parent: zuid, part_of: noord}
  - {id: noord-b, name: Noord B, kind: wijk, parent: zuid, part_of: noord}
  - {id: focus, name: 2 focuswijken, kind: group, parent: zuid, members: [haven, oost]}
partners:
  - {id: gemeente, name: Gemeente, sector: overheid}
indicators:
  - {id: inw, name: Inwoners, kind: context, unit: count, polarity: neutral,
     aggregation: sum, decimals: 0, target: {kind: monitor_only}}
  - {id: werkloos, name: Werkloosheid, kind: effect, pillar: werk, unit: percent,
     polarity: lower_is_better, target: {kind: direction}}
  - {id: taalles, name: Bewoners met taalles, kind: context, pillar: werk, unit: percent,
     polarity: neutral, target: {kind: monitor_only}}
interventions:
  - {id: I1, name: Banenmarkt in de haven, pillar: werk, areas: [haven]}
  - {id: I2, name: Woningen opknappen, pillar: wonen, areas: [focus]}
  - {id: I3, name: Bibliotheek, pillar: wonen}
agreements:
  - {id: A1, text: De gemeente opent een banenmarkt in de haven., pillar: werk,
     owners: [gemeente], areas: [haven], due: "2023-12-31", due_kind: uiterlijk}
  - {id: A2, text: De gemeente knapt 100 woningen op in Oost., pillar: wonen,
     owners: [gemeente], areas: [oost], due: "2025", due_kind: uiterlijk}
  - {id: A3, text: Een wens voor Oost., pillar: wonen, kind: wens, areas: [oost]}
"""


def figures() -> list[Observation]:
    return [
        Observation("inw", "haven", "2022", 1000),
        Observation("inw", "dorp", "2022", 500),
        Observation("inw", "haven", "2023", 1100),
        Observation("inw", "dorp", "2023", 500),
        Observation("werkloos", "west", "2022", 9.0),
        Observation("werkloos", "west", "2023", 8.0),
        Observation("werkloos", "zuid", "2023", 7.0),
        Observation("werkloos", "stad", "2023", 5.0),
        Observation("taalles", "west", "2023", 12.0),
    ]


@pytest.fixture(scope="module")
def small() -> Iterator[dict[str, WijkDocument]]:
    plan = plan_from_documents({"plan.yaml": PLAN})
    index = ObservationIndex(figures())
    rows = agreement_rows(plan, statuses={"A2": "vertraagd"})
    yield {
        w: wijk_document(plan, index, w, year=2023, today=TODAY, agreements=rows)
        for w in ("west", "oost", "noord-a")
    }


def test_a_wijk_shows_its_own_figures_against_zuid_and_the_city_with_their_direction(small):
    west = small["west"]
    werkloos = next(f for f in west.figures if f.indicator.id == "werkloos")
    assert (werkloos.assessment.value, werkloos.area_value, werkloos.city_value) == (8, 7, 5)
    assert werkloos.trend == "gedaald van 9,0% (2022); beter"
    assert werkloos.judged  # the plan sets a target: its colour means something
    inwoners = next(f for f in west.general if f.indicator.id == "inw")
    assert inwoners.assessment.value == 1600  # its two buurten together
    assert inwoners.trend == "gestegen van 1.500 (2022)"  # neutral: no better or worse
    assert not inwoners.judged  # a context figure has no colour
    assert west.context_note.startswith("Contextcijfers volgt het plan zonder doel")


def test_whether_a_wijk_or_which_of_its_buurten_is_a_focuswijk(small):
    assert small["oost"].focus == "Oost is een van de 2 focuswijken."
    assert small["west"].focus == ("Van West hoort de buurt Haven bij de 2 focuswijken; Dorp niet.")
    assert small["noord-a"].focus == "Noord A hoort niet bij de 2 focuswijken."


def test_the_ambition_stated_for_the_wijk_else_the_programmes_said_as_such(small):
    oost = {p.pillar.id: p for p in small["oost"].pillars}
    assert [a.text for a in oost["werk"].ambitions] == ["In Oost de helft minder werklozen."]
    west = {p.pillar.id: p for p in small["west"].pillars}
    assert west["werk"].ambitions == ()
    assert west["werk"].programme_ambition == "Iedereen op Zuid aan het werk."


def test_linked_items_come_from_the_plans_areas_with_the_place_that_links_them(small):
    west = {p.pillar.id: p for p in small["west"].pillars}
    assert [(i.intervention.id, i.via) for i in west["werk"].interventions] == [
        ("I1", ("de buurt Haven",))
    ]
    (a1,) = west["werk"].agreements
    assert a1.via == ("de buurt Haven",) and a1.when == "uiterlijk 31 december 2023"
    assert a1.overdue and not a1.reported
    # the focus group links an item to the wijk of a buurt in it; an item without areas
    # concerns no wijk in particular
    assert [i.intervention.id for i in west["wonen"].interventions] == ["I2"]
    oost = {p.pillar.id: p for p in small["oost"].pillars}
    (a2,) = oost["wonen"].agreements  # a wish is no agreement
    assert a2.reported and a2.row.status == "vertraagd"
    assert small["noord-a"].agreements == [] and small["noord-a"].interventions == []


def test_the_topics_followed_per_wijk_pick_their_figures(small):
    plan = plan_from_documents(
        {
            "plan.yaml": PLAN.replace(
                "  horizon: 2031",
                "  horizon: 2031\n  wijk_topics:\n"
                "    - {name: taal, keywords: [taal]}\n"
                "    - {name: schulden, keywords: [schuld]}",
            )
        }
    )
    document = wijk_document(
        plan, ObservationIndex(figures()), "west", year=2023, today=TODAY, agreements=[]
    )
    topics = {t.name: [f.indicator.id for f in t.figures] for t in document.topics}
    assert topics == {"taal": ["taalles"], "schulden": []}


def test_an_ambition_for_an_unknown_place_is_a_plan_error():
    from koers.plan import PlanError

    with pytest.raises(PlanError, match=r"ambitions\.1\.areas\.0"):
        plan_from_documents({"plan.yaml": PLAN.replace("areas: [oost]}", "areas: [nergens]}", 1)})


# --------------------------------------------------------------------------- the NPRZ plan


@pytest.fixture(scope="module")
def nprz(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every wijk document of the NPRZ plan with all its data, as text a reader sees."""
    url = f"sqlite:///{tmp_path_factory.mktemp('wijkdoc') / 'koers.db'}"
    with Store.open(url) as store:
        load_plan_directory(store, NPRZ)
        state = ProgrammeState.read(store, today=TODAY)
        year = latest_year(state.observations)  # the year `koers report` writes by default
        assert year is not None
        boundaries = read_boundaries(store, state.programme, year)
    reports = build_reports(
        state.plan,
        state.observations,
        year=year,
        generated=TODAY,
        boundaries=boundaries,
        extras=standard_sections(state.plan, state.observations, year=year, generated=TODAY),
    )
    return {d.slug: d.html for d in render_documents(reports) if d.kind == "wijk"}


def _text(html: str) -> str:
    without = re.sub(r"<(style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", without)))


def test_every_wijk_document_has_its_own_figures_a_map_and_its_linked_items(nprz):
    assert len(nprz) == 15
    names = {f"jaarambitie-{w.id}": w.name for w in load_plan(NPRZ).areas}
    for slug, html in nprz.items():
        text = _text(html)
        assert "Er zijn nog geen cijfers" not in text, slug
        figures = re.findall(r'<table class="wijk-figures">.*?</table>', html, flags=re.S)
        rows = sum(table.count("<tr><td>") for table in figures)
        assert rows >= 10, f"{slug}: {rows} cijfers van de wijk"
        assert f"Ligging van {names[slug]} in Rotterdam-Zuid." in text, slug
        assert "<svg" in html and "Geen kaart" not in text, slug
        assert "Het plan verbindt " in text and "interventie" in text, slug
        assert "Voor deze wijk noemt het plan geen eigen ambitie; het programmadoel is" in text
        for leak in ("seed:", "[UNCERTAIN", "[INFERRED"):
            assert leak not in text, (slug, leak)
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), slug  # dates are written out


@pytest.mark.parametrize(
    ("wijk", "items"),
    [
        # items the plan names for a buurt of the wijk, with the buurt that links them
        (
            "carnisse-zuidplein",
            {
                "A6.10d": "de buurt Carnisse",
                "A6.12": "de buurt Carnisse",
                "A6.18": "de buurt Carnisse",
                "A6.2": "de groep 7 focuswijken",
                "A4.10": "het gebied Charlois",
            },
        ),
        (
            "oud-charlois-wielewaal",
            {"A6.18": "de buurt Oud-Charlois", "A6.2": "de groep 7 focuswijken"},
        ),
        ("heijplaat-pendrecht", {"A4.10": "het gebied Charlois"}),
        # no item names the buurt Katendrecht (only a street named after it, and street names
        # are not linked): what concerns Nieuw Zuid comes through its gebied
        ("nieuw-zuid", {"A4.10": "het gebied Feijenoord"}),
    ],
)
def test_the_document_says_which_items_are_linked_and_through_which_place(nprz, wijk, items):
    html = nprz[f"jaarambitie-{wijk}"]
    listed = {
        item: _text(rest)
        for item, rest in re.findall(r"<li[^>]*><strong>([^<]+)</strong>(.*?)</li>", html)
    }
    for item, via in items.items():
        assert item in listed and f"via {via})" in listed[item], (item, listed.get(item))
    assert "A6.21" not in listed  # Lombardijen's


def test_pendrecht_lists_the_intervention_that_names_it(nprz):
    text = _text(nprz["jaarambitie-heijplaat-pendrecht"])
    assert "Aanpak corporatievoorraad (via de buurt Pendrecht)" in text


def test_focuswijken_say_so(nprz):
    focus = {
        slug: _text(html).split("In het kort.")[1].split("Ligging")[0]
        for slug, html in nprz.items()
    }
    assert "Bloemhof is een van de 7 focuswijken." in focus["jaarambitie-bloemhof"]
    assert (
        "Van Carnisse - Zuidplein hoort de buurt Carnisse bij de 7 focuswijken; Zuidplein niet."
        in focus["jaarambitie-carnisse-zuidplein"]
    )
    assert "Lombardijen hoort niet bij de 7 focuswijken." in focus["jaarambitie-lombardijen"]
    assert sum("een van de 7 focuswijken" in t for t in focus.values()) == 5


def test_context_figures_carry_no_colour_and_say_so_once(nprz):
    html = nprz["jaarambitie-groot-ijsselmonde-noord"]
    text = _text(html)
    assert text.count("Contextcijfers volgt het plan zonder doel") == 1
    assert "geen oordeel (grijs)" not in text
    assert "Sociale index (Wijkprofiel) (2016) 95,8 — 100,4 gestegen van 95,1 (2014); beter" in text


def test_the_groot_ijsselmonde_maps_draw_their_shared_buurt_and_every_map_has_15_wijken(nprz):
    for slug, html in nprz.items():
        (label,) = re.findall(r'<figure class="chart" aria-label="([^"]+)"', html)
        assert label.startswith("Kaart van 15 gebieden"), (slug, label)
    for wijk, other in (("Noord", "Zuid"), ("Zuid", "Noord")):
        text = _text(nprz[f"jaarambitie-groot-ijsselmonde-{wijk.lower()}"])
        assert (
            f"Groot IJsselmonde {wijk} heeft geen eigen grens: het deelt de CBS-buurt Groot "
            f"IJsselmonde met Groot IJsselmonde {other}. De kaart toont die buurt als geheel."
        ) in text
    assert (
        "Groot IJsselmonde Noord en Groot IJsselmonde Zuid als één vlak getekend; Groot "
        "IJsselmonde Noord is gemarkeerd"
    ) in unescape(nprz["jaarambitie-groot-ijsselmonde-noord"])


def test_the_wijkraad_section_is_about_the_report_year(nprz):
    text = _text(nprz["jaarambitie-tarwewijk"])
    assert (
        "In 2024 is met de wijkraad van Tarwewijk nog geen gesprek vastgelegd; het plan "
        "belooft er één tot twee per jaar."
    ) in text


@pytest.mark.parametrize("wijk", ["carnisse-zuidplein", "groot-ijsselmonde-noord"])
def test_a_wijk_document_with_its_figures_stays_inside_the_margins(nprz, wijk):
    """The tables of a wijk's own figures, its map and its long item texts fit the page."""
    import io

    import pdfplumber

    from koers.report import to_pdf

    margin = 17 * 72 / 25.4  # the left and right page margins of base.html
    with pdfplumber.open(io.BytesIO(to_pdf(nprz[f"jaarambitie-{wijk}"], TODAY))) as pdf:
        assert len(pdf.pages) >= 2
        outside = [
            (number, "".join(c["text"] for c in chars[:20]))
            for number, page in enumerate(pdf.pages, start=1)
            if (
                chars := [
                    c
                    for c in page.chars
                    if c["x0"] < margin - 0.5 or c["x1"] > page.width - margin + 0.5
                ]
            )
        ]
    assert outside == []
