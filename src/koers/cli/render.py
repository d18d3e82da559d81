"""How the CLI shows things to people: rich tables and one-line summaries, in Dutch."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from koers import nl
from koers.assess import Assessment, Status
from koers.plan import Plan, Unit
from koers.plan.summary import AgreementRow

if TYPE_CHECKING:  # the importers and the store load only with the commands that use them
    from koers.sources import ImportOutcome
    from koers.store import Batch

COLOURS = {
    Status.GROEN: "green",
    Status.ORANJE: "dark_orange",
    Status.ROOD: "red",
    Status.GRIJS: "grey50",
}


KIND_LABELS = {  # singular, plural
    "pillar": ("pijler", "pijlers"),
    "aandachtsgebied": ("aandachtsgebied", "aandachtsgebieden"),
    "thema": ("thema", "thema's"),
}
DUTCH = {  # summary keys as the programme bureau names them
    "pillar": "pijler",
    "output": "output (interventie)",
    "geen": "geen doel",
    "country": "land",
    "municipality": "gemeente",
    "district": "gebied",
    "group": "groep",
}


def plan_counts(plan: Plan) -> str:
    kinds = Counter(i.kind.value for i in plan.indicators)
    pillar_kinds = Counter(p.kind for p in plan.pillars)
    parts = [
        ", ".join(f"{n} {KIND_LABELS[k][n != 1]}" for k, n in pillar_kinds.items()),
        f"{len(plan.indicators)} indicatoren ("
        + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        + ")",
        f"{len(plan.interventions)} interventies",
        f"{len(plan.agreements)} afspraken",
        f"{len(plan.partners)} partners",
        f"{len(plan.areas)} gebieden",
    ]
    return ", ".join(parts)


def summary_table(summary: dict[str, Any]) -> Table:
    table = Table(title=f"{summary['name']}: inhoud van het plan", show_header=False)
    table.add_column("onderdeel", style="bold")
    table.add_column("aantal", justify="right")
    table.add_column("waarvan")

    def detail(counts: dict[str, int]) -> str:
        return ", ".join(f"{DUTCH.get(key, key)} {n}" for key, n in counts.items())

    for label, key in (
        ("Pijlers en aandachtsgebieden", "pillars"),
        ("Indicatoren", "indicators"),
        ("Doelen", "targets"),
        ("Afspraken, wensen en uitgangspunten", "agreements"),
        ("Afspraken en toezeggingen per pijler", "agreements_by_pillar"),
        ("Partners (ondertekenaars)", "partners"),
        ("Gebieden", "areas"),
    ):
        counts = summary[key]
        table.add_row(label, str(sum(counts.values())), detail(counts))
    for label, key in (
        ("Ambities", "ambitions"),
        ("Interventielijnen", "intervention_lines"),
        ("Interventies", "interventions"),
        ("Afspraken en toezeggingen", "commitments"),
        ("Andere organisaties", "other_organisations"),
    ):
        table.add_row(label, str(summary[key]), "")
    return table


def agreements_table(rows: Sequence[AgreementRow]) -> Table:
    table = Table(show_lines=False)
    for column in ("Afspraak", "Pijler", "Eigenaar", "Wanneer", "Status", "Tekst"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            Text(row.id, style="bold"),
            row.pillar or "—",
            ", ".join(row.owners) or "—",
            row.when or "—",
            row.status,
            row.text if len(row.text) <= 160 else row.text[:157] + "…",
        )
    return table


def outcome_lines(outcome: ImportOutcome) -> str:
    """The result of an import (or a dry run) in a few Dutch lines."""
    name = outcome.source_name
    if outcome.diff is not None:
        diff = outcome.diff
        lines = [
            f"{name}: proefdraai, niets opgeslagen: {len(diff.added)} nieuw, "
            f"{len(diff.revised)} herzien, {diff.unchanged} ongewijzigd"
        ]
        if outcome.duplicate_of:
            lines.append(f"  dit bestand is al geïmporteerd als batch {outcome.duplicate_of}")
        if diff.revised:
            per_period = Counter(new.period for _, new in diff.revised)
            lines.append(
                "  zou herzien: "
                + ", ".join(
                    f"{nl.count(n, 'cijfer', 'cijfers')} van {period}"
                    for period, n in sorted(per_period.items())
                )
            )
        if (unstated := outcome.unstated_revisions) and not outcome.revise:
            lines.append(
                f"  zou geweigerd worden: het bestand noemt {', '.join(unstated)} niet zelf, "
                f"die periode komt uit de koppeling; kies de juiste koppeling met --mapping, "
                f"of importeer een correctie met --revise"
            )
        for old, new in diff.revised[:20]:
            lines.append(
                f"  {new.indicator} {new.area} {new.period}: {old.value} → {new.value}"
                f" ({old.status} → {new.status})"
            )
    elif outcome.duplicate_of:
        lines = [f"{name}: al geïmporteerd als batch {outcome.duplicate_of}, niets gewijzigd"]
    elif outcome.batch is None:
        lines = [f"{name}: proefdraai ({outcome.format}), niets opgeslagen"]
    else:
        batch = outcome.batch
        lines = [
            f"{name}: batch {batch.batch} ({outcome.format}), {batch.rows} rijen: "
            f"{batch.added} nieuw, {batch.revised} herzien, {batch.unchanged} ongewijzigd"
        ]
    lines += [f"  {line}" for line in outcome.reading.report()]
    for m in outcome.mismatches:
        lines.append(
            f"  let op: {m.indicator} {m.area} {m.period}: gepubliceerd "
            f"{nl.number(m.published, 2)}, som van {len(m.members)} delen "
            f"{nl.number(m.derived, 2)} (verschil {nl.number(m.difference, 2)})"
        )
    return "\n".join(lines)


def batches_table(batches: Sequence[Batch]) -> Table:
    table = Table(title="Importbatches")
    for column in (
        "Batch",
        "Bestand",
        "Formaat",
        "Rijen",
        "Nieuw",
        "Herzien",
        "Wanneer",
        "Door",
        "Status",
    ):
        table.add_column(
            column, justify="right" if column in ("Rijen", "Nieuw", "Herzien") else "left"
        )
    for b in batches:
        state = "actief" if b.state == "applied" else f"teruggedraaid {b.undone_at:%d-%m-%Y}"
        table.add_row(
            b.id,
            b.source_name,
            b.format,
            str(b.rows),
            str(b.added),
            str(b.revised),
            f"{b.created_at:%d-%m-%Y %H:%M}",
            b.created_by or "—",
            state,
        )
    return table


def status_report(plan: Plan, results: Sequence[Assessment], width: int) -> Text:
    """Every indicator as a short block, grouped per pillar in plan order::

        ● rood    T1.R17 Kinderen tot 18 jaar in een huishouden met inkomens tot 110% …
                  Rotterdam-Zuid, 2025: 44,8% (verwacht 7,6%)
                  Rotterdam-Zuid 44,8% tegen G4 7,4%: de achterstand groeide van …

    The explanation wraps under the figure at ``width`` rather than in a narrow table
    column, so a list of 300 indicators reads on an 80-column terminal too (and is laid out
    in a tenth of the time a table with measured columns took)."""
    indent = " " * 10
    lines = max(width - len(indent), 30)
    text = Text(plan.programme.name, style="bold")
    text.append("\n")
    pillars = {p.id: p.name for p in plan.pillars}
    order = {pillar_id: position for position, pillar_id in enumerate(pillars, start=1)}
    current: object = object()
    # grouped per pillar in plan order (stable: indicators keep their plan order within it)
    for result in sorted(results, key=lambda r: order.get(r.pillar, 0) if r.pillar else 0):
        if result.pillar != current:
            current = result.pillar
            label = pillars.get(result.pillar, "Algemeen") if result.pillar else "Algemeen"
            text.append(f"\n{label.upper()}\n", style="bold cyan")
        shown = partial(
            _shown, unit=Unit(result.unit), decimals=plan.indicator(result.indicator).decimals
        )
        text.append(f"● {result.status.value:<8}", style=COLOURS[result.status])
        text.append(f"{result.indicator} ", style="bold")
        text.append(_fitted(result.name, lines - len(result.indicator) - 1))
        figure = f"{result.area_name}, {nl.period(result.period)}: {shown(result.value)}"
        several = len(result.all) > 1
        if result.expected is not None and not several:
            figure += f" (verwacht {shown(result.expected)})"
        text.append(f"\n{indent}{figure}\n")
        for number, judged in enumerate(result.all, start=1):
            explanation = judged.explanation
            if several:
                label = f"doel {number} "
                text.append(f"{indent}{label}")
                text.append(f"● {judged.status.value}", style=COLOURS[judged.status])
                if judged.expected is not None:
                    explanation = f", verwacht {shown(judged.expected)}: {explanation}"
                else:
                    explanation = f": {explanation}"
                # the first line continues after the label and status, the rest under them
                taken = " " * len(f"{label}● {judged.status.value}")
                wrapped = textwrap.wrap(explanation, lines, initial_indent=taken)
                text.append(wrapped[0][len(taken) :] + "\n")
                wrapped = wrapped[1:]
            else:
                wrapped = textwrap.wrap(explanation, lines)
            for line in wrapped:
                text.append(f"{indent}{line}\n")
    return text


def _shown(amount: float | None, unit: Unit, decimals: int) -> str:
    return nl.value(amount, unit, decimals) if amount is not None else "—"


def _fitted(name: str, room: int) -> str:
    """A name on one line: shortened with an ellipsis where it is longer than the room."""
    return name if len(name) <= room else name[: max(room - 1, 1)].rstrip() + "…"


def status_counts(results: Sequence[Assessment]) -> Text:
    """``337 indicatoren: 40 groen, …`` counting the status of every target; where an
    indicator has several targets, how many targets that is."""
    judged = [a for r in results for a in r.all]
    counts = Counter(a.status for a in judged)
    text = Text(f"{len(results)} indicatoren: ")
    for i, status in enumerate(Status):
        if i:
            text.append(", ")
        text.append(f"{counts.get(status, 0)} {status.value}", style=COLOURS[status])
    if len(judged) != len(results):
        text.append(f" ({len(judged)} doelen)")
    return text
