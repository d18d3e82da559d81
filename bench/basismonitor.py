"""How fast the Basismonitor kernels are: koers on DuckDB against hand-written SQL and pandas.

    .venv/bin/python bench/basismonitor.py                     # 1M, 10M, 50M person-years
    .venv/bin/python bench/basismonitor.py --full              # and 210M (the size of 17.5 M × 12)
    .venv/bin/python bench/basismonitor.py --sizes 1M --check  # only compare the results
    .venv/bin/python bench/basismonitor.py --sizes 10M --memory-limit 8GB  # DuckDB limited

What is compared
    For each panel size, each kernel of :data:`koers.basismonitor.kernels.KERNELS` and the
    whole run (every kernel), three implementations produce the *same leaf cells*
    (:data:`~koers.basismonitor.kernels.LEAF_SCHEMA`, the definitions of each kernel's
    docstring) from the same Parquet panel:

    - **koers**: ``engines.open_panel(panel, "duckdb", threads=N)``, the kernel (or
      ``kernels.all_kernels``) and ``Panel.collect``;
    - **sql**: hand-written DuckDB SQL on a fresh connection with the same threads, reading
      the same files with the same ``read_parquet`` call: the speed limit on this machine;
    - **pandas**: plain vectorised pandas (``groupby``, ``merge`` for the self-joins) on the
      columns it needs, read with ``pyarrow.parquet.read_table(columns=…)`` (strings as
      categoricals); skipped ("past memory") where its estimated footprint (rows × bytes of
      the columns read × :data:`PANDAS_OVERHEAD` working copies) is above half the RAM.

    The whole run is one ``all_kernels`` collect for koers, the six hand queries after each
    other on one connection for sql, and one read of the union of the columns followed by
    the six pandas functions for pandas. In a whole run all three aggregate the households
    once for the two kernels that read them (koers: ``Panel.keep``, a table in DuckDB;
    sql: a temporary table; pandas: one ``groupby`` passed to both functions).

How it is measured
    Every measurement runs in a fresh Python process (``--child``), so caches, imports and
    the allocator of one implementation do not help or hurt another, and the peak memory
    is that process's own: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` read in the child
    at the end (it includes the interpreter and the imports, about 100-200 MB). Wall time
    is measured in the child around the computation *including* reading the Parquet files
    and materialising the result as a pyarrow table (imports and process start are not
    counted). Best of ``--repeat`` runs (default 3 below 50M person-years, 1 from 50M);
    the peak memory is the largest of those runs. The OS page cache is warm after the
    first run (the panel is generated or was read before), for all three alike.

    ``--memory-limit 8GB`` runs koers and the hand SQL under one limit (:class:`MemoryLimit`,
    with a ``temp_directory`` in the panel cache to spill into): koers through
    ``EngineOptions``, as ``koers basismonitor run --memory-limit`` does, which gives DuckDB
    85% of it and keeps the rest for the process; the SQL with DuckDB's ``memory_limit`` at
    the whole size, which favours the SQL. pandas has no such limit and runs as without.

    Results are compared on the smallest size always and on every size with ``--check``:
    the whole-run tables of the three implementations, sorted by the leaf key, must have
    the same keys, numerators and denominators (exactly), and the same T1.R15 sums and top
    incomes within a relative 1e-9 (float sums depend on the order of addition).

Why these SQL formulations (timings at 10M person-years, 2 threads, this machine)
    - Shares (Tabel 1 over persons, schoolweging bands): one ``GROUP BY`` per leaf and
      year with a ``count_if`` per numerator and denominator (wrapped in ``coalesce``: a
      ``count_if`` over only NULL conditions is NULL), turned long afterwards by unnesting
      a list of structs on the tiny aggregate. One aggregation per measure glued with
      ``UNION ALL`` would scan the panel once per measure (14 times for Tabel 1).
    - Households: one ``GROUP BY`` (year, leaf, household) with ``bool_or``/``max``, then
      the shares per leaf. Mean income takes ``max(income, 2)``, DuckDB's top-n aggregate,
      for the two largest household incomes of a leaf: 2.3 s, against 5.8 s with a
      ``rank()`` window over every household (the formulation koers had).
    - Cohort flows: a self-join, not ``LAG``/``LEAD`` (a window sorts the whole panel; the
      self-join on (person, year + k) was 3-4× faster). The small cohort (groep-8 pupils,
      bijstand rows) is a ``MATERIALIZED`` CTE and the build side; the panel is probed
      *once* on ``person`` with the follow-up years as a range condition, and each
      follow-up is picked per cohort row with a conditional aggregate. The bijstand inflow
      (bijstand in Y, not in Y − 1) comes out of the same probe, the Y − 1 row being one
      of the joined rows. A join (and a Parquet scan) per follow-up year, the
      straightforward translation that koers had, took 2.6 s (groep 8) and 1.4 s
      (bijstand) against 0.9 s and 0.7 s.

Targets (from the issue): the whole run within 1,25× of the hand-written SQL; never slower
than pandas per indicator; at least 3× faster than pandas on the whole run where pandas
fits; the 210M panel within 16 GB peak memory. The verdict block says which hold.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from koers.basismonitor.kernels import KERNELS, LEAF_COLUMNS, LEAF_KEY, LEAF_SCHEMA, SCHOOL_ROWS

WHOLE = "all kernels"
IMPLEMENTATIONS = ("koers", "sql", "pandas")
SIZES = {"1M": 1_000_000, "10M": 10_000_000, "50M": 50_000_000, "210M": 210_000_000}
PERSON_YEARS_PER_PERSON = 7.58  # measured on synth scope nl, 12 years (999,023 / 132,000)
YEARS = 12
FIRST_YEAR = 2011
PANDAS_OVERHEAD = 5.5  # peak / bytes read: 5.0 measured (whole run, 10M: 2,989 MB for 60 B a row)
RAM_SHARE_FOR_PANDAS = 0.5
TARGET_SQL_RATIO = 1.25
TARGET_PANDAS_SPEEDUP = 3.0
TARGET_PEAK_MB = 16 * 1024
TARGET_BOUNDED_PEAK_MB = 8 * 1024  # under an 8GB DuckDB limit, as on CBS's machines
BOUNDED_FROM = 10_000_000  # person-years: below this a run fits in far less anyway
FLOAT_TOLERANCE = 1e-9


# --- panels ---------------------------------------------------------------------------------


def persons_for(person_years: int) -> int:
    """Distinct persons for about ``person_years`` rows over 12 years (rounded to 1,000)."""
    return max(1_000, round(person_years / PERSON_YEARS_PER_PERSON / 1_000) * 1_000)


@dataclass(frozen=True)
class PanelInfo:
    label: str
    path: Path
    persons: int
    rows: int
    generation_seconds: float
    generated_now: bool


def ensure_panel(
    data: Path, label: str, person_years: int, seed: int, workers: int, scope: str = "nl"
) -> PanelInfo:
    """The cached panel for ``person_years`` and ``seed``, generated if it is not there yet.

    The directory name carries scope, persons, years and seed; a panel is generated into a
    ``.partial`` directory and renamed when complete, so an interrupted run never leaves a
    half panel that a later run would take for a whole one.
    """
    from koers.basismonitor import synth

    persons = persons_for(person_years)
    path = data / f"{scope}-{persons}p-{YEARS}y-seed{seed}"
    meta = path.with_name(path.name + ".json")
    if path.is_dir() and meta.is_file():
        info = json.loads(meta.read_text())
        return PanelInfo(label, path, persons, info["person_years"], info["seconds"], False)
    partial = path.with_name(path.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    data.mkdir(parents=True, exist_ok=True)
    summary = synth.generate(
        partial,
        persons=persons,
        years=YEARS,
        first_year=FIRST_YEAR,
        seed=seed,
        scope=scope,  # type: ignore[arg-type]
        workers=workers,
    )
    shutil.rmtree(path, ignore_errors=True)
    partial.rename(path)
    meta.write_text(
        json.dumps(
            {"persons": persons, "person_years": summary.person_years, "seconds": summary.seconds}
        )
    )
    return PanelInfo(label, path, persons, summary.person_years, summary.seconds, True)


def count_rows(panel: Path) -> int:
    """Person-years in the panel, from the Parquet footers."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in panel.rglob("*.parquet"))


# --- koers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryLimit:
    """DuckDB's memory limit (``8GB``) and where it spills, the same for koers and the SQL."""

    size: str
    temp_dir: Path


def run_koers(panel: Path, kernel: str, threads: int, limit: MemoryLimit | None = None) -> pa.Table:
    """koers on DuckDB: open the panel, the kernel (or all of them), ``Panel.collect``."""
    from koers.basismonitor import engines, kernels

    options = engines.EngineOptions(
        memory_limit=limit.size if limit else None, temp_dir=limit.temp_dir if limit else None
    )
    with engines.open_panel(panel, "duckdb", threads=threads, options=options) as opened:
        if kernel == WHOLE:
            return opened.collect(kernels.all_kernels(opened.frame, keep=opened.keep))
        return opened.collect(kernels.KERNELS[kernel](opened.frame))


# --- hand-written DuckDB SQL ----------------------------------------------------------------

PERIOD_SQL = {
    "calendar": "CAST(year AS VARCHAR)",
    "school": "CAST(year - 1 AS VARCHAR) || '/' || CAST(year AS VARCHAR)",
    "teldatum": "CAST(year - 1 AS VARCHAR) || '-10-01'",
    "october": "CAST(year AS VARCHAR) || '-10-01'",
}

_GROEP8 = "sector = 'po' AND study_year = 8"
ADVICES_SQL = "['pro', 'vmbo', 'vmbo_havo', 'havo', 'havo_vwo', 'vwo']"


def _rank_sql(column: str) -> str:
    return f"list_position({ADVICES_SQL}, {column})"


# (measure, period form, population, numerator) over a row of the panel with ``age``.
PERSON_SHARES_SQL: tuple[tuple[str, str, str, str], ...] = (
    ("T1.R2", "calendar", "true", "age < 27"),
    ("T1.R4", "teldatum", "sector = 'po'", "parents_education = 'laag'"),
    (
        "T1.R5",
        "school",
        "sector = 'po' AND study_year = 8 AND ref_taal IS NOT NULL",
        "ref_taal IN ('fundamenteel', 'streef')",
    ),
    (
        "T1.R6",
        "school",
        "sector = 'po' AND study_year = 8 AND ref_taal IS NOT NULL",
        "ref_taal = 'streef'",
    ),
    ("T1.R7", "school", "sector = 'vo' AND study_year = 3", "level IN ('havo', 'vwo')"),
    ("T1.R8", "school", "sector = 'vo'", "level = 'pro'"),
    ("T1.R9", "school", "diploma IN ('vmbo', 'havo', 'vwo')", "diploma = 'vwo'"),
    ("T1.R10", "school", "diploma IN ('vmbo', 'havo', 'vwo')", "diploma = 'havo'"),
    ("T1.R11", "school", "diploma IN ('vmbo', 'havo', 'vwo')", "diploma = 'vmbo'"),
    ("T1.R12", "school", "age BETWEEN 12 AND 22 AND sector IN ('vo', 'mbo')", "early_leaver"),
    ("T1.R13", "october", "age BETWEEN 18 AND 22", "startkwalificatie"),
    (
        "T1.R14",
        "october",
        "age BETWEEN 15 AND 74 AND education IS NOT NULL AND education_weight IS NOT NULL",
        "education IN ('middelbaar', 'hoog')",
    ),
    (
        "T1.R17",
        "calendar",
        "age < 18 AND income_vs_minimum IS NOT NULL",
        "income_vs_minimum <= CAST(1.1 AS FLOAT)",
    ),
    (
        "T1.R20",
        "october",
        "age BETWEEN 15 AND 74 AND labour_force IS NOT NULL",
        "labour_force AND NOT employed",
    ),
    *(
        (f"ref.rekenen.{level}", "school", f"{_GROEP8} AND ref_rekenen IS NOT NULL", numerator)
        for level, numerator in (
            ("fundamenteel", "ref_rekenen IN ('fundamenteel', 'streef')"),
            ("streef", "ref_rekenen = 'streef'"),
        )
    ),
    *(
        (
            f"advice.vs_test.{side}",
            "school",
            f"{_GROEP8} AND advice IS NOT NULL AND test_advice IS NOT NULL",
            f"{_rank_sql('advice')} {sign} {_rank_sql('test_advice')}",
        )
        for side, sign in (("above", ">"), ("equal", "="), ("below", "<"))
    ),
    ("advice.revised", "school", f"{_GROEP8} AND advice IS NOT NULL", "advice_revised IS NOT NULL"),
    *(
        (f"mbo.{what}.{group}", "school", f"{population} AND mbo_field IS NOT NULL", numerator)
        for what, population in (
            ("field", "sector = 'mbo'"),
            ("diploma_field", "diploma IN ('mbo1', 'mbo2', 'mbo3', 'mbo4')"),
        )
        for group, numerator in (
            ("techniek_haven", "mbo_field IN ('techniek', 'haven_logistiek')"),
            ("zorg", "mbo_field = 'zorg'"),
            ("overig", "mbo_field NOT IN ('techniek', 'haven_logistiek', 'zorg')"),
        )
    ),
    (
        "work.jobless_benefit",
        "october",
        "age BETWEEN 15 AND 74",
        "NOT employed AND benefit IN ('ww', 'bijstand')",
    ),
)
WEIGHTS_SQL = {"T1.R14": "education_weight"}  # weighted shares: the weight column
HOUSEHOLD_SHARES_SQL: tuple[tuple[str, str, str, str], ...] = (
    ("T1.R3", "calendar", "child", "eenouder"),
    (
        "T1.R16",
        "calendar",
        "income_vs_minimum IS NOT NULL",
        "income_vs_minimum <= CAST(1.1 AS FLOAT)",
    ),
    ("T1.R18", "calendar", "true", "any_benefit"),
    ("T1.R19", "calendar", "true", "bijstand_ww"),
)


def _scan(panel: Path) -> str:
    pattern = str(panel / "**" / "*.parquet").replace("'", "''")
    return (
        f"read_parquet('{pattern}', hive_partitioning = true, hive_types = {{'year': 'SMALLINT'}})"
    )


def _long_sql(
    source: str, keys: str, specs: Sequence[tuple[str, str, str, str]], band: str = "NULL"
) -> str:
    """Leaf cells from a wide aggregate ``source`` with columns ``n<i>``/``d<i>``.

    One row per group and measure by unnesting a list of structs (the aggregate is small).
    """
    items = ", ".join(
        f"{{'measure': '{measure}', 'period': {PERIOD_SQL[form]}, "
        f"'numerator': n{i}, 'denominator': d{i}, "
        + (
            f"'wn': wn{i}, 'wd': wd{i}}}"
            if measure in WEIGHTS_SQL
            else "'wn': CAST(NULL AS DOUBLE), 'wd': CAST(NULL AS DOUBLE)}"
        )
        for i, (measure, form, _, _) in enumerate(specs)
    )
    return f"""
        SELECT cell.measure AS measure, cell.period AS period, gemeente, buurt,
               CAST({band} AS VARCHAR) AS band,
               CAST(cell.numerator AS DOUBLE) AS numerator,
               CAST(cell.denominator AS BIGINT) AS denominator,
               CAST(NULL AS DOUBLE) AS total, CAST(NULL AS DOUBLE) AS top1,
               CAST(NULL AS DOUBLE) AS top2, CAST(NULL AS DOUBLE) AS low,
               CAST(cell.wn AS DOUBLE) AS weight_numerator,
               CAST(cell.wd AS DOUBLE) AS weight_denominator
        FROM (SELECT {keys}, unnest([{items}]) AS cell FROM {source})
        WHERE cell.denominator > 0"""


def _counts(specs: Sequence[tuple[str, str, str, str]]) -> str:
    return ", ".join(
        f"coalesce(count_if(({population}) AND ({numerator})), 0) AS n{i}, "
        f"coalesce(count_if({population}), 0) AS d{i}"
        + (
            f", coalesce(sum(CASE WHEN ({population}) AND ({numerator}) "
            f"THEN CAST({WEIGHTS_SQL[measure]} AS DOUBLE) ELSE 0 END), 0) AS wn{i}, "
            f"coalesce(sum(CASE WHEN {population} "
            f"THEN CAST({WEIGHTS_SQL[measure]} AS DOUBLE) ELSE 0 END), 0) AS wd{i}"
            if measure in WEIGHTS_SQL
            else ""
        )
        for i, (measure, _, population, numerator) in enumerate(specs)
    )


def sql_tabel1_persons(panel: Path) -> str:
    wide = f"""(
        SELECT year, gemeente, buurt, {_counts(PERSON_SHARES_SQL)}
        FROM (SELECT *, CAST(year AS INTEGER) - birth_year AS age FROM {_scan(panel)})
        GROUP BY year, gemeente, buurt)"""
    return _long_sql(wide, "year, gemeente, buurt", PERSON_SHARES_SQL)


def _households_sql(panel: Path) -> str:
    return f"""
        SELECT year, gemeente, buurt, household,
               bool_or(household_position = 'kind'
                       AND CAST(year AS INTEGER) - birth_year < 18) AS child,
               bool_or(household_type = 'eenouder') AS eenouder,
               max(household_income) AS income,
               max(income_vs_minimum) AS income_vs_minimum,
               bool_or(benefit IS NOT NULL) AS any_benefit,
               bool_or(benefit IN ('bijstand', 'ww')) AS bijstand_ww
        FROM {_scan(panel)}
        GROUP BY year, gemeente, buurt, household"""


def sql_tabel1_households(panel: Path, households: str | None = None) -> str:
    """``households``: the table holding :func:`_households_sql` when the run made it once."""
    wide = f"""(
        SELECT year, gemeente, buurt, {_counts(HOUSEHOLD_SHARES_SQL)}
        FROM {households or f"({_households_sql(panel)})"}
        GROUP BY year, gemeente, buurt)"""
    return _long_sql(wide, "year, gemeente, buurt", HOUSEHOLD_SHARES_SQL)


def sql_tabel1_income(panel: Path, households: str | None = None) -> str:
    source = (
        households
        or f"""(
            SELECT year, gemeente, buurt, household, max(household_income) AS income
            FROM {_scan(panel)}
            GROUP BY year, gemeente, buurt, household
        )"""
    )
    return f"""
        SELECT 'T1.R15' AS measure, {PERIOD_SQL["calendar"]} AS period, gemeente, buurt,
               CAST(NULL AS VARCHAR) AS band,
               sum(income) AS numerator, count(*) AS denominator, sum(income) AS total,
               max(income, 2)[1] AS top1, max(income, 2)[2] AS top2, min(income) AS low,
               CAST(NULL AS DOUBLE) AS weight_numerator,
               CAST(NULL AS DOUBLE) AS weight_denominator
        FROM {source}
        WHERE income IS NOT NULL
        GROUP BY year, gemeente, buurt"""


def sql_schoolweging_bands(panel: Path) -> str:
    specs = [spec for spec in PERSON_SHARES_SQL if spec[0] in SCHOOL_ROWS]
    populations = " OR ".join(f"({population})" for _, _, population, _ in specs)
    wide = f"""(
        SELECT year, gemeente, buurt, band, {_counts(specs)}
        FROM (
            SELECT *, CAST(low AS VARCHAR) || '-' || CAST(low + 2 AS VARCHAR) AS band
            FROM (
                SELECT *, CAST(least(floor(least(greatest(CAST(schoolweging AS DOUBLE), 20),
                                                  40) / 2) * 2, 38) AS BIGINT) AS low
                FROM {_scan(panel)}
                WHERE schoolweging IS NOT NULL AND ({populations})
            )
        )
        GROUP BY year, gemeente, buurt, band)"""
    return _long_sql(wide, "year, gemeente, buurt, band", specs, band="band")


GROEP8_SPECS_SQL: tuple[tuple[str, str, str, str], ...] = (
    *(
        (f"cohort.g8.advice.{advice}", "school", "advice IS NOT NULL", f"advice = '{advice}'")
        for advice in ("pro", "vmbo", "vmbo_havo", "havo", "havo_vwo", "vwo")
    ),
    ("cohort.g8.havo_vwo_lj3", "school", "lj3 IS NOT NULL", "lj3"),
    ("cohort.g8.vo_diploma", "school", "seen7", "diplomas > 0"),
    ("cohort.g8.havo_vwo_diploma", "school", "seen7", "havo_vwo"),
    (
        "cohort.g8.afstroom",
        "school",
        "advice_track IS NOT NULL AND track IS NOT NULL AND seen4",
        "track < advice_track",
    ),
    (
        "cohort.g8.startkwalificatie_23",
        "school",
        "sk23 IS NOT NULL AND complete_23",
        "sk23",
    ),
)


def sql_cohort_groep8(panel: Path) -> str:
    scan = _scan(panel)
    # a vo diploma within its track's nominal duration plus one year after groep 8
    on_time = (
        "("
        + " OR ".join(
            f"(f.diploma = '{track}' AND f.year BETWEEN c.year + 1 AND c.year + {years})"
            for track, years in (("vmbo", 5), ("havo", 6), ("vwo", 7))
        )
        + ")"
    )
    flows = f"""
        WITH cohort AS MATERIALIZED (
            SELECT person, CAST(year AS INTEGER) AS year, gemeente, buurt, birth_year, advice
            FROM {scan}
            WHERE sector = 'po' AND study_year = 8
        ),
        complete AS (
            SELECT c.year, max(c.birth_year) + 23 <= (SELECT max(year) FROM {scan})
                   AS complete_23
            FROM cohort AS c GROUP BY c.year
        ),
        followed AS (
            SELECT c.person, c.year,
                   bool_or(coalesce(f.sector = 'vo' AND f.study_year = 3
                                    AND f.level IN ('havo', 'vwo'), false))
                       FILTER (WHERE f.year = c.year + 3) AS lj3,
                   max(list_position(['pro', 'vmbo', 'havo', 'vwo'], f.level) - 1)
                       FILTER (WHERE f.year = c.year + 3 AND f.sector = 'vo'
                               AND f.study_year = 3) AS track3,
                   max(list_position(['pro', 'vmbo', 'havo', 'vwo'], f.level) - 1)
                       FILTER (WHERE f.year = c.year + 4 AND f.sector = 'vo'
                               AND f.study_year = 3) AS track4,
                   bool_or(f.year = c.year + 4) AS seen4,
                   bool_or(f.year = c.year + 7) AS seen7,
                   count(*) FILTER (WHERE {on_time}) AS diplomas,
                   bool_or({on_time} AND f.diploma IN ('havo', 'vwo')) AS havo_vwo,
                   bool_or(f.startkwalificatie)
                       FILTER (WHERE f.year - f.birth_year = 23) AS sk23
            FROM cohort AS c
            JOIN (SELECT person, CAST(year AS INTEGER) AS year, birth_year, sector,
                         study_year, level, diploma, startkwalificatie FROM {scan}) AS f
              ON f.person = c.person
             AND (f.year BETWEEN c.year + 3 AND c.year + 7
                  OR f.year - f.birth_year = 23
                  OR (f.year BETWEEN c.year + 1 AND c.year + 2 AND f.diploma IS NOT NULL))
            GROUP BY c.person, c.year
        )
        SELECT c.year, c.gemeente, c.buurt, c.advice, f.lj3,
               coalesce(f.seen4, false) AS seen4,
               coalesce(f.seen7, false) AS seen7, f.diplomas,
               coalesce(f.havo_vwo, false) AS havo_vwo, f.sk23,
               coalesce(k.complete_23, false) AS complete_23,
               coalesce(f.track3, f.track4) AS track,
               CASE c.advice WHEN 'pro' THEN 0 WHEN 'vmbo' THEN 1 WHEN 'vmbo_havo' THEN 1
                             WHEN 'havo' THEN 2 WHEN 'havo_vwo' THEN 2 WHEN 'vwo' THEN 3
               END AS advice_track
        FROM cohort AS c
        LEFT JOIN followed AS f ON f.person = c.person AND f.year = c.year
        LEFT JOIN complete AS k ON k.year = c.year"""
    wide = f"""(
        WITH flows AS ({flows})
        SELECT year, gemeente, buurt, {_counts(GROEP8_SPECS_SQL)}
        FROM flows GROUP BY year, gemeente, buurt)"""
    return _long_sql(wide, "year, gemeente, buurt", GROEP8_SPECS_SQL)


BIJSTAND_SPECS_SQL: tuple[tuple[str, str, str, str], ...] = (
    ("cohort.bijstand.work_y1", "calendar", "work1 IS NOT NULL", "work1"),
    ("cohort.bijstand.work_y2", "calendar", "work2 IS NOT NULL", "work2"),
    (
        "cohort.bijstand.sustained_y2",
        "calendar",
        "work1 IS NOT NULL AND work2 IS NOT NULL",
        "work1 AND work2",
    ),
)


def sql_cohort_bijstand(panel: Path) -> str:
    scan = _scan(panel)
    flows = f"""
        WITH bijstand AS MATERIALIZED (
            SELECT person, CAST(year AS INTEGER) AS year, gemeente, buurt
            FROM {scan} WHERE benefit = 'bijstand'
        ),
        years AS (SELECT DISTINCT CAST(year AS INTEGER) + 1 AS year FROM {scan}),
        followed AS (
            SELECT b.person, b.year, any_value(b.gemeente) AS gemeente,
                   any_value(b.buurt) AS buurt,
                   bool_or(f.year = b.year - 1 AND f.benefit = 'bijstand') AS before,
                   bool_or(f.employed) FILTER (WHERE f.year = b.year + 1) AS work1,
                   bool_or(f.employed) FILTER (WHERE f.year = b.year + 2) AS work2
            FROM bijstand AS b
            LEFT JOIN (SELECT person, CAST(year AS INTEGER) AS year, benefit, employed
                       FROM {scan}) AS f
              ON f.person = b.person AND f.year BETWEEN b.year - 1 AND b.year + 2
             AND f.year <> b.year
            GROUP BY b.person, b.year
        )
        SELECT year, gemeente, buurt, work1, work2
        FROM followed SEMI JOIN years USING (year)
        WHERE before IS NOT TRUE"""
    wide = f"""(
        WITH flows AS ({flows})
        SELECT year, gemeente, buurt, {_counts(BIJSTAND_SPECS_SQL)}
        FROM flows GROUP BY year, gemeente, buurt)"""
    return _long_sql(wide, "year, gemeente, buurt", BIJSTAND_SPECS_SQL)


def sql_diploma_starters(panel: Path) -> str:
    scan = _scan(panel)
    windows = {"vmbo": 4, "havo": 5, "vwo": 6, "mbo1": 1, "mbo2": 2, "mbo3": 3, "mbo4": 3,
               "hbo": 4, "wo": 4}  # fmt: skip
    sector = {"vmbo": "vo", "havo": "vo", "vwo": "vo", "hbo": "ho", "wo": "ho"}
    on_time = " OR ".join(
        f"(f.diploma = '{d}' AND s.sector = '{sector.get(d, 'mbo')}' "
        f"AND f.year BETWEEN s.year AND s.year + {n})"
        for d, n in windows.items()
    )
    flows = f"""
        WITH starts AS MATERIALIZED (
            SELECT person, CAST(year AS INTEGER) AS year, gemeente, buurt, sector
            FROM {scan} WHERE sector IN ('vo', 'mbo', 'ho') AND study_year = 1
        )
        SELECT s.year, s.gemeente, s.buurt,
               coalesce(bool_or(f.year = s.year - 1 AND f.sector = s.sector
                                AND f.study_year = 1), false) AS repeated,
               coalesce(bool_or(f.year = s.year + CASE s.sector WHEN 'vo' THEN 6
                                                 WHEN 'mbo' THEN 3 ELSE 4 END), false) AS seen,
               coalesce(bool_or({on_time}), false) AS diploma
        FROM starts AS s
        JOIN (SELECT person, CAST(year AS INTEGER) AS year, sector, study_year, diploma
              FROM {scan}) AS f ON f.person = s.person
        GROUP BY s.person, s.year, s.gemeente, s.buurt, s.sector"""
    specs = (("diploma.all", "school", "seen", "diploma"),)
    wide = f"""(
        SELECT year, gemeente, buurt, {_counts(specs)}
        FROM ({flows}) WHERE NOT repeated GROUP BY year, gemeente, buurt)"""
    return _long_sql(wide, "year, gemeente, buurt", specs)


MOVES_SPECS_SQL: tuple[tuple[str, str, str, str], ...] = tuple(
    (f"moves.{kind}.{group}", "calendar", f"kind = '{kind}'", f"income = '{group}'")
    for kind in ("settlers", "leavers", "stayers")
    for group in ("laag", "midden_hoog", "onbekend")
)


def sql_moves(panel: Path) -> str:
    income = """CASE WHEN max(h.income_percentile) IS NULL THEN 'onbekend'
                     WHEN max(h.income_percentile) <= 40 THEN 'laag'
                     ELSE 'midden_hoog' END"""
    moves = f"""
        WITH here AS MATERIALIZED (
            SELECT person, CAST(year AS INTEGER) AS year, gemeente,
                   coalesce(buurt, '') AS buurt, household, income_percentile
            FROM {_scan(panel)}
        ),
        years AS (SELECT DISTINCT year + 1 AS year FROM here)
        SELECT h.year - 1 AS year, h.gemeente, h.buurt, 'settlers' AS kind, {income} AS income
        FROM here AS h SEMI JOIN years USING (year)
        LEFT JOIN here AS p ON p.person = h.person AND p.year = h.year - 1
        GROUP BY h.year, h.gemeente, h.buurt, h.household
        HAVING NOT coalesce(bool_or(p.gemeente = h.gemeente AND p.buurt = h.buurt), false)
        UNION ALL
        SELECT h.year, h.gemeente, h.buurt,
               CASE WHEN bool_or(n.gemeente = h.gemeente AND n.buurt = h.buurt)
                    THEN 'stayers' ELSE 'leavers' END AS kind,
               {income} AS income
        FROM here AS h
        LEFT JOIN here AS n ON n.person = h.person AND n.year = h.year + 1
        GROUP BY h.year, h.gemeente, h.buurt, h.household
        HAVING bool_or(n.person IS NOT NULL)"""
    wide = f"""(
        SELECT year, gemeente, nullif(buurt, '') AS buurt, {_counts(MOVES_SPECS_SQL)}
        FROM ({moves}) GROUP BY year, gemeente, buurt)"""
    return _long_sql(wide, "year, gemeente, buurt", MOVES_SPECS_SQL)


HOUSEHOLD_KERNELS = {"tabel1_households", "tabel1_income"}  # both read the households
SQL: dict[str, Callable[..., str]] = {
    "tabel1_persons": sql_tabel1_persons,
    "tabel1_households": sql_tabel1_households,
    "tabel1_income": sql_tabel1_income,
    "schoolweging_bands": sql_schoolweging_bands,
    "cohort_groep8": sql_cohort_groep8,
    "cohort_bijstand": sql_cohort_bijstand,
    "diploma_starters": sql_diploma_starters,
    "moves": sql_moves,
}


def run_sql(panel: Path, kernel: str, threads: int, limit: MemoryLimit | None = None) -> pa.Table:
    """The hand-written queries on a fresh DuckDB connection with ``threads`` threads (and
    the memory limit, if any)."""
    import duckdb

    names = list(KERNELS) if kernel == WHOLE else [kernel]
    config: dict[str, Any] = {"threads": threads}
    if limit is not None:
        limit.temp_dir.mkdir(parents=True, exist_ok=True)
        config |= {"memory_limit": limit.size, "temp_directory": str(limit.temp_dir)}
    connection = duckdb.connect(config=config)
    try:
        # as koers does in a whole run: the households aggregated once for both kernels
        shared = len(HOUSEHOLD_KERNELS & set(names)) > 1
        if shared:
            connection.execute(f"CREATE TEMPORARY TABLE households AS {_households_sql(panel)}")
        tables = [
            connection.sql(
                SQL[name](panel, "households")
                if shared and name in HOUSEHOLD_KERNELS
                else SQL[name](panel)
            ).to_arrow_table()
            for name in names
        ]
    finally:
        connection.close()
    return _leaf_table(pa.concat_tables([t.select(list(LEAF_SCHEMA.names)) for t in tables]))


def _leaf_table(table: pa.Table) -> pa.Table:
    table = table.select(list(LEAF_SCHEMA.names)).cast(LEAF_SCHEMA)
    return table.sort_by([(name, "ascending") for name in LEAF_KEY])


# --- pandas -----------------------------------------------------------------------------------

PANDAS_COLUMNS: dict[str, tuple[str, ...]] = {
    "tabel1_persons": (
        "year",
        "birth_year",
        "gemeente",
        "buurt",
        "sector",
        "study_year",
        "level",
        "diploma",
        "ref_taal",
        "parents_education",
        "early_leaver",
        "startkwalificatie",
        "education",
        "income_vs_minimum",
        "labour_force",
        "employed",
        "ref_rekenen",
        "advice",
        "test_advice",
        "advice_revised",
        "mbo_field",
        "education_weight",
        "benefit",
    ),
    "tabel1_households": (
        "year",
        "birth_year",
        "gemeente",
        "buurt",
        "household",
        "household_type",
        "household_position",
        "income_vs_minimum",
        "benefit",
    ),
    "tabel1_income": ("year", "gemeente", "buurt", "household", "household_income"),
    "schoolweging_bands": (
        "year",
        "birth_year",
        "gemeente",
        "buurt",
        "sector",
        "study_year",
        "level",
        "diploma",
        "ref_taal",
        "ref_rekenen",
        "advice",
        "test_advice",
        "advice_revised",
        "parents_education",
        "schoolweging",
    ),
    "cohort_groep8": (
        "person",
        "year",
        "birth_year",
        "gemeente",
        "buurt",
        "sector",
        "study_year",
        "level",
        "diploma",
        "advice",
        "startkwalificatie",
    ),
    "cohort_bijstand": ("person", "year", "gemeente", "buurt", "benefit", "employed"),
    "diploma_starters": (
        "person",
        "year",
        "gemeente",
        "buurt",
        "sector",
        "study_year",
        "diploma",
    ),
    "moves": ("person", "year", "gemeente", "buurt", "household", "income_percentile"),
}
# Bytes per row of a column as pandas holds it (strings as categorical codes; nullable
# int8 and int32 become float64).
PANDAS_BYTES = {
    "person": 8,
    "household": 8,
    "year": 2,
    "birth_year": 2,
    "study_year": 8,
    "school": 8,
    "schoolweging": 4,
    "household_income": 8,
    "income_vs_minimum": 4,
    "education_weight": 4,
    "income_percentile": 8,
}
STRING_COLUMNS = (
    "sex",
    "gemeente",
    "buurt",
    "household_type",
    "household_position",
    "sector",
    "level",
    "diploma",
    "ref_taal",
    "ref_rekenen",
    "advice",
    "education",
    "parents_education",
    "benefit",
    "test_advice",
    "advice_revised",
    "mbo_field",
)


def pandas_columns(kernel: str) -> tuple[str, ...]:
    if kernel != WHOLE:
        return PANDAS_COLUMNS[kernel]
    return tuple(dict.fromkeys(c for name in KERNELS for c in PANDAS_COLUMNS[name]))


def pandas_estimate_bytes(kernel: str, rows: int) -> int:
    """Estimated peak of the pandas version: rows × bytes of its columns × working copies."""
    per_row = sum(PANDAS_BYTES.get(column, 1) for column in pandas_columns(kernel))
    return int(rows * per_row * PANDAS_OVERHEAD)


def total_ram() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def pandas_fits(kernel: str, rows: int) -> bool:
    return pandas_estimate_bytes(kernel, rows) <= RAM_SHARE_FOR_PANDAS * total_ram()


def read_pandas(panel: Path, columns: Sequence[str]) -> Any:
    """The columns of the panel as a pandas DataFrame (strings as categoricals)."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    partitioning = ds.partitioning(pa.schema([("year", pa.int16())]), flavor="hive")
    table = pq.read_table(
        panel,
        columns=list(columns),
        partitioning=partitioning,
        read_dictionary=[c for c in columns if c in STRING_COLUMNS],
    )
    return table.to_pandas()


def _pd_period(year: Any, form: str) -> Any:
    text = year.astype("int32").astype(str)
    previous = (year.astype("int32") - 1).astype(str)
    if form == "calendar":
        return text
    if form == "school":
        return previous + "/" + text
    if form == "teldatum":
        return previous + "-10-01"
    return text + "-10-01"


def _pd_shares(
    keys: Any,
    specs: Sequence[tuple[str, str, Any, Any]],
    band: Any | None = None,
    weights: dict[str, Any] | None = None,
) -> pa.Table:
    """Leaf cells of several shares: ``keys`` (year, gemeente, buurt) and boolean masks;
    ``weights``: the weight per row of a weighted share, by measure."""
    import numpy as np
    import pandas as pd

    weights = weights or {}
    frame = keys.copy()
    frame["band"] = "" if band is None else band
    for i, (measure, _, population, numerator) in enumerate(specs):
        frame[f"n{i}"] = population & numerator
        frame[f"d{i}"] = population
        if measure in weights:
            weight = np.nan_to_num(np.asarray(weights[measure], dtype="float64"))
            frame[f"wn{i}"] = np.where(population & numerator, weight, 0.0)
            frame[f"wd{i}"] = np.where(population, weight, 0.0)
    wide = (
        frame.groupby(["year", "gemeente", "buurt", "band"], observed=True, dropna=False)
        .sum()
        .reset_index()
    )
    parts = []
    for i, (measure, form, _, _) in enumerate(specs):
        part = wide[wide[f"d{i}"] > 0]
        weighted = measure in weights
        parts.append(
            pd.DataFrame(
                {
                    "measure": measure,
                    "period": _pd_period(part["year"], form),
                    "gemeente": part["gemeente"].astype(str),
                    "buurt": part["buurt"].astype(object),
                    "band": part["band"].astype(object),
                    "numerator": part[f"n{i}"].astype("float64"),
                    "denominator": part[f"d{i}"].astype("int64"),
                    "weight_numerator": part[f"wn{i}"] if weighted else float("nan"),
                    "weight_denominator": part[f"wd{i}"] if weighted else float("nan"),
                }
            )
        )
    return _pd_leaf(pd.concat(parts, ignore_index=True))


def _pd_leaf(frame: Any) -> pa.Table:
    import pandas as pd

    frame = frame.copy()
    for name in ("buurt", "band"):
        column = frame[name].astype(object)
        frame[name] = column.where(column.notna() & (column != ""), None)
    for name in ("total", "top1", "top2", "low", "weight_numerator", "weight_denominator"):
        if name not in frame:
            frame[name] = pd.Series(float("nan"), index=frame.index, dtype="float64")
    table = pa.Table.from_pandas(frame[list(LEAF_SCHEMA.names)], preserve_index=False)
    return _leaf_table(table)


def _keys(df: Any) -> Any:
    return df[["year", "gemeente", "buurt"]]


def _pd_person_specs(df: Any) -> list[tuple[str, str, Any, Any]]:
    """The person shares as (measure, form, population, numerator) masks over ``df``."""
    import numpy as np

    age = df["year"].astype("int32") - df["birth_year"].astype("int32")
    sector, study_year = df["sector"], df["study_year"]
    po, vo = (sector == "po").to_numpy(), (sector == "vo").to_numpy()
    ref_taal = df["ref_taal"]
    groep8_all = po & (study_year == 8).to_numpy()
    groep8 = groep8_all & ref_taal.notna().to_numpy()
    vo_diploma = df["diploma"].isin(["vmbo", "havo", "vwo"]).to_numpy()
    diploma = df["diploma"]
    a1222 = age.between(12, 22).to_numpy()
    a1574 = age.between(15, 74).to_numpy()
    every = np.ones(len(df), dtype=bool)
    specs = [
        ("T1.R2", "calendar", every, (age < 27).to_numpy()),
        ("T1.R4", "teldatum", po, (df["parents_education"] == "laag").to_numpy()),
        ("T1.R5", "school", groep8, ref_taal.isin(["fundamenteel", "streef"]).to_numpy()),
        ("T1.R6", "school", groep8, (ref_taal == "streef").to_numpy()),
        (
            "T1.R7",
            "school",
            vo & (study_year == 3).to_numpy(),
            df["level"].isin(["havo", "vwo"]).to_numpy(),
        ),
        ("T1.R8", "school", vo, (df["level"] == "pro").to_numpy()),
        ("T1.R9", "school", vo_diploma, (diploma == "vwo").to_numpy()),
        ("T1.R10", "school", vo_diploma, (diploma == "havo").to_numpy()),
        ("T1.R11", "school", vo_diploma, (diploma == "vmbo").to_numpy()),
    ]
    if "early_leaver" in df:  # the rows that are not school rows (not in the band frame)
        ivm = df["income_vs_minimum"]
        labour_force = df["labour_force"]
        specs += [
            (
                "T1.R12",
                "school",
                a1222 & sector.isin(["vo", "mbo"]).to_numpy(),
                df["early_leaver"].to_numpy(),
            ),
            (
                "T1.R13",
                "october",
                age.between(18, 22).to_numpy(),
                df["startkwalificatie"].to_numpy(),
            ),
            (
                "T1.R14",
                "october",
                a1574
                & df["education"].notna().to_numpy()
                & df["education_weight"].notna().to_numpy(),
                df["education"].isin(["middelbaar", "hoog"]).to_numpy(),
            ),
            (
                "T1.R17",
                "calendar",
                (age < 18).to_numpy() & ivm.notna().to_numpy(),
                (ivm <= np.float32(1.1)).to_numpy(),
            ),
            (
                "T1.R20",
                "october",
                a1574 & labour_force.notna().to_numpy(),
                (labour_force == True).to_numpy() & ~df["employed"].to_numpy(),  # noqa: E712
            ),
        ]
    rekenen = df["ref_rekenen"]
    known_rekenen = groep8_all & rekenen.notna().to_numpy()
    specs += [
        (
            "ref.rekenen.fundamenteel",
            "school",
            known_rekenen,
            rekenen.isin(["fundamenteel", "streef"]).to_numpy(),
        ),
        ("ref.rekenen.streef", "school", known_rekenen, (rekenen == "streef").to_numpy()),
    ]
    ranks = {a: i for i, a in enumerate(("pro", "vmbo", "vmbo_havo", "havo", "havo_vwo", "vwo"))}
    advice = df["advice"].astype(object).map(ranks)
    test = df["test_advice"].astype(object).map(ranks)
    advised = groep8_all & advice.notna().to_numpy()
    tested = advised & test.notna().to_numpy()
    difference = (advice - test).to_numpy()
    specs += [
        ("advice.vs_test.above", "school", tested, difference > 0),
        ("advice.vs_test.equal", "school", tested, difference == 0),
        ("advice.vs_test.below", "school", tested, difference < 0),
        ("advice.revised", "school", advised, df["advice_revised"].notna().to_numpy()),
    ]
    if "mbo_field" in df:
        field = df["mbo_field"]
        known_field = field.notna().to_numpy()
        groups = {
            "techniek_haven": field.isin(["techniek", "haven_logistiek"]).to_numpy(),
            "zorg": (field == "zorg").to_numpy(),
            "overig": known_field & ~field.isin(["techniek", "haven_logistiek", "zorg"]).to_numpy(),
        }
        mbo = (sector == "mbo").to_numpy() & known_field
        mbo_diploma = diploma.isin(["mbo1", "mbo2", "mbo3", "mbo4"]).to_numpy() & known_field
        specs += [(f"mbo.field.{g}", "school", mbo, m) for g, m in groups.items()]
        specs += [(f"mbo.diploma_field.{g}", "school", mbo_diploma, m) for g, m in groups.items()]
        specs.append(
            (
                "work.jobless_benefit",
                "october",
                a1574,
                ~df["employed"].to_numpy() & df["benefit"].isin(["ww", "bijstand"]).to_numpy(),
            )
        )
    return specs


def pd_tabel1_persons(df: Any) -> pa.Table:
    weights = {"T1.R14": df["education_weight"].to_numpy()}
    return _pd_shares(_keys(df), _pd_person_specs(df), weights=weights)


def _pd_households(df: Any, columns: Sequence[str]) -> Any:
    """One row per (year, leaf, household) with the household flags the kernels need."""
    work = df[["year", "gemeente", "buurt", "household"]].copy()
    if "child" in columns:
        age = df["year"].astype("int32") - df["birth_year"].astype("int32")
        work["child"] = (df["household_position"] == "kind").to_numpy() & (age < 18).to_numpy()
        work["eenouder"] = (df["household_type"] == "eenouder").to_numpy()
        work["income_vs_minimum"] = df["income_vs_minimum"]
        work["any_benefit"] = df["benefit"].notna().to_numpy()
        work["bijstand_ww"] = df["benefit"].isin(["bijstand", "ww"]).to_numpy()
    if "income" in columns:
        work["income"] = df["household_income"]
    return (
        work.groupby(["year", "gemeente", "buurt", "household"], observed=True, dropna=False)
        .max()
        .reset_index()
    )


def pd_tabel1_households(df: Any, households: Any = None) -> pa.Table:
    import numpy as np

    if households is None:
        households = _pd_households(df, ["child"])
    ivm = households["income_vs_minimum"]
    every = np.ones(len(households), dtype=bool)
    specs = [
        ("T1.R3", "calendar", households["child"].to_numpy(), households["eenouder"].to_numpy()),
        ("T1.R16", "calendar", ivm.notna().to_numpy(), (ivm <= np.float32(1.1)).to_numpy()),
        ("T1.R18", "calendar", every, households["any_benefit"].to_numpy()),
        ("T1.R19", "calendar", every, households["bijstand_ww"].to_numpy()),
    ]
    return _pd_shares(_keys(households), specs)


def pd_tabel1_income(df: Any, households: Any = None) -> pa.Table:
    import pandas as pd

    if households is None:
        households = _pd_households(df, ["income"])
    households = households[households["income"].notna()]
    keys = ["year", "gemeente", "buurt"]
    grouped = households.groupby(keys, observed=True, dropna=False)["income"]
    # The two largest of each leaf: sort once, keep the first two rows per leaf.
    first_two = (
        households.sort_values("income", ascending=False)
        .groupby(keys, observed=True, dropna=False)
        .head(2)
        .groupby(keys, observed=True, dropna=False)["income"]
    )
    leaf = pd.DataFrame(
        {
            "numerator": grouped.sum(),
            "denominator": grouped.size(),
            "top1": grouped.max(),
            "top2": first_two.min(),
            "low": grouped.min(),
        }
    )
    # top2: the second largest of a leaf, or null when the leaf has one household.
    leaf.loc[leaf["denominator"] < 2, "top2"] = float("nan")
    leaf = leaf.reset_index()
    leaf["total"] = leaf["numerator"]
    leaf["measure"] = "T1.R15"
    leaf["period"] = _pd_period(leaf["year"], "calendar")
    leaf["gemeente"] = leaf["gemeente"].astype(str)
    leaf["band"] = None
    return _pd_leaf(leaf)


def pd_schoolweging_bands(df: Any) -> pa.Table:
    import numpy as np

    rows = df[df["schoolweging"].notna().to_numpy()]
    weging = rows["schoolweging"].astype("float64").clip(20, 40)
    low = np.minimum(np.floor(weging / 2) * 2, 38).astype("int64")
    band = low.astype(str) + "-" + (low + 2).astype(str)
    specs = [spec for spec in _pd_person_specs(rows) if spec[0] in SCHOOL_ROWS]
    return _pd_shares(_keys(rows), specs, band=band.to_numpy())


def pd_cohort_groep8(df: Any) -> pa.Table:
    import numpy as np

    cohort = df.loc[
        ((df["sector"] == "po") & (df["study_year"] == 8)).to_numpy(),
        ["person", "year", "gemeente", "buurt", "birth_year", "advice"],
    ].copy()
    cohort["year"] = cohort["year"].astype("int32")
    rows = df[df["person"].isin(cohort["person"].unique()).to_numpy()]
    year = rows["year"].astype("int32")
    follow = rows[["person"]].copy()
    follow["year3"] = year - 3
    follow["lj3"] = (
        (rows["sector"] == "vo") & (rows["study_year"] == 3) & rows["level"].isin(["havo", "vwo"])
    ).to_numpy()
    flows = cohort.merge(
        follow[["person", "year3", "lj3"]].rename(columns={"year3": "year"}),
        on=["person", "year"],
        how="left",
    )
    for k in (4, 7):
        seen = rows[["person"]].assign(year=year - k, **{f"seen{k}": True})
        flows = flows.merge(seen, on=["person", "year"], how="left")
    lj3_rows = ((rows["sector"] == "vo") & (rows["study_year"] == 3)).to_numpy()
    tracks = {"pro": 0, "vmbo": 1, "havo": 2, "vwo": 3}
    in_lj3 = rows[lj3_rows]
    for k in (3, 4):
        flows = flows.merge(
            in_lj3[["person"]].assign(
                year=year[lj3_rows] - k,
                **{f"track{k}": in_lj3["level"].astype(object).map(tracks).to_numpy()},
            ),
            on=["person", "year"],
            how="left",
        )
    diplomas = rows.loc[
        rows["diploma"].isin(["vmbo", "havo", "vwo"]).to_numpy(), ["person", "year", "diploma"]
    ]
    pairs = cohort[["person", "year"]].merge(
        diplomas.assign(
            diploma_year=diplomas["year"].astype("int32"),
            window=diplomas["diploma"].astype(object).map({"vmbo": 5, "havo": 6, "vwo": 7}),
            havo_vwo=diplomas["diploma"].isin(["havo", "vwo"]).to_numpy(),
        )[["person", "diploma_year", "window", "havo_vwo"]],
        on="person",
    )
    pairs = pairs[
        (pairs["diploma_year"] >= pairs["year"] + 1)
        & (pairs["diploma_year"] <= pairs["year"] + pairs["window"])
    ]
    by6 = pairs.groupby(["person", "year"]).agg(
        diplomas=("havo_vwo", "size"), havo_vwo=("havo_vwo", "max")
    )
    flows = flows.merge(by6.reset_index(), on=["person", "year"], how="left")
    at23 = rows.loc[(year - rows["birth_year"].astype("int32") == 23).to_numpy()]
    flows = flows.merge(
        at23[["person"]].assign(sk23=at23["startkwalificatie"].to_numpy()), on="person", how="left"
    )
    last_year = int(df["year"].max())
    need = cohort.groupby("year")["birth_year"].max().astype("int32") + 23
    complete = need[need <= last_year].index
    flows["complete_23"] = flows["year"].isin(complete)
    advice = flows["advice"]
    known = advice.notna().to_numpy()
    lj3 = flows["lj3"]
    seen = flows["seen7"].notna().to_numpy()
    sk23 = flows["sk23"]
    track = flows["track3"].fillna(flows["track4"])
    advice_track = advice.astype(object).map(
        {"pro": 0, "vmbo": 1, "vmbo_havo": 1, "havo": 2, "havo_vwo": 2, "vwo": 3}
    )
    streams = track.notna().to_numpy() & advice_track.notna().to_numpy()
    streams &= flows["seen4"].notna().to_numpy()
    specs = [
        *(
            (f"cohort.g8.advice.{a}", "school", known, (advice == a).to_numpy())
            for a in ("pro", "vmbo", "vmbo_havo", "havo", "havo_vwo", "vwo")
        ),
        ("cohort.g8.havo_vwo_lj3", "school", lj3.notna().to_numpy(), (lj3 == True).to_numpy()),  # noqa: E712
        ("cohort.g8.vo_diploma", "school", seen, (flows["diplomas"] > 0).to_numpy()),
        (
            "cohort.g8.havo_vwo_diploma",
            "school",
            seen,
            (flows["havo_vwo"] == True).to_numpy(),  # noqa: E712
        ),
        ("cohort.g8.afstroom", "school", streams, (track < advice_track).to_numpy()),
        (
            "cohort.g8.startkwalificatie_23",
            "school",
            sk23.notna().to_numpy() & flows["complete_23"].to_numpy(),
            (sk23 == True).to_numpy(),  # noqa: E712
        ),
    ]
    return _pd_shares(_keys(flows), [(m, f, np.asarray(p), np.asarray(n)) for m, f, p, n in specs])


def pd_cohort_bijstand(df: Any) -> pa.Table:
    year = df["year"].astype("int32")
    bijstand = df.loc[(df["benefit"] == "bijstand").to_numpy(), ["person", "gemeente", "buurt"]]
    bijstand = bijstand.assign(year=year[bijstand.index])
    previous = bijstand[["person"]].assign(year=bijstand["year"] + 1, before=True)
    inflow = bijstand.merge(previous, on=["person", "year"], how="left")
    inflow = inflow[inflow["before"].isna().to_numpy()]
    inflow = inflow[inflow["year"].isin(set(year.unique() + 1)).to_numpy()]
    rows = df[df["person"].isin(inflow["person"].unique()).to_numpy()]
    ryear = rows["year"].astype("int32")
    employed = rows["employed"].to_numpy()
    flows = inflow.merge(
        rows[["person"]].assign(year=ryear - 1, work1=employed), on=["person", "year"], how="left"
    ).merge(
        rows[["person"]].assign(year=ryear - 2, work2=employed), on=["person", "year"], how="left"
    )
    w1, w2 = flows["work1"], flows["work2"]
    seen1, seen2 = w1.notna().to_numpy(), w2.notna().to_numpy()
    one, two = (w1 == True).to_numpy(), (w2 == True).to_numpy()  # noqa: E712
    specs = [
        ("cohort.bijstand.work_y1", "calendar", seen1, one),
        ("cohort.bijstand.work_y2", "calendar", seen2, two),
        ("cohort.bijstand.sustained_y2", "calendar", seen1 & seen2, one & two),
    ]
    return _pd_shares(_keys(flows), specs)


def pd_diploma_starters(df: Any) -> pa.Table:
    year = df["year"].astype("int32")
    starting = (df["sector"].isin(["vo", "mbo", "ho"]) & (df["study_year"] == 1)).to_numpy()
    starts = df.loc[starting, ["person", "gemeente", "buurt"]].assign(
        year=year[starting].to_numpy(), sector=df.loc[starting, "sector"].astype(object)
    )
    # a repeated first year of the same sector is no new start
    before = starts[["person", "sector"]].assign(year=starts["year"] + 1, repeated=True)
    starts = starts.merge(before, on=["person", "year", "sector"], how="left")
    starts = starts[starts["repeated"].isna().to_numpy()]
    end = {"vo": 6, "mbo": 3, "ho": 4}
    rows = df[df["person"].isin(starts["person"].unique()).to_numpy()]
    seen = rows[["person"]].assign(f_year=rows["year"].astype("int32").to_numpy(), seen=True)
    starts = starts.assign(end=starts["year"] + starts["sector"].map(end))
    starts = starts.merge(seen.rename(columns={"f_year": "end"}), on=["person", "end"], how="left")
    windows = {"vmbo": 4, "havo": 5, "vwo": 6, "mbo1": 1, "mbo2": 2, "mbo3": 3, "mbo4": 3,
               "hbo": 4, "wo": 4}  # fmt: skip
    sector_of = {"vmbo": "vo", "havo": "vo", "vwo": "vo", "hbo": "ho", "wo": "ho"}
    got = rows[rows["diploma"].notna().to_numpy()]
    diplomas = got[["person"]].assign(
        f_year=got["year"].astype("int32").to_numpy(),
        window=got["diploma"].astype(object).map(windows).to_numpy(),
        sector=got["diploma"].astype(object).map(lambda d: sector_of.get(d, "mbo")).to_numpy(),
    )
    pairs = starts[["person", "year", "sector"]].merge(diplomas, on=["person", "sector"])
    pairs = pairs[
        (pairs["f_year"] >= pairs["year"]) & (pairs["f_year"] <= pairs["year"] + pairs["window"])
    ]
    passed = pairs[["person", "year"]].drop_duplicates().assign(passed=True)
    starts = starts.merge(passed, on=["person", "year"], how="left")
    specs = [
        (
            "diploma.all",
            "school",
            starts["seen"].notna().to_numpy(),
            starts["passed"].notna().to_numpy(),
        )
    ]
    return _pd_shares(_keys(starts), specs)


def pd_moves(df: Any) -> pa.Table:
    import numpy as np
    import pandas as pd

    here = pd.DataFrame(
        {
            "person": df["person"].to_numpy(),
            "year": df["year"].astype("int32").to_numpy(),
            "gemeente": df["gemeente"].astype(str).to_numpy(),
            "buurt": df["buurt"].astype(object).fillna("").to_numpy(),
            "household": df["household"].to_numpy(),
            "pct": df["income_percentile"].astype("float64").to_numpy(),
        }
    )
    keys = ["year", "gemeente", "buurt", "household"]

    def other(by: int, prefix: str) -> Any:
        return (
            here[["person", "year", "gemeente", "buurt"]]
            .assign(year=here["year"] + by)
            .rename(columns={"gemeente": f"{prefix}_gemeente", "buurt": f"{prefix}_buurt"})
        )

    def grouped(frame: Any, prefix: str) -> Any:
        frame = frame.assign(
            same=(frame[f"{prefix}_gemeente"] == frame["gemeente"]).to_numpy()
            & (frame[f"{prefix}_buurt"] == frame["buurt"]).to_numpy(),
            linked=frame[f"{prefix}_gemeente"].notna().to_numpy(),
        )
        return (
            frame.groupby(keys, dropna=False)
            .agg(same=("same", "max"), linked=("linked", "max"), pct=("pct", "max"))
            .reset_index()
        )

    years = set(here["year"].unique() + 1)
    arrived = grouped(
        here[here["year"].isin(years).to_numpy()].merge(
            other(1, "p"), on=["person", "year"], how="left"
        ),
        "p",
    )
    arrived = arrived[~arrived["same"].to_numpy()].assign(
        year=lambda f: f["year"] - 1, kind="settlers"
    )
    departed = grouped(here.merge(other(-1, "n"), on=["person", "year"], how="left"), "n")
    departed = departed[departed["linked"].to_numpy()]
    departed = departed.assign(kind=np.where(departed["same"], "stayers", "leavers"))
    households = pd.concat([arrived, departed], ignore_index=True)
    pct = households["pct"]
    income = np.where(pct.isna(), "onbekend", np.where(pct <= 40, "laag", "midden_hoog"))
    kind = households["kind"].to_numpy()
    specs = [
        (f"moves.{k}.{g}", "calendar", kind == k, income == g)
        for k in ("settlers", "leavers", "stayers")
        for g in ("laag", "midden_hoog", "onbekend")
    ]
    return _pd_shares(_keys(households), specs)


PANDAS: dict[str, Callable[..., pa.Table]] = {
    "tabel1_persons": pd_tabel1_persons,
    "tabel1_households": pd_tabel1_households,
    "tabel1_income": pd_tabel1_income,
    "schoolweging_bands": pd_schoolweging_bands,
    "cohort_groep8": pd_cohort_groep8,
    "cohort_bijstand": pd_cohort_bijstand,
    "diploma_starters": pd_diploma_starters,
    "moves": pd_moves,
}


def run_pandas(
    panel: Path, kernel: str, threads: int, limit: MemoryLimit | None = None
) -> pa.Table:
    """Plain pandas: read the columns the kernel(s) need once, then the kernel function(s)."""
    del threads, limit  # pandas computes on one thread (pyarrow reads with its own pool)
    df = read_pandas(panel, pandas_columns(kernel))
    names = list(KERNELS) if kernel == WHOLE else [kernel]
    # as koers does in a whole run: the households aggregated once for both kernels
    households = None
    if len(HOUSEHOLD_KERNELS & set(names)) > 1:
        households = _pd_households(df, ["child", "income"])
    return _leaf_table(
        pa.concat_tables(
            [
                PANDAS[name](df, households) if name in HOUSEHOLD_KERNELS else PANDAS[name](df)
                for name in names
            ]
        )
    )


PRELOAD = {
    # the engine and Narwhals' modules for it and for Arrow, which it imports on first use
    "koers": (
        "duckdb",
        "narwhals._duckdb.dataframe",
        "narwhals._duckdb.namespace",
        "narwhals._duckdb.group_by",
        "narwhals._duckdb.selectors",
        "narwhals.group_by",
        "narwhals._arrow.dataframe",
        "koers.basismonitor.engines",
        "koers.basismonitor.kernels",
    ),
    "sql": ("duckdb",),
    "pandas": ("pandas", "pyarrow.parquet"),
}
RUNNERS: dict[str, Callable[..., pa.Table]] = {
    "koers": run_koers,
    "sql": run_sql,
    "pandas": run_pandas,
}


def run_all(panel: Path, threads: int = 2) -> dict[str, pa.Table]:
    """The whole run of every implementation in this process (tests, ``--check``)."""
    return {name: runner(panel, WHOLE, threads) for name, runner in RUNNERS.items()}


# --- comparing results ----------------------------------------------------------------------


def first_difference(expected: pa.Table, actual: pa.Table) -> str | None:
    """None when the tables hold the same leaf cells, else a description of the first."""
    expected, actual = _leaf_table(expected), _leaf_table(actual)
    left, right = expected.to_pylist(), actual.to_pylist()
    for i, (a, b) in enumerate(zip(left, right, strict=False)):
        key_a, key_b = tuple(a[k] for k in LEAF_KEY), tuple(b[k] for k in LEAF_KEY)
        if key_a != key_b:
            return f"row {i}: cell {key_a} against {key_b}"
        for name in LEAF_COLUMNS[len(LEAF_KEY) :]:  # the values, after the key
            x, y = a[name], b[name]
            if x is None or y is None:
                same = x is None and y is None
            elif a["measure"] == "T1.R15":
                same = math.isclose(x, y, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
            else:
                same = x == y
            if not same:
                return f"cell {key_a}: {name} {x!r} against {y!r}"
    if len(left) != len(right):
        shorter, longer = (left, right) if len(left) < len(right) else (right, left)
        extra = longer[len(shorter)]
        return f"{len(left)} cells against {len(right)}; first extra cell " + str(
            tuple(extra[k] for k in LEAF_KEY)
        )
    return None


def compare_all(tables: dict[str, pa.Table]) -> str | None:
    """Every implementation against koers; the first difference, or None."""
    reference = tables["koers"]
    for name, table in tables.items():
        if name == "koers":
            continue
        difference = first_difference(reference, table)
        if difference is not None:
            return f"{name} differs from koers: {difference}"
    return None


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Measurement:
    seconds: float | None  # None: not run
    peak_mb: float | None
    note: str = ""


def child(
    implementation: str,
    kernel: str,
    panel: Path,
    threads: int,
    out: Path | None,
    limit: MemoryLimit | None = None,
) -> None:
    """Run one measurement in this (fresh) process; print a JSON line with time and peak.

    The implementation's libraries are imported before the clock starts: the measurement is
    the work on the panel, not the interpreter loading modules (about 0,4 s for koers with
    Narwhals, 0,5 s for pandas, 0,1 s for DuckDB alone).
    """
    for module in PRELOAD[implementation]:
        importlib.import_module(module)
    started = time.perf_counter()
    table = RUNNERS[implementation](panel, kernel, threads, limit)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if out is not None:
        import pyarrow.parquet as pq

        pq.write_table(table, out)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "cells": table.num_rows}))


def measure(
    implementation: str,
    kernel: str,
    panel: Path,
    threads: int,
    repeat: int,
    out: Path | None = None,
    limit: MemoryLimit | None = None,
) -> Measurement:
    """Best wall time of ``repeat`` fresh processes, and the largest peak memory."""
    times: list[float] = []
    peaks: list[float] = []
    for attempt in range(repeat):
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            implementation,
            kernel,
            str(panel),
            "--threads",
            str(threads),
        ]
        if out is not None and attempt == 0:
            command += ["--out", str(out)]
        if limit is not None:
            command += ["--memory-limit", limit.size, "--temp-dir", str(limit.temp_dir)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = (done.stderr.strip().splitlines() or ["?"])[-1]
            return Measurement(None, None, f"failed: {tail[:60]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        times.append(result["seconds"])
        peaks.append(result["peak_mb"])
    return Measurement(min(times), max(peaks))


@dataclass
class Row:
    size: str
    rows: int
    kernel: str
    implementation: str
    result: Measurement


def _ratio(a: float | None, b: float | None) -> str:
    return "" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def print_table(rows: Sequence[Row]) -> None:
    header = ("size", "indicator", "implementation", "wall s", "M rows/s", "peak MB", "× SQL")
    header += ("× pandas",)
    lines: list[tuple[str, ...]] = []
    by_key = {(r.size, r.kernel, r.implementation): r.result for r in rows}
    for r in rows:
        m = r.result
        sql = by_key.get((r.size, r.kernel, "sql"))
        pandas = by_key.get((r.size, r.kernel, "pandas"))
        if m.seconds is None:
            lines.append((r.size, r.kernel, r.implementation, m.note, "", "", "", ""))
            continue
        lines.append(
            (
                r.size,
                r.kernel,
                r.implementation,
                f"{m.seconds:.2f}",
                f"{r.rows / m.seconds / 1e6:.1f}",
                f"{m.peak_mb:,.0f}" if m.peak_mb is not None else "",
                _ratio(m.seconds, sql.seconds if sql else None),
                _ratio(m.seconds, pandas.seconds if pandas else None),
            )
        )
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    left = {0, 1, 2}

    def fmt(line: tuple[str, ...]) -> str:
        cells = (
            cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        )
        return "  ".join(cells).rstrip()

    print(fmt(header))
    print("  ".join("-" * w for w in widths))
    previous = None
    for row, line in zip(rows, lines, strict=True):
        if previous is not None and (row.size, row.kernel) != previous:
            print()
        previous = (row.size, row.kernel)
        print(fmt(line))


def verdict(rows: Sequence[Row]) -> list[str]:
    """One line per target: met / NOT met, with the numbers behind it."""
    by_key = {(r.size, r.kernel, r.implementation): r.result for r in rows}
    sizes = list(dict.fromkeys(r.size for r in rows))
    lines: list[str] = []

    def seconds(size: str, kernel: str, implementation: str) -> float | None:
        m = by_key.get((size, kernel, implementation))
        return None if m is None else m.seconds

    ratios = {
        size: (seconds(size, WHOLE, "koers") or math.nan)
        / (seconds(size, WHOLE, "sql") or math.nan)
        for size in sizes
    }
    worst = max(ratios.values(), default=math.nan)
    detail = ", ".join(f"{size} {ratio:.2f}×" for size, ratio in ratios.items())
    ok = worst <= TARGET_SQL_RATIO
    lines.append(
        f"[{'met' if ok else 'NOT met'}] whole run within {TARGET_SQL_RATIO}× of hand SQL: {detail}"
    )

    slower = []
    compared = 0
    for size in sizes:
        for kernel in [*KERNELS, WHOLE]:
            k, p = seconds(size, kernel, "koers"), seconds(size, kernel, "pandas")
            if k is None or p is None:
                continue
            compared += 1
            if k > p:
                slower.append(f"{size} {kernel} ({k:.2f} s against {p:.2f} s)")
    text = "; ".join(slower) if slower else f"koers faster on all {compared} comparisons"
    lines.append(f"[{'met' if not slower else 'NOT met'}] never slower than pandas: {text}")

    speedups = {}
    for size in sizes:
        k, p = seconds(size, WHOLE, "koers"), seconds(size, WHOLE, "pandas")
        if k is not None and p is not None:
            speedups[size] = p / k
    if speedups:
        least = min(speedups.values())
        detail = ", ".join(f"{size} {s:.1f}×" for size, s in speedups.items())
        ok = least >= TARGET_PANDAS_SPEEDUP
        lines.append(
            f"[{'met' if ok else 'NOT met'}] whole run ≥ {TARGET_PANDAS_SPEEDUP:.0f}× faster than "
            f"pandas where pandas fits: {detail}"
        )
    else:
        lines.append("[n/a] whole run against pandas: pandas did not run at any size")

    if "210M" in sizes:
        peaks = [
            (r.implementation, r.kernel, r.result.peak_mb)
            for r in rows
            if r.size == "210M" and r.implementation == "koers" and r.result.peak_mb is not None
        ]
        top = max(peaks, key=lambda p: p[2] or 0.0, default=None)
        if top is None:
            lines.append("[NOT met] 210M peak memory < 16 GB: koers did not complete at 210M")
        else:
            ok = (top[2] or 0.0) < TARGET_PEAK_MB
            lines.append(
                f"[{'met' if ok else 'NOT met'}] 210M peak memory < 16 GB: koers at most "
                f"{top[2]:,.0f} MB ({top[1]})"
            )
    else:
        lines.append("[not run] 210M peak memory < 16 GB: run with --full")
    return lines


# --- main -------------------------------------------------------------------------------------


def _parse_size(text: str) -> tuple[str, int]:
    label = text.strip().upper()
    if label in SIZES:
        return label, SIZES[label]
    number = float(label.rstrip("M")) * (1_000_000 if label.endswith("M") else 1)
    return label, int(number)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1M,10M,50M", help="person-years, e.g. 1M,10M,50M")
    parser.add_argument("--full", action="store_true", help="add 210M person-years")
    parser.add_argument("--data", type=Path, default=None, help="panel cache directory")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--check", action="store_true", help="compare results at every size")
    parser.add_argument("--repeat", type=int, default=None, help="runs per measurement")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--kernels", default=None, help="comma-separated subset (default all)")
    parser.add_argument("--implementations", default=",".join(IMPLEMENTATIONS))
    parser.add_argument("--child", nargs=3, metavar=("IMPL", "KERNEL", "PANEL"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--memory-limit", default=None, help="DuckDB's limit, e.g. 8GB")
    parser.add_argument("--temp-dir", type=Path, default=None, help="where DuckDB spills")
    args = parser.parse_args(argv)

    data = args.data or Path(os.environ.get("KOERS_BENCH_DIR", "/tmp/koers-bench"))
    limit = None
    if args.memory_limit:
        limit = MemoryLimit(args.memory_limit, args.temp_dir or data / "spill")
    if args.child:
        implementation, kernel, panel = args.child
        child(implementation, kernel, Path(panel), args.threads, args.out, limit)
        return 0

    sizes = [_parse_size(s) for s in args.sizes.split(",") if s.strip()]
    if args.full and all(label != "210M" for label, _ in sizes):
        sizes.append(("210M", SIZES["210M"]))
    sizes.sort(key=lambda s: s[1])
    kernel_names = list(KERNELS) if args.kernels is None else args.kernels.split(",")
    implementations = [i for i in args.implementations.split(",") if i]

    print(f"panels in {data} (scope nl, {YEARS} years, seed {args.seed}); ", end="")
    print(f"{args.threads} threads, {os.cpu_count()} cores, {total_ram() / 2**30:.0f} GB RAM")
    if limit is not None:
        print(f"DuckDB memory limit {limit.size} for koers and sql, spilling into {limit.temp_dir}")
    panels: list[PanelInfo] = []
    for label, person_years in sizes:
        info = ensure_panel(data, label, person_years, args.seed, args.workers)
        rows = count_rows(info.path)
        how = "generated now" if info.generated_now else "cached; generated earlier"
        print(
            f"  {label:>5}: {info.persons:>10,} persons, {rows:>11,} person-years "
            f"({how} in {info.generation_seconds:.1f} s)"
        )
        panels.append(
            PanelInfo(label, info.path, info.persons, rows, info.generation_seconds, False)
        )
    print()

    results: list[Row] = []
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        for index, info in enumerate(panels):
            repeat = args.repeat or (1 if info.rows >= 50_000_000 else 3)
            check = args.check or index == 0
            outs: dict[str, Path] = {}
            for kernel in [*kernel_names, WHOLE]:
                for implementation in implementations:
                    if implementation == "pandas" and not pandas_fits(kernel, info.rows):
                        need = pandas_estimate_bytes(kernel, info.rows) / 2**30
                        note = f"past memory (~{need:.0f} GB est.)"
                        results.append(
                            Row(info.label, info.rows, kernel, implementation,
                                Measurement(None, None, note))
                        )  # fmt: skip
                        continue
                    out = None
                    if check and kernel == WHOLE:
                        out = Path(scratch) / f"{info.label}-{implementation}.parquet"
                        outs[implementation] = out
                    result = measure(
                        implementation, kernel, info.path, args.threads, repeat, out, limit
                    )
                    print(
                        f"  {info.label} {kernel} {implementation}: "
                        + (f"{result.seconds:.2f} s, {result.peak_mb:,.0f} MB"
                           if result.seconds is not None else result.note),
                        flush=True,
                    )  # fmt: skip
                    results.append(Row(info.label, info.rows, kernel, implementation, result))
            if check:
                import pyarrow.parquet as pq

                tables = {name: pq.read_table(path) for name, path in outs.items() if path.exists()}
                if "koers" in tables and len(tables) > 1:
                    difference = compare_all(tables)
                    names = ", ".join(tables)
                    if difference is None:
                        print(f"  {info.label}: results of {names}: identical")
                    else:
                        print(f"  {info.label}: results DIFFER: {difference}")
                        failed = True
    print()
    print_table(results)
    print()
    for line in verdict(results):
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
