"""The SSB tables the Basismonitor reads, as CBS delivers them in its secure environment.

Researchers in CBS's Remote Access environment work on the tables of the Stelsel van Sociaal
statistische Bestanden (SSB), keyed on ``RINPERSOONS``/``RINPERSOON``. This module declares
which tables and variables :mod:`koers.basismonitor.ssb` reads to build the person-year
panel of :mod:`~.schema`, the codes it recodes, and how a delivered file is recognised by
its name. It is pure data: ``docs/basismonitor.md`` ("From the SSB tables") cites the
documentation of every table and says per variable whether its name and codes come from
CBS's documentation or are an assumption of koers, to be checked against the documentation
report in the environment. A name or code that turns out different is changed here, once.

Kinds of table:

- ``vast``: one row per unit, no time (GBAPERSOONTAB, VSLGWBTAB, koers' recode tables);
- ``bus``: spells with a begin and an end date (``...BUS``); a spell counts at a reference
  date when ``begin <= date <= end``;
- ``jaar``: one file per year (``INHA2019TABV2``, ``INSCHRWPOTAB2019V1``); the year is read
  from the file name and ``offset`` turns it into the panel year (a school-year file of
  1 October J describes the school year that ends in J + 1).

Three tables are koers' own, made once by the researcher (CBS has no table for them):
``KOERSOPLEIDINGEN`` (opleidingsnummer → sector, track, mbo field), ``SCHOOLWEGING`` (CBS's
public schoolweging per school, uploaded into the environment) and, optionally,
``BEROEPSBEVOLKING`` (a labour-force proxy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["vast", "bus", "jaar"]


@dataclass(frozen=True)
class Table:
    """One SSB table: its name stem, kind, key, the variables koers reads, its dates."""

    stem: str  # the name without year, TAB/BUS and version: GBAPERSOON, INHA, INSCHRWPO
    kind: Kind
    key: tuple[str, ...]
    variables: tuple[str, ...]  # besides the key
    dates: tuple[str, ...] = ()  # YYYYMMDD variables: begin and end of a spell
    offset: int = 0  # panel year = file year + offset ("jaar" tables)
    required: bool = True
    optional_variables: tuple[str, ...] = ()  # read when present (newer panel columns)
    cbs_name: str | None = None  # the name CBS gives it, where not stem + TAB or BUS

    @property
    def name(self) -> str:
        if self.cbs_name is not None:
            return self.cbs_name
        return f"{self.stem}{'BUS' if self.kind == 'bus' else 'TAB'}"


PERSON = ("RINPERSOONS", "RINPERSOON")
HOUSEHOLD_INCOME = ("RINPERSOONSHKW", "RINPERSOONHKW")

PERSONS = Table("GBAPERSOON", "vast", PERSON, ("GBAGESLACHT", "GBAGEBOORTEJAAR"))
ADDRESSES = Table(
    "GBAADRESOBJECT",
    "bus",
    (*PERSON, "GBADATUMAANVANGADRESHOUDING"),
    ("GBADATUMEINDEADRESHOUDING", "SOORTOBJECTNUMMER", "RINOBJECTNUMMER"),
    dates=("GBADATUMAANVANGADRESHOUDING", "GBADATUMEINDEADRESHOUDING"),
)
# VSLGWBTAB has a gemeente, wijk and buurt column per year of indeling (gem2022, wc2022,
# bc2022); koers reads the two of one indeling (the "vintage"), see ssb.ingest.
OBJECTS = Table("VSLGWB", "vast", ("SOORTOBJECTNUMMER", "RINOBJECTNUMMER"), ())
HOUSEHOLDS = Table(
    "GBAHUISHOUDENS",
    "bus",
    (*PERSON, "DATUMAANVANGHH"),
    ("DATUMEINDEHH", "HUISHOUDNR", "TYPHH", "PLHH"),
    dates=("DATUMAANVANGHH", "DATUMEINDEHH"),
)
INCOME_LINK = Table(
    "KOPPELPERSOONHUISHOUDEN",
    "jaar",
    PERSON,
    HOUSEHOLD_INCOME,
    required=False,
    cbs_name="KOPPELPERSOONHUISHOUDEN",
)
INCOME = Table(
    "INHA",
    "jaar",
    HOUSEHOLD_INCOME,
    ("INHGESTINKH", "INHARMSOC"),
    required=False,
    optional_variables=("INHP100HBEST",),
)
SOCIO_ECONOMIC = Table(
    "SECM",
    "bus",
    (*PERSON, "AANVSECM"),
    ("EINDSECM", "SECM"),
    dates=("AANVSECM", "EINDSECM"),
)
JOBS = Table(
    "SPOLIS",
    "jaar",
    ("IKVID", "SDATUMAANVANGIKO"),
    (*PERSON, "SDATUMEINDEIKO"),
    dates=("SDATUMAANVANGIKO", "SDATUMEINDEIKO"),
    cbs_name="SPOLISBUS",
)
EDUCATION_LEVEL_PATTERN = re.compile(r"^OPLNIVSOI\d{4}AGG4HB(METNIRWO)?$")
HIGHEST_EDUCATION = Table(
    "HOOGSTEOPL",
    "jaar",
    PERSON,
    ("GEWICHTHOOGSTEOPL",),  # and the one OPLNIVSOI…AGG4HB… column of the file's year
    required=False,
)
HIGHEST_DIPLOMA = Table("HDIPLOMAREG", "jaar", PERSON, ("STARTKWALIFICATIE",))
PRIMARY = Table(
    "INSCHRWPO",
    "jaar",
    PERSON,
    ("WPOBRIN_CRYPT", "WPOBRINVEST", "WPOLEERJAAR", "WPOTAALLV", "WPOREKENEN", "WPOADVIESVO"),
    offset=1,
    required=False,
    optional_variables=("WPOTOETSADVIES", "WPOADVIESHERZ"),
)
ENROLMENT = Table(
    "ONDERWIJSINSCHR",
    "jaar",
    PERSON,
    ("OPLNR", "LEERJAAR", "BRIN_CRYPT"),
    offset=1,
    required=False,
)
DIPLOMAS = Table("ONDERWIJSGESLAAGDEN", "jaar", (*PERSON, "OPLNR"), (), offset=1, required=False)
EARLY_LEAVERS = Table("VSV", "jaar", PERSON, (), offset=1)
PROGRAMMES = Table(
    "KOERSOPLEIDINGEN",
    "vast",
    ("OPLNR",),
    ("SECTOR", "NIVEAU", "RICHTING"),
    required=False,
    cbs_name="KOERSOPLEIDINGEN",
)
SCHOOL_WEIGHTS = Table(
    "SCHOOLWEGING",
    "vast",
    ("SCHOOL", "JAAR"),
    ("SCHOOLWEGING",),
    required=False,
    cbs_name="SCHOOLWEGING",
)
LABOUR_FORCE = Table(
    "BEROEPSBEVOLKING",
    "jaar",
    PERSON,
    ("BEROEPSBEVOLKING",),
    required=False,
    cbs_name="BEROEPSBEVOLKING",
)

TABLES: tuple[Table, ...] = (
    PERSONS,
    ADDRESSES,
    OBJECTS,
    HOUSEHOLDS,
    INCOME_LINK,
    INCOME,
    SOCIO_ECONOMIC,
    JOBS,
    HIGHEST_EDUCATION,
    HIGHEST_DIPLOMA,
    PRIMARY,
    ENROLMENT,
    DIPLOMAS,
    EARLY_LEAVERS,
    PROGRAMMES,
    SCHOOL_WEIGHTS,
    LABOUR_FORCE,
)
BY_STEM = {t.stem: t for t in TABLES}

# --- Codes: SSB code -> panel code (the first code of a panel value is what synth writes) ---

SEX = {"1": "m", "2": "v"}
HOUSEHOLD_TYPE = {  # TYPHH
    "1": "eenpersoons",
    "3": "paar",  # gehuwd paar zonder kinderen
    "2": "paar",  # niet-gehuwd paar zonder kinderen
    "5": "paar_met_kinderen",
    "4": "paar_met_kinderen",
    "6": "eenouder",
    "7": "overig",
    "8": "overig",  # institutioneel huishouden
}
HOUSEHOLD_POSITION = {  # PLHH
    "1": "kind",  # thuiswonend kind
    "2": "alleenstaand",
    "4": "partner",  # partner in gehuwd paar zonder kinderen
    "3": "partner",
    "5": "partner",
    "6": "partner",
    "7": "ouder",  # ouder in eenouderhuishouden
    "9": "overig",  # overig lid
    "8": "overig",  # referentiepersoon in overig huishouden
    "10": "overig",  # lid institutioneel huishouden
}
PARENT_POSITIONS = ("partner", "ouder")  # whose education is the parents' education
BENEFIT = {"22": "bijstand", "21": "ww", "24": "ao"}  # SECM: the main income is a benefit
SELF_EMPLOYED = ("12", "13", "14", "15")  # SECM: dga, zelfstandige, overig, meewerkend
EMPLOYEE, NO_INCOME = "11", "32"  # SECM codes synth writes for the other persons
EDUCATION_LEVEL = {"1": "laag", "2": "middelbaar", "3": "hoog"}  # first digit of OPLNIVSOI
REFERENCE_TAAL = {"<1F": "onder", "1F": "fundamenteel", "2F": "streef"}
REFERENCE_REKENEN = {"<1F": "onder", "1F": "fundamenteel", "1S": "streef", "2F": "streef"}
ADVICE = {
    "PRO": "pro",
    "VMBO": "vmbo",
    "VMBO-B": "vmbo",
    "VMBO-K": "vmbo",
    "VMBO-BK": "vmbo",
    "VMBO-GT": "vmbo",
    "VMBO/HAVO": "vmbo_havo",
    "VMBO-GT/HAVO": "vmbo_havo",
    "HAVO": "havo",
    "HAVO/VWO": "havo_vwo",
    "VWO": "vwo",
}
YES = {"1": True, "0": False}  # STARTKWALIFICATIE, BEROEPSBEVOLKING
OPEN_END = "99991231"  # what synth writes as the end of an open spell
EARLIEST_DATE = "18500101"

_NAME = re.compile(
    r"^(?P<stem>[A-Z_]+?)(?:TAB|BUS)?(?P<year>(?:19|20)\d{2})?(?:TAB|BUS)?(?:\d{2})?(?:V\d+)?$"
)
SUFFIXES = (".sav", ".csv", ".parquet")


def recognise(filename: str) -> tuple[Table, int | None] | None:
    """The table a delivered file holds and the year in its name (``INHA2019TABV2.sav`` →
    INHA, 2019), or None for a file koers does not read."""
    lower = filename.lower()
    suffix = next((s for s in SUFFIXES if lower.endswith(s)), None)
    if suffix is None:
        return None
    found = _NAME.match(filename[: -len(suffix)].upper())
    if found is None or found["stem"] not in BY_STEM:
        return None
    return BY_STEM[found["stem"]], int(found["year"]) if found["year"] else None


def canonical(codes: dict[str, str]) -> dict[str, str]:
    """Panel code -> the SSB code synth writes for it (the first listed)."""
    chosen: dict[str, str] = {}
    for code, value in codes.items():
        chosen.setdefault(value, code)
    return chosen
