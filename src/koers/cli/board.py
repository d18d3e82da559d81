"""``koers board``: the board with its term signals and meetings; ``koers board agenda``.

One group with a default command, like ``koers import``: ``koers board [options]`` shows the
board, ``koers board agenda [options]`` builds the agenda of the next meeting.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from koers import nl, workflow
from koers.assess import evaluate
from koers.board import Agenda, AgendaItem, BoardSummary, board_agenda, board_summary
from koers.board import last_meeting as find_last_meeting
from koers.cli import _console, _store, format_option, main, programme_option, reports_errors
from koers.cli.dutch import DutchGroup
from koers.errors import NotFoundError
from koers.plan import load_plan
from koers.plan.summary import agreement_rows
from koers.report.build import latest_year

NO_MEMBERS = "geen leden vastgelegd in het plan"


class DefaultCommand(DutchGroup):
    """``koers board [OPTIONS]`` runs the hidden ``show``; ``koers board agenda`` the agenda."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["show", *args]
        return super().parse_args(ctx, args)


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is geen datum (JJJJ-MM-DD)") from None


TODAY = click.option(
    "--today",
    callback=_day,
    metavar="JJJJ-MM-DD",
    help="De dag waarop beoordeeld wordt (standaard: vandaag).",
)


@main.group("board", cls=DefaultCommand)
def board_group() -> None:
    """Het bestuur: zetels, leden met signalen over hun termijn, vergaderingen; de agenda
    van de volgende vergadering.

    \b
    koers board [--plan MAP | --programme ID] [--today JJJJ-MM-DD]
                [--last-review JJJJ-MM-DD] [--format table|json]
    koers board agenda [--programme ID] [--today JJJJ-MM-DD] [--escalate AFSPRAAK ...]
                [--since JAAR] [--format table|json]
    """


@board_group.command("show", hidden=True)
@click.option(
    "--plan",
    "plan_dir",
    type=click.Path(path_type=Path),
    metavar="MAP",
    help="Lees het plan uit deze map in plaats van uit de database.",
)
@programme_option
@TODAY
@click.option(
    "--last-review",
    callback=_day,
    metavar="JJJJ-MM-DD",
    help="Datum van de laatste evaluatie van de samenstelling van het bestuur.",
)
@format_option
@click.pass_context
@reports_errors
def show(
    ctx: click.Context,
    plan_dir: Path | None,
    programme: str | None,
    today: date | None,
    last_review: date | None,
    fmt: str,
) -> None:
    """Zetels, regels, leden met signalen over hun termijn, de vergaderingen van dit jaar en
    of een evaluatie van de samenstelling nodig is."""
    if plan_dir is not None:
        plan = load_plan(plan_dir)
    else:
        with _store(ctx) as store:
            plan = store.plan(programme)
    summary = board_summary(plan, today or date.today(), last_review=last_review)
    if fmt == "json":
        click.echo(json.dumps(summary.record(), indent=2, ensure_ascii=False))
    else:
        _console().print(_summary_view(summary))


@board_group.command("agenda")
@programme_option
@TODAY
@click.option(
    "--escalate",
    "escalated",
    multiple=True,
    metavar="AFSPRAAK",
    help="Een geëscaleerde afspraak (mag vaker).",
)
@click.option(
    "--since",
    type=int,
    metavar="JAAR",
    help="Nieuw rood: vergelijk met de cijfers tot en met dit jaar "
    "(standaard: het jaar van de vorige vergadering).",
)
@format_option
@click.pass_context
@reports_errors
def agenda(
    ctx: click.Context,
    programme: str | None,
    today: date | None,
    escalated: tuple[str, ...],
    since: int | None,
    fmt: str,
) -> None:
    """De agenda van de volgende bestuursvergadering: geëscaleerde afspraken, afspraken over
    de deadline en indicatoren die sinds de vorige vergadering rood zijn geworden."""
    day = today or date.today()
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        plan = store.plan(pid)
        observations = store.observations(pid)
        statuses = workflow.current_statuses(store, pid)
        # on the agenda: what the bureau escalated to the top rung of its ladder (the body
        # where its pillar's escalations end), and --escalate
        escalated = (
            *escalated,
            *(
                a
                for a, rung in workflow.escalations(store, pid).items()
                if workflow.at_top(plan, a, rung)
            ),
        )
    if plan.governance is None:
        raise NotFoundError("het plan heeft geen bestuur: de sectie 'governance' ontbreekt")
    previous = find_last_meeting(plan.governance.board, day)
    if since is not None:
        as_of, label = since, f"de cijfers tot en met {since}"
    elif previous is not None:
        as_of = previous.year
        label = f"de vergadering van {nl.long_date(previous)} (cijfers tot en met {as_of})"
    else:  # no meeting recorded: compare with the year before the latest figures
        as_of = (latest_year(observations) or day.year) - 1
        label = f"de cijfers tot en met {as_of} (geen vorige vergadering vastgelegd)"
    result = board_agenda(
        plan,
        evaluate(plan, observations),
        evaluate(plan, observations, as_of=as_of),
        agreement_rows(plan, statuses=statuses),
        day,
        dict.fromkeys(escalated),
    )
    if fmt == "json":
        record = result.record()
        record["compared_with"] = {
            "last_meeting": previous.isoformat() if previous is not None else None,
            "as_of": as_of,
        }
        click.echo(json.dumps(record, indent=2, ensure_ascii=False))
    else:
        _console().print(_agenda_view(result, label))


def _row(table: Table, *cells: str) -> None:
    """A row of plain text: data may hold '[...]', which rich would read as markup."""
    table.add_row(*(Text(cell) for cell in cells))


def _summary_view(summary: BoardSummary) -> Group:
    seats = Table(title=f"{summary.name}: {summary.seat_count} zetels, {summary.size} personen")
    seats.add_column("zetel")
    seats.add_column("aantal", justify="right")
    seats.add_column("mandaat")
    for seat in summary.seats:
        _row(seats, seat.sector, str(seat.seats), seat.mandate)
    _row(seats, "voorzitter", "1", summary.chair)
    parts: list[RenderableType] = [seats, "[bold]Regels[/bold]"]
    parts.extend(Text(f"  {rule}") for rule in summary.rules)
    if summary.members:
        members = Table(title="Leden en termijnen")
        for column in ("lid", "zetel", "mandaat", "begin", "jaar", "einde", "signalen"):
            members.add_column(column)
        for m in summary.members:
            _row(
                members,
                m.name,
                m.seat,
                m.mandate,
                m.start.isoformat(),
                str(m.term_years) + (" (verlengd)" if m.renewed else ""),
                m.term_end.isoformat(),
                "\n".join(f"{s.signal}: {s.detail}" for s in m.signals) or "—",
            )
        parts.append(members)
    else:
        parts.append(f"[bold]Leden[/bold]: {NO_MEMBERS}.")
    held = ", ".join(nl.long_date(d) for d in summary.meetings) or "geen vastgelegd"
    parts.append(f"[bold]Vergaderingen {summary.year}[/bold]: {held}")
    parts.extend(Text(f"  {signal}", style="red") for signal in summary.meeting_signals)
    if summary.review:
        parts.append(Text(summary.review, style="bold"))
    return Group(*parts)


def _agenda_view(agenda: Agenda, since: str) -> Group:
    title = f"Agenda {agenda.board}"
    if agenda.next_meeting:
        title += f", vergadering van {nl.long_date(agenda.next_meeting)}"
    parts: list[RenderableType] = [
        Text(f"{title} (opgesteld op {nl.long_date(agenda.today)})", style="bold")
    ]

    def table(heading: str, items: list[AgendaItem]) -> None:
        if not items:
            parts.append(Text(f"{heading}: geen."))
            return
        view = Table(title=escape(heading))
        for column in ("id", "pijler", "omschrijving", "toelichting", "verantwoordelijk"):
            view.add_column(column)
        for item in items:
            _row(view, item.id, item.pillar_name, item.text, item.detail, item.accountable)
        parts.append(view)

    table("Geëscaleerde afspraken", agenda.escalated_to_board)
    table("Afspraken over de deadline", agenda.overdue)
    table(f"Indicatoren rood geworden sinds {since}", agenda.newly_red)
    for body, items in agenda.escalated_elsewhere.items():
        table(f"Geëscaleerd naar {body} (niet naar het bestuur)", items)
    ladders = Table(title="Escalatieladder per pijler")
    ladders.add_column("pijler")
    ladders.add_column("treden (laagste eerst), tot waar escalaties eindigen")
    for ladder in agenda.ladders:
        _row(ladders, ladder.pillar_name, " → ".join(ladder.route))
    parts.append(ladders)
    return Group(*parts)
