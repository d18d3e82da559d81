"""Money: Tabel 11-13, coverage per pillar and year, Preventie met Gezag, spending, value
for money, the CLI and the Deel II partial.

The NPRZ plan has no commitments per intervention yet; the commitments here are made up
for the tests (illustrative amounts), never part of plans/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, PackageLoader, StrictUndefined

import koers.cli.money  # noqa: F401  (registers `koers money` on main)
from koers.areas.values import Observation
from koers.cli.money import parse_amount
from koers.money import (
    IN_BALANCE,
    REACHED_MORE,
    SPENT_MORE,
    UNDECIDED,
    MoneySummary,
    Spent,
    money_summary,
    year_task,
)
from koers.plan import Plan, PlanError, load_plan, plan_from_documents
from koers.store import Store, StoreError
from koers.usecases.spending import record_spending, spending

from .conftest import ROOT

NPRZ = ROOT / "plans" / "nprz-2023-2027"
MLN = 1_000_000


@pytest.fixture(scope="module")
def nprz() -> Plan:
    return load_plan(NPRZ)


# -- a small hand-made plan -----------------------------------------------------------


def document(
    commitments: list[dict[str, Any]] | None = None,
    funding: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "programme": {
            "id": "p",
            "name": "P",
            "area": "zuid",
            "period_start": 2023,
            "period_end": 2027,
            "horizon": 2031,
        },
        "pillars": [{"id": "werk", "name": "Werk"}, {"id": "veilig", "name": "Veilig"}],
        "areas": [
            {"id": "rotterdam", "name": "Rotterdam", "kind": "municipality"},
            {"id": "zuid", "name": "Zuid", "kind": "district", "parent": "rotterdam"},
        ],
        "interventions": [
            {"id": "I-adb", "name": "AanDeBak", "pillar": "werk"},
            {"id": "I-wijkrecht", "name": "Wijkrechtspraak", "pillar": "veilig"},
            {"id": "I-pga", "name": "Persoonsgerichte aanpak", "pillar": "veilig"},
        ],
        "indicators": [
            {
                "id": "O-garanties",
                "name": "AanDeBak-garanties",
                "kind": "output",
                "pillar": "werk",
                "intervention": "I-adb",
                "unit": "count",
                "polarity": "higher_is_better",
                "target": {"kind": "absolute", "value": 600},
            },
            {
                "id": "O-zonder-doel",
                "name": "Werkgevers",
                "kind": "output",
                "pillar": "werk",
                "intervention": "I-adb",
                "unit": "count",
                "polarity": "higher_is_better",
                "target": {"kind": "absolute", "value": None},
            },
            {
                "id": "O-zaken",
                "name": "Strafzaken",
                "kind": "output",
                "pillar": "veilig",
                "intervention": "I-wijkrecht",
                "unit": "count",
                "polarity": "higher_is_better",
                "target": {"kind": "absolute", "value": 150},
            },
        ],
        "finance": {
            "price_level": "december 2022",
            "cost_split": [{"funder": "Rijk", "share": 0.5}, {"funder": "Gemeente", "share": 0.5}],
            "tasks": [
                {
                    "id": "T.werk",
                    "name": "Pijler Werk",
                    "pillar": "werk",
                    "amounts": {"2023-2026": 4 * MLN, "2023-2027": 5 * MLN, "per jaar": 1 * MLN},
                    "provisional": ["2023-2027"],
                },
                {
                    "id": "T.bureau",
                    "name": "Programmabureau",
                    "amounts": {"2023-2026": 400_000, "per jaar": 100_000},
                },
            ],
            "bureau_budget": [{"id": "B", "name": "Personeel", "amounts": {"per jaar": 100_000}}],
            "contributions": [
                {"id": "C1", "name": "Gemeente", "amount_per_year": 60_000, "form": "geld"},
                {
                    "id": "C2",
                    "name": "Rijk (t/m 2024)",
                    "amount_per_year": 40_000,
                    "form": "geld",
                    "from_year": 2023,
                    "to_year": 2024,
                },
            ],
            "funding": funding or [],
            "commitments": commitments or [],
            "precondition": {"name": "Preventie met Gezag", "pillars": ["veilig"]},
        },
    }


def make(
    commitments: list[dict[str, Any]] | None = None,
    funding: list[dict[str, Any]] | None = None,
) -> Plan:
    return plan_from_documents({"plan.yaml": json.dumps(document(commitments, funding))})


def commitment(cid: str, year: int, amount: float, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"Verplichting {cid}",
        "funder": "Gemeente",
        "year": year,
        "amount": amount,
        "status": status,
        **extra,
    }


WERK_2024 = [
    commitment("W1", 2024, 400_000, "toegezegd", intervention="I-adb"),
    commitment(
        "W2",
        2024,
        300_000,
        "voorwaardelijk",
        pillar="werk",
        condition="Het Rijk cofinanciert",
    ),
    commitment("W3", 2024, 200_000, "aangevraagd", pillar="werk"),
    commitment("W4", 2024, 100_000, "onzeker", intervention="I-adb"),
]


def row(summary: MoneySummary, pillar: str | None, year: int):
    found = [c for c in summary.coverage if c.pillar == pillar and c.year == year]
    assert len(found) == 1, (pillar, year, summary.coverage)
    return found[0]


# -- Tabel 11-13 on the NPRZ plan ------------------------------------------------------


def test_nprz_tabel_11_totals_and_the_50_50_split(nprz: Plan):
    tasks = money_summary(nprz, []).tasks
    assert tasks is not None
    assert tasks.periods == ("2023-2026", "2023-2027", "per jaar")
    assert tasks.totals == {"2023-2026": 644 * MLN, "2023-2027": 805 * MLN, "per jaar": 161 * MLN}
    assert tasks.provisional == ("2023-2027",)
    split = {s.funder: s.amounts for s in tasks.split}
    assert split["Rijk"]["2023-2026"] == split["Gemeente"]["2023-2026"] == 322 * MLN
    assert split["Rijk"]["2023-2027"] == 402.5 * MLN
    assert split["Gemeente"]["per jaar"] == 80.5 * MLN
    wonen = next(r for r in tasks.rows if r.pillar == "wonen")
    assert wonen.split["Rijk"]["2023-2026"] == 150 * MLN


def test_nprz_tabel_12_13_and_the_nplv_gap_from_2026(nprz: Plan):
    bureau = money_summary(nprz, []).bureau
    assert bureau is not None
    assert bureau.budget_total == bureau.contributions_total == 1_465_000
    assert bureau.balanced
    assert bureau.price_level == "december 2022"
    years = {y.year: y for y in bureau.years}
    assert sorted(years) == [2023, 2024, 2025, 2026, 2027]
    for y in (2023, 2024, 2025):
        assert (years[y].contributions, years[y].shortfall, years[y].status) == (
            1_465_000,
            0,
            "gedekt",
        )
    gap = years[2026]
    assert (gap.budget, gap.contributions, gap.shortfall) == (1_465_000, 965_000, 500_000)
    assert gap.status == "tekort"
    assert gap.ended == ("Rijk-NPLV (t/m 2025)",)
    signals = money_summary(nprz, [], year=2024).signals
    assert (
        "2026: de bijdragen (€\u00a0965.000) dekken de begroting van het programmabureau "
        "(€\u00a01.465.000) niet: tekort €\u00a0500.000, omdat Rijk-NPLV (t/m 2025) na 2025 is "
        "afgelopen." in signals
    )


def test_nprz_veilig_depends_on_preventie_met_gezag(nprz: Plan):
    summary = money_summary(nprz, [])
    pre = summary.precondition
    assert pre is not None and not pre.met and pre.status == "voorwaarde"
    assert [(i.id, i.status, i.met) for i in pre.items] == [("F21", "aangevraagd", False)]
    assert pre.pillars == ("veilig",)
    assert [iv for iv, _ in pre.interventions] == [f"I7.{n}" for n in range(1, 15)]
    assert "voorwaarde, nog niet vervuld" in pre.text and pre.text in summary.signals
    veilig = [c for c in summary.coverage if c.pillar == "veilig"]
    assert [c.year for c in veilig] == [2023, 2024, 2025, 2026, 2027]
    assert {(c.status, c.precondition, c.task) for c in veilig} == {
        ("geen opgave", "voorwaarde", None)
    }
    # no commitments per intervention in the plan yet: nothing to spend or judge
    assert nprz.finance is not None and nprz.finance.commitments == []
    assert summary.commitments == () and summary.value_for_money == ()
    # every pillar with a Tabel 11 row is uncovered by its whole yearly task
    assert (row(summary, "wonen", 2024).gap, row(summary, "wonen", 2024).status) == (
        75 * MLN,
        "tekort",
    )
    assert row(summary, None, 2024).task == 2 * MLN  # the programme bureau line


def test_nprz_pillar_filter(nprz: Plan):
    summary = money_summary(nprz, [], pillar="school")
    assert summary.tasks is not None and [r.id for r in summary.tasks.rows] == ["T11.school"]
    assert summary.tasks.totals["2023-2026"] == 228 * MLN
    assert summary.bureau is None
    assert {c.pillar for c in summary.coverage} == {"school"}
    assert summary.precondition is None  # Preventie met Gezag concerns Veilig only
    assert money_summary(nprz, [], pillar="veilig").precondition is not None
    with pytest.raises(KeyError, match="pijler 'sport' staat niet in het plan"):
        money_summary(nprz, [], pillar="sport")


# -- commitments and coverage by hand ---------------------------------------------------


def test_voorwaardelijk_counts_as_uncovered_until_its_condition_is_met():
    before = row(money_summary(make(WERK_2024), []), "werk", 2024)
    assert before.task == 1 * MLN
    assert (before.committed, before.conditional, before.requested, before.uncertain) == (
        400_000,
        300_000,
        200_000,
        100_000,
    )
    assert before.gap == 600_000  # 1.000.000 - 400.000
    assert before.status == "deels onzeker"  # the 600.000 open would just cover it

    met = [{**c, "condition_met": True} if c["id"] == "W2" else c for c in WERK_2024]
    after = row(money_summary(make(met), []), "werk", 2024)
    assert (after.committed, after.conditional) == (700_000, 0)
    assert after.gap == 300_000
    rows = {r.id: r for r in money_summary(make(met), []).commitments}
    assert rows["W2"].committed and rows["W2"].category == "toegezegd"
    assert not rows["W3"].committed and rows["W3"].category == "aangevraagd"
    assert rows["W2"].status_text == "voorwaardelijk (vervuld: Het Rijk cofinanciert)"


def test_the_gap_per_pillar_and_year_by_hand():
    plan = make(
        [
            *WERK_2024,
            commitment("W5", 2023, 1_200_000, "toegezegd", intervention="I-adb"),
            commitment("W6", 2025, 100_000, "toegezegd", intervention="I-adb"),
            commitment("P1", 2024, 100_000, "toegezegd"),  # programme-wide
            commitment("V1", 2024, 50_000, "toegezegd", intervention="I-pga"),
        ]
    )
    summary = money_summary(plan, [])
    # werk: 1.000.000 a year (Tabel 11 'per jaar'), 2023-2026 firm, 2027 provisional
    assert (row(summary, "werk", 2023).gap, row(summary, "werk", 2023).status) == (
        -200_000,
        "gedekt",
    )
    assert row(summary, "werk", 2024).gap == 600_000
    assert (row(summary, "werk", 2025).gap, row(summary, "werk", 2025).status) == (
        900_000,
        "tekort",
    )
    assert (row(summary, "werk", 2026).gap, row(summary, "werk", 2026).provisional) == (
        1 * MLN,
        False,
    )
    late = row(summary, "werk", 2027)
    assert late.provisional and late.task == 1 * MLN and "onder voorbehoud" in (late.note or "")
    # the programme bureau line (no pillar) has 'per jaar' for 2023-2026 only
    assert row(summary, None, 2024).gap == 0 and row(summary, None, 2024).status == "gedekt"
    assert not [c for c in summary.coverage if c.pillar is None and c.year == 2027]
    # veilig has no Tabel 11 line: its commitments show, the gap cannot be given
    veilig = row(summary, "veilig", 2024)
    assert (veilig.committed, veilig.task, veilig.gap, veilig.status) == (
        50_000,
        None,
        None,
        "geen opgave",
    )
    assert [c.year for c in money_summary(plan, [], year=2025).coverage if c.pillar == "werk"] == [
        2025
    ]


def test_year_task_rules():
    plan = make()
    assert plan.finance is not None
    werk, bureau = plan.finance.tasks
    assert year_task(werk, 2026) == (1 * MLN, False)
    assert year_task(werk, 2027) == (1 * MLN, True)
    assert year_task(werk, 2028) == (None, False)
    assert year_task(bureau, 2027) == (None, False)


def test_bureau_contributions_per_year_by_hand():
    bureau = money_summary(make(), [], year=2025).bureau
    assert bureau is not None
    years = {y.year: y for y in bureau.years}
    assert years[2024].shortfall == 0 and years[2025].shortfall == 40_000
    assert years[2025].selected and not years[2024].selected
    assert years[2025].ended == ("Rijk (t/m 2024)",)


# -- Preventie met Gezag ----------------------------------------------------------------


def test_preventie_met_gezag_is_a_precondition_until_it_is_met():
    pmg = commitment(
        "V1",
        2024,
        250_000,
        "voorwaardelijk",
        intervention="I-wijkrecht",
        condition="Toekenning van het Rijksprogramma Preventie met Gezag",
    )
    open_ = money_summary(make([pmg]), [])
    pre = open_.precondition
    assert pre is not None and not pre.met
    assert [iv for iv, _ in pre.interventions] == ["I-wijkrecht", "I-pga"]
    assert open_.commitments[0].precondition == "voorwaarde"
    assert {c.precondition for c in open_.coverage if c.pillar == "veilig"} == {"voorwaarde"}
    assert {c.precondition for c in open_.coverage if c.pillar == "werk"} == {None}
    assert open_.value_for_money[0].precondition == "voorwaarde"
    assert row(open_, "veilig", 2024).conditional == 250_000

    awarded = money_summary(make([{**pmg, "condition_met": True}]), [])
    assert awarded.precondition is not None and awarded.precondition.met
    assert awarded.precondition.status == "vervuld"
    assert awarded.commitments[0].precondition is None
    assert {c.precondition for c in awarded.coverage} == {None}
    assert row(awarded, "veilig", 2024).committed == 250_000

    # a funding line named after it keeps the flag until it is granted
    funding = {
        "id": "F21",
        "name": "Rijksprogramma Preventie met Gezag",
        "funder": "Rijk",
        "status": "aangevraagd",
        "pillar": "veilig",
    }
    still = money_summary(make([{**pmg, "condition_met": True}], [funding]), [])
    assert still.precondition is not None and not still.precondition.met
    assert "F21" in still.precondition.text
    granted = money_summary(
        make([{**pmg, "condition_met": True}], [{**funding, "status": "toegezegd"}]), []
    )
    assert granted.precondition is not None and granted.precondition.met
    assert money_summary(make(WERK_2024), []).precondition is None


def test_the_precondition_is_read_from_the_plan():
    pmg = commitment(
        "V1",
        2024,
        250_000,
        "voorwaardelijk",
        intervention="I-wijkrecht",
        condition="Toekenning van het Rijksprogramma Preventie met Gezag",
    )

    def plan_with(precondition: dict[str, Any] | None) -> Plan:
        data = document([pmg])
        data["finance"]["precondition"] = precondition
        return plan_from_documents({"plan.yaml": json.dumps(data)})

    # without finance.precondition no text is a precondition, whatever it mentions
    assert money_summary(plan_with(None), []).precondition is None
    # the texts it is recognised by, and the pillars that depend on it, are the plan's
    other = money_summary(
        plan_with({"name": "De rijksbijdrage", "pillars": ["werk"], "mentions": ["gezag"]}), []
    ).precondition
    assert other is not None and other.name == "De rijksbijdrage" and other.pillars == ("werk",)
    assert [iv for iv, _ in other.interventions] == ["I-adb", "I-wijkrecht"]
    assert "pijler Werk hangen af van de toekenning van De rijksbijdrage" in other.text
    assert money_summary(plan_with({"name": "Iets anders"}), []).precondition is None
    with pytest.raises(PlanError, match=r"precondition.pillars.0: unknown pillar 'sport'"):
        plan_with({"name": "X", "pillars": ["sport"]})


# -- spending ---------------------------------------------------------------------------


def test_spending_is_recorded_and_overspending_flagged(store: Store):
    plan = make(WERK_2024)
    store.save_plan(plan)
    first = record_spending(store, "p", "W1", 2024, 300_000, "eerste tranche", user="tester")
    assert (first.commitment, first.amount, first.recorded_by) == ("W1", 300_000, "tester")
    record_spending(store, "p", "W1", 2025, 150_000)
    recorded = spending(store, "p")
    assert [(s.commitment, s.year, s.amount, s.note) for s in recorded] == [
        ("W1", 2024, 300_000, "eerste tranche"),
        ("W1", 2025, 150_000, None),
    ]
    assert recorded[0].recorded_by == "tester" and recorded[0].recorded_at is not None

    w1 = next(r for r in money_summary(plan, recorded).commitments if r.id == "W1")
    assert (w1.spent, w1.spend_status) == (450_000, "overschreden")
    assert w1.spent_share == pytest.approx(1.125)
    assert (
        "Verplichting W1 (Verplichting W1, 2024): €\u00a0450.000 besteed van €\u00a0400.000, "
        "overschreden met €\u00a050.000." in money_summary(plan, recorded).signals
    )
    # as of 2024 only the first tranche counts
    w1_2024 = next(r for r in money_summary(plan, recorded, year=2024).commitments if r.id == "W1")
    assert (w1_2024.spent, w1_2024.spend_status) == (300_000, "binnen budget")

    with pytest.raises(StoreError, match="verplichting 'W9' staat niet in het plan"):
        record_spending(store, "p", "W9", 2024, 10)
    with pytest.raises(StoreError, match="nul of meer"):
        record_spending(store, "p", "W1", 2024, -1)
    with pytest.raises(StoreError, match="staat niet in de database"):
        record_spending(store, "q", "W1", 2024, 10)
    assert len(spending(store, "p")) == 2  # nothing of the refused writes was stored


def test_spending_signals_uncommitted_and_unknown_commitments():
    plan = make(WERK_2024)
    summary = money_summary(plan, [Spent("W3", 2024, 10_000), Spent("X9", 2024, 5_000)])
    assert any("W3" in s and "nog niet is toegezegd (aangevraagd)" in s for s in summary.signals)
    assert [s.commitment for s in summary.unknown_spending] == ["X9"]
    assert any("'X9', die niet (meer) in het plan staat" in s for s in summary.signals)


# -- value for money --------------------------------------------------------------------


def garanties(value: float, period: str = "2024", revision: int = 1) -> Observation:
    return Observation("O-garanties", "zuid", period, value, revision=revision)


def test_value_for_money_signals_by_hand():
    plan = make([commitment("W1", 2024, 400_000, "toegezegd", intervention="I-adb")])
    spent = [Spent("W1", 2024, 300_000)]  # 75% of the budget

    (vfm,) = money_summary(plan, spent, [garanties(300)]).value_for_money  # 300 of 600
    assert (vfm.intervention, vfm.year) == ("I-adb", 2024)
    assert (vfm.output_share, vfm.budget_share) == (0.5, 0.75)
    assert vfm.signal == SPENT_MORE == "meer uitgegeven dan bereikt"
    assert vfm.explanation == (
        "50% van het outputdoel bereikt (O-garanties: 300 van 600 (2024)); 75% van het "
        "toegezegde budget voor 2024 besteed (€\u00a0300.000 van €\u00a0400.000): meer uitgegeven dan "
        "bereikt."
    )
    skipped = {o.indicator: o.reason for o in vfm.outputs}
    assert skipped == {"O-garanties": None, "O-zonder-doel": "het plan geeft geen streefwaarde"}

    assert money_summary(plan, spent, [garanties(540)]).value_for_money[0].signal == (
        REACHED_MORE
    )  # 90% vs 75%
    assert money_summary(plan, spent, [garanties(420)]).value_for_money[0].signal == (
        IN_BALANCE
    )  # 70% vs 75%: within 10 points
    # the latest observation counts (up to the year), its latest revision
    latest = [garanties(100, "2023"), garanties(200), garanties(480, revision=2)]
    assert money_summary(plan, spent, latest).value_for_money[0].output_share == 0.8


def test_value_for_money_cannot_always_be_judged():
    plan = make(
        [
            commitment("W1", 2024, 400_000, "toegezegd", intervention="I-adb"),
            commitment("V1", 2024, 100_000, "aangevraagd", intervention="I-wijkrecht"),
        ]
    )
    by_id = {v.intervention: v for v in money_summary(plan, [], None).value_for_money}
    assert by_id["I-adb"].signal == UNDECIDED
    assert by_id["I-adb"].reason == (
        "geen outputdoel te meten: O-garanties: geen cijfers meegegeven; "
        "O-zonder-doel: het plan geeft geen streefwaarde"
    )
    assert by_id["I-wijkrecht"].reason is not None
    assert "geen toegezegd budget voor 2024" in by_id["I-wijkrecht"].reason
    old = money_summary(plan, [], [garanties(300, "2025")], year=2024).value_for_money[0]
    assert old.signal == UNDECIDED and "geen cijfer tot en met 2024" in (old.reason or "")


# -- CLI --------------------------------------------------------------------------------


def test_cli_money_json_and_spend(run, tmp_path: Path):
    plan_dir = tmp_path / "plan"
    (plan_dir / "data").mkdir(parents=True)
    (plan_dir / "plan.yaml").write_text(json.dumps(document(WERK_2024)), encoding="utf-8")
    (plan_dir / "data" / "garanties.csv").write_text(
        "indicator,area,period,value\nO-garanties,zuid,2024,300\n", encoding="utf-8"
    )
    assert run("load", str(plan_dir)).exit_code == 0

    spent = run("money", "spend", "W1", "2024", "300.000", "--note", "eerste tranche")
    assert spent.exit_code == 0
    assert spent.stdout.startswith(
        "besteding vastgelegd: €\u00a0300.000 op W1 (Verplichting W1) in 2024; totaal besteed "
        "€\u00a0300.000 van €\u00a0400.000 (75%)"
    )
    result = run("money", "--year", "2024", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["year"] == 2024
    assert data["tasks"]["totals"] == {
        "2023-2026": 4_400_000,
        "2023-2027": 5_000_000,
        "per jaar": 1_100_000,
    }
    werk = next(c for c in data["coverage"] if c["pillar"] == "werk")
    assert (werk["task"], werk["committed"], werk["gap"], werk["status"]) == (
        1_000_000,
        400_000,
        600_000,
        "deels onzeker",
    )
    w1 = next(c for c in data["commitments"] if c["id"] == "W1")
    assert (w1["spent"], w1["spend_status"]) == (300_000, "binnen budget")
    (vfm,) = data["value_for_money"]
    assert (vfm["intervention"], vfm["signal"]) == ("I-adb", "meer uitgegeven dan bereikt")

    over = run("money", "spend", "W1", "2024", "150000")
    assert "let op: overschreden met €\u00a050.000" in over.stdout
    shown = run("money", "show", "--pillar", "werk", "--format", "json")
    assert json.loads(shown.stdout)["bureau"] is None
    table = run("money")
    assert table.exit_code == 0
    assert "Financiële opgave per pijler (Tabel 11)" in table.stdout
    assert "overschreden" in table.stdout and "Aandachtspunten" in table.stdout

    unknown = run("money", "spend", "W9", "2024", "10")
    assert unknown.exit_code == 1 and "verplichting 'W9' staat niet in het plan" in unknown.stderr
    negative = run("money", "spend", "W1", "2024", "--", "-10")
    assert negative.exit_code == 1 and "nul of meer" in negative.stderr
    pillar = run("money", "--pillar", "sport")
    assert pillar.exit_code == 1 and "pijler 'sport' staat niet in het plan" in pillar.stderr
    nonsense = run("money", "spend", "W1", "2024", "veel")
    assert nonsense.exit_code == 2 and "is geen bedrag in euro" in nonsense.stderr


def test_parse_amount():
    assert parse_amount("300000") == 300_000
    assert parse_amount("300.000") == 300_000
    assert parse_amount("€ 1.465.000,50") == 1_465_000.5
    assert parse_amount("2500.75") == 2500.75
    assert parse_amount("12,5") == 12.5


# -- the Deel II partial ----------------------------------------------------------------


def render(data: MoneySummary, *, strict: bool = False) -> str:
    env = Environment(
        loader=PackageLoader("koers.report", "templates"),
        autoescape=True,
        **({"undefined": StrictUndefined} if strict else {}),
    )
    return str(env.get_template("_money.html").module.section(data))


def test_partial_renders_the_nprz_money(nprz: Plan):
    html = render(money_summary(nprz, []))
    assert "<h2>Financiën: opgave, dekking en besteding</h2>" in html
    assert (
        "€\u00a0644.000.000" in html
        and "€\u00a0805.000.000" in html
        and "€\u00a0161.000.000" in html
    )
    assert 'waarvan Rijk (50%)</td><td class="num">€\u00a0322.000.000' in html
    assert "€\u00a01.465.000" in html and "€\u00a0965.000" in html
    assert '<span class="status status-rood">tekort</span>' in html
    assert '<span class="status status-oranje">voorwaarde</span>' in html
    assert "Het plan bevat nog geen verplichtingen per interventie en jaar." in html
    assert "Rijk-NPLV (t/m 2025) na 2025 is afgelopen" in html
    assert render(money_summary(nprz, [], year=2026), strict=True)


def test_partial_renders_commitments_and_value_for_money():
    plan = make([*WERK_2024, commitment("V1", 2024, 10, "toegezegd", intervention="I-pga")])
    summary = money_summary(plan, [Spent("W1", 2024, 500_000)], [garanties(300)])
    html = render(summary, strict=True)
    assert '<span class="status status-rood">overschreden</span>' in html
    assert '<span class="status status-oranje">meer uitgegeven dan bereikt</span>' in html
    assert '<span class="status status-oranje">deels onzeker</span>' in html
    assert "voorwaardelijk (niet vervuld: Het Rijk cofinanciert)" in html
    empty = plan_from_documents(
        {"plan.yaml": json.dumps({k: v for k, v in document().items() if k != "finance"})}
    )
    assert "Het plan bevat geen financiële gegevens." in render(
        money_summary(empty, []), strict=True
    )


def test_partial_renders_with_the_report_environment(nprz: Plan):
    from koers.report.render import _environment

    template = _environment().get_template("_money.html")
    html = str(template.module.section(money_summary(nprz, [], year=2024)))
    assert "€\u00a0644.000.000" in html and "(verslagjaar)" in html
