"""Every status sentence says why it has its colour: on every path of the engine, the clause
that names the margin (with the plan setting it comes from), the improvement that makes a
figure behind its schedule oranje, or the margin exceeded without improvement that makes it
rood. Each expectation is worked out by hand in the comment above it."""

from __future__ import annotations

from koers.areas import Observation
from koers.assess import Status, evaluate

from .helpers import make_plan

G2 = {
    "kind": "reach_reference",
    "reference_area": "g2",
    "baseline_year": 2011,
    "target_year": 2031,
    "milestones": [{"year": 2021, "gap_closed": 0.25}],
}
BAND = {"kind": "proportional_share", "mode": "at_least", "band": [42, 47]}
HOMES = {
    "id": "h",
    "kind": "output",
    "unit": "count",
    "polarity": "higher_is_better",
    "aggregation": "sum",
    "decimals": 0,
    "target": {
        "kind": "absolute",
        "value": 10000,
        "baseline_year": 2018,
        "baseline_value": 0,
        "target_year": 2028,
    },
}


def judge(indicator, *observations, rules=None):
    plan = make_plan(indicator, rules=rules)
    (result,) = evaluate(plan, observations)
    return result


def obs(indicator, area, *pairs):
    return [Observation(indicator, area, period, value) for period, value in pairs]


# --------------------------------------------------------------------------- reach a reference


def test_behind_the_schedule_within_the_margin_names_the_margin():
    # gap 4,0 in 2011, 3,2 in 2021: 20% closed where 25% was planned; expected 11 + 3 = 14,
    # 14,2 is 0,2 behind; the margin is 10% of the gap of 2011 = 0,4
    result = judge(
        {"id": "w", "target": G2},
        *obs("w", "zuid", ("2011", 15.0), ("2021", 14.2)),
        *obs("w", "g2", ("2011", 11.0), ("2021", 11.0)),
    )
    assert result.status is Status.ORANJE
    assert result.explanation == (
        "Zuid 14,2% tegen G2 11,0%: de achterstand slonk van 4,0 naar 3,2 procentpunt, 20% "
        "ingelopen waar 25% op schema was, binnen de marge van 0,4 procentpunt (10% van de "
        "achterstand in 2011)."
    )


def test_behind_beyond_the_margin_but_improving_says_by_how_much():
    # 2020: gap 5,0 (16 - 11); 2021: gap 4,5 (15,5 - 11), 1,5 behind the expected 14:
    # beyond the margin of 0,4, but the gap is 0,5 smaller than the year before
    result = judge(
        {"id": "w", "target": G2},
        *obs("w", "zuid", ("2011", 15.0), ("2020", 16.0), ("2021", 15.5)),
        *obs("w", "g2", ("2011", 11.0), ("2020", 11.0), ("2021", 11.0)),
    )
    assert result.status is Status.ORANJE
    assert result.explanation.endswith(
        "\u221212% ingelopen waar 25% op schema was, maar de achterstand is 0,5 procentpunt "
        "kleiner dan vorig jaar."
    )


def test_rood_names_the_margin_and_the_earlier_gap_it_is_no_better_than():
    # 2019: gap 4,5; 2021: gap 5,0: grew since, and 2,0 behind the expected 14
    result = judge(
        {"id": "w", "target": G2},
        *obs("w", "zuid", ("2011", 15.0), ("2019", 15.5), ("2021", 16.0)),
        *obs("w", "g2", ("2011", 11.0), ("2019", 11.0), ("2021", 11.0)),
    )
    assert result.status is Status.ROOD
    assert result.explanation.endswith(
        "meer dan de marge van 0,4 procentpunt (10% van de achterstand in 2011) en niet beter "
        "dan in 2019 (achterstand 4,5 procentpunt)."
    )


def test_rood_against_the_baseline_says_so_once_and_a_gap_that_stayed_says_bleef():
    result = judge(
        {"id": "w", "target": G2},
        *obs("w", "zuid", ("2011", 15.0), ("2021", 15.0)),
        *obs("w", "g2", ("2011", 11.0), ("2021", 11.0)),
    )
    assert result.status is Status.ROOD
    assert "de achterstand bleef 4,0 procentpunt, 0% ingelopen" in result.explanation
    assert result.explanation.endswith("en niet beter dan bij de nulmeting.")


def test_no_gap_at_the_baseline_judges_the_margin_around_the_reference():
    # level with G2 in 2011; 2021: 3,0 behind 94,6, the margin 5% of 94,6 = 4,7
    indicator = {"id": "f", "polarity": "higher_is_better", "target": G2}
    base = [*obs("f", "zuid", ("2011", 95.0)), *obs("f", "g2", ("2011", 95.0), ("2021", 94.6))]
    within = judge(indicator, *base, Observation("f", "zuid", "2021", 91.6))
    assert within.status is Status.ORANJE
    assert within.explanation.endswith(
        "nu 3,0 procentpunt achter, binnen de marge van 4,7 procentpunt (5% van het niveau van G2)."
    )
    # 10 behind: beyond the margin; this rule does not weigh improvement, so it says none
    beyond = judge(indicator, *base, Observation("f", "zuid", "2021", 84.6))
    assert beyond.status is Status.ROOD
    assert beyond.explanation.endswith(
        "nu 10,0 procentpunt achter, meer dan de marge van 4,7 procentpunt (5% van het "
        "niveau van G2)."
    )


def test_a_plan_setting_changes_the_margin_and_its_words():
    # the same figures as the first test, with a margin of 7,5% of the gap of 4,0 = 0,3
    result = judge(
        {"id": "w", "target": G2},
        *obs("w", "zuid", ("2011", 15.0), ("2021", 14.2)),
        *obs("w", "g2", ("2011", 11.0), ("2021", 11.0)),
        rules={"gap_tolerance": 0.075},
    )
    assert result.explanation.endswith(
        "binnen de marge van 0,3 procentpunt (7,5% van de achterstand in 2011)."
    )


# --------------------------------------------------------------------------- proportional share


def test_a_share_below_its_band_but_better_than_last_year_is_oranje_and_says_so():
    # O3.3 of the NPRZ plan: 25% in 2021, 29% in 2022; 13 short of 42, margin 5% of 42 = 2,1
    result = judge(
        {"id": "s", "polarity": "higher_is_better", "decimals": 0, "target": BAND},
        *obs("s", "zuid", ("2021", 25.0), ("2022", 29.0)),
    )
    assert result.status is Status.ORANJE
    assert result.explanation == (
        "Zuid 29% van het totaal, proportioneel is 42-47%: 13 procentpunt te weinig, maar 4 "
        "procentpunt beter dan vorig jaar."
    )


def test_a_share_below_its_band_and_no_better_is_rood_and_says_so():
    # O3.2: 36% in 2021, 35% in 2022: 7 short, beyond the margin, worse than the year before
    result = judge(
        {"id": "s", "polarity": "higher_is_better", "decimals": 0, "target": BAND},
        *obs("s", "zuid", ("2021", 36.0), ("2022", 35.0)),
    )
    assert result.status is Status.ROOD
    assert result.explanation.endswith(
        "7 procentpunt te weinig, meer dan de marge van 2 procentpunt (5% van 42%) en niet "
        "beter dan vorig jaar (36%)."
    )


def test_a_converging_share_behind_but_falling_says_how_much_better():
    # 40 in 2012 to 32 in 2031, 37,4 intended in 2022; 39,5 in 2021 and 39,0 in 2022:
    # 1,6 behind (margin 10% of the distance 8 = 0,8) but 0,5 lower than the year before;
    # planned: 1 - (37,4 - 32) / 8 = 32,5% of the distance
    share = {
        "kind": "proportional_share",
        "mode": "converge",
        "reference_share": 32,
        "baseline_year": 2012,
        "target_year": 2031,
        "milestones": [{"year": 2012, "value": 40}, {"year": 2022, "value": 37.4}],
    }
    result = judge({"id": "b", "target": share}, *obs("b", "zuid", ("2021", 39.5), ("2022", 39.0)))
    assert result.status is Status.ORANJE
    assert result.explanation.endswith(
        "12% van de afstand ingelopen waar 33% op schema was, maar 0,5 procentpunt beter dan "
        "vorig jaar."
    )


# --------------------------------------------------------------------------- absolute


def test_an_absolute_target_says_how_far_along_its_schedule_it_is():
    # from 0 in 2018 to 10.000 in 2028: 4.000 expected in 2022
    # O6.17-like: 3.900 is 98% of the schedule, 100 short within the margin of 200 (5%)
    close = judge(HOMES, Observation("h", "zuid", "2022", 3900))
    assert close.status is Status.ORANJE
    assert close.explanation == (
        "Zuid 3.900 in 2022, op schema was 4.000 (doel 10.000 in 2028): 100 te weinig (98% van "
        "wat op schema was), binnen de marge van 200 (5% van de waarde op schema)."
    )
    # O6.19-like: 1.500 is 38% of the schedule, but 800 more than in 2020
    far = judge(HOMES, *obs("h", "zuid", ("2020", 700), ("2022", 1500)))
    assert far.status is Status.ORANJE
    assert far.explanation.endswith(
        "2.500 te weinig (38% van wat op schema was), maar 800 meer dan in 2020."
    )


def test_a_cumulative_total_behind_beyond_the_margin_does_not_weigh_improvement():
    cumulative = {
        "kind": "absolute",
        "value": 1000,
        "cumulative": True,
        "start_year": 2021,
        "target_year": 2030,
    }
    # 300 expected after three years; 100 + 50 + 60 = 210: 70%, 90 short, margin 15
    result = judge(
        {**HOMES, "target": cumulative},
        *obs("h", "zuid", ("2021", 100), ("2022", 50), ("2023", 60)),
    )
    assert result.status is Status.ROOD
    assert result.explanation.endswith(
        "90 te weinig (70% van wat op schema was), meer dan de marge van 15 (5% van de waarde "
        "op schema)."
    )


# --------------------------------------------------------------------------- ceiling, direction


def test_a_ceiling_says_why_a_small_rise_is_no_change_and_a_larger_one_within_the_margin():
    indicator = {"id": "c", "target": {"kind": "ceiling", "baseline_year": 2021}}
    # 20,1 against 20,0: 0,5% higher, below the stable band of 1%
    same = judge(indicator, *obs("c", "zuid", ("2021", 20.0), ("2022", 20.1)))
    assert same.status is Status.GROEN
    assert same.explanation.endswith(
        "niet verslechterd (0,1 procentpunt boven, minder dan 1% verschil)."
    )
    # 10,3: 0,3 above, within 5% of 10,0 = 0,5
    above = judge(indicator, *obs("c", "zuid", ("2021", 10.0), ("2022", 10.3)))
    assert above.status is Status.ORANJE
    assert above.explanation.endswith(
        "0,3 procentpunt boven, binnen de marge van 0,5 procentpunt (5% van het niveau van 2021)."
    )


def test_a_direction_that_stayed_level_says_what_counts_as_level():
    result = judge(
        {"id": "d", "target": {"kind": "direction"}},
        *obs("d", "zuid", ("2021", 10.0), ("2022", 10.05)),
    )
    assert result.status is Status.ORANJE
    assert result.explanation.endswith(
        ": gelijk gebleven (minder dan 1% veranderd), doel is daling."
    )


def test_a_ladder_whose_gap_stayed_says_what_counts_as_the_same():
    ladder = {"kind": "staged", "stages": [{"reference_area": "rest"}, {"reference_area": "g2"}]}
    result = judge(
        {"id": "v", "target": ladder},
        *obs("v", "zuid", ("2021", 14.0), ("2023", 15.0)),
        *obs("v", "rest", ("2021", 9.0), ("2023", 10.0)),
    )
    assert result.status is Status.ORANJE
    assert "de achterstand bleef 5,0 procentpunt (minder dan 1% veranderd) sinds 2021" in (
        result.explanation
    )


# --------------------------------------------------------------------------- periods


def test_a_school_year_and_a_reference_date_are_said_as_the_plan_states_them():
    indicator = {"id": "m", "target": {"kind": "monitor_only"}}
    school = judge(indicator, *obs("m", "zuid", ("2020/2021", 9.0), ("2021/2022", 9.5)))
    assert school.explanation == "Zuid 9,5% in 2021/2022 (2020/2021: 9,0%); alleen gevolgd."
    dated = judge(HOMES, Observation("h", "zuid", "2022-10-01", 3900))
    assert dated.explanation.startswith("Zuid 3.900 op 1 oktober 2022, op schema was 4.000")
