"""``koers money``: the financial task, coverage, spending and value for money.

``koers money [--year Y] [--pillar P] [--format table|json]`` shows the summary (the
subcommand ``show`` is the default, as ``koers import FILE`` is for ``import``);
``koers money spend COMMITMENT YEAR AMOUNT [--note TEXT]`` records money spent against a
commitment of the plan.
"""

from __future__ import annotations

import json
import re

import click
from rich.console import Group
from rich.markup import escape
from rich.table import Table

from koers.cli import _console, _store, format_option, main, programme_option, reports_errors
from koers.cli.dutch import DutchGroup
from koers.errors import NotFoundError
from koers.money import MoneySummary, money_summary
from koers.nl import euro, percent
from koers.usecases.spending import record_spending, spending

COLOURS = {"groen": "green", "oranje": "dark_orange", "rood": "red", "grijs": "grey50"}


class ShowOrCommand(DutchGroup):
    """``koers money [options]`` shows the summary; ``koers money spend …`` is a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@main.group("money", cls=ShowOrCommand)
def money_group() -> None:
    """Geld: opgave per pijler, programmabureau, dekking, besteding en waar voor je geld
    (koers money [--year JAAR] [--pillar PIJLER] [--format table|json]; zie koers money show
    --help); een besteding vastleggen (koers money spend)."""


@money_group.command("show", hidden=True)
@programme_option
@click.option(
    "--year",
    type=int,
    metavar="JAAR",
    help="Alleen dit jaar (dekking, verplichtingen en besteding).",
)
@click.option("--pillar", metavar="PIJLER", help="Alleen deze pijler.")
@format_option
@click.pass_context
@reports_errors
def show(
    ctx: click.Context, programme: str | None, year: int | None, pillar: str | None, fmt: str
) -> None:
    """De financiële opgave, de begroting van het programmabureau, de dekking per pijler en
    jaar, de verplichtingen met hun besteding en waar voor je geld per interventie."""
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        plan = store.plan(pid)
        if pillar is not None and pillar not in {p.id for p in plan.pillars}:
            raise NotFoundError(f"pijler '{pillar}' staat niet in het plan")
        summary = money_summary(
            plan, spending(store, pid), store.observations(pid), year=year, pillar=pillar
        )
    if fmt == "json":
        click.echo(json.dumps(summary.record(), indent=2, ensure_ascii=False))
    else:
        _console().print(tables(summary))


_DUTCH_AMOUNT = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")


def parse_amount(text: str) -> float:
    """``300000``, ``300000.50``, ``300.000``, ``300.000,50`` or ``€ 300.000`` → euro."""
    cleaned = text.replace("€", "").replace(" ", "").strip()
    if _DUTCH_AMOUNT.match(cleaned) or "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        raise click.BadParameter(f"'{text}' is geen bedrag in euro") from None


@money_group.command("spend")
@click.argument("commitment", metavar="VERPLICHTING")
@click.argument("year", type=int, metavar="JAAR")
@click.argument("amount", metavar="BEDRAG")
@click.option("--note", metavar="TEKST", help="Waaraan het geld is besteed.")
@programme_option
@click.pass_context
@reports_errors
def spend(
    ctx: click.Context,
    commitment: str,
    year: int,
    amount: str,
    note: str | None,
    programme: str | None,
) -> None:
    """Leg vast dat in JAAR een BEDRAG in euro is besteed op VERPLICHTING (een id uit
    finance.commitments van het plan).

    Meer besteden dan het bedrag van de verplichting wordt vastgelegd en gemarkeerd als
    'overschreden'. Een bedrag mag 300000, 300.000, 300.000,50 of € 300.000 zijn."""
    euros = parse_amount(amount)
    with _store(ctx) as store:
        pid = store.resolve_programme(programme)
        spent = record_spending(store, pid, commitment, year, euros, note)
        summary = money_summary(store.plan(pid), spending(store, pid))
    row = next(r for r in summary.commitments if r.id == spent.commitment)
    click.echo(
        f"besteding vastgelegd: {euro(spent.amount)} op {row.id} ({row.name}) in {spent.year}; "
        f"totaal besteed {euro(row.spent)} van {euro(row.amount)} ({percent(row.spent_share)})"
    )
    if row.spend_status == "overschreden":
        click.echo(f"let op: overschreden met {euro(row.spent - row.amount)}")
    if not row.committed:
        click.echo(f"let op: deze verplichting is nog niet toegezegd ({row.status})")


def _status(word: str, css: str) -> str:
    return f"[{COLOURS[css]}]{word}[/]"


def tables(summary: MoneySummary) -> Group:
    """The summary as rich tables, in the order of the report section."""
    parts: list[Table | str] = []
    if summary.tasks is not None:
        tasks = summary.tasks
        table = Table(title="Financiële opgave per pijler (Tabel 11)")
        table.add_column("pijler of onderdeel")
        for period in tasks.periods:
            star = "*" if period in tasks.provisional else ""
            table.add_column(f"{period}{star}", justify="right")
        for row in tasks.rows:
            table.add_row(escape(row.name), *(euro(row.amounts.get(p)) for p in tasks.periods))
        table.add_row(
            "[bold]Totaal[/]", *(f"[bold]{euro(tasks.totals[p])}[/]" for p in tasks.periods)
        )
        for share in tasks.split:
            table.add_row(
                f"waarvan {escape(share.funder)} ({percent(share.share)})",
                *(euro(share.amounts[p]) for p in tasks.periods),
            )
        parts.append(table)
    if summary.bureau is not None:
        bureau = summary.bureau
        table = Table(
            title=f"Programmabureau: begroting {euro(bureau.budget_total)}, bijdragen "
            f"{euro(bureau.contributions_total)} per jaar (Tabel 12 en 13)"
        )
        for name in ("jaar", "begroting", "bijdragen", "tekort", "status"):
            table.add_column(name, justify="left" if name == "status" else "right")
        for y in bureau.years:
            table.add_row(
                str(y.year),
                euro(y.budget),
                euro(y.contributions),
                euro(max(y.shortfall, 0.0)),
                _status(y.status, y.css),
            )
        parts.append(table)
    if summary.coverage:
        table = Table(title="Dekking per pijler en jaar")
        for name in (
            "pijler",
            "jaar",
            "opgave",
            "toegezegd",
            "voorwaardelijk",
            "aangevraagd",
            "onzeker",
            "tekort",
            "status",
        ):
            table.add_column(name, justify="left" if name in ("pijler", "status") else "right")
        for c in summary.coverage:
            word = _status(c.status, c.css)
            if c.precondition:
                word += " · voorwaarde"
            table.add_row(
                escape(c.pillar_name),
                str(c.year) + ("*" if c.provisional else ""),
                euro(c.task),
                euro(c.committed),
                euro(c.conditional),
                euro(c.requested),
                euro(c.uncertain),
                euro(c.gap) if c.gap is None or c.gap > 0 else euro(0),
                word,
            )
        parts.append(table)
    if summary.commitments:
        table = Table(title="Verplichtingen en besteding")
        for name in ("id", "naam", "interventie", "jaar", "bedrag", "status", "besteed", "%"):
            table.add_column(
                name, justify="right" if name in ("bedrag", "besteed", "%") else "left"
            )
        table.add_column("besteding")
        for r in summary.commitments:
            table.add_row(
                r.id,
                escape(r.name),
                r.intervention or "—",
                str(r.year),
                euro(r.amount),
                escape(r.status_text),
                euro(r.spent),
                percent(r.spent_share),
                _status(r.spend_status, r.css),
            )
        parts.append(table)
    if summary.value_for_money:
        table = Table(title="Waar voor je geld: bereikt tegenover besteed")
        for name in ("interventie", "jaar", "bereikt", "besteed", "signaal", "toelichting"):
            table.add_column(name, justify="right" if name in ("bereikt", "besteed") else "left")
        for v in summary.value_for_money:
            table.add_row(
                escape(f"{v.intervention} {v.name}"),
                str(v.year),
                percent(v.output_share),
                percent(v.budget_share),
                _status(v.signal, v.css),
                escape(v.explanation),
            )
        parts.append(table)
    if summary.signals:
        parts.append("[bold]Aandachtspunten[/]")
        parts.extend(f"- {escape(s)}" for s in summary.signals)
    if not parts:
        parts.append("Het plan bevat geen financiële gegevens.")
    return Group(*parts)
