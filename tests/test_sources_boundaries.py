"""Boundaries of wijken and buurten: GeoJSON and TopoJSON read against a plan, stored per
boundary year as batches with revisions and undo, on the real Rotterdam files."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from koers.plan import load_plan
from koers.sources import BOUNDARY_READERS, SOURCES, store_boundaries
from koers.sources.base import BoundaryReading, ImportContext, SourceError
from koers.sources.boundaries import GeoJsonBoundaries, normalise_name, read_boundaries
from koers.sources.topojson import TopologyError, decode_arcs, decode_geometry
from koers.store import StoreError
from koers.store import schema as t

from .conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "boundaries"
PLAN = load_plan(FIXTURES / "plan")  # Rotterdam's 2024 wijken (21) and buurten (91)
NPRZ = load_plan(ROOT / "plans" / "nprz-2023-2027")
EXTERNAL = Path(os.environ.get("KOERS_SHARED", ROOT.parent / "shared")) / "data" / "external"
REAL = EXTERNAL / "boundaries"
real = pytest.mark.skipif(not REAL.is_dir(), reason="shared external data not present")


def read(name: str, year: int | None = None, plan: Any = PLAN) -> BoundaryReading:
    path = REAL / name if (REAL / name).is_file() else FIXTURES / name
    return read_boundaries(path.read_bytes(), name, ImportContext(plan), year)


def errors(data: bytes | str, name: str = "grenzen_2024.geojson", year: int | None = None):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(SourceError) as caught:
        read_boundaries(raw, name, ImportContext(PLAN), year)
    return [str(issue) for issue in caught.value.issues]


def square(x: float, y: float, d: float = 0.01) -> list[list[float]]:
    return [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]


def collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def feature(properties: dict[str, Any], ring: list[list[float]] | None = None) -> dict[str, Any]:
    geometry = {"type": "Polygon", "coordinates": [ring or square(4.5, 51.9)]}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def hectares(geometry: dict[str, Any]) -> float:
    """Area on a local flat projection at 51.9° N: good to about 0.5% for Rotterdam."""
    kx, ky = 111_320 * math.cos(math.radians(51.9)), 110_574
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    total = 0.0
    for rings in polygons:
        for index, ring in enumerate(rings):
            area = abs(
                sum(
                    a[0] * kx * b[1] * ky - b[0] * kx * a[1] * ky
                    for a, b in itertools.pairwise(ring)
                )
                / 2
            )
            total += area if index == 0 else -area
    return total / 10_000


# -- TopoJSON, decoded by hand ---------------------------------------------------------------


def test_quantized_arcs_are_delta_decoded_and_transformed():
    # scale (0.001, 0.0005), translate (4.4, 51.9). Arc 1 is [10,10] [-10,0] [0,-10] [10,0]:
    # summed (10,10) (0,10) (0,0) (10,0), so x = 4.4 + 0.001·X and y = 51.9 + 0.0005·Y.
    topology = json.loads((FIXTURES / "topo_buurten_2019.topojson").read_text())
    arcs = decode_arcs(topology)
    assert arcs[0] == [[4.41, 51.9], [4.41, 51.905]]
    assert arcs[1] == [[4.41, 51.905], [4.4, 51.905], [4.4, 51.9], [4.41, 51.9]]
    assert arcs[3] == [
        [4.43, 51.915],
        [4.434, 51.915],
        [4.434, 51.917],
        [4.43, 51.917],
        [4.43, 51.915],
    ]


def test_a_hand_made_topology_decodes_exactly():
    reading = read("topo_buurten_2019.topojson")
    assert (reading.format, reading.year, reading.year_from, reading.features) == (
        "topojson",
        2019,
        "bestandsnaam",
        4,
    )
    assert reading.boundaries == {
        # arcs [0, 1]: arc 0, then arc 1 without its first position; hole [-5]: arc 4 reversed
        "afrikaanderwijk": {
            "type": "Polygon",
            "coordinates": [
                [[4.41, 51.9], [4.41, 51.905], [4.4, 51.905], [4.4, 51.9], [4.41, 51.9]],
                [
                    [4.402, 51.901],
                    [4.402, 51.902],
                    [4.404, 51.902],
                    [4.404, 51.901],
                    [4.402, 51.901],
                ],
            ],
        },
        # [[2, -1]]: arc 2, then arc 0 reversed without its first position; [[3]]: an island
        "bloemhof": {
            "type": "MultiPolygon",
            "coordinates": [
                [[[4.41, 51.9], [4.42, 51.9], [4.42, 51.905], [4.41, 51.905], [4.41, 51.9]]],
                [
                    [
                        [4.43, 51.915],
                        [4.434, 51.915],
                        [4.434, 51.917],
                        [4.43, 51.917],
                        [4.43, 51.915],
                    ]
                ],
            ],
        },
        # a second object of the topology: [[-2, -1]] = arc 1 reversed, then arc 0 reversed
        "gebied-feijenoord": {
            "type": "Polygon",
            "coordinates": [
                [[4.41, 51.9], [4.4, 51.9], [4.4, 51.905], [4.41, 51.905], [4.41, 51.9]]
            ],
        },
    }
    assert reading.matched_by == {
        "afrikaanderwijk": "BU05991086",
        "bloemhof": "BU05991081",
        "gebied-feijenoord": "WK059910",
    }
    assert [str(p) for p in reading.problems] == [
        "topo_buurten_2019.topojson, rij 3: BU05991082 (Hillesluis): geen geometrie (null); "
        "overgeslagen"
    ]
    assert reading.warnings == []


def test_a_topology_without_transform_has_absolute_arcs():
    reading = read("topo_absolute_2018.topojson")
    assert reading.boundaries == {
        "afrikaanderwijk": {
            "type": "Polygon",
            "coordinates": [
                [[4.41, 51.9], [4.41, 51.905], [4.4, 51.905], [4.4, 51.9], [4.41, 51.9]]
            ],
        }
    }


def test_a_broken_topology_names_every_object():
    assert errors(
        (FIXTURES / "topo_kapot_2019.topojson").read_bytes(), "topo_kapot_2019.topojson"
    ) == [
        "topo_kapot_2019.topojson, rij 1: BU05991086: boog 5 bestaat niet; de topologie heeft 1 boog",
        "topo_kapot_2019.topojson, rij 2: BU05991081: boog -3 (boog 2 omgekeerd) bestaat niet; "
        "de topologie heeft 1 boog",
        'topo_kapot_2019.topojson, rij 3: BU05991082: boognummer "0" is geen geheel getal',
        "topo_kapot_2019.topojson, rij 4: BU05991087: geometrietype Point is geen vlak "
        "(alleen Polygon en MultiPolygon)",
    ]


@pytest.mark.parametrize(
    ("topology", "message"),
    [
        ({"type": "Topology", "objects": {}}, "t.json: een Topology zonder lijst 'arcs'"),
        (
            {"type": "Topology", "arcs": [], "transform": {"scale": [1]}, "objects": {}},
            "t.json: 'transform' heeft geen 'scale' en 'translate' van twee getallen",
        ),
        (
            {"type": "Topology", "arcs": [[[0, 0], [1]]]},
            "t.json: boog 0 is geen lijst van posities",
        ),
        ({"type": "Topology", "arcs": []}, "t.json: een Topology zonder 'objects'"),
        (
            {
                "type": "Topology",
                "arcs": [],
                "objects": {"a": {"type": "GeometryCollection", "geometries": [3]}},
            },
            "t.json, rij 1: geen TopoJSON-object",
        ),
    ],
)
def test_a_topology_that_cannot_be_decoded(topology, message):
    assert message in errors(json.dumps(topology), "t.json", 2024)


def test_decode_geometry_refuses_other_types_and_bad_arcs():
    assert decode_geometry({"type": None}, []) is None
    with pytest.raises(TopologyError, match="een MultiPolygon zonder lijst 'arcs'"):
        decode_geometry({"type": "MultiPolygon"}, [])
    with pytest.raises(TopologyError, match="een vlak zonder lijst van ringen"):
        decode_geometry({"type": "Polygon", "arcs": 3}, [])
    with pytest.raises(TopologyError, match="een ring is geen lijst van boognummers"):
        decode_geometry({"type": "Polygon", "arcs": [3]}, [])
    with pytest.raises(TopologyError, match="geometrietype LineString is geen vlak"):
        decode_geometry({"type": "LineString", "arcs": [0]}, [[[0.0, 0.0]]])


# -- resolving features to plan areas --------------------------------------------------------


def test_codes_from_every_property_and_what_is_left_out():
    reading = read("codes_2024.geojson")
    assert (reading.year, reading.year_from, reading.features) == (2024, "bestandsnaam", 10)
    assert reading.matched_by == {
        "gebied-feijenoord": "WK059910",  # wijkcode
        "gebied-ijsselmonde": "WK059912",  # CBS_CODE (any case), and statcode of object 9
        "gebied-charlois": "WK059915",  # the feature's own id
        "gebied-noord": "gebied-noord",  # code: the plan's own id
        "gebied-hoek-van-holland": "Hoek van Holland",  # a numeric id is no code: by name
        "afrikaanderwijk": "BU05991086",  # buurtcode goes before wijkcode
        "gebied-bedrijventerrein-schieveen": "WK059926",
    }
    assert reading.boundaries["gebied-ijsselmonde"] == {
        "type": "MultiPolygon",
        "coordinates": [
            [[[4.55, 51.88], [4.56, 51.88], [4.56, 51.89], [4.55, 51.89], [4.55, 51.88]]],
            [[[4.57, 51.88], [4.58, 51.88], [4.58, 51.89], [4.57, 51.89], [4.57, 51.88]]],
        ],
    }
    assert dict(reading.unmapped_areas) == {"WK059999": 1}
    assert [str(p) for p in reading.problems] == [
        "codes_2024.geojson, rij 8: object 8: geen code (statcode, buurtcode, bu_code, wijkcode, "
        "wk_code, gemeentecode, gm_code, id, code, cbs_code) en geen naam (name, naam); "
        "overgeslagen"
    ]
    assert [str(w) for w in reading.warnings] == [
        "codes_2024.geojson, rij 2: WK059912: 2 objecten voor gebied gebied-ijsselmonde "
        "(posities 2, 9); samengevoegd tot één MultiPolygon",
        "codes_2024.geojson, rij 3: WK059915 (Charlois): binnenring 1 is ontaard (4 punten, "
        "oppervlak 0); opgeslagen zoals het bestand hem geeft — neem zo nodig een ander grensjaar",
        "codes_2024.geojson, rij 10: WK059926: gebied gebied-bedrijventerrein-schieveen bestaat "
        "volgens het plan niet in 2024 (geldig …–2017); toch opgeslagen",
    ]
    # the file has wijk and buurt codes of Rotterdam: the plan's others are said to be missing
    coded = {a.id for a in PLAN.areas if a.cbs_code and a.cbs_code[:2] in ("WK", "BU")}
    lacking = {a for a in coded if PLAN.area(a).valid_in(2024)} - set(reading.matched_by)
    # the 21 wijken of 2024 less the 5 matched, the 91 buurten less Afrikaanderwijk
    assert len(reading.missing) == len(lacking) == 21 - 5 + 91 - 1
    assert str(reading.missing[0]) == (
        "codes_2024.geojson: WK059901 (Rotterdam Centrum): gebied gebied-rotterdam-centrum "
        "staat niet in het bestand; geen grens voor 2024"
    )
    assert reading.report() == [
        "7 grenzen voor grensjaar 2024 (bestandsnaam) uit 10 objecten",
        "1 object overgeslagen:",
        f"  {reading.problems[0]}",
        f"{len(lacking)} gebieden van het plan niet in het bestand:",
        *(f"  {m}" for m in reading.missing),
        "3 waarschuwingen:",
        *(f"  {w}" for w in reading.warnings),
        "1 code of naam niet in het plan, overgeslagen: WK059999",
    ]


def test_names_resolve_case_insensitively_with_the_ij_ligature():
    assert normalise_name("  Ĳsselmonde ") == normalise_name("IJSSELMONDE") == "ijsselmonde"
    assert normalise_name("Hillegersberg - Schiebroek") == "hillegersberg-schiebroek"
    reading = read("gebieden_namen.geojson")
    assert (reading.year, reading.year_from) == (2020, "eigenschap 'jaar'")
    assert reading.matched_by == {
        "gebied-ijsselmonde": "Ĳsselmonde",
        # also the name of buurt Feijenoord; most names in the file are gebieden (district)
        "gebied-feijenoord": "FEIJENOORD",
        "gebied-charlois": "Charlois",
        "gebied-hillegersberg-schiebroek": "Hillegersberg - Schiebroek",
    }
    assert dict(reading.unmapped_areas) == {"Waalhaven": 1, "Atlantis": 1}
    assert [str(w) for w in reading.warnings] == [
        "gebieden_namen.geojson, rij 5: 'Waalhaven': naam 'Waalhaven' past alleen bij waalhaven "
        "(buurt), niet bij de soort district van de andere namen in dit bestand; overgeslagen"
    ]


def test_a_name_that_fits_two_kinds_equally_resolves_to_nothing():
    assert errors(collection(feature({"name": "Delfshaven"}))) == [
        "grenzen_2024.geojson: geen enkel object geeft een grens voor een gebied van het plan "
        "(codes of namen niet in het plan: Delfshaven)",
        "grenzen_2024.geojson, rij 1: 'Delfshaven': naam 'Delfshaven' past bij meerdere gebieden "
        "(gebied-delfshaven, delfshaven); overgeslagen",
    ]


def test_a_file_of_null_geometries_says_why_nothing_is_imported():
    null = {"type": "Feature", "properties": {"statcode": "BU05991086"}, "geometry": None}
    assert errors(collection(null)) == [
        "grenzen_2024.geojson: geen enkel object geeft een grens voor een gebied van het plan "
        "(codes of namen niet in het plan: geen)",
        "grenzen_2024.geojson, rij 1: BU05991086: geen geometrie (null); overgeslagen",
    ]


# -- the boundary year -----------------------------------------------------------------------


def test_the_given_year_wins_and_a_different_jaar_is_a_warning():
    data = collection(feature({"statcode": "BU05991086", "jaar": 2023}))
    reading = read_boundaries(data.encode(), "buurten_2015.geojson", ImportContext(PLAN), 2024)
    assert (reading.year, reading.year_from) == (2024, "opgegeven")
    assert [str(w) for w in reading.warnings] == [
        "buurten_2015.geojson, rij 1: BU05991086: het bestand zegt jaar 2023 ('jaar'), "
        "opgegeven is grensjaar 2024; opgeslagen als 2024"
    ]
    reading = read_boundaries(data.encode(), "buurten_2015.geojson", ImportContext(PLAN), None)
    assert (reading.year, reading.year_from) == (2023, "eigenschap 'jaar'")


@pytest.mark.parametrize(
    ("name", "jaren", "year", "message"),
    [
        (
            "grenzen.geojson",
            [None],
            None,
            "grenzen.geojson: grensjaar onbekend: het bestand noemt geen jaar ('jaar') en de "
            "bestandsnaam geen jaartal; geef het jaar op",
        ),
        (
            "wijken_2015_2016.geojson",
            [None],
            None,
            "wijken_2015_2016.geojson: grensjaar onbekend: de bestandsnaam noemt meerdere jaren "
            "(2015, 2016); geef het jaar op",
        ),
        (
            "grenzen_2024.geojson",
            [2015, "2016"],
            None,
            "grenzen_2024.geojson: de objecten noemen verschillende jaren in 'jaar' (2015, 2016); "
            "geef het jaar op",
        ),
        (
            "grenzen_2024.geojson",
            ["vorig jaar"],
            None,
            "grenzen_2024.geojson, rij 1: BU05991086: 'jaar' is geen jaartal: \"vorig jaar\"",
        ),
        (
            "grenzen_2024.geojson",
            [None],
            1850,
            "grenzen_2024.geojson: grensjaar 1850 ligt niet tussen 1900 en 2100",
        ),
        (
            "grenzen_2024.geojson",
            [3024],
            None,
            "grenzen_2024.geojson: 'jaar' 3024 ligt niet tussen 1900 en 2100",
        ),
    ],
)
def test_a_year_that_cannot_be_told(name, jaren, year, message):
    features = [
        feature({"statcode": "BU05991086", **({"jaar": j} if j is not None else {})}) for j in jaren
    ]
    assert message in errors(collection(*features), name, year)


# -- errors that stop the whole file ---------------------------------------------------------


def test_every_bad_geometry_is_named_and_nothing_is_read():
    assert errors((FIXTURES / "kapot_2024.geojson").read_bytes(), "kapot_2024.geojson") == [
        "kapot_2024.geojson, rij 1: BU05991086: buitenring: positie (4.41, 95) ligt buiten WGS84 "
        "lengte/breedte (lengte -180..180, breedte -90..90); zet het bestand om naar EPSG:4326",
        "kapot_2024.geojson, rij 2: BU05991081: buitenring: ring is niet gesloten (eerste en "
        "laatste positie verschillen)",
        "kapot_2024.geojson, rij 3: BU05991082: geometrietype Point is geen vlak (alleen Polygon "
        "en MultiPolygon)",
        'kapot_2024.geojson, rij 4: BU05991087: buitenring: ongeldige positie ["4.4", 51.9]',
        "kapot_2024.geojson, rij 5: BU05991088: MultiPolygon zonder lijst van vlakken in "
        "'coordinates'",
        "kapot_2024.geojson, rij 6: geen GeoJSON Feature (type Polygon)",
        "kapot_2024.geojson, rij 7: BU05991080: vlak 2: binnenring 1: positie (-200, 51.91) ligt "
        "buiten WGS84 lengte/breedte (lengte -180..180, breedte -90..90); zet het bestand om naar "
        "EPSG:4326",
    ]


def test_rd_new_coordinates_are_refused_and_named():
    assert errors((FIXTURES / "rd_new_2024.geojson").read_bytes(), "rd_new_2024.geojson") == [
        "rd_new_2024.geojson: coördinatenstelsel 'urn:ogc:def:crs:EPSG::28992': alleen WGS84 "
        "lengte/breedte (EPSG:4326) kan worden ingelezen; zet het bestand eerst om",
        "rd_new_2024.geojson, rij 1: BU05991086: buitenring: positie (92000, 436000) ligt buiten "
        "WGS84 lengte/breedte (lengte -180..180, breedte -90..90) — dit lijkt RD New "
        "(EPSG:28992) in meters; zet het bestand om naar EPSG:4326",
    ]


def test_a_wgs84_crs_is_accepted():
    data = json.loads(collection(feature({"statcode": "BU05991086"})))
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    assert set(
        read_boundaries(
            json.dumps(data).encode(), "b_2024.json", ImportContext(PLAN), None
        ).boundaries
    ) == {"afrikaanderwijk"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe{}", "grenzen_2024.geojson: geen UTF-8 tekst (byte 0)"),
        (
            b'{"type": "FeatureCollection",\n "features": [}',
            "grenzen_2024.geojson, rij 2: geen geldige JSON: Expecting value (kolom 15)",
        ),
        (b"[1, 2]", "grenzen_2024.geojson: geen GeoJSON of TopoJSON: geen JSON-object"),
        (
            b'{"type": "Feature"}',
            'grenzen_2024.geojson: geen GeoJSON FeatureCollection of TopoJSON Topology (type: "Feature")',
        ),
        (
            b'{"type": "FeatureCollection"}',
            "grenzen_2024.geojson: een FeatureCollection zonder lijst 'features'",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
            b'{"statcode": "BU05991086"}, "geometry": {"type": "Polygon", "coordinates": [7]}}]}',
            "grenzen_2024.geojson, rij 1: BU05991086: buitenring: geen lijst van posities",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
            b'{"statcode": "BU05991086"}, "geometry": {"type": "MultiPolygon", "coordinates": [7]}}]}',
            "grenzen_2024.geojson, rij 1: BU05991086: vlak 1: geen lijst van ringen",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
            b'{"statcode": "BU05991086"}, "geometry": {"type": "Polygon", "coordinates": '
            b"[[[4.4, NaN], [4.4, 51.9]]]}}]}",
            "grenzen_2024.geojson, rij 1: BU05991086: buitenring: ongeldige positie [4.4, NaN]",
        ),
    ],
)
def test_a_file_that_is_no_boundary_file(data, message):
    assert message in errors(data)


def test_degenerate_rings_and_empty_polygons_are_warnings():
    triangle = [[4.4, 51.9], [4.41, 51.9], [4.4, 51.9]]
    data = json.loads(collection(feature({"statcode": "BU05991086"}, triangle)))
    data["features"].append(
        {
            "type": "Feature",
            "properties": {"statcode": "BU05991081"},
            "geometry": {"type": "MultiPolygon", "coordinates": [[]]},
        }
    )
    reading = read_boundaries(json.dumps(data).encode(), "x_2024.json", ImportContext(PLAN), None)
    assert set(reading.boundaries) == {"afrikaanderwijk", "bloemhof"}
    assert [w.message for w in reading.warnings] == [
        "BU05991086: buitenring is ontaard (3 punten, oppervlak 0); opgeslagen zoals het bestand "
        "hem geeft — neem zo nodig een ander grensjaar",
        "BU05991081: vlak 1: vlak zonder ringen",
    ]


# -- a national file: what matters to the plan first, the rest in one line ---------------------

SMALL = """
programme: {id: p, name: P, area: zuid, period_start: 2023, period_end: 2027, horizon: 2031}
areas:
  - {id: rotterdam, name: Rotterdam, kind: municipality, cbs_code: GM0599}
  - {id: bloemhof, name: Bloemhof, kind: buurt, cbs_code: BU05991081}
  - {id: afrikaanderwijk, name: Afrikaanderwijk, kind: buurt, cbs_code: BU05991086}
  - {id: feijenoord, name: Feijenoord, kind: buurt, cbs_code: BU05991087}
  - {id: noordereiland, name: Noordereiland, kind: buurt, cbs_code: BU05991088}
  - {id: zuid, name: Zuid, kind: group, members: [bloemhof, afrikaanderwijk, feijenoord, noordereiland]}
"""


def national_buurten(outside: int = 1_200) -> bytes:
    """A national buurt file as CBS publishes it, in small: three of the plan's four buurten
    (Afrikaanderwijk without geometry, Feijenoord a 3-point ring of zero area, Noordereiland
    not at all), and ``outside`` buurten of other gemeenten, two of them without geometry and
    three of them 3-point rings."""
    triangle = [[4.5, 51.9], [4.51, 51.9], [4.5, 51.9]]
    features = [
        feature({"buurtcode": "BU05991081", "buurtnaam": "Bloemhof"}),
        {"type": "Feature", "properties": {"buurtcode": "BU05991086"}, "geometry": None},
        feature({"buurtcode": "BU05991087", "buurtnaam": "Feijenoord"}, triangle),
    ]
    for n in range(outside):
        properties = {"buurtcode": f"BU{3000 + n // 100:04d}{n % 100:04d}"}
        if n in (7, 700):
            features.append({"type": "Feature", "properties": properties, "geometry": None})
        else:
            features.append(feature(properties, triangle if n in (1, 2, 999) else None))
    return collection(*features).encode()


def test_a_national_file_puts_the_plan_areas_first_and_the_rest_in_one_line():
    from koers.plan import plan_from_documents

    plan = plan_from_documents({"plan.yaml": SMALL})
    name = "buurten_2024.geojson"
    reading = read_boundaries(national_buurten(), name, ImportContext(plan), None)
    assert set(reading.boundaries) == {"bloemhof", "feijenoord"}
    degenerate = (
        "buitenring is ontaard (3 punten, oppervlak 0); opgeslagen zoals het bestand hem "
        "geeft — neem zo nodig een ander grensjaar"
    )
    assert reading.report() == [
        "2 grenzen voor grensjaar 2024 (bestandsnaam) uit 1.203 objecten",
        "1 object overgeslagen:",
        f"  {name}, rij 2: BU05991086: geen geometrie (null); overgeslagen",
        "1 gebied van het plan niet in het bestand:",
        f"  {name}: BU05991088 (Noordereiland): gebied noordereiland staat niet in het "
        "bestand; geen grens voor 2024",
        "1 waarschuwing:",
        f"  {name}, rij 3: BU05991087 (Feijenoord): {degenerate}",
        "1.200 codes of namen niet in het plan, overgeslagen (daarbij 2 objecten zonder "
        "geometrie, 3 objecten met een ontaarde ring of een leeg vlak): BU30000000, "
        "BU30000001, BU30000002, BU30000003, BU30000004, BU30000005, BU30000006, BU30000007, "
        "BU30000008, BU30000009, BU30000010, BU30000011 en 1.188 meer",
    ]
    assert len(reading.unmapped_areas) == 1_200


@real
def test_the_2015_buurten_on_the_nprz_plan_say_only_what_concerns_zuid():
    # Witte Dorp (null) and Landzicht (a 3-point ring) lie outside Zuid; Wielewaal and
    # Heijplaat (3-point rings too) are buurten of the plan
    reading = read("rotterdam_buurten_2015_wgs84.geojson", plan=NPRZ)
    assert reading.problems == [] and reading.missing == []
    assert [w.row for w in reading.warnings] == [69, 73]
    assert reading.report()[1:3] == ["2 waarschuwingen:", f"  {reading.warnings[0]}"]
    assert reading.report()[-1].startswith(
        "69 codes of namen niet in het plan, overgeslagen (daarbij 1 object zonder geometrie, "
        "1 object met een ontaarde ring of een leeg vlak): BU05990110, "
    )
    assert len(reading.report()) == 5


# -- the real files --------------------------------------------------------------------------


@real
def test_the_2024_buurten_all_resolve_and_match_cbs_areas():
    reading = read("rotterdam_buurten_2024_wgs84.geojson")
    assert (reading.format, reading.year, reading.features) == ("geojson", 2024, 91)
    assert len(reading.boundaries) == 91
    assert not reading.unmapped_areas and not reading.problems and not reading.warnings
    buurten = {a.id for a in PLAN.areas if a.kind.value == "buurt"}
    assert set(reading.boundaries) == buurten
    kinds = {g["type"] for g in reading.boundaries.values()}
    assert kinds == {"Polygon", "MultiPolygon"}
    assert reading.boundaries["maasvlakte"]["type"] == "MultiPolygon"
    # Afrikaanderwijk: an 8-position ring starting at 4.498421, 51.906356; about 62.8 ha,
    # where the CBS Wijk- en Buurtkaart 2024 says oppervlakte_totaal_in_ha = 62.
    ring = reading.boundaries["afrikaanderwijk"]["coordinates"][0]
    assert (len(ring), ring[0]) == (8, [4.498421, 51.906356])
    assert hectares(reading.boundaries["afrikaanderwijk"]) == pytest.approx(62.8, abs=0.1)
    # every buurt's polygon within 10% of CBS's total area (Rivium 0.92 .. Landzicht 1.06)
    with (EXTERNAL / "cbs_kwb" / "cbs_wbk_2024_rotterdam_buurten.csv").open(encoding="utf-8") as f:
        cbs = {r["buurtcode"]: float(r["oppervlakte_totaal_in_ha"]) for r in csv.DictReader(f)}
    codes = {a.id: a.cbs_code for a in PLAN.areas}
    ratios = {a: hectares(g) / cbs[codes[a]] for a, g in reading.boundaries.items()}
    assert all(0.9 < r < 1.1 for r in ratios.values()), ratios


@real
def test_the_2024_wijken_all_resolve():
    reading = read("rotterdam_wijken_2024_wgs84.geojson")
    assert len(reading.boundaries) == 21
    assert not reading.unmapped_areas and not reading.problems and not reading.warnings
    assert reading.matched_by["gebied-charlois"] == "WK059915"
    assert reading.report() == ["21 grenzen voor grensjaar 2024 (bestandsnaam) uit 21 objecten"]


@real
def test_the_2015_buurten_report_witte_dorp_and_three_degenerate_triangles():
    reading = read("rotterdam_buurten_2015_wgs84.geojson")
    assert (reading.year, reading.features, len(reading.boundaries)) == (2015, 92, 90)
    # Bedrijventerrein Schieveen is a buurt of 2015, no longer of 2024
    assert dict(reading.unmapped_areas) == {"BU05992650": 1}
    name = "rotterdam_buurten_2015_wgs84.geojson"
    assert [str(p) for p in reading.problems] == [
        f"{name}, rij 14: BU05990328 (Witte Dorp): geen geometrie (null); overgeslagen"
    ]
    degenerate = "buitenring is ontaard (3 punten, oppervlak 0); opgeslagen zoals het bestand hem geeft — neem zo nodig een ander grensjaar"
    assert [str(w) for w in reading.warnings] == [
        f"{name}, rij 21: BU05990457 (Landzicht): {degenerate}",
        f"{name}, rij 69: BU05991575 (Wielewaal): {degenerate}",
        f"{name}, rij 73: BU05991593 (Heijplaat): {degenerate}",
    ]
    assert "witte-dorp" not in reading.boundaries
    assert reading.boundaries["landzicht"]["coordinates"] == [
        [[4.428839, 51.943482], [4.42813, 51.946169], [4.428839, 51.943482]]
    ]


@real
def test_the_2016_wijken_report_their_three_null_geometries():
    reading = read("rotterdam_wijken_2016_wgs84.geojson")
    name = "rotterdam_wijken_2016_wgs84.geojson"
    assert [str(p) for p in reading.problems] == [
        f"{name}, rij 19: WK059924 (Rotterdam-Noord-West): geen geometrie (null); overgeslagen",
        f"{name}, rij 20: WK059925 (Rivium): geen geometrie (null); overgeslagen",
        f"{name}, rij 21: WK059926 (Bedrijventerrein Schieveen): geen geometrie (null); "
        f"overgeslagen",
    ]
    assert (reading.year, reading.features, len(reading.boundaries)) == (2016, 22, 19)
    assert not reading.unmapped_areas and not reading.warnings
    assert "gebied-rivium" not in reading.boundaries


@real
def test_the_gebieden_2013_resolve_by_name():
    reading = read("rotterdam_gebieden_2013_wgs84.geojson")
    assert (reading.year, reading.features, len(reading.boundaries)) == (2013, 22, 19)
    assert reading.matched_by["gebied-ijsselmonde"] == "Ĳsselmonde"
    assert reading.matched_by["gebied-feijenoord"] == "Feijenoord"  # not buurt Feijenoord
    assert reading.matched_by["gebied-bedrijventerrein-schieveen"] == "Bedrijventerrein Schieveen"
    # 2013 names for what the 2024 wijken call Waalhaven-Eemhaven, Botlek-Europoort-Maasvlakte
    # and Rotterdam-Noord-West: the same names are 2024 buurten, which a gebied is not
    assert dict(reading.unmapped_areas) == {
        "Waalhaven": 1,
        "Botlek": 1,
        "Bedrijvenpark Noord-West": 1,
    }
    assert [w.row for w in reading.warnings] == [4, 5, 20]
    assert not reading.problems


@real
def test_the_carto_buurten_need_a_year():
    name = "rotterdam_buurten_detailed_carto_wgs84.geojson"
    assert errors((REAL / name).read_bytes(), name) == [
        f"{name}: grensjaar onbekend: het bestand noemt geen jaar ('jaar') en de bestandsnaam "
        f"geen jaartal; geef het jaar op"
    ]
    reading = read(name, year=2014)
    assert (reading.year_from, reading.features, len(reading.boundaries)) == ("opgegeven", 92, 91)
    assert dict(reading.unmapped_areas) == {"BU05992650": 1}


@real
def test_the_nprz_plan_gets_its_23_buurten_and_its_gebieden():
    reading = read("rotterdam_buurten_2024_wgs84.geojson", plan=NPRZ)
    assert sorted(reading.boundaries) == [
        "afrikaanderwijk", "beverwaard", "bloemhof", "carnisse", "charlois-zuidrand",
        "feijenoord", "groot-ijsselmonde", "heijplaat", "hillesluis", "katendrecht",
        "kop-van-zuid", "kop-van-zuid-entrepot", "lombardijen", "noordereiland", "oud-charlois",
        "oud-ijsselmonde", "pendrecht", "tarwewijk", "vreewijk", "wielewaal", "zuiderpark",
        "zuidplein", "zuidwijk",
    ]  # fmt: skip
    assert reading.report()[1] == (
        "68 codes of namen niet in het plan, overgeslagen: BU05990110, BU05990111, BU05990112, "
        "BU05990113, BU05990118, BU05990119, BU05990320, BU05990321, BU05990322, BU05990323, "
        "BU05990324, BU05990325 en 56 meer"
    )
    gebieden = read("rotterdam_gebieden_2013_wgs84.geojson", plan=NPRZ)
    # the three gebieden of Zuid, and Hoogvliet and Pernis, which the Zuidoever adds
    assert sorted(gebieden.boundaries) == [
        "gebied-charlois",
        "gebied-feijenoord",
        "gebied-ijsselmonde",
        "hoogvliet",
        "pernis",
    ]


# -- the Source seam -------------------------------------------------------------------------


def test_the_reader_sniffs_boundary_files_and_reads_boundaries_not_figures():
    source = GeoJsonBoundaries()
    assert source.format == "geojson"
    assert source.sniff((FIXTURES / "topo_buurten_2019.topojson").read_bytes(), "t.topojson")
    assert source.sniff((FIXTURES / "codes_2024.geojson").read_bytes(), "c.geojson")
    late = json.dumps({"features": [feature({"name": "x" * 5000})], "type": "FeatureCollection"})
    assert source.sniff(late.encode(), "late.json")  # "type" after the first 4096 characters
    assert not source.sniff(b"indicator,area,period,value\n", "c.csv")
    assert not source.sniff(b'{"value": [{"Codering_3": "GM0599"}]}', "odata.json")
    assert not source.sniff(b'{"type": "Feature", ' + b" " * 5000 + b"}", "f.json")
    assert not source.sniff(b"{ not json", "x.json")
    # boundaries are not figures: the reader has no ``read`` and is no figure source
    assert not hasattr(source, "read")
    assert isinstance(BOUNDARY_READERS["geojson"], GeoJsonBoundaries)
    assert "geojson" not in SOURCES
    topology = (FIXTURES / "topo_buurten_2019.topojson").read_bytes()
    reading = source.read_boundaries(topology, "t.topojson", ImportContext(PLAN), 2019)
    assert reading == read_boundaries(topology, "t.topojson", ImportContext(PLAN), 2019)
    assert len(reading.boundaries) == 3


@real
def test_every_real_boundary_file_is_sniffed():
    for path in sorted(REAL.glob("*.geojson")):
        assert GeoJsonBoundaries().sniff(path.read_bytes(), path.name), path.name
    cbs = EXTERNAL / "cbs_kwb" / "cbs_kwb_2017_rotterdam_odata_extract.json"
    assert not GeoJsonBoundaries().sniff(cbs.read_bytes(), cbs.name)


# -- the store -------------------------------------------------------------------------------


@pytest.fixture
def loaded(store):
    store.save_plan(PLAN)
    return store


def stored(
    store, path: Path, year: int | None = None, name: str | None = None, data: bytes | None = None
):
    data = path.read_bytes() if data is None else data
    name = name or path.name
    reading = read_boundaries(data, name, ImportContext(PLAN), year)
    checksum = hashlib.sha256(data).hexdigest()
    return store_boundaries(
        store, "grenzen", reading, source_name=name, checksum=checksum, user="tester"
    )


def current_boundaries(store, programme: str, year: int) -> dict[str, Any]:
    with store.transaction() as tx:
        return tx.boundaries.current(programme, year)


def boundary_rows(store) -> list[tuple[str, int, int]]:
    b = t.boundaries
    with store.engine.begin() as c:
        return list(
            c.execute(
                select(b.c.area_id, b.c.year, b.c.revision).order_by(
                    b.c.area_id, b.c.year, b.c.revision
                )
            ).all()
        )


@real
def test_store_round_trip_is_idempotent_and_undo_hides_the_boundaries(loaded):
    path = REAL / "rotterdam_buurten_2024_wgs84.geojson"
    first = stored(loaded, path)
    assert (first.rows, first.added, first.revised, first.unchanged) == (91, 91, 0, 0)
    current = current_boundaries(loaded, "grenzen", 2024)
    raw = json.loads(path.read_text(encoding="utf-8"))
    afrikaanderwijk = next(f for f in raw["features"] if f["id"] == "BU05991086")
    assert current["afrikaanderwijk"] == afrikaanderwijk["geometry"]
    assert current == read("rotterdam_buurten_2024_wgs84.geojson").boundaries
    assert current_boundaries(loaded, "grenzen", 2015) == {}

    again = stored(loaded, path)
    assert (again.batch, again.duplicate_of) == (first.batch, first.batch)
    assert len(boundary_rows(loaded)) == 91

    # the same boundaries in other bytes: a new batch that writes nothing
    same = stored(loaded, path, data=path.read_bytes() + b"\n")
    assert (same.added, same.revised, same.unchanged) == (0, 0, 91)
    assert len(boundary_rows(loaded)) == 91

    batches = {b.id: b for b in loaded.batches("grenzen")}
    assert (batches[first.batch].format, batches[first.batch].source_name) == (
        "geojson",
        "rotterdam_buurten_2024_wgs84.geojson",
    )
    assert (batches[first.batch].rows, batches[first.batch].created_by) == (91, "tester")

    loaded.undo_batch(first.batch)
    assert current_boundaries(loaded, "grenzen", 2024) == {}
    assert len(boundary_rows(loaded)) == 91  # history stays


@real
def test_a_changed_boundary_is_a_new_revision_and_undo_brings_back_the_old_one(loaded):
    wijken = stored(loaded, REAL / "rotterdam_wijken_2024_wgs84.geojson")
    assert wijken.added == 21
    real_feijenoord = current_boundaries(loaded, "grenzen", 2024)["gebied-feijenoord"]
    changed = stored(loaded, FIXTURES / "codes_2024.geojson")
    # 5 wijken get another shape; afrikaanderwijk and bedrijventerrein-schieveen are new
    assert (changed.rows, changed.added, changed.revised, changed.unchanged) == (7, 2, 5, 0)
    current = current_boundaries(loaded, "grenzen", 2024)
    square_feijenoord = read("codes_2024.geojson").boundaries["gebied-feijenoord"]
    assert current["gebied-feijenoord"] == square_feijenoord
    assert len(current) == 23

    loaded.undo_batch(changed.batch)
    current = current_boundaries(loaded, "grenzen", 2024)
    assert current["gebied-feijenoord"] == real_feijenoord
    assert len(current) == 21

    # imported again after the undo: a new batch, revision 3 (the undone 2 keeps its number)
    redo = stored(loaded, FIXTURES / "codes_2024.geojson")
    assert redo.batch != changed.batch and redo.duplicate_of is None
    assert ("gebied-feijenoord", 2024, 3) in boundary_rows(loaded)
    assert current_boundaries(loaded, "grenzen", 2024)["gebied-feijenoord"] == square_feijenoord


def test_a_topology_is_stored_as_format_topojson_per_year(loaded):
    result = stored(loaded, FIXTURES / "topo_buurten_2019.topojson")
    assert (result.rows, result.added) == (3, 3)
    assert [b.format for b in loaded.batches("grenzen")] == ["topojson"]
    assert set(current_boundaries(loaded, "grenzen", 2019)) == {
        "afrikaanderwijk",
        "bloemhof",
        "gebied-feijenoord",
    }
    stored(loaded, FIXTURES / "topo_absolute_2018.topojson")
    assert set(current_boundaries(loaded, "grenzen", 2018)) == {"afrikaanderwijk"}
    assert boundary_rows(loaded) == [
        ("afrikaanderwijk", 2018, 1),
        ("afrikaanderwijk", 2019, 1),
        ("bloemhof", 2019, 1),
        ("gebied-feijenoord", 2019, 1),
    ]


def test_the_latest_boundaries_are_those_of_the_latest_year_up_to_the_one_asked(loaded):
    stored(loaded, FIXTURES / "topo_buurten_2019.topojson")
    stored(loaded, FIXTURES / "topo_absolute_2018.topojson")
    assert loaded.latest_boundaries("grenzen") == current_boundaries(loaded, "grenzen", 2019)
    assert loaded.latest_boundaries("grenzen", 2018) == current_boundaries(loaded, "grenzen", 2018)
    assert loaded.latest_boundaries("grenzen", 2017) == {}
    with loaded.transaction() as tx:
        assert set(tx.boundaries.latest("grenzen", 2030)) == {
            "afrikaanderwijk",
            "bloemhof",
            "gebied-feijenoord",
        }


def test_the_store_refuses_areas_its_plan_does_not_have(loaded):
    reading = read("topo_absolute_2018.topojson")
    reading.boundaries["atlantis"] = reading.boundaries["afrikaanderwijk"]
    with pytest.raises(
        StoreError, match=r"gebieden niet in het plan van 'grenzen' in de store: atlantis"
    ):
        store_boundaries(loaded, "grenzen", reading, source_name="x", checksum="c")
    with pytest.raises(StoreError, match="programma 'elders' staat niet in de database"):
        store_boundaries(loaded, "elders", reading, source_name="x", checksum="c")
    with loaded.engine.begin() as c:
        assert c.scalar(select(func.count()).select_from(t.import_batches)) == 0
