"""The plan's history: ``koers plan diff`` lists exactly the changes made, ``koers plan
history`` the versions, the public page "Wijzigingen in het plan", and a past year judged
against the target of the version valid then, saying so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from koers.plan import load_plan
from koers.plan.diff import diff_plans, summary

from .conftest import EXAMPLE


def changed_copy(tmp_path: Path) -> Path:
    """The example plan with five changes, each of another sort."""
    copy = tmp_path / "gewijzigd"
    shutil.copytree(EXAMPLE, copy)
    plan = copy / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    edits = [
        # 1. a field of the programme: the version is valid from 2024 on
        ("  period_end: 2027\n", "  period_end: 2027\n  valid_from: 2024\n"),
        # 2. a target's value
        ("      value: 600\n", "      value: 500\n"),
        # 3. a text: an indicator's name
        (
            "name: Niet-werkende beroepsbevolking (% van 15-75 jaar)",
            "name: Niet-werkende beroepsbevolking (% van 15 tot 75 jaar)",
        ),
        # 4. a second target on one indicator
        (
            '    target: *g4-niveau\n    ref: "Tabel 1, rij 12; seed:209-212"\n',
            "    target: *g4-niveau\n    also: [{kind: ceiling, level: 2.0, ref: 'hfst. 4'}]\n"
            '    ref: "Tabel 1, rij 12; seed:209-212"\n',
        ),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    # 5. an item added
    text += "\ninterventions:\n  - {id: I9, name: Nieuwe aanpak, pillar: werk}\n"
    plan.write_text(text, encoding="utf-8")
    return copy


EXPECTED = {
    ("programme", "", "gewijzigd", None, "valid_from"),
    ("indicators", "aandebak-zht", "gewijzigd", 1, "value"),
    ("indicators", "niet-werkend", "gewijzigd", None, "name"),
    ("indicators", "vsv", "toegevoegd", 2, None),
    ("interventions", "I9", "toegevoegd", None, None),
}


def test_diff_lists_exactly_the_changes_made(run, tmp_path: Path):
    result = run("plan", "diff", str(EXAMPLE), str(changed_copy(tmp_path)), "--format", "json")
    assert result.exit_code == 0, result.stderr
    found = {
        (d["section"], d["item"], d["change"], d["target"], d["field"])
        for d in json.loads(result.stdout)
    }
    assert found == EXPECTED
    assert len(json.loads(result.stdout)) == len(EXPECTED)  # each change once


def test_diff_says_each_change_in_words(run, tmp_path: Path):
    copy = changed_copy(tmp_path)
    lines = run("plan", "diff", str(EXAMPLE), str(copy)).stdout.splitlines()
    assert lines[0] == f"Van {EXAMPLE} naar {copy}: 5 wijzigingen"
    assert sorted(lines[1:]) == sorted(
        [
            "- programma: valid_from gewijzigd van leeg naar 2024",
            "- indicator aandebak-zht, doel 1: value gewijzigd van 600 naar 500",
            "- indicator niet-werkend: tekst van name gewijzigd van 'Niet-werkende "
            "beroepsbevolking (% van 15-75 jaar)' naar 'Niet-werkende beroepsbevolking (% "
            "van 15 tot 75 jaar)'",
            "- indicator vsv, doel 2 toegevoegd: ceiling, level 2 (hfst. 4)",
            "- interventie I9 toegevoegd: 'Nieuwe aanpak'",
        ]
    )


def test_the_same_plan_has_no_differences():
    plan = load_plan(EXAMPLE)
    assert diff_plans(plan, plan) == []
    assert summary([]) == "geen wijzigingen"


def test_history_and_diff_of_stored_versions(run, tmp_path: Path):
    assert run("load", str(EXAMPLE)).exit_code == 0
    only = run("plan", "diff")
    assert only.exit_code == 2 and "geen eerdere versie" in only.stderr
    assert run("load", str(changed_copy(tmp_path)), "--no-data").exit_code == 0
    history = json.loads(run("plan", "history", "--format", "json").stdout)
    assert [(v["version"], v["valid_from"]) for v in history] == [(1, None), (2, 2024)]
    assert history[0]["summary"] == "eerste versie"
    # four items changed (the programme, three indicators), one added
    assert history[1]["summary"] == "1 toegevoegd, 4 gewijzigd"
    assert history[1]["loaded_by"] and history[1]["loaded_at"]
    table = run("plan", "history").stdout
    assert "Versies van het plan" in table and "elk jaar" in table and "2024" in table
    stored = json.loads(run("plan", "diff", "--format", "json").stdout)
    assert {(d["section"], d["item"], d["change"], d["target"], d["field"]) for d in stored} == (
        EXPECTED
    )
    assert run("plan", "diff", "1", "2").stdout.startswith("Van versie 1 naar versie 2:")
    missing = run("plan", "diff", "7", "2")
    assert missing.exit_code == 1 and "planversie 7 staat niet in de database" in missing.stderr


def test_a_past_year_is_judged_against_the_target_valid_then(run, tmp_path: Path):
    run("load", str(EXAMPLE))
    run("load", str(changed_copy(tmp_path)), "--no-data")  # 500 from 2024 on

    def aandebak(*args: str) -> dict[str, object]:
        records = json.loads(run("status", "--format", "json", *args).stdout)
        return next(r for r in records if r["indicator"] == "aandebak-zht")

    # 2023 still had version 1's 600: 557 is 43 short, beyond 5%
    past = aandebak("--year", "2023")
    assert (past["status"], past["expected"], past["judged_version"]) == ("rood", 600, 1)
    assert past["explanation"] == (
        "Zuid 557 in 2023, op schema was 600 (doel 600 per jaar): 43 te weinig (93% van wat "
        "op schema was), meer dan de marge van 30 (5% van de waarde op schema); geen eerder "
        "cijfer om verbetering aan te zien. Beoordeeld tegen het doel van planversie 1, dat in 2023 gold; het huidige doel (versie 2) is "
        "anders."
    )
    assert past["target_version"] == 2  # today's target came with version 2
    # a target that did not change says nothing of versions
    vsv = next(
        r
        for r in json.loads(run("status", "--format", "json", "--year", "2023").stdout)
        if r["indicator"] == "vsv"
    )
    assert "planversie" not in vsv["explanation"] and vsv["target_version"] == 1


def test_the_public_page_lists_every_version_with_its_changes(run, sqlite_url, tmp_path: Path):
    from fastapi.testclient import TestClient

    from koers.web import create_app

    run("load", str(EXAMPLE))
    run("load", str(changed_copy(tmp_path)), "--no-data")
    with TestClient(create_app(sqlite_url, reports_dir=None)) as client:
        page = client.get("/plan/wijzigingen")
        home = client.get("/").text
    assert page.status_code == 200
    text = page.text
    assert "Wijzigingen in het plan" in text
    assert text.index("Versie 2") < text.index("Versie 1")  # newest first
    assert "Geldig vanaf 2024." in text and "Geldt voor alle jaren." in text
    assert "indicator aandebak-zht, doel 1: value gewijzigd van 600 naar 500" in text
    assert "1 toegevoegd, 4 gewijzigd" in text
    assert "Wijzigingen in het plan</a>" in home  # linked from every page
