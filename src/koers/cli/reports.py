"""``koers report``: write the yearly Voortgangsrapportage and the wijk documents."""

from __future__ import annotations

from pathlib import Path

import click

from koers.cli import _store, main, programme_option, reports_errors
from koers.errors import NotFoundError
from koers.usecases import write_report_set

DEFAULT_OUT = Path("out") / "rapportage"


@main.command()
@click.option(
    "--year",
    type=int,
    metavar="JAAR",
    help="Het jaar van de rapportage (standaard: het laatste jaar met cijfers).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    metavar="MAP",
    help="De map waarin de rapportages komen (met een submap per jaar).",
)
@programme_option
@click.option("--no-pdf", is_flag=True, help="Alleen HTML (sneller).")
@click.option(
    "--website",
    envvar="KOERS_WEBSITE",
    metavar="URL",
    help="Het adres van de openbare website; elke rapportage in HTML linkt ernaar "
    "(of KOERS_WEBSITE).",
)
@click.pass_context
@reports_errors
def report(
    ctx: click.Context,
    year: int | None,
    out: Path,
    programme: str | None,
    no_pdf: bool,
    website: str | None,
) -> None:
    """Schrijf de rapportages: Deel I (de leesbare samenvatting), Deel II en het
    jaarambitiedocument van elke wijk.

    Als HTML en als toegankelijke PDF."""
    if website and not website.startswith(("https://", "http://")):
        raise click.BadParameter("het adres begint met https:// of http://", param_hint="--website")
    with _store(ctx) as store:
        written = write_report_set(
            store,
            programme,
            year,
            out,
            pdf=not no_pdf,
            progress=lambda title: click.echo(f"  {title}"),
            site_url=website,
        )
    click.echo(f"{len(written)} bestanden geschreven in {written[0].parent if written else out}")
    if not website:
        click.echo(
            "Geen adres van de website bekend (--website of KOERS_WEBSITE): de rapportages "
            "linken niet naar de website."
        )


@main.command()
@click.argument("indicator", metavar="INDICATOR")
@click.argument("period", metavar="PERIODE")
@click.argument("text", metavar="TEKST")
@click.option(
    "--area",
    metavar="GEBIED",
    help="Het gebied waarover het verhaal gaat (standaard: het programmagebied).",
)
@programme_option
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
    """Leg het verhaal achter de curve vast bij een indicator en periode (een lege tekst ''
    haalt het weg)."""
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
