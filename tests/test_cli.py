"""The command line: thin commands, JSON for scripts, errors on stderr with exit code 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import EXAMPLE


def test_plan_check_ok_and_with_errors(run, tmp_path: Path):
    ok = run("plan", "check", str(EXAMPLE))
    assert ok.exit_code == 0
    assert ok.stdout.startswith("plan in orde: 2 pijlers, 6 indicatoren")
    (tmp_path / "p.yaml").write_text("programme: {id: x}\n")
    bad = run("plan", "check", str(tmp_path))
    assert bad.exit_code == 1
    assert "p.yaml:1: programme (x).name: required field is missing" in bad.stderr
    assert bad.stdout == ""


def test_demo_loads_the_example_prints_every_status_and_writes_the_reports(run, tmp_path):
    result = run("demo", "--plan", str(EXAMPLE), "--out", str(tmp_path), "--no-serve")
    assert result.exit_code == 0
    assert "observations.csv: batch" in result.stdout
    assert "6 indicatoren: 0 groen, 2 oranje, 3 rood, 1 grijs" in result.stdout
    assert (tmp_path / "2023" / "deel-1-zuid-op-koers.pdf").is_file()
    assert (tmp_path / "2023" / "deel-2-voortgangsrapportage.html").is_file()
    again = run("demo", "--plan", str(EXAMPLE), "--no-report", "--no-serve")
    assert "ongewijzigd" in again.stdout and "al geïmporteerd" in again.stdout


def test_status_json_for_scripts(run):
    run("load", str(EXAMPLE))
    result = run("status", "--format", "json", "--pillar", "werk")
    records = json.loads(result.stdout)
    assert [r["indicator"] for r in records] == ["niet-werkend", "bijstandsaandeel", "aandebak-zht"]
    share = records[1]
    assert share["status"] == "rood"
    assert share["expected"] == 37.4
    assert share["target_kind"] == "proportional_share"
    assert share["sources"] == ["Uitvoeringsplan 2023-2027, hoofdstuk 5 (seed:4618-4619)"]
    assert share["batches"]  # every number traces back to its import batch
    vsv = next(
        r for r in json.loads(run("status", "--format", "json").stdout) if r["indicator"] == "vsv"
    )
    assert (vsv["reference_area"], vsv["reference"], vsv["status"]) == ("g4", 2.4, "oranje")


def test_status_table_and_options(run):
    run("load", str(EXAMPLE))
    table = run("status", "--year", "2011")
    assert table.exit_code == 0 and "Nieuwe voortijdig schoolverlaters" in table.stdout
    unknown = run("status", "--pillar", "wonen")
    assert unknown.exit_code == 1 and "pijler 'wonen' staat niet in het plan" in unknown.stderr
    area = run("status", "--area", "mars")
    assert area.exit_code == 1 and "gebied 'mars' staat niet in het plan" in area.stderr


def test_status_reads_as_one_block_per_indicator_within_the_width(run, sqlite_url):
    from koers.assess import evaluate
    from koers.cli.render import status_report
    from koers.store import Store

    run("load", str(EXAMPLE))
    lines = run("status").stdout.splitlines()
    at = lines.index("● oranje  vsv Nieuwe voortijdig schoolverlaters")
    assert lines[at + 1] == "          Zuid, 2020/2021: 2,9% (verwacht 2,9%)"
    assert lines[at + 2].startswith("          Zuid 2,9% tegen G4 2,4%: de achterstand slonk")
    assert "Zuid, 1 oktober 2020: 15,0%" in "\n".join(lines)  # a date as a reader says it
    with Store.open(sqlite_url) as store:
        plan = store.plan("voorbeeld")
        results = evaluate(plan, store.observations("voorbeeld"))
    narrow = status_report(plan, results, 80).plain.splitlines()
    assert max(len(line) for line in narrow) <= 80  # an 80-column terminal
    vsv = next(r for r in results if r.indicator == "vsv")
    block = narrow[narrow.index("● oranje  vsv Nieuwe voortijdig schoolverlaters") + 2 :]
    assert " ".join(line.strip() for line in block[:3]) == vsv.explanation  # wrapped, not cut


def test_import_revision_and_errors(run, tmp_path: Path):
    run("load", str(EXAMPLE))
    revised = tmp_path / "herzien.csv"
    revised.write_text("indicator;area;period;value\nbijstandsaandeel;zuid;2022;39,9\n")
    dry = run("import", "--dry-run", str(revised))
    assert "proefdraai, niets opgeslagen: 0 nieuw, 1 herzien, 0 ongewijzigd" in dry.stdout
    assert "bijstandsaandeel zuid 2022: 40.3 → 39.9" in dry.stdout
    done = run("import", str(revised))
    assert "0 nieuw, 1 herzien" in done.stdout
    records = json.loads(run("status", "--format", "json").stdout)
    record = next(r for r in records if r["indicator"] == "bijstandsaandeel")
    assert record["value"] == 39.9
    broken = tmp_path / "fout.csv"
    broken.write_text("indicator,area,period,value\nvsv,zuid,2022,veel\n")
    failed = run("import", str(broken))
    assert failed.exit_code == 1
    assert "fout.csv, rij 2, kolom 'value': 'veel' is geen getal" in failed.stderr


def test_commands_without_a_plan_say_what_to_do(run, sqlite_url):
    result = run("status")  # no database at all: it is not made
    assert result.exit_code == 1
    assert f"fout: de database {sqlite_url} bestaat niet" in result.stderr
    assert "laad eerst een plan met 'koers load DIR'" in result.stderr
    assert run("db", "upgrade").exit_code == 0  # an empty database, at the schema version
    empty = run("status")
    assert empty.exit_code == 1
    assert f"fout: de database {sqlite_url} bevat nog geen plan" in empty.stderr


def test_plan_schema_export(run, tmp_path: Path):
    target = tmp_path / "schema.json"
    assert run("plan", "schema", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text())["title"] == "koers plan file"


NPRZ = EXAMPLE.parent / "nprz-2023-2027"


def test_plan_summary_counts_what_the_plan_holds(run):
    summary = json.loads(run("plan", "summary", str(NPRZ), "--format", "json").stdout)
    assert summary["pillars"] == {"aandachtsgebied": 2, "pillar": 5, "thema": 1}
    assert sum(summary["partners"].values()) == 58
    assert summary["areas"]["wijk"] == 15
    assert summary["finance"] and summary["governance"]
    table = run("plan", "summary", str(NPRZ))
    assert "Partners (ondertekenaars)" in table.stdout and "onderwijs 20" in table.stdout


def test_plan_summary_of_the_loaded_plan(run):
    run("load", str(EXAMPLE))
    summary = json.loads(run("plan", "summary", "--format", "json").stdout)
    assert summary["programme"] == "voorbeeld"
    assert summary["indicators"] == {"context": 1, "effect": 4, "output": 1}


def test_agreements_listing_and_filters(run):
    rows = json.loads(run("agreements", str(NPRZ), "--owner", "politie", "--format", "json").stdout)
    assert rows and all("Politie Rotterdam" in r["owners"] for r in rows)
    werk = json.loads(run("agreements", str(NPRZ), "--pillar", "werk", "--format", "json").stdout)
    assert werk and {r["pillar"] for r in werk} == {"werk"}
    everything = json.loads(run("agreements", str(NPRZ), "--format", "json").stdout)
    commitments = [r for r in everything if r["kind"] in ("afspraak", "toezegging")]
    assert all(r["owners"] for r in commitments)  # a name, or "niet vermeld"
    assert any(r["owners"] == ["niet vermeld"] for r in everything)
    assert {r["status"] for r in commitments} == {"niet gerapporteerd"}
    assert {r["status"] for r in everything if r not in commitments} == {"geen afspraak"}
    done = json.loads(
        run("agreements", str(NPRZ), "--status", "afgerond", "--format", "json").stdout
    )
    assert done == []
    unknown = run("agreements", str(NPRZ), "--owner", "nobody")
    assert unknown.exit_code == 1 and "partner 'nobody' staat niet in het plan" in unknown.stderr


def test_the_main_job_on_the_nprz_plan(run):
    result = run("demo", "--plan", str(NPRZ), "--no-report", "--no-serve")
    assert result.exit_code == 0
    assert "10-ambitie-wijken.csv: batch" in result.stdout
    assert "337 indicatoren:" in result.stdout
    records = json.loads(run("status", "--format", "json").stdout)
    share = next(r for r in records if r["indicator"] == "E5.4")
    assert share["explanation"].startswith(
        "Rotterdam-Zuid 40,3% van het totaal, beoogd voor 2022 was 37,4% (vanaf deze nulmeting"
    )


def test_import_history_and_undo(run, tmp_path: Path):
    run("load", str(EXAMPLE))
    revised = tmp_path / "herzien.csv"
    revised.write_text("indicator,area,period,value\nbijstandsaandeel,zuid,2022,39.9\n")
    run("import", str(revised))
    batches = json.loads(run("import", "history", "--format", "json").stdout)
    assert [(b["source"], b["added"], b["revised"], b["state"]) for b in batches] == [
        ("observations.csv", 23, 0, "applied"),
        ("herzien.csv", 0, 1, "applied"),
    ]
    undone = run("import", "undo", batches[1]["id"])
    assert undone.exit_code == 0 and "teruggedraaid" in undone.stdout
    records = json.loads(run("status", "--format", "json").stdout)
    assert next(r for r in records if r["indicator"] == "bijstandsaandeel")["value"] == 40.3
    table = run("import", "history")
    assert "teruggedraaid" in table.stdout and "observations.csv" in table.stdout
    again = run("import", "undo", batches[1]["id"])
    assert again.exit_code == 1 and "al ongedaan gemaakt" in again.stderr


def test_help_starts_without_loading_the_commands():
    """``koers --help`` lists every command without importing the library behind them."""
    heavy = ("koers.store", "koers.web", "koers.sources", "koers.basismonitor", "sqlalchemy")
    code = (
        "import sys\n"
        "from koers.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "status" in result.stdout and "Status van elke indicator" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_an_unexpected_error_is_one_line_and_the_traceback_comes_with_debug(
    run, sqlite_url, monkeypatch
):
    from click.testing import CliRunner

    import koers.cli.programme
    from koers.cli import main

    assert run("load", "--no-data", str(EXAMPLE)).exit_code == 0

    def broken(*_args, **_kwargs):
        raise RuntimeError("schijf vol\nen nog veel meer")

    monkeypatch.setattr(koers.cli.programme, "evaluate", broken)
    failed = CliRunner().invoke(main, ["--db", sqlite_url, "status"])
    assert failed.exit_code == 1
    assert failed.stderr.strip().splitlines() == [
        "fout: onverwachte fout (RuntimeError: schijf vol); de volledige melding met koers --debug"
    ]
    debug = CliRunner().invoke(main, ["--db", sqlite_url, "--debug", "status"])
    assert isinstance(debug.exception, RuntimeError)
