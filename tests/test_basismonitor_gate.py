"""The Basismonitor's gate as a CBS output checker would test it.

Hand-made leaf cells on the real NPRZ area graph (wijken, wijkraden, gebieden, Zuid and the
buurt Zuiderpark overlap), so every expected decision can be read off the fixture: a cell
recoverable by subtraction across divisions, an all-or-nothing cell, a small and a
dominated income cell, a negative income. :func:`recovered` is the attacker: the recovery
audit over the published cells.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from koers.basismonitor import publish
from koers.basismonitor.audit import Span, audit
from koers.basismonitor.disclosure import Cell, Key, Verdict, check
from koers.basismonitor.kernels import LeafCell
from koers.basismonitor.policy import MeasureRule, RuleBook
from koers.basismonitor.rollup import relations, rollup, spans
from koers.basismonitor.synth import ROTTERDAM_OTHER_BUURTEN, ZUID_BUURTEN
from koers.plan.model import Plan
from koers.store import StoreError

ROTTERDAM = "GM0599"
OTHER_CITIES = ("GM0363", "GM0518", "GM0344")
ZUIDERPARK = "BU05991578"
ENTREPOT, NOORDEREILAND = "BU05991079", "BU05991088"
KATENDRECHT, KOP_VAN_ZUID = "BU05991085", "BU05991017"


def panel(measure: str, period: str, small: dict[str, tuple[float, int]]) -> list[LeafCell]:
    """One measure over every leaf of a G4 panel: 20 of 200 in each buurt and city, except
    the buurten in ``small`` (numerator, denominator)."""
    cells = []
    for code in [b[0] for b in ZUID_BUURTEN] + [b[0] for b in ROTTERDAM_OTHER_BUURTEN]:
        n, d = small.get(code, (20, 200))
        cells.append(LeafCell(measure, period, ROTTERDAM, code, None, n, d))
    cells += [LeafCell(measure, period, city, None, None, 200, 2000) for city in OTHER_CITIES]
    return cells


def run_gate(
    plan: Plan, leaves: Sequence[LeafCell], book: RuleBook | None = None
) -> tuple[dict[str, Verdict], dict[Key, Span]]:
    areas = rollup(plan, leaves)
    found = spans(plan, leaves, areas, publish.DISTRIBUTIONS)
    verdicts = publish.gate(
        areas,
        relations(plan, leaves, areas),
        book or RuleBook(),
        spans=found,
        keep_area=plan.programme.area,
    )
    return {v.key[3]: v for v in verdicts}, found


def old_gate(plan: Plan, leaves: Sequence[LeafCell]) -> tuple[list[Verdict], dict[Key, Span]]:
    """The gate before the audit: each relation protected on its own."""
    areas = rollup(plan, leaves)
    cells = [Cell(a.key, a.numerator, a.denominator) for a in areas]
    return check(cells, relations(plan, leaves, areas)), spans(
        plan, leaves, areas, publish.DISTRIBUTIONS
    )


def recovered(verdicts: Sequence[Verdict], found: dict[Key, Span]) -> set[str]:
    return {r.key[3] for r in audit(found, [v.key for v in verdicts if v.suppressed])}


def test_a_wijkraad_recoverable_as_wijk_minus_wijkraad_is_protected(nprz_plan: Plan) -> None:
    # Nieuw-Zuid (wijk) = Katendrecht-Wilhelminapier + Entrepot-Noordereiland (wijkraden):
    # no declared relation says so. Katendrecht and Kop van Zuid have 0 of 50, Entrepot and
    # Noordereiland 0 of 3: the wijk (0 of 106) and the first wijkraad (0 of 100) are safe,
    # and their difference is the second wijkraad's 0 of 6. The old gate protected it in
    # "gebied Feijenoord = its wijkraden" with the smallest other wijkraad (Feijenoord,
    # 60), which does not stop the subtraction.
    leaves = panel(
        "T1.R12",
        "2010/2011",
        {
            KATENDRECHT: (0, 50),
            KOP_VAN_ZUID: (0, 50),
            ENTREPOT: (0, 3),
            NOORDEREILAND: (0, 3),
            "BU05991087": (10, 60),
        },
    )
    before, found = old_gate(nprz_plan, leaves)
    assert "wijkraad-entrepot-noordereiland" in recovered(before, found)  # the old gate leaks

    verdicts, found = run_gate(nprz_plan, leaves)
    assert verdicts["wijkraad-entrepot-noordereiland"].primary
    assert recovered(list(verdicts.values()), found) == set()
    assert not verdicts["zuid"].suppressed


def test_zuiderpark_is_not_the_three_gebieden_minus_zuid(nprz_plan: Plan) -> None:
    # Zuiderpark is in gebied Charlois but in no Zuid wijk: Σ gebieden − Zuid = Zuiderpark.
    leaves = panel("T1.R13", "2016-10-01", {ZUIDERPARK: (1, 1)})
    before, found = old_gate(nprz_plan, leaves)
    assert "zuiderpark" in recovered(before, found)

    verdicts, found = run_gate(nprz_plan, leaves)
    assert verdicts["zuiderpark"].primary
    assert recovered(list(verdicts.values()), found) == set()
    # Zuid, the programme's own area, is never the one suppressed to protect the buurt
    assert not verdicts["zuid"].suppressed
    assert any(
        v.suppressed and not v.primary and "lineaire controle" in v.reason
        for v in verdicts.values()
    )


def test_rotterdam_without_zuid_is_protected_elsewhere_than_zuid(nprz_plan: Plan) -> None:
    # Rotterdam outside Zuid is small (the other buurten 0-2 each): Rotterdam − Zuid would
    # give it. The complementary suppression must not be Zuid.
    small = {code: (1, 2) for code, _, _ in ROTTERDAM_OTHER_BUURTEN}
    verdicts, found = run_gate(nprz_plan, panel("T1.R7", "2020/2021", small))
    assert verdicts["rotterdam-excl-zuid"].primary
    assert not verdicts["zuid"].suppressed
    assert verdicts["rotterdam"].suppressed and not verdicts["rotterdam"].primary
    assert recovered(list(verdicts.values()), found) == set()


def test_an_all_or_nothing_cell_of_a_sensitive_measure_is_suppressed(nprz_plan: Plan) -> None:
    # "0 of 200 bijstand entrants in Bloemhof had work": about each of them. A benefit
    # measure is sensitive by default; the same cell of a school measure is published.
    bloemhof = {"BU05991081": (0, 200)}
    benefit, _ = run_gate(nprz_plan, panel("cohort.bijstand.work_y1", "2015", bloemhof))
    assert benefit["bloemhof"].primary
    assert "groepsonthulling" in benefit["bloemhof"].reason
    school, _ = run_gate(nprz_plan, panel("T1.R7", "2014/2015", bloemhof))
    assert not school["bloemhof"].suppressed
    # the plan can mark a school measure sensitive too
    book = RuleBook()
    marked = publish.gate(
        rollup(nprz_plan, panel("T1.R7", "2014/2015", bloemhof)),
        [],
        book,
        measure_rules={"T1.R7": MeasureRule(sensitive=True)},
    )
    assert next(v for v in marked if v.key[3] == "bloemhof").primary


def income(buurt: str, households: int, total: float, top: float, low: float) -> LeafCell:
    return LeafCell(
        "T1.R15", "2019", ROTTERDAM, buurt, None, total, households, total, top, None, low
    )


def income_panel(special: dict[str, LeafCell]) -> list[LeafCell]:
    cells = []
    for code in [b[0] for b in ZUID_BUURTEN] + [b[0] for b in ROTTERDAM_OTHER_BUURTEN]:
        cells.append(special.get(code) or income(code, 400, 400 * 25_000, 60_000, 9_000))
    cells += [
        LeafCell("T1.R15", "2019", city, None, None, 1e8, 4000, 1e8, 90_000, None, 8_000)
        for city in OTHER_CITIES
    ]
    return cells


def test_a_small_income_cell_needs_100_households(nprz_plan: Plan) -> None:
    # Heijplaat has 60 households: enough for a share under the general rule (10), not for
    # an income mean under CBS's (100).
    heijplaat = income("BU05991593", 60, 60 * 24_000, 40_000, 10_000)
    verdicts, found = run_gate(nprz_plan, income_panel({"BU05991593": heijplaat}))
    assert verdicts["heijplaat"].primary
    assert verdicts["heijplaat"].reason == "minder dan 100 eenheden"
    assert not verdicts["zuid"].suppressed
    assert recovered(list(verdicts.values()), found) == set()


def test_one_large_or_negative_income_suppresses_its_cells(nprz_plan: Plan) -> None:
    # One household in Afrikaanderwijk with a loss of 3 million: the buurt's sum is
    # negative and the loss is far more than 30% of it. The run does not stop; the cell is
    # suppressed by the extreme-value rule, and Zuid (sum about 200 million) still passes.
    loss = income("BU05991086", 400, 399 * 25_000 - 3_000_000, 60_000, -3_000_000)
    verdicts, _ = run_gate(nprz_plan, income_panel({"BU05991086": loss}))
    afrikaanderwijk = verdicts["afrikaanderwijk"]
    assert afrikaanderwijk.primary and afrikaanderwijk.reason.startswith("extreme waarde")
    assert not verdicts["zuid"].suppressed
    assert verdicts["zuid"].ratio == pytest.approx(
        (22 * 400 * 25_000 - 25_000 - 3_000_000) / (22 * 400)
    )
    # a large positive income the same way: 5 million of a buurt's 15 million (33%)
    rich = income("BU05991081", 400, 399 * 25_000 + 5_000_000, 5_000_000, 9_000)
    verdicts, _ = run_gate(nprz_plan, income_panel({"BU05991081": rich}))
    assert verdicts["bloemhof"].primary


def test_a_run_that_would_leave_a_recoverable_cell_fails_naming_it(nprz_plan: Plan) -> None:
    leaves = panel("T1.R13", "2016-10-01", {ZUIDERPARK: (1, 1)})
    areas = rollup(nprz_plan, leaves)
    found = spans(nprz_plan, leaves, areas, publish.DISTRIBUTIONS)
    # Zuiderpark suppressed, and no complementary suppression allowed: a gate given every
    # other cell as "keep" has to fall back on them, so take the audit away from the gate
    # and hand the result to the final audit instead
    verdicts = check([Cell(a.key, a.numerator, a.denominator) for a in areas])
    left = audit(found, [v.key for v in verdicts if v.suppressed])
    assert [r.key[3] for r in left] == ["zuiderpark"]
    assert {k[3] for k, _ in left[0].used} >= {"zuid"}
    with pytest.raises(StoreError, match="zuiderpark"):
        publish.check_audit(found, verdicts)
