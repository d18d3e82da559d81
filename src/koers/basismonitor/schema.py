"""The microdata panel of the Basismonitor: one row per pseudonymised person per year.

A panel is a directory of Parquet files partitioned by year (``year=2015/part-0.parquet``,
hive style), so a run reads only the years it needs and the 210 M person-years of the whole
country stream from disk. The same schema holds for real microdata (prepared inside the
secure environment) and for the synthetic panel of :mod:`koers.basismonitor.synth`.

Reference moments, so every field of a row describes the same year ``Y``:

- school fields describe the school year that *ends* in ``Y`` (school year 2021/22 is
  ``Y = 2022``), as koers counts school years for the year they end in;
- residence and household describe 1 January of ``Y``;
- income, benefit and employment describe the calendar year ``Y`` (benefit and
  employment: the situation on the last day of ``Y``).

Every field is listed in :data:`FIELDS` with its type and meaning; ``docs/basismonitor.md``
is generated from it and tested against it. Codes are lower-case strings so that the same
values work in DuckDB, Spark and pandas without categorical types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa


@dataclass(frozen=True)
class Field:
    """One column of the panel."""

    name: str
    type: pa.DataType
    nullable: bool
    meaning: str
    values: tuple[str, ...] = ()  # the allowed codes of a string field, if closed


SEXES = ("m", "v")
HOUSEHOLD_TYPES = ("eenpersoons", "paar", "paar_met_kinderen", "eenouder", "overig")
HOUSEHOLD_POSITIONS = ("kind", "ouder", "partner", "alleenstaand", "overig")
SECTORS = ("po", "vo", "mbo", "ho")
# A level names the sector's track: vo has pro (praktijkonderwijs), vmbo, havo and vwo;
# mbo has its four niveaus; ho has hbo and wo. po has one level, "po".
LEVELS = ("po", "pro", "vmbo", "havo", "vwo", "mbo1", "mbo2", "mbo3", "mbo4", "hbo", "wo")
DIPLOMAS = ("vmbo", "havo", "vwo", "mbo1", "mbo2", "mbo3", "mbo4", "hbo", "wo")
REFERENCE_LEVELS = ("onder", "fundamenteel", "streef")  # < 1F, 1F, 2F/1S
ADVICES = ("pro", "vmbo", "vmbo_havo", "havo", "havo_vwo", "vwo")
EDUCATION = ("laag", "middelbaar", "hoog")
BENEFITS = ("bijstand", "ww", "ao")
# The field (richting) of an mbo programme, grouped as the plan steers on it (E4.5-E4.9):
# techniek, haven en logistiek, zorg (zorg en welzijn), everything else.
MBO_FIELDS = ("techniek", "haven_logistiek", "zorg", "overig")

FIELDS: tuple[Field, ...] = (
    Field("person", pa.int64(), False, "Pseudonym of the person, the same in every year."),
    Field("year", pa.int16(), False, "The year the row describes (the partition key)."),
    Field("birth_year", pa.int16(), False, "Year of birth."),
    Field("sex", pa.string(), False, "Sex as registered.", SEXES),
    Field(
        "gemeente",
        pa.string(),
        False,
        "CBS code of the municipality of residence on 1 January (GM0599 Rotterdam). "
        "GM0000 stands for 'elsewhere in Nederland' in synthetic panels.",
    ),
    Field(
        "buurt",
        pa.string(),
        True,
        "CBS code of the buurt of residence on 1 January (BU05991571); empty outside the "
        "municipalities whose buurten the programme follows.",
    ),
    Field("household", pa.int64(), False, "Pseudonym of the household on 1 January."),
    Field("household_type", pa.string(), False, "Type of that household.", HOUSEHOLD_TYPES),
    Field(
        "household_position", pa.string(), False, "The person's place in it.", HOUSEHOLD_POSITIONS
    ),
    Field("sector", pa.string(), True, "Sector of enrolment (empty: not enrolled).", SECTORS),
    Field("level", pa.string(), True, "Track or niveau within the sector.", LEVELS),
    Field(
        "study_year",
        pa.int8(),
        True,
        "Groep (1-8) in po, leerjaar in vo, mbo and ho.",
    ),
    Field("school", pa.int32(), True, "Pseudonym of the school (BRIN-vestiging)."),
    Field(
        "schoolweging",
        pa.float32(),
        True,
        "CBS schoolweging of the school (po and vo; about 20-40, higher means a "
        "population with more expected disadvantage).",
    ),
    Field("diploma", pa.string(), True, "Diploma obtained in this school year.", DIPLOMAS),
    Field(
        "ref_taal",
        pa.string(),
        True,
        "Reference level reached in taal (lezen) at the end of groep 8.",
        REFERENCE_LEVELS,
    ),
    Field(
        "ref_rekenen",
        pa.string(),
        True,
        "Reference level reached in rekenen at the end of groep 8.",
        REFERENCE_LEVELS,
    ),
    Field("advice", pa.string(), True, "Final school advice in groep 8.", ADVICES),
    Field(
        "early_leaver",
        pa.bool_(),
        False,
        "Left education in this school year without a startkwalificatie, aged under 23 "
        "(a new voortijdig schoolverlater).",
    ),
    Field(
        "startkwalificatie",
        pa.bool_(),
        False,
        "Holds a havo, vwo or mbo-2 (or higher) diploma at the end of the year.",
    ),
    Field("education", pa.string(), True, "Highest education attained (15+).", EDUCATION),
    Field(
        "parents_education",
        pa.string(),
        True,
        "Highest education of the parents (pupils in po).",
        EDUCATION,
    ),
    Field(
        "household_income",
        pa.float64(),
        True,
        "Standardised disposable income of the household in euro (the same for every "
        "member; empty for institutional households).",
    ),
    Field(
        "income_vs_minimum",
        pa.float32(),
        True,
        "Household income as a fraction of the social minimum (1,10 = 110%).",
    ),
    Field("benefit", pa.string(), True, "Benefit received at the end of the year.", BENEFITS),
    Field("employed", pa.bool_(), False, "In paid work at the end of the year."),
    Field(
        "labour_force",
        pa.bool_(),
        True,
        "In the labour force (working, or not working but looking and available); empty "
        "where unknown: registers do not say who is looking and available (the EBB, a "
        "sample survey, does), so a panel built from registers alone leaves it empty.",
    ),
    # Added in session 4 (issue 20, definitions); appended so earlier columns keep their
    # place.
    Field(
        "test_advice",
        pa.string(),
        True,
        "The school advice the eindtoets indicates (its schooladviesindicatie) in groep 8.",
        ADVICES,
    ),
    Field(
        "advice_revised",
        pa.string(),
        True,
        "The revised school advice after the eindtoets (herzien schooladvies) in groep 8; "
        "empty when the advice was not revised.",
        ADVICES,
    ),
    Field(
        "mbo_field",
        pa.string(),
        True,
        "Field (richting) of the mbo programme of the enrolment in mbo, grouped from its "
        "CREBO code; empty outside mbo.",
        MBO_FIELDS,
    ),
    Field(
        "education_weight",
        pa.float32(),
        True,
        "CBS's weight of the education record (GEWICHTHOOGSTEOPL in HOOGSTEOPLTAB): how "
        "many persons it stands for; empty where education is empty.",
    ),
    Field(
        "income_percentile",
        pa.int8(),
        True,
        "Percentile group (1-100) of the household's standardised disposable income in "
        "the national distribution (INHP100HBEST in INHATAB); empty where household_income "
        "is empty.",
    ),
)

SCHEMA = pa.schema([pa.field(f.name, f.type, nullable=f.nullable) for f in FIELDS])
COLUMNS = tuple(f.name for f in FIELDS)


META_FILE = "_koers-panel.json"
"""The panel's metadata, next to its year directories (the underscore makes Spark and
Arrow datasets pass it over when they read the directory): ``{"synthetisch": true, "seed": …,
"scope": …, "persons": …, "first_year": …, "years": …}`` for a synthetic panel. A panel
without it (a real one, prepared in the secure environment) is real."""


def read_meta(panel: Path) -> dict[str, Any]:
    """The panel's metadata (empty for a panel without :data:`META_FILE`)."""
    path = panel / META_FILE
    if not path.is_file():
        return {}
    found = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(found, dict):
        raise ValueError(f"{path}: geen JSON-object")
    return found


def write_meta(panel: Path, meta: dict[str, Any]) -> None:
    (panel / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", "utf-8")


def is_synthetic(meta: dict[str, Any]) -> bool:
    return bool(meta.get("synthetisch"))
