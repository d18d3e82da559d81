"""The ``geojson`` format: boundaries of wijken and buurten per boundary year, from GeoJSON
and TopoJSON files.

Boundaries are not figures: :class:`GeoJsonBoundaries` is a
:class:`~koers.sources.base.BoundaryReader`, not a ``Source``, and gives a
:class:`~koers.sources.base.BoundaryReading` (one GeoJSON geometry in WGS84 per plan area),
never observations. :func:`read_boundaries` reads and checks a file against the plan;
:func:`koers.sources.import_file` stores the reading through the store's boundaries
repository (:mod:`koers.store.boundaries`). TopoJSON is decoded by
:mod:`koers.sources.topojson`, geometries are checked by :mod:`koers.sources.geometry`.

Reading:

- A ``FeatureCollection`` (GeoJSON) or a ``Topology`` (TopoJSON). TopoJSON is decoded
  into GeoJSON geometries: arcs are joined into rings (a negative index ``~i`` is arc ``i``
  reversed, and every arc after the first drops its first position, which repeats the last
  one of the previous arc); a quantized topology (``transform``) has delta-encoded arcs,
  decoded as ``x = (x0 + dx0 + ... + dxk) * scale + translate`` and rounded to 10
  decimals. Every object of the topology is read; a GeometryCollection is flattened.
- Each feature is matched to ONE plan area. By code first: the first of the properties
  ``statcode, buurtcode, bu_code, wijkcode, wk_code, gemeentecode, gm_code, id, code,
  cbs_code`` (any case) that holds text, else the feature's own ``id`` when it is text; the
  code goes through ``context.resolve(code, None)`` (an area id or an area's ``cbs_code``).
  A feature without a code is matched by ``name`` (or ``naam``) against the plan's area
  names: case-insensitive, the ligature "Ĳ" read as "IJ", spaces around hyphens ignored. A
  file of names is one level of areas: when a name fits areas of several kinds (Feijenoord
  the gebied and Feijenoord the buurt), the kind that most of the file's names fit wins, and
  a name that only fits another kind is left out with a warning. A code that is set but
  unknown is not looked up by name. What resolves to nothing is counted in
  ``unmapped_areas``, as in :class:`~koers.sources.base.Reading`.
- The boundary year is the ``year`` argument; else the ``jaar`` property of the features
  (all the same); else the one 4-digit year (1900-2099) in the file name. A given year that
  differs from the file's ``jaar`` is a warning.
- Geometry: only Polygon and MultiPolygon. A null geometry is a *problem*: that feature is
  left out and the rest is imported. A ring of fewer than 4 positions or with zero area is
  a *warning*: stored as the file gives it (the publisher's simplification often causes
  it; an older or newer boundary year usually has the real shape). Errors, which stop the
  whole file: not JSON, not a FeatureCollection/Topology, another geometry type, malformed
  coordinates or arcs, an unclosed ring, a ``crs`` other than WGS84, and any position that
  is not WGS84 longitude/latitude (lon -180..180, lat -90..90; RD New coordinates in metres
  are named as such). No year, or no feature for any plan area, is an error too.
- Two features for the same area are merged into one MultiPolygon, with a warning.
- Issues carry the feature's 1-based position in the file as their row.
- What matters comes first (:meth:`~koers.sources.base.BoundaryReading.report`): problems
  and warnings of features for plan areas, each on its own line, and the plan areas the file
  should hold but lacks (``missing``: a BU or WK area of the plan, valid in the boundary
  year, when the file has codes of that level for its gemeente). Features outside the plan
  — a national file holds thousands — are one summary line: how many codes, with how many
  null geometries and degenerate shapes among them (``outside_issues``), never a line each.

Storing (:meth:`koers.store.boundaries.Boundaries.add_batch`): one batch
(``import_batches``, format ``geojson`` or ``topojson``) and its ``boundaries`` rows in one
transaction; a changed geometry is a new revision, an identical one is not written again, the
same file (checksum) twice is a no-op, and an undone batch's boundaries no longer count.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from koers.plan.model import Area
from koers.sources.base import (
    BoundaryReading,
    Geometry,
    ImportContext,
    SourceError,
    SourceIssue,
)
from koers.sources.geometry import geometry_problems
from koers.sources.toolkit import load_json, shown, shown_json
from koers.sources.topojson import TopologyError, decode_arcs, decode_geometry

CODE_PROPERTIES = (
    "statcode",
    "buurtcode",
    "bu_code",
    "wijkcode",
    "wk_code",
    "gemeentecode",
    "gm_code",
    "id",
    "code",
    "cbs_code",
)
"""Properties holding an area code, in the order they are tried (case-insensitive)."""
NAME_PROPERTIES = ("name", "naam")
"""Properties matched against area names when a feature has no code."""
LABEL_PROPERTIES = ("statnaam", "buurtnaam", "wijknaam", "bu_naam", "wk_naam", *NAME_PROPERTIES)
"""Properties that name a feature in messages."""

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_WGS84_CRS = re.compile(r"(CRS84|EPSG:(?:[\d.]*:)?:?4326)$", re.IGNORECASE)
_CBS_CODE = re.compile(r"^(WK\d{6}|BU\d{8})$")
_SNIFF = re.compile(r'"type"\s*:\s*"(FeatureCollection|Topology)"')


@dataclass
class _Feature:
    number: int  # 1-based position in the file
    properties: dict[str, Any]  # keys lower-cased
    fid: Any
    geometry: Geometry | None
    broken: bool = False  # a TopoJSON object that could not be decoded

    def code(self) -> tuple[str, str] | None:
        """(property, code) of the first code property that holds text."""
        for key in CODE_PROPERTIES:
            value = self.properties.get(key)
            if isinstance(value, str) and value.strip():
                return key, value.strip()
        if isinstance(self.fid, str) and self.fid.strip():
            return "id", self.fid.strip()
        return None

    def name(self) -> str | None:
        for key in NAME_PROPERTIES:
            value = self.properties.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    def label(self) -> str:
        """How messages name the feature: 'BU05990328 (Witte Dorp)', or 'object 7'."""
        code = self.code()
        names = [self.properties.get(k) for k in LABEL_PROPERTIES]
        name = next((n.strip() for n in names if isinstance(n, str) and n.strip()), None)
        if code and name:
            return f"{code[1]} ({name})"
        if code or name:
            return code[1] if code else f"'{name}'"
        return f"object {self.number}"


class _Problems:
    """Errors, problems and warnings of one file, each located at a feature."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.errors: list[SourceIssue] = []
        self.problems: list[SourceIssue] = []
        self.warnings: list[SourceIssue] = []

    def error(self, message: str, feature: _Feature | None = None) -> None:
        self.errors.append(self._issue(message, feature))

    def problem(self, message: str, feature: _Feature) -> None:
        self.problems.append(self._issue(message, feature))

    def warning(self, message: str, feature: _Feature | None = None) -> None:
        self.warnings.append(self._issue(message, feature))

    def _issue(self, message: str, feature: _Feature | None) -> SourceIssue:
        if feature is None:
            return SourceIssue(self.name, None, None, message)
        return SourceIssue(self.name, feature.number, None, f"{feature.label()}: {message}")

    def raise_errors(self) -> None:
        if self.errors:
            raise SourceError(sorted(self.errors, key=_position))


# -- reading -------------------------------------------------------------------------------


class GeoJsonBoundaries:
    """The ``geojson`` format: GeoJSON FeatureCollections and TopoJSON Topologies of
    boundaries (a :class:`~koers.sources.base.BoundaryReader`)."""

    format = "geojson"

    def sniff(self, data: bytes, name: str) -> bool:
        head = data[:4096].decode("utf-8-sig", errors="replace").lstrip()
        if not head.startswith("{"):
            return False
        if _SNIFF.search(head):
            return True
        try:
            document = load_json(data.decode("utf-8-sig"), name)
        except (UnicodeDecodeError, json.JSONDecodeError, SourceError):
            return False  # not a boundary file this can tell; its reader words the error
        return isinstance(document, dict) and document.get("type") in (
            "FeatureCollection",
            "Topology",
        )

    def read_boundaries(
        self, data: bytes, name: str, context: ImportContext, year: int | None
    ) -> BoundaryReading:
        return read_boundaries(data, name, context, year)


def read_boundaries(
    data: bytes, name: str, context: ImportContext, year: int | None
) -> BoundaryReading:
    """Read and check a GeoJSON or TopoJSON file of boundaries; nothing is stored."""
    issues = _Problems(name)
    document = _load(data, name)
    kind = document.get("type")
    if kind == "FeatureCollection":
        format = "geojson"
        features = _geojson_features(document, issues)
    elif kind == "Topology":
        format = "topojson"
        features = _topojson_features(document, issues)
    else:
        raise SourceError(
            [
                SourceIssue(
                    name,
                    None,
                    None,
                    "geen GeoJSON FeatureCollection of TopoJSON Topology "
                    f"(type: {shown_json(kind)})",
                )
            ]
        )
    for feature in features:
        _check_geometry(feature, issues)
    boundary_year, year_from = _year(features, name, year, issues)
    issues.raise_errors()
    assert boundary_year is not None
    reading = BoundaryReading(name, format, boundary_year, year_from, len(features))
    found, outside = _resolve(features, context, reading, issues)
    problems, warnings = _set_apart(issues, outside, reading)
    if not reading.boundaries:
        unmapped = ", ".join(sorted(reading.unmapped_areas)[:12]) or "geen"
        issues.error(
            f"geen enkel object geeft een grens voor een gebied van het plan "
            f"(codes of namen niet in het plan: {unmapped})"
        )
        issues.errors += problems + warnings  # why, for the user
    issues.raise_errors()
    reading.problems = sorted(problems, key=_position)
    reading.warnings = sorted(warnings, key=_position)
    reading.missing = _missing(features, context, found, reading)
    return reading


def _set_apart(
    issues: _Problems, outside: set[int], reading: BoundaryReading
) -> tuple[list[SourceIssue], list[SourceIssue]]:
    """(problems, warnings) of the plan's areas; those of features outside the plan are
    only counted, per kind, in ``reading.outside_issues``."""
    for issue in issues.problems:
        if issue.row in outside:
            reading.outside_issues["zonder geometrie"] += 1
    warned = {issue.row for issue in issues.warnings if issue.row in outside}
    if warned:
        reading.outside_issues["met een ontaarde ring of een leeg vlak"] = len(warned)
    return (
        [i for i in issues.problems if i.row not in outside],
        [i for i in issues.warnings if i.row not in outside],
    )


def _missing(
    features: list[_Feature], context: ImportContext, found: set[str], reading: BoundaryReading
) -> list[SourceIssue]:
    """Plan areas of a CBS level (wijk, buurt) that the file should have but lacks.

    A file covers a level of a gemeente when it has codes of that level there (a national
    buurt file covers every gemeente's buurten); then every plan area of that level and
    gemeente valid in the boundary year should be in it. Files matched by name are not
    checked: a name says nothing of what else the file should hold.
    """
    covered = set()
    for feature in features:
        code = feature.code()
        if code is not None and _CBS_CODE.match(code[1].upper()):
            covered.add((code[1][:2].upper(), code[1][2:6]))
    return [
        SourceIssue(
            reading.name,
            None,
            None,
            f"{area.cbs_code} ({area.name}): gebied {area.id} staat niet in het bestand; "
            f"geen grens voor {reading.year}",
        )
        for area in context.plan.areas
        if area.cbs_code
        and (area.cbs_code[:2], area.cbs_code[2:6]) in covered
        and area.valid_in(reading.year)
        and area.id not in found
    ]


def _position(issue: SourceIssue) -> int:
    return issue.row or 0


def _load(data: bytes, name: str) -> dict[str, Any]:
    try:
        document = load_json(data.decode("utf-8-sig"), name)
    except UnicodeDecodeError as error:
        raise SourceError(
            [SourceIssue(name, None, None, f"geen UTF-8 tekst (byte {error.start})")]
        ) from None
    except json.JSONDecodeError as error:
        raise SourceError(
            [
                SourceIssue(
                    name,
                    error.lineno,
                    None,
                    f"geen geldige JSON: {error.msg} (kolom {error.colno})",
                )
            ]
        ) from None
    if not isinstance(document, dict):
        raise SourceError(
            [SourceIssue(name, None, None, "geen GeoJSON of TopoJSON: geen JSON-object")]
        )
    return document


def _geojson_features(document: dict[str, Any], issues: _Problems) -> list[_Feature]:
    crs = document.get("crs")
    if crs is not None:
        properties = crs.get("properties") if isinstance(crs, dict) else None
        crs_name = shown(str(properties.get("name", crs) if isinstance(properties, dict) else crs))
        if not _WGS84_CRS.search(crs_name):
            issues.error(
                f"coördinatenstelsel '{crs_name}': alleen WGS84 lengte/breedte "
                f"(EPSG:4326) kan worden ingelezen; zet het bestand eerst om"
            )
    raw = document.get("features")
    if not isinstance(raw, list):
        issues.error("een FeatureCollection zonder lijst 'features'")
        return []
    features = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or item.get("type") != "Feature":
            kind = item.get("type") if isinstance(item, dict) else type(item).__name__
            issues.errors.append(
                SourceIssue(
                    issues.name, number, None, f"geen GeoJSON Feature (type {shown(str(kind))})"
                )
            )
            continue
        features.append(_feature(number, item, item.get("geometry")))
    return features


def _feature(number: int, item: dict[str, Any], geometry: Any) -> _Feature:
    properties = item.get("properties")
    if not isinstance(properties, dict):  # null, or not an object: no properties to read
        properties = {}
    lowered = {str(k).lower(): v for k, v in properties.items()}
    return _Feature(number, lowered, item.get("id"), geometry)


# -- TopoJSON ------------------------------------------------------------------------------


def _topojson_features(document: dict[str, Any], issues: _Problems) -> list[_Feature]:
    try:
        arcs = decode_arcs(document)
    except TopologyError as error:
        issues.error(str(error))
        return []
    objects = document.get("objects")
    if not isinstance(objects, dict) or not objects:
        issues.error("een Topology zonder 'objects'")
        return []
    features: list[_Feature] = []
    for number, obj in enumerate(_flatten(objects.values()), start=1):
        if not isinstance(obj, dict):
            issues.errors.append(SourceIssue(issues.name, number, None, "geen TopoJSON-object"))
            continue
        feature = _feature(number, obj, None)
        features.append(feature)
        try:
            feature.geometry = decode_geometry(obj, arcs)
        except TopologyError as error:
            feature.broken = True
            issues.error(str(error), feature)
    return features


def _flatten(objects: Any) -> Iterator[Any]:
    for obj in objects:
        if isinstance(obj, dict) and obj.get("type") == "GeometryCollection":
            yield from _flatten(obj.get("geometries") or [])
        else:
            yield obj


# -- geometry checks -----------------------------------------------------------------------


def _check_geometry(feature: _Feature, issues: _Problems) -> None:
    if feature.broken:  # a TopoJSON object that could not be decoded: reported already
        return
    if feature.geometry is None:
        issues.problem("geen geometrie (null); overgeslagen", feature)
        return
    for severity, message in geometry_problems(feature.geometry):
        if severity == "error":
            issues.error(message, feature)
        else:
            issues.warning(message, feature)


# -- the boundary year ---------------------------------------------------------------------


def _year(
    features: list[_Feature], name: str, year: int | None, issues: _Problems
) -> tuple[int | None, str]:
    stated: dict[int, _Feature] = {}
    for feature in features:
        value = feature.properties.get("jaar")
        if value is None or value == "":
            continue
        try:
            stated.setdefault(int(str(value).strip()), feature)
        except ValueError:
            issues.error(f"'jaar' is geen jaartal: {shown_json(value)}", feature)
    if year is not None:
        if not 1900 <= year <= 2100:
            issues.error(f"grensjaar {year} ligt niet tussen 1900 en 2100")
        for other, feature in stated.items():
            if other != year:
                issues.warning(
                    f"het bestand zegt jaar {other} ('jaar'), opgegeven is grensjaar {year}; "
                    f"opgeslagen als {year}",
                    feature,
                )
        return year, "opgegeven"
    if len(stated) > 1:
        years = ", ".join(str(y) for y in sorted(stated))
        issues.error(
            f"de objecten noemen verschillende jaren in 'jaar' ({years}); geef het jaar op"
        )
        return None, ""
    if stated:
        (found,) = stated
        if not 1900 <= found <= 2100:
            issues.error(f"'jaar' {found} ligt niet tussen 1900 en 2100")
        return found, "eigenschap 'jaar'"
    in_name = sorted({int(y) for y in _YEAR.findall(name)})
    if len(in_name) == 1:
        return in_name[0], "bestandsnaam"
    reason = (
        f"de bestandsnaam noemt meerdere jaren ({', '.join(map(str, in_name))})"
        if in_name
        else "het bestand noemt geen jaar ('jaar') en de bestandsnaam geen jaartal"
    )
    issues.error(f"grensjaar onbekend: {reason}; geef het jaar op")
    return None, ""


# -- resolving features to plan areas ------------------------------------------------------


def normalise_name(name: str) -> str:
    """An area name for comparison: 'Ĳsselmonde' and 'ijsselmonde ' are the same."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"\s*-\s*", "-", text)
    return " ".join(text.split())


def _resolve(
    features: list[_Feature],
    context: ImportContext,
    reading: BoundaryReading,
    issues: _Problems,
) -> tuple[set[str], set[int]]:
    """(plan areas the file has a feature for, numbers of the features outside the plan)."""
    found: dict[str, list[_Feature]] = defaultdict(list)
    matched: dict[int, str] = {}  # feature number -> the code or name it was matched by
    outside: set[int] = set()
    by_name: list[tuple[_Feature, str, list[Area]]] = []
    names: dict[str, list[Area]] = defaultdict(list)
    for area in context.plan.areas:
        names[normalise_name(area.name)].append(area)
    for feature in features:
        code = feature.code()
        if code is not None:
            entries = context.resolve(code[1], None)
            if not entries:
                reading.unmapped_areas[code[1]] += 1
                outside.add(feature.number)
            else:  # without a crosswalk a code is one area or none
                found[entries[0][0]].append(feature)
                matched[feature.number] = code[1]
            continue
        name = feature.name()
        if name is None:
            issues.problem(
                f"geen code ({', '.join(CODE_PROPERTIES)}) en geen naam "
                f"({', '.join(NAME_PROPERTIES)}); overgeslagen",
                feature,
            )
            continue
        by_name.append((feature, name, names.get(normalise_name(name), [])))
    outside |= _resolve_names(by_name, found, matched, reading, issues)
    plan_areas = {a.id: a for a in context.plan.areas}
    for area_id, members in found.items():
        geometries = [f.geometry for f in members if f.geometry]
        if not geometries:  # null geometries: reported already
            continue
        if len(members) > 1:
            issues.warning(
                f"{len(members)} objecten voor gebied {area_id} "
                f"(posities {', '.join(str(f.number) for f in members)}); "
                f"samengevoegd tot één MultiPolygon",
                members[0],
            )
        reading.boundaries[area_id] = _merge(geometries)
        reading.matched_by[area_id] = ", ".join(dict.fromkeys(matched[f.number] for f in members))
        area = plan_areas[area_id]
        if not area.valid_in(reading.year):
            issues.warning(
                f"gebied {area_id} bestaat volgens het plan niet in {reading.year} "
                f"(geldig {area.valid_from or '…'}–{area.valid_to or '…'}); toch opgeslagen",
                members[0],
            )
    return set(found), outside


def _resolve_names(
    by_name: list[tuple[_Feature, str, list[Area]]],
    found: dict[str, list[_Feature]],
    matched: dict[int, str],
    reading: BoundaryReading,
    issues: _Problems,
) -> set[int]:
    """Match features by name; a name file is one level, the kind most names fit.
    Returns the numbers of the features whose name fits no area of the plan."""
    outside: set[int] = set()
    votes: Counter[str] = Counter()
    for _, _, candidates in by_name:
        votes.update({a.kind.value for a in candidates})
    ranked = votes.most_common(2)
    level = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else None
    for feature, name, candidates in by_name:
        fitting = [a for a in candidates if level is None or a.kind.value == level]
        if len(fitting) == 1:
            found[fitting[0].id].append(feature)
            matched[feature.number] = name
            continue
        reading.unmapped_areas[name] += 1
        if not candidates:
            outside.add(feature.number)
        if len(fitting) > 1:
            issues.warning(
                f"naam '{name}' past bij meerdere gebieden "
                f"({', '.join(a.id for a in fitting)}); overgeslagen",
                feature,
            )
        elif candidates:
            others = ", ".join(f"{a.id} ({a.kind.value})" for a in candidates)
            issues.warning(
                f"naam '{name}' past alleen bij {others}, niet bij de soort {level} van de "
                f"andere namen in dit bestand; overgeslagen",
                feature,
            )
    return outside


def _merge(geometries: list[Geometry]) -> Geometry:
    if len(geometries) == 1:
        return geometries[0]
    polygons = []
    for geometry in geometries:
        if geometry["type"] == "Polygon":
            polygons.append(geometry["coordinates"])
        else:
            polygons.extend(geometry["coordinates"])
    return {"type": "MultiPolygon", "coordinates": polygons}
