"""The synthetic Basismonitor panel: schema, reproducibility, careers and Tabel 1 marginals.

The marginals are counted here in plain DuckDB SQL over the Parquet files, independently of
the generator, with the definitions of docs/basismonitor.md. One panel is shared by the
module (scope g4, so that a small panel still has a few thousand Zuid residents).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from koers.basismonitor import schema, synth
from koers.plan import load_plan
from koers.plan.period import period_year

from .conftest import NPRZ, ROOT

PERSONS = 40_000
SEED = 7

# --- counting definitions (docs/basismonitor.md, "Counting definitions") -------------------
# Each row: (indicator, unit, SELECT giving area, year, numerator, denominator) over the view
# `rows` (one row per person-year and area the person lives in) or `households` (one row per
# household-year and area).
PERSON_ROWS = {
    "T1.R2": ("count(*) filter (age < 27)", "count(*)"),
    "T1.R4": (
        "count(*) filter (sector = 'po' and parents_education = 'laag')",
        "count(*) filter (sector = 'po' and parents_education is not null)",
    ),
    "T1.R5": (
        "count(*) filter (ref_taal in ('fundamenteel', 'streef'))",
        "count(*) filter (ref_taal is not null)",
    ),
    "T1.R6": ("count(*) filter (ref_taal = 'streef')", "count(*) filter (ref_taal is not null)"),
    "T1.R7": (
        "count(*) filter (sector = 'vo' and study_year = 3 and level in ('havo', 'vwo'))",
        "count(*) filter (sector = 'vo' and study_year = 3)",
    ),
    "T1.R8": (
        "count(*) filter (sector = 'vo' and level = 'pro')",
        "count(*) filter (sector = 'vo')",
    ),
    "T1.R9": (
        "count(*) filter (diploma = 'vwo')",
        "count(*) filter (diploma in ('vmbo', 'havo', 'vwo'))",
    ),
    "T1.R10": (
        "count(*) filter (diploma = 'havo')",
        "count(*) filter (diploma in ('vmbo', 'havo', 'vwo'))",
    ),
    "T1.R11": (
        "count(*) filter (diploma = 'vmbo')",
        "count(*) filter (diploma in ('vmbo', 'havo', 'vwo'))",
    ),
    "T1.R12": (
        "count(*) filter (early_leaver)",
        "count(*) filter (sector in ('vo', 'mbo') and age between 12 and 22)",
    ),
    "T1.R13": (
        "count(*) filter (startkwalificatie and age between 18 and 22)",
        "count(*) filter (age between 18 and 22)",
    ),
    "T1.R17": (
        "count(*) filter (age < 18 and income_vs_minimum <= 1.1)",
        "count(*) filter (age < 18)",
    ),
    "T1.R20": (
        "count(*) filter (labour_force and not employed and age between 15 and 74)",
        "count(*) filter (labour_force is not null and age between 15 and 74)",
    ),
}
HOUSEHOLD_ROWS = {
    "T1.R3": (
        "count(*) filter (has_minor and household_type = 'eenouder')",
        "count(*) filter (has_minor)",
    ),
    "T1.R16": ("count(*) filter (income_vs_minimum <= 1.1)", "count(*)"),
    "T1.R18": ("count(*) filter (any_benefit)", "count(*)"),
    "T1.R19": ("count(*) filter (assistance_or_ww)", "count(*)"),
}
AREAS_CHECKED = ("zuid", "focuswijken", "rotterdam", "g4")


def area_table(plan_dir: Path = NPRZ) -> list[tuple[str, str | None, str | None]]:
    """(area, gemeente, buurt) rows from the plan: a buurt row maps one buurt code."""
    plan = load_plan(plan_dir)
    areas = {a.id: a for a in plan.areas}

    def buurten(area_id: str) -> set[str]:
        area = areas[area_id]
        codes = {area.cbs_code} if area.cbs_code and area.cbs_code.startswith("BU") else set()
        for member in area.members:
            codes |= buurten(member)
        return codes

    zuid = buurten("zuid") | {areas["groot-ijsselmonde"].cbs_code or ""}
    rows: list[tuple[str, str | None, str | None]] = [("nl", None, None)]
    rows += [(city, areas[city].cbs_code, None) for city in synth.G4_CITIES]
    rows += [("g4", areas[city].cbs_code, None) for city in synth.G4_CITIES]
    rows += [("zuid", None, code) for code in sorted(zuid)]
    rows += [("focuswijken", None, code) for code in sorted(buurten("focuswijken"))]
    return rows


def marginals(panel: Path) -> dict[tuple[str, str, int], tuple[float, int]]:
    """(indicator, area, year) -> (value, denominator), counted with plain SQL."""
    con = duckdb.connect()
    con.execute("create table areas (area varchar, gemeente varchar, buurt varchar)")
    con.executemany("insert into areas values (?, ?, ?)", area_table())
    con.execute(
        f"""
        create view persons as
        select * exclude (year), year::integer as year, year - birth_year as age
        from read_parquet('{panel}/**/*.parquet', hive_partitioning = true)
        """
    )
    con.execute(
        """
        create view rows as
        select a.area, p.* from persons p join areas a
          on (a.gemeente is null or a.gemeente = p.gemeente)
         and (a.buurt is null or a.buurt = p.buurt)
        """
    )
    con.execute(
        """
        create view households as
        select area, year, household,
               any_value(household_type) as household_type,
               any_value(household_income) as household_income,
               any_value(income_vs_minimum) as income_vs_minimum,
               bool_or(household_position = 'kind' and age < 18) as has_minor,
               bool_or(benefit is not null) as any_benefit,
               bool_or(benefit in ('bijstand', 'ww')) as assistance_or_ww
        from rows group by area, year, household
        """
    )
    result: dict[tuple[str, str, int], tuple[float, int]] = {}
    for view, definitions in (("rows", PERSON_ROWS), ("households", HOUSEHOLD_ROWS)):
        for indicator, (numerator, denominator) in definitions.items():
            query = f"select area, year, {numerator}, {denominator} from {view} group by all"
            for area, year, top, bottom in con.execute(query).fetchall():
                if bottom:
                    result[(indicator, area, year)] = (100.0 * top / bottom, bottom)
    # T1.R14 is weighted with the education file's weights (n: the persons behind it)
    query = """
        select area, year,
               sum(education_weight) filter (education in ('middelbaar', 'hoog')),
               sum(education_weight), count(*)
        from rows
        where age between 15 and 74 and education is not null and education_weight is not null
        group by all
    """
    for area, year, top, bottom, count in con.execute(query).fetchall():
        result[("T1.R14", area, year)] = (100.0 * top / bottom, count)
    query = "select area, year, avg(household_income), count(*) from households group by all"
    for area, year, mean, count in con.execute(query).fetchall():
        result[("T1.R15", area, year)] = (mean, count)
    return result


def tolerance(indicator: str, target: float, denominator: int) -> float:
    """The stated tolerance (1.5 points; 3% of T1.R15) plus three standard errors."""
    if indicator == "T1.R15":
        return 0.03 * target + 3 * 0.9 * target / math.sqrt(denominator)
    share = min(max(target / 100, 0.01), 0.99)
    return 1.5 + 3 * 100 * math.sqrt(share * (1 - share) / denominator)


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, synth.SynthSummary]:
    out = tmp_path_factory.mktemp("synth") / "panel"
    summary = synth.generate(out, persons=PERSONS, seed=SEED, scope="g4")
    return out, summary


@pytest.fixture(scope="module")
def measured(
    panel: tuple[Path, synth.SynthSummary],
) -> dict[tuple[str, str, int], tuple[float, int]]:
    return marginals(panel[0])


def checksum(panel: Path) -> int:
    """An order-independent checksum over the content of every row."""
    query = (
        f"select sum(hash(t)) from read_parquet('{panel}/**/*.parquet', hive_partitioning = true) t"
    )
    value = duckdb.connect().execute(query).fetchone()
    assert value is not None
    return int(value[0])


# --- the files ------------------------------------------------------------------------------


def test_every_part_file_has_exactly_the_panel_schema(panel):
    out, summary = panel
    files = sorted(out.glob("year=*/part-*.parquet"))
    assert [f.parent.name for f in files] == [f"year={y}" for y in summary.years]
    for file in files:
        assert pq.read_schema(file).remove_metadata() == schema.SCHEMA


def test_the_summary_counts_what_was_written(panel):
    out, summary = panel
    counted = (
        duckdb.connect()
        .execute(f"select count(distinct person), count(*) from read_parquet('{out}/**/*.parquet')")
        .fetchone()
    )
    assert counted == (PERSONS, summary.person_years)
    assert summary.years == tuple(range(2011, 2023))
    assert summary.seconds > 0
    targets = {(t.indicator, t.area, t.year): t.value for t in summary.targets}
    assert targets[("T1.R7", "zuid", 2011)] == 25.8
    assert targets[("T1.R7", "zuid", 2021)] == targets[("T1.R7", "zuid", 2022)] == 31.0
    assert targets[("T1.R13", "zuid", 2015)] == pytest.approx(48 + 11 * 4 / 9, abs=0.01)


# --- calibration ----------------------------------------------------------------------------


def checked_cells() -> list[tuple[str, str, int]]:
    cells = []
    for indicator, (latest_year, _, _) in synth.TABLE_1.items():
        for area in AREAS_CHECKED:
            cells += [(indicator, area, 2011), (indicator, area, latest_year)]
    return cells


@pytest.mark.parametrize(("indicator", "area", "year"), checked_cells())
def test_marginals_reproduce_tabel_1(measured, panel, indicator, area, year):
    targets = {(t.indicator, t.area, t.year): t.value for t in panel[1].targets}
    target = targets[(indicator, area, year)]
    value, denominator = measured[(indicator, area, year)]
    assert abs(value - target) <= tolerance(indicator, target, denominator), (
        f"{indicator} {area} {year}: {value:.2f} against {target:.2f} (n = {denominator})"
    )


def test_the_published_values_are_the_targets():
    with (NPRZ / "data" / "10-ambitie-wijken.csv").open(encoding="utf-8") as published_csv:
        rows = list(csv.DictReader(published_csv))
    for indicator, (latest_year, latest, first) in synth.TABLE_1.items():
        published = {
            (r["area"], period_year(r["period"]), r["period"] == "2011"): float(r["value"])
            for r in rows
            if r["indicator"] == indicator
        }
        expected = {(area, latest_year, False): value for area, value in latest.items()}
        expected |= {(area, 2011, True): value for area, value in first.items()}
        assert published == expected, indicator


def test_the_zuid_buurten_are_the_plans():
    plan_areas = area_table()
    zuid = {buurt for area, _, buurt in plan_areas if area == "zuid"}
    focus = {buurt for area, _, buurt in plan_areas if area == "focuswijken"}
    assert {code for code, *_ in synth.ZUID_BUURTEN} == zuid
    assert {code for code, _, is_focus, _ in synth.ZUID_BUURTEN if is_focus} == focus
    assert not zuid & {code for code, *_ in synth.ROTTERDAM_OTHER_BUURTEN}


# --- plausible careers ----------------------------------------------------------------------


def query(panel: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    con.execute(
        f"create view p as select * exclude (year), year::integer as year "
        f"from read_parquet('{panel}/**/*.parquet', hive_partitioning = true)"
    )
    return con.execute(sql).fetchall()


def test_a_person_keeps_birth_year_and_sex(panel):
    assert query(
        panel[0],
        "select count(*) from (select person from p group by person "
        "having count(distinct birth_year) > 1 or count(distinct sex) > 1)",
    ) == [(0,)]


def test_geography_follows_the_scope(panel):
    gemeenten = {row[0] for row in query(panel[0], "select distinct gemeente from p")}
    assert gemeenten == {"GM0363", "GM0599", "GM0518", "GM0344"}
    assert query(
        panel[0], "select count(*) from p where (gemeente = 'GM0599') != (buurt is not null)"
    ) == [(0,)]


def test_pupils_go_up_one_groep_a_year(panel):
    [(moved_up, stayed, pupils)] = query(
        panel[0],
        """
        select count(*) filter (b.study_year = a.study_year + 1),
               count(*) filter (b.study_year = a.study_year), count(*)
        from p a join p b on a.person = b.person and b.year = a.year + 1
        where a.sector = 'po' and b.sector = 'po'
        """,
    )
    assert moved_up / pupils > 0.97
    assert 0 < stayed / pupils < 0.02


def test_vo_tracks_last_their_length(panel):
    rows = query(
        panel[0],
        "select level, min(study_year), max(study_year) from p "
        "where sector = 'vo' and diploma is not null group by level order by level",
    )
    assert rows == [("havo", 5, 5), ("vmbo", 4, 4), ("vwo", 6, 6)]


def test_households_share_their_income_and_type(panel):
    assert query(
        panel[0],
        "select count(*) from (select year, household from p group by all having "
        "count(distinct household_income) > 1 or count(distinct household_type) > 1 "
        "or count(distinct gemeente) > 1)",
    ) == [(0,)]


def test_bijstand_persists(panel):
    [(again, received, everyone_rate)] = query(
        panel[0],
        """
        select count(*) filter (b.benefit = 'bijstand'), count(*),
               (select avg(coalesce(benefit = 'bijstand', false)::int) from p
                where year - birth_year between 18 and 66)
        from p a join p b on a.person = b.person and b.year = a.year + 1
        where a.benefit = 'bijstand'
        """,
    )
    assert again / received > 0.5
    assert again / received > 5 * everyone_rate


def test_a_few_percent_move_buurt_each_year(panel):
    [(moved, stayed_in_rotterdam)] = query(
        panel[0],
        """
        select count(*) filter (a.buurt != b.buurt), count(*)
        from p a join p b on a.person = b.person and b.year = a.year + 1
        where a.gemeente = 'GM0599' and b.gemeente = 'GM0599'
        """,
    )
    assert 0.01 < moved / stayed_in_rotterdam < 0.15


def test_education_never_falls(panel):
    assert query(
        panel[0],
        """
        select count(*) from p a join p b on a.person = b.person and b.year = a.year + 1
        where list_position(['laag', 'middelbaar', 'hoog'], b.education)
            < list_position(['laag', 'middelbaar', 'hoog'], a.education)
        """,
    ) == [(0,)]


def test_an_early_leaver_has_left_school_for_good_without_a_startkwalificatie(panel):
    [(leavers, inconsistent)] = query(
        panel[0],
        """
        select count(*), count(*) filter (
            a.sector not in ('vo', 'mbo') or a.startkwalificatie
            or a.year - a.birth_year > 22
            or exists (select 1 from p b
                       where b.person = a.person and b.year > a.year and b.sector is not null))
        from p a where a.early_leaver
        """,
    )
    assert leavers > 100
    assert inconsistent == 0


def test_the_t1_r12_lever_gives_mbo_dropouts_a_second_chance_in_entree(panel):
    """Without the lever nobody who leaves mbo 2-4 without a diploma enrols again."""
    [(in_entree, later_mbo2)] = query(
        panel[0],
        """
        select count(*), count(*) filter (exists (
            select 1 from p c where c.person = a.person and c.year > b.year
                                and c.diploma = 'mbo2'))
        from p a join p b on a.person = b.person and b.year = a.year + 1
        where a.level in ('mbo2', 'mbo3', 'mbo4') and a.diploma is null
          and b.level = 'mbo1' and b.study_year = 1
        """,
    )
    assert in_entree > 50
    assert 0 < later_mbo2 < in_entree


# --- reproducibility and arguments --------------------------------------------------------------


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(tmp_path):
    def run(name: str, seed: int) -> int:
        synth.generate(tmp_path / name, persons=3_000, years=3, seed=seed, scope="g4")
        return checksum(tmp_path / name)

    first = run("a", 1)
    assert run("b", 1) == first
    assert run("c", 2) != first


def test_progress_reports_the_person_years_written(tmp_path):
    reported: list[int] = []
    summary = synth.generate(
        tmp_path / "p", persons=2_000, years=4, scope="g4", progress=reported.append
    )
    assert len(reported) == 4
    assert reported == sorted(reported)
    assert reported[-1] == summary.person_years


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"persons": 0}, "persons must be at least 1"),
        ({"persons": 10, "years": 0}, "years must be at least 1"),
        ({"persons": 10, "scope": "eu"}, "scope must be 'nl' or 'g4'"),
    ],
)
def test_bad_arguments_are_refused(tmp_path, arguments, message):
    with pytest.raises(ValueError, match=message):
        synth.generate(tmp_path / "out", **arguments)


def test_a_non_empty_output_directory_is_refused(tmp_path):
    (tmp_path / "something.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ValueError, match="exists and is not empty"):
        synth.generate(tmp_path, persons=10)
    assert (tmp_path / "something.txt").read_text(encoding="utf-8") == "keep me"


def test_an_empty_output_directory_is_used(tmp_path):
    summary = synth.generate(tmp_path, persons=50, years=1, scope="g4")
    assert summary.person_years == 50


# --- documentation ------------------------------------------------------------------------------

DOCS = (ROOT / "docs" / "basismonitor.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", schema.FIELDS, ids=lambda f: f.name)
def test_every_field_is_documented_with_its_type(field):
    assert f"| `{field.name}` | `{field.type}` |" in DOCS


@pytest.mark.parametrize("indicator", list(synth.TABLE_1))
def test_every_calibrated_row_has_a_counting_definition(indicator):
    assert f"| {indicator} |" in DOCS
