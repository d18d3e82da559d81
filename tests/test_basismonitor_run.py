"""A Basismonitor run end to end: synthetic panel → kernels → disclosure gate → the store.

One small synthetic panel (the four cities, so thousands live on Zuid) serves the module;
each test loads the NPRZ plan into a fresh SQLite store.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from koers import workflow as wf
from koers.basismonitor import publish
from koers.basismonitor.audit import audit
from koers.basismonitor.policy import RuleBook
from koers.basismonitor.synth import calibration_targets, generate
from koers.plan.period import period_year
from koers.store import Store, StoreError
from tests.conftest import EXAMPLE, NPRZ

PERSONS = 40_000


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bm") / "panel"
    generate(out, persons=PERSONS, years=12, seed=7, scope="g4")
    return out


@pytest.fixture
def nprz_store(run, sqlite_url) -> Store:  # type: ignore[no-untyped-def]
    assert run("load", "--no-data", str(NPRZ)).exit_code == 0
    with Store.open(sqlite_url) as store:
        yield store


def test_a_run_stores_only_what_the_gate_publishes(nprz_store, panel, tmp_path):
    out, annex = tmp_path / "vrijgave.csv", tmp_path / "bijlage.csv"
    outcome = publish.run(nprz_store, panel, out=out, annex=annex)
    counted = outcome.counted()
    assert counted["onderdrukt"] > 0 and counted["gepubliceerd"] > 0
    published = {v.key for v in outcome.verdicts if not v.suppressed}
    suppressed = {v.key for v in outcome.verdicts if v.suppressed}
    mapping = {
        c.column: c.indicator for c in publish.basismonitor_mapping(nprz_store.plan("nprz")).columns
    }
    measure_of = {indicator: measure for measure, indicator in mapping.items()}
    current = nprz_store.observations("nprz", breakdowns=True)
    stored = [o for o in current if o.batch == outcome.batch.batch]  # type: ignore[union-attr]
    assert len(stored) == len(outcome.stored) > 1000
    for o in stored:
        key = (measure_of[o.indicator], o.period, o.category or "", o.area)
        assert key in published and key not in suppressed
        assert o.denominator is not None and o.denominator >= 10
        assert o.note is not None and o.note.startswith("onthullingscontrole: gepubliceerd")
        assert o.source == f"Basismonitor, synthetisch panel {panel.name} (duckdb, seed 7)"
        assert o.status == "synthetisch"
    # the release file: every aggregate, suppressed values empty, no reasons, no raw counts
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# koers basismonitor vrijgavebestand"
    assert "# synthetisch: ja" in lines and "# seed: 7" in lines
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    assert len(rows) == len(outcome.verdicts)
    assert "reden" not in rows[0] and "aantal_eenheden" not in rows[0]
    hidden = [r for r in rows if r["besluit"] == "onderdrukt"]
    assert hidden and all(r["waarde"] == r["teller"] == r["noemer"] == "" for r in hidden)
    # the annex: the true counts and the reasons, for the checkers only
    text = annex.read_text(encoding="utf-8")
    assert text.startswith("# koers basismonitor controlebijlage: ALLEEN VOOR DE OUTPUTCONTROLEURS")
    annexed = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert len(annexed) == len(outcome.verdicts)
    assert all(r["reden"] and r["regels"] for r in annexed)
    assert any(r["reden"].startswith("secundair") for r in annexed)
    assert "0 onderdrukte cellen af te leiden" in text
    # a reason names the rule and its limit, never a count of the cell
    for v in outcome.verdicts:
        counts = {str(round(x)) for x in (v.cell.numerator, v.cell.denominator) if x}
        words = {w.strip("();,%") for w in v.reason.split()}
        assert not (counts - {"10", "100", "30", "50", "85", "2"}) & words, v.reason


def test_rounding_leaves_no_unrounded_count_in_the_release_file(nprz_store, panel, tmp_path):
    out = tmp_path / "vrijgave.csv"
    outcome = publish.run(nprz_store, panel, rules=RuleBook.of(round_to=5), out=out)
    rows = list(
        csv.DictReader(
            line for line in out.read_text(encoding="utf-8").splitlines() if line[0] != "#"
        )
    )
    shown = [r for r in rows if r["besluit"] != "onderdrukt"]
    assert shown and {r["besluit"] for r in shown} == {"afgerond"}
    for r in shown:
        for column in ("teller", "noemer"):
            assert r[column] == "" or int(r[column]) % 5 == 0, r
        decimals = r["waarde"].partition(".")[2]
        assert len(decimals) <= 1, r  # the indicator's decimals, never the full ratio
    by_key = {(r["maat"], r["periode"], r["schoolwegingband"], r["gebied"]): r for r in rows}
    raw = 0
    for v in outcome.verdicts:
        row = by_key[v.key]
        if not v.suppressed and v.cell.denominator % 5:
            raw += 1
            assert str(round(v.cell.denominator)) not in (row["teller"], row["noemer"])
    assert raw > 100  # plenty of true counts that are not multiples of 5, none shown


def test_the_audit_finds_nothing_on_the_nprz_areas_after_a_synthetic_run(nprz_store, panel):
    plan = nprz_store.plan("nprz")
    area_cells, area_relations, area_spans = publish.compute(plan, panel)
    verdicts = publish.gate(
        area_cells, area_relations, RuleBook(), spans=area_spans, keep_area="zuid"
    )
    assert audit(area_spans, [v.key for v in verdicts if v.suppressed]) == []
    # not a test that cannot fail: without the audit the same cells leave some recoverable
    old = publish.gate(area_cells, area_relations, RuleBook())
    assert audit(area_spans, [v.key for v in old if v.suppressed])
    # the programme's own area is never a complementary suppression for another area: a
    # Zuid cell is suppressed secondarily only to protect a Zuid cell (another of its bands,
    # another category of its distribution), never for Rotterdam without Zuid or a wijk
    secondary = [v for v in verdicts if v.key[3] == "zuid" and v.suppressed and not v.primary]
    for verdict in secondary:
        assert "= som van" not in verdict.reason, (verdict.key, verdict.reason)
        if "terug te rekenen uit gepubliceerde" in verdict.reason:
            assert "/ zuid terug te rekenen" in verdict.reason, (verdict.key, verdict.reason)
    # ... and its headline figures (a measure, not a band or a category of a distribution)
    # never are
    categories = {m for members in publish.DISTRIBUTIONS.values() for m in members}
    distributions = set(publish.DISTRIBUTIONS)
    headline = [v for v in secondary if not v.key[2] and v.key[0] not in categories | distributions]
    assert headline == []


def test_schoolweging_bands_are_stored_as_breakdowns_and_leave_the_total_alone(nprz_store, panel):
    """Issue 18.1 / 20.8: a published band cell is a breakdown (schoolweging, the band) of
    its indicator's figure; the total stays the cell of the whole area, never their sum."""
    outcome = publish.run(nprz_store, panel)
    published = {v.key: v for v in outcome.verdicts if not v.suppressed}
    bands = [o for o in outcome.stored if o.dimension is not None]
    assert bands and {o.dimension for o in bands} == {"schoolweging"}
    # every school row is compared per band (issue 20.3), among them T1.R5-T1.R7
    assert {"T1.R5", "T1.R6", "T1.R7"} <= {o.indicator for o in bands}
    plan = nprz_store.plan("nprz")
    decimals = {i.id: i.decimals for i in plan.indicators}
    mapped = {c.indicator: c for c in publish.basismonitor_mapping(plan).columns}
    for o in bands:
        column = mapped[o.indicator]  # the measure the indicator is mapped from
        verdict = published[(column.column, o.period, o.category, o.area)]
        expected = round(verdict.ratio * column.scale, decimals[o.indicator])  # type: ignore[operator]
        assert o.value == expected
    current = nprz_store.observations("nprz", breakdowns=True)
    stored_bands = [o for o in current if o.dimension == "schoolweging"]
    assert sorted(o.key for o in stored_bands) == sorted(o.key for o in bands)
    # the total of an area and period with bands is the whole area's own cell
    totals = {(o.indicator, o.area, o.period): o for o in nprz_store.observations("nprz")}
    checked = 0
    for o in bands:
        total = totals.get((o.indicator, o.area, o.period))
        whole = published.get((mapped[o.indicator].column, o.period, "", o.area))
        if whole is None:
            assert total is None  # suppressed: no total is formed from the bands
            continue
        assert total is not None and total.dimension is None
        scale = mapped[o.indicator].scale
        assert total.value == round(whole.ratio * scale, decimals[o.indicator])  # type: ignore[operator]
        checked += 1
    assert checked > 0


def test_the_indicator_page_shows_the_schoolweging_bands(nprz_store, panel, sqlite_url):
    from fastapi.testclient import TestClient

    from koers.web.app import create_app

    outcome = publish.run(nprz_store, panel)
    band = next(o for o in outcome.stored if o.dimension == "schoolweging" and o.area == "zuid")
    with TestClient(create_app(sqlite_url)) as client:
        page = client.get(f"/indicatoren/{band.indicator}").text
        rows = client.get(f"/indicatoren/{band.indicator}.csv").text.splitlines()
    section = page.split("<h3>Uitsplitsing</h3>", 1)[1].split("</table>", 1)[0]
    assert f"schoolwegingband: {band.category}" in section
    assert any(
        line.startswith(f"{band.indicator},zuid,{band.period},")
        and line.endswith(f",schoolweging,{band.category}")
        for line in rows
    )


def test_a_g4_panel_publishes_no_nederland(nprz_store, panel):
    outcome = publish.run(nprz_store, panel)
    areas = {v.key[3] for v in outcome.verdicts}
    assert "g4" in areas and "zuid" in areas and "nl" not in areas


def test_a_synthetic_run_is_refused_into_a_store_with_real_figures(run, sqlite_url, panel):
    assert run("load", str(NPRZ)).exit_code == 0  # with the plan's printed (real) figures
    with Store.open(sqlite_url) as store:
        real = {(o.indicator, o.area, o.period): o for o in store.observations("nprz")}
        with pytest.raises(StoreError, match="synthetisch panel"):
            publish.run(store, panel)
        assert [b for b in store.batches("nprz") if b.format == "basismonitor"] == []
        allowed = publish.run(store, panel, allow_synthetic=True)
        assert allowed.skipped_real > 0  # T1.R12 for Zuid in 2021 and the like stay real
        now = {(o.indicator, o.area, o.period): o for o in store.observations("nprz")}
        for key, figure in real.items():
            assert now[key].value == figure.value and now[key].status != "synthetisch"
        added = [o for k, o in now.items() if k not in real]
        assert added and all(o.status == "synthetisch" for o in added)
    refused = run("basismonitor", "run", str(panel))
    assert refused.exit_code == 1 and "synthetisch" in refused.stderr


def test_a_negative_income_does_not_stop_the_run(nprz_store, panel, tmp_path):
    copy = tmp_path / "panel"
    shutil.copytree(panel, copy)
    part = sorted((copy / "year=2019").glob("*.parquet"))[0]
    table = pq.read_table(part)
    rows = table.to_pylist()
    # every member of one Zuid household loses 3 million
    target = next(
        r["household"] for r in rows if r["buurt"] == "BU05991086" and r["household_income"]
    )
    for r in rows:
        if r["household"] == target:
            r["household_income"] = -3_000_000.0
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), part, store_schema=False)
    outcome = publish.run(nprz_store, copy)
    income = {v.key[3]: v for v in outcome.verdicts if v.key[:3] == ("T1.R15", "2019", "")}
    assert income["afrikaanderwijk"].suppressed
    assert "extreme waarde" in income["afrikaanderwijk"].reason


def test_the_release_file_imports_into_a_fresh_store(nprz_store, panel, tmp_path):
    from click.testing import CliRunner

    from koers.cli import main

    out, annex = tmp_path / "vrijgave.csv", tmp_path / "bijlage.csv"
    outcome = publish.run(nprz_store, panel, rules=RuleBook.of(round_to=5), out=out, annex=annex)
    direct = {o.key: o for o in outcome.stored}
    home = f"sqlite:///{tmp_path / 'thuis.db'}"

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["--db", home, *args])

    assert run("load", "--no-data", str(NPRZ)).exit_code == 0
    done = run("import", str(out))
    assert done.exit_code == 0, done.stderr
    with Store.open(home) as store:
        imported = {o.key: o for o in store.observations("nprz", breakdowns=True)}
        (batch,) = store.batches("nprz")
    assert batch.format == "basismonitor"
    assert imported.keys() == direct.keys()
    assert any(key[3] == "schoolweging" for key in imported)  # the bands came home too
    for key, figure in imported.items():
        mine = direct[key]
        assert (figure.value, figure.numerator, figure.denominator) == (
            mine.value,
            mine.numerator,
            mine.denominator,
        )
        assert figure.status == "synthetisch"
        assert figure.source == mine.source  # the panel, engine and seed
        assert figure.note is not None and f"run {outcome.provenance['run']}" in figure.note
    refused = run("import", str(annex))
    assert refused.exit_code == 1 and "controlebijlage" in refused.stderr


def test_the_kernels_on_the_synthetic_panel_reproduce_tabel_1_for_zuid(nprz_store, panel):
    outcome = publish.run(nprz_store, panel)
    # what the kernels computed, before the gate: at this size most school rows of Zuid have
    # fewer than 10 units with the property and are (rightly) not published
    computed = {}
    for verdict in outcome.verdicts:
        indicator, period, breakdown, area = verdict.cell.key[:4]
        cell = verdict.cell
        if area == "zuid" and not breakdown and cell.numerator is not None:
            top, bottom = cell.weighted or (cell.numerator, cell.denominator)
            computed[(indicator, period_year(period))] = (100 * top / bottom, cell.denominator)
    stored = {
        (o.indicator, period_year(o.period)): o
        for o in outcome.stored
        if o.area == "zuid" and not o.key[3]  # the whole, not a schoolweging band
    }
    checked: list[str] = []
    for target in calibration_targets():
        if target.area != "zuid" or target.indicator in ("T1.R1", "T1.R15"):
            continue
        found = computed.get((target.indicator, target.year))
        if found is None:
            continue
        value, denominator = found
        published = stored.get((target.indicator, target.year))
        if published is not None:
            assert published.value == pytest.approx(value, abs=0.5)  # rounded as the plan
        # sampling error at this size: 3 standard errors of the share, at least 2 points
        share = target.value / 100
        se = (share * (1 - share) / denominator) ** 0.5 * 100
        assert abs(value - target.value) <= max(2.0, 3 * se) + 1.5, (target, value)
        checked.append(target.indicator)
    assert len(checked) >= 100
    assert checked.count("T1.R12") == 12  # the school-leavers, every year


def test_a_second_run_of_the_same_panel_stores_nothing_and_undo_takes_it_back(
    nprz_store, panel, run
):
    first = publish.run(nprz_store, panel)
    again = publish.run(nprz_store, panel)
    assert again.batch is not None and again.batch.duplicate_of == first.batch.batch  # type: ignore[union-attr]
    other_rules = publish.run(nprz_store, panel, rules=RuleBook.of(min_count=20))
    assert other_rules.batch.duplicate_of is None  # type: ignore[union-attr]
    history = json.loads(run("import", "history", "--format", "json").stdout)
    assert [b["format"] for b in history].count("basismonitor") == 2
    assert run("import", "undo", other_rules.batch.batch).exit_code == 0  # type: ignore[union-attr]
    assert run("import", "undo", first.batch.batch).exit_code == 0  # type: ignore[union-attr]
    assert [
        o
        for o in nprz_store.observations("nprz")
        if o.source and o.source.startswith("Basismonitor")
    ] == []


def test_a_plan_without_a_basismonitor_mapping_is_refused_and_nothing_is_stored(
    run, sqlite_url, panel
):
    run("load", "--no-data", str(EXAMPLE))
    with Store.open(sqlite_url) as store:
        with pytest.raises(StoreError, match="koppelt geen Basismonitor-maten"):
            publish.run(store, panel)
        assert store.batches("voorbeeld") == []


def test_a_closed_year_refuses_the_whole_run(nprz_store, panel, monkeypatch):
    monkeypatch.setenv("KOERS_USER", "installateur")
    admin = wf.create_user(nprz_store, "nprz", "beheer", "een lang wachtwoord", "admin", by=None)
    bureau = wf.create_user(nprz_store, "nprz", "bureau", "een lang wachtwoord", "bureau", by=admin)
    wf.close_period(nprz_store, "nprz", 2015, bureau)
    with pytest.raises(Exception, match="het jaar 2015 is afgesloten"):
        publish.run(nprz_store, panel)
    assert nprz_store.batches("nprz") == []


def test_a_distribution_cannot_give_away_its_small_category():
    """Six advice categories add up to the cohort: one suppressed category would be the
    cohort minus the others, so the gate suppresses a second one."""
    from koers.basismonitor.rollup import AreaCell

    counts = {"pro": 3, "vmbo": 40, "vmbo_havo": 20, "havo": 30, "havo_vwo": 15, "vwo": 25}
    cells = [
        AreaCell(f"cohort.g8.advice.{advice}", "2020/2021", None, "zuid", n, sum(counts.values()))
        for advice, n in counts.items()
    ]
    verdicts = {v.key[0]: v for v in publish.gate(cells, [], RuleBook())}
    hidden = sorted(m for m, v in verdicts.items() if v.suppressed)
    assert len(hidden) == 2 and "cohort.g8.advice.pro" in hidden
    assert verdicts["cohort.g8.advice.pro"].primary and not verdicts[hidden[0]].primary
    assert not verdicts["cohort.g8.advice"].suppressed  # the cohort itself is published


def test_the_cli_synthesises_and_runs_with_a_progress_report(run, tmp_path):
    assert run("load", "--no-data", str(NPRZ)).exit_code == 0
    panel = tmp_path / "klein"
    made = run(
        "basismonitor",
        "synth",
        "--persons",
        "3000",
        "--years",
        "4",
        "--scope",
        "g4",
        "--out",
        str(panel),
    )
    assert made.exit_code == 0 and "3.000 personen" in made.stdout
    assert (
        run("basismonitor", "synth", "--persons", "10", "--out", str(panel)).exit_code == 1
    )  # not empty
    out = tmp_path / "uit.csv"
    done = run("basismonitor", "run", str(panel), "--round-to", "5", "--out", str(out))
    assert done.exit_code == 0, done.stderr
    assert "aggregaten:" in done.stdout and "onderdrukt" in done.stdout and "batch " in done.stdout
    assert "synthetisch" in done.stdout
    rows = list(
        csv.DictReader(line for line in out.read_text("utf-8").splitlines() if line[0] != "#")
    )
    published = [r for r in rows if r["besluit"] == "afgerond"]
    assert published and all(float(r["noemer"]) % 5 == 0 for r in published)
    missing = run("basismonitor", "run", str(tmp_path / "bestaatniet"))
    assert missing.exit_code == 1 and "geen panel" in missing.stderr
