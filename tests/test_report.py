"""The yearly documents: complete, consistent with `koers status`, Dutch, accessible PDF."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date

import pytest
from pypdf import PdfReader

from koers.assess import evaluate
from koers.plan.period import period_year
from koers.report import build_reports, latest_year, render_documents, to_pdf
from koers.report.sections import standard_sections
from koers.sources import ImportContext

from .conftest import EXAMPLE, ROOT

NPRZ = ROOT / "plans" / "nprz-2023-2027"
DAY = date(2023, 1, 1)
STORY = {("E5.4", "zuid", "2022-12-31"): "Door corona stroomden minder mensen uit naar werk."}


@pytest.fixture(scope="module")
def nprz(nprz_plan, nprz_figures):
    plan, rows = nprz_plan, nprz_figures
    year = latest_year(rows)
    reports = build_reports(
        plan,
        rows,
        year=year,
        generated=DAY,
        narratives=STORY,
        extras=standard_sections(plan, rows, year=year, generated=DAY),
    )
    return plan, rows, reports, {d.slug: d.html for d in render_documents(reports)}


def test_the_full_set_of_documents(nprz):
    plan, _, reports, documents = nprz
    assert reports.year == 2023
    wijken = [a.id for a in plan.areas if a.kind.value == "wijk"]
    assert sorted(documents) == sorted(
        [
            "deel-1-zuid-op-koers",
            "deel-2-voortgangsrapportage",
            *(f"jaarambitie-{w}" for w in wijken),
        ]
    )
    assert len(wijken) == 15


def test_deel_2_holds_every_indicator_and_agreement_of_the_plan(nprz):
    plan, _, _, documents = nprz
    deel2 = documents["deel-2-voortgangsrapportage"]
    for indicator in plan.indicators:
        if indicator.kind.value != "context":
            assert f"{indicator.id} " in deel2, indicator.id
    for agreement in plan.agreements:
        if agreement.is_commitment:
            assert f"<td>{agreement.id}</td>" in deel2, agreement.id
        elif agreement.kind == "verwijzing":  # listed once, where the commitment is held
            assert agreement.id not in deel2, agreement.id
        else:  # a wish or principle: listed apart, never in the register of commitments
            assert f"<td>{agreement.id}</td>" not in deel2, agreement.id
            assert f"<li>{agreement.id} (" in deel2, agreement.id


def test_the_source_appendix_cites_publisher_table_and_year_without_line_numbers(nprz):
    plan, rows, reports, documents = nprz
    appendix = documents["deel-2-voortgangsrapportage"].split('<section id="bronnen">', 1)[1]
    appendix = appendix.split("</section>", 1)[0]
    assert "seed:" not in appendix and "[UNCERTAIN]" not in appendix
    assert "<li>Uitvoeringsplan 2023-2027, Tabel 1</li>" in appendix  # where the figures are
    # a row per indicator with figures, from its passport
    with_figures = {o.indicator for o in rows if o.value is not None}
    assert [r.indicator.id for r in reports.source_rows] == [
        i.id for i in plan.indicators if i.id in with_figures
    ]
    t1r1 = next(r for r in reports.source_rows if r.indicator.id == "T1.R1")
    assert t1r1.citations[0] == "CBS, UWV en DUO, bewerking OBI (gemeente Rotterdam)"
    assert (
        "CBS, Kerncijfers wijken en buurten 2024, CBS Wijk- en Buurtkaart 2024" in t1r1.citations[1]
    )
    assert t1r1.delivered_by == "Gemeente Rotterdam"
    assert "<td>T1.R1</td>" in appendix and "Gemeente Rotterdam" in appendix


def test_statuses_and_numbers_match_koers_status(nprz):
    plan, rows, _, documents = nprz
    deel2 = documents["deel-2-voortgangsrapportage"]
    for result in evaluate(plan, rows, as_of=2023):
        if result.kind != "effect":
            continue
        section = deel2.split(f"<h4>{result.indicator} ", 1)[1].split("<h4>", 1)[0]
        assert f"status-{result.status.value}" in section, result.indicator
        assert result.explanation.replace("'", "&#39;") in section, result.indicator


def test_dutch_formats(nprz):
    _, _, _, documents = nprz
    deel2 = documents["deel-2-voortgangsrapportage"]
    assert "gemaakt op 1 januari 2023" in deel2
    assert "€\u00a025.500" in deel2  # T1.R15 income of Zuid, € never parted from it
    assert "€\u00a0644.000.000" in deel2  # Tabel 11 total 2023-2026
    for section in ("Financiën", "Proportionaliteit", "Bestuur", "Bondgenootschap met bewoners"):
        assert f">{section}" in deel2
    assert "40,3%" in deel2 and "2020/2021" in deel2


def test_missing_data_is_said_in_words(nprz):
    _, _, _, documents = nprz
    deel2 = documents["deel-2-voortgangsrapportage"]
    assert "Geen grafiek: Rotterdam-Zuid: nog geen gegevens ingelezen." in deel2
    wijk = documents["jaarambitie-tarwewijk"]
    assert "Geen kaart: voor Tarwewijk zijn geen grenzen ingelezen." in wijk
    assert (
        "Het plan belooft monitoring van taal, schulden en voorschoolse educatie per wijk; "
        "daarvoor zijn nog geen cijfers van Tarwewijk ingelezen."
    ) in wijk


def test_the_story_behind_the_curve_is_shown(nprz):
    assert (
        "Door corona stroomden minder mensen uit naar werk."
        in nprz[3]["deel-2-voortgangsrapportage"]
    )


def test_overdue_agreements_are_highlighted(nprz):
    plan, rows, reports, _ = nprz
    later = build_reports(plan, rows, year=reports.year, generated=date(2025, 1, 1))
    due_2023 = [
        a.id
        for a in plan.agreements
        if a.due and re.fullmatch(r"2023(-\d\d(-\d\d)?)?", a.due) and a.due_kind == "uiterlijk"
    ]
    assert due_2023 and set(due_2023) <= later.overdue
    assert not [a for a in plan.agreements if a.due == "doorlopend" and a.id in later.overdue]
    # a start date, a not-before date or a yearly commitment is never late
    assert not [
        a.id for a in plan.agreements if a.due_kind != "uiterlijk" and a.id in later.overdue
    ]
    deel2 = {d.slug: d.html for d in render_documents(later)}["deel-2-voortgangsrapportage"]
    assert f'<tr class="overdue"><td>{due_2023[0]}</td>' in deel2


def test_the_same_store_and_year_give_identical_html(nprz):
    plan, rows, reports, documents = nprz
    again = build_reports(
        plan,
        rows,
        year=reports.year,
        generated=DAY,
        narratives=STORY,
        extras=standard_sections(plan, rows, year=reports.year, generated=DAY),
    )
    assert {d.slug: d.html for d in render_documents(again)} == documents


def test_deel_1_is_short_and_has_a_table_of_contents(nprz):
    deel1 = nprz[3]["deel-1-zuid-op-koers"]
    assert '<nav class="toc" aria-label="Inhoudsopgave">' in deel1
    pdf = PdfReader(io.BytesIO(to_pdf(deel1, DAY)))
    assert len(pdf.pages) <= 12
    assert "/StructTreeRoot" in pdf.trailer["/Root"]  # tagged PDF
    assert "/MarkInfo" in pdf.trailer["/Root"]
    titles = list(_titles(pdf.outline))
    assert titles[0] == "Zuid op Koers 2023"
    assert {"Inhoud", "Thuisbasis op orde", "School", "Werk", "Wonen", "Veilig"} <= set(titles)


def _titles(outline: list) -> Iterator[str]:
    for item in outline:
        if isinstance(item, list):
            yield from _titles(item)
        else:
            yield item.title


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_first_pages_render_to_non_blank_images(tmp_path, nprz):
    documents = nprz[3]
    for slug in ("deel-1-zuid-op-koers", "jaarambitie-tarwewijk"):
        pdf = tmp_path / f"{slug}.pdf"
        pdf.write_bytes(to_pdf(documents[slug], DAY))
        subprocess.run(
            ["pdftoppm", "-gray", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / slug)],
            check=True,
        )
        (image,) = tmp_path.glob(f"{slug}*.pgm")
        pixels = _pgm_pixels(image.read_bytes())
        dark = sum(1 for p in pixels if p < 128)
        assert dark > 0.005 * len(pixels), slug  # text and figures, not an empty page


def _pgm_pixels(data: bytes) -> bytes:
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert header is not None
    return data[header.end() :]


def test_koers_report_writes_html_and_pdf(tmp_path, run):
    run("load", str(EXAMPLE))
    saved = run("narrative", "bijstandsaandeel", "2022", "Meer uitstroom dan verwacht.")
    assert "opgeslagen" in saved.stdout
    result = run("report", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "2023"
    assert (folder / "deel-1-zuid-op-koers.pdf").read_bytes().startswith(b"%PDF")
    assert (
        "Meer uitstroom dan verwacht." in (folder / "deel-2-voortgangsrapportage.html").read_text()
    )
    records = json.loads(run("status", "--format", "json").stdout)
    share = next(r for r in records if r["indicator"] == "bijstandsaandeel")
    assert share["explanation"] in (folder / "deel-2-voortgangsrapportage.html").read_text()
    bad = run("narrative", "nope", "2022", "x")
    assert bad.exit_code == 1 and "indicator 'nope' staat niet in het plan" in bad.stderr


def test_wijk_documents_locate_the_wijk_on_a_map(nprz):
    from koers.sources.boundaries import read_boundaries

    plan, rows, reports, _ = nprz
    path = NPRZ / "data" / "grenzen-buurten-zuid-2024.geojson"
    shapes = read_boundaries(path.read_bytes(), path.name, ImportContext(plan), None).boundaries
    with_maps = build_reports(plan, rows, year=reports.year, generated=DAY, boundaries=shapes)
    documents = {d.slug: d.html for d in render_documents(with_maps)}
    tarwewijk = documents["jaarambitie-tarwewijk"]
    assert 'aria-label="Kaart van 15 gebieden; ' in tarwewijk
    assert (
        "Tarwewijk is gemarkeerd" in tarwewijk
        and "Ligging van Tarwewijk in Rotterdam-Zuid" in tarwewijk
    )
    assert "<svg" in tarwewijk and ">Tarwewijk</text>" in tarwewijk
    # a wijk document lists what the plan links to one of its buurten (Carnisse: A6.10d)
    carnisse = documents["jaarambitie-carnisse-zuidplein"]
    assert "<strong>A6.10d</strong>" in carnisse and "<strong>A6.21</strong>" not in carnisse
    # its two wijken split one CBS buurt: both are drawn as that buurt, and say so
    noord = documents["jaarambitie-groot-ijsselmonde-noord"]
    assert "Geen kaart" not in noord and ">Groot IJsselmonde Noord</text>" in noord
    assert "het deelt de CBS-buurt Groot IJsselmonde met Groot IJsselmonde Zuid" in noord
    assert len(with_maps.maps) == 15


def test_wijk_documents_show_the_wijkraad_conversations(tmp_path, run, nprz):
    documents = nprz[3]
    assert (
        "is met de wijkraad van Tarwewijk nog geen gesprek vastgelegd; het plan belooft "
        "er één tot twee per jaar."
    ) in documents["jaarambitie-tarwewijk"]
    run("load", str(NPRZ))
    added = run(
        "alliance",
        "add",
        "--kind",
        "wijkraad",
        "--area",
        "tarwewijk",
        "--date",
        "2023-03-05",
        "--summary",
        "Gesprek over veiligheid rond de scholen.",
        "--action",
        "Extra verlichting Mijnsherenlaan|gemeente|2023-06-01",
    )
    assert added.exit_code == 0, added.output
    result = run("report", "--year", "2023", "--no-pdf", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    tarwewijk = (tmp_path / "2023" / "wijken" / "jaarambitie-tarwewijk.html").read_text()
    assert "Gesprek over veiligheid rond de scholen." in tarwewijk
    assert "Extra verlichting Mijnsherenlaan" in tarwewijk
    deel2 = (tmp_path / "2023" / "deel-2-voortgangsrapportage.html").read_text()
    assert "Bondgenootschap met bewoners" in deel2


@pytest.mark.parametrize(
    ("due", "today", "overdue"),
    [
        ("2023", date(2023, 12, 31), False),
        ("2023", date(2024, 1, 1), True),
        ("2024-02", date(2024, 2, 29), False),
        ("2024-02-15", date(2024, 2, 16), True),
        ("2023-2027", date(2027, 12, 31), False),
        ("2023-2027", date(2028, 1, 1), True),
        ("doorlopend", date(2099, 1, 1), False),
        (None, date(2099, 1, 1), False),
    ],
)
def test_when_an_agreement_is_overdue(due, today, overdue):
    from koers.plan.period import due_passed as _overdue

    assert _overdue(due, today) is overdue


MM = 72 / 25.4
MARGIN = 17 * MM  # the left and right page margins of base.html


@pytest.mark.parametrize(
    "slug",
    [
        "deel-1-zuid-op-koers",
        "deel-2-voortgangsrapportage",
        "jaarambitie-nieuw-zuid",  # the longest wijk name, on its map and in its table
        "jaarambitie-groot-ijsselmonde-noord",
    ],
)
def test_nothing_is_printed_past_the_margins(nprz, slug):
    """Every character of every page lies inside the page's content box: no table column,
    chart label or map label runs off the paper (landscape pages included)."""
    import pdfplumber

    *_, documents = nprz
    with pdfplumber.open(io.BytesIO(to_pdf(documents[slug], DAY))) as pdf:
        outside = [
            (number, "".join(c["text"] for c in chars[:20]))
            for number, page in enumerate(pdf.pages, start=1)
            if (
                chars := [
                    c
                    for c in page.chars
                    if c["x0"] < MARGIN - 0.5 or c["x1"] > page.width - MARGIN + 0.5
                ]
            )
        ]
    assert outside == []


def test_deel_1_states_the_ambition_as_ambition_and_the_gap_closure_as_measured(nprz):
    plan, rows, reports, documents = nprz
    cover = documents["deel-1-zuid-op-koers"].split("</header>")[0]
    assert "De ambitie is dat in 20 jaar het G4-niveau wordt bereikt" in cover
    assert "is een kwart van de achterstand ingelopen" not in cover  # not stated as a result
    overview = plan.programme.overview
    measured = {
        a.indicator: (a.gap_closed, a.period)
        for a in evaluate(plan, rows, as_of=reports.year)
        if a.indicator in overview.indicators and a.gap_closed is not None
    }
    quarter = sum(1 for gap, _ in measured.values() if gap >= 0.25)
    behind = sum(1 for gap, _ in measured.values() if gap < 0)
    years = sorted(period_year(period) for _, period in measured.values())
    assert (
        f"Gemeten: van de {len(measured)} indicatoren van Tabel 1 met een nulmeting (2011) en "
        f"een later cijfer ({years[0]} tot en met {years[-1]}) is bij {quarter} een kwart of "
        f"meer van de achterstand ingelopen; bij {behind} is de achterstand groter geworden."
    ) in " ".join(cover.split())
