"""``koers import``: bring a file in, list the batches, take one back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, Progress, TextColumn

from koers.cli import _console, _store, format_option, main, programme_option, reports_errors
from koers.cli.dutch import DutchGroup
from koers.cli.render import batches_table, outcome_lines
from koers.sources import FORMATS, import_file


class FileOrCommand(DutchGroup):
    """``koers import FILE`` imports; ``koers import history|undo`` are subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((a for a in args if not a.startswith("-")), None)
        if first is not None and first not in self.commands:
            args = ["file", *args]
        return super().parse_args(ctx, args)


@main.group("import", cls=FileOrCommand)
def import_group() -> None:
    """Lees een bestand met cijfers in (koers import BESTAND), toon de batches of draai er
    een terug."""


@import_group.command("file", hidden=True)
@click.argument("file", type=click.Path(path_type=Path), metavar="BESTAND")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", *FORMATS]),
    default="auto",
    show_default=True,
    help="Soort bestand; met auto herkent koers het zelf.",
)
@click.option(
    "--mapping",
    metavar="KOPPELING",
    help="De koppeling uit het plan waarmee het bestand gelezen wordt (standaard: de best "
    "passende).",
)
@click.option(
    "--year",
    type=int,
    metavar="JAAR",
    help="Het jaar van een bestand dat het zelf niet noemt: het jaar van de gebiedsgrenzen in "
    "een GeoJSON- of TopoJSON-bestand, de periode van een CBS-tabel zonder periodekolom "
    "(standaard: uit het bestand).",
)
@programme_option
@click.option(
    "--dry-run", is_flag=True, help="Controleer het bestand en toon wat er zou veranderen."
)
@click.option(
    "--revise",
    is_flag=True,
    help="Sta herzien toe van cijfers over een periode die het bestand zelf niet noemt (een "
    "correctie).",
)
@click.option(
    "--synthetisch-toestaan",
    "allow_synthetic",
    is_flag=True,
    help="Sla de cijfers van een synthetisch panel op in een database met echte cijfers "
    "(gemarkeerd als synthetisch, nooit over een echt cijfer).",
)
@click.option(
    "--confirm",
    metavar="REDEN",
    help="Waarom cijfers die meer dan de factor uit het plan (programme.plausibility."
    "change_factor) van het huidige cijfer verschillen kloppen; de reden wordt bij die "
    "cijfers opgeslagen. Zonder reden weigert koers zo'n bestand.",
)
@click.pass_context
@reports_errors
def import_file_command(
    ctx: click.Context,
    file: Path,
    fmt: str,
    mapping: str | None,
    year: int | None,
    programme: str | None,
    dry_run: bool,
    revise: bool,
    allow_synthetic: bool,
    confirm: str | None,
) -> None:
    """Lees een bestand in als één batch: alle rijen of geen."""
    with (
        _store(ctx) as store,
        Progress(
            TextColumn("{task.description}"), BarColumn(), console=_console(), transient=True
        ) as bar,
    ):
        task = bar.add_task(f"{file.name} inlezen", total=None)

        def progress(done: int) -> None:
            bar.update(task, completed=done, total=max(done, bar.tasks[0].total or 0))

        outcome = import_file(
            store,
            file,
            programme=programme,
            format=fmt,
            mapping=mapping,
            year=year,
            dry_run=dry_run,
            revise=revise,
            allow_synthetic=allow_synthetic,
            confirm=confirm,
            progress=progress,
        )
    click.echo(outcome_lines(outcome))


@import_group.command("history")
@programme_option
@format_option
@click.pass_context
@reports_errors
def history(ctx: click.Context, programme: str | None, fmt: str) -> None:
    """Elke batch: nummer, bestand, soort, rijen nieuw en herzien, wanneer, door wie en of
    hij nog meetelt."""
    with _store(ctx) as store:
        batches = store.batches(store.resolve_programme(programme))
    if fmt == "json":
        records: list[dict[str, Any]] = [
            {
                "id": b.id,
                "source": b.source_name,
                "format": b.format,
                "rows": b.rows,
                "added": b.added,
                "revised": b.revised,
                "unchanged": b.unchanged,
                "created_at": b.created_at.isoformat(),
                "created_by": b.created_by,
                "state": b.state,
                "undone_at": b.undone_at.isoformat() if b.undone_at else None,
            }
            for b in batches
        ]
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        _console().print(batches_table(batches))


@import_group.command("undo")
@click.argument("batch", metavar="BATCH")
@click.pass_context
@reports_errors
def undo(ctx: click.Context, batch: str) -> None:
    """Draai een batch terug: de cijfers die hij verving tellen weer mee."""
    with _store(ctx) as store:
        undone = store.undo_batch(batch)
    click.echo(
        f"batch {undone.id} ({undone.source_name}) teruggedraaid: {undone.added} nieuwe "
        f"en {undone.revised} herziene cijfers tellen niet meer mee"
    )
