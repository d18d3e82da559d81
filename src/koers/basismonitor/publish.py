"""A Basismonitor run: compute the kernels on a panel, gate every aggregate, store what passes.

The one road from microdata to the store, so nothing bypasses the disclosure gate:

1. :func:`compute` runs every kernel on the panel's engine (DuckDB or Spark) and sums the
   leaf cells into the plan's areas (:func:`~koers.basismonitor.rollup.rollup`), with the
   additivity relations between them;
2. :func:`gate` passes every area cell through
   :func:`~koers.basismonitor.disclosure.check`, adding the relations that a distribution
   brings (the advice categories of a cohort, the vmbo/havo/vwo shares of the diplomas add up
   to their population: one small category could otherwise be recovered from the others);
3. :func:`observations` turns the published verdicts into figures for the indicators the
   plan's ``basismonitor`` mapping names (a share × the mapping's scale, a mean as is),
   each carrying the gate's decision in its note;
4. :func:`run` stores them as one import batch (undo and history as for any import) and,
   when asked, writes every aggregate with its cell count and the gate's decision to CSV,
   the suppressed values left empty.

A measure the plan does not map is computed and gated (and written to the CSV) but not
stored; the result lists it. Figures for a year the bureau closed are refused, as for any
import. A run on the same panel with the same rules and mapping is recognised (by a
fingerprint of the panel's files) and stores nothing twice.
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from koers.areas import Observation
from koers.basismonitor.disclosure import (
    DEFAULT_RULES,
    Cell,
    Decision,
    Relation,
    Rules,
    Verdict,
    check,
)
from koers.basismonitor.engines import Engine, open_panel
from koers.basismonitor.kernels import all_kernels
from koers.basismonitor.rollup import AreaCell, cell_key, relations, rollup
from koers.plan.model import Plan, SourceMapping
from koers.sources import refuse_closed_years
from koers.store import BatchResult, Store, StoreError

FORMAT = "basismonitor"
# measures whose numerators share one population and add up to it (see the module doc)
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "cohort.g8.advice": tuple(
        f"cohort.g8.advice.{a}" for a in ("pro", "vmbo", "vmbo_havo", "havo", "havo_vwo", "vwo")
    ),
    "T1.R9-R11": ("T1.R9", "T1.R10", "T1.R11"),
}
CSV_COLUMNS = (
    "maat",
    "periode",
    "schoolwegingband",
    "gebied",
    "indicator",
    "waarde",
    "teller",
    "noemer",
    "aantal_eenheden",
    "besluit",
    "reden",
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Outcome:
    """What a run did: the verdict of every aggregate, the figures stored, the batch."""

    verdicts: list[Verdict]
    stored: list[Observation]
    unmapped: list[str]
    batch: BatchResult | None
    seconds: dict[str, float] = field(default_factory=dict)

    def counted(self) -> dict[str, int]:
        counts = {d.value: 0 for d in Decision}
        for verdict in self.verdicts:
            counts[verdict.decision.value] += 1
        return counts


def basismonitor_mapping(plan: Plan, mapping: str | None = None) -> SourceMapping:
    """The plan's mapping of Basismonitor measures onto indicators."""
    found = [m for m in plan.mappings if m.format == FORMAT and mapping in (None, m.id)]
    if not found:
        raise StoreError(
            f"het plan van {plan.programme.id} koppelt geen Basismonitor-maten aan indicatoren: "
            f"voeg een mapping met format {FORMAT} toe"
            + (f" (gevraagd: '{mapping}')" if mapping else "")
        )
    if len(found) > 1:
        names = ", ".join(m.id for m in found)
        raise StoreError(f"het plan heeft meerdere Basismonitor-mappings ({names}); kies er een")
    return found[0]


def compute(
    plan: Plan,
    panel_dir: Path,
    engine: Engine = "duckdb",
    *,
    threads: int | None = None,
) -> tuple[list[AreaCell], list[Relation]]:
    """Every kernel on the panel, summed into the plan's areas, with their relations."""
    with open_panel(panel_dir, engine, threads=threads) as panel:
        leaves = panel.cells(all_kernels(panel.frame, keep=panel.keep))
    area_cells = rollup(plan, leaves)
    return area_cells, relations(plan, leaves, area_cells)


def _cell(area_cell: AreaCell) -> Cell:
    if area_cell.total is not None:  # a magnitude: a sum over its contributors
        top = tuple(t for t in (area_cell.top1, area_cell.top2) if t is not None)
        return Cell(area_cell.key, None, area_cell.denominator, area_cell.total, top)
    return Cell(area_cell.key, area_cell.numerator, area_cell.denominator)


def _distribution_cells(area_cells: Sequence[AreaCell]) -> tuple[list[Cell], list[Relation]]:
    """A count cell for the population of each distribution, and the relation that its
    categories add up to it."""
    members = {m: name for name, measures in DISTRIBUTIONS.items() for m in measures}
    groups: dict[tuple[str, str, str, str], list[AreaCell]] = defaultdict(list)
    for c in area_cells:
        if c.measure in members:
            groups[cell_key(members[c.measure], c.period, c.band, c.area)].append(c)
    cells, found = [], []
    for key, parts in sorted(groups.items()):
        cells.append(Cell(key, None, max(p.denominator for p in parts)))
        found.append(
            Relation(key, tuple(p.key for p in parts), f"de categorieën van {key[0]} samen")
        )
    return cells, found


def gate(
    area_cells: Sequence[AreaCell], area_relations: Sequence[Relation], rules: Rules
) -> list[Verdict]:
    """The gate's verdict on every area cell and every distribution total."""
    extra_cells, extra_relations = _distribution_cells(area_cells)
    return check(
        [*(_cell(c) for c in area_cells), *extra_cells],
        [*area_relations, *extra_relations],
        rules,
    )


def observations(
    plan: Plan, mapping: SourceMapping, verdicts: Sequence[Verdict], source: str
) -> tuple[list[Observation], list[str]]:
    """The published verdicts as figures of the mapped indicators (school-weging band cells
    stay in the CSV: the store keys figures by indicator, area and period only), and the
    measures the mapping does not name."""
    columns = {c.column: c for c in mapping.columns}
    decimals = {i.id: i.decimals for i in plan.indicators}
    areas = {a.id for a in plan.areas}
    stored, unmapped = [], set()
    for verdict in verdicts:
        measure, period, band, area = verdict.key
        column = columns.get(measure)
        if column is None:
            if measure not in DISTRIBUTIONS:  # a distribution's total is for the gate only
                unmapped.add(measure)
            continue
        if band or verdict.suppressed or verdict.ratio is None or area not in areas:
            continue
        value = round(verdict.ratio * column.scale, decimals.get(column.indicator, 1))
        stored.append(
            Observation(
                column.indicator,
                area,
                period,
                value,
                numerator=verdict.numerator,
                denominator=verdict.denominator,
                source=source,
                note=f"onthullingscontrole: {verdict.decision.value} ({verdict.reason})",
            )
        )
    return stored, sorted(unmapped)


def fingerprint(panel_dir: Path, *parts: str) -> str:
    """A checksum of the panel's files (name, size and the Parquet footer: the last 64 KiB,
    with every row group's statistics) and of ``parts`` (rules, mapping): cheap at 210 M
    rows, and a changed file changes it."""
    digest = hashlib.sha256("\n".join(parts).encode())
    for path in sorted(panel_dir.rglob("*.parquet")):
        size = path.stat().st_size
        digest.update(f"{path.relative_to(panel_dir).as_posix()}:{size}".encode())
        with path.open("rb") as f:
            f.seek(max(0, size - 65536))
            digest.update(f.read())
    return digest.hexdigest()


def write_csv(verdicts: Sequence[Verdict], mapping: SourceMapping | None, path: Path) -> None:
    """Every aggregate with its cell count and the gate's decision; suppressed values empty."""
    indicator_of = {c.column: c.indicator for c in (mapping.columns if mapping else [])}
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for v in verdicts:
            measure, period, band, area = v.key
            ratio = v.ratio
            writer.writerow(
                [
                    measure,
                    period,
                    band,
                    area,
                    indicator_of.get(measure, ""),
                    "" if ratio is None else repr(ratio),
                    "" if v.numerator is None else repr(v.numerator),
                    "" if v.denominator is None else repr(v.denominator),
                    "" if v.suppressed else repr(v.cell.denominator),
                    v.decision.value,
                    v.reason,
                ]
            )


def run(
    store: Store,
    panel_dir: str | Path,
    *,
    programme: str | None = None,
    engine: Engine = "duckdb",
    rules: Rules = DEFAULT_RULES,
    mapping: str | None = None,
    out_csv: Path | None = None,
    threads: int | None = None,
    user: str | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Compute, gate and store one panel (see the module doc)."""
    panel = Path(panel_dir)
    if not panel.is_dir() or not any(panel.rglob("*.parquet")):
        raise StoreError(f"{panel}: geen panel (map met year=JJJJ/*.parquet)")
    programme = store.resolve_programme(programme)
    plan = store.plan(programme)
    chosen = basismonitor_mapping(plan, mapping)
    say = progress or (lambda _: None)
    seconds: dict[str, float] = {}

    started = time.perf_counter()
    say(f"kernels berekenen op {engine}")
    area_cells, area_relations = compute(plan, panel, engine, threads=threads)
    seconds["berekenen"] = time.perf_counter() - started

    started = time.perf_counter()
    say(f"onthullingscontrole op {len(area_cells)} aggregaten")
    verdicts = gate(area_cells, area_relations, rules)
    source = f"Basismonitor, panel {panel.name} ({engine})"
    stored, unmapped = observations(plan, chosen, verdicts, source)
    seconds["controleren"] = time.perf_counter() - started

    if out_csv is not None:
        write_csv(verdicts, chosen, out_csv)
    refuse_closed_years(store, programme, panel.name, stored)

    started = time.perf_counter()
    say(f"{len(stored)} cijfers opslaan")
    batch = store.import_observations(
        programme,
        stored,
        source_name=panel.name,
        checksum=fingerprint(panel, repr(rules), chosen.model_dump_json()),
        format=FORMAT,
        user=user,
    )
    seconds["opslaan"] = time.perf_counter() - started
    return Outcome(verdicts, stored, unmapped, batch, seconds)
