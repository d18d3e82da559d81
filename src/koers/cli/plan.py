"""``koers plan``: check a plan directory, count what it holds, export its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import click

from koers.cli import _console, _store, main, reports_errors
from koers.cli.render import plan_counts, summary_table
from koers.plan import Plan, json_schema, load_plan
from koers.plan.summary import summarise


@main.group()
def plan() -> None:
    """Controleer een planmap, tel wat een plan bevat of schrijf het JSON-schema van de
    planbestanden."""


@plan.command("check")
@click.argument("directory", type=click.Path(path_type=Path), metavar="MAP")
@reports_errors
def plan_check(directory: Path) -> None:
    """Controleer een planmap; elk probleem wordt gemeld met bestand, regel en veld."""
    loaded = load_plan(directory)
    click.echo(f"plan in orde: {plan_counts(loaded)}")


@plan.command("summary")
@click.argument("directory", type=click.Path(path_type=Path), required=False, metavar="[MAP]")
@click.option(
    "--programme",
    metavar="ID",
    help="Tel wat dit programma in de database bevat (in plaats van een planmap).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Een tabel voor mensen, of JSON voor scripts.",
)
@click.pass_context
@reports_errors
def plan_summary(
    ctx: click.Context, directory: Path | None, programme: str | None, fmt: str
) -> None:
    """Tel wat een plan bevat: pijlers, ambities, indicatoren, doelen, interventies,
    afspraken, partners en gebieden (van een planmap, of van het plan in de database)."""
    summary = summarise(_plan_from(ctx, directory, programme))
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        _console().print(summary_table(summary))


def _plan_from(ctx: click.Context, directory: Path | None, programme: str | None) -> Plan:
    if directory is not None:
        return load_plan(directory)
    with _store(ctx) as store:
        return store.plan(programme)


@plan.command("schema")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    metavar="BESTAND",
    help="Schrijf naar dit bestand (standaard: naar het scherm).",
)
def plan_schema(output: Path | None) -> None:
    """Toon het JSON-schema van een planbestand (voor editors die YAML controleren)."""
    if output:
        output.write_text(json_schema() + "\n", encoding="utf-8")
    else:
        click.echo(json_schema())
