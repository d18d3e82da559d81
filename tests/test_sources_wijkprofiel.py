"""The Rotterdam Wijkprofiel importer: the real workbook and its CSV dumps, read against a
plan of Zuid (tests/fixtures/wijkprofiel/plan) and one of the whole city (plan-stad), and
small hand-made files for every way a file can be wrong."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
import yaml

from koers.areas.graph import AreaGraph
from koers.plan import Plan, load_plan, plan_from_documents
from koers.sources import SOURCES, SourceError, import_file
from koers.sources.base import ImportContext, Reading
from koers.sources.wijkprofiel import WijkprofielSource, sheet_kind, sheet_year
from koers.sources.workbook import _xls_cell

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "wijkprofiel"
PLAN = load_plan(FIXTURES / "plan")
CITY = load_plan(FIXTURES / "plan-stad")
EXTERNAL = Path(os.environ.get("KOERS_SHARED", ROOT.parent / "shared")) / "data" / "external"
WP = EXTERNAL / "rotterdam_wijkprofiel"
WORKBOOK = WP / "wijkprofiel_2014_2016_datastructuur.xls"
SOURCE = WijkprofielSource()
INDICES = ("SI", "SIs", "SIo", "FI", "FIs", "FIo", "VI", "VIs", "VIo")

real = pytest.mark.skipif(not WP.is_dir(), reason=f"{WP} is not there")


def read(path: Path, plan: Plan = PLAN, mapping: str | None = None) -> Reading:
    return SOURCE.read(path.read_bytes(), path.name, ImportContext(plan, mapping))


def read_bytes(data: bytes, name: str, plan: Plan = PLAN) -> Reading:
    return SOURCE.read(data, name, ImportContext(plan))


def values(reading: Reading) -> dict[tuple[str, str, str], float | None]:
    return {(o.indicator, o.area, o.period): o.value for o in reading.observations}


def messages(caught: pytest.ExceptionInfo[SourceError]) -> list[str]:
    return [str(issue) for issue in caught.value.issues]


def plan_with(*extra: dict[str, Any], **changes: Any) -> Plan:
    """The Zuid test plan with its first mapping ('wijkprofiel') changed and ``extra``
    mappings added."""
    documents = {
        p.name: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((FIXTURES / "plan").glob("*.yaml"))
    }
    documents["mappings.yaml"]["mappings"][0].update(changes)
    documents["mappings.yaml"]["mappings"].extend(extra)
    return plan_from_documents({name: json.dumps(doc) for name, doc in documents.items()})


SPLIT = {  # a code split over several areas with weights: counts divided, an index copied
    "id": "wijkprofiel-verdeeld",
    "format": "wijkprofiel",
    "name": "Wijkprofiel, test van het verdelen",
    "source": "Testbestand",
    "crosswalk": "wijkprofiel-verdeeld",
    "status": "voorlopig",
    "columns": [
        {"column": "SI", "indicator": "wp-si"},
        {"column": "inwoners", "indicator": "wp-inwoners"},
    ],
}


def comparable(reading: Reading) -> set[tuple[object, ...]]:
    """Observations without their source (which names the file and sheet)."""
    return {
        (o.indicator, o.area, o.period, o.value, o.status, o.note) for o in reading.observations
    }


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The format in the registry, as koers.sources will have it."""
    monkeypatch.setitem(SOURCES, "wijkprofiel", SOURCE)


# -- the real files ----------------------------------------------------------------------


@real
def test_the_workbook_gives_the_figures_a_user_looks_up():
    reading = read(WORKBOOK)
    got = values(reading)
    # hand-checked in the sheets SI 2016, VI 2016, SI 2014 and in SOURCES.md
    assert got[("wp-si", "tarwewijk", "2016")] == 78.85551727144293
    assert got[("wp-si", "tarwewijk", "2014")] == 69.58267705582476
    assert got[("wp-vi", "rotterdam", "2016")] == 101.748847032684  # "VI 2016 = 101.7"
    assert round(got[("wp-vi", "rotterdam", "2016")], 1) == 101.7
    assert got[("wp-fi", "tarwewijk", "2016")] == 80.71840464353623
    assert got[("wp-vis", "groot-ijsselmonde-noord", "2016")] == 86.54095434780378  # 1009
    assert got[("wp-si", "zuiderpark-zuidrand", "2016")] == 93.00702744791548  # 78
    assert got[("wp-si", "gebied-charlois", "2016")] == 81.2520959124085  # 4009
    # a fraction 0.3149247179067981 in the file, scale 100 in the mapping
    assert got[("wp-moeilijk-rondkomen", "tarwewijk", "2016")] == 31.4924717907
    for indicator in ("wp-si", "wp-fi", "wp-vi", "wp-vis"):  # Rotterdam 2014 = 100
        assert got[(indicator, "rotterdam", "2014")] == 100.0
    tarwewijk = next(o for o in reading.observations if o.area == "tarwewijk")
    assert tarwewijk.status == "definitief"
    assert tarwewijk.source == (
        "Gemeente Rotterdam, OBI, Wijkprofiel "
        "(wijkprofiel_2014_2016_datastructuur.xls, blad 'SI 2014')"
    )
    assert reading.mapping == "wijkprofiel"


@real
def test_all_four_sheets_of_both_years_import_and_the_rest_of_the_city_is_reported():
    reading = read(WORKBOOK)
    # 27 Wijkprofiel areas in the crosswalk, 5 indicators, 2 years; nothing missing in Zuid
    assert len(reading.observations) == 270
    per = {}
    for o in reading.observations:
        per[(o.indicator, o.period)] = per.get((o.indicator, o.period), 0) + 1
    assert per == {
        (i, y): 27
        for i in ("wp-si", "wp-fi", "wp-vi", "wp-vis", "wp-moeilijk-rondkomen")
        for y in ("2014", "2016")
    }
    assert all(o.value is not None for o in reading.observations)
    # 86 rows per sheet, 27 mapped: the other 59 area numbers, once per sheet (8 sheets)
    assert len(reading.unmapped_areas) == 59
    assert set(reading.unmapped_areas.values()) == {8}
    assert {"20", "3001", "4000", "4013", "91"} <= set(reading.unmapped_areas)
    assert "5000" not in reading.unmapped_areas
    assert "SI 2016: SIs" in reading.unmapped_columns
    assert "FI-obj 2014: Vraagdruk" in reading.unmapped_columns
    assert "SI 2016: SI" not in reading.unmapped_columns
    assert reading.report() == [
        "59 gebiedscodes niet in het plan of een crosswalk, overgeslagen: 1, 10, 11, 12, "
        "13, 14, 15, 16, 20, 21, 22, 23 en 47 meer",
        f"{len(reading.unmapped_columns)} kolommen zonder koppeling aan een indicator, "
        "overgeslagen",
    ]


@real
@pytest.mark.parametrize("plan", [PLAN, CITY], ids=["zuid", "stad"])
def test_the_workbook_and_the_csv_dumps_give_identical_observations(plan):
    workbook = read(WORKBOOK, plan)
    dumps = [read(path, plan) for path in sorted(WP.glob("wijkprofiel_20??_*.csv"))]
    assert len(dumps) == 8
    union: set[tuple[object, ...]] = set().union(*(comparable(r) for r in dumps))
    assert comparable(workbook) == union
    # FI, FIs and FIo stand on FI-subj and FI-obj alike: each CSV has them, the workbook once
    assert len(workbook.observations) == len({o[:3] for o in union})


@real
def test_suppressed_cells_and_codes_that_differ_per_sheet_in_the_real_file():
    reading = read(WORKBOOK, CITY)
    assert not reading.unmapped_areas  # the city plan knows every area number
    assert len(reading.observations) == 86 * 12 * 2
    by_key = {(o.indicator, o.area, o.period): o for o in reading.observations}
    # Vraagdruk is empty for Zuidplein (76) in both years
    zuidplein = by_key[("vraagdruk", "wp-76", "2016")]
    assert zuidplein.value is None
    assert zuidplein.note == "leeg in de Wijkprofiel: door de gemeente niet gegeven"
    assert by_key[("vraagdruk", "wp-71", "2016")].value == 124.0
    empty = sorted((o.area, o.period) for o in reading.observations if o.value is None)
    assert empty == sorted(
        [(f"wp-{n}", "2014") for n in (1, 13, 44, 64, 68, 76, 78, 3003)]
        + [(f"wp-{n}", "2016") for n in (1, 64, 68, 76, 78, 3003)]
    )
    # Ms is Meedoen-subjectief on SI and Milieu subjectief on FI-subj: 'SI:Ms', 'FI-subj:Ms'
    assert by_key[("meedoen-subjectief", "wp-71", "2016")].value == 60.804055596654315
    assert by_key[("milieu-subjectief", "wp-71", "2016")].value == 75.49428934411493


@real
def test_a_code_mapped_without_its_sheet_is_refused_where_the_sheets_disagree():
    plan = plan_with(columns=[{"column": "Ms", "indicator": "wp-si"}])
    with pytest.raises(SourceError) as caught:
        read(WORKBOOK, plan)
    found = messages(caught)
    # every mapped area in both years, except Rotterdam 2014 where both sub-indices are 100
    assert len(found) == 2 * 27 - 1
    assert not any("'rotterdam' in 2014" in message for message in found)
    assert found[0] == (
        "wijkprofiel_2014_2016_datastructuur.xls, blad 'FI-subj 2014', rij 4, kolom 'Ms': "
        "wp-si voor gebied 'tarwewijk' in 2014 staat al in blad 'SI 2014', rij 4, kolom 'Ms' "
        "met een andere waarde (48.27107985012455 tegen 64.19089332062451); de code betekent "
        "per blad iets anders: noem het blad in de koppeling, bijvoorbeeld 'FI-subj:Ms'"
    )


@real
def test_a_sheet_no_mapping_names_is_left_out(tmp_path):
    reading = read(WORKBOOK, plan_with(columns=[{"column": "SI", "indicator": "wp-si"}]))
    assert {o.indicator for o in reading.observations} == {"wp-si"}
    assert len(reading.observations) == 54
    assert "VI 2016: VI" in reading.unmapped_columns
    assert "FI-subj 2014: FI" in reading.unmapped_columns


@real
def test_reimport_is_idempotent_and_two_years_are_two_periods(store, registered):
    store.save_plan(PLAN)
    first = import_file(store, WP / "wijkprofiel_2014_SI.csv", format="wijkprofiel")
    assert (first.batch.rows, first.batch.added) == (54, 54)  # SI and MoeilijkRondkomen_p
    second = import_file(store, WP / "wijkprofiel_2016_SI.csv", format="wijkprofiel")
    assert (second.batch.rows, second.batch.added, second.batch.revised) == (54, 54, 0)
    periods = {o.period for o in store.observations("wijkprofiel-test")}
    assert periods == {"2014", "2016"}
    again = import_file(store, WP / "wijkprofiel_2016_SI.csv", format="wijkprofiel")
    assert again.duplicate_of == second.batch.batch
    # the workbook adds the other sheets; what the CSVs brought is unchanged
    workbook = import_file(store, WORKBOOK)  # recognised by sniffing
    assert workbook.format == "wijkprofiel"
    assert (workbook.batch.added, workbook.batch.revised, workbook.batch.unchanged) == (
        162,
        0,
        108,
    )
    assert import_file(store, WORKBOOK).duplicate_of == workbook.batch.batch
    assert len(store.batches("wijkprofiel-test")) == 3
    tarwewijk = {
        o.period: o.value
        for o in store.observations("wijkprofiel-test")
        if (o.indicator, o.area) == ("wp-si", "tarwewijk")
    }
    assert tarwewijk == {"2014": 69.58267705582476, "2016": 78.85551727144293}


def _published_and_members(
    reading: Reading, plan: Plan, indicator: str, period: str
) -> list[tuple[str, float, list[float]]]:
    """(district, its published value, the values of the Wijkprofiel areas inside it)."""
    graph = AreaGraph(plan.areas)
    got = {
        o.area: o.value
        for o in reading.observations
        if (o.indicator, o.period) == (indicator, period)
    }
    result = []
    for area in plan.areas:
        if area.kind.value != "district" or got.get(area.id) is None:
            continue
        inside = [v for a, v in got.items() if v is not None and area.id in graph.ancestors(a)]
        result.append((area.id, got[area.id], inside))
    return result


@real
def test_the_gebied_totals_of_zuid_lie_within_their_wijken():
    reading = read(WORKBOOK)
    for indicator in ("wp-si", "wp-fi", "wp-vi", "wp-vis", "wp-moeilijk-rondkomen"):
        for period in ("2014", "2016"):
            checked = _published_and_members(reading, PLAN, indicator, period)
            assert [c[0] for c in checked] == [
                "gebied-charlois",
                "gebied-feijenoord",
                "gebied-ijsselmonde",
            ]
            for district, total, inside in checked:
                assert min(inside) <= total <= max(inside), (indicator, period, district)
    # e.g. SI 2016: Charlois 81.25 among its nine areas 75.29 (Carnisse) .. 103.53 (Zuidplein)
    charlois = _published_and_members(reading, PLAN, "wp-si", "2016")[0]
    assert (round(min(charlois[2]), 2), round(charlois[1], 2), round(max(charlois[2]), 2)) == (
        75.29,
        81.25,
        103.53,
    )
    assert len(charlois[2]) == 9


@real
def test_the_publishers_own_totals_for_the_whole_city():
    """The index is not additive: a gebied total need only lie within its wijken, Rotterdam
    within its gebieden. Five totals do not, and the single-wijk gebieden Pernis and Rozenburg
    differ from their one wijk in the ninth decimal in 2016."""
    reading = read(WORKBOOK, CITY)
    got = values(reading)
    outside = []
    for indicator in INDICES:
        for period in ("2014", "2016"):
            for district, total, inside in _published_and_members(reading, CITY, indicator, period):
                if not min(inside) - 1e-6 <= total <= max(inside) + 1e-6:
                    outside.append(
                        (
                            period,
                            indicator,
                            district,
                            round(total, 2),
                            round(min(inside), 2),
                            round(max(inside), 2),
                        )
                    )
            gebieden = [got[(indicator, f"wp-{n}", period)] for n in range(4000, 4014)]
            assert min(gebieden) <= got[(indicator, "rotterdam", period)] <= max(gebieden)
            if period == "2014":
                assert got[(indicator, "rotterdam", period)] == 100.0
    assert sorted(outside) == [
        ("2014", "FIo", "wp-4002", 96.36, 89.56, 94.47),  # Overschie
        ("2014", "FIo", "wp-4012", 124.12, 119.99, 123.63),  # Hoek van Holland
        ("2016", "FIo", "wp-4012", 117.74, 110.55, 117.15),  # Hoek van Holland
        ("2016", "SIo", "wp-4000", 87.57, 87.77, 95.62),  # Rotterdam Centrum
        ("2016", "VI", "wp-4011", 124.23, 124.33, 124.61),  # Hoogvliet
    ]
    differs = []
    for gebied, wijk in (("4010", "91"), ("4013", "4")):  # Pernis, Rozenburg
        for indicator in INDICES:
            for period in ("2014", "2016"):
                a, b = (
                    got[(indicator, f"wp-{gebied}", period)],
                    got[(indicator, f"wp-{wijk}", period)],
                )
                assert abs(a - b) < 1e-8
                if a != b:
                    differs.append((gebied, indicator, period))
    assert differs == [
        ("4010", "SI", "2016"),
        ("4010", "SIo", "2016"),
        ("4013", "SI", "2016"),
        ("4013", "SIo", "2016"),
    ]


# -- hand-made files -------------------------------------------------------------------------


def test_an_empty_cell_and_a_publisher_mark_become_missing_with_the_reason():
    reading = read(FIXTURES / "wijkprofiel_2016_leeg.csv")
    by_indicator = {o.indicator: o for o in reading.observations}
    assert by_indicator["wp-si"].value is None
    assert by_indicator["wp-si"].note == "leeg in de Wijkprofiel: door de gemeente niet gegeven"
    assert by_indicator["wp-vis"].value is None
    assert by_indicator["wp-vis"].note == "geheim of niet beschikbaar (.) in de Wijkprofiel"
    assert by_indicator["wp-vi"].value == 83.54354427349213
    assert by_indicator["wp-vi"].note is None
    assert {o.period for o in reading.observations} == {"2016"}  # from the file name


def test_an_unknown_column_and_unmapped_area_numbers_are_reported():
    reading = read(FIXTURES / "wijkprofiel_2016_onbekende-kolom.csv")
    assert reading.unmapped_columns == ["SII"]
    assert reading.unmapped_areas == {"20": 1, "21": 1}
    assert values(reading) == {
        ("wp-si", "tarwewijk", "2016"): 78.85551727144293,
        ("wp-moeilijk-rondkomen", "tarwewijk", "2016"): 31.4924717907,
    }
    assert reading.report() == [
        "2 gebiedscodes niet in het plan of een crosswalk, overgeslagen: 20, 21",
        "1 kolommen zonder koppeling aan een indicator, overgeslagen",
    ]


def test_values_that_are_not_numbers_and_malformed_rows_are_errors_with_row_and_column():
    with pytest.raises(SourceError) as caught:
        read(FIXTURES / "wijkprofiel_2016_geen-getal.csv")
    assert messages(caught) == [
        "wijkprofiel_2016_geen-getal.csv, rij 2, kolom 'SI': 'abc' is geen getal",
        "wijkprofiel_2016_geen-getal.csv, rij 3, kolom 'SI': 'nan' is geen getal",
        "wijkprofiel_2016_geen-getal.csv, rij 3, kolom 'MoeilijkRondkomen_p': "
        "150 is geen percentage (moet tussen 0 en 100 liggen)",
        "wijkprofiel_2016_geen-getal.csv, rij 4, kolom 'wijknr': wijknr ontbreekt",
        "wijkprofiel_2016_geen-getal.csv, rij 5: meer velden (6) dan kolommen in de kopregel (5)",
        "wijkprofiel_2016_geen-getal.csv, rij 6: minder velden (4) dan kolommen in de kopregel (5)",
    ]


def test_a_duplicate_row_is_an_error():
    with pytest.raises(SourceError) as caught:
        read(FIXTURES / "wijkprofiel_2016_dubbel.csv")
    assert messages(caught) == [
        "wijkprofiel_2016_dubbel.csv, rij 3, kolom 'wijknr': "
        "dubbele rij: wijknr 71 staat al in rij 2",
        "wijkprofiel_2016_dubbel.csv, rij 4, kolom 'wijknr': "
        "dubbele rij: wijknr 71 staat al in rij 2",  # 71.0 is 71
    ]
    # two numbers for one plan area (here the area's CBS code) must not disagree
    twice = b"gebied,wijknr,naam,SI\nCharlois,71,Tarwewijk,78.9\nCharlois,BU05991571,Tarwewijk,79\n"
    with pytest.raises(SourceError) as caught:
        read_bytes(twice, "wijkprofiel_2016_x.csv")
    assert messages(caught) == [
        "wijkprofiel_2016_x.csv, rij 3, kolom 'SI': wp-si voor gebied 'tarwewijk' in 2016 "
        "staat al in rij 2, kolom 'SI' met een andere waarde (78.9 tegen 79.0)"
    ]


def test_a_number_split_over_areas_divides_counts_and_copies_the_index():
    reading = read(FIXTURES / "wijkprofiel_2016_verdeeld.csv", plan_with(SPLIT))
    got = {(o.indicator, o.area): o for o in reading.observations}
    assert got[("wp-inwoners", "charlois-zuidrand")].value == 376.04  # 1343 × 0.28
    assert got[("wp-inwoners", "zuiderpark")].value == 966.96  # 1343 × 0.72
    assert got[("wp-inwoners", "zuiderpark")].note == (
        "72% van gebiedscode '78' (crosswalk) (Zuiderpark en Zuidrand)"
    )
    for area, share in (("charlois-zuidrand", 28), ("zuiderpark", 72)):
        index = got[("wp-si", area)]
        assert index.value == 93.00702744791548
        assert index.note == (
            f"overgenomen van gebiedscode '78', waarvan {share}% in dit gebied ligt "
            "(crosswalk); een index is niet te verdelen (Zuiderpark en Zuidrand)"
        )
        assert (index.status, index.source) == (
            "voorlopig",
            "Testbestand (wijkprofiel_2016_verdeeld.csv)",
        )


def test_a_semicolon_file_has_dutch_decimals():
    reading = read(FIXTURES / "wijkprofiel_2016_puntkomma.csv")
    assert values(reading) == {
        ("wp-si", "tarwewijk", "2016"): 78.85551727144293,
        ("wp-vi", "tarwewijk", "2016"): 83.54354427349213,
        ("wp-si", "groot-ijsselmonde-noord", "2016"): 95.76633853428709,
        ("wp-vi", "groot-ijsselmonde-noord", "2016"): None,
    }


def test_the_year_comes_from_the_name_unless_the_mapping_gives_it():
    path = FIXTURES / "wijkprofiel-zonder-jaar.csv"
    with pytest.raises(SourceError) as caught:
        read(path)
    assert messages(caught) == [
        "wijkprofiel-zonder-jaar.csv: geen (eenduidig) jaar in de naam "
        "'wijkprofiel-zonder-jaar'; geef het met 'period' in koppeling 'wijkprofiel'"
    ]
    assert values(read(path, plan_with(period="2018"))) == {
        ("wp-si", "tarwewijk", "2018"): 78.85551727144293
    }
    assert (sheet_year("SI 2016"), sheet_year("wijkprofiel_2014_2016_x"), sheet_year("SI")) == (
        "2016",
        None,
        None,
    )
    assert sheet_kind("FI-subj 2016") == sheet_kind("wijkprofiel_2016_FI_subj") == "fi-subj"


def test_mapping_problems_are_named():
    path = FIXTURES / "wijkprofiel_2016_onbekende-kolom.csv"
    fraction = plan_with(
        columns=[{"column": "MoeilijkRondkomen_p", "indicator": "wp-moeilijk-rondkomen"}]
    )
    with pytest.raises(SourceError) as caught:
        read(path, fraction)
    assert messages(caught) == [
        "wijkprofiel_2016_onbekende-kolom.csv, rij 1, kolom 'MoeilijkRondkomen_p': de "
        "Wijkprofiel geeft hier een fractie (hoogste waarde 0.314925), wp-moeilijk-rondkomen "
        "is een percentage; zet 'scale: 100' in de koppeling"
    ]
    # empty cells and bad values do not hide the fractions (an unnamed column is skipped)
    rows = (
        b"gebied,wijknr,naam,MoeilijkRondkomen_p,\n"
        b"Charlois,71,Tarwewijk,0.31,\nCharlois,72,Carnisse,,\nCharlois,73,Zuidwijk,abc,\n"
    )
    with pytest.raises(SourceError) as caught:
        SOURCE.read(rows, "wijkprofiel_2016_x.csv", ImportContext(fraction))
    assert messages(caught) == [
        "wijkprofiel_2016_x.csv, rij 1, kolom 'MoeilijkRondkomen_p': de Wijkprofiel geeft "
        "hier een fractie (hoogste waarde 0.31), wp-moeilijk-rondkomen is een percentage; "
        "zet 'scale: 100' in de koppeling",
        "wijkprofiel_2016_x.csv, rij 4, kolom 'MoeilijkRondkomen_p': 'abc' is geen getal",
    ]
    school_year = plan_with(period="2016/2017", columns=[{"column": "SI", "indicator": "wp-si"}])
    with pytest.raises(SourceError) as caught:
        read(path, school_year)
    assert messages(caught) == [
        "wijkprofiel_2016_onbekende-kolom.csv, rij 1, kolom 'SI': '2016/2017' is een "
        "schooljaar; wp-si wordt per kalenderjaar gemeten"
    ]
    ratio = plan_with(columns=[{"column": "SI", "indicator": "wp-si", "numerator": "SII"}])
    with pytest.raises(SourceError) as caught:
        read(path, ratio)
    assert messages(caught) == [
        "wijkprofiel_2016_onbekende-kolom.csv, rij 1, kolom 'SI': koppeling 'wijkprofiel' "
        "noemt teller of noemer; de Wijkprofiel geeft alleen de waarde"
    ]


def test_files_with_nothing_to_import():
    no_mapping = b"gebied,wijknr,naam,foo\nCharlois,71,Tarwewijk,1\n"
    with pytest.raises(SourceError) as caught:
        read_bytes(no_mapping, "wijkprofiel_2016_x.csv")
    assert messages(caught) == [
        "wijkprofiel_2016_x.csv: geen koppeling ('mappings' in het plan) van formaat "
        "'wijkprofiel' noemt een kolom van dit bestand; koppelingen in het plan: wijkprofiel"
    ]
    with pytest.raises(SourceError) as caught:
        read_bytes(b"a,b,c\n1,2,3\n", "wijkprofiel_2016_x.csv")
    assert messages(caught) == [
        "wijkprofiel_2016_x.csv, rij 1: geen kopregel 'gebied,wijknr,naam' gevolgd door "
        "indicatorcodes"
    ]
    with pytest.raises(SourceError) as caught:
        read_bytes(b"gebied,wijknr,naam,SI\n", "wijkprofiel_2016_x.csv")
    assert messages(caught) == [
        "wijkprofiel_2016_x.csv: het bestand bevat geen rijen met een wijknr"
    ]
    elsewhere = b"gebied,wijknr,naam,SI\nNoord,31,Bergpolder,110\nDelfshaven,20,Delfshaven,94\n"
    with pytest.raises(SourceError) as caught:
        read_bytes(elsewhere, "wijkprofiel_2016_x.csv")
    assert messages(caught) == [
        "wijkprofiel_2016_x.csv: geen enkel wijknr hoort bij een gebied van het plan of de "
        "crosswalk (niet gekoppeld: 20, 31); niets te importeren"
    ]


# -- workbooks ------------------------------------------------------------------------------

VI_HEADER = ["naam gebied (voormalig deelgemeente)", "wijknr", "BUURT85", "VI", "VIs"]


def test_an_xlsx_workbook_reads_like_the_xls():
    rows: list[list[object]] = [
        [None, 2016, "in hoefijzer = 1", 1, 1],
        VI_HEADER,
        [None, None, None, "Veiligheidsindex", "Veiligheidsindex subjectief"],
        ["Charlois", 71, "Tarwewijk", 83.54354427349213, 71.96900780583431],
        [None, None, None, None, None],
        ["Rotterdam", 5000, "Rotterdam", 101.748847032684, None],
    ]
    data = xlsx({"Toelichting": [["Wijkprofiel 2016"]], "VI 2016": rows})
    assert SOURCE.sniff(data, "wijkprofiel.xlsx")
    reading = read_bytes(data, "wijkprofiel.xlsx")
    assert values(reading) == {
        ("wp-vi", "tarwewijk", "2016"): 83.54354427349213,
        ("wp-vis", "tarwewijk", "2016"): 71.96900780583431,
        ("wp-vi", "rotterdam", "2016"): 101.748847032684,
        ("wp-vis", "rotterdam", "2016"): None,
    }
    assert reading.observations[0].source == (
        "Gemeente Rotterdam, OBI, Wijkprofiel (wijkprofiel.xlsx, blad 'VI 2016')"
    )


def test_excel_error_values_and_text_are_not_numbers():
    rows: list[list[object]] = [
        VI_HEADER,
        ["Charlois", 71, "Tarwewijk", "#DIV/0!", True],
        ["Charlois", 72, "Carnisse", "ca. 80", "x"],
    ]
    with pytest.raises(SourceError) as caught:
        read_bytes(xlsx({"VI 2016": rows}), "wp.xlsx")
    assert messages(caught) == [
        "wp.xlsx, blad 'VI 2016', rij 2, kolom 'VI': '#DIV/0!' is geen getal",
        "wp.xlsx, blad 'VI 2016', rij 2, kolom 'VIs': 'WAAR' is geen getal",
        "wp.xlsx, blad 'VI 2016', rij 3, kolom 'VI': 'ca. 80' is geen getal",
    ]
    # the cells of an .xls as xlrd gives them (no .xls can be written here)
    errors = {7: "#DIV/0!"}
    cell = SimpleNamespace
    assert _xls_cell(cell(ctype=2, value=78.5), errors) == 78.5
    assert _xls_cell(cell(ctype=1, value="x"), errors) == "x"
    assert _xls_cell(cell(ctype=5, value=7), errors) == "#DIV/0!"
    assert _xls_cell(cell(ctype=5, value=99), errors) == "#FOUT"
    assert _xls_cell(cell(ctype=4, value=0), errors) == "ONWAAR"
    assert _xls_cell(cell(ctype=3, value=42005.0), errors) == "datum (42005)"
    assert _xls_cell(cell(ctype=0, value=""), errors) == ""


def test_workbooks_without_wijkprofiel_sheets():
    plain = xlsx({"Blad1": [["a", "b"], [1, 2]]})
    assert not SOURCE.sniff(plain, "blad.xlsx")
    with pytest.raises(SourceError) as caught:
        read_bytes(plain, "blad.xlsx")
    assert messages(caught) == [
        "blad.xlsx: geen blad met een kopregel 'gebied, wijknr, naam' en indicatorcodes "
        "(zoals 'SI 2016')"
    ]
    damaged = b"\xd0\xcf\x11\xe0" + b"\x00" * 100
    assert not SOURCE.sniff(damaged, "kapot.xls")
    with pytest.raises(SourceError, match=r"kapot\.xls: geen leesbaar Excel-bestand: "):
        read_bytes(damaged, "kapot.xls")


@real
def test_sniffing_recognises_the_workbook_and_the_dumps_only():
    assert SOURCE.sniff(WORKBOOK.read_bytes(), WORKBOOK.name)
    for path in WP.glob("wijkprofiel_20??_*.csv"):
        assert SOURCE.sniff(path.read_bytes(), path.name), path.name
    context = WP / "wijkprofiel_context_2015.csv"  # other header: not this format
    assert not SOURCE.sniff(context.read_bytes(), context.name)
    assert not SOURCE.sniff(b"indicator,area,period,value\n", "cijfers.csv")
    assert SOURCE.sniff(b"gebied;wijknr;naam;SI\n", "wp.txt")
    assert not SOURCE.sniff(b"gebied,wijknr,naam,SI\n", "wp.json")
