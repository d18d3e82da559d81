"""The NPRZ plan with the publishers' files in its data/ folder (CBS and the Rotterdam
Wijkprofiel), loaded as `make demo` loads it into a fresh store: every file imported once
with the mapping its folder names, every wijk with real figures of its own, groups derived
from their members' counts."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from koers.plan.model import Plan
from koers.programme import ProgrammeState
from koers.store import Store
from koers.usecases.load import DirectoryLoad, load_plan_directory
from koers.web import create_app

NPRZ = Path(__file__).resolve().parents[1] / "plans" / "nprz-2023-2027"
CBS_2024 = NPRZ / "data" / "cbs-wbk-2024" / "cbs_wbk_2024_rotterdam_buurten.csv"

ENOUGH = 25
"""Indicators with figures in at least two years that a wijk page should show (issue 16)."""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DirectoryLoad]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('nprz-data') / 'koers.db'}"
    with Store.open(url) as store:
        yield url, load_plan_directory(store, NPRZ)


@pytest.fixture(scope="module")
def state(loaded: tuple[str, DirectoryLoad]) -> ProgrammeState:
    with Store.open(loaded[0]) as store:
        return ProgrammeState.read(store)


def years_with_figures(state: ProgrammeState, area: str) -> dict[str, set[int]]:
    """Indicator -> the years in which ``area`` has a figure (its own or derived)."""
    found: dict[str, set[int]] = {}
    for indicator in state.plan.indicators:
        years = {
            int(period[:4])
            for period, value in state.index.series(state.plan, indicator, area)
            if value.value is not None
        }
        if years:
            found[indicator.id] = years
    return found


def buurt_figures(column: str) -> dict[str, float]:
    """CBS code -> the figure of ``column`` in the CBS 2024 buurt file, read here directly."""
    with CBS_2024.open(encoding="utf-8") as f:
        return {row["buurtcode"]: float(row[column]) for row in csv.DictReader(f)}


def buurt_codes(plan: Plan, area: str) -> set[str]:
    """The CBS buurt codes an area of the plan covers, each buurt once: its own code, its
    members' codes, or the code of the buurt it is part of."""
    areas = {a.id: a for a in plan.areas}
    node = areas[area]
    if node.part_of:
        return buurt_codes(plan, node.part_of)
    if node.cbs_code and node.cbs_code.startswith("BU"):
        return {node.cbs_code}
    return set().union(*(buurt_codes(plan, m) for m in node.members))


def test_every_data_file_is_imported_once_with_the_mapping_its_folder_names(
    loaded: tuple[str, DirectoryLoad],
) -> None:
    outcomes = loaded[1].imports
    published = sorted(
        p for p in (NPRZ / "data").glob("*/*") if p.suffix in (".csv", ".json", ".xls")
    )
    assert published, "the plan ships the publishers' files"
    by_name = {o.source_name: o for o in outcomes}
    for path in published:
        outcome = by_name[path.name]
        assert outcome.reading.mapping == path.parent.name
        assert outcome.batch is not None and outcome.batch.added > 0
    # Each figure has one source: no file revises what another stored.
    assert [o.source_name for o in outcomes if o.batch and o.batch.revised] == []


def test_every_wijk_page_has_real_figures_of_its_own(state: ProgrammeState) -> None:
    coverage = {w.id: years_with_figures(state, w.id) for w in state.wijken}
    assert len(coverage) == 15
    for wijk, found in coverage.items():
        assert len(found) >= 20, f"{wijk}: {len(found)} indicatoren met een cijfer"
        assert len(set().union(*found.values())) >= 2, wijk


def test_wijken_that_are_one_wijkprofiel_area_have_two_years_of_enough_indicators(
    state: ProgrammeState,
) -> None:
    """The Wijkprofiel (2014, 2016) gives figures per buurt; an index or a survey share cannot
    be averaged without weights, which it does not publish. So a wijk of one buurt (or one
    Wijkprofiel area: Groot IJsselmonde Noord and Zuid) reaches the aim, a wijk of several
    buurten has two years only where CBS or the 2015 context gives counts or weights for
    every one of its buurten (a wijk is never given from part of its buurten; see the plan
    README, "Real figures per wijk")."""
    short = {}
    for wijk in state.wijken:
        two_years = [
            i for i, years in years_with_figures(state, wijk.id).items() if len(years) >= 2
        ]
        if len(two_years) < ENOUGH:
            short[wijk.id] = len(two_years)
    several_buurten = {w.id for w in state.wijken if len(w.members) > 1}
    assert set(short) == several_buurten
    # Charlois Zuidrand has no figures of 2015 (the Wijkprofiel joins it to Zuiderpark, area
    # 78, no plan area): its wijk has no 2015 value, not one of Zuidwijk alone
    assert short.pop("zuidwijk-charlois-zuidrand") == 0
    assert all(n >= 4 for n in short.values()), short
    older = dict(
        state.index.series(
            state.plan, state.indicators["CX.AANDEEL-65PLUS"], "zuidwijk-charlois-zuidrand"
        )
    )
    assert older["2015"].value is None
    assert older["2015"].reason == "niet af te leiden: geen gegevens voor Charlois Zuidrand"


def test_a_wijk_of_several_buurten_weights_a_cbs_percentage_by_its_count(
    state: ProgrammeState,
) -> None:
    """A share CBS gives without its numerator is weighted by the count it is a share of:
    the wijk's share equals the share of the summed counts of its buurten."""
    plan = state.plan
    indicator = state.indicators["CX.AANDEEL-65PLUS"]
    inhabitants = buurt_figures("aantal_inwoners")
    shares = buurt_figures("percentage_personen_65_jaar_en_ouder")
    codes = buurt_codes(plan, "carnisse-zuidplein")
    expected = sum(shares[c] * inhabitants[c] for c in codes) / sum(inhabitants[c] for c in codes)
    series = dict(state.index.series(plan, indicator, "carnisse-zuidplein"))
    assert series["2024"].value == pytest.approx(expected)
    assert set(series["2024"].members) == {"carnisse", "zuidplein"}


def test_zuid_inhabitants_2024_are_the_sum_of_its_buurten(state: ProgrammeState) -> None:
    plan = state.plan
    inhabitants = buurt_figures("aantal_inwoners")
    codes = buurt_codes(plan, plan.programme.area)
    series = dict(state.index.series(plan, state.indicators["T1.R1"], plan.programme.area))
    assert series["2024"].value == sum(inhabitants[c] for c in codes)


def test_the_wijk_pages_show_the_wijks_own_figures(loaded: tuple[str, DirectoryLoad]) -> None:
    inhabitants = buurt_figures("aantal_inwoners")

    def dutch(number: float) -> str:
        return f"{int(number):,}".replace(",", ".")

    with Store.open(loaded[0]) as store:
        wijken = [w.id for w in ProgrammeState.read(store).wijken]
    with TestClient(create_app(loaded[0], reports_dir=None)) as client:
        pages = {w: client.get(f"/wijken/{w}").text for w in wijken}
    assert len(pages) == 15
    for wijk, page in pages.items():
        assert "Er zijn nog geen cijfers" not in page, wijk
        figures = page.count('<tr role="row"><td role="cell">')  # a row per indicator
        assert figures >= 20, f"{wijk}: {figures} indicatoren op de wijkpagina"
    # A wijk of one buurt shows the buurt's figure, a wijk of two the sum of both.
    assert dutch(inhabitants["BU05991571"]) in pages["tarwewijk"]
    both = inhabitants["BU05991572"] + inhabitants["BU05991576"]
    assert dutch(both) in pages["carnisse-zuidplein"]
    # A wijk CBS does not publish (half a buurt) shows its Wijkprofiel figures.
    assert "Sociale index (Wijkprofiel)" in pages["groot-ijsselmonde-noord"]


def test_the_site_counts_the_statuses_of_each_pillar_as_the_reports_do(
    loaded: tuple[str, DirectoryLoad], state: ProgrammeState
) -> None:
    """Issue 17: the public site tells the same story as the reports: the site judges each
    indicator on its latest figure, as the report of the latest year does, so the statuses
    it gives each pillar's indicators are those Deel I and II count."""
    from collections import Counter

    from koers.report import build_reports, latest_year

    year = latest_year(state.observations)
    assert year is not None
    reports = build_reports(
        state.plan,
        state.observations,
        year=year,
        generated=state.today,
        history=state.history,
        breakdowns=state.breakdowns,
    )
    with TestClient(create_app(loaded[0], reports_dir=None)) as client:
        for view in reports.pillars:
            pillar = view.pillar.id
            found = client.get("/api/status", params={"pillar": pillar}).json()
            counted = {v.indicator.id for v in (*view.effects, *view.outputs)}
            # the reports count effect and output indicators (context ones have no target)
            judged = [r for r in found if r["indicator"] in counted]
            assert len(judged) == len(counted), pillar
            site = Counter(r["status"] for r in judged)
            assert {s: site.get(s, 0) for s in view.counts} == view.counts, pillar
