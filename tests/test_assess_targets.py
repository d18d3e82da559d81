"""Targets as the text states them: a ladder of references (``staged``), strict inequalities,
conditions, several targets on one series, a share the text names without a number, an
indicator still in development, and a past year judged against the target valid then.
Every expectation is computed by hand in the comment above it."""

from __future__ import annotations

import pytest

from koers.areas import Observation
from koers.assess import Status, evaluate
from koers.plan import Plan
from koers.plan.history import PlanHistory, PlanVersion

from .helpers import make_plan

LADDER = {
    "kind": "staged",
    "stages": [{"reference_area": "rest"}, {"reference_area": "g2"}],
}


def judge(indicator, *observations, history=None, **options):
    plan = make_plan(indicator)
    (result,) = evaluate(plan, observations, history=history, **options)
    return result


def test_a_ladder_is_judged_against_its_first_rung_while_the_gap_narrows():
    # lower is better; gap to the rest of the city 14 - 9 = 5 in 2021, 12 - 10 = 2 in 2023
    result = judge(
        {"id": "v", "target": LADDER},
        Observation("v", "zuid", "2021", 14.0),
        Observation("v", "rest", "2021", 9.0),
        Observation("v", "zuid", "2023", 12.0),
        Observation("v", "rest", "2023", 10.0),
        Observation("v", "g2", "2023", 8.0),
    )
    assert result.status is Status.GROEN
    assert result.reference_area == "rest"
    assert result.reference == 10.0
    assert result.explanation == (
        "Zuid 12,0% tegen Rotterdam zonder Zuid 10,0% in 2023 (trede 1 van 2: Rotterdam "
        "zonder Zuid → G2): de achterstand slonk van 5,0 naar 2,0 procentpunt sinds 2021."
    )


def test_a_ladder_whose_gap_grows_is_rood_and_an_equal_gap_oranje():
    observations = [
        Observation("v", "zuid", "2021", 14.0),
        Observation("v", "rest", "2021", 9.0),
        Observation("v", "rest", "2023", 10.0),
    ]
    # 16 - 10 = 6 > 5: grew
    grew = judge({"id": "v", "target": LADDER}, *observations, Observation("v", "zuid", "2023", 16))
    assert grew.status is Status.ROOD
    assert "de achterstand groeide van 5,0 naar 6,0 procentpunt sinds 2021" in grew.explanation
    # 15 - 10 = 5: the same gap
    same = judge({"id": "v", "target": LADDER}, *observations, Observation("v", "zuid", "2023", 15))
    assert same.status is Status.ORANJE
    assert "de achterstand bleef 5,0 procentpunt" in same.explanation


def test_a_reached_rung_hands_over_to_the_next():
    # 9,5 is below the rest of the city (10,0): reached; against G2 the gap went 14 - 7 = 7
    # in 2021 to 9,5 - 8 = 1,5 in 2023
    result = judge(
        {"id": "v", "target": LADDER},
        Observation("v", "zuid", "2021", 14.0),
        Observation("v", "g2", "2021", 7.0),
        Observation("v", "zuid", "2023", 9.5),
        Observation("v", "rest", "2023", 10.0),
        Observation("v", "g2", "2023", 8.0),
    )
    assert result.status is Status.GROEN
    assert result.reference_area == "g2"
    assert result.explanation == (
        "Zuid 9,5% tegen G2 8,0% in 2023 (trede 2 van 2: Rotterdam zonder Zuid → G2; "
        "Rotterdam zonder Zuid bereikt): de achterstand slonk van 7,0 naar 1,5 procentpunt "
        "sinds 2021."
    )


def test_every_rung_reached_is_groen():
    result = judge(
        {"id": "v", "target": LADDER},
        Observation("v", "zuid", "2023", 7.0),
        Observation("v", "rest", "2023", 10.0),
        Observation("v", "g2", "2023", 8.0),
    )
    assert result.status is Status.GROEN
    assert result.explanation == (
        "Zuid 7,0% in 2023: alle treden bereikt (Rotterdam zonder Zuid → G2)."
    )


def test_a_rung_without_a_figure_gives_no_judgement():
    result = judge(
        {"id": "v", "target": LADDER},
        Observation("v", "zuid", "2023", 12.0),
        Observation("v", "g2", "2023", 8.0),
    )
    assert result.status is Status.GRIJS
    assert "geen waarde voor Rotterdam zonder Zuid (trede 1 van 2" in result.explanation


DATED = {
    "kind": "staged",
    "baseline_year": 2011,
    "stages": [{"reference_area": "rest", "year": 2021}, {"reference_area": "g2", "year": 2031}],
}


def test_a_dated_ladder_closes_each_gap_by_its_rung_s_year():
    observations = [
        Observation("v", "zuid", "2011", 14.0),
        Observation("v", "rest", "2011", 10.0),
        Observation("v", "zuid", "2016", 12.0),
        Observation("v", "rest", "2016", 10.0),
        Observation("v", "zuid", "2021", 10.0),
        Observation("v", "g2", "2021", 8.0),
        Observation("v", "zuid", "2026", 9.0),
        Observation("v", "g2", "2026", 8.0),
    ]
    # 2016, rung 1 (2011-2021): half the way; gap 4 -> 2 is half closed, expected 10 + 4 × 0,5
    first = judge({"id": "v", "target": DATED}, *observations, year=2016)
    assert first.status is Status.GROEN
    assert first.expected == pytest.approx(12.0)
    assert first.explanation == (
        "Trede 1 van 2 (Rotterdam zonder Zuid in 2021): Zuid 12,0% tegen Rotterdam zonder Zuid "
        "10,0%: de achterstand slonk van 4,0 naar 2,0 procentpunt, 50% ingelopen waar 50% op "
        "schema was."
    )
    # 2026, rung 2 (2021-2031) from the gap to G2 in 2021 (10 - 8 = 2) to 9 - 8 = 1: half
    second = judge({"id": "v", "target": DATED}, *observations, year=2026)
    assert second.status is Status.GROEN
    assert second.reference_area == "g2"
    assert second.gap_closed == pytest.approx(0.5)
    assert second.explanation.startswith(
        "Trede 2 van 2 (G2 in 2031, na Rotterdam zonder Zuid in 2021): Zuid 9,0% tegen G2 8,0%"
    )


def test_a_ladder_with_years_on_some_rungs_only_is_refused():
    with pytest.raises(Exception, match="give every stage a 'year', or none"):
        make_plan(
            {
                "id": "v",
                "target": {
                    "kind": "staged",
                    "baseline_year": 2011,
                    "stages": [{"reference_area": "rest", "year": 2021}, {"reference_area": "g2"}],
                },
            }
        )


MORE_THAN_HALF = {
    "id": "e",
    "polarity": "higher_is_better",
    "target": {
        "kind": "proportional_share",
        "mode": "at_least",
        "reference_share": 50,
        "strict": True,
    },
}


def test_more_than_half_is_not_reached_by_exactly_half():
    half = judge(MORE_THAN_HALF, Observation("e", "zuid", "2024", 50.0))
    assert half.status is Status.ORANJE
    assert half.explanation == (
        "Zuid 50,0% van het totaal, proportioneel is meer dan 50,0%: precies gelijk, "
        "het plan vraagt meer."
    )
    assert judge(MORE_THAN_HALF, Observation("e", "zuid", "2024", 50.5)).status is Status.GROEN
    # without 'strict' exactly half is enough
    inclusive = {**MORE_THAN_HALF, "target": {**MORE_THAN_HALF["target"], "strict": False}}
    assert judge(inclusive, Observation("e", "zuid", "2024", 50.0)).status is Status.GROEN


def test_a_strict_absolute_level_and_a_condition_are_said():
    indicator = {
        "id": "d",
        "kind": "output",
        "polarity": "higher_is_better",
        "decimals": 0,
        "target": {
            "kind": "absolute",
            "value": 50,
            "baseline_year": 2023,
            "baseline_value": 33,
            "target_year": 2027,
            "strict": True,
            "condition": "mits eerst de 33% wordt gehaald",
        },
    }
    # 2025: 33 + (50 - 33) × 2/4 = 41,5 expected; 45 is ahead
    ahead = judge(indicator, Observation("d", "zuid", "2025", 45.0))
    assert ahead.status is Status.GROEN
    assert ahead.explanation == (
        "Zuid 45% in 2025, op schema was 42% (doel meer dan 50% in 2027): op schema. "
        "Voorwaarde in het plan: mits eerst de 33% wordt gehaald."
    )
    # 2027: exactly 50 is not more than 50
    exact = judge(indicator, Observation("d", "zuid", "2027", 50.0))
    assert exact.status is Status.ORANJE
    assert "precies gelijk, het plan vraagt meer" in exact.explanation
    # without a figure the condition is still said
    none = judge(indicator)
    assert none.explanation.endswith("Voorwaarde in het plan: mits eerst de 33% wordt gehaald.")


WOZ = {
    "id": "woz",
    "unit": "euro",
    "polarity": "higher_is_better",
    "decimals": 0,
    "target": {
        "kind": "reach_reference",
        "reference_area": "g2",
        "baseline_year": 2011,
        "target_year": 2031,
        "ref": "Tabel 1",
    },
    "also": [
        {
            "kind": "reach_reference",
            "reference_area": "rotterdam",
            "baseline_year": 2011,
            "target_year": 2031,
            "ref": "Tabel 10",
        }
    ],
}
WOZ_FIGURES = [
    Observation("woz", "zuid", "2011", 100.0),
    Observation("woz", "g2", "2011", 200.0),
    Observation("woz", "rotterdam", "2011", 150.0),
    Observation("woz", "zuid", "2021", 150.0),
    Observation("woz", "g2", "2021", 200.0),
    Observation("woz", "rotterdam", "2021", 160.0),
]


def test_two_targets_on_one_series_get_one_status_each():
    result = judge(WOZ, *WOZ_FIGURES)
    # toward G2: gap 100 -> 50, half closed where half was planned (10 of 20 years)
    assert [a.reference_area for a in result.all] == ["g2", "rotterdam"]
    assert [a.target_ref for a in result.all] == ["Tabel 1", "Tabel 10"]
    assert result.gap_closed == pytest.approx(0.5)
    assert result.status is Status.GROEN
    # toward Rotterdam: gap 50 -> 10, 80% closed
    (city,) = result.also
    assert city.gap_closed == pytest.approx(0.8)
    assert city.status is Status.GROEN
    # one series: the same value and period for both
    assert {(a.value, a.period, a.area) for a in result.all} == {(150.0, "2021", "zuid")}
    record = result.record()
    assert [r["reference_area"] for r in record["also"]] == ["rotterdam"]


def test_also_needs_a_first_target():
    with pytest.raises(Exception, match="give the first as 'target'"):
        make_plan({"id": "woz", "also": WOZ["also"]})


def test_a_proportional_share_without_a_number_is_grijs_with_the_share():
    indicator = {
        "id": "t",
        "unit": "count",
        "aggregation": "sum",
        "decimals": 0,
        "target": {
            "kind": "proportional_share",
            "share_of": "rotterdam",
            "reference_share": None,
            "baseline_year": 2021,
            "target_year": 2031,
        },
    }
    # 194 of 344 = 56,4%
    result = judge(
        indicator,
        Observation("t", "zuid", "2023", 194),
        Observation("t", "rotterdam", "2023", 344),
    )
    assert result.status is Status.GRIJS
    assert result.explanation == (
        "Zuid 56,4% van het totaal in 2023; het plan noemt het proportionele aandeel niet als "
        "getal."
    )


def test_an_indicator_in_development_says_so():
    document = make_plan({"id": "m", "target": {"kind": "direction"}}).model_dump()
    plan = Plan.model_validate({**document, "passports": {"m": {"state": "in ontwikkeling"}}})
    (result,) = evaluate(plan, [])
    assert result.status is Status.GRIJS
    assert result.explanation == "Zuid: nog geen gegevens; de indicator is nog in ontwikkeling."


def _version(number, target, valid_from=None):
    plan = make_plan({"id": "w", "target": target})
    if valid_from is not None:
        programme = plan.programme.model_copy(update={"valid_from": valid_from})
        plan = plan.model_copy(update={"programme": programme})
    return PlanVersion(number, plan)


OLD = {"kind": "absolute", "value": 10, "start_year": 2020, "ref": "versie 1"}
NEW = {"kind": "absolute", "value": 8, "start_year": 2020, "ref": "versie 2"}
FIGURES = [Observation("w", "zuid", "2022", 9.5), Observation("w", "zuid", "2025", 9.5)]


def test_a_past_year_is_judged_against_the_target_valid_then_and_says_so():
    # version 2 sets 8 (lower is better) from 2025 on; 2022 is still version 1's 10
    history = PlanHistory([_version(1, OLD), _version(2, NEW, valid_from=2025)])
    latest = history.latest.plan
    (past,) = evaluate(latest, FIGURES, year=2022, history=history)
    assert past.status is Status.GROEN  # 9,5 is below 10
    assert past.judged_version == 1
    assert past.explanation == (
        "Zuid 9,5% in 2022, op schema was 10,0% (doel 10,0% per jaar): op schema. "
        "Beoordeeld tegen het doel van planversie 1, dat in 2022 gold; het huidige doel "
        "(versie 2) is anders."
    )
    (now,) = evaluate(latest, FIGURES, year=2025, history=history)
    # 9,5 against 8: 1,5 too many, beyond 5% of 8 (0,4), and no better than in 2022
    assert now.status is Status.ROOD
    assert now.judged_version == 2
    assert "planversie" not in now.explanation
    assert now.target_version == 2


def test_a_version_without_valid_from_corrects_every_year():
    history = PlanHistory([_version(1, OLD), _version(2, NEW)])
    (past,) = evaluate(history.latest.plan, FIGURES, year=2022, history=history)
    assert past.judged_version == 2
    assert "planversie" not in past.explanation


def test_a_target_carries_the_version_it_came_from():
    # only the wording changed in version 3: the target still came from version 2
    worded = {**NEW, "statement": "anders gezegd"}
    history = PlanHistory([_version(1, OLD), _version(2, NEW), _version(3, worded)])
    assert history.target_version("w", 0) == 2
    (result,) = evaluate(history.latest.plan, FIGURES, history=history)
    assert result.target_version == 2
