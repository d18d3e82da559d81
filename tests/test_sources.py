"""The long CSV importer: Dutch numbers, every bad row named, and all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from koers.sources import ImportPreview, SourceError, import_file
from koers.sources.csvlong import parse_number

from .helpers import make_plan

PLAN = make_plan(
    {"id": "e1"}, {"id": "n", "unit": "count", "polarity": "neutral", "kind": "context"}
)


@pytest.fixture
def loaded(store):
    store.save_plan(PLAN)
    return store


def write(tmp_path: Path, text: str, name: str = "cijfers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "dutch", "value"),
    [
        ("12,4", True, 12.4),
        ("1.234,5", True, 1234.5),
        ("13.292", True, 13292.0),
        ("12.4", False, 12.4),
        ("12,4", False, 12.4),
        ("40,3%", True, 40.3),
        ("-0,5", True, -0.5),
    ],
)
def test_numbers_in_dutch_and_english_notation(text, dutch, value):
    assert parse_number(text, dutch) == value


def test_a_semicolon_file_with_dutch_decimals(loaded, tmp_path):
    path = write(
        tmp_path,
        "indicator;area;period;value;status;source\n"
        "e1;zuid;2022;40,3;voorlopig;gemeente\n"
        "n;zuid;2022-01-01;207.510;;CBS\n",
    )
    result = import_file(loaded, path)
    assert (result.rows, result.added) == (2, 2)
    values = {o.indicator: (o.value, o.status, o.source) for o in loaded.observations("p")}
    assert values == {"e1": (40.3, "voorlopig", "gemeente"), "n": (207510.0, "definitief", "CBS")}


def test_a_bad_row_stores_nothing_and_every_problem_is_named(loaded, tmp_path):
    path = write(
        tmp_path,
        "indicator,area,period,value,numerator\n"
        "e1,zuid,2022,40.3,\n"
        "e9,zuid,2022,1,\n"
        "e1,mars,2022/2024,abc,\n"
        "e1,noord,2022,140,x\n"
        "e1,zuid,2022,40.1,\n",
    )
    with pytest.raises(SourceError) as caught:
        import_file(loaded, path)
    assert [str(i) for i in caught.value.issues] == [
        "cijfers.csv, rij 3, kolom 'indicator': onbekende indicator 'e9'",
        "cijfers.csv, rij 4, kolom 'area': onbekend gebied 'mars'",
        "cijfers.csv, rij 4, kolom 'period': school year '2022/2024' must span two consecutive years",
        "cijfers.csv, rij 4, kolom 'value': 'abc' is geen getal",
        "cijfers.csv, rij 5, kolom 'value': 140 is geen percentage (moet tussen 0 en 100 liggen)",
        "cijfers.csv, rij 5, kolom 'numerator': 'x' is geen getal",
        "cijfers.csv, rij 6, kolom 'period': dubbele rij: dezelfde indicator, gebied en periode staan al in rij 2",
    ]
    assert loaded.observations("p") == []
    assert loaded.batches("p") == []


def test_missing_and_unknown_columns(loaded, tmp_path):
    path = write(tmp_path, "indicator,gebied,period,value\ne1,zuid,2022,1\n")
    with pytest.raises(SourceError) as caught:
        import_file(loaded, path)
    assert [str(i) for i in caught.value.issues] == [
        "cijfers.csv, rij 1, kolom 'area': verplichte kolom ontbreekt",
        "cijfers.csv, rij 1, kolom 'gebied': onbekende kolom",
    ]


def test_an_empty_value_needs_a_reason(loaded, tmp_path):
    bad = write(tmp_path, "indicator,area,period,value,note\ne1,zuid,2022,,\n")
    with pytest.raises(SourceError, match="rij 2, kolom 'value': leeg"):
        import_file(loaded, bad)
    good = write(
        tmp_path, "indicator,area,period,value,note\ne1,zuid,2022,,geheim (CBS: .)\n", "b.csv"
    )
    import_file(loaded, good)
    (obs,) = loaded.observations("p")
    assert obs.value is None and obs.note == "geheim (CBS: .)"


def test_dry_run_stores_nothing_and_the_same_file_is_imported_once(loaded, tmp_path):
    path = write(tmp_path, "indicator,area,period,value\ne1,zuid,2022,40.3\n")
    preview = import_file(loaded, path, dry_run=True)
    assert isinstance(preview, ImportPreview) and preview.rows == 1
    assert loaded.batches("p") == []
    first = import_file(loaded, path)
    second = import_file(loaded, path)
    assert second.duplicate_of == first.batch
