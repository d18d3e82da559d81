"""``koers alliance``: the resident alliance — wijkraad conversations, burgerberaden,
burgertoppen and resident initiatives, their follow-up actions and the attention list."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

import click
from rich.table import Table

from koers import alliance as al
from koers import nl
from koers.cli import _console, _store, format_option, main, programme_option, reports_errors
from koers.usecases import alliance as al_store

DATE = click.DateTime(formats=["%Y-%m-%d"])


def parse_action(text: str, number: int) -> al.NewAction:
    """``TEXT|OWNER|YYYY-MM-DD`` → a new action (the text may itself hold a '|')."""
    parts = text.rsplit("|", 2)
    if len(parts) != 3:
        raise click.ClickException(
            f"--action {number}: schrijf 'TEKST|EIGENAAR|JJJJ-MM-DD', niet '{text}'"
        )
    what, owner, due = (p.strip() for p in parts)
    try:
        day = date.fromisoformat(due)
    except ValueError:
        raise click.ClickException(
            f"--action {number}: '{due}' is geen datum (JJJJ-MM-DD)"
        ) from None
    return al.NewAction(what, owner, day)


@main.group("alliance")
def alliance_group() -> None:
    """Bondgenootschap met bewoners: gesprekken, acties en het aandachtslijstje."""


@alliance_group.command("add")
@click.option("--kind", required=True, type=click.Choice(list(al.KINDS)), help="Soort bijeenkomst.")
@click.option(
    "--area", metavar="GEBIED", help="Wijk of gebied (verplicht voor een wijkraadgesprek)."
)
@click.option("--date", "held_on", required=True, type=DATE, help="Datum (JJJJ-MM-DD).")
@click.option("--summary", required=True, help="Wat er besproken en afgesproken is.")
@click.option("--participants", metavar="NAMEN", help="Wie er waren.")
@click.option(
    "--goal",
    "goals",
    multiple=True,
    metavar="DOEL",
    help="Pijler of ambitie waaraan het bijdraagt (herhaalbaar).",
)
@click.option(
    "--action",
    "actions",
    multiple=True,
    metavar="TEKST|EIGENAAR|JJJJ-MM-DD",
    help="Vervolgactie met eigenaar en datum (herhaalbaar).",
)
@programme_option
@click.pass_context
@reports_errors
def add(
    ctx: click.Context,
    kind: str,
    area: str | None,
    held_on: datetime,
    summary: str,
    participants: str | None,
    goals: Sequence[str],
    actions: Sequence[str],
    programme: str | None,
) -> None:
    """Leg een wijkraadgesprek, burgerberaad, burgertop of bewonersinitiatief vast, met de
    vervolgacties."""
    new_actions = [parse_action(text, n) for n, text in enumerate(actions, start=1)]
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        meeting_id = al_store.record_meeting(
            store,
            pid,
            kind=kind,
            held_on=held_on.date(),
            area=area,
            participants=participants,
            summary=summary,
            goals=list(goals),
            actions=new_actions,
        )
        stored = next(m for m in al_store.meetings(store, pid) if m.id == meeting_id)
        where = al.area_name(area, store.plan(pid))
    ids = ", ".join(str(a.id) for a in stored.actions)
    click.echo(
        f"{stored.kind_label} {where} van {nl.long_date(stored.held_on)} vastgelegd "
        f"als nummer {meeting_id}; {len(stored.actions)} "
        f"{'actie' if len(stored.actions) == 1 else 'acties'}" + (f" ({ids})" if ids else "")
    )


@alliance_group.command("list")
@click.option("--year", type=int, metavar="JAAR", help="Alleen dit jaar.")
@programme_option
@format_option
@click.pass_context
@reports_errors
def list_meetings(ctx: click.Context, year: int | None, programme: str | None, fmt: str) -> None:
    """Toon de vastgelegde bijeenkomsten met hun acties (de oudste eerst)."""
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        records = al_store.meetings(store, pid)
        plan = store.plan(pid)
    if year is not None:
        records = [m for m in records if m.held_on.year == year]
    if fmt == "json":
        click.echo(json.dumps([m.record() for m in records], indent=2, ensure_ascii=False))
        return
    today = date.today()
    table = Table(title="Bondgenootschap met bewoners")
    for column in ("Nr", "Datum", "Soort", "Gebied", "Deelnemers", "Samenvatting", "Doelen"):
        table.add_column(column)
    table.add_column("Acties")
    for m in records:
        actions = "\n".join(
            f"{a.id}. {a.text} — {a.owner}, {nl.long_date(a.due)}: {a.state(today)}"
            for a in m.actions
        )
        table.add_row(
            str(m.id),
            m.held_on.isoformat(),
            m.kind_label,
            al.area_name(m.area, plan),
            m.participants or "—",
            m.summary,
            ", ".join(m.goals) or "—",
            actions or "—",
        )
    console = _console()
    console.print(table)
    console.print(f"{len(records)} {'bijeenkomst' if len(records) == 1 else 'bijeenkomsten'}")


@alliance_group.command("done")
@click.argument("action_id", type=int, metavar="ACTIENUMMER")
@click.option("--date", "done_on", type=DATE, help="Afgerond op (standaard: vandaag).")
@click.pass_context
@reports_errors
def done(ctx: click.Context, action_id: int, done_on: datetime | None) -> None:
    """Meld een vervolgactie als afgerond."""
    day = done_on.date() if done_on else date.today()
    with _store(ctx) as store:
        action = al_store.complete_action(store, action_id, day)
    click.echo(f"actie {action.id} ({action.owner}) afgerond op {nl.long_date(day)}")


@alliance_group.command("attention")
@click.option("--today", type=DATE, help="Peildatum (standaard: vandaag).")
@programme_option
@format_option
@click.pass_context
@reports_errors
def attention_command(
    ctx: click.Context, today: datetime | None, programme: str | None, fmt: str
) -> None:
    """Het aandachtslijstje: verlopen acties, en wijken zonder wijkraadgesprek in de laatste
    12 maanden."""
    day = today.date() if today else date.today()
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        items = al.attention(al_store.meetings(store, pid), day, store.plan(pid))
    if fmt == "json":
        click.echo(json.dumps([i.record() for i in items], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Aandachtslijst op {nl.long_date(day)}")
    for column in ("Soort", "Gebied", "Wat"):
        table.add_column(column)
    for item in items:
        kind = "verlopen actie" if item.kind == "actie" else "geen wijkraadgesprek"
        table.add_row(kind, item.area_name, item.message)
    console = _console()
    if items:
        console.print(table)
    console.print(
        f"{sum(1 for i in items if i.kind == 'actie')} verlopen acties, "
        f"{sum(1 for i in items if i.kind == 'wijkraad')} wijken zonder wijkraadgesprek "
        f"in de laatste 12 maanden"
    )
