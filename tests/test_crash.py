"""Crash safety: a process killed with SIGKILL in the middle of a write leaves the store
consistent, each batch entirely present or entirely absent, on SQLite and PostgreSQL.

The write runs in a child process. A SQLAlchemy event in the child counts the INSERTs the
write sends; after the K-th it tells the parent (a file appears) and waits, inside the open
transaction. The parent then kills it with SIGKILL and opens the store again. No hook in
the product: the child only listens to its own engine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from koers import workflow as wf
from koers.plan import load_plan
from koers.store import Store
from koers.store import schema as t
from tests.conftest import NPRZ, ROOT

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sqlalchemy import event
    from koers.store import Store

    operation, url, ready, after = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    store = Store.open(url)
    inserts = 0

    def pause(conn, cursor, statement, parameters, context, executemany):
        global inserts
        if statement.lstrip().upper().startswith("INSERT"):
            inserts += 1
            if inserts == after:
                ready.write_text("in de transactie")
                time.sleep(120)  # killed here

    event.listen(store.engine, "after_cursor_execute", pause)
    if operation == "load":
        from koers.plan import load_plan
        store.save_plan(load_plan(sys.argv[5]))
    elif operation == "import":
        from koers.sources import import_file
        import_file(store, sys.argv[5])
    elif operation == "basismonitor":
        from koers.basismonitor.publish import run
        run(store, Path(sys.argv[5]))
    elif operation == "approve":
        from koers import workflow as wf
        bureau = wf.authenticate(store, "bureau", sys.argv[6])
        update = wf.get_update(store, int(sys.argv[5]))
        wf.approve(store, update.id, bureau, update.version)
    ready.write_text("klaar")  # not killed: the write finished before the K-th insert
    """
)


def url_of(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def kill_during(operation: str, store: Store, tmp_path: Path, after: int, *args: str) -> bool:
    """Run ``operation`` in a child, SIGKILL it after its ``after``-th INSERT; True when it
    was killed mid-write (False: it finished first)."""
    ready = tmp_path / f"klaar-{operation}-{after}"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "KOERS_USER": "test"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, operation, url_of(store), str(ready), str(after), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        if child.poll() is not None:
            raise AssertionError(f"the child ended: {child.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the child never reached the write"
        time.sleep(0.02)
    killed = ready.read_text() != "klaar"
    if killed:
        child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.stderr is not None
    child.stderr.close()
    return killed


def consistent_batches(store: Store) -> None:
    """Every batch has exactly the rows it says it added or revised; no row lacks its batch."""
    with store.engine.begin() as c:
        batches = c.execute(select(t.import_batches)).mappings().all()
        counts = dict(
            c.execute(
                select(t.observations.c.batch_id, func.count()).group_by(t.observations.c.batch_id)
            ).all()
        )
    for batch in batches:
        if batch["format"] in ("geojson", "topojson"):
            continue
        assert counts.pop(batch["id"], 0) == batch["added"] + batch["revised"], batch["id"]
    assert counts == {}, "observations without their batch"


def test_a_plan_load_killed_halfway_leaves_no_half_plan(store, tmp_path):
    assert kill_during("load", store, tmp_path, 200, str(NPRZ))
    reopened = Store.open(url_of(store))
    assert reopened.programme_ids() == []  # all or nothing: nothing
    with reopened.engine.begin() as c:
        assert c.scalar(select(func.count()).select_from(t.plan_versions)) == 0
    reopened.save_plan(load_plan(NPRZ))  # and the store takes the plan afterwards
    assert len(reopened.plan("nprz").indicators) == len(load_plan(NPRZ).indicators)
    reopened.close()


def test_an_import_killed_halfway_is_entirely_absent(store, tmp_path):
    store.save_plan(load_plan(NPRZ))
    figures = tmp_path / "veel.csv"
    areas = [a.id for a in load_plan(NPRZ).areas][:40]
    lines = ["indicator,area,period,value"]
    lines += [
        f"T1.R2,{area},{year},{year % 50 + 1}" for area in areas for year in range(1896, 2026)
    ]
    figures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert kill_during("import", store, tmp_path, 3, str(figures))  # batch row + 2 chunks
    reopened = Store.open(url_of(store))
    consistent_batches(reopened)
    assert reopened.batches("nprz") == [] and reopened.observations("nprz") == []
    reopened.close()


@pytest.fixture(scope="module")
def tiny_panel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from koers.basismonitor.synth import generate

    out = tmp_path_factory.mktemp("crash") / "panel"
    generate(out, persons=3000, years=4, seed=2, scope="g4")
    return out


def test_a_basismonitor_publish_killed_halfway_is_entirely_absent(store, tmp_path, tiny_panel):
    store.save_plan(load_plan(NPRZ))
    assert kill_during("basismonitor", store, tmp_path, 2, str(tiny_panel))
    reopened = Store.open(url_of(store))
    consistent_batches(reopened)
    assert reopened.observations("nprz") == []
    reopened.close()


def test_an_approval_killed_halfway_leaves_the_update_submitted_and_no_figure(
    store, tmp_path, monkeypatch
):
    monkeypatch.setenv("KOERS_USER", "test")
    plan = load_plan(NPRZ)
    store.save_plan(plan)
    output = next(i for i in plan.indicators if wf.reporters(plan, i))
    partner_id = sorted(wf.reporters(plan, output))[0]
    password = "een lang genoeg wachtwoord"
    admin = wf.create_user(store, "nprz", "beheer", password, "admin", by=None)
    wf.create_user(store, "nprz", "bureau", password, "bureau", by=admin)
    partner = wf.create_user(store, "nprz", "partner", password, "partner", partner_id, by=admin)
    update = wf.draft_update(
        store, "nprz", partner, indicator=output.id, area="zuid", period="2024", value=12
    )
    update = wf.submit(store, update.id, partner, update.version)
    audit_before = len(wf.audit_log(store, "nprz"))
    assert kill_during("approve", store, tmp_path, 1, str(update.id), password)
    reopened = Store.open(url_of(store))
    assert wf.get_update(reopened, update.id).state is wf.State.SUBMITTED
    assert reopened.observations("nprz") == [] and reopened.batches("nprz") == []
    assert len(wf.audit_log(reopened, "nprz")) == audit_before
    consistent_batches(reopened)
    reopened.close()
