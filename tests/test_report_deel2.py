"""Deel II as a programme-bureau civil servant reads it: agreements grouped by pillar and
owner with their lights and full texts, board and alliance about the report year, money "niet
ingevuld" where nothing was entered, the reading guide, and Dutch typography in the PDF's
text (no ISO date, no hyphen for a minus, no "€" parted from its amount)."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest

from koers import nl
from koers.plan.loader import plan_from_documents
from koers.plan.summary import agreement_rows
from koers.present.guide import reading_guide
from koers.report import build_reports, render_documents, to_pdf
from koers.report.agreements import agreement_overview
from koers.report.sections import standard_sections

PLAN = plan_from_documents(
    {
        "plan.yaml": """
programme: {id: p, name: P, area: zuid, period_start: 2023, period_end: 2027, horizon: 2031}
pillars:
  - {id: wonen, name: Wonen}
  - {id: werk, name: Werk}
  - {id: cultuur, name: Cultuur, kind: aandachtsgebied}
areas:
  - {id: zuid, name: Zuid, kind: district}
partners:
  - {id: woonbron, name: Woonbron, sector: corporaties}
  - {id: gemeente, name: Gemeente Rotterdam, sector: overheid}
agreements:
  - {id: K1, text: "De gemeente zoekt banen. Daarna volgt de rest.", pillar: werk,
     owners: [gemeente]}
  - {id: C1, text: Een festival, pillar: cultuur, owners: [gemeente]}
  - {id: W2, text: De gemeente handhaaft, pillar: wonen, owners: [gemeente],
     due: "2023-06-30", due_kind: uiterlijk}
  - {id: W1, text: Woonbron renoveert 500 woningen, pillar: wonen, owners: [woonbron],
     due: "2024", due_kind: uiterlijk}
  - {id: W3, text: Samen een kader, pillar: wonen, due: "2023", due_kind: uiterlijk}
  - {id: W4, text: Samen bouwen, pillar: wonen, owners: [woonbron, gemeente],
     due: "2023-2027", due_kind: jaarlijks}
  - {id: X1, text: Een wens, pillar: wonen, kind: wens}
"""
    }
)


def overview(statuses=None, *, year=2023, generated=date(2026, 12, 6)):
    rows = agreement_rows(PLAN, statuses=statuses or {})
    return agreement_overview(PLAN, rows, year=year, generated=generated)


def test_agreements_are_grouped_by_pillar_in_the_plans_order_then_by_owner():
    ag = overview()
    assert [p.name for p in ag.pillars] == ["Wonen", "Werk", "Cultuur"]
    wonen = ag.pillars[0]
    # owners alphabetically, several owners as one group, no owner last; wishes are no rows
    assert [g.owner for g in wonen.groups] == [
        "Gemeente Rotterdam",
        "Woonbron",
        "Woonbron en Gemeente Rotterdam",
        "Eigenaar niet vermeld in het plan",
    ]
    assert [i.row.id for g in wonen.groups for i in g.items] == ["W2", "W1", "W4", "W3"]
    # the full text, never cut
    assert (
        ag.pillars[1].groups[0].items[0].row.text
        == "De gemeente zoekt banen. Daarna volgt de rest."
    )


def test_late_means_past_the_deadline_at_the_end_of_the_report_year_not_today():
    # made in 2026: W1 (uiterlijk 2024) is late today, but not in the report about 2023
    ag = overview()
    assert {i.row.id for i in ag.items if i.overdue} == {"W2", "W3"}
    assert ag.as_of == date(2024, 1, 1)
    # a report made during the year judges on the day it is made
    assert not [i for i in overview(generated=date(2023, 3, 1)).items if i.overdue]


def test_nothing_reported_is_said_once_per_group_and_reports_get_their_lights():
    silent = overview()
    wonen = silent.pillars[0]
    assert wonen.sentence == (
        "4 afspraken, nog geen enkele gerapporteerd; 2 zijn aan het eind van 2023 over de "
        "uiterste datum en niet afgerond."
    )
    assert not any(g.reported for g in wonen.groups) and silent.statuses == []
    reported = overview({"W2": "afgerond", "W1": "vertraagd"})
    wonen = reported.pillars[0]
    assert wonen.sentence == (
        "4 afspraken: 1 afgerond, 1 vertraagd en 2 niet gerapporteerd; 1 is aan het eind van "
        "2023 over de uiterste datum en niet afgerond."
    )
    assert [(i.row.id, i.css) for i in wonen.items[:2]] == [("W2", "groen"), ("W1", "rood")]
    assert reported.statuses == ["afgerond", "vertraagd"]


def test_the_summary_per_partner_counts_each_owner_of_a_shared_agreement():
    ag = overview({"W4": "op schema"})
    partners = {p.name: (p.total, p.reported, p.overdue) for p in ag.partners}
    assert partners == {"Gemeente Rotterdam": (4, 1, 1), "Woonbron": (2, 1, 0)}


def test_due_dates_are_said_in_dutch():
    words = {i.row.id: i.when for i in overview().items}
    assert words["W2"] == "uiterlijk 30 juni 2023"
    assert words["W4"] == "jaarlijks, 2023-2027"
    assert words["K1"] is None


def test_the_reading_guide_follows_the_plans_own_margins():
    changed = PLAN.model_copy(
        update={
            "programme": PLAN.programme.model_copy(
                update={
                    "status_rules": PLAN.programme.status_rules.model_copy(
                        update={"gap_tolerance": 0.2, "relative_tolerance": 0.025}
                    )
                }
            )
        }
    )
    text = " ".join(s for sec in reading_guide(changed).sections for s in sec.items)
    assert "20% van de achterstand bij de nulmeting" in text
    assert "dan is de marge 0,8 procentpunt" in text  # 20% of 4 points
    assert "2,5% van de waarde op schema" in text


# --------------------------------------------------------------------------- the NPRZ Deel II

MADE = date(2026, 12, 6)  # years after the report year: the machine's clock must not show


@pytest.fixture(scope="module")
def deel2(nprz_plan, nprz_figures):
    plan, rows = nprz_plan, nprz_figures
    reports = build_reports(
        plan,
        rows,
        year=2023,
        generated=MADE,
        extras=standard_sections(plan, rows, year=2023, generated=MADE),
        agreement_statuses={"A6.5": "op schema", "A6.6": "vertraagd"},
    )
    return {d.slug: d.html for d in render_documents(reports)}["deel-2-voortgangsrapportage"]


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_every_contents_entry_equals_its_heading(deel2):
    toc = deel2.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    entries = re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', toc)
    assert ("leeswijzer", "Leeswijzer") in entries
    for anchor, label in entries:
        section = deel2.split(f'id="{anchor}"', 1)[1]
        heading = re.search(r"<h2[^>]*>(.*?)</h2>", section, re.S)
        assert heading is not None and html.unescape(heading[1]).strip() == html.unescape(label)


def test_agreements_show_lights_once_reported_and_say_silence_once(deel2, nprz_plan):
    section = deel2.split('<section id="afspraken">', 1)[1].split("</section>", 1)[0]
    wonen = section.split('<h3 id="afspraken-wonen">', 1)[1].split("<h3", 1)[0]
    assert re.search(r'<td>A6\.5</td>.*?status-groen">op schema<', wonen, re.S)
    assert re.search(r'<td>A6\.6</td>.*?status-rood">vertraagd<', wonen, re.S)
    # where nobody reported, no row says so: the pillar's sentence does, once
    werk = section.split('<h3 id="afspraken-werk">', 1)[1].split("<h3", 1)[0]
    assert "niet gerapporteerd" not in werk
    assert "nog geen enkele gerapporteerd" in _text(werk)
    # every commitment with its whole text, never cut with "…"
    shown = _text(section)
    for agreement in nprz_plan.agreements:
        if agreement.is_commitment:
            assert " ".join(agreement.text.split()) in shown, agreement.id


def test_board_and_alliance_are_about_the_report_year(deel2):
    board = _text(deel2.split('<section id="board">', 1)[1].split("</section>", 1)[0])
    assert "Vergaderingen 2023" in board and "2026" not in board
    assert "te weinig vergaderingen" not in board  # nothing recorded is no alarm
    alliance = deel2.split('<section id="alliance">', 1)[1].split("</section>", 1)[0]
    assert alliance.count("geen gesprek in 2023") == 0
    assert alliance.count("geen wijkraadgesprek</span>") == 1  # one line, not fifteen
    assert "met geen van de 15 wijkraden een gesprek vastgelegd" in _text(alliance)


def test_money_without_commitments_is_not_a_shortfall(deel2):
    money = deel2.split('<section id="money">', 1)[1].split("</section>", 1)[0]
    assert "Niet ingevuld" in money
    assert 'status-rood">tekort</span></td></tr>' not in money.split("Dekking per pijler")[1]


def test_the_reading_guide_is_part_of_deel_2(deel2):
    guide = _text(deel2.split('<section id="leeswijzer">', 1)[1].split("</section>", 1)[0])
    assert "10% van de achterstand bij de nulmeting" in guide
    assert "Wanneer grijs" in guide and "Perioden" in guide


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
HYPHEN_MINUS = re.compile(r"(?:^|[\s(])-\d")  # a hyphen where a minus sign is meant


def test_the_pdf_text_reads_as_dutch_typography(deel2):
    import pdfplumber

    with pdfplumber.open(io.BytesIO(to_pdf(deel2, MADE))) as pdf:
        lines = [
            (number, line)
            for number, page in enumerate(pdf.pages, start=1)
            for line in (page.extract_text() or "").splitlines()
        ]
    assert lines
    assert [(n, line) for n, line in lines if ISO_DATE.search(line)] == []
    assert [(n, line) for n, line in lines if HYPHEN_MINUS.search(line)] == []
    # "€" parted from its amount at a line end ("naar €" / "6.200"); a chart's axis title
    # "€" is a line of its own
    parted = [(n, line) for n, line in lines if line.rstrip().endswith("€") and line.strip() != "€"]
    assert parted == []
    assert any(nl.MINUS in line for _, line in lines)  # the negative gap closures
    text = "\n".join(line for _, line in lines)
    for leak in ("seed:", "[UNCERTAIN", "[INFERRED"):
        assert leak not in text
