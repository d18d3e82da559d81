"""``koers import``: bring a file in, list the batches, take one back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, Progress, TextColumn

from koers.cli import _console, _store, main, reports_errors
from koers.cli.render import batches_table, outcome_lines
from koers.sources import FORMATS, import_file


class FileOrCommand(click.Group):
    """``koers import FILE`` imports; ``koers import history|undo`` are subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((a for a in args if not a.startswith("-")), None)
        if first is not None and first not in self.commands:
            args = ["file", *args]
        return super().parse_args(ctx, args)


@main.group("import", cls=FileOrCommand)
def import_group() -> None:
    """Import a file of figures (koers import FILE), list batches, undo one."""


@import_group.command("file", hidden=True)
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", *FORMATS]),
    default="auto",
    show_default=True,
    help="File format; auto recognises it.",
)
@click.option("--mapping", help="The plan's mapping to use (default: the best match).")
@click.option(
    "--year",
    type=int,
    help="The year of a file that does not state it: the boundary year of a GeoJSON/TopoJSON "
    "file, the period of a CBS file without a period column (default: from the file).",
)
@click.option("--programme", help="Programme id (needed when the store holds several).")
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
@click.option(
    "--revise",
    is_flag=True,
    help="Allow revising figures of a period the file does not state itself (a correction).",
)
@click.option(
    "--synthetisch-toestaan",
    "allow_synthetic",
    is_flag=True,
    help="Store figures of a synthetic panel in a store with real figures (marked synthetic, "
    "never over a real figure).",
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
) -> None:
    """Import a file as one batch: all rows or none."""
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
            progress=progress,
        )
    click.echo(outcome_lines(outcome))


@import_group.command("history")
@click.option("--programme", help="Programme id (needed when the store holds several).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@reports_errors
def history(ctx: click.Context, programme: str | None, fmt: str) -> None:
    """Every batch: id, source, format, rows added and revised, when, by whom, state."""
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
@click.argument("batch")
@click.pass_context
@reports_errors
def undo(ctx: click.Context, batch: str) -> None:
    """Take a batch back; the figures it replaced count again."""
    with _store(ctx) as store:
        undone = store.undo_batch(batch)
    click.echo(
        f"batch {undone.id} ({undone.source_name}) teruggedraaid: {undone.added} nieuwe "
        f"en {undone.revised} herziene cijfers tellen niet meer mee"
    )
