"""``koers plan``: check a plan directory, count what it holds, export its JSON Schema, and
the plan's history: its stored versions (``history``) and what changed between two versions
or plan directories (``diff``, :mod:`koers.plan.diff`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from koers.cli import _console, _store, format_option, main, programme_option, reports_errors
from koers.cli.render import plan_counts, summary_table
from koers.plan import Plan, json_schema, load_plan
from koers.plan.diff import Difference
from koers.plan.summary import summarise

# the change words the store records with each version, in the words of koers plan diff
WORDS = {"added": "toegevoegd", "removed": "verwijderd", "changed": "gewijzigd"}


@main.group()
def plan() -> None:
    """Controleer een planmap, tel wat een plan bevat, bekijk de versies van het plan en wat
    er veranderde, of schrijf het JSON-schema van de planbestanden."""


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
@format_option
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


@plan.command("history")
@programme_option
@format_option
@click.pass_context
@reports_errors
def plan_history(ctx: click.Context, programme: str | None, fmt: str) -> None:
    """De versies van het plan in de database: wanneer en door wie geladen, waarvandaan,
    vanaf welk jaar geldig en wat er veranderde."""
    from koers import nl
    from koers.plan.diff import summary

    with _store(ctx) as store:
        versions = store.plan_versions(programme)
    rows = []
    for info in versions:
        changed = [
            Difference(ch.section, ch.item_id, WORDS[ch.change], field=None) for ch in info.changes
        ]
        rows.append(
            {
                "version": info.version,
                "loaded_at": info.loaded_at.isoformat(),
                "loaded_by": info.loaded_by,
                "source": info.source,
                "valid_from": info.valid_from,
                "summary": "eerste versie" if info.version == 1 else summary(changed),
                "changes": [
                    d.words() + (f" ({', '.join(ch.fields)})" if ch.fields else "")
                    for d, ch in zip(changed, info.changes, strict=True)
                ],
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(title="Versies van het plan")
    for column in ("Versie", "Geladen", "Door", "Bron", "Geldig vanaf", "Wijzigingen"):
        table.add_column(column, overflow="fold")
    for info, row in zip(versions, rows, strict=True):
        table.add_row(
            str(info.version),
            nl.moment(info.loaded_at),
            info.loaded_by or "onbekend",
            info.source or "—",
            str(info.valid_from) if info.valid_from else "elk jaar",
            str(row["summary"]),
        )
    _console().print(table)


@plan.command("diff")
@click.argument("old", metavar="[A]", required=False)
@click.argument("new", metavar="[B]", required=False)
@programme_option
@format_option
@click.pass_context
@reports_errors
def plan_diff(
    ctx: click.Context, old: str | None, new: str | None, programme: str | None, fmt: str
) -> None:
    """Wat er veranderde van plan A naar plan B: onderdelen, doelen en teksten die erbij
    kwamen, verdwenen of wijzigden, in woorden.

    A en B zijn versienummers in de database of plan-mappen. Zonder B: de laatste versie in
    de database; zonder A ook: de versie daarvóór."""
    from koers.plan.diff import diff_plans

    if new is None or old is None or new.isdigit() or old.isdigit():
        with _store(ctx) as store:
            numbers = [v.version for v in store.plan_versions(programme)]
            if new is None:
                new = str(numbers[-1])
            if old is None:
                if not new.isdigit() or int(new) not in numbers or int(new) == numbers[0]:
                    raise click.UsageError(
                        "geef A: er is geen eerdere versie om mee te vergelijken"
                    )
                old = str(numbers[numbers.index(int(new)) - 1])
            plans = [
                store.plan_version(programme, int(x)) if x.isdigit() else load_plan(Path(x))
                for x in (old, new)
            ]
    else:
        plans = [load_plan(Path(old)), load_plan(Path(new))]
    differences = diff_plans(*plans)
    if fmt == "json":
        click.echo(json.dumps([d.record() for d in differences], indent=2, ensure_ascii=False))
        return
    label = {x: f"versie {x}" if x.isdigit() else x for x in (old, new)}
    click.echo(f"Van {label[old]} naar {label[new]}: {len(differences)} wijzigingen")
    for d in differences:
        click.echo(f"- {d.words()}")
