"""``koers bronnen``: data delivery at a glance — per indicator the latest figure, the
expected delivery, who delivers it and whether the year's figure is in, late or without a
source (:mod:`koers.programme.deliveries`)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

import click
from rich.table import Table

from koers import nl
from koers.cli import _console, _store, format_option, main, programme_option, reports_errors
from koers.errors import NotFoundError
from koers.programme.deliveries import EXPECTED, IN, LATE, NO_SOURCE, UNKNOWN_STATE

COLOURS = {
    IN: "green",
    LATE: "red",
    EXPECTED: "dark_orange",
    NO_SOURCE: "grey50",
    UNKNOWN_STATE: "grey50",
}


@main.command()
@click.option(
    "--year",
    type=click.IntRange(1900, 2100),
    metavar="JAAR",
    help="Het jaar (standaard: vorig jaar).",
)
@click.option("--partner", metavar="ID", help="Alleen wat deze partner (id) levert.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="JJJJ-MM-DD",
    help="De dag waarop beoordeeld wordt (standaard: vandaag).",
)
@programme_option
@format_option
@click.pass_context
@reports_errors
def bronnen(
    ctx: click.Context,
    year: int | None,
    partner: str | None,
    today: datetime | None,
    programme: str | None,
    fmt: str,
) -> None:
    """Levering van de cijfers: per indicator het laatste cijfer (periode en wanneer
    ingelezen), de verwachte levering, wie levert en of het cijfer over het jaar binnen, te
    laat of zonder bron is."""
    from koers.programme import ProgrammeState

    with _store(ctx) as store:
        state = ProgrammeState.read(store, programme, today=today.date() if today else None)
    if partner is not None and partner not in state.partners:
        raise NotFoundError(f"partner '{partner}' staat niet in het plan")
    year = year or state.today.year - 1
    rows = state.deliveries(year, partner=partner)
    if fmt == "json":
        click.echo(json.dumps([r.record() for r in rows], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Levering van de cijfers over {year}", show_lines=False)
    for heading in ("indicator", "naam", "levert", "verwacht", "laatste cijfer", "levering"):
        table.add_column(heading)
    for row in rows:
        latest = "—"
        if row.latest is not None:
            latest = row.latest.period
            if row.latest_imported is not None:
                latest += f", ingelezen {nl.long_date(row.latest_imported.date())}"
        table.add_row(
            row.indicator.id,
            row.indicator.name[:60],
            ", ".join(row.deliverers) or "onbekend",
            nl.long_date(row.due) if row.due else "onbekend",
            latest,
            f"[{COLOURS[row.state]}]{row.state}[/]",
        )
    console = _console()
    console.print(table)
    counts = Counter(r.state for r in rows)
    console.print(
        f"{len(rows)} indicatoren over {year} (stand {nl.long_date(state.today)}): "
        + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    )
    late = [r for r in rows if r.state == LATE]
    for row in late:
        console.print(f"te laat: {row.indicator.id}: {row.explanation}")
