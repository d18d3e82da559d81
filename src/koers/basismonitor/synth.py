"""A seeded synthetic Basismonitor panel whose marginals reproduce Tabel 1 of the NPRZ plan.

The panel has exactly :data:`koers.basismonitor.schema.SCHEMA` and is written as
``out/year=YYYY/part-NNNNN.parquet``: one row per person alive and resident in Nederland in
that year. It stands in for the real microdata (which stays inside the secure environment)
in tests, demos and benchmarks, from a few thousand persons to the 17.5 million of the
whole country. ``docs/basismonitor.md`` describes the result and the counting definitions.

Design
------
*Households first.* A chunk draws households (one-person, couple, family) at a location,
with members: head, partner, children (including children born during the panel years).
Children leave home between 18 and 27 and form a one-person household of their own. Some
households arrive during the panel (immigration, household formation) and some leave
(emigration); persons die by a Gompertz hazard. Households move as a unit (a few % a year,
higher-educated households leave Zuid more often).

*Careers.* Persons born at most 30 years before the first panel year run through a school
career: po groep 1-8, vo (pro, vmbo, havo, vwo, 5/4/5/6 leerjaren), then mbo, hbo or wo,
ending with a diploma or by dropping out. A 25-year burn-in before the first panel year
gives everyone a consistent history, so a 20-year-old in 2011 has the diplomas of her
career. Older persons get a static education level.

*Persistence.* Every person draws a latent advantage once; school scores, education and
the economic scores derive from it. Households and persons carry AR(1) latent scores for
need, health and work, so states persist from year to year (bijstand this year makes
bijstand next year likely) and cohort flows are meaningful.

*Calibration.* The country is split into seven disjoint cells (:data:`CELLS`): the 7
focuswijken, the rest of Zuid, the rest of Rotterdam, Amsterdam, Den Haag, Utrecht and
the rest of Nederland. Each cell gets a target per Tabel 1 row and year: the published
values "in 2011" and in the latest column, interpolated linearly in between and held flat
outside (:func:`calibration_targets`; values missing from Tabel 1 are filled by the rules
in ``docs/basismonitor.md``). Three mechanisms reach them:

- *rank calibration* (rows R5, R6, R7, R8, R12, R16-R20, R15): within a cell and year the
  units with the lowest score are selected until the target share is reached, so the
  marginal is exact up to rounding while who is selected follows the persistent scores
  (R12: of the pupils who would leave school without a startkwalificatie, the others get
  a second chance in entree);
- *monotone top-up* (R4, R14): education never falls; when a cell's share of middelbaar
  or hoog educated is below target, laag-educated adults are upgraded (adult education
  or foreign diplomas being recognised);
- *structural parameters* (R2, R3, R9-R11, R13): household mix, vo success rates and the
  mbo success rate are solved from the targets so that the expected share matches.

*Chunks and reproducibility.* Persons are generated in chunks of :data:`CHUNK_PERSONS`
(vectorised numpy, no loop per person); each chunk writes one part file per year, so
memory is bounded by the chunk, not by the panel. Chunk ``k`` draws from
``SeedSequence(seed, spawn_key=(k,))``: the data depend on the seed and the chunk size (a
fixed constant), never on how many chunks run or in which order. Calibration is done per
chunk, so at a small scale the marginals carry sampling error and at a large scale they
are close to exact.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from koers.basismonitor import schema, synthfields

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Scope = Literal["nl", "g4"]

CHUNK_PERSONS = 250_000
BASE_YEAR = 2011  # the year of the "in 2011" columns of Tabel 1
BURN_IN_YEARS = 25  # school careers start this many years before the first panel year
CAREER_AGE = 30  # persons at most this old in the first panel year have a school career
NO_YEAR = 9999

# --- Tabel 1 -----------------------------------------------------------------------------
# indicator: (year of the latest column, {area: latest value}, {area: value "in 2011"}).
# Copied from plans/nprz-2023-2027/data/10-ambitie-wijken.csv (a test keeps them equal);
# periods are mapped to years with koers.plan.period.period_year.
TABLE_1: Mapping[str, tuple[int, Mapping[str, float], Mapping[str, float]]] = {
    "T1.R2": (
        2021,
        {"nl": 30.3, "g4": 32.4, "amsterdam": 30.8, "den-haag": 32.2, "utrecht": 36.2,
         "rotterdam": 32.7, "zuid": 33.8, "focuswijken": 36.9},
        {"g4": 33.8, "zuid": 35.2},
    ),
    "T1.R3": (
        2021,
        {"nl": 19.2, "g4": 27.0, "amsterdam": 28.9, "den-haag": 25.4, "utrecht": 16.8,
         "rotterdam": 33.0, "zuid": 39.6, "focuswijken": 40.2},
        {"g4": 28.0, "zuid": 38.2},
    ),
    "T1.R4": (
        2019,
        {"nl": 9.4, "g4": 15.5, "rotterdam": 17.7, "zuid": 23.2, "focuswijken": 26.8},
        {"g4": 28.0, "zuid": 41.0},
    ),
    "T1.R5": (
        2019,
        {"nl": 96.1, "g4": 94.6, "amsterdam": 94.5, "den-haag": 95.0, "utrecht": 96.1,
         "rotterdam": 93.5, "zuid": 91.6, "focuswijken": 90.1},
        {"g4": 94.1, "zuid": 94.1},
    ),
    "T1.R6": (
        2019,
        {"nl": 61.4, "g4": 59.0, "amsterdam": 58.3, "den-haag": 59.7, "utrecht": 63.6,
         "rotterdam": 56.6, "zuid": 51.3, "focuswijken": 48.2},
        {"g4": 54.1, "zuid": 48.0},
    ),
    "T1.R7": (
        2021,
        {"nl": 50.0, "g4": 53.0, "amsterdam": 57.0, "den-haag": 51.0, "utrecht": 61.0,
         "rotterdam": 44.0, "zuid": 31.0, "focuswijken": 30.0},
        {"g4": 42.9, "zuid": 25.8},
    ),
    "T1.R8": (
        2021,
        {"nl": 3.2, "g4": 4.0, "amsterdam": 3.4, "den-haag": 4.4, "utrecht": 2.4,
         "rotterdam": 5.3, "zuid": 7.1, "focuswijken": 7.9},
        {"g4": 4.0, "zuid": 7.0},
    ),
    "T1.R9": (
        2021,
        {"nl": 21, "g4": 24, "amsterdam": 27, "den-haag": 22, "utrecht": 29,
         "rotterdam": 19, "zuid": 10, "focuswijken": 9},
        {"g4": 21, "zuid": 9},
    ),
    "T1.R10": (
        2021,
        {"nl": 28, "g4": 25, "amsterdam": 26, "den-haag": 26, "utrecht": 26,
         "rotterdam": 21, "zuid": 17, "focuswijken": 15},
        {"g4": 22, "zuid": 16},
    ),
    "T1.R11": (
        2021,
        {"nl": 52, "g4": 52, "amsterdam": 46, "den-haag": 52, "utrecht": 45,
         "rotterdam": 61, "zuid": 73, "focuswijken": 76},
        {"g4": 57, "zuid": 75},
    ),
    "T1.R12": (
        2021,
        {"nl": 1.9, "g4": 2.4, "amsterdam": 2.4, "den-haag": 2.4, "utrecht": 1.9,
         "rotterdam": 2.7, "zuid": 2.9, "focuswijken": 3.0},
        {"g4": 3.6, "zuid": 4.2},
    ),
    "T1.R13": (
        2020,
        {"nl": 69.0, "g4": 71.0, "amsterdam": 72.0, "den-haag": 66.0, "utrecht": 80.0,
         "rotterdam": 68.0, "zuid": 59.0, "focuswijken": 61.0},
        {"zuid": 48.0},
    ),
    "T1.R14": (
        2020,
        {"nl": 72, "g4": 74, "amsterdam": 77, "den-haag": 70, "utrecht": 81,
         "rotterdam": 69, "zuid": 62, "focuswijken": 60},
        {"g4": 69, "zuid": 52},
    ),
    "T1.R15": (
        2019,
        {"nl": 32300, "g4": 31700, "amsterdam": 33600, "den-haag": 31000, "utrecht": 32800,
         "rotterdam": 29000, "zuid": 25500, "focuswijken": 22600},
        {"g4": 23100, "zuid": 19300},
    ),
    "T1.R16": (
        2020,
        {"nl": 10.2, "g4": 16.2, "amsterdam": 16.5, "den-haag": 16.1, "utrecht": 11.2,
         "rotterdam": 18.5, "zuid": 22.2, "focuswijken": 24.6},
        {"g4": 18.0, "zuid": 24.0},
    ),
    "T1.R17": (
        2020,
        {"nl": 7.9, "g4": 13.8, "amsterdam": 14.2, "den-haag": 13.7, "utrecht": 8.6,
         "rotterdam": 16.6, "zuid": 22.1, "focuswijken": 23.5},
        {"g4": 19.0, "zuid": 29.0},
    ),
    "T1.R18": (
        2019,
        {"nl": 8.1, "g4": 11.8, "amsterdam": 11.3, "den-haag": 12.4, "utrecht": 8.9,
         "rotterdam": 13.5, "zuid": 16.3, "focuswijken": 18.9},
        {"g4": 13.0, "zuid": 17.0},
    ),
    "T1.R19": (
        2019,
        {"nl": 4.6, "g4": 7.9, "amsterdam": 7.5, "den-haag": 8.1, "utrecht": 5.3,
         "rotterdam": 9.7, "zuid": 11.7, "focuswijken": 13.5},
        {"g4": 9.1, "zuid": 14.6},
    ),
    "T1.R20": (
        2020,
        {"nl": 6.6, "g4": 11.0, "amsterdam": 11.9, "den-haag": 10.5, "utrecht": 7.6,
         "rotterdam": 12.2, "zuid": 15.0, "focuswijken": 16.0},
        {"g4": 9.4, "zuid": 14.3},
    ),
}  # fmt: skip

# Inhabitants on 1 January 2021 (Tabel 1, T1.R1): the weights that split an area's value
# over the cells and that place persons.
POPULATION = {
    "nl": 17_475_415,
    "g4": 2_432_659,
    "amsterdam": 873_338,
    "den-haag": 548_320,
    "utrecht": 359_370,
    "rotterdam": 651_269,
    "zuid": 207_510,
    "focuswijken": 80_290,
}
TABLE_1_AREAS = ("zuid", "focuswijken", "rotterdam", "g4", "nl", "amsterdam", "den-haag", "utrecht")
G4_CITIES = ("amsterdam", "rotterdam", "den-haag", "utrecht")

# --- Geography ---------------------------------------------------------------------------
CELLS = ("focuswijken", "zuid_overig", "rotterdam_overig", "amsterdam", "den_haag", "utrecht",
         "nl_overig")  # fmt: skip
FOCUS, ZUID_REST, ROTTERDAM_REST, AMSTERDAM, DEN_HAAG, UTRECHT, NL_REST = range(len(CELLS))
GEMEENTEN = ("GM0599", "GM0363", "GM0518", "GM0344", "GM0000")
CELL_GEMEENTE = (0, 0, 0, 1, 2, 3, 4)  # index into GEMEENTEN

# The CBS buurten of the 15 Zuid wijken (plan 01-areas.yaml; Groot IJsselmonde BU05991289
# holds both Groot IJsselmonde wijken), with approximate inhabitants (about 2021, rounded)
# that are scaled to the Tabel 1 totals of the focuswijken and of Zuid.
ZUID_BUURTEN: tuple[tuple[str, str, bool, int], ...] = (
    ("BU05991086", "Afrikaanderwijk", True, 8_300),
    ("BU05991081", "Bloemhof", True, 14_000),
    ("BU05991572", "Carnisse", True, 11_000),
    ("BU05991574", "Oud Charlois", True, 14_300),
    ("BU05991087", "Feijenoord", True, 7_900),
    ("BU05991082", "Hillesluis", True, 12_000),
    ("BU05991571", "Tarwewijk", True, 12_400),
    ("BU05991290", "Beverwaard", False, 12_000),
    ("BU05991283", "Oud IJsselmonde", False, 4_000),
    ("BU05991289", "Groot IJsselmonde", False, 31_000),
    ("BU05991284", "Lombardijen", False, 14_500),
    ("BU05991576", "Zuidplein", False, 1_100),
    ("BU05991593", "Heijplaat", False, 1_500),
    ("BU05991577", "Pendrecht", False, 12_500),
    ("BU05991085", "Katendrecht", False, 5_000),
    ("BU05991017", "Kop van Zuid", False, 3_000),
    ("BU05991079", "Kop van Zuid - Entrepot", False, 6_000),
    ("BU05991088", "Noordereiland", False, 3_300),
    ("BU05991575", "Wielewaal", False, 1_300),
    ("BU05991080", "Vreewijk", False, 15_000),
    ("BU05991573", "Zuidwijk", False, 13_000),
    ("BU05991570", "Charlois Zuidrand", False, 500),
)
# Rotterdam outside Zuid: the real buurt Zuiderpark (in no Zuid wijk, see the plan) and one
# synthetic code per other part of the city. The synthetic codes end in "99"; they are
# placeholders, not real CBS buurten. Inhabitants are scaled to Rotterdam minus Zuid.
ROTTERDAM_OTHER_BUURTEN: tuple[tuple[str, str, int], ...] = (
    ("BU05991578", "Zuiderpark", 830),
    ("BU05990199", "Stadscentrum (synthetic)", 37_000),
    ("BU05990399", "Delfshaven (synthetic)", 75_000),
    ("BU05990499", "Overschie (synthetic)", 19_000),
    ("BU05990599", "Noord (synthetic)", 52_000),
    ("BU05990699", "Hillegersberg-Schiebroek (synthetic)", 43_000),
    ("BU05990899", "Kralingen-Crooswijk (synthetic)", 54_000),
    ("BU05991499", "Prins Alexander (synthetic)", 96_000),
    ("BU05991699", "Hoogvliet, Pernis, Rozenburg, Hoek van Holland (synthetic)", 68_000),
)


@dataclass(frozen=True)
class CellProfile:
    """What Tabel 1 does not give, per cell: chosen plausible values (docs/basismonitor.md)."""

    households: tuple[float, float, float]  # one-person, couple, family (shares at the start)
    young_singles: float  # share of one-person households with a head aged 19-34
    children: tuple[float, float, float, float]  # a family has 1, 2, 3 or 4 children
    employment: tuple[float, float]  # employed share of 15-74 in BASE_YEAR and in 2022
    hoog: float  # hoog among middelbaar-or-hoog educated adults at the start
    ww: float  # ww among households with bijstand or ww
    schoolweging: float  # mean schoolweging of the cell's po and vo schools
    po_schools: int
    vo_schools: int


PROFILES: tuple[CellProfile, ...] = (  # in the order of CELLS
    CellProfile(  # focuswijken
        households=(0.42, 0.18, 0.4),
        young_singles=0.42,
        children=(0.28, 0.38, 0.22, 0.12),
        employment=(0.52, 0.56),
        hoog=0.22,
        ww=0.2,
        schoolweging=35.0,
        po_schools=30,
        vo_schools=8,
    ),
    CellProfile(  # zuid_overig
        households=(0.44, 0.25, 0.31),
        young_singles=0.34,
        children=(0.34, 0.42, 0.17, 0.07),
        employment=(0.58, 0.62),
        hoog=0.32,
        ww=0.22,
        schoolweging=33.0,
        po_schools=45,
        vo_schools=14,
    ),
    CellProfile(  # rotterdam_overig
        households=(0.52, 0.21, 0.27),
        young_singles=0.48,
        children=(0.35, 0.42, 0.17, 0.06),
        employment=(0.62, 0.67),
        hoog=0.5,
        ww=0.25,
        schoolweging=30.5,
        po_schools=130,
        vo_schools=55,
    ),
    CellProfile(  # amsterdam
        households=(0.55, 0.19, 0.26),
        young_singles=0.5,
        children=(0.37, 0.42, 0.15, 0.06),
        employment=(0.65, 0.71),
        hoog=0.6,
        ww=0.25,
        schoolweging=30.0,
        po_schools=210,
        vo_schools=95,
    ),
    CellProfile(  # den_haag
        households=(0.49, 0.22, 0.29),
        young_singles=0.44,
        children=(0.35, 0.42, 0.16, 0.07),
        employment=(0.62, 0.67),
        hoog=0.5,
        ww=0.25,
        schoolweging=30.5,
        po_schools=150,
        vo_schools=60,
    ),
    CellProfile(  # utrecht
        households=(0.52, 0.19, 0.29),
        young_singles=0.62,
        children=(0.35, 0.44, 0.15, 0.06),
        employment=(0.66, 0.72),
        hoog=0.64,
        ww=0.28,
        schoolweging=29.0,
        po_schools=100,
        vo_schools=40,
    ),
    CellProfile(  # nl_overig
        households=(0.37, 0.33, 0.3),
        young_singles=0.24,
        children=(0.34, 0.44, 0.16, 0.06),
        employment=(0.65, 0.7),
        hoog=0.45,
        ww=0.45,
        schoolweging=28.5,
        po_schools=6000,
        vo_schools=1100,
    ),
)
MBO_INSTITUTIONS = (3, 3, 2, 2, 60)  # per gemeente (GEMEENTEN order)
HO_INSTITUTIONS = (4, 5, 3, 3, 30)
SCHOOL_ID_BASE = {"po": 1, "vo": 100_001, "mbo": 200_001, "ho": 300_001}

# --- Demography --------------------------------------------------------------------------
ENTERING_PER_YEAR = 0.040  # households arriving per year (migration, new households)
ENTERING_KINDS = (0.60, 0.12, 0.28)  # one-person, couple, family among them
LEAVING = 0.020  # households leaving per year at any age (out-migration)
# Households leaving the city once, per kind (one-person, couple, family): the share that
# leaves and the head's age range at leaving (students and young families move out).
LEAVING_MID_LIFE = ((0.70, 23, 33), (0.35, 28, 45), (0.35, 28, 45))
GOMPERTZ = (5e-5, 0.09)  # mortality hazard alpha * exp(beta * age)
MOVE_PER_YEAR = 0.08  # households moving house per year (young one-person: MOVE_YOUNG)
MOVE_YOUNG = 0.18
MOVE_WITHIN_CELL = 0.8  # moves within the same part of the country (another buurt there)
HOOG_LEAVES_ZUID = 1.6  # relative moving rate of hoog-educated households in Zuid

# --- School careers ----------------------------------------------------------------------
# Level codes are indices into schema.LEVELS; a track is a vo level (pro .. vwo).
PO, PRO, VMBO, HAVO, VWO, MBO1, MBO2, MBO3, MBO4, HBO, WO = range(len(schema.LEVELS))
NONE = -1
LENGTH = np.array([8, 5, 4, 5, 6, 1, 2, 3, 3, 4, 5], dtype=np.int64)  # leerjaren per level
# Education attained with a diploma of each level (0 laag, 1 middelbaar, 2 hoog); a
# diploma's index in schema.DIPLOMAS is its level code minus 2.
DIPLOMA_EDUCATION = np.array([0, 0, 0, 1, 1, 0, 1, 1, 1, 2, 2], dtype=np.int8)
VMBO_SUCCESS = 0.95
PO_REPEATERS = 0.03  # pupils who repeat one groep
# What follows an ending: ((next level or NONE, probability), ...)
AFTER_HAVO = ((HBO, 0.80), (MBO4, 0.12), (NONE, 0.08))
AFTER_VWO = ((WO, 0.72), (HBO, 0.24), (NONE, 0.04))
AFTER_HAVO_VWO_FAILED = ((MBO4, 0.90), (NONE, 0.10))
AFTER_VMBO_FAILED = ((MBO2, 0.60), (MBO1, 0.30), (NONE, 0.10))
AFTER_PRO = ((MBO1, 0.45), (NONE, 0.55))
AFTER_MBO1 = ((MBO2, 0.50), (NONE, 0.50))
AFTER_MBO4 = ((HBO, 0.30), (NONE, 0.70))
VMBO_TO_MBO = 0.97  # the rest of the vmbo graduates leave school
FIXED_SUCCESS = {MBO1: 0.70, HBO: 0.72, WO: 0.80}  # mbo2-4: calibrated to T1.R13
# The mbo 2-4 rate is solved for T1.R13 minus the startkwalificaties that the T1.R12 lever's
# second chances gave, as measured in the chunk and smoothed over years with this weight.
SECOND_CHANCE_SMOOTHING = 0.5
ADVICE_BAND = 0.04  # width of the mixed advices (vmbo_havo, havo_vwo) on each side

# --- Income ------------------------------------------------------------------------------
SOCIAL_MINIMUM_2011 = 11_400.0  # standardised social minimum per year (single, net, euro)
SOCIAL_MINIMUM_GROWTH = 0.017
LOW_INCOME = (0.70, 1.09)  # income_vs_minimum range of households up to 110%
HIGH_INCOME_FLOOR = 1.12  # households above 110% start here; exponential tail above
NEED_PERSISTENCE = 0.90  # AR(1) coefficients of the latent scores
HEALTH_PERSISTENCE = 0.97
WORK_PERSISTENCE = 0.85
PENSION_AGE = 67
STATIC_AGE_GRADIENT = 0.012  # education score per year of age, adults without a career
STATIC_PARENT_GAP = 0.6  # education score of parents of minors in the first year


@dataclass(frozen=True)
class CalibrationTarget:
    """The value a Tabel 1 row should have in the panel for one area and year."""

    indicator: str
    area: str
    year: int
    value: float


@dataclass(frozen=True)
class SynthSummary:
    persons: int
    person_years: int
    years: tuple[int, ...]
    seconds: float
    targets: tuple[CalibrationTarget, ...]


# === Calibration targets ==================================================================


def _area_values(indicator: str) -> tuple[int, dict[str, float], dict[str, float]]:
    """Latest year and the latest and base-year values of every Tabel 1 area, gaps filled.

    - an area without any value (T1.R4: Amsterdam, Den Haag, Utrecht) gets the G4 value of
      the cities that do not have one, so that the cities add up to the G4;
    - a missing "in 2011" value is the latest value plus the change of the G4 (for the
      focuswijken and for the G4 itself: the change of Zuid).
    """
    latest_year, published_latest, published_first = TABLE_1[indicator]
    latest, first = dict(published_latest), dict(published_first)
    if "g4" not in first:
        first["g4"] = latest["g4"] + first["zuid"] - latest["zuid"]
    unknown = [city for city in G4_CITIES if city not in latest]
    if unknown:
        known = sum(POPULATION[city] * latest[city] for city in G4_CITIES if city in latest)
        rest = (POPULATION["g4"] * latest["g4"] - known) / sum(POPULATION[c] for c in unknown)
        latest.update(dict.fromkeys(unknown, rest))
    for area in TABLE_1_AREAS:
        if area not in first:
            reference = "zuid" if area == "focuswijken" else "g4"
            first[area] = latest[area] + first[reference] - latest[reference]
    return latest_year, latest, first


def _cells_from_areas(values: Mapping[str, float]) -> Floats:
    """Split area values over the disjoint cells, weighting by inhabitants."""
    focus = POPULATION["focuswijken"] / POPULATION["zuid"]
    zuid = POPULATION["zuid"] / POPULATION["rotterdam"]
    g4 = POPULATION["g4"] / POPULATION["nl"]
    return np.array(
        [
            values["focuswijken"],
            (values["zuid"] - focus * values["focuswijken"]) / (1 - focus),
            (values["rotterdam"] - zuid * values["zuid"]) / (1 - zuid),
            values["amsterdam"],
            values["den-haag"],
            values["utrecht"],
            (values["nl"] - g4 * values["g4"]) / (1 - g4),
        ]
    )


def _interpolate(first: float, latest: float, latest_year: int, year: int) -> float:
    position = min(max((year - BASE_YEAR) / (latest_year - BASE_YEAR), 0.0), 1.0)
    return first + (latest - first) * position


def calibration_targets(
    first_year: int = BASE_YEAR, years: int = 12
) -> tuple[CalibrationTarget, ...]:
    """The Tabel 1 values the panel is calibrated to, per row, Tabel 1 area and year."""
    targets = []
    for indicator in TABLE_1:
        latest_year, latest, first = _area_values(indicator)
        for area in TABLE_1_AREAS:
            for year in range(first_year, first_year + years):
                value = _interpolate(first[area], latest[area], latest_year, year)
                targets.append(CalibrationTarget(indicator, area, year, round(value, 2)))
    return tuple(targets)


class _Targets:
    """Cell targets per Tabel 1 row and year, as fractions (percentages / 100) or euro."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[int, Floats, Floats]] = {}
        for indicator in TABLE_1:
            latest_year, latest, first = _area_values(indicator)
            self._rows[indicator] = (
                latest_year,
                _cells_from_areas(first),
                _cells_from_areas(latest),
            )
        self._cache: dict[tuple[str, int], Floats] = {}

    def __call__(self, indicator: str, year: int) -> Floats:
        key = (indicator, year)
        if key not in self._cache:
            latest_year, first, latest = self._rows[indicator]
            position = min(max((year - BASE_YEAR) / (latest_year - BASE_YEAR), 0.0), 1.0)
            value = first + (latest - first) * position
            if indicator != "T1.R15":
                value = np.clip(value, 0.2, 99.8) / 100
            self._cache[key] = value
        return self._cache[key]

    def vo_shares(self, year: int) -> Floats:
        """Shares of pro, vmbo, havo and vwo among leerjaar-3 pupils (cells x 4).

        havo + vwo is T1.R7; vwo : havo follows the graduates (T1.R9 : T1.R10); pro is set so
        that its share of all vo pupils (longer and shorter tracks) is T1.R8.
        """
        havo_vwo = self("T1.R7", year)
        vwo = havo_vwo * self("T1.R9", year) / (self("T1.R9", year) + self("T1.R10", year))
        havo = havo_vwo - vwo
        stock_pro = self("T1.R8", year)
        pro = stock_pro
        for _ in range(3):  # fixed point: the mean length depends on the pro share
            vmbo = 1 - havo_vwo - pro
            mean_length = (vmbo * LENGTH[VMBO] + havo * LENGTH[HAVO] + vwo * LENGTH[VWO]) / (
                1 - pro
            )
            pro = (
                stock_pro * mean_length / (LENGTH[PRO] * (1 - stock_pro) + stock_pro * mean_length)
            )
        return np.stack([pro, 1 - havo_vwo - pro, havo, vwo], axis=1)

    def vo_success(self, year: int) -> Floats:
        """Diploma rates of vmbo, havo and vwo pupils (cells x 3), solved from T1.R9-R11."""
        shares = self.vo_shares(year)
        vmbo, havo, vwo = shares[:, 1], shares[:, 2], shares[:, 3]
        graduates_vmbo = self("T1.R11", year)
        havo_rate = self("T1.R10", year) / graduates_vmbo * vmbo / havo * VMBO_SUCCESS
        vwo_rate = self("T1.R9", year) / graduates_vmbo * vmbo / vwo * VMBO_SUCCESS
        rates = np.stack([np.full_like(havo, VMBO_SUCCESS), havo_rate, vwo_rate], axis=1)
        return np.clip(rates, 0.5, 0.98)

    def mbo_success(self, year: int, correction: Floats | float = 0.0) -> Floats:
        """The mbo 2-4 diploma rate that gives T1.R13 (startkwalificatie at 18-22) in `year`.

        The expected share of 18-22-year-olds with a startkwalificatie is linear in the mbo
        rate m: havo and vwo graduates have one at every age 18-22, mbo graduates from the
        age their programme ends (a fraction of the five ages), so m = (target - A) / B. The
        cohort aged 20 in `year` was in leerjaar 3 five years earlier. ``correction`` (per
        cell) is added to the target.
        """
        pro, vmbo, havo, vwo = self.vo_shares(year - 5).T
        _, havo_rate, vwo_rate = self.vo_success(year - 3).T
        without_mbo = havo * havo_rate + vwo * vwo_rate
        via_mbo = (
            havo * (1 - havo_rate) * 0.9 * 3 / 5
            + vwo * (1 - vwo_rate) * 0.9 * 2 / 5
            + vmbo * VMBO_SUCCESS * VMBO_TO_MBO * (0.35 + 0.65 * 4 / 5)
            + vmbo * (1 - VMBO_SUCCESS) * (0.6 + 0.3 * 0.7 * 0.5 * 4 / 5)
            + pro * 0.45 * 0.7 * 0.5 * 3 / 5
        )
        rate = (self("T1.R13", year) + correction - without_mbo) / via_mbo
        clipped: Floats = np.clip(rate, 0.2, 0.95)
        return clipped

    def employment(self, year: int) -> Floats:
        position = min(max((year - BASE_YEAR) / (2022 - BASE_YEAR), 0.0), 1.0)
        return np.array(
            [p.employment[0] + (p.employment[1] - p.employment[0]) * position for p in PROFILES]
        )


def social_minimum(year: int) -> float:
    """The standardised social minimum (euro per year) of a year."""
    return SOCIAL_MINIMUM_2011 * (1 + SOCIAL_MINIMUM_GROWTH) ** (year - BASE_YEAR)


# === Selection helpers ====================================================================


GROUP_SPREAD = 1e4  # scores lie well within +-GROUP_SPREAD / 2


def _order_within_groups(score: Floats, group: Ints) -> Ints:
    """Order by group, then by score (one float key: faster than a two-key lexsort)."""
    order: Ints = np.argsort(group * GROUP_SPREAD + score)
    return order


def _select_lowest(
    score: Floats,
    group: Ints,
    quota: Floats,
    rng: np.random.Generator,
    weight: Floats | None = None,
) -> Bools:
    """Within each group, the items with the lowest score until their weight reaches quota.

    ``quota`` is per group (absolute). Unit weights are rounded stochastically, so the
    expected number selected is exactly the quota.
    """
    selected = np.zeros(score.size, dtype=bool)
    if score.size == 0:
        return selected
    groups = quota.size
    order = _order_within_groups(score, group)
    sorted_group = group[order]
    w = np.ones(score.size) if weight is None else weight[order]
    before = np.cumsum(w) - w
    group_weight = np.bincount(sorted_group, weights=w, minlength=groups)
    group_start = np.cumsum(group_weight) - group_weight
    before_in_group = before - group_start[sorted_group]
    threshold = quota + rng.random(groups) - 0.5
    selected[order] = before_in_group + 0.5 * w < threshold[sorted_group]
    return selected


def _percentile(score: Floats, group: Ints, groups: int) -> Floats:
    """Each item's position (0-1) among the items of its group, by score."""
    result = np.empty(score.size)
    if score.size == 0:
        return result
    order = _order_within_groups(score, group)
    sorted_group = group[order]
    counts = np.bincount(sorted_group, minlength=groups)
    start = np.cumsum(counts) - counts
    rank = np.arange(score.size) - start[sorted_group]
    result[order] = (rank + 0.5) / counts[sorted_group]
    return result


def _bands(position: Floats, group: Ints, cuts: Floats) -> Ints:
    """Band index of each position given per-group ascending cut points (groups x k)."""
    bands: Ints = np.sum(position[:, None] >= cuts[group], axis=1).astype(np.int64)
    return bands


def _choose(rng: np.random.Generator, n: int, options: tuple[tuple[int, float], ...]) -> Ints:
    levels = np.array([level for level, _ in options], dtype=np.int64)
    cumulative = np.cumsum([p for _, p in options])
    return levels[np.minimum(np.searchsorted(cumulative, rng.random(n)), levels.size - 1)]


# === The world: locations and schools ======================================================


@dataclass(frozen=True)
class _Locations:
    gemeente: Ints  # index into GEMEENTEN
    buurt: list[str | None]
    cell: Ints
    weight: Floats  # placement weight (inhabitants), 0 outside the scope
    in_zuid: Bools


def _locations(scope: Scope) -> _Locations:
    focus_total = sum(p for _, _, focus, p in ZUID_BUURTEN if focus)
    rest_total = sum(p for _, _, focus, p in ZUID_BUURTEN if not focus)
    other_total = sum(p for _, _, p in ROTTERDAM_OTHER_BUURTEN)
    rows: list[tuple[int, str | None, int, float]] = []
    for code, _, focus, inhabitants in ZUID_BUURTEN:
        share = inhabitants / (focus_total if focus else rest_total)
        zuid_part = (
            POPULATION["focuswijken"] if focus else POPULATION["zuid"] - POPULATION["focuswijken"]
        )
        rows.append((0, code, FOCUS if focus else ZUID_REST, share * zuid_part))
    rotterdam_rest = POPULATION["rotterdam"] - POPULATION["zuid"]
    for code, _, inhabitants in ROTTERDAM_OTHER_BUURTEN:
        rows.append((0, code, ROTTERDAM_REST, inhabitants / other_total * rotterdam_rest))
    rows.append((1, None, AMSTERDAM, POPULATION["amsterdam"]))
    rows.append((2, None, DEN_HAAG, POPULATION["den-haag"]))
    rows.append((3, None, UTRECHT, POPULATION["utrecht"]))
    rest_of_nl = POPULATION["nl"] - POPULATION["g4"] if scope == "nl" else 0
    rows.append((4, None, NL_REST, rest_of_nl))
    rows.sort(key=lambda row: row[2])  # contiguous per cell, for drawing within a cell
    cell = np.array([r[2] for r in rows], dtype=np.int64)
    return _Locations(
        gemeente=np.array([r[0] for r in rows], dtype=np.int64),
        buurt=[r[1] for r in rows],
        cell=cell,
        weight=np.array([r[3] for r in rows], dtype=np.float64),
        in_zuid=(cell == FOCUS) | (cell == ZUID_REST),
    )


@dataclass(frozen=True)
class _Schools:
    """Fixed school lists, the same in every chunk: per cell (po, vo) or gemeente (mbo, ho)."""

    po_first: Ints
    po_count: Ints
    vo_first: Ints
    vo_count: Ints
    mbo_first: Ints
    mbo_count: Ints
    ho_first: Ints
    ho_count: Ints
    weging: dict[int, float]


def _schools(seed: int) -> _Schools:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 1,)))
    weging: dict[int, float] = {}

    def lay_out(base: int, counts: list[int], means: list[float] | None) -> tuple[Ints, Ints]:
        count = np.array(counts, dtype=np.int64)
        first = base + np.cumsum(count) - count
        if means is not None:
            for start, n, mean in zip(first, count, means, strict=True):
                values = np.clip(rng.normal(mean, 2.5, n), 20.0, 40.0)
                weging.update(zip(range(int(start), int(start + n)), values.tolist(), strict=True))
        return first, count

    means = [p.schoolweging for p in PROFILES]
    po_first, po_count = lay_out(SCHOOL_ID_BASE["po"], [p.po_schools for p in PROFILES], means)
    vo_first, vo_count = lay_out(SCHOOL_ID_BASE["vo"], [p.vo_schools for p in PROFILES], means)
    mbo_first, mbo_count = lay_out(SCHOOL_ID_BASE["mbo"], list(MBO_INSTITUTIONS), None)
    ho_first, ho_count = lay_out(SCHOOL_ID_BASE["ho"], list(HO_INSTITUTIONS), None)
    return _Schools(
        po_first, po_count, vo_first, vo_count, mbo_first, mbo_count, ho_first, ho_count, weging
    )


@dataclass(frozen=True)
class _World:
    seed: int
    first_year: int
    last_year: int
    locations: _Locations
    schools: _Schools
    targets: _Targets
    weging_lookup: npt.NDArray[np.float32]  # schoolweging by school id (NaN: none)


# === Population of a chunk =================================================================


@dataclass
class _Population:
    """Persons and households of one chunk; a unit is an origin household or, for a child
    who left home, that child's one-person household (unit = households + person index)."""

    households: int
    birth_year: Ints
    male: Bools
    role: Ints  # 0 head, 1 partner, 2 child
    origin: Ints  # origin household of each person
    entry: Ints  # first year present
    exit: Ints  # first year no longer present
    leaves_home: Ints  # year a child moves into a household of its own
    advantage: Floats
    head: Ints  # per household: head person index
    partner: Ints  # per household: partner person index or -1
    location: Ints  # per unit: current location
    unit_advantage: Floats  # per unit: advantage of the reference person


def _gompertz_death_year(rng: np.random.Generator, birth_year: Ints, alive_in: Ints) -> Ints:
    alpha, beta = GOMPERTZ
    age = np.maximum(alive_in - birth_year, 0).astype(np.float64)
    death_age = np.log(np.exp(beta * age) - beta / alpha * np.log(rng.random(age.size))) / beta
    death_year: Ints = birth_year + np.floor(death_age).astype(np.int64) + 1
    return death_year


def _draw_population(rng: np.random.Generator, world: _World, persons: int) -> _Population:
    first, last = world.first_year, world.last_year
    locations = world.locations
    target_r3 = world.targets("T1.R3", first)
    households = int(persons / 1.5) + 16
    while True:
        location = rng.choice(
            locations.weight.size, households, p=locations.weight / locations.weight.sum()
        )
        cell = locations.cell[location]
        entering = (rng.random(households) < ENTERING_PER_YEAR * (last - first)) & (last > first)
        arrival = first + 1 + np.floor(rng.random(households) * (last - first)).astype(np.int64)
        entry = np.where(entering, arrival, first)
        # kind: 0 one-person, 1 couple, 2 family
        shares = np.array([p.households for p in PROFILES])[cell]
        shares[entering] = ENTERING_KINDS
        kind = (rng.random(households)[:, None] >= np.cumsum(shares, axis=1)[:, :2]).sum(axis=1)
        young = np.array([p.young_singles for p in PROFILES])[cell]
        u = rng.random(households)
        age_single = np.where(
            u < young,
            rng.uniform(19, 35, households),
            np.where(
                u < young + 0.3,
                67 + 28 * rng.random(households) ** 1.6,
                rng.uniform(35, 67, households),
            ),
        )
        age_couple = np.where(
            u < 0.2,
            rng.uniform(24, 35, households),
            np.where(
                u < 0.5, 67 + 25 * rng.random(households) ** 1.6, rng.uniform(45, 67, households)
            ),
        )
        age_family = rng.uniform(24, 52, households)
        head_age = np.choose(kind, [age_single, age_couple, age_family])
        head_age = np.where(
            entering,
            np.choose(
                kind,
                [
                    rng.uniform(19, 29, households),
                    rng.uniform(22, 36, households),
                    rng.uniform(24, 40, households),
                ],
            ),
            head_age,
        )
        head_birth = entry - np.floor(head_age).astype(np.int64)
        single_parent = (kind == 2) & (rng.random(households) < target_r3[cell])
        has_partner = (kind == 1) | ((kind == 2) & ~single_parent)
        # children: up to 4 per family, present from birth (or arrival) until leaving home
        n_children = np.where(
            kind == 2,
            1
            + (
                rng.random(households)[:, None]
                >= np.cumsum(np.array([p.children for p in PROFILES])[cell], axis=1)[:, :3]
            ).sum(axis=1),
            0,
        )
        first_child_age = rng.uniform(22, 34, households)
        # arriving families are newly formed: their first child is born after arrival
        first_child_age = np.where(
            entering, head_age + rng.uniform(0, 4, households), first_child_age
        )
        spacing = rng.uniform(1.5, 4.0, households)
        slot = np.arange(4)
        child_birth = head_birth[:, None] + np.floor(
            first_child_age[:, None] + slot * spacing[:, None]
        ).astype(np.int64)
        child_leaves = child_birth + 18 + rng.binomial(9, 0.5, (households, 4))
        child_kept = (
            (slot < n_children[:, None])
            & (child_birth <= last)
            & (child_birth - head_birth[:, None] <= 46)
            & (child_leaves > entry[:, None])
        )
        size = 1 + has_partner + child_kept.sum(axis=1)
        if size.sum() >= persons:
            break
        households *= 2
    # keep whole households up to `persons`, the last one truncated (head first)
    ends = np.cumsum(size)
    households = int(np.searchsorted(ends, persons)) + 1
    size = size[:households].copy()
    size[-1] -= int(ends[households - 1] - persons)
    origin = np.repeat(np.arange(households), size)
    position = np.arange(persons) - np.repeat(np.cumsum(size) - size, size)
    role = np.where(position == 0, 0, np.where((position == 1) & has_partner[origin], 1, 2))
    child_slot = position - 1 - has_partner[origin].astype(np.int64)
    # the k-th kept child of a household is its k-th True slot
    kept = child_kept[:households]
    slot_of_kept = np.argsort(~kept, axis=1, kind="stable")
    child_index = np.clip(child_slot, 0, 3)
    chosen_slot = slot_of_kept[origin, child_index]
    is_child = role == 2
    birth_year = np.where(
        role == 0,
        head_birth[origin],
        np.where(
            role == 1,
            head_birth[origin] + np.rint(rng.normal(0, 3, persons)).astype(np.int64),
            child_birth[:households][origin, chosen_slot],
        ),
    )
    birth_year = np.where(role < 2, np.minimum(birth_year, entry[origin] - 18), birth_year)
    leaves_home = np.where(is_child, child_leaves[:households][origin, chosen_slot], NO_YEAR)
    person_entry = np.maximum(entry[origin], birth_year)
    share, youngest, oldest = np.array(LEAVING_MID_LIFE)[kind[:households]].T
    leaving_age = rng.uniform(youngest, oldest)
    leaves_mid_life = (rng.random(households) < share) & (
        head_birth[:households] + leaving_age > entry[:households]
    )
    departs = entry[:households] + rng.geometric(LEAVING, households)
    departs = np.where(
        leaves_mid_life,
        np.minimum(departs, head_birth[:households] + np.ceil(leaving_age).astype(np.int64)),
        departs,
    )
    death = _gompertz_death_year(rng, birth_year, person_entry)
    person_exit = np.where(leaves_home > departs[origin], np.minimum(death, departs[origin]), death)
    person_exit = np.maximum(person_exit, person_entry + 1)
    male = np.where(
        role == 0,
        np.where(single_parent[origin], rng.random(persons) < 0.15, rng.random(persons) < 0.5),
        rng.random(persons) < 0.5,
    )
    head = np.cumsum(size) - size
    male = np.where(role == 1, ~male[head[origin]], male)
    partner = np.where(has_partner[:households] & (size > 1), head + 1, -1)
    advantage = rng.standard_normal(persons)
    head_advantage = advantage[head][origin]
    advantage = np.where(role == 1, 0.85 * head_advantage + 0.53 * advantage, advantage)
    advantage = np.where(role == 2, 0.45 * head_advantage + 0.89 * advantage, advantage)
    unit_location = np.concatenate([location[:households], np.zeros(persons, dtype=np.int64)])
    unit_advantage = np.concatenate([advantage[head], advantage])
    return _Population(
        households=households,
        birth_year=birth_year.astype(np.int64),
        male=male,
        role=role.astype(np.int64),
        origin=origin,
        entry=person_entry.astype(np.int64),
        exit=person_exit.astype(np.int64),
        leaves_home=leaves_home.astype(np.int64),
        advantage=advantage,
        head=head,
        partner=partner,
        location=unit_location,
        unit_advantage=unit_advantage,
    )


# === School careers ========================================================================


@dataclass
class _YearOfSchool:
    """What the career gives a year's rows (indices into the career subset)."""

    sector: Ints  # index into schema.SECTORS or -1
    level: Ints
    study_year: Ints
    diploma: Ints  # index into schema.DIPLOMAS or -1
    early_leaver: Bools


class _Careers:
    """The school careers of the persons born at most CAREER_AGE years before the panel."""

    def __init__(self, rng: np.random.Generator, population: _Population, world: _World) -> None:
        self.rng = rng
        self.world = world
        self.members = np.flatnonzero(population.birth_year >= world.first_year - CAREER_AGE)
        n = self.members.size
        self.birth_year = population.birth_year[self.members]
        advantage = population.advantage[self.members]
        self.score = 0.7 * advantage + 0.71 * rng.standard_normal(n)
        self.score_brugklas = self.score + 0.35 * rng.standard_normal(n)
        self.score_final = self.score + 0.35 * rng.standard_normal(n)
        self.score_tests = self.score + 0.25 * rng.standard_normal((3, n))
        self.repeat_age = np.where(rng.random(n) < PO_REPEATERS, rng.integers(6, 12, n), NO_YEAR)
        self.track = np.full(n, NONE, dtype=np.int64)
        self.post_level = np.full(n, NONE, dtype=np.int64)
        self.post_start = np.zeros(n, dtype=np.int64)
        self.post_end = np.zeros(n, dtype=np.int64)
        self.post_passes = np.zeros(n, dtype=bool)
        self.education = np.zeros(n, dtype=np.int8)  # from diplomas: 0 laag, 1, 2
        self.has_startkwalificatie = np.zeros(n, dtype=bool)
        self.kept_in_school = np.zeros(n, dtype=bool)  # by the T1.R12 lever, ever
        self.second_chances = np.zeros(len(CELLS))  # their share of 18-22 with a sk

    def school_age(self, year: int) -> Ints:
        age = year - self.birth_year
        return age - (age > self.repeat_age)

    def _start(self, who: Ints, level: Ints, school_age: Ints, year: int, cell: Ints) -> None:
        """Start the next programme (or none) for `who` in the following school year."""
        starts = level != NONE
        who, level, school_age, cell = who[starts], level[starts], school_age[starts], cell[starts]
        length = LENGTH[level]
        passes_at = np.full(who.size, 0.0)
        for fixed, rate in FIXED_SUCCESS.items():
            passes_at[level == fixed] = rate
        is_mbo_2_4 = (level >= MBO2) & (level <= MBO4)
        mbo_rate = self.world.targets.mbo_success(year + 3, -self.second_chances)
        passes_at[is_mbo_2_4] = mbo_rate[cell[is_mbo_2_4]]
        passes = self.rng.random(who.size) < passes_at
        years_done = np.where(passes, length, 1 + np.floor(self.rng.random(who.size) * length))
        self.post_level[who] = level
        self.post_start[who] = school_age + 1
        self.post_end[who] = school_age + years_done.astype(np.int64)
        self.post_passes[who] = passes

    def step(self, year: int, cell: Ints, counted: Bools | None = None) -> _YearOfSchool:
        """Advance one school year (the year ending in `year`); cell per career member.

        ``counted``: the members in the panel this year, whom the kernels count (None: all,
        in the burn-in years before the panel).
        """
        rng, targets = self.rng, self.world.targets
        n = self.members.size
        s = self.school_age(year)
        age = year - self.birth_year
        # vo track: brugklas in leerjaar 1, final track in leerjaar 3 (streams up and down)
        for school_age, score, for_year in (
            (13, self.score_brugklas, year + 2),
            (15, self.score_final, year),
        ):
            who = np.flatnonzero(s == school_age)
            position = _percentile(score[who], cell[who], len(CELLS))
            cuts = np.cumsum(targets.vo_shares(for_year), axis=1)[:, :3]
            self.track[who] = PRO + _bands(position, cell[who], cuts)
        sector = np.full(n, NONE, dtype=np.int64)
        level = np.full(n, NONE, dtype=np.int64)
        study_year = np.zeros(n, dtype=np.int64)
        diploma = np.full(n, NONE, dtype=np.int64)
        early_leaver = np.zeros(n, dtype=bool)
        in_po = (s >= 5) & (s <= 12)
        sector[in_po], level[in_po], study_year[in_po] = 0, PO, s[in_po] - 4
        vo_length = np.where(self.track >= PRO, LENGTH[np.maximum(self.track, 0)], 0)
        in_vo = (s >= 13) & (s <= 12 + vo_length)
        sector[in_vo], level[in_vo], study_year[in_vo] = 1, self.track[in_vo], s[in_vo] - 12
        in_post = (self.post_level != NONE) & (s >= self.post_start) & (s <= self.post_end)
        post_level = self.post_level[in_post]
        sector[in_post] = np.where(post_level >= HBO, 3, 2)
        level[in_post] = post_level
        study_year[in_post] = s[in_post] - self.post_start[in_post] + 1
        # end of vo
        finishing = np.flatnonzero(in_vo & (s == 12 + vo_length))
        track = self.track[finishing]
        rates = targets.vo_success(year)[cell[finishing]]
        rate = np.where(
            track == PRO, 0.0, rates[np.arange(finishing.size), np.clip(track - VMBO, 0, 2)]
        )
        passed = rng.random(finishing.size) < rate
        graduates = finishing[passed]
        diploma[graduates] = self.track[graduates] - 2
        self._award(graduates, self.track[graduates])
        after_vo = np.full(finishing.size, NONE, dtype=np.int64)
        havo_vwo = track >= HAVO
        for mask, options in (
            (passed & (track == HAVO), AFTER_HAVO),
            (passed & (track == VWO), AFTER_VWO),
            (~passed & havo_vwo, AFTER_HAVO_VWO_FAILED),
            (~passed & (track == VMBO), AFTER_VMBO_FAILED),
            (track == PRO, AFTER_PRO),
        ):
            after_vo[mask] = _choose(rng, int(mask.sum()), options)
        vmbo_graduate = passed & (track == VMBO)
        score = self.score[finishing]
        mbo_level = np.where(score < -0.8, MBO2, np.where(score < -0.1, MBO3, MBO4))
        continues = rng.random(finishing.size) < VMBO_TO_MBO
        after_vo[vmbo_graduate] = np.where(continues, mbo_level, NONE)[vmbo_graduate]
        # end of a post-vo programme
        ending = np.flatnonzero(in_post & (s == self.post_end))
        ending_level = self.post_level[ending]
        passed = self.post_passes[ending]
        diploma[ending[passed]] = ending_level[passed] - 2
        self._award(ending[passed], ending_level[passed])
        after_post = np.full(ending.size, NONE, dtype=np.int64)
        for mask, options in (
            (passed & (ending_level == MBO1), AFTER_MBO1),
            (passed & (ending_level == MBO4), AFTER_MBO4),
        ):
            after_post[mask] = _choose(rng, int(mask.sum()), options)
        self.post_level[ending] = NONE
        # who leaves without a startkwalificatie (leaving praktijkonderwijs is not counted):
        # the T1.R12 lever keeps a calibrated share of them in school
        vo_leaves = (after_vo == NONE) & (track != PRO)
        post_leaves = after_post == NONE
        leaving = np.concatenate([finishing[vo_leaves], ending[post_leaves]])
        passed_entree = np.concatenate(
            [
                np.zeros(int(vo_leaves.sum()), dtype=bool),
                (passed & (ending_level == MBO1))[post_leaves],
            ]
        )
        candidate = ~self.has_startkwalificatie[leaving] & (age[leaving] < 23)
        in_panel = np.ones(n, dtype=bool) if counted is None else counted
        in_vo_mbo = (sector == 1) | (sector == 2)
        pupils = in_panel & (age >= 12) & (age <= 22) & in_vo_mbo  # T1.R12's denominator
        next_level = self._keep_in_school(
            year, cell, pupils, leaving[candidate], passed_entree[candidate], in_panel
        )
        early_leaver[leaving[candidate][next_level == NONE]] = True
        self.kept_in_school[leaving[candidate][next_level != NONE]] = True
        continuing = np.full(n, NONE, dtype=np.int64)
        continuing[leaving[candidate]] = next_level
        after_vo = np.where(after_vo == NONE, continuing[finishing], after_vo)
        after_post = np.where(after_post == NONE, continuing[ending], after_post)
        self._start(finishing, after_vo, s[finishing], year, cell[finishing])
        self._start(ending, after_post, s[ending], year, cell[ending])
        self._count_second_chances(cell, in_panel & (age >= 18) & (age <= 22))
        return _YearOfSchool(sector, level, study_year, diploma, early_leaver)

    def _count_second_chances(self, cell: Ints, adults: Bools) -> None:
        """Update each cell's share of 18-22-year-olds whose startkwalificatie the T1.R12 lever
        gave: without it they would have left school without one. The mbo rate is solved
        for T1.R13 minus that share (:meth:`_Targets.mbo_success` has no term for second
        chances), so that the lever does not push T1.R13 up. The share is measured now and
        used for programmes that end in a few years; smoothing keeps small cells steady.
        """
        groups = len(CELLS)
        persons = np.bincount(cell[adults], minlength=groups)
        lever = adults & self.kept_in_school & self.has_startkwalificatie
        share = np.bincount(cell[lever], minlength=groups) / np.maximum(persons, 1)
        self.second_chances += SECOND_CHANCE_SMOOTHING * (share - self.second_chances)

    def _keep_in_school(
        self,
        year: int,
        cell: Ints,
        pupils: Bools,
        leaving: Ints,
        passed_entree: Bools,
        in_panel: Bools,
    ) -> Ints:
        """T1.R12: which would-be early leavers leave, and what the others start instead.

        ``leaving`` are the members who would leave school this year without a
        startkwalificatie before 23; ``pupils`` the vo and mbo pupils aged 12-22 in the panel
        (the kernel's denominator). Per cell the expected number of leavers in the panel is
        the target rate times the pupils (rank calibration: the lowest school scores leave);
        members outside the panel leave with their cell's share. The others continue in
        entree (mbo 1), or in mbo 2 with an entree diploma. Returns the next level per leaver
        (NONE: leaves). If a cell has fewer would-be leavers than its quota, all of them leave.
        """
        groups = len(CELLS)
        where = cell[leaving]
        is_counted = in_panel[leaving]
        quota = self.world.targets("T1.R12", year) * np.bincount(cell[pupils], minlength=groups)
        leaves = np.zeros(leaving.size, dtype=bool)
        inside = np.flatnonzero(is_counted)
        leaves[inside] = _select_lowest(self.score[leaving[inside]], where[inside], quota, self.rng)
        candidates = np.bincount(where[inside], minlength=groups)
        left = np.bincount(where[inside], weights=leaves[inside], minlength=groups)
        share = np.where(candidates > 0, left / np.maximum(candidates, 1), 1.0)
        outside = np.flatnonzero(~is_counted)
        leaves[outside] = self.rng.random(outside.size) < share[where[outside]]
        next_level = np.where(passed_entree, MBO2, MBO1)
        result: Ints = np.where(leaves, NONE, next_level)
        return result

    def _award(self, who: Ints, level: Ints) -> None:
        self.education[who] = np.maximum(self.education[who], DIPLOMA_EDUCATION[level])
        self.has_startkwalificatie[who] |= DIPLOMA_EDUCATION[level] >= 1


# === One chunk, year by year ===============================================================


# Strings are written dictionary-encoded straight from their codes (no hashing), without the
# Arrow schema in the file, so that readers see exactly schema.SCHEMA (plain strings).
WRITE_SCHEMA = pa.schema(
    [
        pa.field(f.name, pa.dictionary(pa.int32(), pa.string()), nullable=f.nullable)
        if pa.types.is_string(f.type)
        else pa.field(f.name, f.type, nullable=f.nullable)
        for f in schema.FIELDS
    ]
)


def _strings(codes: Ints, values: tuple[str, ...]) -> pa.Array:
    """A dictionary-encoded string column from code indices into `values` (-1: null)."""
    indices = pa.array(codes, type=pa.int32(), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(values, type=pa.string()))


def _draw_locations(rng: np.random.Generator, n: int, weight: Floats) -> Ints:
    cumulative = np.cumsum(weight)
    drawn = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")
    location: Ints = np.minimum(drawn, weight.size - 1).astype(np.int64)
    return location


def _draw_in_cell(rng: np.random.Generator, locations: _Locations, cell: Ints) -> Ints:
    """A location in each given cell, by weight (locations are ordered by cell)."""
    cumulative = np.cumsum(locations.weight)
    cell_weight = np.bincount(locations.cell, weights=locations.weight, minlength=len(CELLS))
    cell_start = np.cumsum(cell_weight) - cell_weight
    point = cell_start[cell] + rng.random(cell.size) * cell_weight[cell]
    drawn = np.searchsorted(cumulative, point, side="right")
    location: Ints = np.minimum(drawn, locations.weight.size - 1).astype(np.int64)
    return location


@dataclass
class _SchoolYear:
    """A year's school fields for every person of the chunk."""

    sector: Ints
    level: Ints
    study_year: Ints
    diploma: Ints
    early_leaver: Bools
    career_row: Ints  # index into the career subset, -1 for persons without a career

    @property
    def enrolled(self) -> Bools:
        return self.sector >= 0


class _Chunk:
    """CHUNK_PERSONS persons (fewer in the last chunk) from their own random stream."""

    def __init__(
        self, index: int, persons: int, world: _World, chunk_persons: int | None = None
    ) -> None:
        self.world = world
        self.rng = np.random.default_rng(np.random.SeedSequence(world.seed, spawn_key=(index,)))
        rng = self.rng
        self.population = pop = _draw_population(rng, world, persons)
        n = pop.birth_year.size
        self.units = pop.households + n
        size = CHUNK_PERSONS if chunk_persons is None else chunk_persons
        self.person_id = np.int64(index) * size + np.arange(n, dtype=np.int64)
        household_base = np.int64(index) << 32
        self.household_id = household_base + np.arange(self.units, dtype=np.int64)
        self.need = rng.standard_normal(self.units)
        self.health = rng.standard_normal(self.units)
        self.work = rng.standard_normal(n)
        self.school_draw = rng.random(n)
        self.upgraded = np.zeros(n, dtype=bool)
        self.active_since = np.full(self.units, NO_YEAR, dtype=np.int64)
        self.careers = _Careers(rng, pop, world)
        self.is_career = np.zeros(n, dtype=bool)
        self.is_career[self.careers.members] = True
        for year in range(world.first_year - BURN_IN_YEARS, world.first_year):
            self.careers.step(year, self._cell(self._unit(year))[self.careers.members])
        self.static_education = self._static_education()
        self.buurt_code = np.array(
            [-1 if b is None else i for i, b in enumerate(world.locations.buurt)], dtype=np.int64
        )
        self.buurt_values = tuple(b or "" for b in world.locations.buurt)

    # --- helpers ----------------------------------------------------------------------
    def _unit(self, year: int) -> Ints:
        pop = self.population
        own = pop.households + np.arange(pop.birth_year.size)
        return np.where(year >= pop.leaves_home, own, pop.origin)

    def _cell(self, unit: Ints) -> Ints:
        return self.world.locations.cell[self.population.location[unit]]

    def _education(self) -> Ints:
        """Education so far: diplomas of the career or the static level, and upgrades."""
        education = self.static_education.copy()
        education[self.careers.members] = self.careers.education
        return np.maximum(education, self.upgraded.astype(np.int64))

    def _static_education(self) -> Ints:
        """Education of persons without a simulated career, per cell just below the
        first-year target of T1.R14 (the yearly top-up closes the gap). Older persons and
        parents of minors are less educated (T1.R4 starts high and falls)."""
        pop, world = self.population, self.world
        first = world.first_year
        education = np.zeros(pop.birth_year.size, dtype=np.int64)
        static = ~self.is_career
        age = first - pop.birth_year
        cell = self._cell(self._unit(first))
        present = (pop.entry <= first) & (first < pop.exit)
        minor_at_home = present & (pop.role == 2) & (age < 18)
        with_minors = np.bincount(pop.origin[minor_at_home], minlength=pop.households) > 0
        parent = (pop.role < 2) & with_minors[pop.origin]
        score = pop.advantage - STATIC_AGE_GRADIENT * (age - 45) - STATIC_PARENT_GAP * parent
        working_age = present & (age >= 15) & (age <= 74)
        career_educated = np.zeros(pop.birth_year.size, dtype=bool)
        career_educated[self.careers.members] = self.careers.education >= 1
        target = world.targets("T1.R14", first)
        for c in range(len(CELLS)):  # seven cells, vectorised within each
            in_cell = cell == c
            adults = np.flatnonzero(in_cell & static & working_age)
            if adults.size == 0:
                continue
            everyone = np.count_nonzero(in_cell & working_age)
            needed = target[c] * everyone - np.count_nonzero(
                in_cell & career_educated & working_age
            )
            share = float(np.clip(needed / adults.size - 0.03, 0.05, 0.97))
            threshold = np.quantile(score[adults], 1 - share)
            educated = score[adults][score[adults] >= threshold]
            hoog_threshold = np.quantile(educated, 1 - PROFILES[c].hoog)
            members = in_cell & static
            education[members] = (score[members] >= threshold).astype(np.int64) + (
                score[members] >= hoog_threshold
            )
        return education

    # --- the years --------------------------------------------------------------------
    def years(self) -> Iterator[tuple[int, pa.Table]]:
        for year in range(self.world.first_year, self.world.last_year + 1):
            yield year, self._year(year)

    def _move(self, year: int, unit: Ints, present: Bools) -> None:
        """New households get their first location; others move with a small probability."""
        pop, rng, locations = self.population, self.rng, self.world.locations
        active = np.zeros(self.units, dtype=bool)
        active[unit[present]] = True
        new = active & (self.active_since == NO_YEAR)
        new_own = np.flatnonzero(new[pop.households :])
        pop.location[pop.households + new_own] = pop.location[pop.origin[new_own]]
        self.active_since[new] = year
        reference_age = np.zeros(self.units, dtype=np.int64)
        reference_age[pop.households :] = year - pop.birth_year
        chance = np.where(
            np.arange(self.units) >= pop.households,
            np.where(reference_age < 30, MOVE_YOUNG, MOVE_PER_YEAR),
            MOVE_PER_YEAR,
        )
        education = self._education()
        reference_education = np.concatenate([education[pop.head], education])
        hoog_in_zuid = locations.in_zuid[pop.location] & (reference_education == 2)
        chance = np.where(hoog_in_zuid, chance * HOOG_LEAVES_ZUID, chance)
        chance = np.where(new, 0.5 * (np.arange(self.units) >= pop.households), chance)
        movers = np.flatnonzero(active & (rng.random(self.units) < chance))
        if movers.size == 0:
            return
        current = pop.location[movers]
        within = rng.random(movers.size) < MOVE_WITHIN_CELL
        outside_zuid = np.where(locations.in_zuid, 0.0, locations.weight)
        leaves_zuid = hoog_in_zuid[movers] & (rng.random(movers.size) < 0.5)
        destination = np.where(
            within,
            _draw_in_cell(rng, locations, locations.cell[current]),
            _draw_locations(rng, movers.size, locations.weight),
        )
        destination = np.where(
            leaves_zuid, _draw_locations(rng, movers.size, outside_zuid), destination
        )
        pop.location[movers] = destination

    def _school_year(self, year: int, cell: Ints, present: Bools) -> _SchoolYear:
        n = self.population.birth_year.size
        members = self.careers.members
        step = self.careers.step(year, cell[members], present[members])
        school = _SchoolYear(
            sector=np.full(n, NONE, dtype=np.int64),
            level=np.full(n, NONE, dtype=np.int64),
            study_year=np.zeros(n, dtype=np.int64),
            diploma=np.full(n, NONE, dtype=np.int64),
            early_leaver=np.zeros(n, dtype=bool),
            career_row=np.full(n, -1, dtype=np.int64),
        )
        school.sector[members], school.level[members] = step.sector, step.level
        school.study_year[members], school.diploma[members] = step.study_year, step.diploma
        school.early_leaver[members] = step.early_leaver
        school.career_row[members] = np.arange(members.size)
        return school

    def _top_up_parents(
        self, year: int, present: Bools, unit: Ints, school: _SchoolYear, parents: Ints
    ) -> None:
        """T1.R4: upgrade a laag-educated parent of po pupils where the cell has too many."""
        pop, rng = self.population, self.rng
        pupils = present & (school.sector == 0)
        pupil_count = np.bincount(unit[pupils], minlength=self.units)
        households = np.flatnonzero(pupil_count[: pop.households] > 0)
        cell = self._cell(households)
        education = self._education()
        unit_education = self._parents_education(households, education, parents)
        laag = unit_education == 0
        groups = len(CELLS)
        weight = pupil_count[households].astype(np.float64)
        all_pupils = np.bincount(cell, weights=weight, minlength=groups)
        laag_pupils = np.bincount(cell[laag], weights=weight[laag], minlength=groups)
        excess = np.maximum(laag_pupils - self.world.targets("T1.R4", year) * all_pupils, 0)
        candidates = np.flatnonzero(laag)
        head, partner = pop.head[households], pop.partner[households]
        partner_better = (partner >= 0) & (
            pop.advantage[np.maximum(partner, 0)] > pop.advantage[head]
        )
        partner_better &= parents[1][households] == 1
        best = np.where(partner_better | (parents[0][households] == 0), partner, head)
        chosen = _select_lowest(
            -pop.advantage[best[candidates]], cell[candidates], excess, rng, weight[candidates]
        )
        upgraded = best[candidates[chosen]]
        self.upgraded[upgraded[upgraded >= 0]] = True

    def _parents_education(self, households: Ints, education: Ints, parents: Ints) -> Ints:
        """Highest education of the present adults of origin households (-1: none)."""
        pop = self.population
        head_education = np.where(parents[0][households] == 1, education[pop.head[households]], -1)
        partner = pop.partner[households]
        partner_education = np.where(
            parents[1][households] == 1, education[np.maximum(partner, 0)], -1
        )
        return np.maximum(head_education, partner_education)

    def _top_up_adults(
        self, year: int, present: Bools, cell: Ints, age: Ints, enrolled: Bools
    ) -> None:
        """T1.R14: upgrade laag-educated adults (25-64, not in school) where below target."""
        groups = len(CELLS)
        education = self._education()
        working_age = present & (age >= 15) & (age <= 74)
        everyone = np.bincount(cell[working_age], minlength=groups)
        educated = np.bincount(cell[working_age & (education >= 1)], minlength=groups)
        deficit = np.maximum(self.world.targets("T1.R14", year) * everyone - educated, 0)
        candidates = np.flatnonzero(
            present & (education == 0) & (age >= 25) & (age <= 64) & ~enrolled
        )
        chosen = _select_lowest(
            -self.population.advantage[candidates], cell[candidates], deficit, self.rng
        )
        self.upgraded[candidates[chosen]] = True

    def _groep_8(
        self, year: int, present: Bools, school: _SchoolYear, cell: Ints
    ) -> tuple[Ints, Ints, Ints]:
        """Reference levels (taal: T1.R5/R6) and advice of the groep 8 pupils."""
        targets, n = self.world.targets, self.population.birth_year.size
        pupils = np.flatnonzero(present & (school.sector == 0) & (school.study_year == 8))
        pupil_cell = cell[pupils]
        scores = self.careers.score_tests[:, school.career_row[pupils]]
        fundamenteel, streef = targets("T1.R5", year), targets("T1.R6", year)
        results = []
        for score, (lower, upper) in zip(
            scores[:2],
            ((fundamenteel, streef), (fundamenteel - 0.03, streef - 0.15)),
            strict=True,
        ):
            position = _percentile(score, pupil_cell, len(CELLS))
            reached = np.full(n, NONE, dtype=np.int64)
            reached[pupils] = _bands(position, pupil_cell, np.stack([1 - lower, 1 - upper], axis=1))
            results.append(reached)
        tracks = np.cumsum(targets.vo_shares(year + 3), axis=1)
        cuts = np.stack(
            [
                tracks[:, 0],
                tracks[:, 1] - ADVICE_BAND,
                tracks[:, 1] + ADVICE_BAND,
                tracks[:, 2] - ADVICE_BAND,
                tracks[:, 2] + ADVICE_BAND,
            ],
            axis=1,
        )
        cuts = np.maximum.accumulate(np.clip(cuts, 0, 1), axis=1)
        advice = np.full(n, NONE, dtype=np.int64)
        position = _percentile(scores[2], pupil_cell, len(CELLS))
        advice[pupils] = _bands(position, pupil_cell, cuts)
        return results[0], results[1], advice

    def _schools(self, school: _SchoolYear, cell: Ints) -> tuple[Ints, npt.NDArray[np.float32]]:
        """School of every enrolled person: one of its cell's (po, vo) or gemeente's schools."""
        schools, draw = self.world.schools, self.school_draw
        gemeente = np.array(CELL_GEMEENTE)[cell]
        choice = (
            (school.sector == 0, schools.po_first[cell], schools.po_count[cell], draw),
            (school.sector == 1, schools.vo_first[cell], schools.vo_count[cell], draw * 97 % 1),
            (
                school.sector == 2,
                schools.mbo_first[gemeente],
                schools.mbo_count[gemeente],
                draw * 89 % 1,
            ),
            (
                school.sector == 3,
                schools.ho_first[gemeente],
                schools.ho_count[gemeente],
                draw * 83 % 1,
            ),
        )
        school_id = np.select(
            [mask for mask, *_ in choice],
            [first + np.floor(u * count).astype(np.int64) for _, first, count, u in choice],
            -1,
        )
        return school_id, self.world.weging_lookup[np.maximum(school_id, 0)]

    def _year(self, year: int) -> pa.Table:
        pop, world, rng, targets = self.population, self.world, self.rng, self.world.targets
        n, units, groups = pop.birth_year.size, self.units, len(CELLS)
        unit = self._unit(year)
        present = (pop.entry <= year) & (year < pop.exit)
        age = year - pop.birth_year
        self._move(year, unit, present)
        cell = self._cell(unit)
        school = self._school_year(year, cell, present)

        # --- households: who is at home, type and position
        at_home = present & (unit == pop.origin)
        head_here = np.zeros(units, dtype=bool)
        partner_here = np.zeros(units, dtype=bool)
        head_here[: pop.households] = at_home[pop.head]
        has_partner = pop.partner >= 0
        partner_here[: pop.households][has_partner] = at_home[pop.partner[has_partner]]
        head_here[unit[present & ~at_home]] = True
        parents = np.stack([head_here, partner_here]).astype(np.int64)
        children = at_home & (pop.role == 2)
        child_count = np.bincount(unit[children], minlength=units)
        minors = np.bincount(unit[children & (age < 18)], minlength=units)
        adults = head_here.astype(np.int64) + partner_here
        household_type = np.select(
            [adults == 2, (adults == 1) & (child_count > 0), adults == 1],
            [np.where(child_count > 0, 2, 1), 3, 0],
            4,
        )
        type_of_person = household_type[unit]
        position = np.select(
            [~at_home, pop.role == 2, type_of_person == 3, type_of_person == 0],
            [3, np.where(adults[unit] == 0, 4, 0), 1, 3],
            2,
        )

        # --- education: top-ups to T1.R4 (parents of po pupils), then to T1.R14
        self._top_up_parents(year, present, unit, school, parents)
        self._top_up_adults(year, present, cell, age, school.enrolled)
        education = self._education()

        # --- latent economic scores (AR(1) per household and person)
        def evolve(value: Floats, persistence: float) -> Floats:
            shock = rng.standard_normal(value.size)
            return persistence * value + math.sqrt(1 - persistence**2) * shock

        self.need = evolve(self.need, NEED_PERSISTENCE)
        self.health = evolve(self.health, HEALTH_PERSISTENCE)
        self.work = evolve(self.work, WORK_PERSISTENCE)
        hardship = -0.6 * pop.unit_advantage + 0.8 * self.need  # higher: more need

        # --- benefits (T1.R18, T1.R19), on the household's reference person
        active = np.flatnonzero(np.bincount(unit[present], minlength=units) > 0)
        active_cell = world.locations.cell[pop.location[active]]
        reference = np.full(units, -1, dtype=np.int64)
        first_units = slice(0, pop.households)
        reference[first_units] = np.where(
            head_here[first_units], pop.head, np.where(partner_here[first_units], pop.partner, -1)
        )
        reference[pop.households :] = np.arange(n)
        active_reference = reference[active]
        reference_age = year - pop.birth_year[np.maximum(active_reference, 0)]
        eligible = np.flatnonzero(
            (active_reference >= 0) & (reference_age >= 18) & (reference_age < PENSION_AGE)
        )
        households = np.bincount(active_cell, minlength=groups).astype(np.float64)
        need = hardship[active]
        assisted = _select_lowest(
            -need[eligible], active_cell[eligible], targets("T1.R19", year) * households, rng
        )
        helped = eligible[assisted]
        ww_position = _percentile(need[helped], active_cell[helped], groups)
        ww_share = np.array([p.ww for p in PROFILES])
        benefit_of_unit = np.full(active.size, NONE, dtype=np.int64)
        benefit_of_unit[helped] = np.where(ww_position < ww_share[active_cell[helped]], 1, 0)
        others = eligible[~assisted]
        disability = 0.5 * need[others] + 0.87 * self.health[active[others]]
        disability_quota = (targets("T1.R18", year) - targets("T1.R19", year)) * households
        disabled = _select_lowest(-disability, active_cell[others], disability_quota, rng)
        benefit_of_unit[others[disabled]] = 2
        benefit = np.full(n, NONE, dtype=np.int64)
        receiving = benefit_of_unit >= 0
        benefit[active_reference[receiving]] = benefit_of_unit[receiving]

        # --- income: up to 110% of the minimum (T1.R16, T1.R17), the rest gives T1.R15
        low = np.zeros(active.size, dtype=bool)
        unit_minors = minors[active].astype(np.float64)
        with_minors = np.flatnonzero(unit_minors > 0)
        minors_in_cell = np.bincount(active_cell, weights=unit_minors, minlength=groups)
        low[with_minors] = _select_lowest(
            -need[with_minors],
            active_cell[with_minors],
            targets("T1.R17", year) * minors_in_cell,
            rng,
            unit_minors[with_minors],
        )
        low_with_minors = np.bincount(active_cell[low], minlength=groups)
        without_minors = np.flatnonzero(unit_minors == 0)
        quota = np.maximum(targets("T1.R16", year) * households - low_with_minors, 0)
        low[without_minors] = _select_lowest(
            -need[without_minors], active_cell[without_minors], quota, rng
        )
        ratio = np.empty(active.size)
        for band, rest in ((low, False), (~low, True)):
            members = np.flatnonzero(band)
            where = _percentile(-need[members], active_cell[members], groups)
            if rest:
                share_low = targets("T1.R16", year)
                mean_low = sum(LOW_INCOME) / 2
                mean = targets("T1.R15", year) / social_minimum(year)
                tail = (mean - share_low * mean_low) / (1 - share_low) - HIGH_INCOME_FLOOR
                ratio[members] = HIGH_INCOME_FLOOR - np.maximum(tail, 0.2)[
                    active_cell[members]
                ] * np.log1p(-where)
            else:
                ratio[members] = LOW_INCOME[0] + (LOW_INCOME[1] - LOW_INCOME[0]) * where
        on_assistance = low & (benefit_of_unit == 0)
        ratio[on_assistance] = np.maximum(ratio[on_assistance], 1.0)
        minimum = social_minimum(year)
        income = np.zeros(units)
        income[active] = np.rint(ratio * minimum)

        # --- work: the non-working labour force (T1.R20), then the employed
        people = np.flatnonzero(present & (age >= 15) & (age <= 74))
        people_cell = cell[people]
        in_cell = np.bincount(people_cell, minlength=groups).astype(np.float64)
        drive = 0.5 * hardship[unit] - 0.4 * pop.advantage + 0.75 * self.work  # higher: less work
        people_benefit = benefit[people]
        cannot_seek = (people_benefit == 2) | (age[people] >= PENSION_AGE)
        seeking = (
            drive[people]
            + 1.0 * school.enrolled[people]
            - 10.0 * ((people_benefit == 0) | (people_benefit == 1))
            + 100.0 * cannot_seek
        )
        unemployed = np.zeros(n, dtype=bool)
        unemployed[people] = _select_lowest(
            seeking, people_cell, targets("T1.R20", year) * in_cell, rng
        )
        workers = people[~unemployed[people] & (people_benefit < 0)]
        worker_age = age[workers]
        job_score = (
            drive[workers]
            + 1.3 * school.enrolled[workers]
            + 3.0 * (worker_age >= PENSION_AGE)
            + 0.8 * (worker_age >= 60)
            + 0.6 * (worker_age < 20)
        )
        employed = np.zeros(n, dtype=bool)
        employed[workers] = _select_lowest(
            job_score, cell[workers], targets.employment(year) * in_cell, rng
        )

        # --- groep 8, schools, parents' education
        ref_taal, ref_rekenen, advice = self._groep_8(year, present, school, cell)
        school_id, weging = self._schools(school, cell)
        origin_units = np.arange(pop.households)
        unit_education = np.full(units, NONE, dtype=np.int64)
        # the parents' education as the education file has it (the ingest's rule)
        on_file = synthfields.covered(world.seed, self.person_id, pop.birth_year)
        unit_education[: pop.households] = self._parents_education(
            origin_units, np.where(on_file, education, NONE), parents
        )
        parents_education = np.where(school.sector == 0, unit_education[unit], NONE)

        # --- the rows
        r = np.flatnonzero(present)
        u = unit[r]
        location = pop.location[u]
        columns = {
            "person": pa.array(self.person_id[r]),
            "year": pa.array(np.full(r.size, year, dtype=np.int16)),
            "birth_year": pa.array(pop.birth_year[r].astype(np.int16)),
            "sex": _strings(np.where(pop.male[r], 0, 1), schema.SEXES),
            "gemeente": _strings(world.locations.gemeente[location], GEMEENTEN),
            "buurt": _strings(self.buurt_code[location], self.buurt_values),
            "household": pa.array(self.household_id[u]),
            "household_type": _strings(household_type[u], schema.HOUSEHOLD_TYPES),
            "household_position": _strings(position[r], schema.HOUSEHOLD_POSITIONS),
            "sector": _strings(school.sector[r], schema.SECTORS),
            "level": _strings(school.level[r], schema.LEVELS),
            "study_year": pa.array(school.study_year[r].astype(np.int8), mask=~school.enrolled[r]),
            "school": pa.array(school_id[r].astype(np.int32), mask=school_id[r] < 0),
            "schoolweging": pa.array(weging[r], mask=np.isnan(weging[r])),
            "diploma": _strings(school.diploma[r], schema.DIPLOMAS),
            "ref_taal": _strings(ref_taal[r], schema.REFERENCE_LEVELS),
            "ref_rekenen": _strings(ref_rekenen[r], schema.REFERENCE_LEVELS),
            "advice": _strings(advice[r], schema.ADVICES),
            "early_leaver": pa.array(school.early_leaver[r]),
            "startkwalificatie": pa.array(education[r] >= 1),
            "education": _strings(np.where(age[r] >= 15, education[r], NONE), schema.EDUCATION),
            "parents_education": _strings(parents_education[r], schema.EDUCATION),
            "household_income": pa.array(income[u]),
            "income_vs_minimum": pa.array((income[u] / minimum).astype(np.float32)),
            "benefit": _strings(benefit[r], schema.BENEFITS),
            "employed": pa.array(employed[r]),
            "labour_force": pa.array(employed[r] | unemployed[r]),
        }
        added = synthfields.columns(
            world.seed,
            year,
            self.person_id[r],
            pop.birth_year[r],
            world.locations.in_zuid[location],
            advice[r],
            school.sector[r],
            np.where(age[r] >= 15, education[r], NONE),
            income[u] / minimum,
        )
        weight, percentile = added.education_weight, added.income_percentile
        columns |= {
            "test_advice": _strings(added.test_advice, schema.ADVICES),
            "advice_revised": _strings(added.advice_revised, schema.ADVICES),
            "mbo_field": _strings(added.mbo_field, schema.MBO_FIELDS),
            "education": _strings(added.education, schema.EDUCATION),
            "education_weight": pa.array(weight, mask=np.isnan(weight)),
            "income_percentile": pa.array(percentile.astype(np.int8), mask=percentile == 0),
        }
        return pa.Table.from_arrays([columns[c] for c in schema.COLUMNS], schema=WRITE_SCHEMA)


# === Public entry point ====================================================================


def _world(seed: int, first_year: int, years: int, scope: Scope) -> _World:
    schools = _schools(seed)
    last_school = SCHOOL_ID_BASE["ho"] + sum(HO_INSTITUTIONS)
    weging = np.full(last_school + 1, np.nan, dtype=np.float32)  # NaN: mbo, ho
    weging[list(schools.weging)] = list(schools.weging.values())
    return _World(
        seed=seed,
        first_year=first_year,
        last_year=first_year + years - 1,
        locations=_locations(scope),
        schools=schools,
        targets=_Targets(),
        weging_lookup=weging,
    )


@dataclass(frozen=True)
class _ChunkTask:
    """One chunk to write, self-contained so that a worker process can run it."""

    out: Path
    index: int
    persons: int
    chunk_persons: int  # the parent's CHUNK_PERSONS (person ids are index × this + i)
    seed: int
    first_year: int
    years: int
    scope: Scope


def _write_chunk(
    task: _ChunkTask, world: _World | None = None, on_year: Callable[[int], None] | None = None
) -> int:
    """Write one chunk's part files (one per year); the number of person-years written.
    ``on_year`` hears the rows of each year as it is written."""
    if world is None:
        world = _world(task.seed, task.first_year, task.years, task.scope)
    chunk = _Chunk(task.index, task.persons, world, task.chunk_persons)
    written = 0
    for year, table in chunk.years():
        directory = task.out / f"year={year}"
        directory.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, directory / f"part-{task.index:05d}.parquet", store_schema=False)
        written += table.num_rows
        if on_year is not None:
            on_year(table.num_rows)
    return written


def generate(
    out: Path,
    *,
    persons: int,
    years: int = 12,
    first_year: int = 2011,
    seed: int = 0,
    scope: Scope = "nl",
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> SynthSummary:
    """Write a synthetic panel of `persons` persons over `years` years into `out`.

    ``scope="g4"`` places everybody in the four big cities (no GM0000 rows), so a small
    panel still has thousands of Zuid residents; the marginals per area are the same.
    ``progress`` is called with the number of person-years written so far, after each
    year of each chunk (with ``workers > 1``: after each chunk, in chunk order).

    ``workers > 1`` generates chunks in a pool of that many processes (``spawn``, so no
    state of the caller is inherited). The files are the same whatever ``workers`` is:
    chunk *k* draws from its own seed and writes its own part files, and memory grows to
    one chunk per worker.
    """
    if persons < 1:
        raise ValueError(f"persons must be at least 1, got {persons}")
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years}")
    if scope not in ("nl", "g4"):
        raise ValueError(f"scope must be 'nl' or 'g4', got {scope!r}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"output directory {out} exists and is not empty; choose a new one")
    started = time.perf_counter()
    size = CHUNK_PERSONS
    tasks = [
        _ChunkTask(
            out, index, min(size, persons - index * size), size, seed, first_year, years, scope
        )
        for index in range(math.ceil(persons / size))
    ]
    written = 0
    if workers == 1 or len(tasks) == 1:
        world = _world(seed, first_year, years, scope)

        def year_written(rows: int) -> None:
            nonlocal written
            written += rows
            if progress is not None:
                progress(written)

        for task in tasks:
            _write_chunk(task, world, year_written)
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(workers, len(tasks)), mp_context=context) as pool:
            for rows in pool.map(_write_chunk, tasks):
                written += rows
                if progress is not None:
                    progress(written)
    out.mkdir(parents=True, exist_ok=True)
    schema.write_meta(
        out,
        {
            "synthetisch": True,
            "generator": "koers basismonitor synth",
            "seed": seed,
            "scope": scope,
            "persons": persons,
            "first_year": first_year,
            "years": years,
        },
    )
    return SynthSummary(
        persons=persons,
        person_years=written,
        years=tuple(range(first_year, first_year + years)),
        seconds=time.perf_counter() - started,
        targets=calibration_targets(first_year, years),
    )
