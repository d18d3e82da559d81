"""The kernels on a real Spark cluster: a standalone master and two workers, each its own
process (pyspark's bundled ``spark-class``) on loopback, against DuckDB on the same panel.

A driver in its own process (a fresh JVM, so the local session of the other tests does not
decide its settings) runs every kernel on ``spark://127.0.0.1:PORT`` with one core and
512 MB per executor, and writes the leaf cells; they must equal DuckDB's, cell for cell.
The master's own status page must show both workers and the run using both. Then the
way docs/operations.md runs on an existing cluster: ``spark-submit`` with its settings
starts ``koers basismonitor run --engine spark`` (``koers/__main__.py``), whose release file
must equal a DuckDB run's.

Skipped when Java or pyspark is missing, unless ``KOERS_REQUIRE_SPARK=1`` (as in
``make test``): then that is a failure. Every process is started in its own session and
ended by its id, however the test ends.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from koers.basismonitor import engines, kernels
from tests.conftest import NPRZ, ROOT, free_port

from .fixtures.basismonitor.random_panel import random_panel, write_panel

START_TIMEOUT = 90  # seconds for the master and both workers to be up (a busy CI machine)
RUN_TIMEOUT = 600
# A tiny panel on two one-core executors: Spark's 200 shuffle partitions (what koers leaves
# a cluster) would make every stage 200 tasks of nothing; a user sets this for small panels
# too (docs/operations.md). The locality wait is 3 s a stage for a local file otherwise.
SMALL = (("spark.sql.shuffle.partitions", "2"), ("spark.locality.wait", "0"))
APP = "koers-cluster-test"


def _spark_home() -> Path:
    """pyspark's installation, which carries Spark's launcher and jars; or skip/fail."""
    required = os.environ.get("KOERS_REQUIRE_SPARK") == "1"
    missing = []
    if shutil.which("java") is None:
        missing.append("Java (java)")
    try:
        import pyspark
    except ImportError:
        missing.append("pyspark (pip install 'koers[spark]')")
    if missing:
        message = f"a Spark cluster needs {' and '.join(missing)}; run `make system-deps`"
        if required:
            pytest.fail(message)
        pytest.skip(message)
    return Path(pyspark.__file__).parent


@dataclass
class Cluster:
    url: str  # spark://127.0.0.1:PORT
    status: str  # the master's web page, whose /json/ says which workers and apps it has
    logs: Path
    home: Path  # pyspark's installation: bin/spark-submit

    def state(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.status}/json/", timeout=5) as answer:
            state: dict[str, Any] = json.load(answer)
        return state

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            for log in sorted(self.logs.glob("*.log"))
        )


def _daemon(
    stack: ExitStack, spark_home: Path, logs: Path, name: str, *arguments: str
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SPARK_HOME": str(spark_home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_DAEMON_MEMORY": "256m",  # the master's and each worker's own heap
        "SPARK_LOG_DIR": str(logs),
        "SPARK_WORKER_DIR": str(logs / f"{name}-work"),
        "PYSPARK_PYTHON": sys.executable,
    }
    log = (logs / f"{name}.log").open("wb")
    stack.callback(log.close)
    process = subprocess.Popen(
        [str(spark_home / "bin" / "spark-class"), *arguments],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: ended with everything it started
    )
    stack.callback(_end, process)
    return process


def _end(process: subprocess.Popen[bytes]) -> None:
    """End one daemon and its children by their process group (started as its own)."""
    if process.poll() is not None:
        return
    for sent, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sent)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    spark_home = _spark_home()
    logs = tmp_path_factory.mktemp("spark-cluster")
    port, status_port = free_port(), free_port()
    master = "org.apache.spark.deploy.master.Master"
    worker = "org.apache.spark.deploy.worker.Worker"
    with ExitStack() as stack:
        processes = [
            _daemon(
                stack, spark_home, logs, "master", master,
                "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(status_port),
            )
        ]  # fmt: skip
        found = Cluster(
            f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{status_port}", logs, spark_home
        )
        for n in (1, 2):
            processes.append(
                _daemon(
                    stack, spark_home, logs, f"worker{n}", worker,
                    "--host", "127.0.0.1", "--port", str(free_port()),
                    "--webui-port", str(free_port()), "--cores", "1", "--memory", "768m",
                    found.url,
                )
            )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            ended = [p.args[1] for p in processes if p.poll() is not None]
            assert not ended, f"a Spark daemon ended early: {ended}\n{found.log_tail()}"
            try:
                if found.state().get("aliveworkers") == 2:
                    break
            except OSError:
                pass  # the master's page is not up yet
            assert time.monotonic() < deadline, f"the cluster did not start\n{found.log_tail()}"
            time.sleep(0.5)
        yield found


DRIVER = f"""
SMALL = {SMALL!r}
import sys
import pyarrow.parquet as pq
from koers.basismonitor import engines, kernels
options = engines.EngineOptions(
    spark_master=sys.argv[1],
    spark_driver_memory="512m",
    spark_executor_memory="512m",
    spark_conf=(("spark.app.name", sys.argv[3]), ("spark.executor.cores", "1"), *SMALL),
)
with engines.open_panel(sys.argv[2], "spark", options=options) as panel:
    cells = panel.collect(kernels.all_kernels(panel.frame, keep=panel.keep))
    conf = engines.spark_session().sparkContext.getConf()
    print(conf.get("spark.master"), conf.get("spark.executor.memory"))
pq.write_table(cells, sys.argv[4])
engines.stop_spark()
"""


def _driver_env() -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
    }
    env.pop("KOERS_SPARK_MASTER", None)  # the option or spark-submit names the master
    return env


def test_the_kernels_on_a_spark_cluster_equal_duckdb(cluster: Cluster, tmp_path: Path):
    panel = write_panel(random_panel(400, first_year=2010, years=14, seed=11), tmp_path / "p")
    out = tmp_path / "cells.parquet"
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, cluster.url, str(panel), APP, str(out)],
        env=_driver_env(),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr + cluster.log_tail()
    assert done.stdout.split() == [cluster.url, "512m"]

    on_cluster = pq.read_table(out)
    with engines.open_panel(panel) as duck:
        expected = duck.collect(kernels.all_kernels(duck.frame, keep=duck.keep))
    assert on_cluster.num_rows > 1000
    assert on_cluster.equals(expected)

    # the master ran it, on both workers (one core each)
    state = cluster.state()
    assert state["aliveworkers"] == 2
    (app,) = [a for a in state["completedapps"] + state["activeapps"] if a["name"] == APP]
    assert app["cores"] == 2 and app["memoryperexecutor"] == 512


def _release_rows(path: Path) -> list[str]:
    """The release file's rows (its header names the engine)."""
    return [line for line in path.read_text().splitlines() if not line.startswith("#")]


def test_spark_submit_runs_koers_on_the_cluster(cluster: Cluster, tmp_path: Path):
    """docs/operations.md: spark-submit gives the master and the memory, koers takes them."""
    from click.testing import CliRunner

    from koers.basismonitor.synth import generate
    from koers.cli import main

    panel = tmp_path / "panel"
    generate(panel, persons=1_500, years=12, seed=5, scope="g4")
    runner = CliRunner()
    for store in ("spark", "duckdb"):
        db = f"sqlite:///{tmp_path / store}.db"
        loaded = runner.invoke(main, ["--db", db, "load", "--no-data", str(NPRZ)])
        assert loaded.exit_code == 0, loaded.output
    duck = runner.invoke(
        main,
        ["--db", f"sqlite:///{tmp_path}/duckdb.db", "basismonitor", "run", str(panel),
         "--out", str(tmp_path / "duckdb.csv")],
    )  # fmt: skip
    assert duck.exit_code == 0, duck.output

    submitted = "koers-spark-submit-test"
    command = [
        str(cluster.home / "bin" / "spark-submit"),
        "--master", cluster.url,
        "--name", submitted,
        "--driver-memory", "512m",
        "--executor-memory", "512m",
        "--conf", "spark.executor.cores=1",
        *(f"--conf={key}={value}" for key, value in SMALL),
        str(ROOT / "src" / "koers" / "__main__.py"),
        "--db", f"sqlite:///{tmp_path}/spark.db",
        "basismonitor", "run", str(panel), "--engine", "spark",
        "--out", str(tmp_path / "spark.csv"),
    ]  # fmt: skip
    done = subprocess.run(
        command,
        env={**_driver_env(), "SPARK_HOME": str(cluster.home)},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:] + cluster.log_tail()
    assert "gepubliceerd" in done.stdout
    assert "# engine: spark" in (tmp_path / "spark.csv").read_text()
    assert _release_rows(tmp_path / "spark.csv") == _release_rows(tmp_path / "duckdb.csv")
    # on the cluster, under spark-submit's name: koers did not start a local session
    state = cluster.state()
    (app,) = [a for a in state["completedapps"] + state["activeapps"] if a["name"] == submitted]
    assert app["cores"] == 2 and app["memoryperexecutor"] == 512
