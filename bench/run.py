"""Every benchmark of the issue "Reliability, security and performance, proven" in one table.

    .venv/bin/python bench/run.py            # Basismonitor 1M,10M,50M; load 60 s, 50 clients
    .venv/bin/python bench/run.py --full     # and the Basismonitor's 210M panel
    .venv/bin/python bench/run.py --quick    # Basismonitor 1M, load 5 s, one repetition
    .venv/bin/python bench/run.py --only plan-status,cbs-import --markdown

One row (or a few) per area, each koers against a reference measured in the same run on the
same machine, with the ratio koers ÷ reference (of seconds, milliseconds, requests per second
or megabytes: what the row says) and the issue's target where it sets one. The machine
(cores, CPU, RAM, load average before and after) is printed above the table, because others
may share it. ``--markdown`` prints the table for the README (Dutch decimal comma either way).

Areas and their references (the floor of the same job, so the ratio is koers's own cost)
    cli-start
        The wall time of a whole command in a fresh process, as a user waits for it:
        ``koers --help`` (target at most 0,3 s) and ``koers status`` on the NPRZ store, its
        table written to /dev/null (target at most 0,8 s), each the median of ``--repeat``
        runs (at least 5). Reference: ``python -c pass`` in the same way, the start of the
        interpreter itself.
    plan-status
        koers: what ``koers status`` does short of printing: open the store, read the plan
        and the current observations, ``evaluate`` every indicator (target area, group
        values derived from members, trajectory, status, Dutch explanation). Reference: one
        SQLite query on the same store file picking the latest applied value per indicator
        and area, the least any status needs; the run checks that it picks the very values
        koers reads. The store is the NPRZ plan with its figures, made by ``koers load``
        (``load.load_store``).
    report
        ``reports.measure``: the full set (Deel I, Deel II, 15 wijken; HTML and PDF) as
        ``koers report`` builds it on the NPRZ store, in a fresh process with the PDFs in
        parallel processes, against the same documents with their PDFs laid out one after
        another. Target: at most 30 s.
    cbs-import
        ``import_file`` of every real CBS file in ``shared/data/external/cbs_kwb`` (KWB 2017
        and 2019, Wijk- en Buurtkaart 2024; ``$KOERS_SHARED`` or ``../shared`` as the tests
        find it) into a fresh SQLite store holding the CBS importer's test plan
        (``tests/fixtures/cbs/plan``, the one plan that maps all seven files; the NPRZ plan
        maps one column of the 2024 files). Reference: pandas ``read_csv`` (the OData file
        through ``json``) of the same files, the mapped columns melted to long rows and bulk
        inserted into a fresh SQLite file in one transaction: reading and storing the same
        figures without checking, mapping areas or keeping history.
    kwb-import
        ``kwb.py``: a national KWB workbook as CBS publishes it (about 17 000 rows × 120
        columns, numbers as text cells, some ``.``; generated once with openpyxl into
        ``--data``, ``$KOERS_BENCH_DIR`` or /tmp/koers-bench, as the panels) imported with
        ``import_file`` into a fresh SQLite store whose plan maps ten of its columns
        (Rotterdam's wijken and buurten, Zuid as a group of buurten, the G4 cities, NL),
        each side in a fresh process with its peak memory. Reference: python-calamine
        reading the same sheet into Python rows, the fastest plain reader. Targets: at most
        60 s, at most 2× the reference, peak memory at most 2 GB.
    load
        ``load.py``'s wrk run (50 clients over 11 public pages and API paths) against
        ``koers serve --workers 2`` on the NPRZ store, against the same run on a bare ASGI
        app under the same uvicorn settings replaying the bytes koers gave for each path
        (``load.pages_app``): the speed limit of the server stack here. Target: p95 at most
        150 ms and 0 errors.
    big-store
        ``bigstore.py``: a store of 100 000 figures (the NPRZ plan, every indicator for the
        wijken and the groups over 25 years, schoolweging bands and partners' contributions
        among them), then ``koers status`` on it in a fresh process (median of at least 5;
        target at most 1,5 s of wall time; reference ``python -c pass``) and the load row's
        wrk run on it (target p95 at most 150 ms, 0 errors; reference the bare ASGI app
        replaying koers's bytes).
    basismonitor
        The whole run (every kernel) of ``bench/basismonitor.py`` at each size, through its
        own functions: ``ensure_panel`` (its panel cache, ``$KOERS_BENCH_DIR``) and
        ``measure``, which runs each implementation in a fresh ``basismonitor.py --child``
        process and reports its wall time and peak RSS. koers against hand-written DuckDB
        SQL (target ≤ 1,25×) and plain pandas (target: 3× faster, ratio ≤ 0,33×), results
        checked identical on the smallest size; with ``--full`` the 210M panel's peak
        memory (target < 16 GB). From 10M person-years up, the whole run once more for koers
        and the SQL under the same DuckDB memory limit (``--memory-limit``, default 8GB, as
        on CBS's machines): targets ≤ 1,25× the SQL and a peak of at most 8 GB. Functions
        rather than its command line, because the command always times every kernel as well
        and prints text only.

How it is measured
    plan-status and cbs-import run in this process, best of ``--repeat`` after one untimed
    warm-up of each side (so neither pays for first imports); every cbs-import run gets a
    fresh store. The report build runs once (it takes tens of seconds). Load runs wrk once
    per server, after a discarded 3-second run that fills every worker's page cache (koers's
    cache is per process). Basismonitor repeats as ``basismonitor.py`` does (3 below 50M
    person-years, 1 from 50M) unless ``--repeat`` is given. ``--quick`` is one repetition,
    the 1M panel and 5 s of load: for development and the smoke test, not for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import basismonitor as bm
import bigstore
import kwb
import load
import reports

from koers.areas import Observation
from koers.assess import evaluate
from koers.nl import number
from koers.plan import Plan, load_plan
from koers.sources import import_file
from koers.store import Store

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
CBS_PLAN = ROOT / "tests" / "fixtures" / "cbs" / "plan"
AREAS = (
    "cli-start",
    "plan-status",
    "report",
    "cbs-import",
    "kwb-import",
    "load",
    "basismonitor",
    "big-store",
)
HELP_TARGET = 0.3  # seconds of wall time for `koers --help`
STATUS_TARGET = 0.8  # seconds of wall time for `koers status` on the NPRZ plan
DEFAULT_SIZES = "1M,10M,50M"
# Current value per key (highest revision of an applied batch), then the latest period per
# indicator and area: the same choice koers makes, without a plan.
LATEST_SQL = """
SELECT indicator_id, area_id, period, value FROM (
  SELECT o.indicator_id, o.area_id, o.period, o.value, row_number() OVER (
    PARTITION BY o.indicator_id, o.area_id ORDER BY o.period DESC, o.revision DESC) AS pick
  FROM observations o JOIN import_batches b ON b.id = o.batch_id
  WHERE o.programme_id = ? AND b.state = 'applied'
) WHERE pick = 1
"""


@dataclass(frozen=True)
class Row:
    area: str
    what: str
    koers: str
    reference: str
    reference_is: str
    ratio: str = ""
    target: str = "—"
    met: str = "—"


HEADER = Row("area", "what", "koers", "reference", "reference is", "ratio", "target", "met?")


@dataclass
class Context:
    args: argparse.Namespace
    work: Path
    _store: str | None = None

    def nprz_store(self) -> str:
        """The NPRZ store (plan and figures), made once for plan-status and load."""
        if self._store is None:
            self._store = load.load_store(self.work)
        return self._store


# --- formatting -------------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{number(value, 3 if value < 1 else 2)} s"


def ratio(koers: float, reference: float) -> str:
    return f"{number(koers / reference, 2)}×" if reference > 0 else ""


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


def timed(run: Callable[[], T]) -> Callable[[], tuple[float, T]]:
    """``run`` timed as a whole."""

    def wrapper() -> tuple[float, T]:
        start = time.perf_counter()
        result = run()
        return time.perf_counter() - start, result

    return wrapper


def best(run: Callable[[], tuple[float, T]], repeat: int) -> tuple[float, T]:
    """Best of ``repeat`` runs (each returns its own time) after one untimed warm-up."""
    run()
    runs = [run() for _ in range(repeat)]
    return min(took for took, _ in runs), runs[-1][1]


# --- plan status ------------------------------------------------------------------------------


Latest = dict[tuple[str, str], tuple[str, float | None]]


def koers_status(url: str) -> tuple[int, list[Observation]]:
    """``koers status`` without the printing: (indicators assessed, observations read)."""
    with Store.open(url) as store:
        pid = store.resolve_programme(None)
        plan = store.plan(pid)
        observations = store.observations(pid)
        return len(evaluate(plan, observations)), observations


def latest_values(url: str) -> Latest:
    """The reference: one query for the latest value per indicator and area."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
        (programme,) = con.execute("SELECT id FROM programmes").fetchone()
        rows = con.execute(LATEST_SQL, (programme,)).fetchall()
    return {(indicator, area): (period, value) for indicator, area, period, value in rows}


def plan_status(context: Context) -> list[Row]:
    url = context.nprz_store()
    repeat = context.args.repeat
    koers, (indicators, observations) = best(timed(lambda: koers_status(url)), repeat)
    reference, picked = best(timed(lambda: latest_values(url)), repeat)
    # the reference must find the values koers judges, or its time means nothing
    expected: Latest = {}
    for o in sorted(observations, key=lambda o: o.period):
        expected[(o.indicator, o.area)] = (o.period, o.value)
    same = "the values koers reads" if picked == expected else "values DIFFER from koers's"
    return [
        Row(
            "plan status",
            f"status of all {indicators} NPRZ indicators from the store "
            f"({len(observations)} observations)",
            seconds(koers),
            seconds(reference),
            f"one SQLite query: latest value per indicator and area ({len(picked)}, {same})",
            ratio(koers, reference),
        )
    ]


# --- command line start -----------------------------------------------------------------------


def cli_start(context: Context) -> list[Row]:
    runs = max(5, context.args.repeat)
    koers = str(Path(sys.executable).with_name("koers"))
    env = {**os.environ, "KOERS_DB": context.nprz_store()}
    python = bigstore.wall([sys.executable, "-c", "pass"], runs)
    help_time = bigstore.wall([koers, "--help"], runs)
    status_time = bigstore.wall([koers, "status"], runs, env)
    reference = f"python -c pass (median of {runs} runs)"
    return [
        Row(
            "command line",
            "koers --help, wall",
            seconds(help_time),
            seconds(python),
            reference,
            ratio(help_time, python),
            f"≤ {number(HELP_TARGET, 1)} s",
            verdict(help_time <= HELP_TARGET),
        ),
        Row(
            "command line",
            "koers status on the NPRZ plan, wall",
            seconds(status_time),
            seconds(python),
            reference,
            ratio(status_time, python),
            f"≤ {number(STATUS_TARGET, 1)} s",
            verdict(status_time <= STATUS_TARGET),
        ),
    ]


# --- report build -----------------------------------------------------------------------------


def report(context: Context) -> list[Row]:
    t = reports.measure(context.nprz_store())
    return [
        Row(
            "report build",
            f"`koers report`: full set, {t.documents} documents HTML + PDF, "
            f"{t.processes} PDF processes (HTML only: {seconds(t.html_only)})",
            seconds(t.koers),
            seconds(t.one_after_another),
            "the same documents, PDFs one after another",
            ratio(t.koers, t.one_after_another),
            f"≤ {number(reports.TARGET_SECONDS)} s",
            verdict(t.koers <= reports.TARGET_SECONDS),
        )
    ]


# --- CBS import -------------------------------------------------------------------------------


def cbs_files() -> list[Path]:
    shared = Path(os.environ.get("KOERS_SHARED", ROOT.parent / "shared"))
    return sorted((shared / "data" / "external" / "cbs_kwb").glob("cbs_*"))


TIED = {
    "cbs_kwb_2017_rotterdam_odata_extract.json": "cbs-kwb-2017",
    "cbs_kwb_2017_rotterdam_selection.csv": "cbs-kwb-2017",
}
"""Files two mappings of the CBS test plan fit (with and without its crosswalk) and that state
no period to choose by: named, as a user would with ``--mapping``."""


def koers_import(files: Sequence[Path], plan: Plan, folder: Path) -> tuple[float, int]:
    """Every file into a fresh store: (seconds of the imports alone, rows stored)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    with Store.open(f"sqlite:///{folder / 'koers.db'}") as store:
        store.save_plan(plan)
        start = time.perf_counter()
        stored = 0
        for path in files:
            batch = import_file(store, path, mapping=TIED.get(path.name)).batch
            stored += batch.rows if batch is not None else 0
        return time.perf_counter() - start, stored


def pandas_import(files: Sequence[Path], columns: set[str], db: Path) -> int:
    """The reference: read each file, melt its mapped columns, bulk insert; rows stored."""
    import pandas as pd

    db.unlink(missing_ok=True)
    stored = 0
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE figures (file TEXT, code TEXT, variable TEXT, value REAL)")
        for path in files:
            if path.suffix == ".json":
                data = json.loads(path.read_text(encoding="utf-8-sig"))["value"]
                frame = pd.DataFrame.from_dict(data, orient="index").astype(str)
            else:
                frame = pd.read_csv(path, dtype=str)
            # the region code column: the first whose every value is a CBS code
            code = next(
                c
                for c in frame.columns
                if frame[c].str.strip().str.fullmatch(r"(NL|GM|WK|BU)\d+").all()
            )
            kept = [c for c in frame.columns if c in columns]
            long = frame.melt(id_vars=[code], value_vars=kept)
            text = long["value"].str.strip().str.replace(",", ".", regex=False)
            values = pd.to_numeric(text, errors="coerce").astype(object)
            records = zip(
                [path.name] * len(long),
                long[code].str.strip(),
                long["variable"],
                values.where(values.notna(), None),
                strict=True,
            )
            stored += con.executemany("INSERT INTO figures VALUES (?, ?, ?, ?)", records).rowcount
    return stored


def cbs_import(context: Context) -> list[Row]:
    files = cbs_files()
    if not files:
        raise FileNotFoundError("no CBS files: set KOERS_SHARED to the folder holding data/")
    plan = load_plan(CBS_PLAN)
    columns = {
        name
        for mapping in plan.mappings
        if mapping.format == "cbs"
        for c in mapping.columns
        for name in (c.column, c.numerator, c.denominator)
        if name
    }
    repeat = context.args.repeat
    koers, rows = best(lambda: koers_import(files, plan, context.work / "cbs"), repeat)
    floor = timed(lambda: pandas_import(files, columns, context.work / "cbs-floor.db"))
    reference, floor_rows = best(floor, repeat)
    return [
        Row(
            "CBS import",
            f"{len(files)} real CBS files into a fresh store ({number(rows)} figures)",
            seconds(koers),
            seconds(reference),
            f"pandas read_csv + SQLite bulk insert ({number(floor_rows)} rows)",
            ratio(koers, reference),
        )
    ]


def kwb_import(context: Context) -> list[Row]:
    path = kwb.workbook(context.args.data or kwb.DATA)
    work = context.work / "kwb"
    work.mkdir(exist_ok=True)
    koers = kwb.measure("koers", path, work, context.args.repeat)
    floor = kwb.measure("calamine", path, work, context.args.repeat)
    size = f"{number(floor.rows)} rows × {len(kwb.DESCRIPTIVE) + len(kwb.MEASURES)} columns"
    return [
        Row(
            "KWB import",
            f"national KWB workbook ({size}, xlsx) into a fresh store, 10 columns mapped "
            f"({number(koers.rows)} figures)",
            seconds(koers.seconds),
            seconds(floor.seconds),
            "python-calamine: the sheet into Python rows",
            ratio(koers.seconds, floor.seconds),
            f"≤ {number(kwb.TARGET_SECONDS)} s, ≤ {number(kwb.TARGET_RATIO)}×",
            verdict(
                koers.seconds <= kwb.TARGET_SECONDS
                and koers.seconds <= kwb.TARGET_RATIO * floor.seconds
            ),
        ),
        Row(
            "KWB import",
            "peak memory of the process",
            f"{number(koers.peak_mb)} MB",
            f"{number(floor.peak_mb)} MB",
            "python-calamine: the sheet into Python rows",
            ratio(koers.peak_mb, floor.peak_mb),
            f"≤ {number(kwb.TARGET_PEAK_MB)} MB",
            verdict(koers.peak_mb <= kwb.TARGET_PEAK_MB),
        ),
    ]


# --- page latency under load ------------------------------------------------------------------


def page_load(context: Context) -> list[Row]:
    args = context.args
    url = context.nprz_store()
    pages = context.work / "pages.json"
    with load.koers_server(url, args.workers) as base:
        koers = load.run_wrk(base, args.seconds, args.clients, context.work)
        load.save_pages(base, pages)
    with load.pages_server(pages, args.workers) as base:
        reference = load.run_wrk(base, args.seconds, args.clients, context.work)
    run = f"{args.clients} clients × {args.seconds} s"
    stack = "bare ASGI app replaying koers's bytes, same uvicorn"

    def rate(found: dict[str, float]) -> float:
        return found["requests"] / found["seconds"]

    def ms(found: dict[str, float], key: str) -> str:
        return f"{number(found[key] / 1000, 1)} ms"

    def errors(found: dict[str, float]) -> str:
        return f"{number(found['errors'])} errors"

    return [
        Row(
            "page load",
            f"p50 latency, {run}",
            ms(koers, "p50"),
            ms(reference, "p50"),
            stack,
            ratio(koers["p50"], reference["p50"]),
        ),
        Row(
            "page load",
            "p95 latency",
            f"{ms(koers, 'p95')}, {errors(koers)}",
            f"{ms(reference, 'p95')}, {errors(reference)}",
            stack,
            ratio(koers["p95"], reference["p95"]),
            f"≤ {number(load.TARGET_P95_MS)} ms, 0 errors",
            verdict(load.met(koers)),
        ),
        Row(
            "page load",
            "requests/s (higher is better)",
            number(rate(koers)),
            number(rate(reference)),
            stack,
            ratio(rate(koers), rate(reference)),
        ),
    ]


# --- Basismonitor -----------------------------------------------------------------------------


def size_list(args: argparse.Namespace) -> list[tuple[str, int]]:
    labels = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    if args.full and "210M" not in labels:
        labels.append("210M")
    unknown = [label for label in labels if label not in bm.SIZES]
    if unknown:
        raise ValueError(f"unknown sizes {unknown}; choose from {', '.join(bm.SIZES)}")
    return sorted(((label, bm.SIZES[label]) for label in labels), key=lambda s: s[1])


def measured(m: Any) -> str:
    if m.seconds is None:
        return str(m.note)
    return f"{seconds(m.seconds)}, {number(m.peak_mb)} MB"


def compared(koers: float | None, reference: float | None, limit: float) -> tuple[str, str]:
    """(ratio, met?) of koers ÷ reference against ``ratio ≤ limit``; blank where one is missing."""
    if not koers or not reference:
        return "", "—"
    return ratio(koers, reference), verdict(koers <= limit * reference)


def identical(outs: dict[str, Path]) -> str:
    """Whether the whole-run tables written by the measured processes agree."""
    import pyarrow.parquet as pq

    tables = {name: pq.read_table(path) for name, path in outs.items() if path.exists()}
    if len(tables) < 2:
        return "results not compared"
    difference = bm.compare_all(tables)
    return "results identical" if difference is None else f"results DIFFER: {difference}"


def basismonitor(context: Context) -> list[Row]:
    args = context.args
    data = args.data or Path(os.environ.get("KOERS_BENCH_DIR", "/tmp/koers-bench"))
    sql_target = f"≤ {number(bm.TARGET_SQL_RATIO, 2)}×"
    speedup = bm.TARGET_PANDAS_SPEEDUP
    pandas_target = f"≤ {number(1 / speedup, 2)}× ({number(speedup)}× faster)"
    rows: list[Row] = []
    for index, (label, person_years) in enumerate(args.size_list):
        info = bm.ensure_panel(data, label, person_years, 0, os.cpu_count() or 1)
        count = bm.count_rows(info.path)
        # as basismonitor.py: best of 3 below 50M person-years, one run from there
        repeat = args.repeat if args.repeat_given else (1 if count >= 50_000_000 else 3)
        results: dict[str, Any] = {}
        outs: dict[str, Path] = {}
        for implementation in bm.IMPLEMENTATIONS:
            if implementation == "pandas" and not bm.pandas_fits(bm.WHOLE, count):
                need = bm.pandas_estimate_bytes(bm.WHOLE, count) / 2**30
                note = f"past memory (~{need:.0f} GB est.)"
                results[implementation] = bm.Measurement(None, None, note)
                continue
            out = None
            if index == 0:  # results are compared on the smallest size
                out = outs[implementation] = context.work / f"{label}-{implementation}.parquet"
            progress(f"  Basismonitor {label} {implementation}")
            results[implementation] = bm.measure(
                implementation, bm.WHOLE, info.path, args.threads, repeat, out
            )
        koers, sql, pandas = (results[i] for i in bm.IMPLEMENTATIONS)
        what = f"whole run, {label} person-years ({number(count)})"
        if outs:
            what += f", {identical(outs)}"
        sql_ratio, sql_met = compared(koers.seconds, sql.seconds, bm.TARGET_SQL_RATIO)
        rows.append(
            Row(
                "Basismonitor",
                what,
                measured(koers),
                measured(sql),
                f"hand-written DuckDB SQL, {args.threads} threads",
                sql_ratio,
                sql_target,
                sql_met,
            )
        )
        pandas_ratio, pandas_met = compared(koers.seconds, pandas.seconds, 1 / speedup)
        rows.append(
            Row(
                "Basismonitor",
                f"whole run, {label}",
                measured(koers),
                measured(pandas),
                "plain pandas (groupby, merge)",
                pandas_ratio,
                pandas_target,
                pandas_met,
            )
        )
        if person_years >= bm.BOUNDED_FROM and args.memory_limit:
            rows.append(bounded(context, label, info.path, repeat))
        if label == "210M":
            rows.append(
                Row(
                    "Basismonitor",
                    "peak memory of the whole run, 210M",
                    f"{number(koers.peak_mb)} MB" if koers.peak_mb else str(koers.note),
                    f"{number(sql.peak_mb)} MB" if sql.peak_mb else str(sql.note),
                    "hand-written DuckDB SQL",
                    ratio(koers.peak_mb, sql.peak_mb) if koers.peak_mb and sql.peak_mb else "",
                    f"< {number(bm.TARGET_PEAK_MB)} MB",
                    verdict(koers.peak_mb is not None and koers.peak_mb < bm.TARGET_PEAK_MB),
                )
            )
    return rows


def bounded(context: Context, label: str, panel: Path, repeat: int) -> Row:
    """The whole run of koers and the SQL under one DuckDB memory limit: time and peak."""
    args = context.args
    limit = bm.MemoryLimit(args.memory_limit, context.work / "spill")
    found = {}
    for implementation in ("koers", "sql"):
        progress(f"  Basismonitor {label} {implementation}, DuckDB limit {limit.size}")
        found[implementation] = bm.measure(
            implementation, bm.WHOLE, panel, args.threads, repeat, None, limit
        )
    koers, sql = found["koers"], found["sql"]
    shutil.rmtree(limit.temp_dir, ignore_errors=True)
    sql_ratio, _ = compared(koers.seconds, sql.seconds, bm.TARGET_SQL_RATIO)
    fast = (
        bool(koers.seconds and sql.seconds) and koers.seconds <= bm.TARGET_SQL_RATIO * sql.seconds
    )
    small = koers.peak_mb is not None and koers.peak_mb <= bm.TARGET_BOUNDED_PEAK_MB
    return Row(
        "Basismonitor",
        f"whole run, {label}, DuckDB memory limit {limit.size} (both sides)",
        measured(koers),
        measured(sql),
        f"hand-written DuckDB SQL, {args.threads} threads, same limit",
        sql_ratio,
        f"≤ {number(bm.TARGET_SQL_RATIO, 2)}×, ≤ {number(bm.TARGET_BOUNDED_PEAK_MB)} MB",
        verdict(fast and small),
    )


# --- a store of 100 000 figures ---------------------------------------------------------------


def big_store(context: Context) -> list[Row]:
    args = context.args
    made = bigstore.make_store(context.work)
    what = f"{number(made.figures)} figures ({number(made.breakdowns)} breakdowns)"
    status = bigstore.status_wall(made.url, max(5, args.repeat))
    koers, reference = bigstore.pages(made.url, context.work, args.seconds, args.clients, 2)
    stack = "bare ASGI app replaying koers's bytes, same uvicorn"

    def ms(found: dict[str, float]) -> str:
        return f"{number(found['p95'] / 1000, 1)} ms, {number(found['errors'])} errors"

    return [
        Row(
            "big store",
            f"koers status, wall, {what}",
            seconds(status.koers),
            seconds(status.python),
            f"python -c pass (median of {status.runs} runs)",
            ratio(status.koers, status.python),
            f"≤ {number(bigstore.STATUS_TARGET, 1)} s",
            verdict(status.koers <= bigstore.STATUS_TARGET),
        ),
        Row(
            "big store",
            f"p95 latency of the pages, {args.clients} clients × {args.seconds} s "
            f"(after {number(koers['warm_up_rounds'])} warm-up runs of 3 s)",
            ms(koers),
            ms(reference),
            stack,
            ratio(koers["p95"], reference["p95"]),
            f"≤ {number(load.TARGET_P95_MS)} ms, 0 errors",
            verdict(load.met(koers)),
        ),
    ]


# --- table ------------------------------------------------------------------------------------


MEASURES: dict[str, Callable[[Context], list[Row]]] = {
    "cli-start": cli_start,
    "plan-status": plan_status,
    "report": report,
    "cbs-import": cbs_import,
    "kwb-import": kwb_import,
    "load": page_load,
    "basismonitor": basismonitor,
    "big-store": big_store,
}


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def machine() -> list[str]:
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    ram = bm.total_ram() / 2**30
    return [
        f"machine: {os.cpu_count()} cores ({model}), {number(ram, 1)} GB RAM; "
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"load average at the start: {load_average()}",
    ]


def load_average() -> str:
    return " ".join(number(x, 2) for x in os.getloadavg())


def table(rows: Iterable[Row], markdown: bool) -> str:
    cells = [list(vars(row).values()) for row in [HEADER, *rows]]
    if markdown:
        lines = ["| " + " | ".join(line) + " |" for line in cells]
        lines.insert(1, "|---|---|---:|---:|---|---:|---|---|")
        return "\n".join(lines)
    widths = [max(len(line[i]) for line in cells) for i in range(len(cells[0]))]
    right = {2, 3, 5}
    out = []
    for n, line in enumerate(cells):
        out.append(
            "  ".join(
                cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                for i, cell in enumerate(line)
            ).rstrip()
        )
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="1M, 5 s of load, one repetition")
    mode.add_argument("--full", action="store_true", help="add the Basismonitor's 210M panel")
    parser.add_argument("--only", default=",".join(AREAS), help=f"subset of {', '.join(AREAS)}")
    parser.add_argument("--sizes", default=None, help=f"Basismonitor sizes ({DEFAULT_SIZES})")
    parser.add_argument("--seconds", type=int, default=None, help="wrk duration (60)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    parser.add_argument(
        "--memory-limit", default="8GB", help="DuckDB's limit in the Basismonitor's bounded rows"
    )
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per measurement")
    parser.add_argument(
        "--data", type=Path, default=None, help="cache of the Basismonitor panels, KWB workbook"
    )
    parser.add_argument("--markdown", action="store_true", help="the table as Markdown")
    args = parser.parse_args(argv)
    args.areas = [a.strip() for a in args.only.split(",") if a.strip()]
    unknown = set(args.areas) - set(AREAS)
    if unknown:
        parser.error(f"unknown area(s) {', '.join(sorted(unknown))}; choose from {AREAS}")
    args.repeat_given = args.repeat is not None or args.quick  # else as basismonitor.py
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    args.sizes = args.sizes or ("1M" if args.quick else DEFAULT_SIZES)
    try:
        args.size_list = size_list(args)
    except ValueError as error:
        parser.error(str(error))
    args.seconds = args.seconds or (5 if args.quick else 60)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if "load" in args.areas or "big-store" in args.areas:
        load.wrk_path()  # fail before the long parts, not after
    header = machine()
    rows: list[Row] = []
    failed = False
    work = Path(tempfile.mkdtemp(prefix="koers-bench-run-"))
    try:
        context = Context(args, work)
        for area in args.areas:
            progress(f"{area} ...")
            started = time.perf_counter()
            try:
                rows += MEASURES[area](context)
            except Exception as error:  # one failed area must not lose the others' numbers
                traceback.print_exc()
                rows.append(Row(area, f"FAILED: {type(error).__name__}: {error}"[:120], "", "", ""))
                failed = True
            progress(f"{area}: {time.perf_counter() - started:.0f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(header))
    print(f"load average at the end: {load_average()}")
    mode = "quick" if args.quick else "full" if args.full else "default"
    print(f"mode: {mode}; ratio = koers ÷ reference; best of {args.repeat} where repeated\n")
    print(table(rows, args.markdown))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
