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

from koers.cli.dutch import VERSION, VERSION_MESSAGE, DutchGroup

if TYPE_CHECKING:
    from rich.console import Console

    from koers.store import Store

F = TypeVar("F", bound=Callable[..., Any])

# command -> (module that defines it, the first paragraph of its help, for `koers --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "agreements": ("programme", "Toon de afspraken met eigenaar, deadline en status."),
    "alliance": (
        "alliance",
        "Bondgenootschap met bewoners: gesprekken, acties en het aandachtslijstje.",
    ),
    "backup": (
        "backup",
        "Schrijf alle tabellen van de database naar BESTAND (een zip, ook terug te zetten in "
        "een ander soort database).",
    ),
    "basismonitor": (
        "basismonitor",
        "Basismonitor: loopbanen in school, werk en inkomen uit een gepseudonimiseerd panel "
        "(een rij per persoon per jaar).",
    ),
    "board": (
        "board",
        "Het bestuur: zetels, leden met signalen over hun termijn, vergaderingen; de agenda "
        "van de volgende vergadering.",
    ),
    "bronnen": (
        "deliveries",
        "Levering van de cijfers: per indicator het laatste cijfer (periode en wanneer "
        "ingelezen), de verwachte levering, wie levert en of het cijfer over het jaar binnen, "
        "te laat of zonder bron is.",
    ),
    "db": (
        "db",
        "De database: welke schemaversie ze heeft, en bijwerken naar deze versie van koers "
        "(koers db upgrade).",
    ),
    "demo": (
        "programme",
        "Alles in één keer: laad het plan en de cijfers, toon elke status, schrijf de "
        "rapportages en start de website.",
    ),
    "import": (
        "imports",
        "Lees een bestand met cijfers in (koers import BESTAND), toon de batches of draai er "
        "een terug.",
    ),
    "load": (
        "programme",
        "Laad een planmap in de database, met wat in de map data/ staat: de cijfers (*.csv), "
        "de gebiedsgrenzen (*.geojson) en de bestanden van leveranciers (data/KOPPELING/*, "
        "gelezen met die koppeling).",
    ),
    "money": (
        "money",
        "Geld: opgave per pijler, programmabureau, dekking, besteding en waar voor je geld "
        "(koers money [--year JAAR] [--pillar PIJLER] [--format table|json]; zie koers money "
        "show --help); een besteding vastleggen (koers money spend).",
    ),
    "narrative": (
        "reports",
        "Leg het verhaal achter de curve vast bij een indicator en periode (een lege tekst '' "
        "haalt het weg).",
    ),
    "plan": (
        "plan",
        "Controleer een planmap, tel wat een plan bevat, bekijk de versies van het plan en "
        "wat er veranderde, of schrijf het JSON-schema van de planbestanden.",
    ),
    "proportionality": (
        "proportionality",
        "Proportionaliteit van de hulp, per dienst en jaar: het aandeel van het "
        "programmagebied, de norm, de status en de verandering.",
    ),
    "report": (
        "reports",
        "Schrijf de rapportages: Deel I (de leesbare samenvatting), Deel II en het "
        "jaarambitiedocument van elke wijk.",
    ),
    "restore": ("backup", "Zet een back-up (BESTAND) terug in een lege database: alles of niets."),
    "serve": (
        "web",
        "Start de website: de openbare pagina's, het portaal voor partners en de JSON-API.",
    ),
    "status": (
        "programme",
        "Status van elke indicator: groen, oranje, rood of grijs, met een toelichting.",
    ),
    "users": (
        "users",
        "Gebruikers van het portaal voor partners: de eerste beheerder, het overzicht, "
        "importeren en een nieuw wachtwoord.",
    ),
}


class LazyGroup(DutchGroup):
    """A group whose commands are imported from their module when first asked for; its
    commands and groups are Dutch (:mod:`koers.cli.dutch`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            # the module registers its commands on `main` as it is imported
            try:
                importlib.import_module(f"koers.cli.{COMMANDS[cmd_name][0]}")
            except ModuleNotFoundError as error:
                if (message := missing_extra(error)) is None:
                    raise
                click.echo(f"fout: {message}", err=True)
                sys.exit(1)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, from :data:`COMMANDS` (nothing imported)."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (name, self.commands.get(name, click.Command(name, help=COMMANDS[name][1])))
            for name in names
        ]
        with formatter.section("Opdrachten"):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])


# a package an extra installs (pyproject.toml) -> that extra; only the base is always there
EXTRAS = {
    **dict.fromkeys(("duckdb", "pyarrow", "numpy", "narwhals"), "basismonitor"),
    **dict.fromkeys(("weasyprint", "vl_convert"), "report"),
    **dict.fromkeys(
        ("fastapi", "starlette", "uvicorn", "itsdangerous", "multipart", "python_multipart"),
        "web",
    ),
    "pyspark": "spark",
    "psycopg": "postgres",
}


def missing_extra(error: ModuleNotFoundError) -> str | None:
    """The Dutch message for a package of an extra that is not installed, or ``None``."""
    package = (error.name or "").split(".")[0]
    extra = EXTRAS.get(package)
    if extra is None:
        return None
    return (
        f"hiervoor is {package} nodig, en dat is niet geïnstalleerd: installeer koers met "
        f"het extra '{extra}' (pip install 'koers[{extra}]')"
    )


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
        except ModuleNotFoundError as error:
            if (message := missing_extra(error)) is None:
                raise
            click.echo(f"fout: {message}", err=True)
            sys.exit(1)
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
    help="Adres van de database (standaard: sqlite:///koers.db, het bestand koers.db in deze "
    "map; ook te zetten met KOERS_DB).",
)
@click.option(
    "--debug", is_flag=True, help="Toon bij een onverwachte fout de volledige foutmelding."
)
@click.version_option(package_name="koers", message=VERSION_MESSAGE, help=VERSION)
@click.pass_context
def main(ctx: click.Context, db: str | None, debug: bool) -> None:
    """koers: sturen op en volgen van een programma: het plan, de cijfers, de status van elke
    indicator, de rapportages en de website."""
    ctx.obj = {"db": db, "debug": debug}


# the options most commands share, with one Dutch help text each
programme_option = click.option(
    "--programme",
    metavar="ID",
    help="Programma-id; alleen nodig als de database meer dan één programma bevat.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Een tabel voor mensen, of JSON voor scripts.",
)


def _console() -> Console:
    from rich.console import Console

    return Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)


def _store(ctx: click.Context, *, create: bool = False) -> Store:
    """The store of ``--db``/``KOERS_DB``; only the commands that fill a store (``load``,
    ``demo``, ``restore``) may create it, the others refuse a missing or empty one."""
    from koers.store import Store

    return Store.open(ctx.obj["db"], create=create)


__all__ = ["COMMANDS", "format_option", "main", "programme_option"]
