"""The long CSV importer and import batches: Dutch numbers, every bad row named, all or
nothing, dry runs, revisions, undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from koers.sources import SourceError, import_file
from koers.sources.toolkit import parse_number
from koers.store import StoreError

from .helpers import make_plan

PLAN = make_plan(
    {"id": "e1", "aggregation": "ratio"},
    {"id": "n", "unit": "count", "polarity": "neutral", "kind": "context", "aggregation": "sum"},
    {"id": "s", "periodicity": "school_year"},
)


@pytest.fixture
def loaded(store):
    store.save_plan(PLAN)
    return store


def write(tmp_path: Path, text: str, name: str = "cijfers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def current(store) -> dict[tuple[str, str, str], float | None]:
    return {(o.indicator, o.area, o.period): o.value for o in store.observations("p")}


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
    outcome = import_file(loaded, path)
    assert outcome.format == "csv"
    assert (outcome.batch.rows, outcome.batch.added) == (2, 2)
    values = {o.indicator: (o.value, o.status, o.source) for o in loaded.observations("p")}
    assert values == {"e1": (40.3, "voorlopig", "gemeente"), "n": (207510.0, "definitief", "CBS")}


def test_a_bad_row_stores_nothing_and_every_problem_is_named(loaded, tmp_path):
    path = write(
        tmp_path,
        "indicator,area,period,value,numerator,denominator\n"
        "e1,zuid,2022,40.3,,\n"
        "ee1,zuid,2022,1,,\n"
        "e1,noordd,2022/2024,abc,,\n"
        "e1,noord,2022,140,x,\n"
        "e1,zuid,2022,40.1,,\n"
        "s,zuid,2022,12,,\n"
        "n,zuid,2022,-5,,\n"
        "e1,rest,2022,60,600,500\n",
    )
    with pytest.raises(SourceError) as caught:
        import_file(loaded, path)
    assert [str(i) for i in caught.value.issues] == [
        "cijfers.csv, rij 3, kolom 'indicator': onbekende indicator 'ee1' (bedoelde u: e1?)",
        "cijfers.csv, rij 4, kolom 'area': onbekend gebied 'noordd' (bedoelde u: noord?)",
        "cijfers.csv, rij 4, kolom 'value': 'abc' is geen getal",
        "cijfers.csv, rij 4, kolom 'period': '2022/2024' is geen periode: schrijf een jaar ('2024'), een schooljaar ('2023/2024') of een datum ('2024-10-01')",
        "cijfers.csv, rij 5, kolom 'numerator': 'x' is geen getal",
        "cijfers.csv, rij 5, kolom 'value': 140 is geen percentage (moet tussen 0 en 100 liggen)",
        "cijfers.csv, rij 6, kolom 'period': dubbele rij: dezelfde indicator, gebied, periode en uitsplitsing staan al in rij 2",
        "cijfers.csv, rij 7, kolom 'period': '2022' is geen schooljaar; s wordt per schooljaar gemeten ('2022/2023'; een los jaar alleen met een toelichting in 'note')",
        "cijfers.csv, rij 8, kolom 'value': -5 is negatief; een aantal kan dat niet zijn",
        "cijfers.csv, rij 9, kolom 'numerator': teller 600 is groter dan noemer 500",
    ]
    assert loaded.observations("p") == []
    assert loaded.batches("p") == []


def test_missing_and_unknown_columns(loaded, tmp_path):
    path = write(tmp_path, "indicator,area,period,value,nota\ne1,zuid,2022,1,x\n")
    with pytest.raises(SourceError) as caught:
        import_file(loaded, path, format="csv")
    assert [str(i) for i in caught.value.issues] == [
        "cijfers.csv, rij 1, kolom 'nota': onbekende kolom (bedoelde u: note?)"
    ]
    no_area = write(tmp_path, "indicator,period,value\ne1,2022,1\n", "b.csv")
    with pytest.raises(SourceError, match="rij 1, kolom 'area': verplichte kolom ontbreekt"):
        import_file(loaded, no_area, format="csv")


def test_an_unrecognised_file_asks_for_a_format(loaded, tmp_path):
    path = write(tmp_path, "a,b\n1,2\n")
    with pytest.raises(SourceError, match="formaat niet herkend; geef het op met --format"):
        import_file(loaded, path)


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


def test_dry_run_shows_the_changes_and_stores_nothing(loaded, tmp_path):
    first = write(tmp_path, "indicator,area,period,value,status\ne1,zuid,2022,40.3,voorlopig\n")
    import_file(loaded, first)
    second = write(
        tmp_path, "indicator,area,period,value\ne1,zuid,2022,40.1\ne1,noord,2022,9\n", "b.csv"
    )
    preview = import_file(loaded, second, dry_run=True)
    assert preview.batch is None
    assert [o.area for o in preview.diff.added] == ["noord"]
    [(old, new)] = preview.diff.revised
    assert (old.value, old.status, new.value, new.status) == (40.3, "voorlopig", 40.1, "definitief")
    assert len(loaded.batches("p")) == 1
    assert current(loaded) == {("e1", "zuid", "2022"): 40.3}
    assert import_file(loaded, first, dry_run=True).duplicate_of == loaded.batches("p")[0].id


def test_reimport_is_idempotent(loaded, tmp_path):
    path = write(tmp_path, "indicator,area,period,value\ne1,zuid,2022,40.3\n")
    first = import_file(loaded, path)
    again = import_file(loaded, path)
    assert again.duplicate_of == first.batch.batch
    assert len(loaded.batches("p")) == 1


def test_undo_restores_what_a_batch_replaced(loaded, tmp_path):
    provisional = write(
        tmp_path, "indicator,area,period,value,status\ne1,zuid,2022,40.3,voorlopig\n"
    )
    final = write(
        tmp_path, "indicator,area,period,value\ne1,zuid,2022,40.1\ne1,noord,2022,9\n", "b.csv"
    )
    import_file(loaded, provisional)
    second = import_file(loaded, final).batch
    assert current(loaded) == {("e1", "zuid", "2022"): 40.1, ("e1", "noord", "2022"): 9}
    undone = loaded.undo_batch(second.batch, user="bureau")
    assert (undone.state, undone.undone_by) == ("undone", "bureau")
    assert current(loaded) == {("e1", "zuid", "2022"): 40.3}
    history = [
        (o.value, o.revision)
        for o in loaded.observations("p", all_revisions=True)
        if o.area == "zuid"
    ]
    assert history == [(40.3, 1), (40.1, 2)]  # kept, visible
    again = import_file(loaded, final).batch  # the same file may come back after an undo
    assert again.revised == 1
    assert current(loaded)[("e1", "zuid", "2022")] == 40.1
    assert max(o.revision for o in loaded.observations("p", all_revisions=True)) == 3
    with pytest.raises(StoreError, match="al ongedaan gemaakt"):
        loaded.undo_batch(second.batch)
    with pytest.raises(StoreError, match="import 'nope' bestaat niet"):
        loaded.undo_batch("nope")


def test_a_failed_import_leaves_the_database_byte_for_byte_as_it_was(sqlite_url, tmp_path):
    import sqlite3

    from koers.store import Store

    with Store.open(sqlite_url) as store:
        store.save_plan(PLAN)
        import_file(store, write(tmp_path, "indicator,area,period,value\ne1,zuid,2021,40\n"))
        database = sqlite_url.removeprefix("sqlite:///")

        def dump() -> list[str]:
            with sqlite3.connect(database) as raw:
                return list(raw.iterdump())

        before = dump()
        bad = write(
            tmp_path, "indicator,area,period,value\ne1,zuid,2022,41\ne1,zuid,2023,x\n", "b.csv"
        )
        with pytest.raises(SourceError):
            import_file(store, bad)
        # a failure inside the transaction (the database refuses a row) rolls back too
        from sqlalchemy.exc import IntegrityError

        from koers.areas import Observation

        with pytest.raises(IntegrityError):
            store.import_observations(
                "p",
                [Observation("e1", "zuid", "2022", 41), Observation("e1", "mars", "2022", 1)],
                source_name="c.csv",
                checksum="c",
                format="csv",
            )
        assert dump() == before


def test_a_file_that_disagrees_with_itself_is_reported(loaded, tmp_path):
    path = write(
        tmp_path,
        "indicator,area,period,value\n"
        "n,rotterdam,2022-01-01,650000\nn,amsterdam,2022-01-01,880000\n"
        "n,g2,2022-01-01,1530100\n",
    )
    outcome = import_file(loaded, path)
    [mismatch] = outcome.mismatches
    assert (mismatch.area, mismatch.published, mismatch.derived) == ("g2", 1530100, 1530000)
    assert outcome.batch.added == 3  # reported, not refused: both figures are the publisher's


@pytest.mark.parametrize("text", ["12.4", "1.23", "1.2345,6"])
def test_a_dot_that_cannot_group_thousands_is_refused_in_dutch_notation(text):
    with pytest.raises(ValueError, match="geen getal in Nederlandse schrijfwijze"):
        parse_number(text, dutch=True)


def test_a_declared_crosswalk_translates_even_codes_the_plan_knows():
    import json

    from koers.plan import plan_from_documents
    from koers.sources import ImportContext

    document = {
        "programme": {
            "id": "p",
            "name": "P",
            "area": "zuid",
            "period_start": 2023,
            "period_end": 2027,
            "horizon": 2031,
        },
        "areas": [
            {"id": "zuid", "name": "Zuid", "kind": "buurt", "cbs_code": "BU05991578"},
            {"id": "rand", "name": "Zuidrand", "kind": "buurt", "cbs_code": "BU05991570"},
        ],
        "crosswalks": [
            {
                "id": "grens-2017",
                "name": "Buurten 2017 naar 2024",
                "entries": [
                    {"code": "BU05991578", "area": "zuid", "weight": 0.6},
                    {"code": "BU05991578", "area": "rand", "weight": 0.4},
                ],
            }
        ],
    }
    context = ImportContext(plan_from_documents({"p.yaml": json.dumps(document)}))
    assert context.resolve("BU05991578", None) == [("zuid", 1.0)]
    assert context.resolve("BU05991578", "grens-2017") == [("zuid", 0.6), ("rand", 0.4)]
    assert context.resolve(" BU05991570 ", "grens-2017") == [("rand", 1.0)]
    assert context.resolve("BU05990110", "grens-2017") == []
