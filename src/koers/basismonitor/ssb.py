"""Build the person-year panel from the SSB tables as CBS delivers them: ``koers basismonitor
ingest``.

The tables and variables are declared in :mod:`~.ssb_layout`; ``docs/basismonitor.md`` ("From
the SSB tables") cites their documentation and gives the derivation rules this module
implements:

- the panel of year ``Y`` holds every person (``RINPERSOONS = 'R'``) with an address in
  GBAADRESOBJECTBUS on 1 January ``Y``; residence and household are those of 1 January,
  benefit and work those of 31 December, income that of the calendar year, school fields
  those of the school year that ends in ``Y``;
- the address object is placed in a gemeente and buurt by VSLGWBTAB in *one* indeling (the
  ``vintage``, by default the latest the file has) for every year, so a buurt means the same
  area in 2011 and in 2022 and the panel's leaves add up the same way in every year.

Memory stays bounded. A delivered table is read by DuckDB: CSV (all columns as text, so
that ``RINPERSOON`` keeps its leading zeros) and Parquet where they lie; SPSS ``.sav``
through pyreadstat in chunks (``row_offset``/``row_limit``) into a Parquet file in the
temporary directory first. Only the variables koers reads are copied, once, into tables of
DuckDB's in-memory database with their dates parsed and the person as one number; past
``memory_limit`` DuckDB's buffer manager spills them to ``temp_dir``. The panel is then
built year by year with DuckDB SQL and written from Arrow record batches, so memory is the
limit plus one batch, whatever the size of the tables.

Checking comes first and refuses the whole ingest, each problem named with table, variable
and count (:class:`~koers.sources.base.SourceError`): a missing table or variable, a duplicate
key, a date that is no date or out of range (before 1850, an end before its begin), an
unknown code, more than one address or household on 1 January, a person or address object
that the other tables do not know. Nothing is written then; a panel that is written is
written whole (into a temporary directory that becomes ``out`` at the end).
"""

from __future__ import annotations

import itertools
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from koers.basismonitor import schema
from koers.basismonitor import ssb_layout as L
from koers.basismonitor.ssb_panel import panel_query
from koers.basismonitor.ssb_sql import Staged, person_year_checks, table_checks
from koers.sources.base import SourceError, SourceIssue

NUMERIC = frozenset(
    {"INHGESTINKH", "INHARMSOC", "INHP100HBEST", "GEWICHTHOOGSTEOPL", "SCHOOLWEGING"}
)
BATCH_ROWS = 200_000
SAV_CHUNK_ROWS = 500_000


@dataclass
class IngestSummary:
    """What an ingest read and wrote."""

    years: tuple[int, ...]
    person_years: int
    vintage: int
    files: dict[str, list[str]]
    notes: list[str] = field(default_factory=list)  # fields left empty, and why
    seconds: float = 0.0


def ingest(
    source: Path,
    out: Path,
    *,
    years: Sequence[int] | None = None,
    vintage: int | None = None,
    buurt_gemeenten: Sequence[str] = (),
    memory_limit: str | None = None,
    temp_dir: Path | None = None,
    threads: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> IngestSummary:
    """Check the SSB tables in ``source`` and write the panel of ``years`` to ``out``.

    ``vintage``: the indeling of VSLGWBTAB to place every year in (default: its latest);
    ``buurt_gemeenten``: keep buurt codes only in these gemeenten (GM codes; default all);
    ``memory_limit`` ("4GB") and ``temp_dir``: DuckDB's, also where ``.sav`` files are staged.
    """
    started = time.perf_counter()
    say = progress or (lambda _: None)
    source, out = Path(source), Path(out)
    if not source.is_dir():
        raise SourceError([SourceIssue(str(source), None, None, "geen map met SSB-tabellen")])
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SourceError([SourceIssue(str(out), None, None, "bestaat al en is niet leeg")])
    with _workspace(temp_dir) as work, _connect(memory_limit, work, threads) as con:
        found = discover(source)
        say("tabellen lezen")
        counter = itertools.count()
        staged = {stem: _stage(con, files, work, counter) for stem, files in found.items()}
        issues, notes, chosen_vintage, chosen_years = table_checks(con, staged, vintage, years)
        if issues:
            raise SourceError(issues)
        say("personen per jaar controleren")
        for year in chosen_years:
            issues += person_year_checks(con, staged, year, chosen_vintage)
        if issues:
            raise SourceError(issues)
        out.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent.resolve()))
        written = 0
        try:
            for year in chosen_years:
                say(f"panel {year} schrijven")
                query = panel_query(staged, year, chosen_vintage, tuple(buurt_gemeenten))
                written += _write_year(con, query, building / f"year={year}")
            meta = schema.read_meta(source) or {"bron": "SSB-tabellen"}
            meta["ingest"] = {"indeling": chosen_vintage, "jaren": list(chosen_years)}
            schema.write_meta(building, meta)
            if out.exists():
                out.rmdir()
            building.rename(out)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
    return IngestSummary(
        years=tuple(chosen_years),
        person_years=written,
        vintage=chosen_vintage,
        files={stem: [p.name for p, _ in files] for stem, files in found.items()},
        notes=notes,
        seconds=time.perf_counter() - started,
    )


def discover(source: Path) -> dict[str, list[tuple[Path, int | None]]]:
    """The delivered files per table stem, with the year in their name; refuses a time-less
    table delivered twice and a yearly table without a year in its file name."""
    found: dict[str, list[tuple[Path, int | None]]] = {}
    for path in sorted(p for p in source.iterdir() if p.is_file()):
        recognised = L.recognise(path.name)
        if recognised is not None:
            table, year = recognised
            found.setdefault(table.stem, []).append((path, year))
    issues = []
    for stem, files in found.items():
        table = L.BY_STEM[stem]
        names = ", ".join(p.name for p, _ in files)
        if table.kind != "jaar" and len(files) > 1:
            issues.append(SourceIssue(table.name, None, None, f"meer dan één bestand: {names}"))
        if table.kind == "jaar":
            years = [y for _, y in files]
            if None in years:
                issues.append(
                    SourceIssue(table.name, None, None, f"geen jaar in de bestandsnaam: {names}")
                )
            elif len(set(years)) < len(years):
                issues.append(SourceIssue(table.name, None, None, f"een jaar twee keer: {names}"))
    for table in L.TABLES:
        if table.required and table.stem not in found:
            issues.append(
                SourceIssue(table.name, None, None, f"ontbreekt in {source} (verplichte tabel)")
            )
    if issues:
        raise SourceError(issues)
    return found


def _stage(
    con: Any, files: list[tuple[Path, int | None]], work: Path, counter: Iterator[int]
) -> list[Staged]:
    """Each file as a SELECT with upper-case column names, codes as text and the numeric
    variables as numbers."""
    staged = []
    for path, year in files:
        recognised = L.recognise(path.name)
        assert recognised is not None
        table = recognised[0]
        relation = _relation(path, work)
        columns = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        select = []
        for name, kind, *_ in columns:
            upper, quoted = name.upper(), '"' + name.replace('"', '""') + '"'
            if not _read(table, upper):
                continue  # a delivered table has far more variables than koers reads
            if upper in NUMERIC:
                select.append(f'TRY_CAST({quoted} AS DOUBLE) AS "{upper}"')
            elif kind in ("FLOAT", "DOUBLE") or kind.startswith("DECIMAL"):
                # a code stored as a number in an SPSS file (1.0): its integer text
                select.append(
                    f"CASE WHEN {quoted} = trunc({quoted}) THEN CAST(CAST({quoted} AS BIGINT) "
                    f'AS VARCHAR) ELSE CAST({quoted} AS VARCHAR) END AS "{upper}"'
                )
            else:
                select.append(f"NULLIF(trim(CAST({quoted} AS VARCHAR)), '') AS \"{upper}\"")
        panel_year = None if year is None else year + table.offset
        columns_found = {c[0].upper() for c in columns}
        found = Staged(table, path.name, panel_year, columns_found, f"ssb_{next(counter)}")
        found.materialise(con, select, relation)
        staged.append(found)
    return staged


def _read(table: L.Table, variable: str) -> bool:
    """Whether koers reads ``variable`` of ``table`` (the others are not copied)."""
    if variable in (*table.key, *table.variables, *table.dates, *table.optional_variables):
        return True
    if table is L.OBJECTS:
        return re.fullmatch(r"(GEM|BC)\d{4}", variable) is not None
    return table is L.HIGHEST_EDUCATION and L.EDUCATION_LEVEL_PATTERN.match(variable) is not None


def _relation(path: Path, work: Path) -> str:
    quoted = str(path).replace("'", "''")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return f"read_csv('{quoted}', all_varchar = true, header = true)"
    if suffix == ".parquet":
        return f"read_parquet('{quoted}')"
    staged = work / f"{path.stem}.parquet"
    if not staged.exists():
        _sav_to_parquet(path, staged)
    return f"read_parquet('{str(staged).replace(chr(39), chr(39) * 2)}')"


def _sav_to_parquet(path: Path, target: Path) -> None:
    """An SPSS file copied to Parquet in chunks: memory holds one chunk.

    pyreadstat's own ``read_file_in_chunks`` cannot tell when a file without a row count
    ends if the chunks are dicts, so the chunks are read here until one comes back empty.
    """
    try:
        import pyreadstat
    except ImportError:
        message = "pyreadstat ontbreekt (pip install 'koers[basismonitor]'); lever CSV of Parquet"
        raise SourceError([SourceIssue(path.name, None, None, message)]) from None

    writer: pq.ParquetWriter | None = None
    offset = 0
    try:
        while True:
            chunk, _ = pyreadstat.read_sav(
                str(path), row_offset=offset, row_limit=SAV_CHUNK_ROWS, output_format="dict"
            )
            columns = {name: pa.array(values) for name, values in chunk.items()}
            # an SPSS variable is text or a number; all-missing in a chunk means a number
            table = pa.table(
                {
                    n: a.cast(pa.float64()) if pa.types.is_null(a.type) else a
                    for n, a in columns.items()
                }
            )
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema)
            if table.num_rows == 0:
                break
            writer.write_table(table.cast(writer.schema))
            offset += table.num_rows
    finally:
        if writer is not None:
            writer.close()


def _write_year(con: Any, query: str, directory: Path) -> int:
    directory.mkdir(parents=True)
    reader = con.sql(query).to_arrow_reader(BATCH_ROWS)
    written = 0
    with pq.ParquetWriter(directory / "part-00000.parquet", schema.SCHEMA) as writer:
        for batch in reader:
            table = pa.Table.from_batches([batch]).select(list(schema.COLUMNS))
            writer.write_table(table.cast(schema.SCHEMA))
            written += batch.num_rows
    return written


@contextmanager
def _workspace(temp_dir: Path | None) -> Iterator[Path]:
    base = None if temp_dir is None else Path(temp_dir)
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="koers-ingest-", dir=base))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _connect(memory_limit: str | None, work: Path, threads: int | None) -> Iterator[Any]:
    import duckdb

    config: dict[str, str | bool | int | float | list[str]] = {
        "temp_directory": str(work / "duckdb"),
        "preserve_insertion_order": False,
    }
    if memory_limit:
        config["memory_limit"] = memory_limit
    if threads:
        config["threads"] = threads
    try:
        con = duckdb.connect(config=config)
    except duckdb.Error:
        message = f"'{memory_limit}' is geen geheugengrootte (zoals 4GB of 512MB)"
        raise SourceError([SourceIssue("--memory-limit", None, None, message)]) from None
    con.execute("SET enable_progress_bar = false")
    try:
        yield con
    finally:
        con.close()
