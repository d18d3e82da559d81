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
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Query, Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from starlette.responses import Response

from koers import nl
from koers.assess import Assessment, Status
from koers.plan.model import Indicator, IndicatorKind, Pillar
from koers.plan.period import period_year
from koers.present import (
    AGREEMENT_KIND_LABELS,
    KIND_LABELS,
    KIND_TITLES,
    PHONE_WIDTH,
    TARGET_LABELS,
    TRAJECTORY_LABEL,
    breakdown_part,
    chart_lines,
    decimals_of,
    due_text,
    ordered_pillars,
    period_key,
    series_chart,
    shown,
    shown_as,
    source_list,
    status_label,
    to_svg,
)
from koers.present import value_at as _value_at
from koers.programme import ProgrammeState
from koers.store import Store
from koers.web.auth import viewer_of

PROGRAMME_HELP = "Programma-id; alleen nodig als de database meer dan één programma bevat."

# --------------------------------------------------------------------------- snapshot


@dataclass
class Snapshot(ProgrammeState):
    """The programme as one request reads it (:class:`~koers.programme.ProgrammeState`),
    and how its links are written.

    Read once per store generation (:class:`SnapshotCache`), so an import or narrative stored
    with the CLI shows at once; what is derived from it (the statuses, the index) is computed
    lazily and only once.
    """

    explicit: bool = False  # the request named the programme: links carry it along

    def ordered_pillars(self) -> list[Pillar]:
        """Pillars in the plan's order, then aandachtsgebieden, then themes."""
        return ordered_pillars(self.plan)

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
        self._reading: dict[tuple[object, ...], threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, store: Store, programme: str, *, explicit: bool = False) -> Snapshot:
        """The snapshot of the store as it is now. Of the requests that find none, one reads
        it and the others wait for it: threads that each read a store of 100 000 figures at
        once share the processor, and each takes as long as all of them together."""
        key = (programme, store.generation(programme), date.today(), explicit)
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                return found
            reading = self._reading.setdefault(key, threading.Lock())
        with reading:
            with self._lock:
                found = self._found.get(key)
            if found is not None:  # read by the request this one waited for
                return found
            try:
                snapshot = load_snapshot(store, programme, explicit=explicit)
            except BaseException:
                with self._lock:
                    self._reading.pop(key, None)
                raise
            with self._lock:
                self._found[key] = snapshot
                self._reading.pop(key, None)
                while len(self._found) > self.size:
                    del self._found[next(iter(self._found))]  # the oldest
            return snapshot


def load_snapshot(store: Store, programme: str, *, explicit: bool = False) -> Snapshot:
    return Snapshot.read(store, programme, explicit=explicit)


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
    """The value of ``area`` for exactly ``period`` (:func:`koers.present.value_at`)."""
    return _value_at(snap.plan, snap.index, indicator, area, period)


@dataclass(frozen=True)
class ChartView:
    """A chart as inline SVG and the same figures as a table (for screen readers); with
    ``phone`` the same chart narrow enough that a phone shows it at its own size, so its
    text stays 11 px (the page shows one or the other by the screen's width)."""

    spec: dict[str, Any]
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    phone: dict[str, Any] | None = None

    @property
    def description(self) -> str:
        return str(self.spec.get("description", ""))


def chart_view(snap: Snapshot, indicator: Indicator, assessment: Assessment) -> ChartView | None:
    """The line chart of an indicator against its reference and trajectory, or None when
    there are no figures to draw."""
    lines = chart_lines(snap.plan, snap.index, indicator, assessment)
    if not any(line.points for line in lines):
        return None
    trajectory = assessment.trajectory or None
    chart_of = shown_as(indicator, assessment)  # a share computed from counts: a percentage
    spec = series_chart(chart_of, lines, trajectory=trajectory)
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
    phone = series_chart(chart_of, lines, trajectory=trajectory, width=PHONE_WIDTH)
    return ChartView(spec, columns, rows, phone)


@lru_cache(maxsize=1024)
def _svg_of(spec_json: str) -> str:
    return to_svg(json.loads(spec_json))


def svg(spec: Mapping[str, Any] | None) -> Markup:
    """Inline SVG of a chart or map spec; the same spec is rendered only once per process
    (:func:`~koers.present.to_svg` is deterministic)."""
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
    env.filters["status_label"] = status_label
    env.filters["breakdown_part"] = breakdown_part
    env.filters["svg"] = svg
    env.filters["longdate"] = nl.long_date
    env.filters["moment"] = nl.moment
    env.filters["period"] = nl.period
    env.filters["listing"] = lambda items: nl.listing(list(items))
    env.filters["due"] = due_text
    env.filters["cited"] = source_list
    env.globals["kind_titles"] = KIND_TITLES
    env.globals["kind_words"] = AGREEMENT_KIND_LABELS
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
    response = templates.TemplateResponse(
        request, template, {**common, **context}, status_code=status_code
    )
    if viewer.user is not None:
        # a logged-in page holds the CSRF token and the user's name: no shared cache may
        # keep it (the portal's own pages get no-store from the app)
        response.headers.setdefault("Cache-Control", "private")
        response.headers.setdefault("Vary", "Cookie")
    return response
