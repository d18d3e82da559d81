"""The resident alliance: wijkraad conversations with follow-up actions, burgerberaden,
burgertoppen and initiatives; the attention list and the yearly bondgenootschap section."""

from __future__ import annotations

import json
import re
from dataclasses import astuple
from datetime import date

import pytest
from click.testing import CliRunner
from jinja2 import Environment, PackageLoader
from sqlalchemy import func, select

import koers.cli.alliance  # noqa: F401  (registers ``koers alliance`` on main)
from koers.alliance import NewAction, attention, bondgenootschap
from koers.cli import main
from koers.plan import Plan, load_plan, plan_from_documents
from koers.store import Store, StoreError
from koers.store import schema as t
from koers.usecases.alliance import complete_action, meetings, record_meeting

from .conftest import EXAMPLE

NPRZ = EXAMPLE.parent / "nprz-2023-2027"


def alliance_plan() -> Plan:
    """Two wijken (one with a buurt), a district, and a pillar with an ambition."""
    document = {
        "programme": {
            "id": "p",
            "name": "P",
            "area": "zuid",
            "period_start": 2023,
            "period_end": 2027,
            "horizon": 2031,
        },
        "pillars": [
            {
                "id": "school",
                "name": "School",
                "ambitions": [{"id": "taal", "text": "Meer kinderen lezen op niveau."}],
            }
        ],
        "areas": [
            {"id": "zuid", "name": "Zuid", "kind": "district"},
            {"id": "tarwewijk", "name": "Tarwewijk", "kind": "wijk", "parent": "zuid"},
            {"id": "bloemhof", "name": "Bloemhof", "kind": "wijk", "parent": "zuid"},
            {
                "id": "bloemhof-noord",
                "name": "Bloemhof-Noord",
                "kind": "buurt",
                "parent": "bloemhof",
            },
            {
                "id": "wijkraad-tarwewijk",
                "name": "Wijkraad Tarwewijk",
                "kind": "group",
                "members": ["tarwewijk"],
            },
        ],
    }
    return plan_from_documents({"plan.yaml": json.dumps(document)})


@pytest.fixture
def loaded(store: Store) -> Store:
    store.save_plan(alliance_plan(), user="test")
    return store


def wijkraad(store: Store, **changes):
    values = {
        "kind": "wijkraad",
        "held_on": date(2024, 3, 5),
        "area": "tarwewijk",
        "participants": "wethouder, directeur NPRZ, wijkraad Tarwewijk",
        "summary": "Voortgang NPRZ en het wijkakkoord besproken.",
        "goals": ["school", "taal"],
        "actions": [
            NewAction("Ouderavond over taal organiseren", "programmabureau", date(2024, 6, 1)),
            NewAction("Wijkraad informeren over VVE-bereik", "gemeente", date(2024, 9, 1)),
        ],
        "user": "tester",
        "today": date(2024, 12, 31),
    }
    values.update(changes)
    return record_meeting(store, "p", **values)


def rows(store: Store) -> tuple[int, int]:
    with store.engine.begin() as c:
        return (
            c.scalar(select(func.count()).select_from(t.alliance_meetings)),
            c.scalar(select(func.count()).select_from(t.alliance_actions)),
        )


def test_a_conversation_is_recorded_with_its_two_actions(loaded):
    meeting_id = wijkraad(loaded)
    [m] = meetings(loaded, "p")
    assert m.id == meeting_id
    assert (m.kind, m.held_on, m.area, m.goals) == (
        "wijkraad",
        date(2024, 3, 5),
        "tarwewijk",
        ("school", "taal"),
    )
    assert m.participants == "wethouder, directeur NPRZ, wijkraad Tarwewijk"
    assert m.recorded_by == "tester"
    assert [(a.text, a.owner, a.due, a.done_on) for a in m.actions] == [
        ("Ouderavond over taal organiseren", "programmabureau", date(2024, 6, 1), None),
        ("Wijkraad informeren over VVE-bereik", "gemeente", date(2024, 9, 1), None),
    ]
    assert rows(loaded) == (1, 2)
    # a burgertop needs no area (Zuid-wide) and no actions
    wijkraad(loaded, kind="burgertop", area=None, actions=[], goals=[])
    assert [m.kind for m in meetings(loaded, "p")] == ["wijkraad", "burgertop"]
    assert meetings(loaded, "p")[1].area is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"goals": ["school", "geluk"]}, "goals: 'geluk' is geen pijler of ambitie"),
        ({"kind": "koffie"}, "kind: 'koffie' is onbekend"),
        ({"area": "mars"}, "area: 'mars' is geen gebied van het plan"),
        ({"area": None}, "area: een wijkraadgesprek hoort bij een wijk"),
        ({"area": "bloemhof-noord"}, "area: 'bloemhof-noord' is geen wijk (buurt)"),
        ({"area": "zuid"}, "kies uit tarwewijk, bloemhof"),
        ({"summary": "  "}, "summary:"),
        ({"held_on": date(2025, 1, 1)}, "held_on: 2025-01-01 ligt na vandaag"),
        ({"kind": "initiatief", "goals": []}, "goals: een bewonersinitiatief noemt de doelen"),
        (
            {
                "actions": [
                    NewAction("x", "y", date(2024, 6, 1)),
                    NewAction("z", " ", date(2024, 6, 1)),
                ]
            },
            "actions[2].owner",
        ),
        (
            {"actions": [NewAction("x", "y", date(2024, 3, 4))]},
            "actions[1].due: 2024-03-04 ligt vóór",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(loaded, changes, message):
    wijkraad(loaded)
    before = rows(loaded)
    with pytest.raises(StoreError, match=re.escape(message)):
        wijkraad(loaded, **changes)
    assert rows(loaded) == before == (1, 2)


def test_a_wijkraad_area_of_the_plan_points_to_its_wijk(loaded):
    with pytest.raises(StoreError, match="hier tarwewijk"):
        wijkraad(loaded, area="wijkraad-tarwewijk")
    # other kinds may be held anywhere in the plan, a buurt too
    wijkraad(loaded, kind="initiatief", area="bloemhof-noord", goals=["taal"], actions=[])
    assert rows(loaded) == (1, 0)


def test_an_overdue_action_is_on_the_attention_list_until_it_is_done(loaded):
    wijkraad(loaded)
    plan = alliance_plan()
    before_due = attention(meetings(loaded, "p"), date(2024, 6, 1), plan)
    assert [i.kind for i in before_due] == ["wijkraad"]  # due today is not overdue yet
    items = attention(meetings(loaded, "p"), date(2024, 6, 11), plan)
    [action] = [i for i in items if i.kind == "actie"]
    first = meetings(loaded, "p")[0].actions[0]
    assert (action.action_id, action.owner, action.due, action.days_overdue) == (
        first.id,
        "programmabureau",
        date(2024, 6, 1),
        10,
    )
    assert action.message == (
        f"Actie {first.id} (programmabureau) uit wijkraadgesprek Tarwewijk van 5 maart 2024: "
        "'Ouderavond over taal organiseren' had af moeten zijn op 1 juni 2024 (10 dagen verlopen)"
    )
    done = complete_action(loaded, first.id, date(2024, 6, 20))
    assert done.done_on == date(2024, 6, 20)
    later = attention(meetings(loaded, "p"), date(2024, 6, 21), plan)
    assert [i for i in later if i.kind == "actie"] == []
    # looking back to before it was done, it was still overdue then
    assert [
        i.action_id
        for i in attention(meetings(loaded, "p"), date(2024, 6, 11), plan)
        if i.kind == "actie"
    ] == [first.id]
    # both overdue: the longest overdue first
    both = attention(meetings(loaded, "p"), date(2024, 10, 1), plan)
    assert [i.due for i in both if i.kind == "actie"] == [date(2024, 9, 1)]


def test_completing_an_action_refuses_unknown_twice_and_too_early(loaded):
    wijkraad(loaded)
    action = meetings(loaded, "p")[0].actions[1]
    with pytest.raises(StoreError, match="actie 999 bestaat niet"):
        complete_action(loaded, 999, date(2024, 6, 1))
    with pytest.raises(StoreError, match="done_on: 2024-03-04 ligt vóór het gesprek"):
        complete_action(loaded, action.id, date(2024, 3, 4))
    complete_action(loaded, action.id, date(2024, 3, 5))
    with pytest.raises(StoreError, match="al afgerond op 2024-03-05"):
        complete_action(loaded, action.id, date(2024, 4, 1))
    assert meetings(loaded, "p")[0].actions[1].done_on == date(2024, 3, 5)


def test_a_wijk_without_a_wijkraad_conversation_for_12_months_shows(loaded):
    plan = alliance_plan()
    wijkraad(loaded, held_on=date(2023, 3, 5), actions=[])
    # an initiative in Bloemhof is no wijkraad conversation
    wijkraad(loaded, kind="initiatief", area="bloemhof", held_on=date(2023, 3, 5), actions=[])
    found = meetings(loaded, "p")

    def wijken(today: date) -> list[tuple[str, date | None]]:
        return [
            (i.area, i.last_conversation)
            for i in attention(found, today, plan)
            if i.kind == "wijkraad"
        ]

    assert wijken(date(2024, 3, 5)) == [("bloemhof", None)]  # exactly 12 months: still in time
    assert wijken(date(2024, 3, 6)) == [("tarwewijk", date(2023, 3, 5)), ("bloemhof", None)]
    assert wijken(date(2023, 3, 4)) == [("tarwewijk", None), ("bloemhof", None)]  # not held yet
    [tarwewijk] = [i for i in attention(found, date(2024, 3, 6), plan) if i.area == "tarwewijk"]
    assert tarwewijk.message == (
        "Tarwewijk: geen wijkraadgesprek in de laatste 12 maanden (laatste gesprek op "
        "5 maart 2023); het plan belooft 1 tot 2 gesprekken per jaar"
    )
    [bloemhof] = [i for i in attention(found, date(2024, 3, 6), plan) if i.area == "bloemhof"]
    assert "nog nooit een gesprek vastgelegd" in bloemhof.message


def summary_data(store: Store):
    wijkraad(
        store, held_on=date(2023, 11, 1), actions=[NewAction("Oud", "gemeente", date(2023, 12, 1))]
    )
    wijkraad(store)  # 2024-03-05, actions due 2024-06-01 and 2024-09-01
    wijkraad(
        store,
        held_on=date(2024, 10, 8),
        actions=[NewAction("Nog open", "corporatie", date(2025, 2, 1))],
    )
    wijkraad(
        store,
        kind="burgerberaad",
        area=None,
        goals=["school"],
        actions=[],
        held_on=date(2024, 5, 1),
    )
    wijkraad(
        store,
        kind="initiatief",
        area="bloemhof-noord",
        goals=["taal"],
        held_on=date(2024, 4, 2),
        actions=[NewAction("Zetje geven", "programmabureau", date(2024, 5, 1))],
    )
    wijkraad(
        store,
        kind="initiatief",
        area=None,
        goals=["taal", "school"],
        actions=[],
        held_on=date(2024, 7, 1),
    )
    first = meetings(store, "p")[1].actions[0]
    complete_action(store, first.id, date(2024, 5, 20))
    [initiative] = [
        a for m in meetings(store, "p") if m.area == "bloemhof-noord" for a in m.actions
    ]
    complete_action(store, initiative.id, date(2025, 1, 10))  # done only after the year
    return meetings(store, "p")


def test_the_yearly_summary_counts(loaded):
    summary = bondgenootschap(alliance_plan(), summary_data(loaded), 2024)
    assert summary.as_of == date(2024, 12, 31)
    assert summary.counts == {
        "wijkraad": 2,
        "burgerberaad": 1,
        "burgertop": 0,
        "initiatief": 2,
        "wijken": 2,
        "wijken_met_gesprek": 1,
    }
    # 2024: 2 + 1 + 1 actions; done: the ouderavond; open: due 2025; overdue: VVE (due
    # 2024-09-01) and the zetje (done only in 2025)
    assert astuple(summary.actions) == (4, 1, 1, 2)  # agreed, done, open, overdue
    tarwewijk, bloemhof = summary.wijken
    assert [m.date_text for m in tarwewijk.conversations] == ["5 maart 2024", "8 oktober 2024"]
    assert (tarwewijk.status, tarwewijk.status_text) == ("groen", "2 gesprekken gevoerd")
    assert astuple(tarwewijk.actions) == (3, 1, 1, 1)
    assert tarwewijk.last_text == "8 oktober 2024"
    assert (bloemhof.status, bloemhof.status_text, bloemhof.last_text) == (
        "rood",
        "geen gesprek in 2024",
        "nooit",
    )
    assert [m.area for m in bloemhof.other] == ["bloemhof-noord"]  # the buurt's initiative
    assert (bloemhof.actions.agreed, bloemhof.actions.overdue) == (1, 1)
    assert [(g.id, g.initiatives) for g in summary.goals] == [("taal", 2), ("school", 1)]
    assert summary.goals[0].name == "School: Meer kinderen lezen op niveau."
    assert [m.kind for m in summary.councils] == ["burgerberaad"]
    assert [[a.text for a in m.actions] for m in summary.earlier_overdue] == [["Oud"]]
    assert [i.kind for i in summary.attention] == ["actie", "actie", "actie", "wijkraad"]
    assert (
        json.loads(json.dumps(summary.record()))["wijken"][0]["conversations"][0]["held_on"]
        == "2024-03-05"
    )
    # while the year runs, a wijk without a conversation yet is oranje
    running = bondgenootschap(alliance_plan(), meetings(loaded, "p"), 2024, as_of=date(2024, 6, 30))
    assert running.wijken[1].status == "oranje"
    # held by then: the 5 March actions (one done, one due in September) and the zetje
    assert astuple(running.actions) == (3, 1, 1, 1)


def test_the_partial_renders_the_bondgenootschap(loaded):
    summary = bondgenootschap(alliance_plan(), summary_data(loaded), 2024)
    env = Environment(loader=PackageLoader("koers.report", "templates"), autoescape=True)
    html = str(env.get_template("_alliance.html").module.section(summary))
    assert "<h2>Bondgenootschap met bewoners</h2>" in html
    assert "In 2024: 2 wijkraadgesprekken in 1 van de 2 wijken" in html
    assert '<span class="status status-groen">2 gesprekken gevoerd</span>' in html
    assert '<span class="status status-rood">geen gesprek in 2024</span>' in html
    assert '<span class="status status-rood">verlopen</span>' in html
    assert (
        "Ouderavond over taal organiseren" in html and "Verlopen acties uit eerdere jaren" in html
    )
    # the report's own environment (StrictUndefined, its filters) renders it too, also empty
    from koers.report.render import _environment

    strict = _environment().get_template("_alliance.html").module
    assert "Bondgenootschap met bewoners" in str(strict.section(summary))
    empty = str(strict.section(bondgenootschap(alliance_plan(), [], 2024)))
    # no conversation anywhere is one sentence, not a row per wijk
    assert "In 2024 is met geen van de 2 wijkraden een gesprek vastgelegd" in empty
    assert "geen gesprek in 2024" not in empty


@pytest.fixture
def run(sqlite_url):
    with Store.open(sqlite_url) as store:
        store.save_plan(alliance_plan(), user="test")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--db", sqlite_url, "alliance", *args], catch_exceptions=False)

    return invoke


def test_cli_add_list_done_and_attention(run):
    added = run(
        "add", "--kind", "wijkraad", "--area", "tarwewijk", "--date", "2024-03-05",
        "--summary", "Voortgang besproken", "--participants", "wethouder, wijkraad",
        "--goal", "school", "--goal", "taal",
        "--action", "Ouderavond|programmabureau|2024-06-01",
        "--action", "Brief aan ouders | gemeente | 2024-09-01",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert added.stdout.strip() == (
        "wijkraadgesprek Tarwewijk van 5 maart 2024 vastgelegd als nummer 1; 2 acties (1, 2)"
    )
    listed = json.loads(run("list", "--format", "json").stdout)
    assert [(m["kind"], m["area"], m["held_on"], m["goals"]) for m in listed] == [
        ("wijkraad", "tarwewijk", "2024-03-05", ["school", "taal"])
    ]
    assert [(a["id"], a["text"], a["owner"], a["due"]) for a in listed[0]["actions"]] == [
        (1, "Ouderavond", "programmabureau", "2024-06-01"),
        (2, "Brief aan ouders", "gemeente", "2024-09-01"),
    ]
    assert json.loads(run("list", "--year", "2023", "--format", "json").stdout) == []
    table = run("list")
    assert "Tarwewijk" in table.stdout and "1 bijeenkomst" in table.stdout

    items = json.loads(run("attention", "--today", "2024-07-01", "--format", "json").stdout)
    assert [(i["kind"], i["area"], i["action_id"]) for i in items] == [
        ("actie", "tarwewijk", 1),
        ("wijkraad", "bloemhof", None),
    ]
    assert items[0]["due"] == "2024-06-01" and items[0]["days_overdue"] == 30
    done = run("done", "1", "--date", "2024-07-02")
    assert done.stdout.strip() == "actie 1 (programmabureau) afgerond op 2 juli 2024"
    after = json.loads(run("attention", "--today", "2024-07-03", "--format", "json").stdout)
    assert [i["kind"] for i in after] == ["wijkraad"]
    text = run("attention", "--today", "2024-07-03")
    assert "0 verlopen acties, 1 wijken zonder wijkraadgesprek" in text.stdout


def test_cli_errors_go_to_stderr_with_exit_1(run):
    bad_goal = run(
        "add", "--kind", "wijkraad", "--area", "tarwewijk", "--date", "2024-03-05",
        "--summary", "x", "--goal", "geluk",
    )  # fmt: skip
    assert bad_goal.exit_code == 1 and "goals: 'geluk' is geen pijler of ambitie" in bad_goal.stderr
    bad_action = run(
        "add", "--kind", "wijkraad", "--area", "tarwewijk", "--date", "2024-03-05",
        "--summary", "x", "--action", "alleen tekst",
    )  # fmt: skip
    assert bad_action.exit_code == 1 and "TEKST|EIGENAAR|JJJJ-MM-DD" in bad_action.stderr
    bad_date = run(
        "add", "--kind", "wijkraad", "--area", "tarwewijk", "--date", "2024-03-05",
        "--summary", "x", "--action", "a|b|morgen",
    )  # fmt: skip
    assert bad_date.exit_code == 1 and "'morgen' is geen datum" in bad_date.stderr
    unknown = run("done", "7")
    assert unknown.exit_code == 1 and "actie 7 bestaat niet" in unknown.stderr
    assert json.loads(run("list", "--format", "json").stdout) == []


def test_the_nprz_plan_checks_its_15_wijken(store):
    plan = load_plan(NPRZ)
    items = attention([], date(2024, 1, 1), plan)
    assert len(items) == 15 and {i.kind for i in items} == {"wijkraad"}
    assert items[12].area == "tarwewijk"
    store.save_plan(plan, user="test")
    pid = plan.programme.id
    with pytest.raises(StoreError, match="hier tarwewijk"):
        record_meeting(
            store, pid, kind="wijkraad", held_on=date(2024, 3, 5), area="wijkraad-tarwewijk",
            participants=None, summary="x", goals=["amb-bondgenootschap"], actions=[],
        )  # fmt: skip
    with pytest.raises(StoreError, match="hier heijplaat-pendrecht en zuidwijk-charlois-zuidrand"):
        record_meeting(
            store, pid, kind="wijkraad", held_on=date(2024, 3, 5), area="wijkraad-pendrecht-zuidwijk",
            participants=None, summary="x", goals=[], actions=[],
        )  # fmt: skip
    record_meeting(
        store, pid, kind="wijkraad", held_on=date(2024, 3, 5), area="tarwewijk",
        participants="Wethouder, bewonersvertegenwoordiger, directeur", summary="Ronde langs de wijkraden",
        goals=["amb-bondgenootschap", "school"], actions=[],
    )  # fmt: skip
    after = attention(meetings(store, pid), date(2024, 3, 6), plan)
    assert len(after) == 14 and "tarwewijk" not in {i.area for i in after}
    summary = bondgenootschap(plan, meetings(store, pid), 2024)
    assert summary.counts["wijken"] == 15 and summary.counts["wijken_met_gesprek"] == 1
