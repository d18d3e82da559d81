"""No silent revisions: a file that fits several mappings must say which one by its own
period, one moment is one figure however it is spelled, and figures of a period the file does
not state are revised only on request (``--revise``). Every refusal stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from koers.store import Store

PLAN = """
programme: {id: p, name: P, area: zuid, period_start: 2017, period_end: 2027, horizon: 2031}
pillars: [{id: wonen, name: Wonen}]
areas:
  - {id: rotterdam, name: Rotterdam, kind: municipality, cbs_code: GM0599}
  - {id: zuid, name: Zuid, kind: district, parent: rotterdam, cbs_code: WK059910}
indicators:
  - {id: inwoners, name: Inwoners, kind: context, pillar: wonen, unit: count,
     polarity: neutral, aggregation: sum, periodicity: reference_date}
mappings:
  - id: kwb-2023
    format: cbs
    name: Kerncijfers wijken en buurten 2023
    source: CBS, KWB 2023
    period: "2023-01-01"
    columns: [{column: AantalInwoners_5, indicator: inwoners}]
  - id: kwb-2024
    format: cbs
    name: Kerncijfers wijken en buurten 2024
    source: CBS, KWB 2024
    period: "2024-01-01"
    columns: [{column: AantalInwoners_5, indicator: inwoners}]
"""


@pytest.fixture
def koers(run, tmp_path: Path, sqlite_url: str):
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "plan.yaml").write_text(PLAN, encoding="utf-8")
    assert run("load", str(plan), "--no-data").exit_code == 0

    def figures() -> dict[tuple[str, str], float | None]:
        with Store.open(sqlite_url, create=False) as store:
            return {(o.area, o.period): o.value for o in store.observations("p")}

    def file(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    run.figures, run.file = figures, file
    return run


def with_periods(*rows: tuple[str, str, int]) -> str:
    return "WijkenEnBuurten;Perioden;AantalInwoners_5\n" + "".join(
        f"{code};{period}JJ00;{value}\n" for code, period, value in rows
    )


def without_period(*rows: tuple[str, int]) -> str:
    return "WijkenEnBuurten;AantalInwoners_5\n" + "".join(
        f"{code};{value}\n" for code, value in rows
    )


def test_the_file_s_own_period_chooses_between_mappings(koers):
    result = koers("import", koers.file("kwb.csv", with_periods(("WK059910", "2024", 210))))
    assert result.exit_code == 0, result.output
    assert koers.figures() == {("zuid", "2024"): 210}


def test_a_file_without_a_period_that_fits_two_mappings_is_refused(koers):
    result = koers("import", koers.file("kwb.csv", without_period(("WK059910", 210))))
    assert result.exit_code == 1
    assert (
        "kwb.csv: past bij 2 koppelingen (kwb-2023, kwb-2024) en het bestand noemt zelf geen "
        "periode, dus niet precies één koppeling waarvan de periode daarmee klopt; kies er één "
        "met --mapping"
    ) in result.output
    assert koers.figures() == {}


def test_a_year_and_the_first_of_january_are_one_figure(koers):
    # The mapping says 2023-01-01, the file (as StatLine writes it) says 2023: one moment.
    koers("import", koers.file("a.csv", without_period(("WK059910", 200))), "--mapping", "kwb-2023")
    same = koers("import", koers.file("b.csv", with_periods(("WK059910", "2023", 200))))
    assert "0 nieuw, 0 herzien, 1 ongewijzigd" in same.output
    assert koers.figures() == {("zuid", "2023"): 200}


def test_two_spellings_of_one_moment_in_one_file_are_refused(koers):
    long = koers.file(
        "lang.csv",
        "indicator,area,period,value\ninwoners,zuid,2023,200\ninwoners,zuid,2023-01-01,201\n",
    )
    result = koers("import", long)
    assert result.exit_code == 1
    assert (
        "lang.csv: inwoners in zuid: '2023' en '2023-01-01' zijn hetzelfde moment, dus "
        "hetzelfde cijfer twee keer"
    ) in result.output
    assert koers.figures() == {}


def test_revising_a_period_the_file_does_not_state_needs_revise(koers):
    first = koers.file("kwb2023.csv", without_period(("WK059910", 200), ("GM0599", 650)))
    koers("import", first, "--mapping", "kwb-2023")
    # A later file without a period column, imported with the 2023 mapping: is it really 2023?
    later = koers.file("kwb-nieuw.csv", without_period(("WK059910", 205), ("GM0599", 650)))

    preview = koers("import", later, "--mapping", "kwb-2023", "--dry-run")
    assert "zou herzien: 1 cijfer van 2023" in preview.output
    assert "zou geweigerd worden: het bestand noemt 2023 niet zelf" in preview.output

    refused = koers("import", later, "--mapping", "kwb-2023")
    assert refused.exit_code == 1
    assert (
        "kwb-nieuw.csv: zou cijfers herzien van 2023 (1), een periode die het bestand zelf niet "
        "noemt: die komt uit koppeling 'kwb-2023'. Is het bestand van een ander jaar, kies dan "
        "de juiste koppeling met --mapping; is het een correctie, importeer dan met --revise"
    ) in refused.output
    assert koers.figures() == {("zuid", "2023"): 200, ("rotterdam", "2023"): 650}

    revised = koers("import", later, "--mapping", "kwb-2023", "--revise")
    assert revised.exit_code == 0, revised.output
    assert koers.figures() == {("zuid", "2023"): 205, ("rotterdam", "2023"): 650}


def test_a_file_that_states_its_period_revises_it_without_being_asked(koers):
    koers("import", koers.file("a.csv", with_periods(("WK059910", "2023", 200))))
    corrected = koers("import", koers.file("b.csv", with_periods(("WK059910", "2023", 202))))
    assert corrected.exit_code == 0, corrected.output
    assert "0 nieuw, 1 herzien" in corrected.output
    assert koers.figures() == {("zuid", "2023"): 202}


def test_categories_of_one_moment_are_not_two_spellings(koers):
    long = koers.file(
        "leeftijd.csv",
        "indicator,area,period,value,dimension,category\n"
        "inwoners,zuid,2023,60,leeftijd,0-17\n"
        "inwoners,zuid,2023-01-01,140,leeftijd,18-plus\n",
    )
    result = koers("import", long)
    assert result.exit_code == 0, result.output
    assert "2 nieuw" in result.output
