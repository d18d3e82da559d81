"""The NPRZ Uitvoeringsplan 2023-2027 as data, checked against the chapter extracts.

Expected values are read from the extracts in ``shared/spec`` where they hold a table (so a
typo in the plan data fails here), and typed in from the extract's text for spot checks.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from koers.areas import Observation
from koers.assess import Status, evaluate
from koers.plan import AreaKind, IndicatorKind, Plan

from .conftest import ROOT

PLAN_DIR = ROOT / "plans" / "nprz-2023-2027"
# shared/ lies beside the clone (as for developers and CI); KOERS_SHARED points elsewhere
SPEC = Path(os.environ.get("KOERS_SHARED", ROOT.parent / "shared")) / "spec"


@pytest.fixture(scope="module")
def plan(nprz_plan: Plan) -> Plan:
    return nprz_plan


@pytest.fixture(scope="module")
def observations(nprz_figures: list[Observation]) -> list[Observation]:
    return nprz_figures


def spec_text(name: str) -> str:
    path = SPEC / name
    if not path.is_file():
        pytest.skip(f"the extracts are not beside this clone ({path})")
    return path.read_text(encoding="utf-8")


def spec_csv(name: str, after: str) -> list[dict[str, str]]:
    """The first ```csv block after the line containing ``after`` in an extract."""
    text = spec_text(name)
    block = text[text.index(after) :].split("```csv", 1)[1].split("```", 1)[0]
    return list(csv.DictReader(io.StringIO(block.strip())))


def values(observations: list[Observation], indicator: str) -> dict[tuple[str, str], float | None]:
    return {(o.area, o.period): o.value for o in observations if o.indicator == indicator}


# -- structure -------------------------------------------------------------------------------


def test_pillars_aandachtsgebieden_and_theme(plan: Plan):
    kinds = {p.id: p.kind for p in plan.pillars}
    assert {k for k, v in kinds.items() if v == "pillar"} == {
        "thuisbasis",
        "school",
        "werk",
        "wonen",
        "veilig",
    }
    assert kinds["economie"] == "aandachtsgebied"
    assert plan.pillar("veilig").accountable == "Driehoek"
    for pillar in plan.pillars:
        if pillar.kind == "pillar":
            assert pillar.ambitions, f"pillar {pillar.id} has no ambitions"
            assert pillar.lines, f"pillar {pillar.id} has no intervention lines"


def test_programme_records_both_start_years_with_their_lines(plan: Plan):
    programme = plan.programme
    assert (programme.period_start, programme.period_end, programme.horizon) == (2023, 2027, 2031)
    readings = {r.year: r.ref for r in programme.start_year_readings}
    assert set(readings) == {2011, 2012}
    assert "134-135" in readings[2011] and "4325" in readings[2012]
    assert "Zuid op Koers" in (programme.reporting_cycle or "")


def test_every_pillar_has_effect_indicators_with_targets(plan: Plan):
    effect = [i for i in plan.indicators if i.kind is IndicatorKind.EFFECT]
    per_pillar = Counter(i.pillar for i in effect)
    for pillar in ("thuisbasis", "school", "werk", "wonen", "veilig"):
        assert per_pillar[pillar] >= 3, pillar
    assert [i.id for i in effect if i.target is None] == []


def test_tabel_1_has_22_rows_steered_to_the_g4_level(plan: Plan):
    rows = [i for i in plan.indicators if i.id.startswith("T1.R")]
    assert [i.id for i in rows] == [f"T1.R{n}" for n in range(1, 23)]
    g4 = [
        i
        for i in rows
        if i.target and i.target.kind == "reach_reference" and i.target.reference_area == "g4"
    ]
    assert len(g4) >= 16
    for indicator in g4:
        assert (indicator.target.baseline_year, indicator.target.target_year) == (2011, 2031)
        assert [(m.year, m.gap_closed) for m in indicator.target.milestones] == [(2021, 0.25)]


def _agreement_ids(text: str) -> set[str]:
    found = re.findall(r"^\| *(A\d\.\d+)[a-z]?\b[^|]*\|", text, re.M)  # "A4.1 (in-text)"
    found += re.findall(r"^\*\*(A\d\.\d+)[a-z]?\b", text, re.M)
    return set(found)


@pytest.mark.parametrize(
    ("extract", "chapters"),
    [
        ("ch1-2-ambitie-wijken.md", "2"),
        ("ch3-thuisbasis.md", "3"),
        ("ch4-school.md", "4"),
        ("ch5-werk.md", "5"),
        ("ch6-wonen.md", "6"),
        ("ch7-8-veilig-organisatie.md", "78"),
    ],
)
def test_every_agreement_of_the_extracts_is_in_the_plan(plan: Plan, extract: str, chapters: str):
    expected = _agreement_ids(spec_text(extract))
    assert expected, "no agreements found in the extract"
    in_plan = {
        re.sub(r"[a-z]$", "", a.id)
        for a in plan.agreements
        if a.id.startswith("A") and a.id[1] in chapters
    }
    assert in_plan == expected


def test_agreements_per_chapter(plan: Plan):
    """The "Afspraak" boxes per chapter: a box split into items (A8.5a, A8.5b) or kept as a
    pointer to the same commitment elsewhere (A3.8) is still one box of its chapter."""
    boxes = {re.sub(r"[a-z]$", "", a.id) for a in plan.agreements if re.match(r"A\d", a.id)}
    per_chapter = Counter(box.split(".")[0] for box in boxes)
    assert per_chapter["A3"] == 14
    assert per_chapter["A7"] == 28
    assert per_chapter["A8"] == 8


def test_every_agreement_has_an_owner_or_says_none_is_named(plan: Plan):
    silent = [
        a.id
        for a in plan.agreements
        if a.is_commitment and not a.owners and "niet vermeld" not in (a.note or "")
    ]
    assert silent == []


def test_the_58_partners_by_sector(plan: Plan):
    expected = spec_csv("ch7-8-veilig-organisatie.md", "58 partners in total")
    signatories = [p for p in plan.partners if p.signatory]
    assert [(p.name, p.sector) for p in signatories] == [(r["name"], r["sector"]) for r in expected]
    assert Counter(p.sector for p in signatories) == {
        "onderwijs": 20,
        "werk": 13,
        "zorg": 6,
        "wonen": 7,
        "overheid": 11,
        "overig": 1,
    }


def test_areas_wijken_focuswijken_wijkraden(plan: Plan):
    wijken = [a for a in plan.areas if a.kind is AreaKind.WIJK]
    assert len(wijken) == 15
    assert sorted(plan.area("zuid").members) == sorted(a.id for a in wijken)
    assert len(plan.area("focuswijken").members) == 7
    wijkraden = [a for a in plan.areas if a.id.startswith("wijkraad-")]
    assert len(wijkraden) == 15
    gebieden = {a.id: a.cbs_code for a in plan.areas if a.id.startswith("gebied-")}
    assert gebieden == {
        "gebied-charlois": "WK059915",
        "gebied-feijenoord": "WK059910",
        "gebied-ijsselmonde": "WK059912",
    }


def test_the_20_nplv_areas_with_their_populations(plan: Plan):
    expected = [
        row
        for row in spec_csv("ch7-8-veilig-organisatie.md", "### 2.2 Figuur 12")
        if row["nr"].isdigit()
    ]
    members = [plan.area(m) for m in plan.area("nplv").members]
    assert len(members) == 20
    assert [a.population for a in members] == [int(r["inwoners"]) for r in expected]


# -- figures ---------------------------------------------------------------------------------

TABEL_1_COLUMNS = {
    "Nederland": ("nl", False),
    "Totaal G4 in 2011": ("g4", True),
    "Totaal G4": ("g4", False),
    "Amsterdam": ("amsterdam", False),
    "Den Haag": ("den-haag", False),
    "Utrecht": ("utrecht", False),
    "Rotterdam": ("rotterdam", False),
    "Zuid in 2011": ("zuid", True),
    "Zuid": ("zuid", False),
    "7 Focuswijken": ("focuswijken", False),
}


def test_every_value_of_tabel_1_round_trips(observations: list[Observation]):
    rows = spec_csv("ch1-2-ambitie-wijken.md", "### 1.2 Clean CSV")
    assert len(rows) == 22
    for number, row in enumerate(rows, start=1):
        stored = {
            (area, period == "2011"): value
            for (area, period), value in values(observations, f"T1.R{number}").items()
        }
        expected = {
            key: float(row[column])
            for column, key in TABEL_1_COLUMNS.items()
            if row[column] not in ("", "nb", "x")
        }
        assert stored == expected, f"Tabel 1 row {number}"


def test_tabel_9_aandebak_guarantees(observations: list[Observation]):
    rows = spec_csv("ch5-werk.md", "### 2.1 Tabel 9")
    printed = {r["werkgever"]: int(r["aantal_beschikbare_aandebak_garanties"]) for r in rows}
    total = printed.pop("Totaal")
    per_employer = [o.value for o in observations if re.fullmatch(r"O5\.[12]\..+", o.indicator)]
    assert sorted(per_employer) == sorted(printed.values())
    assert sum(per_employer) == total == 802
    headline = {
        o.indicator: o.value for o in observations if o.indicator in ("O5.1", "O5.2", "O5.3")
    }
    assert headline == {"O5.1": 557, "O5.2": 245, "O5.3": 802}


def test_figuur_7_and_9_housing_task_and_realisation(plan: Plan, observations):
    realised = spec_csv("ch6-wonen.md", "### 2.1 Figuur 7")
    tracks = dict(zip(("O6.18", "O6.19", "O6.20"), realised, strict=True))
    for indicator, row in tracks.items():
        assert values(observations, indicator)[("zuid", "2022")] == float(row["behaald_in_2022"])
        assert plan.indicator(indicator).target.value == float(row["ambitie"])
    by_2018 = spec_csv("ch6-wonen.md", "(b) Table (lines 6865")
    for indicator, row in zip(tracks, by_2018, strict=True):
        assert values(observations, indicator)[("zuid", "2018")] == float(
            row["realisatie_2012_2018"]
        )
    total = values(observations, "O6.17")[("zuid", "2022")]
    assert total == sum(float(r["behaald_in_2022"]) for r in realised) == 18900
    assert plan.indicator("O6.17").target.value == 35000


def test_tabel_11_financial_task(plan: Plan):
    assert plan.finance is not None
    rows = spec_csv("ch7-8-veilig-organisatie.md", "### 2.3 Tabel 11")
    printed = [r for r in rows if r["pijler_onderdeel"] != "Totaal"]
    tasks = plan.finance.tasks
    assert len(tasks) == len(printed) == 6
    for task, row in zip(tasks, printed, strict=True):
        assert task.amounts["2023-2026"] == float(row["opgave_2023_2026_mln"]) * 1e6
        assert task.amounts["2023-2027"] == float(row["opgave_2023_2027_mln_star"]) * 1e6
        assert task.amounts["per jaar"] == float(row["gemiddeld_jaarlijks_mln"]) * 1e6
        assert "2023-2027" in task.provisional
    totals = {
        period: sum(t.amounts[period] for t in tasks)
        for period in ("2023-2026", "2023-2027", "per jaar")
    }
    assert totals == {"2023-2026": 644e6, "2023-2027": 805e6, "per jaar": 161e6}
    assert {s.funder: s.share for s in plan.finance.cost_split} == {"Rijk": 0.5, "Gemeente": 0.5}


def test_tabel_12_and_13_bureau_budget_and_contributions(plan: Plan):
    assert plan.finance is not None
    budget = sum(line.amounts["per jaar"] for line in plan.finance.bureau_budget)
    contributions = sum(c.amount_per_year for c in plan.finance.contributions)
    assert budget == contributions == 1_465_000
    nplv = next(c for c in plan.finance.contributions if "NPLV" in c.name)
    assert (nplv.amount_per_year, nplv.to_year) == (500_000, 2025)
    assert plan.finance.price_level == "december 2022"


def test_governance(plan: Plan):
    assert plan.governance is not None
    board = plan.governance.board
    assert board.size == 11 and board.meetings_per_year == 6
    assert sum(seat.seats for seat in board.seats) == 10
    assert board.terms is not None and board.terms.first_term_years == (3, 5)
    assert board.terms.renewals == 1
    assert len(plan.governance.escalation) == 3


SPOT_CHECKS = [  # (indicator, area, period, value): figures printed in the plan
    ("E5.3", "zuid", "2022-12-31", 13292),
    ("E5.3", "zuid", "2012", 15000),
    ("E5.4", "zuid", "2022-12-31", 40.3),
    ("E5.5", "zuid", "2022", 1740),
    ("E5.5", "zuid", "2021", 1919),
    ("E5.7", "zuid", "2022", 2923),
    ("E5.8", "zuid", "2022", 3633),
    ("O5.4", "zuid", "2021/2022", 741),
    ("O5.5", "zuid", "2021/2022", 143),
    ("O4.13", "rotterdam", "2021-10-01", 79),
    ("O4.13", "gebied-charlois", "2021-10-01", 76),
    ("O4.13", "gebied-feijenoord", "2018-10-01", 85),
    ("O4.13", "gebied-ijsselmonde", "2021-10-01", 73),
    ("C4.1", "zuid", "2020", 121),
    ("C4.1", "zuid", "2021", 212),
    ("C4.1", "zuid", "2022", 184),
    ("E3.2", "zuid", "2021/2022", 194),
    ("E3.2", "rotterdam", "2021/2022", 344),
    ("C3.4", "zuid", "2020", 22160),
    ("C3.4", "rotterdam", "2020", 51340),
    ("O3.15", "zuid", "2023-01-01", 34),
    ("C3.12", "zuid", "2022-01-01", 36.2),
    ("O6.17", "zuid", "2022", 18900),
    ("O6.18", "zuid", "2022", 8600),
    ("O6.20", "zuid", "2022", 8200),
    ("E7.4", "zuid", "2022", 10),
    ("E7.4", "gebied-feijenoord", "2022", 11.9),
    ("E7.4", "nl", "2022", 5.0),
    ("T1.R1", "zuid", "2011", 193982),
    ("T1.R20", "zuid", "2020-10-01", 15.0),
]

TARGET_CHECKS = [  # (indicator, field, value): targets as the plan words them
    ("O5.1", "value", 600),
    ("O5.1", "start_year", 2023),
    ("E5.4", "reference_share", 32),
    ("E5.4", "target_year", 2031),
    ("O3.15", "value", 56),
    ("O3.15", "target_year", 2023),
    ("O4.17", "baseline_value", 33),
    ("O4.17", "value", 50),
    ("O7.1", "value", 150),
    ("O7.2", "value", 50),
    ("O6.9", "value", 2000),
    ("O6.9", "upper", 2400),
    ("O6.17", "value", 35000),
]


@pytest.mark.parametrize(("indicator", "area", "period", "value"), SPOT_CHECKS)
def test_spot_check_figures(observations, indicator, area, period, value):
    assert values(observations, indicator)[(area, period)] == value


@pytest.mark.parametrize(("indicator", "field", "value"), TARGET_CHECKS)
def test_spot_check_targets(plan: Plan, indicator, field, value):
    assert getattr(plan.indicator(indicator).target, field) == value


def test_the_bijstand_share_milestones(plan: Plan):
    target = plan.indicator("E5.4").target
    assert [(m.year, m.value) for m in target.milestones] == [(2022, 37.4), (2023, 40.0)]


def test_status_of_every_effect_and_output_indicator(plan, observations):
    results = evaluate(plan, observations)
    judged = {r.indicator: r for r in results}
    steered = [i.id for i in plan.indicators if i.kind is not IndicatorKind.CONTEXT]
    assert all(i in judged for i in steered)
    for indicator in steered:
        result = judged[indicator]
        assert result.explanation, indicator
        if result.status is Status.GRIJS:
            assert any(
                reason in result.explanation
                for reason in (
                    "geen gegevens",
                    "nulmeting",
                    "geen streefwaarde",
                    "geen doel",
                    "alleen gevolgd",
                    "geen eerdere meting",
                    "geen eerder niveau",
                    "geldt vanaf",
                    "geen waarde voor",
                )
            ), result.explanation
    assert judged["E5.4"].status is Status.ROOD
    assert judged["E5.4"].expected == 37.4
    assert judged["O5.1"].status is Status.ROOD  # 557 against at least 600
    assert judged["T1.R19"].status is Status.GROEN  # 31% of the gap closed, 20% due


# -- targets as the text states them ----------------------------------------------------------

NAMES_A_REFERENCE = re.compile(
    r"naar (het )?(stedelijk gemiddelde|G4[ -](niveau|gemiddelde)|proportione(el|le) aandeel)",
    re.I,
)


def test_one_status_per_target_on_one_series(plan: Plan, observations):
    judged = {r.indicator: r for r in evaluate(plan, observations)}
    for indicator in plan.indicators:
        result = judged[indicator.id]
        assert len(result.all) == max(1, len(indicator.targets)), indicator.id
        # every status of an indicator is on the same figure of the same area
        assert len({(a.area, a.period, a.value) for a in result.all}) == 1, indicator.id
        assert [a.target_ref for a in result.all] == [t.ref for t in indicator.targets] or (
            not indicator.targets
        )
    woz = judged["T1.R22"]
    assert [a.reference_area for a in woz.all] == ["g4", "rotterdam"]
    assert [a.target_ref for a in woz.all] == [
        "seed:133-141, 285-289",
        "Tabel 10; seed:7986-7989, 8006-8009",
    ]


def test_one_item_per_measure(plan: Plan):
    # a measure the text names twice (Tabel 1 and Tabel 10) is one indicator; the
    # transcription marked such twins "Zelfde maat als"
    twins = [i.id for i in plan.indicators if "zelfde maat" in (i.note or "").lower()]
    assert twins == []
    woz = [i.id for i in plan.indicators if "WOZ" in i.name]
    assert woz == ["T1.R22"]
    fragile = [i.id for i in plan.indicators if "kwetsbare meergezinswoningen" in i.name]
    assert fragile == ["T1.R21"]


def test_a_reference_the_text_names_is_encoded_as_a_reference(plan: Plan):
    found = []
    for indicator in plan.indicators:
        for target in indicator.targets:
            if not NAMES_A_REFERENCE.search(target.statement or ""):
                continue
            if target.kind in ("reach_reference", "staged", "proportional_share"):
                continue
            # a count cannot be compared with another area without a rate the plan lacks
            if indicator.unit.value == "count" and "per inwoner" in (indicator.note or ""):
                continue
            found.append(indicator.id)
    assert found == []


def test_veilig_s_ladder_first_the_rest_of_the_city_then_the_g4(plan: Plan):
    target = plan.indicator("E7.4").target
    assert target.kind == "staged"
    assert [s.reference_area for s in target.stages] == ["rotterdam-excl-zuid", "g4"]
    assert all(s.year is None for s in target.stages)  # the text gives no years
    assert "8341-8351" in (target.ref or "")


def test_strict_inequalities_and_conditions_are_on_the_target(plan: Plan):
    assert plan.indicator("O5.9").target.strict  # "Meer dan de helft"
    assert plan.indicator("O4.17").target.condition == "mits eerst de 33% wordt gehaald"


def test_every_area_the_plan_sets_a_target_for_is_in_the_graph(plan: Plan):
    areas = {a.id: a for a in plan.areas}
    assert areas["zuidoever"].members == ["zuid", "hoogvliet", "pernis"]
    for indicator in ("O3.22", "O3.23"):
        target = plan.indicator(indicator).target
        assert (target.kind, target.area, target.value) == ("absolute", "zuidoever", 55)
    named = {"Zuidoever": "zuidoever", "rest van de stad": "rotterdam-excl-zuid"}
    for indicator in plan.indicators:
        for target in indicator.targets:
            for words, area in named.items():
                # a proportional share is the rest of the city's level by construction
                if target.kind in ("monitor_only", "proportional_share"):
                    continue
                if words in (target.statement or ""):
                    used = {target.area, getattr(target, "reference_area", None)}
                    used |= {s.reference_area for s in getattr(target, "stages", [])}
                    assert area in used, (indicator.id, words)


def test_targets_worded_alike_have_the_same_kind(plan: Plan):
    def words(text: str) -> str:
        return re.sub(r"[^a-z ]", "", text.lower())

    with_statement = [i for i in plan.indicators if i.target and i.target.statement]
    unlike = []
    for pos, a in enumerate(with_statement):
        for b in with_statement[pos + 1 : pos + 15]:  # neighbours: the same table or chapter
            alike = difflib.SequenceMatcher(
                None, words(a.target.statement), words(b.target.statement)
            ).ratio()
            if alike >= 0.75 and a.target.kind != b.target.kind:
                unlike.append((a.id, b.id))
    assert unlike == []


# -- the plan as agreed: owners, one item per commitment, kinds, dates, areas, readings -------

PARTNERS_TOGETHER = re.compile(
    r"NPRZ-partners|gezamenlijke partners|alle partners|partners (gezamenlijk|samen)", re.I
)


def test_no_bureau_owner_where_the_text_names_the_partners_together(plan: Plan):
    named = [a for a in plan.agreements if PARTNERS_TOGETHER.search(a.text)]
    assert named, "the plan has agreements of the partners together"
    assert [a.id for a in named if "nprz" in a.owners] == []
    assert all("nprz-partners" in a.owners for a in named if a.is_commitment)


def test_a_collective_owner_names_who_reports_and_they_see_it_in_the_portal(plan: Plan):
    from koers.workflow import partner_agreements

    collectives = {p.id for p in plan.partners if p.collective}
    assert {"nprz-partners", "driehoek"} <= collectives
    owned = [a for a in plan.agreements if set(a.owners) & collectives and a.is_commitment]
    assert [a.id for a in owned if not a.reporters] == []
    for agreement in owned:
        for reporter in agreement.reporters:
            assert agreement.id in {a.id for a in partner_agreements(plan, reporter)}


def test_veilig_is_owned_by_the_driehoek_not_the_bureau(plan: Plan):
    driehoek = next(p for p in plan.partners if p.id == "driehoek")
    assert set(driehoek.members) == {"gemeente", "politie", "om"}
    we = [a for a in plan.agreements if a.pillar == "veilig" and re.match(r"We\b", a.text)]
    assert we and all(a.owners == ["driehoek"] for a in we), [a.id for a in we]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}


def test_no_two_items_hold_the_same_commitment(plan: Plan):
    """A commitment the plan repeats in another chapter is one item; the other chapter holds
    a pointer (kind verwijzing). Items split from one passage (same parent) share its words
    by construction and are compared with the rest, not with each other."""
    commitments = [a for a in plan.agreements if a.is_commitment]
    same = []
    for i, a in enumerate(commitments):
        for b in commitments[i + 1 :]:
            shared = len(_words(a.text) & _words(b.text))
            if a.parent is not None and a.parent == b.parent:
                continue
            if shared / min(len(_words(a.text)), len(_words(b.text))) >= 0.9:
                same.append((a.id, b.id))
    assert same == []
    repeated = [a.id for a in commitments if re.search(r"herhaling|dezelfde", a.note or "", re.I)]
    assert repeated == []
    # the three commitments the plan names in two chapters: one item, a pointer from the other
    pointers = {a.id: a.same_as for a in plan.agreements if a.kind == "verwijzing"}
    assert pointers == {"A3.8": ["A5.9a", "A5.9b"], "U7.5": ["A6.16"], "U8.6": ["C2.9"]}


WISH_OR_PRINCIPLE = re.compile(
    r"^wensen\b|\bwensen op dit dossier|\bintentie\b|\buitgangspunten?\b(?! voor)|"
    r"\b(we|wij) willen\b|\bwillen we\b|\bwil (een|het)\b",
    re.I,
)


def test_no_afspraak_is_a_wish_or_a_principle(plan: Plan):
    assert [
        a.id for a in plan.agreements if a.kind == "afspraak" and WISH_OR_PRINCIPLE.search(a.text)
    ] == []
    kinds = Counter(a.kind for a in plan.agreements)
    assert kinds["wens"] >= 3 and kinds["uitgangspunt"] >= 2


def test_wishes_and_principles_are_not_counted_or_reported(plan: Plan):
    from koers.plan.summary import agreement_rows, summarise

    rows = {r.id: r for r in agreement_rows(plan)}
    assert summarise(plan)["commitments"] == sum(1 for a in plan.agreements if a.is_commitment)
    for agreement in plan.agreements:
        if not agreement.is_commitment:
            assert agreement.reported_by == []
            assert not rows[agreement.id].overdue_on(date(2031, 1, 1))


def test_folded_items_are_split_with_their_own_dates_and_the_passage_as_parent(plan: Plan):
    split = {a.id: a for a in plan.agreements if a.parent == "A6.11"}
    assert {a.id: a.due for a in split.values()} == {
        "A6.11a": "2023",
        "A6.11b": "2023-09",
        "A6.11c": "2024",
        "A6.11d": "2023",
    }
    assert {a.kind for a in plan.agreements if a.parent == "A2.3"} == {"uitgangspunt", "afspraak"}


def test_every_due_date_has_a_kind(plan: Plan):
    dated = [a for a in plan.agreements if a.due not in (None, "doorlopend")]
    assert [a.id for a in dated if a.due_kind is None] == []
    by_id = {a.id: a for a in plan.agreements}
    assert (by_id["U5.18b"].due, by_id["U5.18b"].due_kind) == ("2024", "niet_voor")
    assert (by_id["A6.13"].due, by_id["A6.13"].due_kind) == ("2024-10", "start")
    assert by_id["U5.5"].due_kind == "jaarlijks"


def test_only_a_deadline_is_overdue(plan: Plan):
    from koers.plan.summary import agreement_rows

    late = {r.id for r in agreement_rows(plan) if r.overdue_on(date(2026, 1, 1))}
    assert "A6.11c" in late  # uiterlijk 2024
    assert "U5.18b" not in late  # niet vóór 2024: a date that cannot pass
    assert "A5.1b" not in late  # start in school year 2023-2024
    assert "U5.5" not in late  # jaarlijks


def _place_names(plan: Plan) -> dict[str, set[str]]:
    """Name -> the area ids it may stand for: wijken (and the parts of a double name),
    buurten, gebieden and the focuswijken, matched in the test, not in production code."""
    names: dict[str, set[str]] = {"focuswijken": {"focuswijken"}, "focuswijk": {"focuswijken"}}
    for area in plan.areas:
        if area.kind in (AreaKind.WIJK, AreaKind.BUURT) or area.id.startswith("gebied-"):
            name = area.name.split(" (")[0]
            names.setdefault(name, set()).add(area.id)
    return names


def _named(text: str, names: dict[str, set[str]]) -> list[set[str]]:
    text = re.sub(r"Feijenoord ?City", " ", text)  # a project, not the wijk
    found = []
    for name in sorted(names, key=len, reverse=True):
        spelled = r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", name))
        pattern = re.compile(rf"(?<!\w){spelled}(?!\w)", 0 if name[0].isupper() else re.I)
        if pattern.search(text):
            found.append(names[name])
            text = pattern.sub(" ", text)
    return found


def test_every_item_that_names_a_place_has_it_linked(plan: Plan):
    names = _place_names(plan)
    missing = []
    items = [(a.id, f"{a.text} {a.deliverable or ''}", a.areas) for a in plan.agreements]
    items += [(i.id, f"{i.name} {i.description or ''}", i.areas) for i in plan.interventions]
    for item, text, areas in items:
        missing += [(item, sorted(ids)) for ids in _named(text, names) if not ids & set(areas)]
    assert missing == []
    by_id = {a.id: a for a in plan.agreements}
    assert "carnisse" in by_id["A6.10d"].areas  # a buurt of the wijk Carnisse - Zuidplein


def test_readings_are_data_and_notes_carry_no_annotations(plan: Plan):
    sections = [plan.areas, plan.indicators, plan.interventions, plan.agreements, plan.pillars]
    items = [item for section in sections for item in section]
    marks = re.compile(r"\[(UNCERTAIN|INFERRED|DERIVED)|seed:", re.I)
    for item in items:
        for field in ("note", "definition", "description"):
            assert not marks.search(getattr(item, field, None) or ""), (item.id, field)
    readings = [r for item in items for r in item.readings]
    assert len(readings) >= 100
    assert {r.reading for r in readings} == {"onzeker", "afgeleid"}
    assert all(r.reason and r.lines for r in readings if r.about == "owners")
