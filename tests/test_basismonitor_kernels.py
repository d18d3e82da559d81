"""Basismonitor kernels: hand-computed answers on a tiny panel, DuckDB = Spark, the rollup.

The tiny panel has three readable parts, in separate buurten so they do not mix:

- TABEL 1 (Tarwewijk, Bloemhof, one person in Amsterdam; 2021 only): every Tabel 1 row;
- BIJSTAND (Hillesluis, Afrikaanderwijk; 2019-2022): inflow cohorts and work after it;
- GROEP 8 (Vreewijk, Lombardijen; sparse rows 2010-2022): groep-8 cohorts followed to
  leerjaar 3, a vo diploma and startkwalificatie at 23.

All kernels run once per engine on the whole tiny panel (Spark is slow to plan, so each
engine gets one run per panel); every hand-computed answer is checked on both engines.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from koers.basismonitor import definitions, engines, kernels
from koers.basismonitor.disclosure import Cell, check
from koers.basismonitor.kernels import LeafCell
from koers.basismonitor.rollup import AreaCell, relations, rollup
from koers.basismonitor.schema import COLUMNS, SCHEMA
from koers.plan import Plan

from .fixtures.basismonitor.random_panel import random_panel, write_panel

TARWEWIJK, BLOEMHOF = "BU05991571", "BU05991081"
HILLESLUIS, AFRIKAANDERWIJK = "BU05991082", "BU05991086"
VREEWIJK, LOMBARDIJEN = "BU05991080", "BU05991284"
ROTTERDAM, AMSTERDAM = "GM0599", "GM0363"
ENGINES = ("duckdb", "spark")


def row(
    person: int, year: int, born: int, household: int, buurt: str | None, **fields: Any
) -> dict[str, Any]:
    """One person-year; unspecified fields are empty (or False for the flags)."""
    data: dict[str, Any] = dict.fromkeys(COLUMNS)
    data.update(
        person=person,
        year=year,
        birth_year=born,
        sex="v",
        gemeente=ROTTERDAM if buurt else AMSTERDAM,
        buurt=buurt,
        household=household,
        household_type="eenpersoons",
        household_position="alleenstaand",
        early_leaver=False,
        startkwalificatie=False,
        employed=False,
        labour_force=False,
    )
    unknown = set(fields) - set(COLUMNS)
    assert not unknown, unknown
    data.update(fields)
    return data


# --- TABEL 1: 2021 ---------------------------------------------------------------------------
# Household 10 (Tarwewijk, eenouder, income 15 000 at exactly 110% of the minimum):
#   P1 mother 36, bijstand, in the labour force without work, middelbaar (weight 1,5);
#   P2 child 12, groep 8, taal streef, advice havo, parents laag, school weging 35.2;
#   P3 child 14, vo leerjaar 3 havo, school weging 29.0.
# Household 11 (Tarwewijk): P4 21, startkwalificatie, middelbaar (weight 1), working,
#   income 30 000.
# Household 12 (Tarwewijk, couple 71 and 69, income 25 000, ao for P5): P5 laag (weight 2),
#   P6 education and labour_force unknown.
# Household 20 (Bloemhof, paar_met_kinderen, income 40 000): P7 15 vo leerjaar 3 vmbo
#   (weging 35.9), P8 41 hoog (weight 1,25) and working, P9 17 vo leerjaar 5 havo with a
#   havo diploma.
# Household 21 (Bloemhof, institutional: no income): P10 18, left mbo 2 in its first year
#   (early leaver), ww, laag (weight 1,75), looking.
# Household 30 (Amsterdam, no buurt): P11 31, hoog (weight 1), working, income 50 000.
T10 = {"household_income": 15000.0, "income_vs_minimum": 1.10}
T12 = {"household_income": 25000.0, "income_vs_minimum": 1.5, "household_type": "paar"}
B20 = {"household_income": 40000.0, "income_vs_minimum": 2.5, "household_type": "paar_met_kinderen"}
TABEL1 = [
    row(1, 2021, 1985, 10, TARWEWIJK, **T10, household_type="eenouder", household_position="ouder",
        benefit="bijstand", labour_force=True, education="middelbaar", education_weight=1.5),
    row(2, 2021, 2009, 10, TARWEWIJK, **T10, household_type="eenouder", household_position="kind",
        sector="po", level="po", study_year=8, school=1, schoolweging=35.2, ref_taal="streef",
        advice="havo", parents_education="laag"),
    row(3, 2021, 2007, 10, TARWEWIJK, **T10, household_type="eenouder", household_position="kind",
        sector="vo", level="havo", study_year=3, school=2, schoolweging=29.0),
    row(4, 2021, 2000, 11, TARWEWIJK, household_income=30000.0, income_vs_minimum=2.0,
        startkwalificatie=True, education="middelbaar", education_weight=1.0, employed=True,
        labour_force=True),
    row(5, 2021, 1950, 12, TARWEWIJK, **T12, household_position="partner", benefit="ao",
        education="laag", education_weight=2.0),
    row(6, 2021, 1952, 12, TARWEWIJK, **T12, household_position="partner", labour_force=None),
    row(7, 2021, 2006, 20, BLOEMHOF, **B20, household_position="kind", sector="vo", level="vmbo",
        study_year=3, school=3, schoolweging=35.9),
    row(8, 2021, 1980, 20, BLOEMHOF, **B20, household_position="ouder", education="hoog",
        education_weight=1.25, employed=True, labour_force=True),
    row(9, 2021, 2004, 20, BLOEMHOF, **B20, household_position="kind", sector="vo", level="havo",
        study_year=5, school=3, schoolweging=35.9, diploma="havo", startkwalificatie=True),
    row(10, 2021, 2003, 21, BLOEMHOF, household_type="overig", household_position="overig",
        sector="mbo", level="mbo2", study_year=1, early_leaver=True, benefit="ww",
        education="laag", education_weight=1.75, labour_force=True),
    row(11, 2021, 1990, 30, None, household_income=50000.0, income_vs_minimum=3.0,
        education="hoog", education_weight=1.0, employed=True, labour_force=True),
]  # fmt: skip

# --- BIJSTAND: 2019-2022, Hillesluis (H) and Afrikaanderwijk (A) -----------------------------
# Q21 H: none 2019, bijstand 2020 (inflow), working 2021 and 2022.
# Q22 H: bijstand 2019 and 2020 (no inflow in 2020; 2019 has no 2018 to compare with),
#        none 2021, bijstand again 2022 (inflow 2022: no follow-up in the panel).
# Q23 A: first row 2020 on bijstand (arrived: inflow), working 2021, not 2022.
# Q24 H: none 2019, bijstand 2020, still bijstand 2021 after moving to A, working 2022.
# Q25 H: none 2019, bijstand 2020, abroad in 2021 (no row), working 2022.
# Q26 H: none 2020, bijstand 2021 (inflow 2021), working 2022.
BIJSTAND = [
    row(21, 2019, 1980, 121, HILLESLUIS), row(21, 2020, 1980, 121, HILLESLUIS, benefit="bijstand"),
    row(21, 2021, 1980, 121, HILLESLUIS, employed=True), row(21, 2022, 1980, 121, HILLESLUIS, employed=True),
    row(22, 2019, 1970, 122, HILLESLUIS, benefit="bijstand"), row(22, 2020, 1970, 122, HILLESLUIS, benefit="bijstand"),
    row(22, 2021, 1970, 122, HILLESLUIS), row(22, 2022, 1970, 122, HILLESLUIS, benefit="bijstand"),
    row(23, 2020, 1990, 123, AFRIKAANDERWIJK, benefit="bijstand"),
    row(23, 2021, 1990, 123, AFRIKAANDERWIJK, employed=True), row(23, 2022, 1990, 123, AFRIKAANDERWIJK),
    row(24, 2019, 1985, 124, HILLESLUIS), row(24, 2020, 1985, 124, HILLESLUIS, benefit="bijstand"),
    row(24, 2021, 1985, 124, AFRIKAANDERWIJK, benefit="bijstand"),
    row(24, 2022, 1985, 124, AFRIKAANDERWIJK, employed=True),
    row(25, 2019, 1975, 125, HILLESLUIS), row(25, 2020, 1975, 125, HILLESLUIS, benefit="bijstand"),
    row(25, 2022, 1975, 125, HILLESLUIS, employed=True),
    row(26, 2020, 1995, 126, HILLESLUIS), row(26, 2021, 1995, 126, HILLESLUIS, benefit="bijstand"),
    row(26, 2022, 1995, 126, HILLESLUIS, employed=True),
]  # fmt: skip

# --- GROEP 8: Vreewijk (V) and Lombardijen (L), only the rows the flows look at ------------
# Cohort 2010 (school year 2009/2010); the last panel year is 2022.
# G41 V born 1998: advice havo; 2013 lj3 havo; seen 2014; havo diploma 2015; seen 2017 (Y+7);
#     sk at 23 (2021).
# G42 V born 1998: advice vmbo; 2013 lj3 vmbo; vmbo diploma 2014; seen 2017; no sk in 2021.
# G43 L born 1999: no advice; 2013 lj3 vwo (living in V: stays L's); vwo diploma 2016 (Y+6);
#     seen 2017; sk in 2022 (23).
# G44 V born 1998: advice vwo; abroad in 2013 and 2014; a vwo diploma in 2017 (Y+7: one
#     year late, still within vwo's window; a havo diploma then would not be); no sk in 2021.
# G46 L born 1998: advice havo; 2013 still in leerjaar 2 (havo), 2014 lj3 vmbo: streamed
#     down below the advice, a year late; not seen in 2017; no row at 23.
# Cohort 2014 (2013/2014): G45 V born 2002: advice havo_vwo; 2017 lj3 havo; vwo diploma 2020;
#     seen 2021 (Y+7); turns 23 in 2025, after the panel: no startkwalificatie cell.
G8 = {"sector": "po", "level": "po", "study_year": 8, "school": 9}
GROEP8 = [
    row(41, 2010, 1998, 141, VREEWIJK, **G8, advice="havo"),
    row(41, 2013, 1998, 141, VREEWIJK, sector="vo", level="havo", study_year=3),
    row(41, 2015, 1998, 141, VREEWIJK, sector="vo", level="havo", study_year=5, diploma="havo"),
    row(41, 2014, 1998, 141, VREEWIJK, sector="vo", level="havo", study_year=4),
    row(41, 2017, 1998, 141, VREEWIJK),
    row(41, 2021, 1998, 141, VREEWIJK, startkwalificatie=True),
    row(42, 2010, 1998, 142, VREEWIJK, **G8, advice="vmbo"),
    row(42, 2013, 1998, 142, VREEWIJK, sector="vo", level="vmbo", study_year=3),
    row(42, 2014, 1998, 142, VREEWIJK, sector="vo", level="vmbo", study_year=4, diploma="vmbo"),
    row(42, 2017, 1998, 142, VREEWIJK),
    row(42, 2021, 1998, 142, VREEWIJK),
    row(43, 2010, 1999, 143, LOMBARDIJEN, **G8),
    row(43, 2013, 1999, 143, VREEWIJK, sector="vo", level="vwo", study_year=3),
    row(43, 2016, 1999, 143, VREEWIJK, sector="vo", level="vwo", study_year=6, diploma="vwo"),
    row(43, 2017, 1999, 143, VREEWIJK),
    row(43, 2022, 1999, 143, VREEWIJK, startkwalificatie=True),
    row(44, 2010, 1998, 144, VREEWIJK, **G8, advice="vwo"),
    row(44, 2017, 1998, 144, VREEWIJK, diploma="vwo"),
    row(44, 2021, 1998, 144, VREEWIJK),
    row(45, 2014, 2002, 145, VREEWIJK, **G8, advice="havo_vwo"),
    row(45, 2017, 2002, 145, VREEWIJK, sector="vo", level="havo", study_year=3),
    row(45, 2020, 2002, 145, VREEWIJK, sector="vo", level="vwo", study_year=6, diploma="vwo"),
    row(45, 2021, 2002, 145, VREEWIJK),
    row(46, 2010, 1998, 146, LOMBARDIJEN, **G8, advice="havo"),
    row(46, 2013, 1998, 146, LOMBARDIJEN, sector="vo", level="havo", study_year=2),
    row(46, 2014, 1998, 146, LOMBARDIJEN, sector="vo", level="vmbo", study_year=3),
]  # fmt: skip

TINY = pa.Table.from_pylist(TABEL1 + BIJSTAND + GROEP8, schema=SCHEMA)


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = engines.spark_session(2)
    yield session
    engines.stop_spark()


def _run(table: pa.Table, engine: engines.Engine, *, keep: bool = True) -> pa.Table:
    """Every kernel, as a run does it: households computed once (``keep``) or, without,
    once per kernel that reads them."""
    panel = engines.from_arrow(table, engine)
    try:
        return panel.collect(kernels.all_kernels(panel.frame, keep=panel.keep if keep else None))
    finally:
        panel.close()


@pytest.fixture(scope="module")
def tiny(request: pytest.FixtureRequest) -> dict[str, pa.Table]:
    """All kernels on the tiny panel, per engine."""
    request.getfixturevalue("spark")
    return {engine: _run(TINY, engine) for engine in ENGINES}


@pytest.fixture(scope="module")
def random_table() -> pa.Table:
    return random_panel(300, first_year=2010, years=14, seed=7)


@pytest.fixture(scope="module")
def random_cells(random_table: pa.Table) -> list[LeafCell]:
    return kernels.leaf_cells(_run(random_table, "duckdb"))


def cells_of(
    table: pa.Table, measure: str, period: str, band: str | None = None
) -> dict[str | None, tuple[float, int]]:
    """{buurt: (numerator, denominator)} of one measure and period."""
    return {
        c.buurt: (c.numerator, c.denominator)
        for c in kernels.leaf_cells(table)
        if c.measure == measure and c.period == period and c.band == band
    }


# --- Tabel 1 -----------------------------------------------------------------------------

T, B = TARWEWIJK, BLOEMHOF
TABEL1_EXPECTED: dict[tuple[str, str], dict[str | None, tuple[float, int]]] = {
    # ages T 36,12,14,21,71,69: <27 are P2,P3,P4; B 15,41,17,18: P7,P9,P10; Amsterdam 31.
    ("T1.R2", "2021"): {T: (3, 6), B: (3, 4), None: (0, 1)},
    # households with a kind < 18: T {10 eenouder}; B {20 paar_met_kinderen}; none in A'dam.
    ("T1.R3", "2021"): {T: (1, 1), B: (0, 1)},
    # po pupils: only P2 (parents laag); teldatum 1 October 2020.
    ("T1.R4", "2020-10-01"): {T: (1, 1)},
    ("T1.R5", "2020/2021"): {T: (1, 1)},  # P2 streef ≥ fundamenteel
    ("T1.R6", "2020/2021"): {T: (1, 1)},  # P2 streef
    ("T1.R7", "2020/2021"): {T: (1, 1), B: (0, 1)},  # P3 havo lj3; P7 vmbo lj3
    ("T1.R8", "2020/2021"): {T: (0, 1), B: (0, 2)},  # vo: P3 | P7, P9; none pro
    ("T1.R9", "2020/2021"): {B: (0, 1)},  # vo diplomas: P9 havo
    ("T1.R10", "2020/2021"): {B: (1, 1)},
    ("T1.R11", "2020/2021"): {B: (0, 1)},
    # vo and mbo aged 12-22: T P3 (14) — P2 is in po, P4 (21) not enrolled; B P7, P9 (vo),
    # P10 (mbo, left).
    ("T1.R12", "2020/2021"): {T: (0, 1), B: (1, 3)},
    ("T1.R13", "2021-10-01"): {T: (1, 1), B: (0, 1)},  # 18-22: P4 sk | P10 without
    # 15-74 with known education (and weight; the weighted value in the test below): T P1
    # mid, P4 mid, P5 laag (P6 unknown) -> 2/3; B P8 hoog, P10 laag (P7, P9 unknown) -> 1/2;
    # A'dam P11 hoog.
    ("T1.R14", "2021-10-01"): {T: (2, 3), B: (1, 2), None: (1, 1)},
    # households with a known income_vs_minimum: T 10 (1,10 — counts), 11 (2,0), 12 (1,5);
    # B 20 (2,5), 21 institutional; A'dam 30 (3,0).
    ("T1.R16", "2021"): {T: (1, 3), B: (0, 1), None: (0, 1)},
    ("T1.R17", "2021"): {T: (2, 2), B: (0, 2)},  # children P2, P3 in 10 | P7, P9 in 20
    ("T1.R18", "2021"): {T: (2, 3), B: (1, 2), None: (0, 1)},  # T 10 bijstand, 12 ao | B 21 ww
    ("T1.R19", "2021"): {T: (1, 3), B: (1, 2), None: (0, 1)},  # T 10 | B 21
    # 15-74 with a known labour_force: T P1 (looking), P4 (works), P5 (71) — not P6 | B P7,
    # P8, P9, P10 (looking).
    ("T1.R20", "2021-10-01"): {T: (1, 3), B: (1, 4), None: (0, 1)},
}


def _in(
    buurten: set[str | None], found: dict[str | None, tuple[float, int]]
) -> dict[str | None, tuple[float, int]]:
    return {b: v for b, v in found.items() if b in buurten}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("measure", "period"), sorted(TABEL1_EXPECTED))
def test_tabel1_rows_by_hand(
    tiny: dict[str, pa.Table], engine: str, measure: str, period: str
) -> None:
    found = _in({T, B, None}, cells_of(tiny[engine], measure, period))
    assert found == TABEL1_EXPECTED[(measure, period)]


@pytest.mark.parametrize("engine", ENGINES)
def test_education_level_is_weighted(tiny: dict[str, pa.Table], engine: str) -> None:
    got = {
        c.buurt: (c.weight_numerator, c.weight_denominator)
        for c in kernels.leaf_cells(tiny[engine])
        if c.measure == "T1.R14" and c.buurt in (T, B, None)
    }
    # T: P1 1,5 + P4 1,0 of 1,5 + 1,0 + 2,0 (P5 laag); B: P8 1,25 of 1,25 + 1,75 (P10 laag).
    assert got == {T: (2.5, 4.5), B: (1.25, 3.0), None: (1.0, 1.0)}


@pytest.mark.parametrize("engine", ENGINES)
def test_mean_income_is_a_magnitude_with_top_contributions(
    tiny: dict[str, pa.Table], engine: str
) -> None:
    got = {
        c.buurt: c
        for c in kernels.leaf_cells(tiny[engine])
        if c.measure == "T1.R15" and c.buurt in (T, B, None)
    }
    # T: households 10, 11, 12 -> 15 000 + 30 000 + 25 000 = 70 000 over 3; top 30 000, 25 000.
    assert (got[T].numerator, got[T].denominator, got[T].total, got[T].top1, got[T].top2) == (
        70000,
        3,
        70000,
        30000,
        25000,
    )
    # B: household 21 is institutional (no income): 40 000 over 1, no second contribution.
    assert (got[B].numerator, got[B].denominator, got[B].top1, got[B].top2) == (
        40000,
        1,
        40000,
        None,
    )
    assert (got[None].numerator, got[None].denominator) == (50000, 1)
    assert got[T].period == "2021"


@pytest.mark.parametrize("engine", ENGINES)
def test_schoolweging_bands(tiny: dict[str, pa.Table], engine: str) -> None:
    table = tiny[engine]
    # P3 (weging 29.0) -> 28-30; P7 (35.9) -> 34-36; P2 (35.2) -> 34-36.
    assert _in({T, B}, cells_of(table, "T1.R7", "2020/2021", "28-30")) == {T: (1, 1)}
    assert _in({T, B}, cells_of(table, "T1.R7", "2020/2021", "34-36")) == {B: (0, 1)}
    assert _in({T, B}, cells_of(table, "T1.R5", "2020/2021", "34-36")) == {T: (1, 1)}
    assert _in({T, B}, cells_of(table, "T1.R6", "2020/2021", "34-36")) == {T: (1, 1)}
    bands = {c.band for c in kernels.leaf_cells(table)}
    assert bands == {None, "28-30", "34-36"}


def test_band_edges() -> None:
    wegingen = [19.0, 20.0, 21.99, 29.999, 30.0, 39.99, 40.0, 41.5]
    table = pa.table({"schoolweging": pa.array(wegingen, pa.float32())})
    panel = engines.from_arrow(TINY, "duckdb")  # only for its connection
    relation = panel._connection.from_arrow(table)
    import narwhals as nw

    got = (
        nw.from_native(relation)
        .select(kernels.band_expr().alias("band"))
        .collect(backend="pyarrow")
    )
    assert got["band"].to_list() == [
        "20-22",
        "20-22",
        "20-22",
        "28-30",
        "30-32",
        "38-40",
        "38-40",
        "38-40",
    ]
    panel.close()


# --- cohorts -----------------------------------------------------------------------------

H, A, V, L = HILLESLUIS, AFRIKAANDERWIJK, VREEWIJK, LOMBARDIJEN
COHORT_EXPECTED: dict[tuple[str, str], dict[str | None, tuple[float, int]]] = {
    # inflow 2020: H Q21, Q24, Q25; A Q23 (Q22 continued). Observed 2021: Q21 (works),
    # Q24 (bijstand) -> 1/2; Q23 works -> 1/1.
    ("cohort.bijstand.work_y1", "2020"): {H: (1, 2), A: (1, 1)},
    # observed 2022: Q21, Q24, Q25 all working -> 3/3 (Q24 counts for H, where it lived in
    # 2020); Q23 not -> 0/1.
    ("cohort.bijstand.work_y2", "2020"): {H: (3, 3), A: (0, 1)},
    # observed in both: Q21 (both), Q24 (2022 only) -> 1/2; Q23 -> 0/1.
    ("cohort.bijstand.sustained_y2", "2020"): {H: (1, 2), A: (0, 1)},
    ("cohort.bijstand.work_y1", "2021"): {H: (1, 1)},  # Q26; its Y+2 = 2023 is not there
    ("cohort.bijstand.work_y2", "2021"): {},
    ("cohort.bijstand.work_y1", "2019"): {},  # 2018 not in the panel: no inflow known
    ("cohort.bijstand.work_y1", "2022"): {},  # Q22's inflow: no follow-up yet
    # groep-8 cohort 2010: V G41, G42, G44 (advices havo, vmbo, vwo); L G43 (no advice),
    # G46 (havo).
    ("cohort.g8.advice.havo", "2009/2010"): {V: (1, 3), L: (1, 1)},
    ("cohort.g8.advice.vmbo", "2009/2010"): {V: (1, 3), L: (0, 1)},
    ("cohort.g8.advice.vwo", "2009/2010"): {V: (1, 3), L: (0, 1)},
    ("cohort.g8.advice.pro", "2009/2010"): {V: (0, 3), L: (0, 1)},
    ("cohort.g8.advice.havo_vwo", "2013/2014"): {V: (1, 1)},
    # 2013: G41 havo lj3, G42 vmbo lj3, G44 abroad -> 1/2; G43 vwo lj3, G46 in leerjaar 2
    # (a year late counts as not havo/vwo here) -> 1/2 (for L).
    ("cohort.g8.havo_vwo_lj3", "2009/2010"): {V: (1, 2), L: (1, 2)},
    ("cohort.g8.havo_vwo_lj3", "2013/2014"): {V: (1, 1)},
    # afstroom, leerjaar 3 in Y+3 or Y+4, seen in Y+4: G41 havo for havo, G42 vmbo for vmbo
    # -> 0/2 (G44 abroad); G46 vmbo in 2014 for a havo advice -> 1/1 (G43 has no advice).
    ("cohort.g8.afstroom", "2009/2010"): {V: (0, 2), L: (1, 1)},
    # seen 2017 (Y+7): G41 (havo 2015 <= Y+6), G42 (vmbo 2014 <= Y+5), G44 (vwo 2017 =
    # Y+7) -> 3/3; G43 vwo 2016 -> 1/1 (G46 not seen).
    ("cohort.g8.vo_diploma", "2009/2010"): {V: (3, 3), L: (1, 1)},
    ("cohort.g8.havo_vwo_diploma", "2009/2010"): {V: (2, 3), L: (1, 1)},
    ("cohort.g8.havo_vwo_diploma", "2013/2014"): {V: (1, 1)},
    # at 23: G41 yes, G42 no, G44 no -> 1/3; G43 (2022) yes. Cohort 2014: 2025 > 2022.
    ("cohort.g8.startkwalificatie_23", "2009/2010"): {V: (1, 3), L: (1, 1)},
    ("cohort.g8.startkwalificatie_23", "2013/2014"): {},
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("measure", "period"), sorted(COHORT_EXPECTED))
def test_cohort_flows_by_hand(
    tiny: dict[str, pa.Table], engine: str, measure: str, period: str
) -> None:
    found = _in({H, A, V, L}, cells_of(tiny[engine], measure, period))
    assert found == COHORT_EXPECTED[(measure, period)]


@pytest.mark.parametrize("engine", ENGINES)
def test_no_half_finished_flows(tiny: dict[str, pa.Table], engine: str) -> None:
    cells = [c for c in kernels.leaf_cells(tiny[engine]) if c.measure.startswith("cohort.")]
    periods = defaultdict(set)
    for c in cells:
        periods[c.measure].add(c.period)
    assert periods["cohort.bijstand.work_y1"] == {"2020", "2021"}
    assert periods["cohort.bijstand.work_y2"] == {"2020"}
    assert periods["cohort.g8.startkwalificatie_23"] == {"2009/2010"}
    # P2 of the Tabel 1 part (groep 8 in 2021) has an advice cell but no follow-up yet.
    assert periods["cohort.g8.havo_vwo_lj3"] == {"2009/2010", "2013/2014"}
    assert "2020/2021" in periods["cohort.g8.advice.havo"]


def test_leaf_cells_have_the_fixed_shape(tiny: dict[str, pa.Table]) -> None:
    table = tiny["duckdb"]
    assert table.schema == kernels.LEAF_SCHEMA
    assert min(table["denominator"].to_pylist()) > 0
    keys = [tuple(r[k] or "" for k in kernels.LEAF_KEY) for r in table.to_pylist()]
    assert len(keys) == len(set(keys))


# --- DuckDB = Spark ------------------------------------------------------------------------


def test_engines_agree_on_the_tiny_panel(tiny: dict[str, pa.Table]) -> None:
    assert tiny["duckdb"].num_rows > 100
    assert tiny["duckdb"].equals(tiny["spark"])


def test_engines_agree_on_a_random_panel(spark: Any, random_table: pa.Table) -> None:
    duck, sparked = _run(random_table, "duckdb"), _run(random_table, "spark")
    measures = set(duck["measure"].to_pylist())
    assert measures == {d.measure for d in definitions.DEFINITIONS}  # every measure occurs
    assert duck.num_rows > 3000
    assert duck.equals(sparked)


@pytest.mark.parametrize("engine", ENGINES)
def test_households_computed_once_give_the_same_cells(
    spark: Any, random_table: pa.Table, engine: engines.Engine
) -> None:
    shared = _run(random_table, engine)
    assert shared.equals(_run(random_table, engine, keep=False))
    assert {"T1.R3", "T1.R15", "T1.R19"} <= set(shared["measure"].to_pylist())


def test_open_panel_reads_parquet_and_prunes_years(spark: Any, tmp_path: Path) -> None:
    write_panel(TINY, tmp_path / "panel")
    results = {}
    for engine in ENGINES:
        with engines.open_panel(tmp_path / "panel", engine, years=[2021, 2022]) as panel:
            years = panel.frame.select("year").unique().collect(backend="pyarrow").to_native()
            assert sorted(years["year"].to_pylist()) == [2021, 2022]
            results[engine] = panel.collect(kernels.tabel1_persons(panel.frame, only={"T1.R2"}))
            if engine == "duckdb":  # only the files of the two years are read
                plan = panel.frame.to_native().explain()
                assert "Scanning Files: 2/" in plan
    assert results["duckdb"].equals(results["spark"])
    from_memory = _run(TINY, "duckdb")
    r2 = from_memory.filter(pa.compute.equal(from_memory["measure"], "T1.R2"))
    r2 = r2.filter(pa.compute.is_in(r2["period"], pa.array(["2021", "2022"])))
    assert results["duckdb"].equals(r2)


def test_a_duckdb_run_does_not_import_pandas(tmp_path: Path) -> None:
    """Nothing in a run needs pandas, and importing it costs half a second: pyarrow imports
    it the first time it converts a Python value, so the leaf cells are built without one."""
    write_panel(TINY, tmp_path / "panel")
    script = (
        "import sys\n"
        "from koers.basismonitor import engines, kernels\n"
        f"with engines.open_panel({str(tmp_path / 'panel')!r}) as panel:\n"
        "    cells = panel.collect(kernels.all_kernels(panel.frame, keep=panel.keep))\n"
        "print(cells.num_rows, 'pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    rows, pandas_imported = done.stdout.split()
    assert int(rows) == _run(TINY, "duckdb").num_rows
    assert pandas_imported == "False"


# --- rollup ------------------------------------------------------------------------------


def _leaf(
    measure: str,
    gemeente: str,
    buurt: str | None,
    n: float,
    d: int,
    top: tuple[float, float | None] | None = None,
) -> LeafCell:
    if top is None:
        return LeafCell(measure, "2021", gemeente, buurt, None, n, d)
    return LeafCell(measure, "2021", gemeente, buurt, None, n, d, n, *top)


def test_rollup_by_hand(nprz_plan: Plan) -> None:
    cells = [
        _leaf("T1.R7", ROTTERDAM, TARWEWIJK, 1, 4),
        _leaf("T1.R7", ROTTERDAM, BLOEMHOF, 2, 5),
        _leaf("T1.R7", ROTTERDAM, "BU05991289", 3, 6),  # Groot IJsselmonde (both wijken)
        _leaf("T1.R7", ROTTERDAM, "BU05991578", 4, 7),  # Zuiderpark: in no wijk, not in zuid
        _leaf("T1.R7", ROTTERDAM, "BU05990101", 5, 8),  # Rotterdam, not Zuid
        _leaf("T1.R7", ROTTERDAM, None, 6, 9),  # Rotterdam, buurt unknown
        _leaf("T1.R7", AMSTERDAM, None, 7, 10),
        _leaf("T1.R7", "GM0000", None, 8, 11),
        _leaf("T1.R15", ROTTERDAM, TARWEWIJK, 100, 3, (50, 30)),
        _leaf("T1.R15", ROTTERDAM, BLOEMHOF, 90, 2, (60, 30)),
        _leaf("T1.R15", ROTTERDAM, "BU05990101", 500, 2, (400, 100)),
    ]
    got = {(c.measure, c.area): c for c in rollup(nprz_plan, cells)}

    def nd(measure: str, area: str) -> tuple[float, int]:
        return got[(measure, area)].numerator, got[(measure, area)].denominator

    assert nd("T1.R7", "nl") == (36, 60)  # every leaf
    assert nd("T1.R7", "rotterdam") == (21, 39)  # 1+2+3+4+5+6, 4+5+6+7+8+9
    assert nd("T1.R7", "zuid") == (6, 15)  # Tarwewijk, Bloemhof, Groot IJsselmonde
    assert nd("T1.R7", "rotterdam-excl-zuid") == (15, 24)  # Zuiderpark, 0101, unknown
    assert ("T1.R7", "g4") not in got  # Den Haag and Utrecht are not in the panel: no G4
    assert nd("T1.R7", "focuswijken") == (3, 9)  # Tarwewijk, Bloemhof
    assert nd("T1.R7", "gebied-charlois") == (5, 11)  # Tarwewijk, Zuiderpark
    assert nd("T1.R7", "gebied-ijsselmonde") == (3, 6)
    assert nd("T1.R7", "groot-ijsselmonde") == (3, 6)
    assert ("T1.R7", "groot-ijsselmonde-noord") not in got  # the panel cannot split the buurt
    assert ("T1.R7", "utrecht") not in got  # no leaf: no cell
    assert got[("T1.R7", "zuid")].value == pytest.approx(0.4)
    zuid = got[("T1.R15", "zuid")]
    assert (zuid.numerator, zuid.denominator, zuid.total, zuid.top1, zuid.top2) == (
        190,
        5,
        190,
        60,
        50,
    )
    rotterdam = got[("T1.R15", "rotterdam")]
    assert (rotterdam.top1, rotterdam.top2) == (400, 100)


def _key_sum(
    cells: dict[tuple[str, ...], AreaCell], keys: tuple[tuple[str, ...], ...]
) -> tuple[float, int]:
    return sum(cells[k].numerator for k in keys), sum(cells[k].denominator for k in keys)


WIJKEN = {
    "afrikaanderwijk", "beverwaard-oud-ijsselmonde", "bloemhof", "carnisse-zuidplein", "feijenoord",
    "groot-ijsselmonde", "heijplaat-pendrecht", "hillesluis", "lombardijen", "nieuw-zuid",
    "oud-charlois-wielewaal", "tarwewijk", "vreewijk", "zuidwijk-charlois-zuidrand",
}  # fmt: skip  # the 15 wijken, Groot IJsselmonde Noord + Zuid as their one buurt


def _sum_of(
    by_key: dict[tuple[str, ...], AreaCell], group: tuple[str, str, str], areas: set[str]
) -> tuple[float, int]:
    """Σ numerator, Σ denominator of the cells of ``areas`` (absent cells count as 0)."""
    found = [c for a in areas if (c := by_key.get((*group, a))) is not None]
    return sum(c.numerator for c in found), sum(c.denominator for c in found)


G4_CITIES = {"amsterdam", "rotterdam", "den-haag", "utrecht"}


def test_rollup_groups_are_sums_of_members(nprz_plan: Plan, random_cells: list[LeafCell]) -> None:
    areas = rollup(nprz_plan, random_cells)
    by_key = {c.key: c for c in areas}
    groups = {(c.measure, c.period, c.band or "") for c in areas}
    checked = 0
    for group in sorted(groups):
        zuid, rotterdam = by_key.get((*group, "zuid")), by_key.get((*group, "rotterdam"))
        if zuid is not None:  # Zuid from its 15 wijken
            assert (zuid.numerator, zuid.denominator) == _sum_of(by_key, group, WIJKEN)
            checked += 1
        if rotterdam is not None:  # the minus-group completes Zuid to Rotterdam
            g4 = by_key[(*group, "g4")]
            assert (g4.numerator, g4.denominator) == _sum_of(by_key, group, G4_CITIES)
            rest = _sum_of(by_key, group, {"zuid", "rotterdam-excl-zuid"})
            assert (rotterdam.numerator, rotterdam.denominator) == rest
        nl = by_key[(*group, "nl")]  # nl: every leaf
        leaves = [c for c in random_cells if (c.measure, c.period, c.band or "") == group]
        assert (nl.numerator, nl.denominator) == (
            sum(c.numerator for c in leaves),
            sum(c.denominator for c in leaves),
        )
        if group[0] == "T1.R15" and zuid is not None:  # top contributions: largest two of the parts
            parts = [by_key[(*group, a)] for a in WIJKEN if (*group, a) in by_key]
            tops = sorted(
                (t for c in parts for t in (c.top1, c.top2) if t is not None), reverse=True
            )
            assert (zuid.top1, zuid.top2) == (tops[0], tops[1])
    assert checked > 100


def test_relations_hold_and_cover_zuid_and_g4(
    nprz_plan: Plan, random_cells: list[LeafCell]
) -> None:
    areas = rollup(nprz_plan, random_cells)
    by_key = {c.key: c for c in areas}
    found = relations(nprz_plan, random_cells, areas)
    for relation in found:  # every relation adds up exactly
        t = by_key[relation.total]
        assert (t.numerator, t.denominator) == _key_sum(by_key, relation.parts), relation.label
    totals = defaultdict(set)
    for relation in found:
        totals[relation.total].add(frozenset(p[3] for p in relation.parts))
    for cell in areas:
        if cell.area == "zuid":
            assert any(parts <= WIJKEN for parts in totals[cell.key])
        if cell.area == "g4":
            assert any(parts <= G4_CITIES for parts in totals[cell.key])
        if cell.area == "rotterdam":
            assert any(parts <= {"zuid", "rotterdam-excl-zuid"} for parts in totals[cell.key])


def test_relations_feed_the_disclosure_gate(nprz_plan: Plan, random_cells: list[LeafCell]) -> None:
    areas = rollup(nprz_plan, random_cells)
    cells = [
        Cell(c.key, None if c.total is not None else c.numerator, c.denominator, c.total,
             tuple(t for t in (c.top1, c.top2) if t is not None))
        for c in areas
    ]  # fmt: skip
    verdicts = check(cells, relations(nprz_plan, random_cells, areas))
    assert len(verdicts) == len(cells)
