"""The plan's plausibility rules on ``koers import``, for every format: the same rules the
portal and the API apply (issue 18.3). Each refusal names file, row, column and the rule,
and nothing of the file is stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from koers.plan import load_plan
from koers.sources import SourceError, import_file
from koers.store import Store

from .conftest import EXAMPLE, ROOT

CBS_PLAN = ROOT / "tests" / "fixtures" / "cbs" / "plan"


@pytest.fixture
def example(run, sqlite_url: str) -> Store:  # type: ignore[no-untyped-def]
    assert run("load", "--no-data", str(EXAMPLE)).exit_code == 0
    with Store.open(sqlite_url) as store:
        yield store


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def stored(store: Store, programme: str) -> list[tuple[str, str, str, float | None]]:
    return sorted(
        (o.indicator, o.area, o.period, o.value)
        for o in store.observations(programme, breakdowns=True)
    )


def test_a_change_of_more_than_the_plans_factor_needs_a_reason(example, run, tmp_path):
    first = write(tmp_path, "eerst.csv", "indicator,area,period,value\ninwoners,zuid,2023,1000\n")
    assert run("import", str(first)).exit_code == 0
    before = stored(example, "voorbeeld")
    jump = write(
        tmp_path,
        "sprong.csv",
        "indicator,area,period,value\ninwoners,rotterdam,2023,650000\ninwoners,zuid,2023,100000\n",
    )
    refused = run("import", str(jump))
    assert refused.exit_code == 1
    assert (
        "sprong.csv, rij 3, kolom 'value': inwoners in Zuid over 2023: 100.000 verschilt meer "
        "dan een factor 10 van het vorige cijfer (1.000); bevestig het met een reden "
        "(importeer met --confirm REDEN)"
    ) in refused.stderr
    assert stored(example, "voorbeeld") == before  # the new Rotterdam row was not stored either
    assert len(example.batches("voorbeeld")) == 1
    # a dry run says the same and stores nothing
    assert run("import", str(jump), "--dry-run").exit_code == 1
    # with a reason: stored, the reason with the figure that needed it
    done = run("import", str(jump), "--confirm", "herindeling: Zuid telt nu heel IJsselmonde")
    assert done.exit_code == 0, done.stderr
    figures = {o.area: o for o in example.observations("voorbeeld")}
    assert figures["zuid"].value == 100_000
    assert figures["zuid"].confirmation == "herindeling: Zuid telt nu heel IJsselmonde"
    assert figures["rotterdam"].confirmation is None  # a new figure needed none


def test_a_change_within_the_factor_and_a_first_figure_pass(example, run, tmp_path):
    first = write(tmp_path, "a.csv", "indicator,area,period,value\ninwoners,zuid,2023,1000\n")
    second = write(tmp_path, "b.csv", "indicator,area,period,value\ninwoners,zuid,2023,9000\n")
    assert run("import", str(first)).exit_code == 0
    assert run("import", str(second)).exit_code == 0
    assert stored(example, "voorbeeld") == [("inwoners", "zuid", "2023", 9000.0)]


def cbs_store(url: str, **indicator_changes: object) -> Store:
    plan = load_plan(CBS_PLAN)
    if indicator_changes:
        indicators = [
            i.model_copy(update=indicator_changes) if i.id == "inwoners" else i
            for i in plan.indicators
        ]
        plan = plan.model_copy(update={"indicators": indicators})
    store = Store.open(url)
    store.save_plan(plan)
    return store


def test_a_cbs_figure_for_a_year_in_the_future_is_refused(sqlite_url, tmp_path):
    # 2099 lies after the plan's horizon; 2030 within it, but after today (6 Dec 2026)
    data = "RegioS,Perioden,AantalInwoners_5\nGM0599,2020JJ00,650000\nGM0599,2099JJ00,1\n"
    with cbs_store(sqlite_url) as store:
        with pytest.raises(SourceError) as refused:
            import_file(store, write(tmp_path, "toekomst.csv", data), mapping="cbs-test")
        assert [str(i) for i in refused.value.issues] == [
            "toekomst.csv, rij 3, kolom 'AantalInwoners_5': inwoners in Rotterdam over "
            "2099: '2099' valt na het plan: een cijfer van inwoners gaat over "
            "jaren tot en met 2031"
        ]
        assert store.batches("cbs-test") == []
        later = f"RegioS,Perioden,AantalInwoners_5\nGM0599,{date.today().year + 1}JJ00,1\n"
        with pytest.raises(SourceError, match="ligt in de toekomst"):
            import_file(store, write(tmp_path, "volgend-jaar.csv", later), mapping="cbs-test")
        assert stored(store, "cbs-test") == []


def test_a_cbs_figure_for_an_area_where_the_indicator_does_not_exist_is_refused(
    sqlite_url, tmp_path
):
    data = "RegioS,Perioden,AantalInwoners_5\nBU05991081,2020JJ00,14000\nGM0599,2020JJ00,650000\n"
    with cbs_store(sqlite_url, areas=["bu05991081"]) as store:
        with pytest.raises(SourceError) as refused:
            import_file(store, write(tmp_path, "gebied.csv", data), mapping="cbs-test")
        assert [str(i) for i in refused.value.issues] == [
            "gebied.csv, rij 3, kolom 'AantalInwoners_5': inwoners in Rotterdam over "
            "2020: inwoners wordt niet gemeten voor Rotterdam"
        ]
        assert store.batches("cbs-test") == []
