"""The engines the kernels run on: DuckDB (the default) and Spark, behind one :class:`Panel`.

This is the only module of the Basismonitor that knows an engine. It opens a panel (a
directory of Parquet files partitioned hive style by year, :mod:`~.schema`) as a
``narwhals.LazyFrame`` over the engine's own relation, hands that frame to the kernels
(:mod:`~.kernels`, engine-neutral), and collects a kernel's lazy aggregate into one common
form: a pyarrow table of :data:`~.kernels.LEAF_SCHEMA` (made long in Arrow by
:func:`~.kernels.lengthen`), sorted by the leaf key, so that the same panel gives the *same
table* on either engine (the tests compare them).

- DuckDB: a connection the panel owns (``duckdb.connect()``, ``threads`` settable), the
  panel read with ``read_parquet(path/**/*.parquet, hive_partitioning = true)``; several
  kernels run on a second connection (a cursor) while the next is built.
- Spark: one local session per process (``local[N]``, created on first use and reused
  after), with UTC as session time zone, few shuffle partitions (the results are small),
  no UI and no progress bar, and logging at ERROR.

A ``years`` selection is the first operation on the frame, a filter on the partition
column, so both engines prune partitions (only the files of those years are read).
Cohort flows need their follow-up years: select them too, or the flow is not reported.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
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

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")

_spark_session: Any = None


def spark_session(threads: int = 2) -> Any:
    """The process's Spark session, created on the first call: on the cluster named by
    ``KOERS_SPARK_MASTER`` (``spark://host:7077``, ``yarn``, ``k8s://…``), else local
    (``local[threads]``).

    Later calls return the same session whatever ``threads`` they pass: Spark fixes its
    master when the JVM starts.
    """
    global _spark_session
    if _spark_session is not None:
        return _spark_session
    from pyspark.sql import SparkSession

    # The JVM warns at start-up when the host name resolves to a loopback address; a
    # local session needs no other address.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    warehouse = Path(tempfile.gettempdir()) / "koers-spark-warehouse"
    session = (
        SparkSession.builder.master(os.environ.get("KOERS_SPARK_MASTER") or f"local[{threads}]")
        .appName("koers-basismonitor")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(max(2, threads)))
        .config("spark.default.parallelism", str(max(2, threads)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .getOrCreate()
    )
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


def _duckdb_connection(threads: int | None) -> Any:
    import duckdb

    config: dict[str, str | bool | int | float | list[str]] = {}
    if threads:
        config["threads"] = threads
    return duckdb.connect(config=config)


def open_panel(
    path: str | Path,
    engine: Engine = "duckdb",
    *,
    years: Sequence[int] | None = None,
    threads: int | None = None,
) -> Panel:
    """Open the panel directory ``path`` (``year=YYYY/*.parquet``) lazily on ``engine``.

    ``threads``: DuckDB's worker threads (default: DuckDB's own), or N of Spark's
    ``local[N]`` when this call starts the session (default 2).
    """
    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"panel directory not found: {root}")
    if engine == "duckdb":
        connection = _duckdb_connection(threads)
        pattern = str(root / "**" / "*.parquet").replace("'", "''")
        relation = connection.sql(
            f"SELECT * FROM read_parquet('{pattern}', hive_partitioning = true, "
            "hive_types = {'year': 'SMALLINT'})"
        )
        frame = _normalise(nw.from_native(relation), years)
        return Panel(frame, engine, _years(years), connection)
    if engine == "spark":
        session = spark_session(threads or 2)
        reader = session.read.option("basePath", str(root))
        frame = _normalise(nw.from_native(reader.parquet(str(root))), years)
        return Panel(frame, engine, _years(years))
    raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


def from_arrow(table: pa.Table, engine: Engine = "duckdb", *, threads: int | None = None) -> Panel:
    """A panel over an in-memory table of :data:`~.schema.SCHEMA` (tests, small samples)."""
    table = table.select(list(COLUMNS)).cast(SCHEMA)
    if engine == "duckdb":
        connection = _duckdb_connection(threads)
        # a table of the database, not a registered Arrow object: every connection to the
        # database reads it (see Panel.collect)
        connection.from_arrow(table).create("koers_panel")
        relation = connection.table("koers_panel")
        return Panel(_normalise(nw.from_native(relation), None), engine, None, connection)
    if engine == "spark":
        dataframe = spark_session(threads or 2).createDataFrame(table)
        return Panel(_normalise(nw.from_native(dataframe), None), engine)
    raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


def _collect(cells: Cells) -> pa.Table:
    return lengthen(cells.frame.collect(backend="pyarrow").to_native(), cells)


def _fetch_arrow(connection: Any, query: str) -> pa.Table:
    return connection.sql(query).to_arrow_table()


def _years(years: Sequence[int] | None) -> tuple[int, ...] | None:
    return None if years is None else tuple(sorted(set(years)))
