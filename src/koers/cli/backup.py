"""``koers backup`` and ``koers restore``: a whole store to a file and back.

The file is portable between SQLite and PostgreSQL (:mod:`koers.store.backup`); a restore
goes only into an empty store, all of it or nothing.
"""

from __future__ import annotations

from pathlib import Path

import click

from koers import nl
from koers.cli import _store, main, reports_errors
from koers.store.backup import backup as write_backup
from koers.store.backup import restore as read_backup


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), metavar="BESTAND")
@click.pass_context
@reports_errors
def backup(ctx: click.Context, file: Path) -> None:
    """Schrijf alle tabellen van de database naar BESTAND (een zip, ook terug te zetten in
    een ander soort database)."""
    with _store(ctx) as store:
        summary = write_backup(store, file)
    click.echo(
        f"back-up geschreven: {file} ({nl.number(summary.rows)} rijen in "
        f"{len(summary.tables)} tabellen, schemaversie {summary.revision})"
    )


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), metavar="BESTAND")
@click.pass_context
@reports_errors
def restore(ctx: click.Context, file: Path) -> None:
    """Zet een back-up (BESTAND) terug in een lege database: alles of niets."""
    with _store(ctx, create=True) as store:
        summary = read_backup(store, file)
    click.echo(f"teruggezet: {nl.number(summary.rows)} rijen uit {file}")
