"""Plan loading and validation: every problem located by file, line and field, all at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from koers.plan import PlanError, json_schema, load_plan, plan_from_documents
from koers.plan.period import period_year

PROGRAMME = """\
programme: {id: p, name: P, area: zuid, period_start: 2023, period_end: 2027, horizon: 2031}
pillars: [{id: werk, name: Werk}]
areas:
  - {id: zuid, name: Zuid, kind: district}
  - {id: g4, name: G4, kind: group, members: [zuid]}
"""


def problems(*extra: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        plan_from_documents(
            {"plan.yaml": PROGRAMME, **{f"f{i}.yaml": t for i, t in enumerate(extra)}}
        )
    return [str(issue) for issue in caught.value.issues]


def indicator(**fields: object) -> str:
    base = {
        "id": "e1",
        "name": "E",
        "kind": "effect",
        "pillar": "werk",
        "unit": "percent",
        "polarity": "lower_is_better",
    }
    base.update(fields)
    return "indicators:\n  - " + json.dumps(base)


def test_example_plan_loads(example_plan):
    assert example_plan.programme.id == "voorbeeld"
    assert [i.id for i in example_plan.indicators][:2] == ["inwoners", "havo-vwo"]
    assert example_plan.indicator("vsv").target.reference_area == "g4"


def test_unknown_reference_names_file_line_and_field():
    text = "agreements:\n  - id: A1\n    text: t\n    pillar: werk\n    owners: [gemeente]\n"
    assert problems(text) == ["f0.yaml:5: agreements[0] (A1).owners.0: unknown partner 'gemeente'"]


def test_part_of_must_name_a_coded_area_and_a_coded_area_has_no_part_of():
    areas = (
        "areas:\n"
        "  - {id: buurt, name: B, kind: buurt, cbs_code: BU05991289}\n"
        "  - {id: wijk, name: W, kind: wijk}\n"
        "  - {id: noord, name: N, kind: wijk, part_of: buurt}\n"  # fine
        "  - {id: zuid-half, name: Z, kind: wijk, part_of: wijk}\n"
        "  - {id: elders, name: E, kind: wijk, part_of: nergens}\n"
        "  - {id: gecodeerd, name: G, kind: buurt, cbs_code: BU05991290, part_of: buurt}\n"
    )
    assert problems(areas) == [
        "f0.yaml:5: areas[3] (zuid-half).part_of: 'wijk' has no cbs_code, so it cannot stand in",
        "f0.yaml:6: areas[4] (elders).part_of: unknown area 'nergens'",
        "f0.yaml:7: areas[5] (gecodeerd): an area with a 'cbs_code' has figures of its own; "
        "drop 'part_of'",
    ]


def test_deel_1_headlines_and_maps_name_indicators_of_the_plan():
    headlines = PROGRAMME.replace(
        "horizon: 2031}",
        "horizon: 2031,\n  headlines: [{title: Bijstand, indicators: [e1, e9]},"
        " {title: Tabel 1, overview: true}],\n  summary_maps: [e2]}",
    )
    with pytest.raises(PlanError) as caught:
        plan_from_documents({"plan.yaml": headlines, "i.yaml": indicator()})
    assert [str(issue) for issue in caught.value.issues] == [
        "plan.yaml:2: programme (p).headlines.0.indicators.1: unknown indicator 'e9'",
        "plan.yaml:2: programme (p).headlines.1.overview: there is no 'overview'",
        "plan.yaml:3: programme (p).summary_maps.0: unknown indicator 'e2'",
    ]
    both = PROGRAMME.replace(
        "horizon: 2031}",
        "horizon: 2031, headlines: [{title: T, overview: true, indicators: [e1]}]}",
    )
    with pytest.raises(PlanError, match="either 'overview: true' or 'indicators'"):
        plan_from_documents({"plan.yaml": both, "i.yaml": indicator()})


def test_duplicate_ids_are_reported_at_the_second_occurrence():
    first = "partners:\n  - {id: om, name: OM, sector: overheid}\n"
    second = "partners:\n  - {id: om, name: Openbaar Ministerie, sector: overheid}\n"
    assert problems(first, second) == [
        "f1.yaml:2: partners[0] (om).id: duplicate id 'om' in partners"
    ]


def test_percentage_above_100_in_a_target():
    text = indicator(target={"kind": "absolute", "value": 140})
    assert problems(text) == [
        "f0.yaml:2: indicators[0] (e1).target.value: 140 is not a percentage (must be between 0 and 100)"
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"kind": "context", "target": {"kind": "direction"}},
            "target.kind: a context indicator is only monitored; its target must be monitor_only",
        ),
        (
            {
                "target": {
                    "kind": "absolute",
                    "value": 10,
                    "cumulative": True,
                    "start_year": 2023,
                    "target_year": 2027,
                }
            },
            "target.cumulative: a percent cannot be accumulated over years",
        ),
        (
            {
                "unit": "count",
                "target": {
                    "kind": "proportional_share",
                    "reference_share": 32,
                    "baseline_year": 2012,
                    "target_year": 2031,
                },
            },
            "unit: a proportional_share target without 'share_of' needs a percent indicator",
        ),
        (
            {
                "polarity": "neutral",
                "target": {
                    "kind": "reach_reference",
                    "reference_area": "g4",
                    "baseline_year": 2011,
                    "target_year": 2031,
                },
            },
            "polarity: a reach_reference target needs a polarity (higher or lower is better)",
        ),
        (
            {"target": {"kind": "direction", "direction": "rise"}},
            "target.direction: 'rise' contradicts polarity lower_is_better",
        ),
        (
            {"aggregation": "sum"},
            "aggregation: a percent cannot be summed; use 'ratio' or 'weighted_mean'",
        ),
        (
            {
                "target": {
                    "kind": "reach_reference",
                    "reference_area": "g4",
                    "baseline_year": 2031,
                    "target_year": 2011,
                }
            },
            "target.target_year: target year 2011 is not after the start year 2031",
        ),
    ],
)
def test_a_target_the_indicator_cannot_support(fields, message):
    found = problems(indicator(**fields))
    assert [p.split(": ", 1)[1] for p in found] == [f"indicators[0] (e1).{message}"]


def test_item_errors_name_the_line_of_the_field():
    text = (
        "indicators:\n"
        "  - id: e1\n"
        "    name: E\n"
        "    kind: effect\n"
        "    pillar: werk\n"
        "    unit: procent\n"
        "    polarity: lower_is_better\n"
        "    colour: red\n"
    )
    found = problems(text)
    assert found[0].startswith("f0.yaml:6: indicators[0] (e1).unit: Input should be 'percent'")
    assert found[1] == "f0.yaml:8: indicators[0] (e1).colour: unknown field"


def test_a_missing_field_points_at_the_mapping_it_belongs_in():
    text = (
        "indicators:\n"
        "  - id: e1\n    name: E\n    kind: effect\n    pillar: werk\n    unit: percent\n"
        "    polarity: lower_is_better\n"
        "    target:\n"
        "      kind: reach_reference\n"
        "      reference_area: g4\n"
        "      baseline_year: 2011\n"
    )
    assert problems(text) == [
        "f0.yaml:8: indicators[0] (e1).target.reach_reference.target_year: required field is missing"
    ]


def test_all_problems_of_all_files_are_reported_at_once():
    bad_yaml = "partners:\n  - {id: x, name: [unclosed\n"
    duplicate_key = "pillars:\n  - id: school\n    name: School\n    name: Onderwijs\n"
    unknown_section = "money:\n  - 1\n"
    found = problems(bad_yaml, duplicate_key, unknown_section, indicator(pillar="wonen"))
    assert len(found) == 4
    assert found[0].startswith("f0.yaml:3: invalid YAML")
    assert found[1] == "f1.yaml:4: pillars.0.name: duplicate key"
    assert found[2].startswith("f2.yaml:1: money: unknown section")
    assert found[3] == "f3.yaml:2: indicators[0] (e1).pillar: unknown pillar 'wonen'"


def test_missing_programme_and_group_cycles():
    text = "areas:\n  - {id: a, name: A, kind: group, members: [b]}\n  - {id: b, name: B, kind: group, members: [a]}\n"
    with pytest.raises(PlanError) as caught:
        plan_from_documents({"x.yaml": text})
    messages = [i.message for i in caught.value.issues]
    assert "the plan has no 'programme' section" in messages
    assert "group 'a' contains itself" in messages


def test_load_plan_reads_a_directory_in_file_order(tmp_path: Path):
    (tmp_path / "00.yaml").write_text(PROGRAMME)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "10.yaml").write_text(indicator())
    plan = load_plan(tmp_path)
    assert [i.id for i in plan.indicators] == ["e1"]
    with pytest.raises(PlanError, match="plan directory not found"):
        load_plan(tmp_path / "nope")


def test_json_schema_describes_every_section():
    schema = json.loads(json_schema())
    assert set(schema["properties"]) == {
        "programme",
        "finance",
        "governance",
        "pillars",
        "areas",
        "indicators",
        "interventions",
        "agreements",
        "partners",
        "mappings",
        "crosswalks",
        "passports",
    }
    [passport] = schema["properties"]["passports"]["patternProperties"].values()
    assert passport == {"$ref": "#/$defs/Passport"}
    target_kinds = json.dumps(schema["$defs"])
    for kind in (
        "reach_reference",
        "proportional_share",
        "absolute",
        "ceiling",
        "direction",
        "monitor_only",
    ):
        assert kind in target_kinds


@pytest.mark.parametrize(
    ("period", "year"), [("2022", 2022), ("2020/2021", 2021), ("2020-10-01", 2020)]
)
def test_period_year(period, year):
    assert period_year(period) == year


@pytest.mark.parametrize("period", ["2020/2022", "22", "2020-13-01", "Q1 2020"])
def test_bad_periods_are_refused(period):
    with pytest.raises(ValueError):
        period_year(period)


AGREED = """\
partners:
  - {id: gemeente, name: Gemeente, sector: overheid}
  - {id: samen, name: Samen, sector: programma, collective: true, members: [gemeente]}
agreements:
  - {id: A1, text: t, pillar: werk, owners: [samen], reporters: [gemeente], areas: [zuid]}
"""


def test_an_agreed_plan_loads_with_collectives_areas_kinds_and_readings():
    plan = plan_from_documents(
        {
            "plan.yaml": PROGRAMME,
            "a.yaml": AGREED
            + "  - {id: A2, text: t, kind: verwijzing, same_as: [A1]}\n"
            + "  - {id: A3a, text: t, parent: A3, due: '2024', due_kind: start,\n"
            + "     readings: [{reading: afgeleid, about: due, reason: r, lines: '12-14'}]}\n",
        }
    )
    a1, a2, a3 = plan.agreements
    assert a1.reported_by == ["samen", "gemeente"] and a2.reported_by == []
    assert a3.reading == "afgeleid" and a1.reading == "zeker"


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (
            "  - {id: A2, text: t, owners: [samen]}\n",
            "agreements[1] (A2).reporters: owner 'samen' is a collective: name the partners "
            "who report for it",
        ),
        (
            "  - {id: A2, text: t, owners: [gemeente], reporters: [gemeente]}\n",
            "agreements[1] (A2).reporters: 'reporters' is only for an item a collective owns",
        ),
        (
            "  - {id: A2, text: t, owners: [samen], reporters: [samen]}\n",
            "agreements[1] (A2).reporters.0: 'samen' is a collective; a reporter is one partner",
        ),
        (
            "  - {id: A2, text: t, areas: [noord]}\n",
            "agreements[1] (A2).areas.0: unknown area 'noord'",
        ),
        (
            "  - {id: A2, text: t, due: '2024'}\n",
            "agreements[1] (A2).due_kind: a 'due' date needs its 'due_kind': uiterlijk, start, "
            "niet_voor or jaarlijks",
        ),
        (
            "  - {id: A2, text: t, due: doorlopend, due_kind: jaarlijks}\n",
            "agreements[1] (A2): 'due_kind' needs a date in 'due' ('doorlopend' has no kind)",
        ),
        (
            "  - {id: A2, text: t, kind: verwijzing}\n",
            "agreements[1] (A2): a 'verwijzing' names the item it refers to in 'same_as'",
        ),
        (
            "  - {id: A2, text: t, kind: wens}\n  - {id: A3, text: t, kind: verwijzing, "
            "same_as: [A2]}\n",
            "agreements[2] (A3).same_as.0: 'A2' is a wens, not a commitment to refer to",
        ),
        (
            "  - {id: A2, text: t, parent: A1}\n",
            "agreements[1] (A2).parent: 'A1' is an item itself; a parent is the passage split "
            "into items",
        ),
        (
            "  - {id: A2, text: t, readings: [{reading: wellicht, reason: r}]}\n",
            "agreements[1] (A2).readings.0.reading: Input should be 'onzeker' or 'afgeleid'",
        ),
    ],
)
def test_agreed_plan_rules_name_the_item_and_field(items: str, message: str):
    found = problems(AGREED + items)
    assert any(message in p for p in found), found


def test_a_plan_stored_before_date_kinds_still_reads_its_dates_as_deadlines():
    from datetime import date

    from koers.plan import Plan
    from koers.plan.summary import agreement_rows

    stored = plan_from_documents({"plan.yaml": PROGRAMME}).model_dump(mode="json")
    stored["agreements"] = [{"id": "A1", "text": "t", "due": "2023"}]  # no due_kind yet
    plan = Plan.model_validate(stored)  # how the store reads a stored version
    assert agreement_rows(plan)[0].overdue_on(date(2024, 1, 1))
