"""The pages and the JSON API of the public website, one module per page family.

This module holds what they share: the :class:`Snapshot` of one programme that every
request reads from the store (:func:`get_snapshot`, a FastAPI dependency), the Jinja2
environment (autoescape on, Dutch number formats from :mod:`koers.nl`), charts as inline
SVG with their figures as a table (:func:`chart_view`), and Dutch errors (:func:`not_found`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Query, Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from starlette.responses import Response

from koers import nl
from koers.areas import Observation
from koers.assess import Assessment, ObservationIndex, Status, evaluate
from koers.plan.model import (
    Area,
    AreaKind,
    Indicator,
    IndicatorKind,
    Pillar,
    Plan,
    ProportionalShare,
    ReachReference,
    Unit,
)
from koers.plan.period import period_year
from koers.plan.summary import AgreementRow, agreement_rows
from koers.report.build import PILLAR_ORDER
from koers.report.charts import TRAJECTORY_LABEL, Line, period_key, series_chart, to_svg
from koers.report.render import STATUS_LABELS
from koers.store import Store
from koers.web.auth import viewer_of
from koers.workflow import AgreementState, agreement_states, current_statuses_of

PROGRAMME_HELP = "Programma-id; alleen nodig als de database meer dan één programma bevat."
KIND_TITLES = {
    "pillar": "Pijlers",
    "aandachtsgebied": "Aandachtsgebieden",
    "thema": "Programmabrede thema's",
}
TARGET_LABELS = {
    "reach_reference": "het niveau van een referentiegebied bereiken",
    "proportional_share": "naar een proportioneel aandeel",
    "absolute": "een absoluut niveau of totaal",
    "ceiling": "niet slechter dan een grens",
    "direction": "een richting (stijgen of dalen)",
    "monitor_only": "alleen volgen, geen doel",
}
KIND_LABELS = {"effect": "effect", "output": "output (interventie)", "context": "context"}


# --------------------------------------------------------------------------- snapshot


@dataclass
class Snapshot:
    """One programme as the store holds it now: plan, current figures and narratives.

    Read once per request, so an import or narrative stored with the CLI shows at once;
    what is derived from it (the statuses of ``koers status``, the index) is computed
    lazily and only once per request.
    """

    programme: str
    plan: Plan
    observations: list[Observation]
    narratives: dict[tuple[str, str, str], str]
    today: date
    agreement_states: dict[str, AgreementState] = field(default_factory=dict)
    explicit: bool = False  # the request named the programme: links carry it along

    @cached_property
    def assessments(self) -> dict[str, Assessment]:
        """Indicator id -> its status, exactly as ``koers status`` computes it."""
        return {a.indicator: a for a in evaluate(self.plan, self.observations)}

    def agreement_rows(self, **filters: str | None) -> list[AgreementRow]:
        """The agreements register with the statuses the bureau approved."""
        statuses = current_statuses_of(self.agreement_states)
        return agreement_rows(self.plan, statuses=statuses, **filters)

    @cached_property
    def index(self) -> ObservationIndex:
        return ObservationIndex(self.observations)

    @cached_property
    def names(self) -> dict[str, str]:
        return {a.id: a.name for a in self.plan.areas}

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.plan.indicators}

    @cached_property
    def pillars(self) -> dict[str, Pillar]:
        return {p.id: p for p in self.plan.pillars}

    @cached_property
    def partners(self) -> dict[str, str]:
        return {p.id: p.name for p in self.plan.partners}

    @property
    def wijken(self) -> list[Area]:
        return [a for a in self.plan.areas if a.kind is AreaKind.WIJK]

    def ordered_pillars(self) -> list[Pillar]:
        """Pillars in the plan's order of chapters, then aandachtsgebieden, then themes."""
        rank = {"pillar": 0, "aandachtsgebied": 1, "thema": 2}
        order = {pid: n for n, pid in enumerate(PILLAR_ORDER)}
        return sorted(self.plan.pillars, key=lambda p: (rank[p.kind], order.get(p.id, len(order))))

    def href(self, path: str, **params: str | None) -> str:
        """A link within the site; ``?programme=`` is kept when the request gave it."""
        query = {k: v for k, v in params.items() if v}
        if self.explicit:
            query["programme"] = self.programme
        return path + (f"?{urlencode(query)}" if query else "")


def get_snapshot(
    request: Request,
    programme: Annotated[str | None, Query(description=PROGRAMME_HELP)] = None,
) -> Snapshot:
    """The programme asked for (``?programme=``), else the app's, else the only one."""
    store: Store = request.app.state.store
    chosen = programme or request.app.state.programme
    ids = store.programme_ids()
    if chosen is not None and chosen not in ids:
        raise HTTPException(404, f"Programma '{chosen}' staat niet in de database.")
    if chosen is None:
        if not ids:
            raise HTTPException(
                503, "Er is nog geen plan geladen. Laad er een met 'koers load MAP'."
            )
        if len(ids) > 1:
            raise HTTPException(
                400,
                f"De database bevat meerdere programma's ({', '.join(ids)}); "
                f"kies er een met ?programme=.",
            )
        chosen = ids[0]
    snapshots: SnapshotCache = request.app.state.snapshots
    return snapshots.get(store, chosen, explicit=programme is not None)


class SnapshotCache:
    """The snapshots of the last few (programme, store generation, day) combinations.

    Reading a programme anew costs tens of milliseconds (the NPRZ plan and its figures);
    :meth:`Store.generation` costs one small query and changes with every load, import,
    undo, narrative and portal change, so a page shows a change at once and otherwise
    reuses the snapshot, with its statuses already computed.
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._found: dict[tuple[object, ...], Snapshot] = {}
        self._lock = threading.Lock()

    def get(self, store: Store, programme: str, *, explicit: bool = False) -> Snapshot:
        key = (programme, store.generation(programme), date.today(), explicit)
        with self._lock:
            found = self._found.get(key)
        if found is not None:
            return found
        snapshot = load_snapshot(store, programme, explicit=explicit)
        with self._lock:
            self._found[key] = snapshot
            while len(self._found) > self.size:
                del self._found[next(iter(self._found))]  # the oldest
        return snapshot


def load_snapshot(store: Store, programme: str, *, explicit: bool = False) -> Snapshot:
    return Snapshot(
        programme=programme,
        plan=store.plan(programme),
        observations=store.observations(programme),
        narratives=store.narratives(programme),
        today=date.today(),
        agreement_states=agreement_states(store, programme),
        explicit=explicit,
    )


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]


def not_found(message: str) -> HTTPException:
    """A 404 with a Dutch message: the error page shows it, the API returns it as detail."""
    return HTTPException(404, message)


def spreadsheet_safe(value: object) -> object:
    """A cell for CSV or XLSX that a spreadsheet cannot run as a formula (CSV injection):
    text starting with = + - @ or a control character is kept as text with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def choices(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


# --------------------------------------------------------------------------- figures


def decimals_of(indicator: Indicator, assessment: Assessment) -> int:
    """The decimals to show: the indicator's own, or 1 for a share computed from counts."""
    return indicator.decimals if assessment.unit == indicator.unit.value else 1


def shown(amount: float | None, unit: str | Unit, decimals: int = 1) -> str:
    """A value in Dutch with its unit; a dash where there is none."""
    return "—" if amount is None else nl.value(amount, Unit(unit), decimals)


def pillar_counts(snap: Snapshot, pillar: str) -> dict[str, int]:
    """Statuses of a pillar's effect and output indicators, as the reports count them."""
    counted = {s.value: 0 for s in Status}
    for indicator in snap.plan.indicators:
        if indicator.pillar == pillar and indicator.kind is not IndicatorKind.CONTEXT:
            counted[snap.assessments[indicator.id].status.value] += 1
    return counted


def of_kind(snap: Snapshot, pillar: str, kind: IndicatorKind) -> list[Indicator]:
    return [i for i in snap.plan.indicators if i.pillar == pillar and i.kind is kind]


def value_at(snap: Snapshot, indicator: Indicator, area: str, period: str | None) -> float | None:
    """The value of ``area`` for exactly ``period`` (derived from members where needed);
    for a share computed from counts (``share_of``), that share."""
    if period is None:
        return None

    def raw(key: str) -> float | None:
        for found, value in snap.index.series(snap.plan, indicator, key):
            if found == period:
                return value.value
        return None

    value = raw(area)
    target = indicator.target
    if value is not None and isinstance(target, ProportionalShare) and target.share_of:
        whole = raw(target.share_of)
        return value / whole * 100 if whole else None
    return value


@dataclass(frozen=True)
class ChartView:
    """A chart as inline SVG and the same figures as a table (for screen readers)."""

    spec: dict[str, Any]
    columns: list[str]
    rows: list[tuple[str, list[str]]]

    @property
    def description(self) -> str:
        return str(self.spec.get("description", ""))


def chart_lines(snap: Snapshot, indicator: Indicator, assessment: Assessment) -> list[Line]:
    """The area of the target, its reference, and Rotterdam for context (as the reports);
    a share computed from counts (``share_of``) is drawn as that share only."""
    target = indicator.target

    def points(area: str) -> dict[str, float]:
        return {
            period: value.value
            for period, value in snap.index.series(snap.plan, indicator, area)
            if value.value is not None
        }

    if isinstance(target, ProportionalShare) and target.share_of:
        part, whole = points(assessment.area), points(target.share_of)
        shares = [(p, v / whole[p] * 100) for p, v in part.items() if whole.get(p)]
        return [Line(snap.names.get(assessment.area, assessment.area), shares, "area")]
    wanted: list[tuple[str, str]] = [(assessment.area, "area")]
    if isinstance(target, ReachReference):
        wanted.append((target.reference_area, "reference"))
    if "rotterdam" in snap.names and all(area != "rotterdam" for area, _ in wanted):
        wanted.append(("rotterdam", "other"))
    lines = []
    for area, role in wanted:
        found = points(area)
        if found or role == "area":
            lines.append(Line(snap.names.get(area, area), list(found.items()), role))  # type: ignore[arg-type]
    return lines


def chart_view(snap: Snapshot, indicator: Indicator, assessment: Assessment) -> ChartView | None:
    """The line chart of an indicator against its reference and trajectory, or None when
    there are no figures to draw."""
    lines = chart_lines(snap, indicator, assessment)
    if not any(line.points for line in lines):
        return None
    trajectory = assessment.trajectory or None
    shown_as = indicator
    if assessment.unit != indicator.unit.value:  # a share computed from counts
        shown_as = indicator.model_copy(update={"unit": Unit(assessment.unit), "decimals": 1})
    spec = series_chart(shown_as, lines, trajectory=trajectory)
    unit, decimals = assessment.unit, decimals_of(indicator, assessment)
    by_line = [dict(line.points) for line in lines if line.points]
    columns = [line.area_name for line in lines if line.points]
    periods = {p for values in by_line for p in values}
    years = {period_year(p) for p in periods}
    periods |= {str(y) for y in (trajectory or {}) if y not in years}
    rows = []
    for period in sorted(periods, key=period_key):
        cells = [shown(values.get(period), unit, decimals) for values in by_line]
        if trajectory:
            cells.append(shown(trajectory.get(period_year(period)), unit, decimals))
        rows.append((period, cells))
    if trajectory:
        columns.append(TRAJECTORY_LABEL)
    return ChartView(spec, columns, rows)


@lru_cache(maxsize=1024)
def _svg_of(spec_json: str) -> str:
    return to_svg(json.loads(spec_json))


def svg(spec: Mapping[str, Any] | None) -> Markup:
    """Inline SVG of a chart or map spec; the same spec is rendered only once per process
    (:func:`~koers.report.charts.to_svg` is deterministic)."""
    if spec is None:
        return Markup("")
    key = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    return Markup(_svg_of(key))  # our own renderer's output, not user text


# --------------------------------------------------------------------------- templates


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("koers.web", "templates"),
        autoescape=True,  # every page escapes what partners and users wrote
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = shown
    env.filters["number"] = lambda amount, decimals=0: nl.number(amount, decimals)
    env.filters["status_label"] = lambda status: STATUS_LABELS[Status(status)]
    env.filters["svg"] = svg
    env.filters["longdate"] = nl.long_date
    env.globals["kind_titles"] = KIND_TITLES
    env.globals["target_labels"] = TARGET_LABELS
    env.globals["kind_labels"] = KIND_LABELS
    env.globals["statuses"] = [s.value for s in Status]
    return env


templates = Jinja2Templates(env=_environment())


def page(
    request: Request,
    template: str,
    snap: Snapshot | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """Render a page; ``snap`` None for pages outside any programme (errors)."""
    viewer = viewer_of(request)
    common: dict[str, Any] = {
        "viewer": viewer,
        "csrf": viewer.csrf,
        "snap": snap,
        "plan": snap.plan if snap else None,
        "programme": snap.plan.programme if snap else None,
        "href": snap.href if snap else (lambda path, **_: path),
    }
    return templates.TemplateResponse(
        request, template, {**common, **context}, status_code=status_code
    )
