"""The SQL of the SSB ingest (:mod:`~.ssb`) up to the panel: the delivered files as tables,
the checks that refuse a delivery, and the building blocks of the year's query
(:mod:`~.ssb_panel`).

Every delivered file is copied once into a table of DuckDB's database (:class:`Staged`:
upper-case column names, codes as text, dates parsed). The checks count; each count above
zero becomes a :class:`~koers.sources.base.SourceIssue` naming the table (its file), the
variable and the count, in Dutch. Codes are recoded with the code lists of
:mod:`~.ssb_layout`; the derivation rules are written out in ``docs/basismonitor.md``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from koers import nl
from koers.basismonitor import schema
from koers.basismonitor import ssb_layout as L
from koers.sources.base import SourceIssue


@dataclass
class Staged:
    """One delivered file, copied once into a table of DuckDB's database (which spills to
    the temporary directory past the memory limit), with its dates parsed."""

    table: L.Table
    file: str
    year: int | None  # the panel year it describes (jaar tables)
    columns: set[str]
    name: str  # the table in DuckDB

    def sql(self) -> str:
        return self.name

    def level_column(self) -> str | None:
        return next((c for c in sorted(self.columns) if L.EDUCATION_LEVEL_PATTERN.match(c)), None)

    def materialise(self, con: Any, select: list[str], relation: str) -> None:
        extra = "".join(
            f", CAST(try_strptime({d}, '%Y%m%d') AS DATE) AS {parsed_date(d)}"
            for d in self.table.dates
            if d in self.columns
        )
        if {"RINPERSOONS", "RINPERSOON"} <= self.columns:
            # the person as one number, so that the year's many joins compare a number, not
            # two texts: RINPERSOON itself for a person in the BRP, a negative hash otherwise
            other = "-1 - CAST(hash(RINPERSOONS || '|' || RINPERSOON) >> 2 AS BIGINT)"
            extra += (
                f", CASE WHEN RINPERSOONS = 'R' THEN {pseudonym('RINPERSOON')} "
                f'ELSE {other} END AS "PID"'
            )
        if self.table is L.HIGHEST_EDUCATION and (level := self.level_column()):
            extra += f', "{level}" AS "OPLNIV"'
        con.execute(
            f"CREATE TABLE {self.name} AS SELECT *{extra} FROM (SELECT {', '.join(select)} "
            f"FROM {relation})"
        )


Tables = dict[str, list[Staged]]


def source(staged: Tables, table: L.Table, year: int | None = None) -> str | None:
    files = staged.get(table.stem, [])
    if table.kind == "jaar":
        files = [s for s in files if s.year == year]
    return files[0].sql() if files else None


def nullable(name: str) -> bool:
    """Whether the panel's schema allows the field ``name`` to be empty."""
    return next(f.nullable for f in schema.FIELDS if f.name == name)


def parsed_date(column: str) -> str:
    """The parsed date of a YYYYMMDD variable (made once, in :meth:`Staged.materialise`)."""
    return f'"{column}_D"'


def recode(column: str, codes: dict[str, str]) -> str:
    cases = " ".join(f"WHEN '{code}' THEN '{value}'" for code, value in codes.items())
    return f"(CASE upper({column}) {cases} END)"


def pseudonym(column: str) -> str:
    """A pseudonym as int64: the number itself when it is one, else a hash of the text."""
    return f"COALESCE(TRY_CAST({column} AS BIGINT), CAST(hash({column}) >> 1 AS BIGINT))"


def _count(con: Any, query: str) -> int:
    found = con.execute(query).fetchall()  # read to the end: DuckDB 2 wants every result read
    return int(found[0][0]) if found and found[0][0] is not None else 0


def _codes() -> list[tuple[L.Table, str, set[str]]]:
    levels = {lv for lv in schema.LEVELS if lv != "po"}
    checks = [
        (L.PERSONS, "GBAGESLACHT", set(L.SEX)),
        (L.HOUSEHOLDS, "TYPHH", set(L.HOUSEHOLD_TYPE)),
        (L.HOUSEHOLDS, "PLHH", set(L.HOUSEHOLD_POSITION)),
        (L.PRIMARY, "WPOTAALLV", set(L.REFERENCE_TAAL)),
        (L.PRIMARY, "WPOREKENEN", set(L.REFERENCE_REKENEN)),
        (L.PRIMARY, "WPOADVIESVO", set(L.ADVICE)),
        (L.PRIMARY, "WPOTOETSADVIES", set(L.ADVICE)),
        (L.PRIMARY, "WPOADVIESHERZ", set(L.ADVICE)),
        (L.HIGHEST_DIPLOMA, "STARTKWALIFICATIE", set(L.YES)),
        (L.LABOUR_FORCE, "BEROEPSBEVOLKING", set(L.YES)),
        (L.PROGRAMMES, "SECTOR", {"VO", "MBO", "HO"}),
        (L.PROGRAMMES, "NIVEAU", {lv.upper() for lv in levels}),
    ]
    fields = getattr(schema, "MBO_FIELDS", None)
    if fields:
        checks.append((L.PROGRAMMES, "RICHTING", {f.upper() for f in fields}))
    return checks


def table_checks(
    con: Any, staged: Tables, vintage: int | None, years: Sequence[int] | None
) -> tuple[list[SourceIssue], list[str], int, list[int]]:
    """Missing variables, duplicate keys, dates, codes per file; the vintage of VSLGWBTAB and
    the panel years (those every required yearly table has)."""
    issues: list[SourceIssue] = []
    notes: list[str] = []

    def issue(s: Staged, variable: str | None, message: str) -> None:
        issues.append(SourceIssue(s.file, None, variable, message))

    objects = staged[L.OBJECTS.stem][0]
    vintages = sorted(int(m[1]) for c in objects.columns if (m := re.fullmatch(r"GEM(\d{4})", c)))
    chosen = vintage if vintage is not None else (vintages[-1] if vintages else 0)
    for files in staged.values():
        for s in files:
            needed = [*s.table.key, *s.table.variables]
            if s.table is L.OBJECTS:
                needed += [f"GEM{chosen}", f"BC{chosen}"]
            missing = [v for v in dict.fromkeys(needed) if v not in s.columns]
            for variable in missing:
                issue(s, variable, "deze variabele ontbreekt")
            if s.table is L.HIGHEST_EDUCATION and s.level_column() is None:
                issue(s, "OPLNIVSOI…AGG4HB…", "geen variabele met het opleidingsniveau")
            if missing:
                continue
            _file_checks(con, s, issue)
    for table, variable, allowed in _codes():
        for s in staged.get(table.stem, []):
            if variable not in s.columns:
                continue
            listed = ", ".join(f"'{c}'" for c in sorted(allowed))
            unknown = _count(
                con,
                f"SELECT count(*) FROM {s.sql()} WHERE {variable} IS NOT NULL "
                f"AND upper({variable}) NOT IN ({listed})",
            )
            if unknown:
                issue(s, variable, f"{nl.count(unknown, 'rij', 'rijen')} met een onbekende code")
    for table in (L.ENROLMENT, L.DIPLOMAS):
        if table.stem in staged and L.PROGRAMMES.stem not in staged:
            issues.append(
                SourceIssue(L.PROGRAMMES.name, None, None, f"ontbreekt; nodig voor {table.name}")
            )
    required = [t for t in L.TABLES if t.kind == "jaar" and t.required]
    have = [{s.year for s in staged.get(t.stem, []) if s.year is not None} for t in required]
    common: list[int] = sorted(set.intersection(*have)) if have else []
    chosen_years = sorted(set(years)) if years else common
    for table, present in zip(required, have, strict=True):
        for year in chosen_years:
            if year not in present:
                issues.append(
                    SourceIssue(table.name, None, None, f"ontbreekt voor panel-jaar {year}")
                )
    if not chosen_years:
        names = ", ".join(t.name for t in required)
        issues.append(SourceIssue(names, None, None, "geen panel-jaar waarvoor ze er alle zijn"))
    for table in L.TABLES:
        if table.kind != "jaar" or table.required:
            continue
        absent = [y for y in chosen_years if y not in {s.year for s in staged.get(table.stem, [])}]
        if absent:
            notes.append(f"{table.name} ontbreekt voor {', '.join(map(str, absent))}")
    if L.LABOUR_FORCE.stem not in staged:
        notes.append(
            "BEROEPSBEVOLKING ontbreekt: labour_force is leeg voor wie niet werkt"
            if nullable("labour_force")
            else "BEROEPSBEVOLKING ontbreekt: labour_force is geschat als werkend of met een "
            "WW-uitkering (SECM 21)"
        )
    return issues, notes, chosen, chosen_years


def _file_checks(con: Any, s: Staged, issue: Any) -> None:
    key = ", ".join(s.table.key)
    duplicates = _count(
        con,
        f"SELECT sum(n - 1) FROM (SELECT count(*) AS n FROM {s.sql()} GROUP BY {key} "
        "HAVING count(*) > 1)",
    )
    if duplicates:
        issue(s, key, f"{nl.count(duplicates, 'dubbele sleutel', 'dubbele sleutels')}")
    for variable in s.table.dates:
        bad = _count(
            con,
            f"SELECT count(*) FROM {s.sql()} WHERE {variable} IS NULL "
            f"OR {parsed_date(variable)} IS NULL OR {parsed_date(variable)} < DATE '1850-01-01'",
        )
        if bad:
            issue(
                s,
                variable,
                f"{nl.count(bad, 'datum', 'datums')} leeg, geen datum (JJJJMMDD) of vóór 1850",
            )
    if len(s.table.dates) == 2:
        begin, end = s.table.dates
        reversed_ = _count(
            con, f"SELECT count(*) FROM {s.sql()} WHERE {parsed_date(end)} < {parsed_date(begin)}"
        )
        if reversed_:
            issue(s, end, f"{nl.count(reversed_, 'periode', 'perioden')} eindigt vóór het begin")
    if s.table is L.PERSONS:
        bad = _count(
            con,
            f"SELECT count(*) FROM {s.sql()} WHERE TRY_CAST(GBAGEBOORTEJAAR AS INTEGER) IS NULL "
            "OR TRY_CAST(GBAGEBOORTEJAAR AS INTEGER) NOT BETWEEN 1850 AND 2100",
        )
        if bad:
            issue(
                s,
                "GBAGEBOORTEJAAR",
                f"{nl.count(bad, 'geboortejaar', 'geboortejaren')} leeg of buiten 1850-2100",
            )


def population(staged: Tables, year: int, vintage: int) -> dict[str, str]:
    """The CTEs of who is in the panel of ``year``: address, household, object, person."""
    d = f"DATE '{year}-01-01'"
    adr, hh = source(staged, L.ADDRESSES), source(staged, L.HOUSEHOLDS)
    return {
        "adr": f"SELECT PID, SOORTOBJECTNUMMER, RINOBJECTNUMMER FROM {adr} "
        f"WHERE RINPERSOONS = 'R' AND {parsed_date('GBADATUMAANVANGADRESHOUDING')} <= {d} "
        f"AND {parsed_date('GBADATUMEINDEADRESHOUDING')} >= {d}",
        "hh": f"SELECT PID, HUISHOUDNR, TYPHH, PLHH FROM {hh} "
        f"WHERE {parsed_date('DATUMAANVANGHH')} <= {d} AND {parsed_date('DATUMEINDEHH')} >= {d}",
        "obj": f"SELECT SOORTOBJECTNUMMER, RINOBJECTNUMMER, GEM{vintage} AS g, BC{vintage} AS bc "
        f"FROM {source(staged, L.OBJECTS)}",
        "per": f"SELECT * FROM {source(staged, L.PERSONS)}",
    }


def person_year_checks(con: Any, staged: Tables, year: int, vintage: int) -> list[SourceIssue]:
    """Per panel year: one address and one household per person on 1 January, every person
    and address object known, every opleidingsnummer in KOERSOPLEIDINGEN."""
    ctes = population(staged, year, vintage)
    with_ = with_clause(ctes, materialized=("adr", "hh"))
    files = {stem: s[0].file for stem, s in staged.items() if s}
    person = "PID"
    checks = [
        (
            L.ADDRESSES,
            "GBADATUMAANVANGADRESHOUDING",
            f"SELECT count(*) FROM (SELECT {person} FROM adr GROUP BY ALL HAVING count(*) > 1)",
            f"personen met meer dan één adres op 1 januari {year}",
        ),
        (
            L.PERSONS,
            "RINPERSOON",
            f"SELECT count(*) FROM adr ANTI JOIN per USING ({person})",
            f"personen met een adres op 1 januari {year} ontbreken",
        ),
        (
            L.OBJECTS,
            "RINOBJECTNUMMER",
            "SELECT count(*) FROM adr ANTI JOIN obj USING (SOORTOBJECTNUMMER, RINOBJECTNUMMER)",
            f"adressen van 1 januari {year} ontbreken (indeling {vintage})",
        ),
        (
            L.HOUSEHOLDS,
            "DATUMAANVANGHH",
            f"SELECT count(*) FROM adr ANTI JOIN hh USING ({person})",
            f"personen zonder huishouden op 1 januari {year}",
        ),
        (
            L.HOUSEHOLDS,
            "DATUMAANVANGHH",
            f"SELECT count(*) FROM (SELECT {person} FROM hh GROUP BY ALL HAVING count(*) > 1)",
            f"personen met meer dan één huishouden op 1 januari {year}",
        ),
    ]
    counts = ", ".join(f"({query})" for _, _, query, _ in checks)
    found = con.execute(f"{with_} SELECT {counts}").fetchall()[0]  # one pass for all five
    issues = [
        SourceIssue(files[table.stem], None, variable, f"{nl.number(n)} {what}")
        for (table, variable, _, what), n in zip(checks, found, strict=True)
        if n
    ]
    programmes = source(staged, L.PROGRAMMES)
    for table in (L.ENROLMENT, L.DIPLOMAS):
        enrolled = source(staged, table, year)
        if enrolled is None or programmes is None:
            continue
        unknown = _count(
            con, f"SELECT count(*) FROM {enrolled} ANTI JOIN {programmes} USING (OPLNR)"
        )
        if unknown:
            file = next(s.file for s in staged[table.stem] if s.year == year)
            issues.append(
                SourceIssue(
                    file,
                    None,
                    "OPLNR",
                    f"{nl.number(unknown)} opleidingsnummers niet in KOERSOPLEIDINGEN",
                )
            )
    return issues


def with_clause(ctes: dict[str, str], materialized: tuple[str, ...] = ()) -> str:
    """``WITH name AS (sql), …``; a CTE read twice is MATERIALIZED (computed once)."""

    def one(name: str, sql: str) -> str:
        return f"{name} AS {'MATERIALIZED ' if name in materialized else ''}({sql})"

    return "WITH " + ", ".join(one(name, sql) for name, sql in ctes.items())
