"""The formats by name, and the import of one file: read, check, store as one batch.

Owns the registry — :data:`SOURCES` (formats of figures, each a
:class:`~koers.sources.base.Source`) and :data:`BOUNDARY_READERS` (formats of boundaries,
each a :class:`~koers.sources.base.BoundaryReader`) — and :func:`import_file`, which finds
the format of a file (named, or recognised with ``--format auto``), lets it read the file
and stores the reading through the store's repositories: figures as observations
(``tx.observations``), boundaries as boundary versions (``tx.boundaries``). All or nothing;
``dry_run`` shows what would change instead. It speaks no SQL.

Every figure of every format passes the plan's plausibility rules
(:mod:`koers.plan.plausibility`), the same the partner portal and the API apply: the
readers check each value's form, unit and bounds; :func:`plausibility_issues` then checks
what needs the whole reading and the store: the area is one where the indicator exists, the
period lies in the plan's window and not in the future, and a figure that changes by more
than the plan's ``change_factor`` against the current one is refused unless the import
gives a reason (``confirm``, ``koers import --confirm REDEN``), which is then stored with
each such figure as its ``confirmation``. A refusal names the file, row and column the
reader recorded (:attr:`~koers.sources.base.Reading.places`) and the rule.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from koers.areas import Comparison, Observation, compare_with_members, rounding_tolerance
from koers.plan.model import Plan
from koers.plan.period import canonical_period, period_year
from koers.plan.plausibility import change_problem
from koers.sources.base import (
    BoundaryReader,
    BoundaryReading,
    ImportContext,
    Reading,
    Source,
    SourceError,
    SourceIssue,
)
from koers.sources.basismonitor import BasismonitorRelease, keep_apart
from koers.sources.boundaries import GeoJsonBoundaries
from koers.sources.cbs import CbsSource
from koers.sources.csvlong import LongCsv
from koers.sources.wide import WideCsv
from koers.sources.wijkprofiel import WijkprofielSource
from koers.sources.xlsx import Xlsx
from koers.store import BatchResult, ImportDiff, Store

SOURCES: dict[str, Source] = {
    "basismonitor": BasismonitorRelease(),
    "csv": LongCsv(),
    "cbs": CbsSource(),
    "wijkprofiel": WijkprofielSource(),
    "csv-wide": WideCsv(),
    "xlsx": Xlsx(),
}
"""The formats of figures by name, in the order ``--format auto`` tries them (most specific
first)."""

BOUNDARY_READERS: dict[str, BoundaryReader] = {
    "geojson": GeoJsonBoundaries(),
}
"""The formats of boundaries by name; ``--format auto`` tries them after :data:`SOURCES`."""

FORMATS: tuple[str, ...] = (*SOURCES, *BOUNDARY_READERS)
"""Every format name, in the order ``--format auto`` tries them."""

YEAR_FORMATS: tuple[str, ...] = ("cbs", *BOUNDARY_READERS)
"""The formats that take a ``year`` for a file that does not state it: boundaries (the
boundary year) and CBS tables (the period of their figures, e.g. the KWB workbook)."""


@dataclass(frozen=True)
class ImportOutcome:
    """A stored batch (``batch``), or with ``dry_run`` what it would change (``diff``)."""

    source_name: str
    format: str
    reading: Reading | BoundaryReading
    batch: BatchResult | None = None
    diff: ImportDiff | None = None
    duplicate_of: str | None = None
    mismatches: tuple[Comparison, ...] = ()
    """Group totals in the file that its own member figures do not add up to."""
    revise: bool = False
    """Whether figures of periods the file does not state may be revised (``--revise``)."""

    @property
    def unstated_revisions(self) -> dict[str, int]:
        """Of a dry run: the periods the file does not state whose figures it would revise
        (what the import refuses without ``--revise``), with how many."""
        if self.diff is None or not isinstance(self.reading, Reading):
            return {}
        return unstated_revisions(self.reading, self.diff)


def import_file(
    store: Store,
    path: str | Path,
    *,
    programme: str | None = None,
    format: str = "auto",
    mapping: str | None = None,
    year: int | None = None,
    dry_run: bool = False,
    revise: bool = False,
    allow_synthetic: bool = False,
    confirm: str | None = None,
    user: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Read, check and store one file as a batch (or, with ``dry_run``, only compare).

    Figures become observations; boundary files (GeoJSON, TopoJSON) become area
    boundaries of their boundary ``year``. For a CBS file that states no period, ``year``
    is the period of its figures; other formats state theirs and refuse a ``year``. A file
    that would revise figures of a period it does not state itself (the period came from
    the mapping or ``year``) is refused unless ``revise``.
    Figures of a synthetic panel (a Basismonitor release file) are refused into a store with
    real figures unless ``allow_synthetic`` (:func:`koers.sources.basismonitor.keep_apart`).
    ``confirm``: the reason that a change of more than the plan's factor is right
    (:func:`plausibility_issues`).
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError([SourceIssue(str(path), None, None, "bestand niet gevonden")])
    programme = store.resolve_programme(programme)
    plan = store.plan(programme)
    data = path.read_bytes()
    checksum = hashlib.sha256(data).hexdigest()
    format = _format(data, path.name, format)
    if year is not None and format not in YEAR_FORMATS:
        raise SourceError(
            [
                SourceIssue(
                    path.name,
                    None,
                    None,
                    f"--year geldt alleen voor {', '.join(YEAR_FORMATS)}; een bestand van "
                    f"formaat '{format}' noemt zijn periode zelf (of de koppeling doet dat)",
                )
            ]
        )
    context = ImportContext(plan, mapping, year if format not in BOUNDARY_READERS else None)
    previous = store.find_batch(programme, checksum)
    file = _File(store, programme, path.name, data, checksum, previous.id if previous else None)
    if format in BOUNDARY_READERS:
        reading = BOUNDARY_READERS[format].read_boundaries(data, path.name, context, year)
        return file.boundaries(reading, dry_run=dry_run, user=user)
    return file.figures(
        SOURCES[format],
        context,
        dry_run=dry_run,
        revise=revise,
        allow_synthetic=allow_synthetic,
        confirm=confirm,
        user=user,
        progress=progress,
    )


@dataclass(frozen=True)
class _File:
    """One file on its way into the store."""

    store: Store
    programme: str
    name: str
    data: bytes
    checksum: str
    duplicate_of: str | None  # the applied batch of the same file, if any

    def figures(
        self,
        source: Source,
        context: ImportContext,
        *,
        dry_run: bool,
        revise: bool,
        allow_synthetic: bool,
        confirm: str | None,
        user: str | None,
        progress: Callable[[int], None] | None,
    ) -> ImportOutcome:
        store, programme = self.store, self.programme
        reading = source.read(self.data, self.name, context)
        spelled = one_spelling(context.plan, self.name, reading.observations)
        for before, after in zip(reading.observations, spelled, strict=True):
            if before.key != after.key and before.key in reading.places:
                reading.places[after.key] = reading.places.pop(before.key)
        reading.observations = spelled
        reading.observations, _ = keep_apart(
            store, programme, self.name, reading.observations, allow_synthetic=allow_synthetic
        )
        refuse_closed_years(store, programme, self.name, reading.observations)
        preview = store.preview_import(programme, reading.observations)
        issues = plausibility_issues(context, reading, self.name, preview, confirm)
        if issues:
            raise SourceError(issues)
        mismatches = tuple(publisher_mismatches(context.plan, reading))
        if dry_run:
            return ImportOutcome(
                self.name,
                source.format,
                reading,
                diff=preview,
                duplicate_of=self.duplicate_of,
                mismatches=mismatches,
                revise=revise,
            )

        def refuse_unstated(diff: ImportDiff) -> None:
            unstated = unstated_revisions(reading, diff)
            if unstated and not revise:
                raise SourceError([unstated_issue(self.name, reading, unstated)])
            # what another writer stored since the preview: the change rule once more
            changed = plausibility_issues(context, reading, self.name, diff, None, places=False)
            if changed:
                raise SourceError(changed)

        batch = store.import_observations(
            programme,
            reading.observations,
            source_name=self.name,
            checksum=self.checksum,
            format=source.format,
            user=user,
            progress=progress,
            check=refuse_unstated,
        )
        return ImportOutcome(
            self.name,
            source.format,
            reading,
            batch=batch,
            duplicate_of=batch.duplicate_of,
            mismatches=mismatches,
        )

    def boundaries(
        self, reading: BoundaryReading, *, dry_run: bool, user: str | None
    ) -> ImportOutcome:
        if dry_run:
            return ImportOutcome(self.name, reading.format, reading, duplicate_of=self.duplicate_of)
        stored = store_boundaries(
            self.store,
            self.programme,
            reading,
            source_name=self.name,
            checksum=self.checksum,
            user=user,
        )
        return ImportOutcome(
            self.name, reading.format, reading, batch=stored, duplicate_of=stored.duplicate_of
        )


def store_boundaries(
    store: Store,
    programme: str,
    reading: BoundaryReading,
    *,
    source_name: str,
    checksum: str,
    user: str | None = None,
) -> BatchResult:
    """Store a reading's boundaries as one batch (:meth:`koers.store.boundaries.Boundaries.
    add_batch`); the same file twice is a no-op that returns the earlier batch."""
    programme = store.resolve_programme(programme)
    with store.transaction() as tx:
        return tx.boundaries.add_batch(
            programme,
            reading.year,
            reading.boundaries,
            source_name=source_name,
            checksum=checksum,
            format=reading.format,
            user=user,
        )


def refuse_closed_years(
    store: Store, programme: str, name: str, rows: Sequence[Observation]
) -> None:
    """Refuse figures for a year the bureau closed (:func:`koers.workflow.close_period`),
    each named; nothing is stored."""
    closed = store.closed_years(programme)
    issues = [
        SourceIssue(
            name,
            None,
            None,
            f"{obs.indicator} in {obs.area} over {obs.period}: het jaar "
            f"{period_year(obs.period)} is afgesloten; alleen het programmabureau kan het nog "
            f"wijzigen, met een gelogde correctie in het portaal",
        )
        for obs in rows
        if period_year(obs.period) in closed
    ]
    if issues:
        raise SourceError(issues)


def plausibility_issues(
    context: ImportContext,
    reading: Reading,
    name: str,
    diff: ImportDiff,
    confirm: str | None,
    *,
    places: bool = True,
) -> list[SourceIssue]:
    """What the plan's plausibility rules refuse in ``reading`` beyond what its reader
    checked (see the module doc), each at the place the reader recorded. With ``places``
    the area and window rules (the readers of the long layout check them themselves;
    asking again finds nothing there); always the change rule against the current
    figures ``diff`` compares with. A change that needs a confirmation gets ``confirm``
    as its ``confirmation`` in ``reading`` (replaced in place) instead of an issue."""
    plan = context.plan
    issues: list[SourceIssue] = []
    names = {a.id: a.name for a in plan.areas}

    def issue(obs: Observation, message: str) -> None:
        file, row, column = reading.place(obs, name)
        what = f"{obs.indicator} in {names.get(obs.area, obs.area)} over {obs.period}"
        if obs.dimension:
            what += f" ({obs.dimension} {obs.category})"
        issues.append(SourceIssue(file, row, column, f"{what}: {message}"))

    if places:
        for obs in reading.observations:
            indicator = context.indicators.get(obs.indicator)
            if indicator is not None:
                for _, message in context.placement_problems(indicator, obs.area, obs.period):
                    issue(obs, message)
    confirmed: dict[tuple[str, str, str, str, str], str] = {}
    for old, new in diff.revised:
        problem = change_problem(plan, new.value, old.value, new.confirmation)
        if problem is None:
            continue
        if confirm and confirm.strip():
            confirmed[new.key] = confirm.strip()
        else:
            issue(new, f"{problem} (importeer met --confirm REDEN)")
    if confirmed and not issues:
        reading.observations = [
            replace(o, confirmation=confirmed[o.key]) if o.key in confirmed else o
            for o in reading.observations
        ]
    return issues


def one_spelling(plan: Plan, name: str, rows: list[Observation]) -> list[Observation]:
    """``rows`` with each period in its one spelling (:func:`~koers.plan.period.
    canonical_period`); the same figure given for two spellings of one moment is refused."""
    periodicity = {i.id: i.periodicity.value for i in plan.indicators}
    spelled: dict[tuple[str, ...], str] = {}
    result, issues = [], []
    for obs in rows:
        period = canonical_period(obs.period, periodicity.get(obs.indicator, ""))
        spelled_once = obs if period == obs.period else replace(obs, period=period)
        key = spelled_once.key
        if key in spelled:
            issues.append(
                SourceIssue(
                    name,
                    None,
                    None,
                    f"{obs.indicator} in {obs.area}: '{spelled[key]}' en '{obs.period}' zijn "
                    f"hetzelfde moment, dus hetzelfde cijfer twee keer",
                )
            )
        spelled[key] = obs.period
        result.append(spelled_once)
    if issues:
        raise SourceError(issues)
    return result


def unstated_revisions(reading: Reading, diff: ImportDiff) -> dict[str, int]:
    """Periods the file does not state (they came from its mapping) whose current figures
    ``diff`` would revise, with how many, in order."""
    assumed = {period_year(p) for p in reading.assumed_periods}
    counts = Counter(new.period for _, new in diff.revised if period_year(new.period) in assumed)
    return dict(sorted(counts.items()))


def unstated_issue(name: str, reading: Reading, unstated: dict[str, int]) -> SourceIssue:
    periods = ", ".join(f"{p} ({count})" for p, count in unstated.items())
    return SourceIssue(
        name,
        None,
        None,
        f"zou cijfers herzien van {periods}, een periode die het bestand zelf niet noemt: "
        f"die komt uit koppeling '{reading.mapping}'. Is het bestand van een ander jaar, kies "
        f"dan de juiste koppeling met --mapping; is het een correctie, importeer dan met "
        f"--revise",
    )


def read_plan_figures(plan: Plan, directory: str | Path) -> list[Observation]:
    """The figures a plan directory ships in ``data/*.csv`` (checked, not stored)."""
    rows: list[Observation] = []
    for path in sorted(Path(directory, "data").glob("*.csv")):
        rows += LongCsv().read(path.read_bytes(), path.name, ImportContext(plan)).observations
    return rows


def publisher_mismatches(plan: Plan, reading: Reading) -> list[Comparison]:
    """Group figures in a file that differ from the sum of its member figures by more
    than rounding: the publisher disagrees with itself, and the user should know."""
    indicators = {i.id: i for i in plan.indicators}
    return [
        comparison
        for comparison in compare_with_members(plan, reading.observations)
        if not comparison.agrees(
            rounding_tolerance(
                comparison,
                indicators[comparison.indicator].unit,
                indicators[comparison.indicator].decimals,
            )
        )
    ]


def _format(data: bytes, name: str, format: str) -> str:
    """The format asked for, or with ``auto`` the first whose reader recognises the file."""
    formats = [*SOURCES, *BOUNDARY_READERS]
    if format != "auto":
        if format not in formats:
            raise SourceError(
                [
                    SourceIssue(
                        name,
                        None,
                        None,
                        f"onbekend formaat '{format}'; kies uit auto, {', '.join(formats)}",
                    )
                ]
            )
        return format
    readers: list[Source | BoundaryReader] = [*SOURCES.values(), *BOUNDARY_READERS.values()]
    for format, reader in zip(formats, readers, strict=True):
        if reader.sniff(data, name):
            return format
    raise SourceError(
        [
            SourceIssue(
                name,
                None,
                None,
                f"formaat niet herkend; geef het op met --format ({', '.join(formats)})",
            )
        ]
    )
