"""The commands about one programme as a whole: ``koers load`` (a plan directory into the
store), ``koers status``, ``koers agreements`` and ``koers demo``, the main job.

What only one command needs (the use cases, the read model, the website) is imported in
that command, so ``koers status`` does not load the reports or the importers."""

from __future__ import annotations

import json
from pathlib import Path

import click

from koers.assess import evaluate
from koers.cli import _console, _store, format_option, main, programme_option, reports_errors
from koers.cli.render import agreements_table, outcome_lines, status_counts, status_report
from koers.errors import NotFoundError
from koers.plan import load_plan
from koers.plan.summary import agreement_rows
from koers.store import PlanLoad, Store

DEFAULT_PLAN = "plans/nprz-2023-2027"


@main.command()
@click.argument("directory", type=click.Path(path_type=Path), required=False, metavar="[MAP]")
@click.option(
    "--programme",
    metavar="ID",
    help="Programma-id in de database (als er geen MAP is gegeven); alleen nodig als de "
    "database meer dan één programma bevat.",
)
@click.option("--pillar", metavar="PIJLER", help="Alleen deze pijler.")
@click.option("--owner", metavar="PARTNER", help="Alleen de afspraken van deze partner (id).")
@click.option("--status", metavar="STATUS", help="Alleen afspraken met deze status.")
@format_option
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
    """Toon de afspraken met eigenaar, deadline en status."""
    if directory is not None:
        the_plan, statuses = load_plan(directory), {}
    else:
        from koers.programme import ProgrammeState

        with _store(ctx) as store:
            state = ProgrammeState.read(store, programme)
        the_plan, statuses = state.plan, state.statuses
    if pillar is not None and pillar not in {p.id for p in the_plan.pillars}:
        raise NotFoundError(f"pijler '{pillar}' staat niet in het plan")
    if owner is not None and owner not in {p.id for p in the_plan.partners}:
        raise NotFoundError(f"partner '{owner}' staat niet in het plan")
    rows = agreement_rows(the_plan, pillar=pillar, owner=owner, status=status, statuses=statuses)
    if fmt == "json":
        click.echo(json.dumps([r.record() for r in rows], indent=2, ensure_ascii=False))
    else:
        _console().print(agreements_table(rows))


@main.command()
@click.argument("directory", type=click.Path(path_type=Path), metavar="MAP")
@click.option(
    "--no-data", is_flag=True, help="Laad alleen het plan, niet de bestanden in de map data/."
)
@click.pass_context
@reports_errors
def load(ctx: click.Context, directory: Path, no_data: bool) -> None:
    """Laad een planmap in de database, met wat in de map data/ staat: de cijfers (*.csv),
    de gebiedsgrenzen (*.geojson) en de bestanden van leveranciers (data/KOPPELING/*,
    gelezen met die koppeling).

    Een gewijzigd plan wordt een nieuwe versie, met de wijzigingen vastgelegd; elk bestand
    wordt één batch."""
    with _store(ctx, create=True) as store:
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
@programme_option
@click.option("--pillar", metavar="PIJLER", help="Alleen deze pijler.")
@click.option(
    "--area",
    metavar="GEBIED",
    help="Beoordeel elk doel voor dit gebied (bijvoorbeeld een wijk) in plaats van voor het "
    "hele programmagebied.",
)
@click.option(
    "--year",
    type=int,
    metavar="JAAR",
    help="Het jaar dat beoordeeld wordt (standaard: het laatste jaar met cijfers).",
)
@format_option
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
    """Status van elke indicator: groen, oranje, rood of grijs, met een toelichting."""
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        the_plan = store.plan(pid)
        if pillar is not None and pillar not in {p.id for p in the_plan.pillars}:
            raise NotFoundError(f"pijler '{pillar}' staat niet in het plan")
        results = evaluate(
            the_plan,
            store.current_figures(pid, plan=the_plan),
            area=area,
            year=year,
            pillar=pillar,
            history=store.plan_history(pid),
        )
    if fmt == "json":
        click.echo(json.dumps([r.record() for r in results], indent=2, ensure_ascii=False))
    else:
        console = _console()
        console.print(status_report(the_plan, results, console.width), soft_wrap=True)
        console.print(status_counts(results))


@main.command()
@click.option(
    "--plan",
    "plan_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_PLAN,
    show_default=True,
    metavar="MAP",
    help="De planmap die geladen wordt.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("out") / "rapportage",
    show_default=True,
    metavar="MAP",
    help="De map voor de rapportages.",
)
@click.option("--no-report", is_flag=True, help="Alleen laden en de statussen tonen.")
@click.option(
    "--serve/--no-serve",
    default=True,
    show_default=True,
    help="Start aan het eind de website op 127.0.0.1.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="De poort van de website.",
)
@click.pass_context
@reports_errors
def demo(
    ctx: click.Context, plan_dir: Path, out: Path, no_report: bool, serve: bool, port: int
) -> None:
    """Alles in één keer: laad het plan en de cijfers, toon elke status, schrijf de
    rapportages en start de website."""
    from koers.cli.web import run_server
    from koers.programme import ProgrammeState
    from koers.usecases import write_report_set

    with _store(ctx, create=True) as store:
        pid = _load(store, plan_dir, with_data=True)
        state = ProgrammeState.read(store, pid)
        results = list(state.assessments.values())
        console = _console()
        console.print(status_report(state.plan, results, console.width), soft_wrap=True)
        console.print(status_counts(results))
        if not no_report:
            click.echo("rapportages schrijven:")
            written = write_report_set(
                store,
                pid,
                None,
                out,
                progress=lambda title: click.echo(f"  {title}"),
                # the site this command serves, the only address it knows
                site_url=f"http://127.0.0.1:{port}/" if serve else None,
            )
            click.echo(f"{len(written)} bestanden geschreven in {written[0].parent}")
    if serve:
        run_server(ctx.obj["db"], "127.0.0.1", port, programme=pid, reports_dir=out)
