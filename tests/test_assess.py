"""The target engine: every target kind on hand-checked numbers, and its invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koers.areas import Observation, Value
from koers.assess import Case, Status, Trajectory, assess_case, evaluate
from koers.plan import Indicator, StatusRules

from .helpers import AREAS, make_plan

G4 = {
    "kind": "reach_reference",
    "reference_area": "g2",
    "baseline_year": 2011,
    "target_year": 2031,
    "milestones": [{"year": 2021, "gap_closed": 0.25}],
}


def judge(indicator, *observations, **options):
    plan = make_plan(*indicator) if isinstance(indicator, list) else make_plan(indicator)
    (result,) = [
        r
        for r in evaluate(plan, observations, **options)
        if r.indicator == (indicator[0] if isinstance(indicator, list) else indicator)["id"]
    ]
    return result


def test_reach_reference_the_issue_example():
    result = judge(
        {"id": "w", "target": G4},
        Observation("w", "zuid", "2011", 14.0),
        Observation("w", "g2", "2011", 10.1),
        Observation("w", "zuid", "2021", 12.4),
        Observation("w", "g2", "2021", 10.1),
    )
    assert result.status is Status.GROEN
    assert result.gap_closed == pytest.approx(1 - 2.3 / 3.9, abs=1e-4)
    assert result.expected_gap_closed == 0.25
    assert result.expected == pytest.approx(10.1 + 3.9 * 0.75)
    assert result.explanation == (
        "Zuid 12,4% tegen G2 10,1%: de achterstand slonk van 3,9 naar 2,3 procentpunt, "
        "41% ingelopen waar 25% op schema was."
    )


def test_reach_reference_follows_a_moving_reference():
    # the reference improved by 2 points; Zuid by 1: the gap grew although Zuid improved
    result = judge(
        {"id": "w", "polarity": "higher_is_better", "target": G4},
        Observation("w", "zuid", "2011", 40.0),
        Observation("w", "g2", "2011", 50.0),
        Observation("w", "zuid", "2021", 41.0),
        Observation("w", "g2", "2021", 52.0),
    )
    assert result.gap_closed == pytest.approx(-0.1)
    assert result.expected == pytest.approx(52.0 - 10 * 0.75)
    assert result.status is Status.ROOD
    assert (
        "de achterstand groeide van 10,0 naar 11,0 procentpunt, \u221210% ingelopen"
        in result.explanation
    )


def test_reach_reference_within_tolerance_is_oranje():
    # planned 25% closed, achieved 17% (0,6 -> 0,5): 8% of the gap short, tolerance 10%
    result = judge(
        {"id": "w", "target": G4},
        Observation("w", "zuid", "2011", 4.2),
        Observation("w", "g2", "2011", 3.6),
        Observation("w", "zuid", "2021", 2.9),
        Observation("w", "g2", "2021", 2.4),
    )
    assert result.status is Status.ORANJE
    assert result.gap_closed == pytest.approx(1 / 6, abs=1e-4)


def test_reach_reference_tolerance_is_a_plan_setting():
    # 8% of the gap short and not improving since 2020: oranje at 10%, rood at 5%
    obs = [
        Observation("w", "zuid", "2011", 4.2),
        Observation("w", "g2", "2011", 3.6),
        Observation("w", "zuid", "2020", 2.9),
        Observation("w", "g2", "2020", 2.4),
        Observation("w", "zuid", "2021", 2.9),
        Observation("w", "g2", "2021", 2.4),
    ]
    default = make_plan({"id": "w", "target": G4})
    strict = make_plan({"id": "w", "target": G4}, rules={"gap_tolerance": 0.05})
    assert evaluate(default, obs)[0].status is Status.ORANJE
    assert evaluate(strict, obs)[0].status is Status.ROOD


def test_reach_reference_behind_but_improving_is_oranje():
    result = judge(
        {"id": "w", "target": G4},
        Observation("w", "zuid", "2011", 14.0),
        Observation("w", "g2", "2011", 10.0),
        Observation("w", "zuid", "2020", 14.5),
        Observation("w", "g2", "2020", 10.0),
        Observation("w", "zuid", "2021", 14.0),
        Observation("w", "g2", "2021", 10.0),
    )
    assert result.gap_closed == 0
    assert result.status is Status.ORANJE


def test_reach_reference_without_baseline_is_grijs():
    result = judge(
        {"id": "w", "target": G4},
        Observation("w", "zuid", "2021", 12.4),
        Observation("w", "g2", "2021", 10.1),
    )
    assert result.status is Status.GRIJS
    assert "geen nulmeting (2011)" in result.explanation


def test_reference_derived_from_members_is_said():
    result = judge(
        [{"id": "w", "aggregation": "ratio", "target": G4}],
        Observation("w", "zuid", "2011", 14.0),
        Observation("w", "g2", "2011", 10.0),
        Observation("w", "zuid", "2021", 12.0),
        Observation("w", "rotterdam", "2021", 11.0, 110, 1000),
        Observation("w", "amsterdam", "2021", 9.0, 90, 1000),
    )
    assert result.reference == pytest.approx(10.0)
    assert "G2 is afgeleid uit Rotterdam, Amsterdam." in result.explanation


def test_a_reference_derived_from_many_buurten_counts_them():
    buurten = [f"b{n}" for n in range(1, 8)]
    areas = [
        *AREAS,
        *({"id": b, "name": f"Buurt {b}", "kind": "buurt"} for b in buurten),
        {"id": "stad", "name": "Stad", "kind": "group", "members": buurten},
    ]
    plan = make_plan(
        {"id": "w", "aggregation": "ratio", "target": {**G4, "reference_area": "stad"}},
        areas=areas,
    )
    figures = [
        Observation("w", "zuid", "2011", 14.0),
        Observation("w", "zuid", "2021", 12.0),
        *(Observation("w", b, y, 10.0, 10, 100) for b in buurten for y in ("2011", "2021")),
    ]
    (result,) = evaluate(plan, figures)
    assert result.reference == pytest.approx(10.0)
    assert result.explanation.endswith(" Stad is afgeleid uit 7 buurten.")


SHARE = {
    "kind": "proportional_share",
    "reference_share": 32,
    "baseline_year": 2012,
    "target_year": 2031,
    "milestones": [{"year": 2012, "value": 40}, {"year": 2022, "value": 37.4}],
}


def test_proportional_share_converges_through_the_plans_milestones():
    result = judge({"id": "b", "target": SHARE}, Observation("b", "zuid", "2022", 40.3))
    assert result.expected == pytest.approx(37.4)
    assert result.gap_closed == pytest.approx(1 - 8.3 / 8)
    assert result.expected_gap_closed == pytest.approx(1 - 5.4 / 8)
    assert result.status is Status.ROOD
    assert result.explanation.startswith(
        "Zuid 40,3% van het totaal, beoogd 37,4% op weg naar 32,0% in 2031"
    )
    assert result.trajectory[2031] == 32 and result.trajectory[2012] == 40


def test_proportional_share_of_a_count_is_computed_against_the_city():
    target = {**SHARE, "share_of": "rotterdam", "milestones": []}
    result = judge(
        {"id": "b", "unit": "count", "aggregation": "sum", "decimals": 0, "target": target},
        Observation("b", "zuid", "2012", 6000),
        Observation("b", "rotterdam", "2012", 15000),
        Observation("b", "zuid", "2022", 5320),
        Observation("b", "rotterdam", "2022", 14000),
    )
    assert result.value == pytest.approx(38.0)
    assert result.unit == "percent"
    assert result.explanation.startswith("Zuid 38,0% van het totaal")
    assert result.expected == pytest.approx(40 - 8 * 10 / 19)
    assert result.status is Status.ORANJE  # behind, but improving since 2012


def test_proportional_share_at_least_a_band():
    target = {"kind": "proportional_share", "mode": "at_least", "band": [42, 47]}
    indicator = {"id": "h", "polarity": "higher_is_better", "target": target}
    assert judge(indicator, Observation("h", "zuid", "2022", 44.0)).status is Status.GROEN
    assert judge(indicator, Observation("h", "zuid", "2022", 40.5)).status is Status.ORANJE
    low = judge(indicator, Observation("h", "zuid", "2022", 35.0))
    assert low.status is Status.ROOD
    assert low.explanation == (
        "Zuid 35,0% van het totaal, proportioneel is 42,0-47,0%: 7,0 procentpunt te weinig, "
        "meer dan de marge van 2,1 procentpunt (5% van 42,0%); geen eerder cijfer om "
        "verbetering aan te zien."
    )


ADB = {
    "id": "a",
    "kind": "output",
    "unit": "count",
    "polarity": "higher_is_better",
    "aggregation": "sum",
    "decimals": 0,
    "target": {"kind": "absolute", "value": 600, "start_year": 2023},
}


def test_absolute_level_per_year():
    assert judge(ADB, Observation("a", "zuid", "2024", 602)).status is Status.GROEN
    assert judge(ADB, Observation("a", "zuid", "2024", 580)).status is Status.ORANJE
    short = judge(ADB, Observation("a", "zuid", "2023", 557))
    assert short.status is Status.ROOD
    assert short.explanation == (
        "Zuid 557 in 2023, op schema was 600 (doel 600 per jaar): 43 te weinig (93% van wat "
        "op schema was), meer dan de marge van 30 (5% van de waarde op schema); geen eerder "
        "cijfer om verbetering aan te zien."
    )
    before = judge(ADB, Observation("a", "zuid", "2022", 557))
    assert before.status is Status.GRIJS
    assert "het doel geldt vanaf 2023" in before.explanation


def test_a_small_shortfall_is_not_shown_as_zero():
    target = {
        "kind": "absolute",
        "value": 2,
        "cumulative": True,
        "start_year": 2023,
        "target_year": 2025,
    }
    result = judge(
        {**ADB, "target": target},
        Observation("a", "zuid", "2023", 0),
        Observation("a", "zuid", "2024", 1),
    )
    assert ": 0,3 te weinig (75% van wat op schema was)" in result.explanation


def test_absolute_path_from_a_baseline():
    target = {
        "kind": "absolute",
        "value": 50,
        "baseline_year": 2022,
        "baseline_value": 33,
        "target_year": 2027,
    }
    result = judge(
        {"id": "d", "polarity": "higher_is_better", "target": target},
        Observation("d", "zuid", "2024", 38.0),
    )
    assert result.expected == pytest.approx(33 + 17 * 2 / 5)
    assert result.status is Status.ORANJE  # 1,8 short; tolerance 5% of 39,8 = 1,99


def test_absolute_cumulative_total():
    target = {
        "kind": "absolute",
        "value": 1000,
        "cumulative": True,
        "start_year": 2021,
        "target_year": 2030,
    }
    indicator = {**ADB, "target": target}
    result = judge(
        indicator,
        Observation("a", "zuid", "2021", 100),
        Observation("a", "zuid", "2022", 90),
        Observation("a", "zuid", "2023", 120),
    )
    assert result.expected == pytest.approx(300)
    assert result.explanation.startswith("Zuid cumulatief 310 in 2023")
    assert result.status is Status.GROEN


def test_absolute_without_a_number_in_the_plan_is_grijs():
    result = judge(
        {**ADB, "target": {"kind": "absolute", "value": None}},
        Observation("a", "zuid", "2023", 557),
    )
    assert result.status is Status.GRIJS
    assert "het plan noemt geen streefwaarde" in result.explanation


def test_ceiling_must_not_rise_above_the_baseline():
    indicator = {"id": "c", "target": {"kind": "ceiling", "baseline_year": 2021}}
    same = judge(
        indicator, Observation("c", "zuid", "2021", 3.0), Observation("c", "zuid", "2022", 3.0)
    )
    assert same.status is Status.GROEN
    slightly = judge(
        indicator, Observation("c", "zuid", "2021", 3.0), Observation("c", "zuid", "2022", 3.1)
    )
    assert slightly.status is Status.ORANJE  # 0,1 above; tolerance 5% of 3,0 = 0,15
    above = judge(
        indicator, Observation("c", "zuid", "2021", 3.0), Observation("c", "zuid", "2022", 3.3)
    )
    assert above.status is Status.ROOD
    assert above.explanation == (
        "Zuid 3,3% in 2022 tegen het niveau van 2021 (3,0%): 0,3 procentpunt boven, meer dan "
        "de marge van 0,2 procentpunt (5% van het niveau van 2021)."
    )


def test_ceiling_with_a_level():
    indicator = {"id": "c", "target": {"kind": "ceiling", "level": 5}}
    assert judge(indicator, Observation("c", "zuid", "2022", 4.0)).status is Status.GROEN
    assert judge(indicator, Observation("c", "zuid", "2022", 6.0)).status is Status.ROOD


def test_direction_follows_polarity():
    indicator = {"id": "d", "target": {"kind": "direction"}}
    fell = judge(
        indicator, Observation("d", "zuid", "2021", 10.0), Observation("d", "zuid", "2022", 9.0)
    )
    assert fell.status is Status.GROEN
    assert fell.explanation == (
        "Zuid 9,0% in 2022 tegen 10,0% in 2021: gedaald met 1,0 procentpunt, doel is daling."
    )
    rose = judge(
        indicator, Observation("d", "zuid", "2021", 10.0), Observation("d", "zuid", "2022", 11.0)
    )
    assert rose.status is Status.ROOD
    flat = judge(
        indicator, Observation("d", "zuid", "2021", 10.0), Observation("d", "zuid", "2022", 10.05)
    )
    assert flat.status is Status.ORANJE
    alone = judge(indicator, Observation("d", "zuid", "2022", 10.0))
    assert alone.status is Status.GRIJS


def test_monitor_only_and_no_data():
    indicator = {"id": "m", "kind": "context", "target": {"kind": "monitor_only"}}
    result = judge(
        indicator, Observation("m", "zuid", "2021", 10.0), Observation("m", "zuid", "2022", 9.5)
    )
    assert result.status is Status.GRIJS
    assert result.explanation == "Zuid 9,5% in 2022 (2021: 10,0%); alleen gevolgd."
    empty = judge({"id": "e", "target": G4})
    assert empty.status is Status.GRIJS
    assert empty.value is None and empty.period is None
    assert "geen gegevens" in empty.explanation


def test_area_and_year_options():
    indicator = {"id": "d", "target": {"kind": "direction"}}
    obs = [
        Observation("d", "zuid", "2021", 10.0),
        Observation("d", "zuid", "2022", 9.0),
        Observation("d", "noord", "2021", 5.0),
        Observation("d", "noord", "2022", 6.0),
    ]
    assert judge(indicator, *obs, area="noord").status is Status.ROOD
    assert judge(indicator, *obs, year=2021).status is Status.GRIJS  # no earlier value


def test_record_has_the_documented_fields():
    record = judge({"id": "w", "target": G4}, Observation("w", "zuid", "2021", 12.4)).record()
    for field in (
        "indicator",
        "name",
        "pillar",
        "area",
        "period",
        "value",
        "reference_area",
        "reference",
        "target_kind",
        "expected",
        "status",
        "gap_closed",
        "explanation",
    ):
        assert field in record
    assert record["status"] == "grijs"


# -- invariants ---------------------------------------------------------------------------

values = st.floats(min_value=1, max_value=99, allow_nan=False)
years = st.integers(min_value=2000, max_value=2020)


@given(base=values, goal=values, start=years, length=st.integers(1, 30))
def test_a_trajectory_starts_at_the_baseline_and_ends_at_the_target(base, goal, start, length):
    path = Trajectory.through((start, base), (start + length, goal))
    assert path.at(start) == base
    assert path.at(start + length) == pytest.approx(goal)
    assert path.at(start + length + 5) == pytest.approx(goal)
    assert path.at(start - 1) is None


def _case(
    polarity: str,
    target: dict,
    series: dict[int, float],
    year: int,
    reference: dict[int, float] | None = None,
) -> Case:
    indicator = Indicator.model_validate(
        {
            "id": "x",
            "name": "X",
            "kind": "effect",
            "unit": "percent",
            "polarity": polarity,
            "target": target,
        }
    )
    return Case(
        indicator=indicator,
        target=indicator.target,
        area_name="Zuid",
        year=year,
        series={y: Value(v) for y, v in series.items()},
        rules=StatusRules(),
        reference_name="G4",
        reference={y: Value(v) for y, v in (reference or {}).items()},
    )


@given(base=values, goal=values, year=st.integers(2012, 2031))
def test_a_value_exactly_on_the_trajectory_is_groen(base, goal, year):
    target = {
        "kind": "absolute",
        "value": goal,
        "baseline_year": 2011,
        "baseline_value": base,
        "target_year": 2031,
    }
    expected = Trajectory.through((2011, base), (2031, goal)).at(year)
    for polarity in ("higher_is_better", "lower_is_better"):
        outcome = assess_case(_case(polarity, target, {year: expected}, year))
        assert outcome.status is Status.GROEN


@given(zuid=values, g4=values, g4_now=values, year=st.integers(2012, 2031))
def test_reach_reference_on_the_trajectory_is_groen(zuid, g4, g4_now, year):
    target = {
        "kind": "reach_reference",
        "reference_area": "g4",
        "baseline_year": 2011,
        "target_year": 2031,
    }
    for polarity, sign in (("higher_is_better", 1), ("lower_is_better", -1)):
        gap0 = sign * (g4 - zuid)
        if gap0 <= 0.01:
            continue
        planned = (year - 2011) / 20
        on_track = g4_now - sign * gap0 * (1 - planned)
        outcome = assess_case(
            _case(polarity, target, {2011: zuid, year: on_track}, year, {2011: g4, year: g4_now})
        )
        assert outcome.status is Status.GROEN
        assert outcome.gap_closed == pytest.approx(planned, abs=1e-6)


@given(level=values, delta=st.floats(min_value=0.5, max_value=20))
def test_improving_polarity_flips_the_comparison(level, delta):
    target = {"kind": "absolute", "value": level}
    higher = {2022: level + delta}
    assert assess_case(_case("higher_is_better", target, higher, 2022)).status is Status.GROEN
    assert assess_case(_case("lower_is_better", target, higher, 2022)).status is not Status.GROEN


def test_a_figure_of_the_baseline_year_is_the_baseline_not_progress():
    result = judge(
        {"id": "w", "target": G4},
        Observation("w", "zuid", "2011", 14.0),
        Observation("w", "g2", "2011", 10.1),
    )
    assert result.status is Status.GRIJS
    assert result.explanation == (
        "Zuid 14,0% in 2011 is de nulmeting; voortgang is daaraan nog niet af te meten."
    )
    # the plan intended 37,4% for the baseline year 2022 itself: judged, not a baseline
    intended = {**SHARE, "baseline_year": 2022, "milestones": [{"year": 2022, "value": 37.4}]}
    assert (
        judge({"id": "b", "target": intended}, Observation("b", "zuid", "2022", 40.3)).status
        is Status.ROOD
    )
    falling = {"id": "d", "target": {"kind": "direction", "baseline_year": 2022}}
    assert judge(falling, Observation("d", "zuid", "2022", 194)).status is Status.GRIJS


def test_no_figures_at_all_says_so_and_what_the_plan_lacks():
    result = judge({**ADB, "target": {"kind": "absolute", "value": None}})
    assert result.explanation == (
        "Zuid: nog geen gegevens ingelezen. Het plan noemt geen streefwaarde."
    )
    assert result.period is None


def test_newer_figures_that_give_no_value_are_said():
    indicator = {
        "id": "n",
        "unit": "count",
        "aggregation": "sum",
        "kind": "context",
        "polarity": "neutral",
        "decimals": 0,
        "target": {"kind": "monitor_only"},
    }
    wijken = judge(
        indicator,
        Observation("n", "zuid", "2021", 100),
        Observation("n", "noord", "2021", 50),
        Observation("n", "zuid", "2022", 110),
        area="wijken",
    )
    assert wijken.period == "2021" and wijken.value == 150
    assert wijken.explanation.endswith("Voor 2022: niet af te leiden: geen gegevens voor Noord.")
