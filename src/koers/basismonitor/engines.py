"""The engines the kernels run on: DuckDB (the default) and Spark, behind one :class:`Panel`.

This is the only module of the Basismonitor that knows an engine. It opens a panel (a
directory of Parquet files partitioned hive style by year, :mod:`~.schema`) as a
``narwhals.LazyFrame`` over the engine's own relation, hands that frame to the kernels
(:mod:`~.kernels`, engine-neutral), and collects a kernel's lazy aggregate into one common
form: a pyarrow table of :data:`~.kernels.LEAF_SCHEMA` (made long in Arrow by
:func:`~.kernels.lengthen`), sorted by the leaf key, so that the same panel gives the *same
table* on either engine (the tests compare them).

- DuckDB: a connection the panel owns (:func:`duckdb_connection`: threads, memory limit
  and temp directory settable), the panel read with
  ``read_parquet(path/**/*.parquet, hive_partitioning = true)``; several kernels run on a
  second connection (a cursor) while the next is built.
- Spark: one session per process (created on first use and reused after), local
  (``local[N]``: few shuffle partitions, as the results are small, and no web UI), on the
  cluster a master URL names (Spark's own partitioning and UI), or, in a driver that
  ``spark-submit`` started, on the master and with the memory that spark-submit was given;
  always with UTC as session time zone, no progress bar, and logging at ERROR.

How an engine may use the machine is one :class:`EngineOptions` (the command line's
``--threads``, ``--memory-limit``, ``--temp-dir`` and ``--spark-*`` options). A memory size
is read once (:func:`memory_bytes`: ``8GB``, ``512MiB``, Spark's ``4g``) and handed to each
engine in its own unit, so one limit means the same number of bytes on both. On DuckDB
the limit is the process's: DuckDB's ``memory_limit`` (past it DuckDB spills to the temp
directory) is :data:`DUCKDB_SHARE` of it, and the rest is room for what DuckDB's buffer
manager does not count and for the Python side (at 210 M person-years the process peaked
0,7 GB above DuckDB's own limit). On Spark it is the driver's heap unless
``spark_driver_memory`` says otherwise: in local mode the driver is
the whole engine, and on a cluster it holds what is broadcast and collected (Spark's
default 1 GB driver fails at 3 M person-years). The temp directory is DuckDB's
``temp_directory`` and Spark's ``spark.local.dir``. Spark fixes its driver's memory when
its JVM starts, so it counts only for the process's first session.

A ``years`` selection is the first operation on the frame, a filter on the partition
column, so both engines prune partitions (only the files of those years are read).
Cohort flows need their follow-up years: select them too, or the flow is not reported.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import narwhals as nw
import pyarrow as pa

from koers.basismonitor.kernels import (
    LEAF_KEY,
    LEAF_SCHEMA,
    Cells,
    Frame,
    LeafCell,
    leaf_cells,
    lengthen,
)
from koers.basismonitor.schema import COLUMNS, SCHEMA
from koers.errors import KoersError

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")

_spark_session: Any = None

_UNITS = {
    "b": 1,
    "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
    "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4,
    # Spark's and the JVM's single letters are binary
    "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4,
}  # fmt: skip
_SIZE = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)
_MIN_MEMORY = 64 * 1024**2  # below this neither engine starts a query
DUCKDB_SHARE = 0.85
"""The part of ``--memory-limit`` that is DuckDB's ``memory_limit`` (the module doc)."""


def memory_bytes(text: str) -> int:
    """A memory size as bytes: ``8GB`` (decimal, as DuckDB reads it), ``8GiB``, or Spark's
    ``8g`` (binary); a Dutch message naming the rule when it is none, or less than 64 MiB."""
    match = _SIZE.fullmatch(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(
            f"'{text}' is geen geheugengrootte: geef een getal met een eenheid, zoals 8GB, "
            "512MB of 8GiB"
        )
    size = int(float(match.group(1).replace(",", ".")) * _UNITS[unit])
    if size < _MIN_MEMORY:
        raise ValueError(f"'{text}' is te weinig geheugen: minstens 64MiB")
    return size


@dataclass(frozen=True)
class EngineOptions:
    """How an engine may use the machine (the module doc); ``None`` is the engine's own
    default."""

    threads: int | None = None
    """DuckDB's worker threads, or N of Spark's ``local[N]``."""
    memory_limit: str | None = None
    """DuckDB's memory limit, and the Spark driver's heap unless ``spark_driver_memory``."""
    temp_dir: Path | None = None
    """Where an engine spills what does not fit (DuckDB) or shuffles (Spark)."""
    spark_master: str | None = None
    """``spark://host:7077``, ``yarn``, ``k8s://…``; default ``KOERS_SPARK_MASTER``, else
    local."""
    spark_driver_memory: str | None = None
    spark_executor_memory: str | None = None
    spark_conf: tuple[tuple[str, str], ...] = ()
    """Further Spark settings (``spark.executor.cores``, …), applied last."""

    def master(self) -> str | None:
        """The Spark master these options ask for: ``spark_master``, else
        ``KOERS_SPARK_MASTER``, else ``None`` in a driver that spark-submit started (its
        ``--master`` holds), else local."""
        chosen = self.spark_master or os.environ.get("KOERS_SPARK_MASTER")
        if chosen:
            return chosen
        if "PYSPARK_GATEWAY_PORT" in os.environ:  # pyspark's sign of a running spark-submit
            return None
        return f"local[{self.threads or 2}]"

    def spark_settings(self) -> dict[str, str]:
        """The Spark configuration these options set (besides koers's fixed ones)."""
        settings: dict[str, str] = {}
        driver = self.spark_driver_memory or self.memory_limit
        if driver is not None:
            settings["spark.driver.memory"] = _spark_size(driver)
        if self.spark_executor_memory is not None:
            settings["spark.executor.memory"] = _spark_size(self.spark_executor_memory)
        if self.temp_dir is not None:
            settings["spark.local.dir"] = str(self.temp_dir)
        settings.update(self.spark_conf)
        return settings


def _spark_size(text: str) -> str:
    return f"{max(1, memory_bytes(text) // 1024**2)}m"  # Spark's unit: MiB


def duckdb_connection(
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_dir: str | Path | None = None,
) -> Any:
    """A DuckDB connection (an in-memory database) with at most ``threads`` worker threads,
    for a process that may use ``memory_limit`` (``8GB``, :func:`memory_bytes`): DuckDB
    spills into ``temp_dir`` (created if missing) past :data:`DUCKDB_SHARE` of it. ``None``:
    DuckDB's own default (all cores, 80% of the memory, a ``.tmp`` directory next to the
    database)."""
    import duckdb

    config: dict[str, str | bool | int | float | list[str]] = {}
    if threads:
        config["threads"] = threads
    if memory_limit is not None:
        config["memory_limit"] = f"{int(memory_bytes(memory_limit) * DUCKDB_SHARE)}B"
    if temp_dir is not None:
        Path(temp_dir).mkdir(parents=True, exist_ok=True)
        config["temp_directory"] = str(temp_dir)
    return duckdb.connect(config=config)


def spark_session(threads: int | None = None, options: EngineOptions | None = None) -> Any:
    """The process's Spark session, created on the first call with ``options``
    (:class:`EngineOptions`; ``threads`` overrides theirs) on their master.

    Later calls return the same session, unless they name another master: then the old
    session stops and one starts on that master (the JVM, and so the driver's memory, stay
    as the first call set them).
    """
    global _spark_session
    options = options or EngineOptions()
    if threads is not None:
        options = replace(options, threads=threads)
    if _spark_session is not None:
        running = _spark_session.sparkContext.master
        if options.spark_master is None or options.spark_master == running:
            return _spark_session
        stop_spark()
    from pyspark.sql import SparkSession

    warehouse = Path(tempfile.gettempdir()) / "koers-spark-warehouse"
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.warehouse.dir": str(warehouse),
    }
    master = options.master()
    builder = SparkSession.builder
    if master is not None:  # else spark-submit's --master and --name hold
        builder = builder.master(master)
        settings["spark.app.name"] = "koers-basismonitor"
    if master is not None and master.startswith("local"):
        # one machine and small results: Spark's 200 shuffle partitions would each be a
        # task of almost nothing; a cluster keeps its own (the joins there are large)
        partitions = str(max(2, options.threads or 2))
        # The JVM warns at start-up when the host name resolves to a loopback address; a
        # local session needs no other address (a cluster's executors must reach the
        # driver, so there it binds as Spark decides)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        settings |= {
            "spark.sql.shuffle.partitions": partitions,
            "spark.default.parallelism": partitions,
            "spark.ui.enabled": "false",
        }
    for key, value in (settings | options.spark_settings()).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    _spark_session = session
    return session


def stop_spark() -> None:
    """Stop the process's Spark session, if one was started (the next use starts anew)."""
    global _spark_session
    if _spark_session is not None:
        _spark_session.stop()
        _spark_session = None


@dataclass
class Panel:
    """A person-year panel on one engine: ``frame`` for the kernels, ``collect`` for results."""

    frame: Frame
    engine: Engine
    years: tuple[int, ...] | None = None
    _connection: Any = field(default=None, repr=False)
    _kept: list[Any] = field(default_factory=list, repr=False)

    def keep(self, frame: Frame) -> Frame:
        """``frame`` computed once, for several kernels to read (the kernels' ``keep``).

        An engine inlines a lazy frame wherever it is read, so a frame two kernels share
        would be computed twice. DuckDB stores it as a table of the panel's in-memory
        database (its buffer manager spills to disk past the memory limit); Spark
        persists it in memory and on disk. Both go with :meth:`close`.
        """
        native = frame.to_native()
        if self.engine == "duckdb":
            name = f"koers_kept_{len(self._kept)}"
            with _said_when_out_of_memory():
                native.create(name)  # a table of the panel's own in-memory database
            self._kept.append(name)
            kept: Frame = nw.from_native(self._connection.table(name))
            return kept
        from pyspark import StorageLevel

        persisted = native.persist(StorageLevel.MEMORY_AND_DISK)
        self._kept.append(persisted)
        kept = nw.from_native(persisted)
        return kept

    def collect(self, cells: Cells | Iterable[Cells]) -> pa.Table:
        """Run kernel results, one or several (such as :func:`~.kernels.all_kernels`, which
        builds each as it is iterated): a table of :data:`LEAF_SCHEMA`, sorted by leaf key.

        On DuckDB each result runs on a second connection to the panel's database while the
        next one is built: building a plan is Python work (Narwhals, and DuckDB binding each
        relation step), and DuckDB releases the GIL while a query runs.
        """
        with _said_when_out_of_memory():
            if isinstance(cells, Cells):
                tables = [_collect(cells)]  # nothing to overlap
            elif self.engine == "duckdb":
                tables = self._run_overlapped(cells)
            else:
                tables = [_collect(part) for part in cells]
        table = pa.concat_tables(tables) if tables else LEAF_SCHEMA.empty_table()
        return table.sort_by([(name, "ascending") for name in LEAF_KEY])

    def _run_overlapped(self, parts: Iterable[Cells]) -> list[pa.Table]:
        # The query text is self-contained (the panel is a Parquet scan or a table of the
        # database, kept frames are tables), so another connection can run it.
        cursor = self._connection.cursor()
        try:
            with ThreadPoolExecutor(max_workers=1) as runner:
                running = [
                    (part, runner.submit(_fetch_arrow, cursor, part.frame.to_native().sql_query()))
                    for part in parts
                ]
                return [lengthen(wide.result(), part) for part, wide in running]
        finally:
            cursor.close()

    def cells(self, cells: Cells | Iterable[Cells]) -> list[LeafCell]:
        """:meth:`collect` as :class:`LeafCell` objects."""
        return leaf_cells(self.collect(cells))

    def close(self) -> None:
        """Close the DuckDB connection (a Spark session is shared and stays, without the
        frames this panel kept)."""
        if self.engine == "spark":
            for persisted in self._kept:
                persisted.unpersist()
        self._kept.clear()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> Panel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _normalise(frame: Frame, years: Sequence[int] | None) -> Frame:
    """Years first (partition pruning), then the schema's columns, order and types."""
    if years is not None:
        frame = frame.filter(nw.col("year").is_in(sorted(set(years))))
    return frame.select(
        *(nw.col(name).cast(nw.Int16()) if name == "year" else nw.col(name) for name in COLUMNS)
    )


def open_panel(
    path: str | Path,
    engine: Engine = "duckdb",
    *,
    years: Sequence[int] | None = None,
    threads: int | None = None,
    options: EngineOptions | None = None,
) -> Panel:
    """Open the panel directory ``path`` (``year=YYYY/*.parquet``) lazily on ``engine``.

    ``options``: how the engine may use the machine (:class:`EngineOptions`); ``threads``
    overrides theirs: DuckDB's worker threads (default: DuckDB's own), or N of Spark's
    ``local[N]`` when this call starts the session (default 2).
    """
    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"panel directory not found: {root}")
    options = options or EngineOptions()
    threads = threads or options.threads
    if engine == "duckdb":
        connection = duckdb_connection(threads, options.memory_limit, options.temp_dir)
        pattern = str(root / "**" / "*.parquet").replace("'", "''")
        relation = connection.sql(
            f"SELECT * FROM read_parquet('{pattern}', hive_partitioning = true, "
            "hive_types = {'year': 'SMALLINT'})"
        )
        frame = _normalise(nw.from_native(relation), years)
        return Panel(frame, engine, _years(years), connection)
    if engine == "spark":
        session = spark_session(threads, options)
        reader = session.read.option("basePath", str(root))
        frame = _normalise(nw.from_native(reader.parquet(str(root))), years)
        return Panel(frame, engine, _years(years))
    raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


def from_arrow(
    table: pa.Table,
    engine: Engine = "duckdb",
    *,
    threads: int | None = None,
    options: EngineOptions | None = None,
) -> Panel:
    """A panel over an in-memory table of :data:`~.schema.SCHEMA` (tests, small samples)."""
    table = table.select(list(COLUMNS)).cast(SCHEMA)
    options = options or EngineOptions()
    threads = threads or options.threads
    if engine == "duckdb":
        connection = duckdb_connection(threads, options.memory_limit, options.temp_dir)
        # a table of the database, not a registered Arrow object: every connection to the
        # database reads it (see Panel.collect)
        connection.from_arrow(table).create("koers_panel")
        relation = connection.table("koers_panel")
        return Panel(_normalise(nw.from_native(relation), None), engine, None, connection)
    if engine == "spark":
        dataframe = spark_session(threads, options).createDataFrame(table)
        return Panel(_normalise(nw.from_native(dataframe), None), engine)
    raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


def _collect(cells: Cells) -> pa.Table:
    return lengthen(cells.frame.collect(backend="pyarrow").to_native(), cells)


class EngineMemoryError(KoersError):
    """The engine ran out of memory: what to give it instead."""


@contextmanager
def _said_when_out_of_memory() -> Iterator[None]:
    """DuckDB's out-of-memory error as one a researcher can act on (a 210 M person-year run
    without a limit failed so at DuckDB's default of 80% of the machine's memory)."""
    import duckdb

    try:
        yield
    except duckdb.OutOfMemoryException as error:
        first = (str(error).strip().splitlines() or [""])[0]
        raise EngineMemoryError(
            f"DuckDB had niet genoeg geheugen voor deze berekening ({first}). Geef "
            "--memory-limit (wat de berekening mag gebruiken, bijvoorbeeld 8GB) en --temp-dir "
            "(een map met ruimte): DuckDB schrijft dan tussenresultaten naar die map in plaats "
            "van te stoppen. Staan ze er al, kies dan een lagere --memory-limit of minder "
            "--threads."
        ) from error


def _fetch_arrow(connection: Any, query: str) -> pa.Table:
    return connection.sql(query).to_arrow_table()


def _years(years: Sequence[int] | None) -> tuple[int, ...] | None:
    return None if years is None else tuple(sorted(set(years)))
