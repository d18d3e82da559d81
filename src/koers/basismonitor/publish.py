"""A Basismonitor run: compute the kernels on a panel, gate every aggregate, store what passes.

The one road from microdata to the store, so nothing bypasses the disclosure gate:

1. :func:`compute` runs every kernel on the panel's engine (DuckDB or Spark) and sums the
   leaf cells into the plan's areas (:func:`~koers.basismonitor.rollup.rollup`), with the
   additivity relations between them and each cell's span over the leaves (for the
   recovery audit, :mod:`~koers.basismonitor.audit`);
2. :func:`gate` passes every area cell through
   :func:`~koers.basismonitor.disclosure.check` with the rules of its kind of measure
   (:mod:`~koers.basismonitor.policy`), adding the relations that a distribution brings
   (the advice categories of a cohort, the vmbo/havo/vwo shares of the diplomas add up to
   their population), never choosing the programme's own area (Zuid) as a complementary
   suppression while anything else will do; then audits the result once more and fails,
   naming the cells, if any suppressed cell can be computed from the published ones;
3. :func:`observations` turns the release rows (:func:`~koers.basismonitor.release.
   release_rows`: the published values, rounded where the rules say so) into figures for
   the indicators the plan's ``basismonitor`` mapping names, each carrying the gate's
   decision and the run in its note; a schoolweging band comparison becomes a breakdown
   of its indicator's figure (dimension ``schoolweging``, category the band:
   :func:`koers.sources.basismonitor.breakdown`), as ``koers import`` of the release file
   stores it;
4. :func:`run` stores them as one import batch (undo and history as for any import) and,
   when asked, writes the release file and the checker's annex
   (:mod:`~koers.basismonitor.release`).

A synthetic panel (its metadata says so, :data:`~koers.basismonitor.schema.META_FILE`) is
refused into a store that holds real figures unless ``allow_synthetic``; its figures get
status ``synthetisch`` and a source that says so, and never replace a real figure.

A measure the plan does not map is computed and gated (and written to the files) but not
stored; the result lists it. Figures for a year the bureau closed are refused, as for any
import. A run on the same panel with the same rules and mapping is recognised (by a
fingerprint of the panel's files) and stores nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from koers import nl
from koers.areas import Observation
from koers.basismonitor.audit import Span, audit
from koers.basismonitor.disclosure import Cell, Decision, Key, Relation, Rules, Verdict, check
from koers.basismonitor.engines import Engine, EngineOptions, open_panel
from koers.basismonitor.flows import DISTRIBUTIONS as MOVE_DISTRIBUTIONS
from koers.basismonitor.kernels import all_kernels
from koers.basismonitor.measures import DISTRIBUTIONS as PERSON_DISTRIBUTIONS
from koers.basismonitor.policy import MeasureRule, RuleBook, kind_of, rules_of
from koers.basismonitor.release import release_rows, write_annex, write_release
from koers.basismonitor.rollup import AreaCell, cell_key, relations, rollup, spans
from koers.basismonitor.schema import is_synthetic, read_meta
from koers.plan.model import AreaKind, Plan, SourceMapping
from koers.sources import refuse_closed_years
from koers.sources.basismonitor import (
    SYNTHETIC,
    breakdown,
    keep_apart,
    provenance_text,
    real_figures,
    refuse_synthetic,
)
from koers.store import BatchResult, Store, StoreError

FORMAT = "basismonitor"
# measures whose numerators share one population and add up to it (see the module doc)
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "cohort.g8.advice": tuple(
        f"cohort.g8.advice.{a}" for a in ("pro", "vmbo", "vmbo_havo", "havo", "havo_vwo", "vwo")
    ),
    "T1.R9-R11": ("T1.R9", "T1.R10", "T1.R11"),
    **PERSON_DISTRIBUTIONS,
    **MOVE_DISTRIBUTIONS,
}
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Outcome:
    """What a run did: the verdict of every aggregate, the figures stored, the batch."""

    verdicts: list[Verdict]
    stored: list[Observation]
    unmapped: list[str]
    batch: BatchResult | None
    seconds: dict[str, float] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    skipped_real: int = 0
    """Synthetic figures not stored because a real figure is there."""

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


def band_areas(plan: Plan) -> frozenset[str]:
    """The areas whose schoolweging band comparisons a run publishes: the country, the
    municipalities and the groups that are not a division of a gebied (Zuid, the
    focuswijken, the G4 with and without Zuid, ...). A wijk, buurt, gebied or wijkraad per
    band is a handful of pupils, nearly always suppressed, and every such cell is one more
    for the output checkers and the recovery audit to go through."""
    kinds = {a.id: a.kind for a in plan.areas}
    return frozenset(
        a.id
        for a in plan.areas
        if a.kind in (AreaKind.COUNTRY, AreaKind.MUNICIPALITY)
        or (a.kind is AreaKind.GROUP and kinds.get(a.parent or "") is not AreaKind.DISTRICT)
    )


def compute(
    plan: Plan,
    panel_dir: Path,
    engine: Engine = "duckdb",
    *,
    threads: int | None = None,
    options: EngineOptions | None = None,
) -> tuple[list[AreaCell], list[Relation], dict[Key, Span]]:
    """Every kernel on the panel, summed into the plan's areas, with their relations and
    their spans over the leaves; ``options``: how the engine may use the machine."""
    with open_panel(panel_dir, engine, threads=threads, options=options) as panel:
        leaves = panel.cells(all_kernels(panel.frame, keep=panel.keep))
    compared = band_areas(plan)
    area_cells = [c for c in rollup(plan, leaves) if c.band is None or c.area in compared]
    return (
        area_cells,
        relations(plan, leaves, area_cells, compared),
        spans(plan, leaves, area_cells, DISTRIBUTIONS),
    )


def _cell(area_cell: AreaCell) -> Cell:
    if area_cell.total is not None:  # a magnitude: a sum over its contributors
        top = tuple(t for t in (area_cell.top1, area_cell.top2) if t is not None)
        return Cell(area_cell.key, None, area_cell.denominator, area_cell.total, top, area_cell.low)
    weighted = None
    if area_cell.weight_numerator is not None and area_cell.weight_denominator is not None:
        weighted = (area_cell.weight_numerator, area_cell.weight_denominator)
    return Cell(area_cell.key, area_cell.numerator, area_cell.denominator, weighted=weighted)


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


def plan_rules(mapping: SourceMapping | None) -> dict[str, MeasureRule]:
    """What the plan's mapping says about the kind and sensitivity of its measures."""
    return {
        c.column: MeasureRule(c.disclosure, c.sensitive)
        for c in (mapping.columns if mapping else [])
        if c.disclosure is not None or c.sensitive is not None
    }


def gate(
    area_cells: Sequence[AreaCell],
    area_relations: Sequence[Relation],
    rules: RuleBook | Rules,
    *,
    spans: Mapping[Key, Span] | None = None,
    keep_area: str | None = None,
    measure_rules: Mapping[str, MeasureRule] | None = None,
) -> list[Verdict]:
    """The gate's verdict on every area cell and every distribution total.

    ``rules``: one set for every cell, or a :class:`~koers.basismonitor.policy.RuleBook`
    (the rules of each cell's kind of measure, ``measure_rules`` from the plan). With
    ``spans`` the recovery audit runs, and a suppressed cell that can still be computed
    from the published ones afterwards is an error naming the cells (``StoreError``).
    """
    extra_cells, extra_relations = _distribution_cells(area_cells)
    cells = [*(_cell(c) for c in area_cells), *extra_cells]
    keys = [c.key for c in cells]
    if isinstance(rules, RuleBook):
        per_key = rules_of(keys, rules, measure_rules or {})
        general = rules.algemeen
    else:
        per_key, general = dict.fromkeys(keys, rules), rules
    keep = [k for k in keys if keep_area is not None and k[-1] == keep_area]
    if spans:
        keep += _same_as(keep, keys, spans)
    verdicts = check(
        cells,
        [*area_relations, *extra_relations],
        general,
        rules_of=per_key,
        spans=spans,
        keep=keep,
    )
    if spans:
        check_audit(spans, verdicts)
    return verdicts


def _same_as(kept: Sequence[Key], keys: Sequence[Key], spans: Mapping[Key, Span]) -> list[Key]:
    """The cells that publish exactly what a kept cell publishes (e.g. Rotterdam in a
    schoolweging band where only Zuid's pupils are): suppressing one suppresses the other,
    so they are spared as the kept cell is."""
    vectors = {(k[:-1], spans[k].published) for k in kept if k in spans}
    return [
        k for k in keys if k not in kept and k in spans and (k[:-1], spans[k].published) in vectors
    ]


def check_audit(spans: Mapping[Key, Span], verdicts: Sequence[Verdict]) -> None:
    """The recovery audit over a gate's verdicts: ``StoreError`` naming the suppressed
    cells that the published ones determine (nothing is then written or stored)."""
    left = audit(spans, [v.key for v in verdicts if v.suppressed])
    if left:
        named = "; ".join(" / ".join(p for p in r.key if p) for r in left[:20])
        raise StoreError(
            f"controle op terugrekenen: {nl.number(len(left))} onderdrukte cellen zijn af "
            f"te leiden uit gepubliceerde cellen, niets vrijgegeven of opgeslagen: {named}"
        )


def observations(
    plan: Plan,
    mapping: SourceMapping,
    verdicts: Sequence[Verdict],
    source: str,
    *,
    status: str = "definitief",
    run_note: str | None = None,
) -> tuple[list[Observation], list[str]]:
    """The published release rows as figures of the mapped indicators (a schoolweging
    band's as a breakdown of the figure), and the measures the mapping does not name."""
    areas = {a.id for a in plan.areas}
    reasons = {v.key: v.reason for v in verdicts}
    stored, unmapped = [], set()
    for row in release_rows(plan, mapping, verdicts):
        if row.indicator is None:
            if row.measure not in DISTRIBUTIONS:  # a distribution's total is for the gate only
                unmapped.add(row.measure)
            continue
        if row.value is None or row.area not in areas:
            continue
        key = (row.measure, row.period, row.band, row.area)
        dimension, category = breakdown(row.band)
        note = f"onthullingscontrole: {row.decision} ({reasons[key]})"
        stored.append(
            Observation(
                row.indicator,
                row.area,
                row.period,
                row.value,
                numerator=row.numerator,
                denominator=row.denominator,
                status=status,
                source=source,
                note=note if run_note is None else f"{note}; {run_note}",
                dimension=dimension,
                category=category,
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


def provenance(
    panel: Path, engine: str, checksum: str, meta: Mapping[str, object], book: RuleBook
) -> dict[str, str]:
    """Where a run's figures come from: run id (from the fingerprint), date, panel, engine,
    synthetic or not (with seed and scope), the rules."""
    found = {
        "run": checksum[:12],
        "datum": dt.date.today().isoformat(),
        "panel": panel.name,
        "vingerafdruk": checksum,
        "engine": engine,
        "synthetisch": "ja" if is_synthetic(dict(meta)) else "nee",
    }
    if is_synthetic(dict(meta)):
        found |= {k: str(meta[k]) for k in ("seed", "scope", "persons") if k in meta}
    rounding = book.algemeen.round_to
    found["afronding"] = f"aantallen op {rounding}" if rounding else "geen"
    return found


def run(
    store: Store,
    panel_dir: str | Path,
    *,
    programme: str | None = None,
    engine: Engine = "duckdb",
    rules: RuleBook | None = None,
    mapping: str | None = None,
    out: Path | None = None,
    annex: Path | None = None,
    allow_synthetic: bool = False,
    threads: int | None = None,
    user: str | None = None,
    progress: Progress | None = None,
    options: EngineOptions | None = None,
) -> Outcome:
    """Compute, gate and store one panel (see the module doc); ``out`` and ``annex``: the
    release file and the checker's annex to write."""
    panel = Path(panel_dir)
    if not panel.is_dir() or not any(panel.rglob("*.parquet")):
        raise StoreError(f"{panel}: geen panel (map met year=JJJJ/*.parquet)")
    programme = store.resolve_programme(programme)
    plan = store.plan(programme)
    chosen = basismonitor_mapping(plan, mapping)
    book = rules or RuleBook()
    meta = read_meta(panel)
    synthetic = is_synthetic(meta)
    if synthetic and not allow_synthetic:
        refuse_synthetic(panel.name, programme, real_figures(store, programme))
    checksum = fingerprint(
        panel, repr(book), chosen.model_dump_json(), json.dumps(meta, sort_keys=True)
    )
    origin = provenance(panel, engine, checksum, meta, book)
    say = progress or (lambda _: None)
    seconds: dict[str, float] = {}

    started = time.perf_counter()
    say(f"kernels berekenen op {engine}")
    area_cells, area_relations, area_spans = compute(
        plan, panel, engine, threads=threads, options=options
    )
    seconds["berekenen"] = time.perf_counter() - started

    started = time.perf_counter()
    say(f"onthullingscontrole op {len(area_cells)} aggregaten")
    said = plan_rules(chosen)
    verdicts = gate(
        area_cells,
        area_relations,
        book,
        spans=area_spans,
        keep_area=plan.programme.area,
        measure_rules=said,
    )
    source, run_note = provenance_text(origin)
    stored, unmapped = observations(
        plan,
        chosen,
        verdicts,
        source,
        status=SYNTHETIC if synthetic else "definitief",
        run_note=run_note,
    )
    seconds["controleren"] = time.perf_counter() - started

    if out is not None:
        write_release(out, release_rows(plan, chosen, verdicts), origin)
    if annex is not None:
        per_key = rules_of([v.key for v in verdicts], book, said)
        kinds = {v.key[0]: kind_of(v.key[0], said) for v in verdicts}
        hidden = sum(v.suppressed for v in verdicts)
        summary = [
            f"cellen: {len(verdicts)}, onderdrukt: {hidden} (primair "
            f"{sum(v.primary for v in verdicts)})",
            f"relaties gecontroleerd: {len(area_relations)}; lineaire controle op "
            f"terugrekenen over {len({s.family for s in area_spans.values()})} families: "
            "0 onderdrukte cellen af te leiden",
            "methode: docs/basismonitor.md, 'Disclosure control'",
        ]
        write_annex(annex, verdicts, per_key, kinds, origin, summary)
    refuse_closed_years(store, programme, panel.name, stored)
    stored, skipped = keep_apart(
        store, programme, panel.name, stored, allow_synthetic=allow_synthetic
    )

    started = time.perf_counter()
    say(f"{len(stored)} cijfers opslaan")
    batch = store.import_observations(
        programme,
        stored,
        source_name=panel.name,
        checksum=checksum,
        format=FORMAT,
        user=user,
    )
    seconds["opslaan"] = time.perf_counter() - started
    return Outcome(verdicts, stored, unmapped, batch, seconds, origin, skipped)
