"""``koers users``: the portal's accounts from the command line.

``koers users add`` sets up the first admin of a programme (no one is logged in yet); the
admin then manages users in the portal (``/portaal/gebruikers``), where every change is
audited under their name. ``koers users list`` shows who has access.

Whoever has shell access to the store is its administrator: ``koers users import`` creates
many accounts from a CSV file at once and ``koers users reset`` gives one a new password
(the way back in when the only admin's password is lost). Both hand out one-time passwords,
shown once, which the user replaces at first login; the audit log names the OS user.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import click

from koers import workflow
from koers.cli import _console, _store, format_option, main, programme_option, reports_errors
from koers.errors import KoersError


@main.group()
def users() -> None:
    """Gebruikers van het portaal voor partners: de eerste beheerder, het overzicht,
    importeren en een nieuw wachtwoord."""


@users.command("add")
@click.argument("username", metavar="GEBRUIKERSNAAM")
@click.option(
    "--role",
    type=click.Choice([r.value for r in workflow.Role]),
    default=workflow.Role.ADMIN.value,
    show_default=True,
    help="De rol: admin (beheerder), bureau (programmabureau) of partner.",
)
@click.option("--partner", metavar="ID", help="Partner-id (bij de rol partner).")
@programme_option
@click.password_option(
    "--password",
    envvar="KOERS_PASSWORD",
    metavar="WACHTWOORD",
    prompt="Wachtwoord",
    confirmation_prompt="Herhaal het wachtwoord",
    help="Wordt gevraagd als het niet is gegeven (of zet KOERS_PASSWORD).",
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
    """Maak de eerste beheerder van een programma aan (de andere gebruikers maakt die
    beheerder aan in het portaal)."""
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        user = workflow.create_user(store, pid, username, password, role, partner, by=None)
    click.echo(f"gebruiker '{user.username}' ({workflow.ROLE_LABELS[user.role]}) aangemaakt")


@users.command("list")
@programme_option
@format_option
@click.pass_context
@reports_errors
def list_users(ctx: click.Context, programme: str | None, fmt: str) -> None:
    """Wie een account heeft, met rol, partner en of het account actief is."""
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


IMPORT_COLUMNS = ("username", "role", "partner", "email")


def _read_accounts(path: Path) -> list[workflow.NewAccount]:
    """The rows of an import file (``username,role,partner,email``, header required)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise KoersError(f"{path}: het bestand is geen UTF-8-tekst") from None
    except OSError as exc:
        raise KoersError(f"{path}: niet te lezen ({exc.strerror})") from None
    rows = csv.reader(io.StringIO(text))
    header = [column.strip().lower() for column in next(rows, [])]
    missing = [column for column in ("username", "role") if column not in header]
    unknown = [column for column in header if column not in IMPORT_COLUMNS]
    if missing or unknown:
        raise KoersError(
            f"{path}, rij 1: de eerste rij noemt de kolommen {','.join(IMPORT_COLUMNS)}"
            + (f" (ontbreekt: {', '.join(missing)})" if missing else "")
            + (f" (onbekend: {', '.join(unknown)})" if unknown else "")
        )
    accounts = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise KoersError(
                f"{path}, rij {number}: {len(row)} velden, de kop noemt er {len(header)}"
            )
        cells = dict(zip(header, row, strict=False))
        accounts.append(
            workflow.NewAccount(
                row=number,
                username=cells.get("username", ""),
                role=cells.get("role", ""),
                partner=cells.get("partner") or None,
                email=cells.get("email") or None,
            )
        )
    if not accounts:
        raise KoersError(f"{path}: geen accounts onder de kop")
    return accounts


def _create_private(out: Path) -> int:
    """A new file readable by its owner only (an existing file is refused), opened to write."""
    try:
        return os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KoersError(f"{out} bestaat al; kies een nieuw bestand") from None
    except OSError as exc:
        raise KoersError(f"{out}: niet aan te maken ({exc.strerror})") from None


def _write_passwords(fd: int, rows: list[tuple[str, str]]) -> None:
    with open(fd, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["username", "password"])
        writer.writerows(rows)


def _show_passwords(rows: list[tuple[str, str]]) -> None:
    from rich.table import Table

    table = Table("gebruiker", "eenmalig wachtwoord")
    for username, password in rows:
        table.add_row(username, password)
    _console().print(table)


@users.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), metavar="BESTAND")
@programme_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Schrijf de eenmalige wachtwoorden naar dit nieuwe CSV-bestand (alleen leesbaar "
    "voor de eigenaar, modus 0600) in plaats van ze te tonen.",
)
@click.pass_context
@reports_errors
def import_users(ctx: click.Context, file: Path, programme: str | None, out: Path | None) -> None:
    """Maak accounts aan uit een CSV-bestand (username,role,partner,email): alle of geen,
    elk met een eenmalig wachtwoord dat bij de eerste keer inloggen wordt gewijzigd.
    """
    accounts = _read_accounts(file)
    # the password file exists before any account does: no account without its password
    fd = _create_private(out) if out is not None else None
    try:
        with _store(ctx) as store:
            pid = store.resolve_programme(programme)
            created = workflow.import_users(store, pid, accounts, source=str(file))
    except BaseException:
        if fd is not None:
            os.close(fd)
            assert out is not None
            out.unlink()
        raise
    rows = [(user.username, password) for user, password in created]
    if fd is not None:
        _write_passwords(fd, rows)
        click.echo(f"{len(rows)} gebruikers aangemaakt; de eenmalige wachtwoorden staan in {out}")
        return
    click.echo(
        f"{len(rows)} gebruikers aangemaakt. De eenmalige wachtwoorden worden alleen nu "
        f"getoond; bij de eerste keer inloggen kiest elke gebruiker een eigen wachtwoord."
    )
    _show_passwords(rows)


@users.command("reset")
@click.argument("username", metavar="GEBRUIKERSNAAM")
@click.option(
    "--activeer", is_flag=True, help="Activeer het account weer als het gedeactiveerd is."
)
@click.pass_context
@reports_errors
def reset(ctx: click.Context, username: str, activeer: bool) -> None:
    """Geef een gebruiker een nieuw eenmalig wachtwoord (één keer getoond) en beëindig alle
    sessies van die gebruiker: de weg terug als een wachtwoord kwijt is, ook dat van de
    enige beheerder.
    """
    with _store(ctx) as store:
        user, password = workflow.reset_password(store, username, activate=activeer)
    state = "" if user.active else " (het account is gedeactiveerd; gebruik --activeer)"
    click.echo(
        f"nieuw eenmalig wachtwoord voor '{user.username}'{state}; het wordt alleen nu "
        f"getoond en moet bij de eerste keer inloggen worden gewijzigd:"
    )
    click.echo(password)
