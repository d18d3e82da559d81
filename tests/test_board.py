"""Governance: term signals, composition review, meetings, the board agenda, CLI and partial."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, PackageLoader

import koers.cli.board  # noqa: F401  (registers `koers board` on main)
from koers.areas import Observation
from koers.assess import evaluate
from koers.board import (
    BOARD_FALLBACK,
    BOARD_KEY,
    ENDING,
    EXPIRED,
    LAST_TERM,
    RENEWAL_DUE,
    Rung,
    add_months,
    add_years,
    agreement_ladder,
    board_agenda,
    board_summary,
    composition_review_due,
    escalation_ladders,
    meeting_signals,
    rung_at,
    term_end,
    term_signals,
)
from koers.plan import Plan, load_plan, plan_from_documents
from koers.plan.model import Board, BoardMember, Meeting, Seat, TermRules
from koers.plan.summary import agreement_rows

from .conftest import ROOT
from .helpers import AREAS, LADDERS_YAML

NPRZ = ROOT / "plans" / "nprz-2023-2027"
VOTE = (
    "Bij bestuurders zonder achterban besluit het bestuur tot aanstelling of verlenging; een "
    "gewone meerderheid is voldoende. Bij een even aantal stemmen geeft de voorzitter de doorslag."
)
RULES = TermRules(first_term_years=(3, 5), renewals=1, renewal_years=(3, 5), appointment_vote=VOTE)
SEATS = [
    Seat(sector="Werkgevers", seats=1, mandate="uit_de_kring_van"),
    Seat(sector="Gemeente", seats=1, mandate="achterban"),
]


def board(*members: BoardMember, **fields: Any) -> Board:
    return Board(
        name="Bestuur",
        chair="burgemeester",
        size=3,
        seats=SEATS,
        terms=fields.pop("terms", RULES),
        members=list(members),
        **fields,
    )


def member(name: str = "A. de Vries", **fields: Any) -> BoardMember:
    values: dict[str, Any] = {
        "seat": "Werkgevers",
        "start": date(2019, 5, 1),
        "term_years": 4,
        **fields,
    }
    return BoardMember(name=name, **values)


def signals_on(day: date, *members: BoardMember, **fields: Any) -> list[str]:
    return [s.signal for s in term_signals(board(*members, **fields), day)]


# ------------------------------------------------------------------------------ terms


def test_dates_add_years_and_months_like_a_calendar():
    assert add_years(date(2019, 5, 1), 4) == date(2023, 5, 1)
    assert add_years(date(2020, 2, 29), 3) == date(2023, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)
    assert add_months(date(2023, 5, 1), -6) == date(2022, 11, 1)
    assert add_months(date(2023, 8, 31), -6) == date(2023, 2, 28)
    assert term_end(member(start=date(2020, 2, 29), term_years=3)) == date(2023, 2, 28)


def test_a_term_of_four_years_from_may_2019_signals_six_months_ahead_and_then_expires():
    first = member()  # 2019-05-01 + 4 years: ends 2023-05-01; seat without backing
    assert signals_on(date(2022, 10, 31), first) == []
    assert signals_on(date(2022, 11, 1), first) == [ENDING, RENEWAL_DUE]
    assert signals_on(date(2023, 5, 1), first) == [ENDING, RENEWAL_DUE]  # the last day
    assert signals_on(date(2023, 5, 2), first) == [EXPIRED]
    ending, renewal = term_signals(board(first), date(2022, 11, 1))
    assert ending.term_end == date(2023, 5, 1)
    assert ending.detail == "De termijn van A. de Vries (Werkgevers) eindigt op 1 mei 2023."
    # without backing ('uit de kring van', from the seat): the board decides by majority
    assert "Lid zonder achterban ('uit de kring van')" in renewal.detail
    assert "gewone meerderheid" in renewal.detail
    assert "voor 3 tot en met 5 jaar vóór 1 mei 2023" in renewal.detail
    expired = term_signals(board(first), date(2023, 5, 2))[0]
    assert expired.level == "rood" and "eindigde op 1 mei 2023" in expired.detail
    assert "de verlenging of de opvolger" in expired.detail


def test_a_member_with_backing_renews_on_motivation():
    backed = member(seat="Gemeente")
    renewal = term_signals(board(backed), date(2023, 1, 1))[1]
    assert renewal.signal == RENEWAL_DUE
    assert "motivatie van het bestuurslid" in renewal.detail
    assert "gewone meerderheid" not in renewal.detail
    # the member's own mandate wins over the seat's
    own = member(seat="Gemeente", mandate="uit_de_kring_van")
    assert "gewone meerderheid" in term_signals(board(own), date(2023, 1, 1))[1].detail


def test_a_renewed_member_is_in_the_last_term_and_gets_no_renewal_signal():
    renewed = member(start=date(2023, 5, 1), term_years=4, renewed=True)  # ends 2027-05-01
    assert signals_on(date(2024, 1, 1), renewed) == [LAST_TERM]
    assert signals_on(date(2026, 12, 1), renewed) == [ENDING, LAST_TERM]
    assert signals_on(date(2027, 6, 1), renewed) == [EXPIRED, LAST_TERM]
    last = term_signals(board(renewed), date(2024, 1, 1))[0]
    assert "Dit is de verlengde termijn" in last.detail
    assert "de opvolger" in term_signals(board(renewed), date(2027, 6, 1))[0].detail
    # rules that allow no renewal: every term is the last one
    none = RULES.model_copy(update={"renewals": 0})
    assert signals_on(date(2022, 11, 1), member(), terms=none) == [ENDING, LAST_TERM]
    assert signals_on(date(2024, 1, 1), renewed, terms=none) == [
        LAST_TERM,
        "termijn buiten de regel (geen verlenging)",
    ]


def test_a_six_year_term_breaks_the_three_to_five_year_rule():
    long = member(start=date(2020, 1, 1), term_years=6)
    assert signals_on(date(2021, 1, 1), long) == ["termijn buiten de regel (3-5 jaar)"]
    breach = term_signals(board(long), date(2021, 1, 1))[0]
    assert breach.detail == "Een eerste termijn van 6 jaar; de regel is 3 tot en met 5 jaar."
    assert signals_on(date(2021, 1, 1), member(term_years=2, start=date(2020, 1, 1))) == [
        "termijn buiten de regel (3-5 jaar)"
    ]
    renewal_rule = RULES.model_copy(update={"renewal_years": (2, 3)})
    renewed = member(start=date(2020, 1, 1), term_years=4, renewed=True)
    assert signals_on(date(2021, 1, 1), renewed, terms=renewal_rule) == [
        LAST_TERM,
        "termijn buiten de regel (2-3 jaar)",
    ]
    # without term rules: only the dates
    assert signals_on(date(2021, 1, 1), long, terms=None) == []


def test_term_signals_cover_every_member_in_order():
    found = term_signals(
        board(member("A"), member("B", start=date(2021, 1, 1), renewed=True)), date(2022, 12, 1)
    )
    assert [(s.member, s.signal) for s in found] == [
        ("A", ENDING),
        ("A", RENEWAL_DUE),
        ("B", LAST_TERM),
    ]


# ------------------------------------------------------------------ review and meetings


def test_the_composition_review_is_due_every_two_years():
    rule = board(composition_review_years=2)
    assert composition_review_due(rule, date(2022, 3, 1), date(2024, 2, 29)) is None
    due = composition_review_due(rule, date(2022, 3, 1), date(2024, 3, 1))
    assert due == (
        "Evaluatie van de samenstelling is aan de orde: de vorige was op 1 maart 2022, "
        "de regel is elke 2 jaar (uiterlijk 1 maart 2024)."
    )
    unknown = composition_review_due(rule, None, date(2024, 3, 1))
    assert unknown is not None and "geen vorige evaluatie vastgelegd" in unknown
    assert composition_review_due(board(), date(2000, 1, 1), date(2024, 3, 1)) is None


def test_fewer_meetings_than_the_rule_give_a_signal_with_the_count():
    days = [date(2023, 12, 1), date(2024, 2, 1), date(2024, 4, 1), date(2024, 9, 1)]
    days += [date(2024, 11, 1)]
    four = board(meetings_per_year=6, meetings=[Meeting(date=d) for d in days[:-1]])
    assert meeting_signals(four, 2024, date(2024, 6, 1)) == [
        "2024: 3 bestuursvergaderingen gehouden of gepland (2 gehouden, 1 gepland); "
        "de regel is ten minste 6 per jaar."
    ]
    six = [*days, date(2024, 12, 1), date(2024, 12, 15)]
    enough = board(meetings_per_year=6, meetings=[Meeting(date=d) for d in six])
    assert meeting_signals(enough, 2024, date(2024, 6, 1)) == []
    assert meeting_signals(board(), 2024, date(2024, 6, 1)) == []  # no rule, no signal


# ------------------------------------------------------------------------------ agenda

GOVERNANCE = {
    "board": {
        "name": "Bestuur P",
        "chair": "burgemeester",
        "size": 3,
        "seats": [{"sector": "Werkgevers", "seats": 2, "mandate": "uit_de_kring_van"}],
        "meetings_per_year": 6,
        "composition_review_years": 2,
        "terms": {"first_term_years": [3, 5], "renewals": 1, "renewal_years": [3, 5]},
        "members": [
            {"name": "A", "seat": "Werkgevers", "start": "2019-05-01", "term_years": 5},
            {"name": "B", "seat": "Werkgevers", "start": "2021-01-01", "term_years": 6},
        ],
        "meetings": [{"date": "2022-11-15"}, {"date": "2024-04-15"}, {"date": "2024-06-01"}],
    },
    "bodies": [
        {"id": "driehoek", "name": "Driehoek", "pillar": "veilig"},
        {
            "id": "stuurgroep-veilig",
            "name": "Stuurgroep Veilig",
            "pillar": "veilig",
            "escalates_to": "driehoek",
        },
        {"id": "uitvoering", "name": "Uitvoeringsoverleg", "pillar": "wonen"},
        {"id": "strategisch", "name": "Strategisch overleg", "pillar": "wonen"},
    ],
    "escalation": ["uitvoering", "strategisch"],
}


def indicator(iid: str, pillar: str, level: float) -> dict[str, Any]:
    return {
        "id": iid,
        "name": iid.upper(),
        "kind": "effect",
        "pillar": pillar,
        "unit": "percent",
        "polarity": "lower_is_better",
        "target": {"kind": "ceiling", "level": level},
    }


def agreement(
    aid: str, pillar: str, due: str, kind: str = "uiterlijk", item: str = "afspraak"
) -> dict[str, Any]:
    dated = {} if due == "doorlopend" else {"due_kind": kind}
    return {
        "id": aid,
        "text": f"Afspraak {aid}",
        "pillar": pillar,
        "due": due,
        "kind": item,
        **dated,
    }


DOCUMENT = {
    "programme": {
        "id": "p",
        "name": "P",
        "area": "zuid",
        "period_start": 2023,
        "period_end": 2027,
        "horizon": 2031,
    },
    "pillars": [
        {"id": "werk", "name": "Werk"},
        {"id": "wonen", "name": "Wonen"},
        {"id": "veilig", "name": "Veilig", "accountable": "Driehoek"},
    ],
    "areas": AREAS,
    "indicators": [
        indicator("nieuw-rood", "werk", 10),
        indicator("al-rood", "werk", 10),
        indicator("veilig-rood", "veilig", 2),
        indicator("groen", "wonen", 10),
    ],
    "agreements": [
        agreement("A1", "werk", "2023"),  # overdue
        agreement("A2", "werk", "2025"),  # not yet due
        agreement("A3", "veilig", "2025"),  # escalated: goes to the Driehoek
        agreement("A4", "werk", "2023-06"),  # escalated and overdue: listed once
        agreement("A5", "wonen", "doorlopend"),  # never overdue
        agreement("A6", "wonen", "2022-2023"),  # overdue but afgerond
        agreement("A7", "wonen", "2023-2027"),  # a period that runs on
        agreement("A8", "werk", "2023", kind="start"),  # started in 2023: a start cannot pass
        agreement("A9", "werk", "2023", kind="niet_voor"),  # not before 2023
        agreement("A10", "werk", "2022-2023", kind="jaarlijks"),  # every year
        agreement("A11", "werk", "2023", item="wens"),  # a wish is never overdue
    ],
    "governance": GOVERNANCE,
}
FIGURES = [  # indicator, 2022, 2023 (ceilings: nieuw-rood/al-rood 10, veilig-rood 2)
    ("nieuw-rood", 8.0, 14.0),
    ("al-rood", 20.0, 22.0),
    ("veilig-rood", 1.0, 5.0),
    ("groen", 4.0, 5.0),
]


def make_governed_plan() -> Plan:
    return plan_from_documents({"plan.yaml": json.dumps(DOCUMENT)})


def observations() -> list[Observation]:
    return [
        Observation(iid, "zuid", str(year), value)
        for iid, *values in FIGURES
        for year, value in zip((2022, 2023), values, strict=True)
    ]


def test_the_agenda_has_escalations_overdue_agreements_and_newly_red_indicators():
    plan = make_governed_plan()
    obs = observations()
    today = date(2024, 3, 1)  # last meeting 2022-11-15: compare with the figures up to 2022
    rows = agreement_rows(plan, statuses={"A6": "afgerond"})
    agenda = board_agenda(
        plan,
        evaluate(plan, obs),
        evaluate(plan, obs, as_of=2022),
        rows,
        today,
        escalated=["A3", "A4", "A3"],
    )
    assert agenda.board == "Bestuur P"
    assert agenda.next_meeting == date(2024, 4, 15)
    # escalations: A4 (werk) goes to the board, A3 (veilig) to the Driehoek
    assert [(i.id, i.accountable) for i in agenda.escalated] == [
        ("A3", "Driehoek"),
        ("A4", "Bestuur P"),
    ]
    assert [i.id for i in agenda.escalated_to_board] == ["A4"]
    assert {body: [i.id for i in items] for body, items in agenda.escalated_elsewhere.items()} == {
        "Driehoek": ["A3"]
    }
    a4 = agenda.escalated_to_board[0]
    assert a4.detail == (
        "Geëscaleerd; deadline 2023-06; status: niet gerapporteerd; eigenaar: niet vermeld."
    )
    # overdue: A1 only (A4 is escalated already, A6 afgerond, A5 doorlopend, A2/A7 run on,
    # A8-A10 are dates of another kind than a deadline, A11 is a wish)
    assert [i.id for i in agenda.overdue] == ["A1"]
    assert agenda.overdue[0].detail.startswith("De deadline is verstreken; deadline 2023;")
    # newly red: rood now and not at the last meeting; al-rood was rood already
    assert [(i.id, i.accountable) for i in agenda.newly_red] == [
        ("nieuw-rood", "Bestuur P"),
        ("veilig-rood", "Driehoek"),
    ]
    assert agenda.newly_red[0].detail.startswith("Nu rood (eerder groen).")
    assert [i.id for i in agenda.items] == ["A4", "A1", "nieuw-rood", "veilig-rood"]
    # the ladders shown beside it
    ladders = {ladder.pillar: ladder for ladder in agenda.ladders}
    assert ladders["wonen"].route == ["Uitvoeringsoverleg", "Strategisch overleg", "Bestuur P"]
    assert ladders["veilig"].route == ["Stuurgroep Veilig", "Driehoek"]
    assert ladders["werk"].route == ["Bestuur P"]
    record = agenda.record()
    assert [i["id"] for i in record["escalated"]] == ["A4"]
    assert [i["id"] for i in record["escalated_elsewhere"]["Driehoek"]] == ["A3"]


def test_an_indicator_without_an_earlier_status_counts_as_newly_red():
    plan = make_governed_plan()
    obs = observations()
    agenda = board_agenda(plan, evaluate(plan, obs), [], [], date(2024, 3, 1))
    assert [i.id for i in agenda.newly_red] == ["nieuw-rood", "al-rood", "veilig-rood"]
    assert agenda.newly_red[1].detail.startswith("Nu rood (eerder geen oordeel).")
    assert agenda.escalated == [] and agenda.overdue == []


def test_an_unknown_escalated_agreement_is_an_error():
    plan = make_governed_plan()
    with pytest.raises(KeyError, match="afspraak 'A99' staat niet in het plan"):
        board_agenda(plan, [], [], agreement_rows(plan), date(2024, 3, 1), ["A99"])


# --------------------------------------------------------------------------- the NPRZ plan


@pytest.fixture(scope="module")
def nprz() -> Plan:
    return load_plan(NPRZ)


def test_the_nprz_board_has_ten_seats_eleven_persons_and_six_meetings(nprz: Plan):
    summary = board_summary(nprz, date(2024, 3, 1))
    assert summary.seat_count == 10
    assert summary.size == 11  # the ten seats and the chair
    assert len(summary.seats) == 9
    assert summary.meetings_per_year == 6
    assert summary.members == []  # the plan names no members
    assert summary.meeting_signals == [
        "2024: 0 bestuursvergaderingen gehouden of gepland (0 gehouden, 0 gepland); "
        "de regel is ten minste 6 per jaar."
    ]
    assert "Eerste termijn 3 tot en met 5 jaar." in summary.rules
    assert "Verlenging eenmaal, voor 3 tot en met 5 jaar." in summary.rules
    assert summary.review is not None  # no review recorded
    assert board_summary(nprz, date(2024, 3, 1), last_review=date(2023, 1, 1)).review is None


def test_the_nprz_escalation_ladder_and_the_driehoek(nprz: Plan):
    assert nprz.governance is not None and len(nprz.governance.escalation) == 3
    ladders = {ladder.pillar: ladder for ladder in escalation_ladders(nprz)}
    assert [p for p in ladders] == ["thuisbasis", "school", "werk", "wonen", "veilig"]
    assert len(ladders["wonen"].steps) == 3
    assert ladders["wonen"].steps[0] == ["Uitvoeringsoverleg NPRZ wonen"]
    assert ladders["wonen"].top == "Bestuur NPRZ"
    assert ladders["veilig"].top == "Driehoek"
    assert ladders["veilig"].route == ["Stuurgroep Veilig", "Driehoek"]
    agenda = board_agenda(nprz, [], [], agreement_rows(nprz), date(2024, 3, 1), ["A7.1"])
    assert [(i.id, i.accountable) for i in agenda.escalated] == [("A7.1", "Driehoek")]
    assert agenda.escalated_to_board == []


def test_each_nprz_agreement_climbs_the_ladder_of_its_pillar(nprz: Plan):
    """The rungs of an agreement: its pillar's levels (a level may hold two bodies), then
    where the pillar's escalations end, unless the last level is that body already."""

    def rungs(agreement: str) -> list[tuple[str, str]]:
        item = next(a for a in nprz.agreements if a.id == agreement)
        ladder = agreement_ladder(nprz, item)
        assert [r.position for r in ladder] == list(range(1, len(ladder) + 1))
        return [(r.key, r.label) for r in ladder]

    pillar_of = {a.id: a.pillar for a in nprz.agreements}
    assert (pillar_of["A6.1"], pillar_of["A7.1"], pillar_of["A5.1a"]) == ("wonen", "veilig", "werk")
    assert rungs("A6.1") == [
        ("uitvoeringsoverleg-wonen", "Uitvoeringsoverleg NPRZ wonen"),
        ("strategisch-overleg-wonen", "Strategisch overleg gemeente, corporaties en NPRZ"),
        ("bestuurlijk-overleg-wonen", "Bestuurlijk overleg gemeente, corporaties en NPRZ"),
        (BOARD_KEY, "Bestuur NPRZ"),
    ]
    assert rungs("A7.1") == [("stuurgroep-veilig", "Stuurgroep Veilig"), ("driehoek", "Driehoek")]
    assert rungs("A5.1a") == [(BOARD_KEY, "Bestuur NPRZ")]  # werk: no levels of its own
    assert rungs("A3.1") == [(BOARD_KEY, "Bestuur NPRZ")]  # thuisbasis
    assert pillar_of["A4.1"] == "school" and rungs("A4.1") == [
        ("stuurgroep-childrens-zone", "Stuurgroep Children's Zone / Stuurgroep techniek"),
        ("onderwijstafel", "Onderwijstafel"),
        (BOARD_KEY, "Bestuur NPRZ"),
    ]
    no_pillar = next(a for a in nprz.agreements if a.pillar is None)
    assert [r.label for r in agreement_ladder(nprz, no_pillar)] == ["Bestuur NPRZ"]


def test_a_stored_position_above_a_shortened_ladder_reads_as_its_top_rung():
    ladder = [Rung(1, "uitvoering", "Uitvoeringsoverleg"), Rung(2, BOARD_KEY, "Bestuur P")]
    assert rung_at(ladder, None) is None
    assert rung_at(ladder, 1) == ladder[0]
    assert rung_at(ladder, 2) == ladder[1]
    assert rung_at(ladder, 3) == ladder[1]  # the plan had a longer ladder when it was stored
    assert rung_at(ladder, 7) == ladder[1]


def test_a_plan_without_governance_has_one_rung_the_board():
    plan = plan_from_documents({"plan.yaml": LADDERS_YAML.split("governance:")[0]})
    assert plan.governance is None and len(plan.agreements) == 4
    for agreement in plan.agreements:
        assert agreement_ladder(plan, agreement) == [Rung(1, BOARD_KEY, BOARD_FALLBACK)]


def test_a_plan_without_governance_has_no_board(example_plan: Plan):
    with pytest.raises(KeyError, match="governance"):
        board_summary(example_plan, date(2024, 1, 1))


# ------------------------------------------------------------------------------------ CLI


def test_cli_board_json_and_table_for_the_nprz_plan(run):
    result = run("board", "--plan", str(NPRZ), "--today", "2024-03-01", "--format", "json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["seat_count"], record["size"], record["meetings_per_year"]) == (10, 11, 6)
    assert record["members"] == []
    assert record["year"] == 2024 and record["meetings"] == []
    wonen = next(ladder for ladder in record["ladders"] if ladder["pillar"] == "wonen")
    assert len(wonen["steps"]) == 3
    table = run("board", "--plan", str(NPRZ), "--today", "2024-03-01")
    assert table.exit_code == 0
    assert "geen leden vastgelegd in het plan" in table.stdout
    assert "Het bedrijfsleven" in table.stdout and "10 zetels, 11 personen" in table.stdout
    assert "Eerste termijn 3 tot en met 5 jaar." in table.stdout
    bad = run("board", "--plan", str(NPRZ), "--today", "2024-13-01")
    assert bad.exit_code != 0 and "geen datum" in bad.stderr


def write_plan(directory: Path) -> Path:
    (directory / "data").mkdir(parents=True)
    (directory / "plan.yaml").write_text(json.dumps(DOCUMENT))
    lines = ["indicator,area,period,value"]
    lines += [f"{o.indicator},{o.area},{o.period},{o.value}" for o in observations()]
    (directory / "data" / "figures.csv").write_text("\n".join(lines) + "\n")
    return directory


def test_cli_board_and_agenda_from_the_store(run, tmp_path: Path):
    assert run("load", str(write_plan(tmp_path / "plan"))).exit_code == 0
    shown = json.loads(run("board", "--today", "2022-11-01", "--format", "json").stdout)
    signals = {m["name"]: [s["signal"] for s in m["signals"]] for m in shown["members"]}
    assert signals == {"A": [], "B": ["termijn buiten de regel (3-5 jaar)"]}
    assert shown["held"] == 0 and shown["planned"] == 1
    result = run("board", "agenda", "--today", "2024-03-01", "--escalate", "A3", "--format", "json")
    assert result.exit_code == 0, result.output
    agenda = json.loads(result.stdout)
    assert agenda["compared_with"] == {"last_meeting": "2022-11-15", "as_of": 2022}
    assert agenda["next_meeting"] == "2024-04-15"
    assert agenda["escalated"] == []
    assert [i["id"] for i in agenda["escalated_elsewhere"]["Driehoek"]] == ["A3"]
    assert [i["id"] for i in agenda["overdue"]] == ["A1", "A4", "A6"]
    assert [i["id"] for i in agenda["newly_red"]] == ["nieuw-rood", "veilig-rood"]
    table = run("board", "agenda", "--today", "2024-03-01", "--escalate", "A4")
    assert table.exit_code == 0
    assert "Geëscaleerde afspraken" in table.stdout and "Afspraak A4" in table.stdout
    assert "vergadering van 15 april 2024" in table.stdout
    assert "Stuurgroep Veilig → Driehoek" in table.stdout
    later = run("board", "agenda", "--today", "2024-03-01", "--since", "2023", "--format", "json")
    assert json.loads(later.stdout)["newly_red"] == []  # rood already in 2023
    assert json.loads(later.stdout)["compared_with"]["as_of"] == 2023
    unknown = run("board", "agenda", "--escalate", "A99")
    assert unknown.exit_code == 1 and "afspraak 'A99' staat niet in het plan" in unknown.stderr


def test_cli_board_needs_governance(run, tmp_path: Path):
    run("load", str(ROOT / "plans" / "example"), "--no-data")
    result = run("board")
    assert result.exit_code == 1 and "governance" in result.stderr


# -------------------------------------------------------------------------------- partial


def test_the_partial_renders_the_board():
    env = Environment(loader=PackageLoader("koers.report", "templates"), autoescape=True)
    section = env.get_template("_board.html").module.section
    plan = make_governed_plan()
    html = str(section(board_summary(plan, date(2024, 9, 1), last_review=date(2022, 1, 1))))
    assert "<h2>Bestuur</h2>" in html
    assert "Bestuur P telt 3 personen: 2 zetels" in html
    assert '<span class="status status-rood">termijn verlopen</span>' in html
    assert "1 mei 2019 tot 1 mei 2024 (5 jaar)" in html
    assert '<span class="status status-rood">termijn buiten de regel (3-5 jaar)</span>' in html
    assert "te weinig vergaderingen" in html and "2 gehouden, 0 gepland" in html
    assert "samenstelling evalueren" in html and "1 januari 2022" in html
    assert "Stuurgroep Veilig → Driehoek" in html
    empty = str(section(board_summary(load_plan(NPRZ), date(2024, 3, 1))))
    assert "Geen leden vastgelegd in het plan." in empty
    assert "Kunst &amp; cultuur" in empty
    assert "Uitvoeringsoverleg NPRZ wonen → Strategisch overleg" in empty
