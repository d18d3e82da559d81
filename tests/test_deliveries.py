"""Data delivery at a glance: the judgement per indicator (binnen, te laat, verwacht, zonder
bron, onbekend), ``koers bronnen`` in table and JSON, and the portal's pages for the bureau
and for a partner."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from koers.areas import Observation
from koers.plan import plan_from_documents
from koers.programme.deliveries import deliveries
from koers.store import Store

from .helpers import PLAN_YAML, Portal

# E1 (no partner reports an effect) comes from a publisher in March after the year; the
# output O1 from Woonbron, by the end of June of the year after; O2 has no source at all.
PASSPORTS = """
passports:
  E1:
    sources: [{publisher: Gemeente Rotterdam, table: Wijkprofiel}]
    frequency: jaarlijks
    delivery: {publisher: Gemeente Rotterdam, month: 3, lag: 1}
  O1: {frequency: jaarlijks, delivery: {month: 6, lag: 1}}
  O2: {state: geen bron}
"""
PLAN = plan_from_documents({"plan.yaml": PLAN_YAML, "paspoorten.yaml": PASSPORTS})
FIGURES = "indicator,area,period,value\nE1,zuid,2024,61.5\nE1,zuid,2023,60.2\n"


def judged(today: date, figures: list[Observation], imported: dict[str, datetime]):
    return {r.indicator.id: r for r in deliveries(PLAN, figures, imported, year=2024, today=today)}


def test_a_figure_of_the_year_is_in_with_when_it_was_imported():
    figure = Observation("E1", "zuid", "2024", 61.5, batch="b1")
    rows = judged(date(2025, 7, 1), [figure], {"b1": datetime(2025, 2, 10, 9, 30)})
    e1 = rows["E1"]
    assert (e1.state, e1.figure, e1.imported) == ("binnen", figure, datetime(2025, 2, 10, 9, 30))
    assert e1.explanation == "Het cijfer over 2024 is ingelezen op 10 februari 2025."
    assert e1.due == date(2025, 3, 31) and e1.deliverers == ("Gemeente Rotterdam",)


def test_a_figure_imported_after_its_month_is_in_and_says_it_came_late():
    figure = Observation("E1", "zuid", "2024", 61.5, batch="b1")
    e1 = judged(date(2025, 7, 1), [figure], {"b1": datetime(2025, 5, 2)})["E1"]
    assert e1.state == "binnen"
    assert e1.explanation.endswith("na de verwachte levering (31 maart 2025).")


def test_a_missing_figure_is_expected_until_its_month_ends_then_late():
    older = Observation("O1", "zuid", "2023", 480.0, batch="b0")
    before = judged(date(2025, 6, 30), [older], {"b0": datetime(2024, 6, 1)})["O1"]
    assert before.state == "verwacht" and before.explanation == "Verwacht uiterlijk 30 juni 2025."
    assert before.latest == older and before.figure is None  # the latest figure is of 2023
    after = judged(date(2025, 7, 1), [older], {"b0": datetime(2024, 6, 1)})["O1"]
    assert after.state == "te laat"
    assert after.explanation == "Verwacht uiterlijk 30 juni 2025; het cijfer over 2024 ontbreekt."
    assert after.deliverers == ("Woonbron",)


def test_no_source_and_no_delivery_date_are_said_plainly():
    rows = judged(date(2025, 7, 1), [], {})
    assert rows["O2"].state == "zonder bron"
    assert rows["O2"].explanation == "Het plan noemt geen bron voor deze indicator."


def test_a_partner_sees_only_what_it_delivers():
    rows = deliveries(PLAN, [], {}, year=2024, today=date(2025, 7, 1), partner="gemeente")
    assert [r.indicator.id for r in rows] == ["O2"]  # I2's partner; E1 comes from a publisher


# --------------------------------------------------------------------------- koers bronnen


@pytest.fixture
def loaded(run, tmp_path: Path):
    plan = tmp_path / "plan"
    (plan / "data").mkdir(parents=True)
    (plan / "plan.yaml").write_text(PLAN_YAML, encoding="utf-8")
    (plan / "paspoorten.yaml").write_text(PASSPORTS, encoding="utf-8")
    (plan / "data" / "figures.csv").write_text(FIGURES, encoding="utf-8")
    assert run("load", str(plan)).exit_code == 0
    return run


def test_koers_bronnen_json_has_an_in_time_and_a_late_figure(loaded):
    result = loaded("bronnen", "--year", "2024", "--today", "2025-07-01", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = {r["indicator"]: r for r in json.loads(result.stdout)}
    assert rows["E1"]["state"] == "binnen"
    assert (rows["E1"]["period"], rows["E1"]["latest_period"]) == ("2024", "2024")
    assert rows["E1"]["imported"][:4] == str(date.today().year)  # the load just now
    assert rows["E1"]["delivered_by"] == ["Gemeente Rotterdam"]
    assert rows["O1"]["state"] == "te laat" and rows["O1"]["expected"] == "2025-06-30"
    assert rows["O1"]["delivered_by"] == ["Woonbron"] and rows["O1"]["latest_period"] is None
    assert rows["O2"]["state"] == "zonder bron"


def test_koers_bronnen_table_in_dutch(loaded):
    result = loaded("bronnen", "--year", "2024", "--today", "2025-05-01")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Levering van de cijfers over 2024" in out
    assert "30 juni 2025" in out and "Woonbron" in out
    assert "3 indicatoren over 2024 (stand 1 mei 2025): 1 binnen, 1 verwacht, 1 zonder bron" in out
    late = loaded("bronnen", "--year", "2024", "--today", "2025-07-01")
    assert "te laat: O1: Verwacht uiterlijk 30 juni 2025; het cijfer over 2024 ontbreekt." in (
        late.stdout
    )


def test_koers_bronnen_refuses_an_unknown_partner(loaded):
    result = loaded("bronnen", "--partner", "niemand")
    assert result.exit_code == 1 and "partner 'niemand' staat niet in het plan" in result.stderr


# --------------------------------------------------------------------------- the portal


def _with_passports(portal: Portal) -> None:
    """The portal's plan, now with passports, and a figure of O1 for 2020 (in) — O2's is
    missing; the year asked is long past, so a dated delivery is late."""
    portal.store.save_plan(
        plan_from_documents(
            {
                "plan.yaml": PLAN_YAML,
                "p.yaml": "passports:\n  O1: {delivery: {month: 6}}\n  O2: {delivery: {month: 3}}\n",
            }
        )
    )
    with portal.store.transaction() as tx:
        tx.observations.add_batch(
            "p",
            [Observation("O1", "zuid", "2020", 420.0)],
            source_name="o1.csv",
            checksum="o1-2020",
            format="csv",
        )


def _row(page: str, indicator: str) -> str:
    match = re.search(rf'<tr id="levering-{re.escape(indicator)}">(.*?)</tr>', page, re.S)
    assert match, indicator
    return match[1]


@pytest.mark.usefixtures("fast_hashing")
def test_the_bureau_sees_every_indicator_in_late_or_without_source(portal: Portal):
    _with_passports(portal)
    page = portal.client("bureau").get("/portaal/bronnen?jaar=2020")
    assert page.status_code == 200
    assert "Levering van de cijfers over 2020" in page.text
    assert "binnen" in _row(page.text, "O1") and "Woonbron" in _row(page.text, "O1")
    late = _row(page.text, "O2")
    assert "te laat" in late and "31 maart 2020" in late
    assert "Gemeente Rotterdam" in late  # I2's partner, and Woonbron as owner of A4
    assert "zonder bron" in _row(page.text, "E1")  # no source, nobody delivers it
    assert '<a href="/portaal/bronnen">Levering van cijfers</a>' in page.text


@pytest.mark.usefixtures("fast_hashing")
def test_a_partner_sees_which_figures_it_owes_and_by_when(portal: Portal):
    _with_passports(portal)
    page = portal.client("gerda").get("/portaal/bronnen?jaar=2020")
    assert page.status_code == 200
    assert "De cijfers die Gemeente Rotterdam levert" in page.text
    assert re.findall(r'<tr id="levering-([^"]+)">', page.text) == ["O2"]
    assert "31 maart 2020" in _row(page.text, "O2")
    assert portal.client("beheer").get("/portaal/bronnen").status_code == 403
    assert portal.client().get("/portaal/bronnen").status_code == 303  # log in first


def test_the_store_hands_the_batch_times_to_the_read_model(tmp_path: Path):
    from koers.programme import ProgrammeState

    store = Store.open(f"sqlite:///{tmp_path / 'k.db'}", create=True)
    try:
        store.save_plan(PLAN)
        with store.transaction() as tx:
            tx.observations.add_batch(
                "p",
                [Observation("E1", "zuid", "2024", 61.5)],
                source_name="e1.csv",
                checksum="e1",
                format="csv",
            )
        state = ProgrammeState.read(store, today=date(2025, 7, 1))
        e1 = {r.indicator.id: r for r in state.deliveries(2024)}["E1"]
        assert e1.state == "binnen" and e1.imported is not None
        assert e1.imported == state.batches[0].created_at
    finally:
        store.close()
