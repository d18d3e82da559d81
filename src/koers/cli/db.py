"""``koers db``: the database itself: its schema version, and the upgrade as an explicit step.

Every command still brings an older database up to date when it opens it (under a lock, so
two processes that start together take turns); ``koers db upgrade`` is the step an
administrator runs on purpose after installing a new version, before starting the site.
"""

from __future__ import annotations

import click

from koers.cli import main, reports_errors


@main.group()
def db() -> None:
    """De database: welke schemaversie ze heeft, en bijwerken naar deze versie van koers
    (koers db upgrade)."""


@db.command("upgrade")
@click.pass_context
@reports_errors
def upgrade(ctx: click.Context) -> None:
    """Werk de database bij naar de schemaversie van deze koers (met een slot, zodat twee
    processen niet tegelijk bijwerken)."""
    from koers.store import Store
    from koers.store.store import HEAD

    with Store.open(ctx.obj["db"], migrate=False) as store:
        before = store.schema_version()
        store.migrate()
    if before == HEAD:
        click.echo(f"database al op schemaversie {HEAD}")
    else:
        click.echo(f"database bijgewerkt van schemaversie {before or 'leeg'} naar {HEAD}")


@db.command("version")
@click.pass_context
@reports_errors
def version(ctx: click.Context) -> None:
    """Toon de schemaversie van de database en die welke deze koers verwacht."""
    from koers.store import Store, StoreError
    from koers.store.store import HEAD

    try:  # a database that is not there yet is not made by asking its version
        with Store.open(ctx.obj["db"], migrate=False, create=False) as store:
            found = store.schema_version()
    except StoreError:
        found = None
    click.echo(f"database: {found or 'leeg'}; deze koers: {HEAD}")
