"""The ``koers`` command line: a thin shell over the library.

Each command parses its options, calls one library function or use case
(:mod:`koers.usecases`) and prints the result (a rich table for people, ``--format json``
for scripts). Errors (:class:`~koers.errors.KoersError`) go to stderr as ``fout: …`` with
exit code 1. The store is chosen with ``--db URL`` or ``KOERS_DB`` (default: ``koers.db``
here).

The commands live in one module each and are imported only when they run: ``koers --help``
lists them from :data:`COMMANDS` without importing any, so a small command does not wait
for the website, the importers or the Basismonitor to load.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

    from koers.store import Store

F = TypeVar("F", bound=Callable[..., Any])

# command -> (module that defines it, the first paragraph of its help, for `koers --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "agreements": ("programme", "List the agreements with owner, due date and status."),
    "alliance": (
        "alliance",
        "Bondgenootschap met bewoners: gesprekken, acties en het aandachtslijstje.",
    ),
    "backup": (
        "backup",
        "Write every table of the store to FILE (a zip, portable between databases).",
    ),
    "basismonitor": (
        "basismonitor",
        "School and work/income careers from a pseudonymised person-year panel.",
    ),
    "board": (
        "board",
        "The board: seats, members with term signals, meetings; the agenda of the next meeting.",
    ),
    "bronnen": (
        "deliveries",
        "Levering van de cijfers: per indicator het laatste cijfer (periode en wanneer "
        "ingelezen), de verwachte levering, wie levert en of het cijfer over het jaar binnen, "
        "te laat of zonder bron is.",
    ),
    "db": ("db", "The database: its schema version, and upgrading it (koers db upgrade)."),
    "demo": (
        "programme",
        "The main job: load the plan and its figures, show every status, write the reports, "
        "and serve the website.",
    ),
    "import": ("imports", "Import a file of figures (koers import FILE), list batches, undo one."),
    "load": (
        "programme",
        "Load a plan directory into the store, with the figures (*.csv), boundaries "
        "(*.geojson) and publishers' files (data/MAPPING/*, read with that mapping) in its "
        "data/ folder.",
    ),
    "money": (
        "money",
        "Money: task per pillar, bureau, coverage, spending and value for money (koers money "
        "[--year Y] [--pillar P] [--format table|json]; see koers money show --help); record "
        "spending (koers money spend).",
    ),
    "narrative": (
        "reports",
        "Store the story behind the curve for an indicator and period ('' removes it).",
    ),
    "plan": ("plan", "Check a plan directory or export its JSON Schema."),
    "proportionality": (
        "proportionality",
        "Per service and year: the programme area's share, the norm, the status and the change.",
    ),
    "report": (
        "reports",
        "Write Deel I (the readable summary), Deel II and the jaarambitie document of every wijk.",
    ),
    "restore": ("backup", "Restore FILE into an empty store (all of it or nothing)."),
    "serve": ("web", "Serve the website: the public pages, the partner portal and the JSON API."),
    "status": (
        "programme",
        "Status of every indicator: groen, oranje, rood or grijs, with an explanation.",
    ),
    "users": ("users", "Accounts of the partner portal."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported from their module when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            # the module registers its commands on `main` as it is imported
            importlib.import_module(f"koers.cli.{COMMANDS[cmd_name][0]}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, from :data:`COMMANDS` (nothing imported)."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (name, self.commands.get(name, click.Command(name, help=COMMANDS[name][1])))
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])


def reports_errors(command: F) -> F:
    """Turn the library's errors into a message on stderr and exit code 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from koers.errors import KoersError

        try:
            return command(*args, **kwargs)
        except KoersError as error:
            click.echo(f"fout: {error}", err=True)
            sys.exit(1)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:  # a bug or the machine: one line, the rest with --debug
            context = click.get_current_context(silent=True)
            if context is not None and (context.find_root().obj or {}).get("debug"):
                raise
            first = (str(error).strip().splitlines() or [""])[0]
            click.echo(
                f"fout: onverwachte fout ({type(error).__name__}: {first}); "
                f"de volledige melding met koers --debug",
                err=True,
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(cls=LazyGroup)
@click.option(
    "--db",
    envvar="KOERS_DB",
    default=None,
    metavar="URL",
    help="Database URL (default: sqlite:///koers.db; env KOERS_DB).",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an unexpected error.")
@click.version_option(package_name="koers")
@click.pass_context
def main(ctx: click.Context, db: str | None, debug: bool) -> None:
    """koers: sturen en monitoren van het Nationaal Programma Rotterdam Zuid."""
    ctx.obj = {"db": db, "debug": debug}


def _console() -> Console:
    from rich.console import Console

    return Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)


def _store(ctx: click.Context, *, create: bool = False) -> Store:
    """The store of ``--db``/``KOERS_DB``; only the commands that fill a store (``load``,
    ``demo``, ``restore``) may create it, the others refuse a missing or empty one."""
    from koers.store import Store

    return Store.open(ctx.obj["db"], create=create)


__all__ = ["COMMANDS", "main"]
