"""``koers proportionality``: Zuid's share of each service against the proportional share."""

from __future__ import annotations

import json

import click
from rich.table import Table
from rich.text import Text

from koers.cli import _console, _store, format_option, main, programme_option, reports_errors
from koers.cli.render import COLOURS
from koers.proportionality import YearSummary, proportionality_summary


@main.command("proportionality")
@programme_option
@click.option(
    "--year",
    type=int,
    metavar="JAAR",
    help="Alleen dit jaar (standaard: elk jaar met cijfers).",
)
@format_option
@click.pass_context
@reports_errors
def proportionality_command(
    ctx: click.Context, programme: str | None, year: int | None, fmt: str
) -> None:
    """Proportionaliteit van de hulp, per dienst en jaar: het aandeel van het
    programmagebied, de norm, de status en de verandering."""
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        plan = store.plan(pid)
        summaries = proportionality_summary(
            plan, store.observations(pid), years=None if year is None else [year]
        )
    if fmt == "json":
        click.echo(json.dumps([s.record() for s in summaries], indent=2, ensure_ascii=False))
        return
    if not summaries:
        when = f" over {year}" if year is not None else ""
        click.echo(f"Geen cijfers over de proportionaliteit van de hulp{when}.")
        return
    console = _console()
    share = f"Aandeel {plan.area(plan.programme.area).name}"
    for summary in summaries:
        console.print(_table(summary, share))
        console.print(summary.sentence)
        if summary.comparisons:
            console.print(
                "Ter vergelijking (zelfde tabel in het plan): "
                + "; ".join(f"{c.name} {c.value_text}" for c in summary.comparisons)
                + "."
            )
        console.print()


def _table(summary: YearSummary, share: str) -> Table:
    table = Table(title=f"Proportionaliteit van de hulp, {summary.year}")
    for column in (
        "Indicator",
        share,
        "Verandering",
        "Norm",
        "Proportioneel",
        "Status",
        "Toelichting",
    ):
        table.add_column(
            column,
            justify="right" if column == share else "left",
            style="bold" if column == share else None,
            overflow="fold",
        )
    for s in summary.services:
        table.add_row(
            f"{s.indicator} {s.name}",
            s.share_text,
            s.change_text,
            s.norm.text,
            s.reached_text,
            Text(f"● {s.status_label} ({s.status.value})", style=COLOURS[s.status]),
            s.explanation,
        )
    return table
