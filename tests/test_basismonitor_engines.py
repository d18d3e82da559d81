"""How a Basismonitor run may use the machine: memory limit, temp directory, Spark settings,
and an install with only what a run needs (``koers[basismonitor]``: no website, no PDF)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from koers.basismonitor import engines
from koers.basismonitor.engines import EngineOptions, memory_bytes
from koers.basismonitor.synth import generate
from tests.conftest import NPRZ, ROOT

# What koers[basismonitor] does not install: the website and the PDF reports.
NOT_INSTALLED = (
    "fastapi",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "multipart",
    "python_multipart",
    "itsdangerous",
    "weasyprint",
    "vl_convert",
    "pyspark",
)


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bm") / "panel"
    generate(out, persons=3_000, years=12, seed=3, scope="g4")
    return out


def test_memory_sizes_read_as_duckdb_and_spark_write_them():
    assert memory_bytes("8GB") == 8 * 1000**3  # DuckDB: GB is decimal, GiB binary
    assert memory_bytes("8 GiB") == memory_bytes("8g") == 8 * 1024**3  # Spark's g is binary
    assert memory_bytes("1,5GB") == memory_bytes("1.5gb") == 1_500_000_000
    for wrong, says in [
        ("8", "geen geheugengrootte"),
        ("acht GB", "geen geheugengrootte"),
        ("8 appels", "geen geheugengrootte"),
        ("10MB", "te weinig geheugen: minstens 64MiB"),
    ]:
        with pytest.raises(ValueError, match=says):
            memory_bytes(wrong)


def test_a_duckdb_connection_takes_its_limit_and_temp_directory(tmp_path: Path):
    spill = tmp_path / "nog-niet" / "tmp"
    connection = engines.duckdb_connection(1, "1GiB", spill)
    try:
        [(limit, temp, threads)] = connection.sql(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory'), "
            "current_setting('threads')"
        ).fetchall()
    finally:
        connection.close()
    # the process may use 1 GiB: DuckDB's buffers get 85% of it, the rest is room for
    # what they do not count and for Python
    assert (limit, temp, threads) == ("870.3 MiB", str(spill), 1)
    assert spill.is_dir()  # created, so DuckDB can spill into it


def test_a_panel_under_a_small_limit_gives_the_same_cells(panel: Path, tmp_path: Path):
    """A limit changes where DuckDB keeps its data, never the answer."""
    from koers.basismonitor.kernels import all_kernels

    with engines.open_panel(panel) as free:
        expected = free.collect(all_kernels(free.frame, keep=free.keep))
    bounded = EngineOptions(threads=1, memory_limit="64MiB", temp_dir=tmp_path / "spill")
    with engines.open_panel(panel, options=bounded) as limited:
        [(limit,)] = limited._connection.sql("SELECT current_setting('memory_limit')").fetchall()
        cells = limited.collect(all_kernels(limited.frame, keep=limited.keep))
    assert limit == "54.3 MiB"  # 85% of 64 MiB, as DuckDB rounds it
    assert cells.equals(expected)


def test_spark_settings_follow_the_options():
    options = EngineOptions(
        memory_limit="8GB",
        temp_dir=Path("/data/tmp"),
        spark_executor_memory="4g",
        spark_conf=(("spark.executor.cores", "2"), ("spark.driver.memory", "2g")),
    )
    assert options.spark_settings() == {
        "spark.driver.memory": "2g",  # --spark-conf comes last and wins
        "spark.executor.memory": "4096m",
        "spark.local.dir": "/data/tmp",
        "spark.executor.cores": "2",
    }
    # the limit is the driver's heap when nothing else says so (8 GB = 7 629 MiB)
    assert EngineOptions(memory_limit="8GB").spark_settings() == {"spark.driver.memory": "7629m"}
    assert EngineOptions(threads=3).master() == "local[3]"
    assert EngineOptions(spark_master="spark://h:7077").master() == "spark://h:7077"


def test_the_run_command_hands_its_limits_to_duckdb(run, panel, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    opened: list[tuple[Any, ...]] = []
    connect = engines.duckdb_connection

    def recorded(*args: Any) -> Any:
        opened.append(args)
        return connect(*args)

    monkeypatch.setattr(engines, "duckdb_connection", recorded)
    assert run("load", "--no-data", str(NPRZ)).exit_code == 0
    spill = tmp_path / "spill"
    result = run(
        "basismonitor", "run", str(panel), "--threads", "1", "--memory-limit", "2GB",
        "--temp-dir", str(spill),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert opened == [(1, "2GB", spill)]
    assert "gepubliceerd" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--memory-limit", "8 appels"], "'8 appels' is geen geheugengrootte"),
        (["--memory-limit", "1MB"], "te weinig geheugen"),
        (["--spark-conf", "executor.cores"], "is geen Spark-instelling"),
        (["--spark-conf", "spark.executor.cores="], "is geen Spark-instelling"),
        (["--spark-master", "spark://h:7077"], "--spark-master geldt alleen voor --engine spark"),
        (["--spark-driver-memory", "4g"], "--spark-driver-memory geldt alleen voor --engine"),
    ],
)
def test_bad_engine_options_are_refused_in_dutch(run, panel, arguments, message):  # type: ignore[no-untyped-def]
    result = run("basismonitor", "run", str(panel), *arguments)
    assert result.exit_code == 2
    assert message in result.output


def test_a_run_needs_neither_the_website_nor_the_pdf_code(panel: Path, tmp_path: Path):
    """What ``pip install 'koers[basismonitor]'`` gives: a process in which the website's
    and the PDF's packages cannot be imported loads the plan, writes a panel and runs."""
    script = (
        "import sys\n"
        f"for name in {NOT_INSTALLED!r}:\n"
        "    sys.modules[name] = None  # import raises ImportError\n"
        "from koers.cli import main\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "KOERS_DB": f"sqlite:///{tmp_path}/s.db"}

    def koers(*arguments: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, *arguments],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    koers("load", "--no-data", str(NPRZ))
    koers(
        "basismonitor", "synth", "--persons", "500", "--scope", "g4", "--out", str(tmp_path / "p")
    )
    out = koers("basismonitor", "run", str(tmp_path / "p"), "--memory-limit", "1GB")
    assert "geen onderdrukte cel is terug te rekenen" in out
    # the website's command cannot start in such a process, and says which extra it needs
    refused = subprocess.run(
        [sys.executable, "-c", script, "serve", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 1
    assert refused.stderr == (
        "fout: hiervoor is fastapi nodig, en dat is niet geïnstalleerd: installeer koers met "
        "het extra 'web' (pip install 'koers[web]')\n"
    )


def test_running_out_of_memory_says_what_to_give_the_engine(
    panel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a limit DuckDB may take 80% of the memory and stop: a 210 M person-year run
    did. The researcher is told to give --memory-limit and --temp-dir."""
    import duckdb

    from koers.basismonitor.kernels import all_kernels

    def out_of_memory(connection: Any, query: str) -> Any:
        raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate 2.0 GiB")

    monkeypatch.setattr(engines, "_fetch_arrow", out_of_memory)
    with (
        engines.open_panel(panel) as opened,
        pytest.raises(engines.EngineMemoryError) as refused,
    ):
        opened.collect(all_kernels(opened.frame, keep=opened.keep))
    message = str(refused.value)
    assert message.startswith("DuckDB had niet genoeg geheugen voor deze berekening (Out of")
    assert "Geef --memory-limit" in message and "--temp-dir" in message
