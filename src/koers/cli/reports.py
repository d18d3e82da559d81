"""``koers report``: write the yearly Voortgangsrapportage and the wijk documents."""

from __future__ import annotations

from pathlib import Path

import click

from koers.cli import _store, main, reports_errors
from koers.errors import NotFoundError
from koers.usecases import write_report_set

DEFAULT_OUT = Path("out") / "rapportage"


@main.command()
@click.option("--year", type=int, help="Report year (default: the latest year with figures).")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder to write into (a subfolder per year).",
)
@click.option("--programme", help="Programme id (needed when the store holds several).")
@click.option("--no-pdf", is_flag=True, help="Only HTML (faster).")
@click.pass_context
@reports_errors
def report(
    ctx: click.Context, year: int | None, out: Path, programme: str | None, no_pdf: bool
) -> None:
    """Write Deel I (the readable summary), Deel II and the jaarambitie document of every wijk."""
    with _store(ctx) as store:
        written = write_report_set(
            store,
            programme,
            year,
            out,
            pdf=not no_pdf,
            progress=lambda title: click.echo(f"  {title}"),
        )
    click.echo(f"{len(written)} bestanden geschreven in {written[0].parent if written else out}")


@main.command()
@click.argument("indicator")
@click.argument("period")
@click.argument("text")
@click.option("--area", help="Area the story is about (default: the programme's area).")
@click.option("--programme", help="Programme id (needed when the store holds several).")
@click.pass_context
@reports_errors
def narrative(
    ctx: click.Context,
    indicator: str,
    period: str,
    text: str,
    area: str | None,
    programme: str | None,
) -> None:
    """Store the story behind the curve for an indicator and period ('' removes it)."""
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        plan = store.plan(pid)
        area = area or plan.programme.area
        if indicator not in {i.id for i in plan.indicators}:
            raise NotFoundError(f"indicator '{indicator}' staat niet in het plan")
        if area not in {a.id for a in plan.areas}:
            raise NotFoundError(f"gebied '{area}' staat niet in het plan")
        store.set_narrative(pid, indicator, area, period, text)
    click.echo(
        f"toelichting bij {indicator} {area} {period} {'opgeslagen' if text else 'verwijderd'}"
    )
