"""What a chart draws and what a cell shows, chosen once for the reports and the website."""

from __future__ import annotations

import json
from datetime import date

from koers.areas import Observation
from koers.assess import ObservationIndex, evaluate
from koers.plan import Plan, plan_from_documents
from koers.present import chart_lines, ordered_pillars, pillar_rank, value_at
from koers.report import build_reports

from .helpers import AREAS


def plan(city: str | None = "rotterdam") -> Plan:
    programme = {
        "id": "p",
        "name": "P",
        "area": "zuid",
        "period_start": 2023,
        "period_end": 2027,
        "horizon": 2031,
        "start_year": 2011,
    }
    if city:
        programme["city"] = city
    document = {
        "programme": programme,
        "pillars": [
            {"id": "thema", "name": "Thema", "kind": "thema"},
            {"id": "werk", "name": "Werk"},
            {"id": "extra", "name": "Extra", "kind": "aandachtsgebied"},
            {"id": "school", "name": "School"},
        ],
        "areas": AREAS,
        "indicators": [
            {
                "id": "bijstand",
                "name": "Bijstand",
                "kind": "effect",
                "pillar": "werk",
                "unit": "percent",
                "polarity": "lower_is_better",
                "target": {
                    "kind": "reach_reference",
                    "reference_area": "g2",
                    "baseline_year": 2020,
                    "target_year": 2031,
                },
            },
            {
                "id": "aandeel",
                "name": "Aandeel van de stad",
                "kind": "effect",
                "pillar": "werk",
                "unit": "count",
                "polarity": "lower_is_better",
                "target": {
                    "kind": "proportional_share",
                    "share_of": "rotterdam",
                    "reference_share": 30,
                    "baseline_year": 2020,
                    "target_year": 2031,
                },
            },
        ],
    }
    return plan_from_documents({"plan.yaml": json.dumps(document)})


def figures() -> list[Observation]:
    rows = [
        ("bijstand", "zuid", "2020", 10.0),
        ("bijstand", "zuid", "2022", 9.0),
        ("bijstand", "g2", "2020", 5.0),
        ("bijstand", "rotterdam", "2020", 7.0),
        ("bijstand", "rotterdam", "2022", 6.5),
        ("aandeel", "zuid", "2020", 400.0),
        ("aandeel", "rotterdam", "2020", 1000.0),
        ("aandeel", "zuid", "2022", 300.0),
        ("aandeel", "rotterdam", "2022", 1000.0),
    ]
    return [Observation(i, a, p, v) for i, a, p, v in rows]


def lines_of(the_plan: Plan, indicator: str, as_of: int | None = None) -> list[tuple]:
    index = ObservationIndex(figures())
    assessment = {a.indicator: a for a in evaluate(the_plan, figures())}[indicator]
    found = chart_lines(the_plan, index, the_plan.indicator(indicator), assessment, as_of=as_of)
    return [(line.area_name, line.role, line.points) for line in found]


def test_a_chart_draws_the_area_its_reference_and_the_city():
    assert lines_of(plan(), "bijstand") == [
        ("Zuid", "area", [("2020", 10.0), ("2022", 9.0)]),
        ("G2", "reference", [("2020", 5.0)]),
        ("Rotterdam", "other", [("2020", 7.0), ("2022", 6.5)]),
    ]


def test_a_plan_without_a_city_draws_no_city():
    assert [name for name, _, _ in lines_of(plan(city=None), "bijstand")] == ["Zuid", "G2"]


def test_a_report_year_leaves_later_figures_out():
    assert lines_of(plan(), "bijstand", as_of=2021)[0][2] == [("2020", 10.0)]


def test_a_share_of_the_city_is_drawn_as_that_share_only():
    """400 of 1.000 is 40%: the report and the website both draw the share, not counts."""
    assert lines_of(plan(), "aandeel") == [("Zuid", "area", [("2020", 40.0), ("2022", 30.0)])]
    index = ObservationIndex(figures())
    assert value_at(plan(), index, plan().indicator("aandeel"), "zuid", "2022") == 30.0


def test_the_report_draws_what_the_website_draws():
    the_plan = plan()
    reports = build_reports(the_plan, figures(), year=2022, generated=date(2023, 5, 1))
    drawn = {
        view.indicator.id: [(line.area_name, line.points) for line in view.lines]
        for pillar in reports.pillars
        for view in pillar.effects
    }
    assert drawn["aandeel"] == [("Zuid", [("2020", 40.0), ("2022", 30.0)])]
    assert [name for name, _ in drawn["bijstand"]] == ["Zuid", "G2", "Rotterdam"]


def test_pillars_in_the_plans_order_then_aandachtsgebieden_then_themes():
    the_plan = plan()
    assert [p.id for p in ordered_pillars(the_plan)] == ["werk", "school", "extra", "thema"]
    assert [pillar_rank(the_plan, p) for p in ("werk", "school", "extra", None)] == [0, 1, 2, 2]
