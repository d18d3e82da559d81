"""Deel I, Zuid op Koers, read as a board member reads the PDF: a newspaper of at most twelve
pages whose every sentence follows from the figures and carries its year."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pdfplumber
import pytest

from koers.areas import Observation
from koers.assess import evaluate
from koers.report import build_reports, render_documents, to_pdf
from koers.report.newspaper import first_sentence, pillar_sentence, publishers
from koers.report.sections import standard_sections
from koers.sources import ImportContext
from koers.store import Store

from .conftest import EXAMPLE, ROOT
from .helpers import PASSWORD

NPRZ = ROOT / "plans" / "nprz-2023-2027"
DAY = date(2026, 12, 6)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# two earlier year-end figures of the bijstand share beside the plan's 40,3% of end 2022
EARLIER = [
    Observation("E5.4", "zuid", "2020-12-31", 42.0, source="Gemeente Rotterdam, bijstand"),
    Observation("E5.4", "zuid", "2021-12-31", 41.0, source="Gemeente Rotterdam, bijstand"),
]

# a wijk figure for three wijken (the maps take the latest period most wijken have, else any)
OWNED = "CBS, Kerncijfers wijken en buurten 2022 (kwb_2022.csv)"
WIJKEN = [
    Observation("E6.3", "tarwewijk", "2022", 20.0, source=OWNED),
    Observation("E6.3", "bloemhof", "2022", 15.5, source=OWNED),
    Observation("E6.3", "feijenoord", "2022", 13.0, source=OWNED),
]


def deel1(plan, rows, *, boundaries=None, final=False, year=2023):
    reports = build_reports(
        plan,
        rows,
        year=year,
        generated=DAY,
        boundaries=boundaries,
        final=final,
        extras=standard_sections(plan, rows, year=year, generated=DAY),
    )
    return reports, next(d for d in render_documents(reports) if d.kind == "deel-1")


def pages(html: str, left: float = 1.0) -> list[str]:
    """The text of each page as a reader reads it; ``left``: only the left part of the page
    (a headline's text column, without the chart beside it)."""
    with pdfplumber.open(io.BytesIO(to_pdf(html, DAY))) as pdf:
        return [
            " ".join((page.crop((0, 0, page.width * left, page.height)).extract_text()).split())
            for page in pdf.pages
        ]


@pytest.fixture(scope="module")
def newspaper(nprz_plan, nprz_figures):
    from koers.sources.boundaries import read_boundaries

    path = NPRZ / "data" / "grenzen-buurten-zuid-2024.geojson"
    shapes = read_boundaries(
        path.read_bytes(), path.name, ImportContext(nprz_plan), None
    ).boundaries
    reports, document = deel1(nprz_plan, [*nprz_figures, *EARLIER, *WIJKEN], boundaries=shapes)
    return reports, document.html, pages(document.html), pages(document.html, left=0.58)


def test_the_newspaper_has_at_most_twelve_pages_and_no_internal_notes(newspaper):
    _, _, text, _ = newspaper
    assert len(text) <= 12
    everything = " ".join(text)
    for leaked in ("seed:", "[UNCERTAIN", "[INFERRED"):
        assert leaked not in everything
    assert ISO_DATE.findall(everything) == []


def test_page_1_states_the_ambition_as_ambition_and_the_gap_closure_as_measured(
    newspaper, nprz_plan, nprz_figures
):
    reports, _, text, _ = newspaper
    cover = text[0]
    assert "Zuid op Koers 2023" in cover and "concept" in cover.lower()
    assert "De ambitie is dat in 20 jaar het G4-niveau wordt bereikt" in cover
    assert "is een kwart van de achterstand ingelopen" not in cover  # never as a result
    measured = [
        a
        for a in evaluate(nprz_plan, [*nprz_figures, *EARLIER], as_of=2023)
        if a.indicator in nprz_plan.programme.overview.indicators and a.gap_closed is not None
    ]
    quarter = sum(1 for a in measured if a.gap_closed >= 0.25)
    assert f"Gemeten: van de {len(measured)} indicatoren van Tabel 1" in cover
    assert f"is bij {quarter} een kwart of meer van de achterstand ingelopen" in cover
    # three to five key messages, each with a year
    messages = reports.newspaper.messages
    assert 3 <= len(messages) <= 5
    assert all(re.search(r"\b20\d\d\b", m) for m in messages), messages
    assert "Het aandeel van Zuid in de bijstand: 40,3% (31 december 2022), achter" in cover


def test_the_headline_targets_show_their_pace_and_a_labelled_projection(newspaper):
    _, _, text, columns = newspaper
    # the text column of the headline cards, without the chart beside it
    cards = " ".join(p for p in columns if "in één oogopslag" in p or "Hulp naar verhouding" in p)
    # E5.4: 42, 41, 40,3 at the ends of 2020-2022; least squares by hand: slope -0.85 a year,
    # se 0.0866; 32% at 2021 + 9.1 / 0.85 = 2031.7 -> 2032, steeper 2030.7 -> 2031,
    # flatter 2032.9 -> 2033
    assert (
        "Prognose, als het tempo van 2020 tot en met 2022 aanhoudt: 32% in 2032 "
        "(tussen 2031 en 2033)."
    ) in cards
    assert "Gemeten tempo (2020 tot en met 2022): 0,9 procentpunt per jaar omlaag." in cards
    # needed from 40,3% at the end of 2022: 8.3 / 9 years
    assert "Nodig vanaf nu om in 2031 op 32% te komen: 0,9 procentpunt per jaar omlaag." in cards
    # dwellings: a count since the start, zero in 2011 by the plan's own definition
    assert "Gemeten tempo (2011 tot en met 2022): 1.718 per jaar erbij." in cards  # 18.900 / 11
    assert "Nodig vanaf nu om in 2031 op 35.000 te komen: 1.789 per jaar erbij." in cards
    glance = " ".join(p for p in text if "in één oogopslag" in p or "Hulp naar verhouding" in p)
    # Tabel 1: two measurements per indicator, so no projection, and it says why
    assert "Geen prognose bij 15 indicatoren: te weinig metingen voor een prognose (2;" in glance
    # the services of Tabel 4: how many reach the proportional share, with the year
    assert "1 van de 6 met minstens het proportionele aandeel (42%) in 2022" in glance


def test_each_pillar_has_its_own_page_with_what_goes_well_what_is_behind_and_agreements(
    newspaper, nprz_plan
):
    reports, _, text, _ = newspaper
    for spread in reports.newspaper.spreads:
        name = spread.view.pillar.name
        page = next(p for p in text if p.startswith(name) or f" {name} " in p[:60])
        assert "Wat gaat goed of vooruit" in page and "Wat blijft achter" in page, name
        assert f"{spread.agreements} afspraken" in page, name
        for named in spread.behind:
            assert named.status.value == "rood"
            assert named.name[:30] in page, name
        for overdue in spread.overdue:
            assert overdue.id in page, name
    thuisbasis = reports.newspaper.spreads[0]
    assert thuisbasis.overdue and all(o.owners for o in thuisbasis.overdue)


def test_money_not_entered_is_said_in_words_never_as_a_shortfall_of_zero(newspaper, nprz_plan):
    assert not nprz_plan.finance.commitments  # the plan holds no commitments yet
    _, _, text, _ = newspaper
    money = next(p for p in text if "Geld De opgave per pijler" in p)
    section = money.split("Geld De opgave per pijler", 1)[1].split("Bewoners", 1)[0]
    assert "nog niet ingevuld" in section
    assert "€ 0" not in section and "tekort" not in section
    assert "€ 57.000.000" in section  # the plan's task for School in 2023


def test_the_wijken_are_mapped_for_the_plans_indicators_with_their_year(newspaper, nprz_plan):
    reports, html, text, _ = newspaper
    assert nprz_plan.programme.summary_maps[0] == "E6.3"
    (mapped,) = reports.newspaper.maps  # the other two indicators have no wijk figures here
    assert mapped.title == "% koopwoningen, 2022"
    assert mapped.sentence.startswith(
        "Het hoogst in Tarwewijk (20,0%), het laagst in Feijenoord (13,0%). Geen cijfer voor "
        "Afrikaanderwijk, Beverwaard - Oud IJsselmonde,"
    )
    page = next(p for p in text if p.startswith("De wijken"))
    assert "% koopwoningen, 2022." in page and "Het hoogst in Tarwewijk (20,0%)" in page
    assert html.count('class="wijkmap"') == 1
    assert "Kaart van 13 gebieden met % koopwoningen, 2022 (3 met een waarde)" in html


def test_the_colophon_names_status_date_and_publishers(newspaper, nprz_plan, nprz_figures):
    _, _, text, _ = newspaper
    last = text[-1]
    assert "Colofon" in last and "6 december 2026" in last
    assert "Status: concept: het jaar 2023 is nog niet afgesloten" in last
    # the sources of what Deel I shows, as publishers: the plan's tables, the map's CBS figures
    assert "CBS (Kerncijfers wijken en buurten 2022)" in last
    assert "Uitvoeringsplan 2023-2027 (" in last and "kwb_2022.csv" not in last
    _, final = deel1(nprz_plan, nprz_figures, final=True)
    assert "definitief: het programmabureau heeft het jaar 2023 afgesloten" in final.html


def test_deel_1_is_definitief_once_the_bureau_closed_the_year(
    run, sqlite_url, tmp_path, fast_hashing
):
    from koers import workflow as wf

    run("load", str(EXAMPLE))
    assert run("report", "--no-pdf", "--out", str(tmp_path)).exit_code == 0
    first = (tmp_path / "2023" / "deel-1-zuid-op-koers.html").read_text()
    assert "Deel I · concept" in first
    with Store.open(sqlite_url) as store:
        admin = wf.create_user(store, "voorbeeld", "beheer", PASSWORD, "admin", by=None)
        bureau = wf.create_user(store, "voorbeeld", "bureau", PASSWORD, "bureau", by=admin)
        wf.close_period(store, "voorbeeld", 2023, bureau)
    assert run("report", "--no-pdf", "--out", str(tmp_path)).exit_code == 0
    again = (tmp_path / "2023" / "deel-1-zuid-op-koers.html").read_text()
    assert "Deel I · definitief" in again


def test_a_plan_without_headlines_or_maps_still_gives_a_newspaper(example_plan):
    from koers.sources import read_plan_figures

    rows = read_plan_figures(example_plan, EXAMPLE)
    assert not example_plan.programme.headlines
    _, document = deel1(example_plan, rows)
    assert "Het plan noemt geen kerndoelen" in document.html
    assert len(pages(document.html)) <= 12


def test_a_pillar_headline_follows_from_its_statuses(example_plan):
    from koers.assess import Status

    any_assessment = evaluate(example_plan, [])[0]

    def judged(period: str, status: Status):
        return replace(any_assessment, period=period, status=status)

    behind = [judged("2019", Status.ROOD), judged("2021/2022", Status.ROOD)]
    assert pillar_sentence({"groen": 0, "oranje": 1, "rood": 2, "grijs": 5}, behind) == (
        "De meeste indicatoren met een oordeel liggen achter: 2 van de 3 (laatste cijfers uit "
        "2019 tot en met 2022)."
    )
    mixed = {"groen": 1, "oranje": 1, "rood": 1, "grijs": 0}
    assert pillar_sentence(mixed, [judged("2020", Status.GROEN)]).startswith(
        "Een gemengd beeld: van de 3 indicatoren met een oordeel zijn er 1 op koers, 1 vragen "
        "aandacht en 1 liggen achter (laatste cijfers uit 2020)."
    )
    nothing = {"groen": 0, "oranje": 0, "rood": 0, "grijs": 4}
    assert pillar_sentence(nothing, []).startswith("Nog geen enkele indicator met een oordeel")


def test_the_first_sentence_of_an_agreement_is_never_cut_in_the_middle():
    text = "In 2023 maken we afspraken (o.a. over scholen). Daarna volgt de rest: Zuid."
    assert first_sentence(text) == "In 2023 maken we afspraken (o.a. over scholen)."
    assert first_sentence("Eén zin zonder einde") == "Eén zin zonder einde"


def test_sources_are_cited_as_publishers_without_files_or_line_numbers():
    assert publishers(
        [
            "Uitvoeringsplan 2023-2027, Figuur 7 (seed:6208-6214); Figuur 9 (seed:6867)",
            "CBS, Kerncijfers wijken en buurten 2024 (cbs_wbk_2024_rotterdam_wijken.csv)",
            "Uitvoeringsplan 2023-2027, Tabel 1",
        ]
    ) == (
        "CBS (Kerncijfers wijken en buurten 2024)",
        "Uitvoeringsplan 2023-2027 (Figuur 7, Figuur 9, Tabel 1)",
    )


def test_entered_money_shows_what_is_committed_and_what_is_left(nprz_plan, nprz_figures):
    from koers.plan.finance import Commitment

    school = Commitment(
        id="F-TEST",
        name="Bijdrage School",
        pillar="school",
        funder="Rijk",
        year=2023,
        amount=20_000_000,
        status="toegezegd",
    )
    plan = nprz_plan.model_copy(
        update={"finance": nprz_plan.finance.model_copy(update={"commitments": [school]})}
    )
    reports, _ = deel1(plan, nprz_figures)
    money = {line.name: line for line in reports.newspaper.money}
    # the plan's task for School in 2023 is € 57.000.000: € 37.000.000 is left to cover
    assert (money["School"].committed, money["School"].gap) == (20_000_000, 37_000_000)
    assert money["Werk"].committed is None  # nothing entered for Werk: not a shortfall
    assert reports.newspaper.money_entered


def test_the_residents_page_shows_the_years_conversations(nprz_plan, nprz_figures):
    from datetime import datetime

    from koers.alliance import ActionRecord, MeetingRecord

    talk = MeetingRecord(
        id=1,
        programme="nprz",
        kind="wijkraad",
        held_on=date(2023, 3, 5),
        area="tarwewijk",
        participants=None,
        summary="Gesprek over veiligheid rond de scholen.",
        goals=(),
        recorded_at=datetime(2023, 3, 6),
        recorded_by="bureau",
        actions=(
            ActionRecord(
                1, 1, "Extra verlichting Mijnsherenlaan", "gemeente", date(2023, 6, 1), None
            ),
        ),
    )
    reports = build_reports(
        nprz_plan,
        nprz_figures,
        year=2023,
        generated=DAY,
        extras=standard_sections(
            nprz_plan, nprz_figures, year=2023, generated=DAY, meetings=[talk]
        ),
    )
    paper = reports.newspaper
    assert (
        paper.residents[0]
        == "In 2023 is 1 gesprek met wijkraden vastgelegd, in 1 van de 15 wijken."
    )
    assert paper.residents[1] == (
        "Afgesproken vervolgacties: 1, waarvan 0 afgerond, 0 open en 1 verlopen "
        "(stand 31 december 2023)."
    )
    html = next(d for d in render_documents(reports) if d.kind == "deel-1").html
    assert "Gesprek over veiligheid rond de scholen." in html


def test_the_overview_states_the_measured_and_the_needed_pace_of_closing_the_gap(
    newspaper, nprz_plan, nprz_figures
):
    from statistics import median

    from koers.plan.period import period_year

    _, _, text, _ = newspaper
    glance = next(p for p in text if p.startswith("Rotterdam-Zuid in één oogopslag"))
    closed = [
        (a.gap_closed, period_year(a.period))
        for a in evaluate(nprz_plan, [*nprz_figures, *EARLIER], as_of=2023)
        if a.indicator in nprz_plan.programme.overview.indicators and a.gap_closed is not None
    ]
    # per indicator: closed / years since 2011, and what is left / years until 2031
    measured = median(gap / (year - 2011) for gap, year in closed)
    needed = median((1 - gap) / (2031 - year) for gap, year in closed)
    assert measured < 0  # the gap grew on most indicators: said as such, not as progress

    def dutch(fraction: float) -> str:
        return f"{fraction * 100:.1f}%".replace(".", ",")

    assert (
        f"Gemeten sinds 2011 werd de achterstand gemiddeld (mediaan) {dutch(-measured)} per "
        "jaar groter."
    ) in glance
    assert (
        "Nodig vanaf nu om in 2031 geen achterstand meer te hebben: gemiddeld (mediaan) "
        f"{dutch(needed)} van de achterstand van 2011 per jaar."
    ) in glance


def test_the_money_table_adds_up_the_tasks_of_the_year(newspaper):
    reports, _, text, _ = newspaper
    tasks = sum(line.task for line in reports.newspaper.money if line.task is not None)
    money = next(p for p in text if "Geld De opgave per pijler" in p)
    total = f"{tasks:,.0f}".replace(",", ".")
    assert f"Totaal € {total} nog niet ingevuld" in money
