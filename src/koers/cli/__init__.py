"""The ``koers`` command line: a thin shell over the library.

Each command parses its options, calls one library function and prints the result (a rich
table for people, ``--format json`` for scripts). Errors go to stderr with a non-zero exit
code. The store is chosen with ``--db URL`` or ``KOERS_DB`` (default: ``koers.db`` here).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from koers.assess import evaluate
from koers.cli.render import (
    agreements_table,
    outcome_lines,
    plan_counts,
    status_counts,
    status_table,
    summary_table,
)
from koers.errors import KoersError, NotFoundError
from koers.plan import Plan, json_schema, load_plan
from koers.plan.summary import agreement_rows, summarise
from koers.programme import ProgrammeState
from koers.store import PlanLoad, Store

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_PLAN = "plans/nprz-2023-2027"


def _console() -> Console:
    return Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)


def reports_errors(command: F) -> F:
    """Turn the library's errors into a message on stderr and exit code 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KoersError as error:
            click.echo(f"fout: {error}", err=True)
            sys.exit(1)
        except KeyError as error:  # a look-up in the pure core that found no such id
            click.echo(f"fout: {error.args[0]}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.option(
    "--db",
    envvar="KOERS_DB",
    default=None,
    metavar="URL",
    help="Database URL (default: sqlite:///koers.db; env KOERS_DB).",
)
@click.version_option(package_name="koers")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """koers: sturen en monitoren van het Nationaal Programma Rotterdam Zuid."""
    ctx.obj = {"db": db}


def _store(ctx: click.Context) -> Store:
    return Store.open(ctx.obj["db"])


@main.group()
def plan() -> None:
    """Check a plan directory or export its JSON Schema."""


@plan.command("check")
@click.argument("directory", type=click.Path(path_type=Path))
@reports_errors
def plan_check(directory: Path) -> None:
    """Validate a plan directory; every problem is reported with file, line and field."""
    loaded = load_plan(directory)
    click.echo(f"plan in orde: {plan_counts(loaded)}")


@plan.command("summary")
@click.argument("directory", type=click.Path(path_type=Path), required=False)
@click.option("--programme", help="Summarise this programme from the store instead.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@reports_errors
def plan_summary(
    ctx: click.Context, directory: Path | None, programme: str | None, fmt: str
) -> None:
    """Count what a plan holds (a directory, or the plan loaded in the store)."""
    summary = summarise(_plan_from(ctx, directory, programme))
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        _console().print(summary_table(summary))


@main.command()
@click.argument("directory", type=click.Path(path_type=Path), required=False)
@click.option("--programme", help="Programme id in the store (when no DIRECTORY is given).")
@click.option("--pillar", help="Only this pillar.")
@click.option("--owner", help="Only agreements this partner (id) owns.")
@click.option("--status", help="Only agreements with this status.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@reports_errors
def agreements(
    ctx: click.Context,
    directory: Path | None,
    programme: str | None,
    pillar: str | None,
    owner: str | None,
    status: str | None,
    fmt: str,
) -> None:
    """List the agreements with owner, due date and status."""
    if directory is not None:
        the_plan, statuses = load_plan(directory), {}
    else:
        with _store(ctx) as store:
            state = ProgrammeState.read(store, programme)
        the_plan, statuses = state.plan, state.statuses
    if pillar is not None and pillar not in {p.id for p in the_plan.pillars}:
        raise NotFoundError(f"onbekende pijler '{pillar}'")
    if owner is not None and owner not in {p.id for p in the_plan.partners}:
        raise NotFoundError(f"onbekende partner '{owner}'")
    rows = agreement_rows(the_plan, pillar=pillar, owner=owner, status=status, statuses=statuses)
    if fmt == "json":
        click.echo(json.dumps([r.record() for r in rows], indent=2, ensure_ascii=False))
    else:
        _console().print(agreements_table(rows))


def _plan_from(ctx: click.Context, directory: Path | None, programme: str | None) -> Plan:
    if directory is not None:
        return load_plan(directory)
    with _store(ctx) as store:
        return store.plan(programme)


@plan.command("schema")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file.")
def plan_schema(output: Path | None) -> None:
    """Print the JSON Schema of a plan file (for editors)."""
    if output:
        output.write_text(json_schema() + "\n", encoding="utf-8")
    else:
        click.echo(json_schema())


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--no-data", is_flag=True, help="Load only the plan, not its data/*.csv.")
@click.pass_context
@reports_errors
def load(ctx: click.Context, directory: Path, no_data: bool) -> None:
    """Load a plan directory into the store, with the figures (*.csv) and boundaries
    (*.geojson) in its data/ folder."""
    with _store(ctx) as store:
        _load(store, directory, not no_data)


def _load(store: Store, directory: Path, with_data: bool) -> str:
    from koers.usecases import load_plan_directory

    def plan_loaded(result: PlanLoad) -> None:
        if result.unchanged:
            click.echo(f"plan '{result.programme}' ongewijzigd (versie {result.version})")
        else:
            click.echo(
                f"plan '{result.programme}' geladen als versie {result.version}: "
                f"{len(result.changes)} wijzigingen"
            )

    loaded = load_plan_directory(
        store,
        directory,
        with_data=with_data,
        on_plan=plan_loaded,
        on_import=lambda outcome: click.echo(outcome_lines(outcome)),
    )
    return loaded.programme


@main.command()
@click.option("--programme", help="Programme id (needed when the store holds several).")
@click.option("--pillar", help="Only this pillar.")
@click.option("--area", help="Judge every target for this area instead (e.g. a wijk).")
@click.option("--year", type=int, help="The year to judge (default: latest with data).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@reports_errors
def status(
    ctx: click.Context,
    programme: str | None,
    pillar: str | None,
    area: str | None,
    year: int | None,
    fmt: str,
) -> None:
    """Status of every indicator: groen, oranje, rood or grijs, with an explanation."""
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        the_plan = store.plan(pid)
        if pillar is not None and pillar not in {p.id for p in the_plan.pillars}:
            raise NotFoundError(f"onbekende pijler '{pillar}'")
        results = evaluate(the_plan, store.observations(pid), area=area, year=year, pillar=pillar)
    if fmt == "json":
        click.echo(json.dumps([r.record() for r in results], indent=2, ensure_ascii=False))
    else:
        console = _console()
        console.print(status_table(the_plan, results))
        console.print(status_counts(results))


@main.command()
@click.option(
    "--plan",
    "plan_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_PLAN,
    show_default=True,
    help="Plan directory to load.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("out") / "rapportage",
    show_default=True,
    help="Folder for the reports.",
)
@click.option("--no-report", is_flag=True, help="Only load and show the statuses.")
@click.option(
    "--serve/--no-serve",
    default=True,
    show_default=True,
    help="End by serving the website on 127.0.0.1.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.pass_context
@reports_errors
def demo(
    ctx: click.Context, plan_dir: Path, out: Path, no_report: bool, serve: bool, port: int
) -> None:
    """The main job: load the plan and its figures, show every status, write the reports,
    and serve the website."""
    from koers.cli.web import run_server
    from koers.usecases import write_report_set

    with _store(ctx) as store:
        pid = _load(store, plan_dir, with_data=True)
        state = ProgrammeState.read(store, pid)
        results = list(state.assessments.values())
        console = _console()
        console.print(status_table(state.plan, results))
        console.print(status_counts(results))
        if not no_report:
            click.echo("rapportages schrijven:")
            written = write_report_set(
                store, pid, None, out, progress=lambda title: click.echo(f"  {title}")
            )
            click.echo(f"{len(written)} bestanden geschreven in {written[0].parent}")
    if serve:
        run_server(ctx.obj["db"], "127.0.0.1", port, programme=pid, reports_dir=out)


# registered last: the command modules import ``main`` and the helpers above
from koers.cli import (  # noqa: E402
    alliance,
    backup,
    basismonitor,
    board,
    imports,
    money,
    proportionality,
    reports,
    users,
    web,
)

__all__ = [
    "alliance",
    "backup",
    "basismonitor",
    "board",
    "imports",
    "main",
    "money",
    "proportionality",
    "reports",
    "users",
    "web",
]
