"""The Basismonitor's definitions: written once (koers.basismonitor.definitions), the same in
docs/basismonitor.md, every measure of every kernel defined with the kernel's period, and
each new definition on a small hand-made panel with hand-computed answers (DuckDB here;
tests/test_basismonitor_kernels.py checks that Spark gives the same cells on a random panel
that has every column).

The hand-made panel, in separate buurten so the parts do not mix:

- SCHOOL (Tarwewijk, 2021): groep 8 with rekenen, advice against the eindtoets and its
  revision; vsv among po, vo, mbo and ho pupils; the mbo field of students and diplomas;
- WORK (Hillesluis, 2021): jobless with a benefit;
- STARTS (Vreewijk, 2012-2019): diplomas within the nominal duration plus one year;
- MOVES (Bloemhof and Afrikaanderwijk, 2019-2020, a panel of its own: its first and last
  year matter): settlers, leavers and stayers.
"""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa
import pytest

from koers.basismonitor import definitions, engines, kernels
from koers.basismonitor.cells import LeafCell
from koers.basismonitor.rollup import rollup
from koers.basismonitor.schema import SCHEMA
from koers.plan import load_plan

from .conftest import NPRZ, ROOT
from .test_basismonitor_kernels import row as person_year

T, H, V = "BU05991571", "BU05991082", "BU05991080"  # Tarwewijk, Hillesluis, Vreewijk
B, A = "BU05991081", "BU05991086"  # Bloemhof, Afrikaanderwijk
DOCS = (ROOT / "docs" / "basismonitor.md").read_text(encoding="utf-8")


def row(person: int, year: int, born: int, buurt: str, **fields: Any) -> dict[str, Any]:
    """One person-year in Rotterdam, a household of its own unless given."""
    household = fields.pop("household", person)
    return person_year(person, year, born, household, buurt, **{"sex": "m", **fields})


G8 = {"sector": "po", "level": "po", "study_year": 8, "school": 1, "schoolweging": 33.0}
SCHOOL = [
    # S1-S4 groep 8 (age 12): rekenen fundamenteel | streef | onder | unknown;
    # advice above, below and equal to the eindtoets, S2's revised to the test's; S4 none.
    row(1, 2021, 2009, T, **G8, ref_rekenen="fundamenteel", advice="havo",
        test_advice="vmbo_havo"),
    row(2, 2021, 2009, T, **G8, ref_rekenen="streef", advice="vmbo", test_advice="havo",
        advice_revised="havo"),
    row(3, 2021, 2009, T, **G8, ref_rekenen="onder", advice="vwo", test_advice="vwo"),
    row(4, 2021, 2009, T, **G8),
    # S5 vo (15); S6 mbo zorg (17), left without a startkwalificatie; S7 ho (20).
    row(5, 2021, 2006, T, sector="vo", level="havo", study_year=3),
    row(6, 2021, 2004, T, sector="mbo", level="mbo2", study_year=1, mbo_field="zorg",
        early_leaver=True),
    row(7, 2021, 2001, T, sector="ho", level="hbo", study_year=2),
    # S8 mbo techniek (24, so outside the vsv ages) with an mbo 2 diploma; S9 haven; S10
    # field unknown.
    row(8, 2021, 1997, T, sector="mbo", level="mbo2", study_year=2, mbo_field="techniek",
        diploma="mbo2"),
    row(9, 2021, 1997, T, sector="mbo", level="mbo3", study_year=1, mbo_field="haven_logistiek"),
    row(10, 2021, 1997, T, sector="mbo", level="mbo3", study_year=1),
]  # fmt: skip
WORK = [
    # W1 bijstand, no work; W2 ww but working; W3 ao, no work; W4 ww, no work, 80; W5 ww,
    # no work, 60.
    row(21, 2021, 1981, H, benefit="bijstand"),
    row(22, 2021, 1971, H, benefit="ww", employed=True),
    row(23, 2021, 1991, H, benefit="ao"),
    row(24, 2021, 1941, H, benefit="ww"),
    row(25, 2021, 1961, H, benefit="ww"),
]
STARTS = [
    # D1 vo 2013, havo diploma 2017 (window to 2018), seen 2019 (vo: Y+6).
    row(31, 2013, 2001, V, sector="vo", level="havo", study_year=1),
    row(31, 2017, 2001, V, sector="vo", level="havo", study_year=5, diploma="havo"),
    row(31, 2019, 2001, V),
    # D2 vo 2013, vmbo diploma 2018 (window to 2017: too late), seen 2019.
    row(32, 2013, 2001, V, sector="vo", level="vmbo", study_year=1),
    row(32, 2018, 2001, V, sector="vo", level="vmbo", study_year=4, diploma="vmbo"),
    row(32, 2019, 2001, V),
    # D3 vo leerjaar 1 in 2012 and again in 2013: no new start in 2013.
    row(33, 2012, 2001, V, sector="vo", level="vmbo", study_year=1),
    row(33, 2013, 2001, V, sector="vo", level="vmbo", study_year=1),
    row(33, 2019, 2001, V),
    # D4 mbo 4 in 2013, diploma 2016 (window to 2016), seen 2016 (mbo: Y+3).
    row(34, 2013, 1996, V, sector="mbo", level="mbo4", study_year=1),
    row(34, 2016, 1996, V, sector="mbo", level="mbo4", study_year=3, diploma="mbo4"),
    # D5 hbo in 2013, no diploma, seen 2017 (ho: Y+4).
    row(35, 2013, 1995, V, sector="ho", level="hbo", study_year=1),
    row(35, 2017, 1995, V),
    # D6 vo 2013, not seen in 2019 (emigrated): not followed.
    row(36, 2013, 2001, V, sector="vo", level="vwo", study_year=1),
]
MOVES = [
    # M1 (two persons) in Bloemhof both years, a baby born in 2020: stays; percentile 30.
    row(41, 2019, 1980, B, household=1, income_percentile=30),
    row(42, 2019, 1982, B, household=1, income_percentile=30),
    row(41, 2020, 1980, B, household=1, income_percentile=35),
    row(42, 2020, 1982, B, household=1, income_percentile=35),
    row(43, 2020, 2020, B, household=1, income_percentile=35),
    # M2 leaves Bloemhof for Afrikaanderwijk (percentile 70 in 2019, unknown in 2020).
    row(44, 2019, 1990, B, household=2, income_percentile=70),
    row(44, 2020, 1990, A, household=2),
    # M3 in Bloemhof in 2019, no row in 2020 (died or emigrated): neither.
    row(45, 2019, 1930, B, household=3, income_percentile=20),
    # M4 arrives in Bloemhof in 2020 from abroad (percentile 10).
    row(46, 2020, 1985, B, household=4, income_percentile=10),
    # M6: household 6 in Bloemhof (percentile 50); in 2020 one member stays, the other
    # forms household 7 in Afrikaanderwijk (percentile 90).
    row(47, 2019, 1970, B, household=6, income_percentile=50),
    row(48, 2019, 1999, B, household=6, income_percentile=50),
    row(47, 2020, 1970, B, household=6, income_percentile=40),
    row(48, 2020, 1999, A, household=7, income_percentile=90),
]
HAND = pa.Table.from_pylist(SCHOOL + WORK + STARTS, schema=SCHEMA)


def _cells(table: pa.Table) -> list[LeafCell]:
    panel = engines.from_arrow(table, "duckdb")
    try:
        return kernels.leaf_cells(panel.collect(kernels.all_kernels(panel.frame, keep=panel.keep)))
    finally:
        panel.close()


@pytest.fixture(scope="module")
def cells() -> list[LeafCell]:
    return _cells(HAND)


@pytest.fixture(scope="module")
def move_cells() -> list[LeafCell]:
    return _cells(pa.Table.from_pylist(MOVES, schema=SCHEMA))


def found(
    cells: list[LeafCell], measure: str, period: str, band: str | None = None
) -> dict[str | None, tuple[float, int]]:
    return {
        c.buurt: (c.numerator, c.denominator)
        for c in cells
        if c.measure == measure and c.period == period and c.band == band
    }


# --- the registry, the docs and the kernels ---------------------------------------------------


def test_the_docs_carry_the_definition_table_unchanged() -> None:
    assert definitions.markdown() in DOCS


def test_every_row_of_the_docs_table_is_a_definition() -> None:
    section = DOCS[DOCS.index("## Definitions") : DOCS.index("## Disclosure control")]
    rows = re.findall(r"^\| ([^ |]+) \| (Y[^ |]*) \|", section, re.MULTILINE)
    assert [(m, p) for m, p in rows] == [
        (d.measure, definitions.PERIODS[d.form]) for d in definitions.DEFINITIONS
    ]


def test_every_measure_of_every_kernel_is_defined_with_its_period() -> None:
    panel = engines.from_arrow(HAND, "duckdb")
    try:
        computed = {m.measure: m.form for c in kernels.all_kernels(panel.frame) for m in c.measures}
    finally:
        panel.close()
    defined = {d.measure: d.form for d in definitions.DEFINITIONS}
    assert computed == defined


def test_every_mapped_measure_is_defined() -> None:
    plan = load_plan(NPRZ)
    (mapping,) = [m for m in plan.mappings if m.format == "basismonitor"]
    assert {c.column for c in mapping.columns} <= set(definitions.BY_MEASURE)
    mapped = {c.indicator for c in mapping.columns}
    assert {"E4.1", "E4.2", "E4.3", "E4.4", "E4.5", "E4.6", "E4.7", "E4.8"} <= mapped


# --- school ------------------------------------------------------------------------------------


def test_school_leavers_are_counted_among_vo_and_mbo_pupils(cells: list[LeafCell]) -> None:
    # S5 (vo) and S6 (mbo, left); not S1-S4 (po, 12), S7 (ho), S8-S10 (24).
    assert found(cells, "T1.R12", "2020/2021")[T] == (1, 2)


def test_rekenen_has_its_reference_levels(cells: list[LeafCell]) -> None:
    assert found(cells, "ref.rekenen.fundamenteel", "2020/2021")[T] == (2, 3)
    assert found(cells, "ref.rekenen.streef", "2020/2021")[T] == (1, 3)


def test_advice_against_the_eindtoets_and_its_revision(cells: list[LeafCell]) -> None:
    for side in ("above", "equal", "below"):
        assert found(cells, f"advice.vs_test.{side}", "2020/2021")[T] == (1, 3), side
    assert found(cells, "advice.revised", "2020/2021")[T] == (1, 3)
    # ... and per schoolweging band of the school (33 -> 32-34), as every school row
    assert found(cells, "advice.revised", "2020/2021", "32-34")[T] == (1, 3)


def test_mbo_field_of_students_and_of_diplomas(cells: list[LeafCell]) -> None:
    # students with a known field: S6 zorg, S8 techniek, S9 haven (S10 unknown)
    assert found(cells, "mbo.field.techniek_haven", "2020/2021")[T] == (2, 3)
    assert found(cells, "mbo.field.zorg", "2020/2021")[T] == (1, 3)
    assert found(cells, "mbo.field.overig", "2020/2021")[T] == (0, 3)
    assert found(cells, "mbo.diploma_field.techniek_haven", "2020/2021")[T] == (1, 1)


def test_jobless_with_a_benefit_is_the_register_measure(cells: list[LeafCell]) -> None:
    # 15-74: W1 (bijstand, no work), W2 (works), W3 (ao), W5 (ww, no work); not W4 (80)
    assert found(cells, "work.jobless_benefit", "2021-10-01")[H] == (2, 4)


def test_diplomas_within_the_nominal_duration_plus_one_year(cells: list[LeafCell]) -> None:
    # starts 2013: D1 havo in time, D2 vmbo a year too late, D4 mbo 4 in time, D5 hbo none;
    # D3 repeats leerjaar 1, D6 is not seen at the end of the window.
    assert found(cells, "diploma.all", "2012/2013") == {V: (2, 4)}
    # D3's start in 2012 is not followed to 2018: no cell
    assert found(cells, "diploma.all", "2011/2012") == {}


# --- moves -------------------------------------------------------------------------------------


def test_settlers_leavers_and_stayers_by_income(move_cells: list[LeafCell]) -> None:
    def kind(name: str) -> dict[str | None, dict[str, tuple[float, int]]]:
        result: dict[str | None, dict[str, tuple[float, int]]] = {}
        for group in ("laag", "midden_hoog", "onbekend"):
            for buurt, value in found(move_cells, f"moves.{name}.{group}", "2019").items():
                result.setdefault(buurt, {})[group] = value
        return result

    # households 1 (30) and 6 (50) stay in Bloemhof; 2 leaves it (70); 3 is gone
    assert kind("stayers") == {B: {"laag": (1, 2), "midden_hoog": (1, 2), "onbekend": (0, 2)}}
    assert kind("leavers") == {B: {"laag": (0, 1), "midden_hoog": (1, 1), "onbekend": (0, 1)}}
    # settlers, with the income of 2020: 4 in Bloemhof (10); 2 (unknown) and 7 (90) in
    # Afrikaanderwijk; household 1 had its baby but is no settler
    assert kind("settlers") == {
        B: {"laag": (1, 1), "midden_hoog": (0, 1), "onbekend": (0, 1)},
        A: {"laag": (0, 2), "midden_hoog": (1, 2), "onbekend": (1, 2)},
    }
    # 2019 is the first year: nobody is a settler of 2018; 2020 has no next year
    periods = {c.period for c in move_cells if c.measure.startswith("moves.")}
    assert periods == {"2019"}


# --- the comparison group of the schoolweging bands -------------------------------------------


def test_the_band_comparison_group_is_the_g4_without_zuid() -> None:
    plan = load_plan(NPRZ)

    def cell(gemeente: str, buurt: str | None, n: int, d: int) -> LeafCell:
        return LeafCell("T1.R5", "2020/2021", gemeente, buurt, "34-36", n, d)

    leaves = [
        cell("GM0599", T, 5, 10),  # Zuid
        cell("GM0599", "BU05990101", 7, 20),  # Rotterdam outside Zuid
        cell("GM0363", None, 30, 40),
        cell("GM0518", None, 10, 10),
        cell("GM0344", None, 1, 10),
    ]
    areas = {c.area: (c.numerator, c.denominator) for c in rollup(plan, leaves)}
    assert areas["g4-excl-zuid"] == (48, 80)
    assert areas["g4"] == (53, 90)
    assert areas["zuid"] == (5, 10)
