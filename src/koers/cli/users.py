"""``koers users``: the portal's accounts from the command line.

``koers users add`` sets up the first admin of a programme (no one is logged in yet); the
admin then manages users in the portal (``/portaal/gebruikers``), where every change is
audited under their name. ``koers users list`` shows who has access.
"""

from __future__ import annotations

import json

import click

from koers import workflow
from koers.cli import _console, _store, main, reports_errors


@main.group()
def users() -> None:
    """Accounts of the partner portal."""


@users.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice([r.value for r in workflow.Role]),
    default=workflow.Role.ADMIN.value,
    show_default=True,
)
@click.option("--partner", help="Partner id (for the role partner).")
@click.option("--programme", help="Programme id; needed when the store holds several.")
@click.password_option(
    "--password",
    envvar="KOERS_PASSWORD",
    help="Asked for when not given (or set KOERS_PASSWORD).",
)
@click.pass_context
@reports_errors
def add(
    ctx: click.Context,
    username: str,
    role: str,
    partner: str | None,
    programme: str | None,
    password: str,
) -> None:
    """Create the first admin of a programme (later users: by that admin, in the portal)."""
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        user = workflow.create_user(store, pid, username, password, role, partner, by=None)
    click.echo(f"gebruiker '{user.username}' ({workflow.ROLE_LABELS[user.role]}) aangemaakt")


@users.command("list")
@click.option("--programme", help="Programme id; needed when the store holds several.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
@reports_errors
def list_users(ctx: click.Context, programme: str | None, fmt: str) -> None:
    """Who has an account, with role, partner and whether it is active."""
    with _store(ctx) as store:
        found = workflow.users(store, store.resolve_programme(programme))
    if fmt == "json":
        click.echo(json.dumps([u.record() for u in found], ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table("gebruiker", "rol", "partner", "actief")
    for u in found:
        table.add_row(
            u.username, workflow.ROLE_LABELS[u.role], u.partner or "", "ja" if u.active else "nee"
        )
    _console().print(table)
