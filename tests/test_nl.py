"""Dutch formats, checked against Babel's nl_NL locale data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal

from koers import nl
from koers.plan import Unit


@pytest.mark.parametrize("month", range(1, 13))
def test_long_dates_as_babel_writes_them(month):
    day = date(2023, month, 1)
    assert nl.long_date(day) == format_date(day, "d MMMM y", locale="nl_NL")


@pytest.mark.parametrize(
    ("amount", "decimals"),
    [
        (1234567.891, 2),
        (0.5, 1),
        (-1708, 0),
        (32300, 0),
        (12.45, 1),
        (-0.04, 1),
    ],
)
def test_numbers_as_babel_writes_them(amount, decimals):
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    expected = format_decimal(round(amount, decimals), format=pattern, locale="nl_NL")
    # Babel writes a hyphen; a typesetter (and koers) writes the minus sign U+2212
    assert nl.number(amount, decimals) == expected.replace("-0,0", "0,0").replace("-", "\u2212")


def test_values_in_their_unit():
    assert nl.value(12.4, Unit.PERCENT) == "12,4%"
    assert nl.value(32300, Unit.EURO, 0) == "€\u00a032.300"  # a space that never breaks
    assert nl.value(None, Unit.COUNT) == "onbekend"
    assert nl.difference(2.3, Unit.PERCENT) == "2,3 procentpunt"
    assert nl.share(0.41) == "41%"


def test_missing_dates_and_amounts_are_a_dash():
    assert nl.long_date(date(2024, 3, 5)) == "5 maart 2024"
    assert nl.long_date(None) == "—"
    assert nl.euro(1465000) == "€\u00a01.465.000"
    assert nl.euro(None) == "—"
    assert nl.percent(0.75) == "75%"
    assert nl.percent(None) == "—"


def test_a_moment_is_written_in_dutch_time():
    # 13:03 UTC in March is 14:03 in Amsterdam (winter time); a naive time is UTC
    assert nl.moment(datetime(2025, 3, 5, 13, 3, tzinfo=UTC)) == "5 maart 2025 om 14:03"
    assert nl.moment(datetime(2025, 7, 5, 13, 3)) == "5 juli 2025 om 15:03"


@pytest.mark.parametrize(
    ("period", "said"),
    [
        ("2024-01-01", "1 januari 2024"),
        ("2022-10-01", "1 oktober 2022"),
        ("2024", "2024"),
        ("2022/2023", "2022/2023"),
        ("2019-05", "mei 2019"),
        (None, "—"),
    ],
)
def test_a_period_as_a_reader_says_it(period, said):
    assert nl.period(period) == said


def test_a_period_on_a_chart_axis_is_short_and_dutch():
    assert [nl.short_period(p) for p in ("2022-12-31", "2020-10-01", "2024", "2022/2023")] == [
        "31-12-2022",
        "1-10-2020",
        "2024",
        "2022/2023",
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("uiterlijk 2023-12-31", "uiterlijk 31 december 2023"),
        ("uiterlijk 2023-06", "uiterlijk juni 2023"),
        ("jaarlijks, 2023-2027", "jaarlijks, 2023-2027"),
        ("start in 2024", "start in 2024"),
    ],
)
def test_dates_inside_a_text_are_written_in_dutch(text, said):
    assert nl.dates_in(text) == said


def test_negative_numbers_have_a_minus_sign_and_euros_keep_their_amount():
    assert nl.number(-26, 0) == "\u221226"
    assert nl.share(-0.63) == "\u221263%"
    assert nl.value(-6200, Unit.EURO, 0) == "€\u00a0\u22126.200"
    assert nl.difference(-2.3, Unit.PERCENT) == "\u22122,3 procentpunt"
    assert nl.number(-0.04, 1) == "0,0"  # rounds to zero: no sign


@pytest.mark.parametrize(
    ("fraction", "said"), [(0.1, "10%"), (0.05, "5%"), (0.025, "2,5%"), (0.0125, "1,25%")]
)
def test_a_setting_as_a_percentage_keeps_the_decimals_it_needs(fraction, said):
    assert nl.percentage(fraction) == said
