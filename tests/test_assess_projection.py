"""What today's pace means: least squares over the measured points, worked out by hand."""

from __future__ import annotations

import pytest

from koers.assess.projection import MIN_POINTS, gap_points, project, target_goal
from koers.plan.model import Absolute, Ceiling, MonitorOnly, Polarity, ProportionalShare


def test_a_straight_line_reaches_the_target_in_one_year_without_a_range():
    # 42, 41, 40: one point down a year; 32 is 8 years after 2021
    result = project([(2019, 42), (2020, 41), (2021, 40)], 32, higher_is_better=False)
    assert result.measured_pace == pytest.approx(-1)
    assert (result.year, result.earliest, result.latest) == (2029, 2029, 2029)
    assert result.projected and result.reason is None


def test_scattered_points_give_a_range_from_the_slope_and_its_standard_error():
    # by hand: mean year 2020.5, mean 40.5, Sxx = 5, Sxy = -4, slope -0.8;
    # residuals 0.3, -0.9, 0.9, -0.3: SSR 1.8, s² = 0.9, se(slope) = sqrt(0.9 / 5) = 0.4243;
    # the line reaches 32 at 2020.5 + 8.5 / 0.8 = 2031.125: in 2032 (32.1 in 2031);
    # steeper (-1.2243): 2027.44 -> 2028; flatter (-0.3757): 2043.1 -> 2044
    points = [(2019, 42), (2020, 40), (2021, 41), (2022, 39)]
    result = project(points, 32, higher_is_better=False, target_year=2031)
    assert result.measured_pace == pytest.approx(-0.8)
    assert (result.year, result.earliest, result.latest) == (2032, 2028, 2044)
    # needed from the last point: (32 - 39) / (2031 - 2022) = -0.78 a year
    assert result.needed_pace == pytest.approx(-7 / 9)
    assert (result.first, result.last, result.points) == (2019, 2022, 4)


def test_no_latest_year_when_the_flatter_slope_no_longer_moves_toward_the_target():
    # 1, 2, 1.5 over 2020-2022: mean 1.5, Sxx = 2, slope 0.25; residuals -0.25, 0.5, -0.25:
    # SSR 0.375, s² = 0.375, se = sqrt(0.375 / 2) = 0.433 > 0.25: the flatter line runs away
    result = project([(2020, 1), (2021, 2), (2022, 1.5)], 10, higher_is_better=True)
    assert result.measured_pace == pytest.approx(0.25)
    # 2021 + (10 - 1.5) / 0.25 = 2055; steeper 0.683: 2021 + 12.44 -> 2034
    assert (result.year, result.earliest, result.latest) == (2055, 2034, None)


def test_too_few_points_give_the_paces_but_no_year():
    result = project([(2011, 0), (2022, 18900)], 35000, higher_is_better=True, target_year=2031)
    assert not result.projected
    assert result.reason == (
        f"te weinig metingen voor een prognose (2; er zijn er minstens {MIN_POINTS} nodig)"
    )
    assert result.measured_pace == pytest.approx(18900 / 11)
    assert result.needed_pace == pytest.approx(16100 / 9)
    single = project([(2022, 40.3)], 32, higher_is_better=False, target_year=2031)
    assert single.measured_pace is None and single.needed_pace == pytest.approx(-8.3 / 9)


def test_a_trend_away_from_the_target_or_a_target_reached_gives_no_year():
    away = project([(2020, 35), (2021, 36), (2022, 37)], 32, higher_is_better=False)
    assert away.reason == "het gemeten tempo gaat niet in de richting van het doel"
    done = project([(2020, 40), (2021, 36), (2022, 31)], 32, higher_is_better=False)
    assert done.reached and done.reason == "het doel is gehaald" and done.needed_pace is None
    slow = project([(2020, 40), (2021, 39.99), (2022, 39.98)], 0, higher_is_better=False)
    assert slow.year is None and "meer dan 100 jaar" in (slow.reason or "")
    assert project([], 1, higher_is_better=True).reason == "geen metingen"


def test_the_year_is_never_the_last_measured_year():
    # the fitted line passes 32 before 2022, but the figure of 2022 (32.5) had not reached it
    result = project([(2020, 36), (2021, 32.6), (2022, 32.5)], 32, higher_is_better=False)
    assert result.year == 2023


def test_one_point_per_year():
    with pytest.raises(ValueError, match="one point per year"):
        project([(2020, 1), (2020, 2)], 3, higher_is_better=True)


def test_the_level_and_year_each_kind_of_target_aims_at():
    converge = ProportionalShare(
        mode="converge", reference_share=32, baseline_year=2022, target_year=2031
    )
    assert target_goal(converge) == (32, 2031)
    assert target_goal(ProportionalShare(mode="at_least", band=(42, 47))) == (42, None)
    assert target_goal(Absolute(value=35000, target_year=2031)) == (35000, 2031)
    assert target_goal(Absolute(value=None)) is None
    assert target_goal(Ceiling(level=4.5)) == (4.5, None)
    assert target_goal(MonitorOnly()) is None and target_goal(None) is None


def test_a_gap_to_a_reference_is_the_shortfall_in_the_better_direction():
    zuid, g4 = {2011: 24.0, 2020: 22.2, 2021: 21.0}, {2011: 18.0, 2020: 16.2}
    assert gap_points(zuid, g4, Polarity.LOWER_IS_BETTER) == [(2011, 6.0), (2020, 6.0)]
    assert gap_points({2011: 48.0}, {2011: 55.0}, Polarity.HIGHER_IS_BETTER) == [(2011, 7.0)]
