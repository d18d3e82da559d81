"""``koers report``: write the yearly Voortgangsrapportage and the wijk documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from koers import workflow
from koers.alliance import meetings as alliance_meetings
from koers.cli import _store, main, reports_errors
from koers.money import spending
from koers.report import build_reports, latest_year, write_reports
from koers.report.sections import standard_sections
from koers.store import Store

DEFAULT_OUT = Path("out") / "rapportage"


def write_report_set(
    store: Store, programme: str | None, year: int | None, out: Path, *, pdf: bool = True
) -> list[Path]:
    """Build and write the documents for ``year`` (default: the latest year with figures)."""
    pid = store.resolve_programme(programme)
    plan = store.plan(pid)
    observations = store.observations(pid)
    year = year or latest_year(observations)
    if year is None:
        raise click.ClickException("nog geen cijfers ingelezen; importeer eerst een bestand")
    generated = date.today()
    reports = build_reports(
        plan,
        observations,
        year=year,
        generated=generated,
        narratives=store.narratives(pid),
        agreement_statuses=workflow.current_statuses(store, pid),
        # the boundaries of the report year, else the latest ones there are
        boundaries=store.latest_boundaries(pid, year) or store.latest_boundaries(pid),
        extras=standard_sections(
            plan,
            observations,
            year=year,
            generated=generated,
            spending=spending(store, pid),
            meetings=alliance_meetings(store, pid),
        ),
    )
    return write_reports(
        reports, out / str(year), pdf=pdf, progress=lambda title: click.echo(f"  {title}")
    )


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
    """Write Deel I (Zuid op Koers), Deel II and the jaarambitie document of every wijk."""
    with _store(ctx) as store:
        written = write_report_set(store, programme, year, out, pdf=not no_pdf)
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
            raise KeyError(f"unknown indicator '{indicator}'")
        if area not in {a.id for a in plan.areas}:
            raise KeyError(f"unknown area '{area}'")
        store.set_narrative(pid, indicator, area, period, text)
    click.echo(
        f"toelichting bij {indicator} {area} {period} {'opgeslagen' if text else 'verwijderd'}"
    )
