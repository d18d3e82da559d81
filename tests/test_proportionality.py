"""Proportionality of help (Tabel 4): share per service and year against the proportional
share, with the engine's own status, the change in procentpunt and a summary per year.

The Tabel 4 numbers are checked by hand against ``plans/nprz-2023-2027/data/30-thuisbasis.csv``
and the engine's rule for ``proportional_share`` in mode ``at_least`` (docs/targets.md):
the proportional share is the band's lower bound, 42%; behind by at most 5% of it
(relative_tolerance 0.05 × 42 = 2,1 procentpunt), or higher than the previous figure, is
oranje; further behind and not rising is rood; 42% or more is groen.
"""

from __future__ import annotations

import json

import pytest
from jinja2 import Environment, PackageLoader

import koers.cli.proportionality  # noqa: F401  (registers the command on main)
from koers.areas import Observation
from koers.assess import Status, evaluate
from koers.cli import main
from koers.plan import Plan
from koers.proportionality import (
    ServiceShare,
    YearSummary,
    proportionality,
    proportionality_summary,
)

from .conftest import ROOT
from .helpers import make_plan

PLAN_DIR = ROOT / "plans" / "nprz-2023-2027"
TABEL_4 = ["O3.1", "O3.2", "O3.3", "O3.4", "O3.5", "O3.6"]


@pytest.fixture(scope="module")
def plan(nprz_plan: Plan) -> Plan:
    return nprz_plan


@pytest.fixture(scope="module")
def observations(nprz_figures: list[Observation]) -> list[Observation]:
    return nprz_figures


@pytest.fixture(scope="module")
def rows(plan: Plan, observations: list[Observation]) -> list[ServiceShare]:
    return proportionality(plan, observations)


@pytest.fixture(scope="module")
def summaries(plan: Plan, observations: list[Observation]) -> list[YearSummary]:
    return proportionality_summary(plan, observations)


def row(rows: list[ServiceShare], indicator: str, year: int) -> ServiceShare:
    (found,) = [r for r in rows if r.indicator == indicator and r.year == year]
    return found


def by_year(summaries: list[YearSummary], year: int) -> YearSummary:
    (found,) = [s for s in summaries if s.year == year]
    return found


# -- the NPRZ plan --------------------------------------------------------------------------

# indicator: (share, status, why) — 2021 is Tabel 4's first year: nothing to improve on
TABEL_4_2021 = {
    "O3.1": (
        38,
        Status.ROOD,
        "4 procentpunt te weinig, meer dan de marge van 2 procentpunt (5% van 42%); geen eerder cijfer om verbetering aan te zien",
    ),  # 4 > 2,1
    "O3.2": (42, Status.GROEN, "voldoende"),  # at the lower bound
    "O3.3": (
        25,
        Status.ROOD,
        "17 procentpunt te weinig, meer dan de marge van 2 procentpunt (5% van 42%); geen eerder cijfer om verbetering aan te zien",
    ),
    "O3.4": (
        33,
        Status.ROOD,
        "9 procentpunt te weinig, meer dan de marge van 2 procentpunt (5% van 42%); geen eerder cijfer om verbetering aan te zien",
    ),
    "O3.5": (
        37,
        Status.ROOD,
        "5 procentpunt te weinig, meer dan de marge van 2 procentpunt (5% van 42%); geen eerder cijfer om verbetering aan te zien",
    ),
    "O3.6": (
        35,
        Status.ROOD,
        "7 procentpunt te weinig, meer dan de marge van 2 procentpunt (5% van 42%); geen eerder cijfer om verbetering aan te zien",
    ),
}
TABEL_4_2022 = {
    "O3.1": (
        41,
        Status.ORANJE,
        "1 procentpunt te weinig, binnen de marge van 2 procentpunt (5% van 42%)",
    ),  # 1 <= 2,1 (and rising)
    "O3.2": (
        35,
        Status.ROOD,
        "7 procentpunt te weinig, meer dan de marge van 2 procentpunt (5% van 42%) en niet beter dan vorig jaar (42%)",
    ),  # fell from 42
    "O3.3": (
        29,
        Status.ORANJE,
        "13 procentpunt te weinig, maar 4 procentpunt beter dan vorig jaar",
    ),  # far behind, but rising 25→29
    "O3.4": (
        33,
        Status.ROOD,
        "9 procentpunt te weinig, meer dan de marge van 2 procentpunt (5% van 42%) en niet beter dan vorig jaar (33%)",
    ),  # unchanged: not rising
    "O3.5": (
        37,
        Status.ROOD,
        "5 procentpunt te weinig, meer dan de marge van 2 procentpunt (5% van 42%) en niet beter dan vorig jaar (37%)",
    ),  # unchanged
    "O3.6": (42, Status.GROEN, "voldoende"),  # the wijkteams reach the band
}


@pytest.mark.parametrize(("year", "expected"), [(2021, TABEL_4_2021), (2022, TABEL_4_2022)])
def test_tabel_4_statuses_per_year(rows, plan, observations, year, expected):
    engine = {a.indicator: a for a in evaluate(plan, observations, year=year)}
    for indicator, (share, status, why) in expected.items():
        found = row(rows, indicator, year)
        assert (found.share, found.status) == (share, status), indicator
        assert found.explanation == (
            f"Rotterdam-Zuid {share}% van het totaal, proportioneel is 42-47%: {why}."
        )
        # the engine's own status and sentence, not a second rule
        assert (found.status, found.explanation) == (
            engine[indicator].status,
            engine[indicator].explanation,
        )
        assert found.norm.kind == "band"
        assert (found.norm.band, found.norm.proportional) == ((42, 47), 42)
        assert found.norm.text == "42-47% (bandbreedte)"
        assert found.norm.statement is not None
        assert "meestal tussen de 42% en 47%" in found.norm.statement
        assert found.reached is (share >= 42)


def test_the_wijkteams_reach_the_band_in_2022(rows, summaries):
    wijkteams = row(rows, "O3.6", 2022)
    assert wijkteams.name.endswith("toegekend door: Wijkteams")
    assert (wijkteams.share, wijkteams.status, wijkteams.reached) == (42, Status.GROEN, True)
    assert wijkteams.explanation.endswith("proportioneel is 42-47%: voldoende.")
    assert wijkteams.status_label == "op koers"
    assert (wijkteams.previous_year, wijkteams.previous_share, wijkteams.change) == (2021, 35, 7)
    assert wijkteams.change_text == "+7 procentpunt sinds 2021"
    # 2022: of the six Tabel 4 services with a 2022 figure only the wijkteams reach 42%
    summary = by_year(summaries, 2022)
    assert (summary.help_reached, summary.help_total) == (1, 6)
    assert summary.sentence.startswith("2022: 1 van 6 diensten minimaal proportioneel")
    # 2021: only Basishulp (42%)
    assert (by_year(summaries, 2021).help_reached, by_year(summaries, 2021).help_total) == (1, 6)
    assert [r.indicator for r in by_year(summaries, 2021).services if r.reached] == ["O3.2"]


def test_change_since_2021_in_procentpunt(rows):
    changes = {i: (row(rows, i, 2022).change, row(rows, i, 2022).change_text) for i in TABEL_4}
    assert changes == {
        "O3.1": (3, "+3 procentpunt sinds 2021"),
        "O3.2": (-7, "\u22127 procentpunt sinds 2021"),
        "O3.3": (4, "+4 procentpunt sinds 2021"),
        "O3.4": (0, "gelijk aan 2021"),
        "O3.5": (0, "gelijk aan 2021"),
        "O3.6": (7, "+7 procentpunt sinds 2021"),
    }
    first = row(rows, "O3.1", 2021)
    assert (first.change, first.previous_year, first.change_text) == (None, None, "—")


def test_every_proportional_share_target_in_both_modes_per_year_with_a_figure(rows):
    assert [(r.year, r.indicator) for r in rows] == [
        (2020, "E3.1"),  # counts: Zuid / Rotterdam, 2020 is its baseline
        *((2021, i) for i in TABEL_4),
        *((2022, i) for i in TABEL_4),
        (2022, "E5.4"),
        (2023, "O3.7"),  # per 1 January 2023
    ]
    # O5.9 (events, minimaal 50%) has no figure: no row
    assert {r.mode for r in rows} == {"at_least", "converge"}


def test_the_bijstand_share_with_its_own_norm(rows, summaries):
    bijstand = row(rows, "E5.4", 2022)
    assert (bijstand.mode, bijstand.share, bijstand.period) == ("converge", 40.3, "2022-12-31")
    assert bijstand.norm.kind == "converge"
    assert (bijstand.norm.proportional, bijstand.norm.reference_share) == (32, 32)
    assert (bijstand.norm.target_year, bijstand.norm.expected) == (2031, 37.4)
    assert bijstand.norm.label == "naar 32,0% in 2031, beoogd 37,4% in 2022"
    assert bijstand.norm.basis.startswith("Proportioneel aandeel uit het plan: 32,0%")
    # lower is better: 40,3% is not yet down to 32%; 37,4% was the plan for 2022
    assert (bijstand.reached, bijstand.status) == (False, Status.ROOD)
    assert bijstand.explanation.startswith(
        "Rotterdam-Zuid 40,3% van het totaal, beoogd voor 2022 was 37,4% (vanaf deze nulmeting "
        "loopt het pad naar 32,0% in 2031): 2,9 procentpunt boven het beoogde aandeel"
    )
    summary = by_year(summaries, 2022)
    assert (summary.problem_reached, summary.problem_total) == (0, 1)
    assert summary.sentence.endswith(
        "0 van 1 aandeel in de problematiek terug op het proportionele aandeel."
    )
    # a share computed from counts (E3.1, share_of rotterdam) shows one decimal
    poverty = row(rows, "E3.1", 2020)
    assert (poverty.share_text, poverty.status, poverty.norm.reference_share) == (
        "44,6%",
        Status.GRIJS,
        33.5,
    )


def test_population_shares_of_tabel_4_shown_beside_not_as_the_norm(summaries):
    shown = {c.indicator: c.value_text for c in by_year(summaries, 2022).comparisons}
    assert shown == {"C3.9": "35%", "C3.10": "31%"}  # youth 0-18 and adults
    # O3.7 counts for 2023 (1-1-2023); the population shares are the latest, of 2022
    later = {c.indicator: c.value_text for c in by_year(summaries, 2023).comparisons}
    assert later == {"C3.9": "35% (2022)", "C3.10": "31% (2022)"}
    assert by_year(summaries, 2020).comparisons == ()  # E3.1's Tabel 3 has no percent context


def test_years_limits_the_rows_not_the_change(plan, observations):
    only = proportionality(plan, observations, years=[2022])
    assert {r.year for r in only} == {2022}
    assert row(only, "O3.1", 2022).change_text == "+3 procentpunt sinds 2021"
    assert proportionality(plan, observations, years=[2019]) == []
    assert proportionality_summary(plan, observations, years=[2019]) == []


# -- hand-made plans ------------------------------------------------------------------------

BAND = {"kind": "proportional_share", "mode": "at_least", "band": [42, 47]}


def service(id: str, target: dict[str, object], **fields: object) -> dict[str, object]:
    return {
        "id": id,
        "name": f"Dienst {id}",
        "kind": "output",
        "unit": "percent",
        "polarity": "higher_is_better",
        "decimals": 0,
        "target": target,
        **fields,
    }


def test_a_service_above_the_band():
    the_plan = make_plan(service("hulp", BAND))
    observed = [
        Observation("hulp", "zuid", "2021", 40.0),
        Observation("hulp", "zuid", "2022", 49.0),
    ]
    first, second = proportionality(the_plan, observed)
    # 2021: 2 short of 42, within 2,1 → oranje
    assert (first.status, first.reached) == (Status.ORANJE, False)
    assert (
        first.explanation
        == "Zuid 40% van het totaal, proportioneel is 42-47%: 2 procentpunt te weinig, "
        "binnen de marge van 2 procentpunt (5% van 42%)."
    )
    # 2022: above 47
    assert (second.status, second.reached) == (Status.GROEN, True)
    assert second.explanation == (
        "Zuid 49% van het totaal, proportioneel is 42-47%: boven de bandbreedte."
    )
    assert second.change_text == "+9 procentpunt sinds 2021"
    assert second.norm.basis == (
        "Bandbreedte uit het plan: 42-47%; de ondergrens 42% is het proportionele aandeel, "
        "boven 47% is boven de bandbreedte"
    )


def test_minimum_share_counts_and_a_missing_total():
    the_plan = make_plan(
        service(
            "events",
            {"kind": "proportional_share", "mode": "at_least", "reference_share": 50},
        ),
        service(
            "trajecten",
            {
                "kind": "proportional_share",
                "mode": "at_least",
                "reference_share": 40,
                "share_of": "rotterdam",
            },
            unit="count",
            aggregation="sum",
        ),
    )
    observed = [
        Observation("events", "zuid", "2022", 48.0),
        Observation("trajecten", "zuid", "2022", 45.0),
        Observation("trajecten", "rotterdam", "2022", 100.0),
        Observation("trajecten", "zuid", "2023", 50.0),  # no Rotterdam total for 2023
    ]
    rows_ = proportionality(the_plan, observed)
    events = row(rows_, "events", 2022)
    assert (events.norm.kind, events.norm.text) == ("minimum", "minimaal 50% (minimum)")
    assert (events.status, events.reached) == (Status.ORANJE, False)  # 2 <= 0,05 × 50
    shares = row(rows_, "trajecten", 2022)
    assert (shares.share, shares.share_text, shares.reached) == (45, "45,0%", True)
    assert shares.norm.label == "minimaal 40,0%"
    missing = row(rows_, "trajecten", 2023)
    assert (missing.share, missing.status, missing.reached, missing.change) == (
        None,
        Status.GRIJS,
        None,
        None,
    )
    assert missing.explanation.startswith("Zuid, 2023:")
    (y2022, y2023) = proportionality_summary(the_plan, observed)
    assert (y2022.help_reached, y2022.help_total) == (1, 2)
    assert y2022.sentence == "2022: 1 van 2 diensten minimaal proportioneel."
    assert y2022.counts == {"groen": 1, "oranje": 1, "rood": 0, "grijs": 0}
    assert (y2023.help_total, y2023.sentence) == (0, "2023: geen aandeel bekend.")


def test_a_plan_without_proportional_targets():
    the_plan = make_plan({"id": "x", "target": {"kind": "monitor_only"}})
    assert proportionality(the_plan, [Observation("x", "zuid", "2022", 1.0)]) == []


# -- command line ---------------------------------------------------------------------------


def test_cli_json_and_table(run):
    assert run("load", str(PLAN_DIR)).exit_code == 0
    result = run("proportionality", "--year", "2022", "--format", "json")
    assert result.exit_code == 0
    (year,) = json.loads(result.stdout)
    assert (year["year"], year["help_reached"], year["help_total"]) == (2022, 1, 6)
    assert year["summary"].startswith("2022: 1 van 6 diensten minimaal proportioneel")
    assert [c["indicator"] for c in year["comparisons"]] == ["C3.9", "C3.10"]
    records = {r["indicator"]: r for r in year["services"]}
    assert list(records) == [*TABEL_4, "E5.4"]
    wijkteams = records["O3.6"]
    assert (wijkteams["share"], wijkteams["status"], wijkteams["proportional"]) == (
        42,
        "groen",
        True,
    )
    assert (wijkteams["change_pp"], wijkteams["previous_year"]) == (7, 2021)
    assert wijkteams["norm"]["kind"] == "band" and wijkteams["norm"]["band"] == [42, 47]
    assert records["O3.1"]["status"] == "oranje"
    assert records["E5.4"]["norm"]["reference_share"] == 32
    assert records["E5.4"]["norm"]["kind"] == "converge"

    table = run("proportionality", "--year", "2021")
    assert table.exit_code == 0
    assert "Proportionaliteit van de hulp, 2021" in table.stdout
    assert "1 van 6 diensten minimaal proportioneel" in table.stdout
    assert "achter (rood)" in table.stdout and "op koers (groen)" in table.stdout
    empty = run("proportionality", "--year", "2019")
    assert empty.exit_code == 0
    assert "Geen cijfers over de proportionaliteit van de hulp over 2019." in empty.stdout
    assert json.loads(run("proportionality", "--year", "2019", "--format", "json").stdout) == []
    unknown = run("proportionality", "--programme", "nope")
    assert unknown.exit_code == 1
    assert "programma 'nope' staat niet in de database" in unknown.stderr


# -- report section -------------------------------------------------------------------------


def section(data: list[YearSummary]) -> str:
    env = Environment(loader=PackageLoader("koers.report", "templates"), autoescape=True)
    return str(env.get_template("_proportionality.html").module.section(data))


def test_the_partial_renders_a_table_with_status_words(summaries):
    html = section(summaries)
    assert "<h2>Proportionaliteit van de hulp</h2>" in html
    assert html.count("<table>") == 4  # 2020, 2021, 2022, 2023
    assert '<span class="status status-groen">op koers (groen)</span>' in html
    assert '<span class="status status-oranje">aandacht (oranje)</span>' in html
    assert '<span class="status status-rood">achter (rood)</span>' in html
    assert "<td>+7 procentpunt sinds 2021</td>" in html
    assert "<td>42-47% (bandbreedte)</td>" in html
    assert "2022: 1 van 6 diensten minimaal proportioneel" in html
    assert "Aandeel NPRZ-gebied in jeugdigen (0 t/m 18 jaar) in Rotterdam 35%" in html
    assert "meestal tussen de 42% en 47%" in html  # the plan's own words for the band
    assert html.count("meestal tussen de 42% en 47%") == 1  # said once, not per row
    assert "Rotterdam-Zuid 41% van het totaal, proportioneel is 42-47%: 1 procentpunt" in html


def test_the_partial_without_figures_and_in_the_report_environment(summaries):
    assert "nog geen cijfers over de proportionaliteit" in section([])
    from koers.report.render import _environment

    # the yearly report's environment (StrictUndefined, trim_blocks) renders it too
    template = _environment().get_template("_proportionality.html")
    html = str(template.module.section(summaries))
    assert "op koers (groen)" in html


def test_cli_module_is_registered_by_import():
    assert "proportionality" in main.commands
