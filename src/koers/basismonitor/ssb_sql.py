"""The SQL of the SSB ingest (:mod:`~.ssb`): the checks that refuse a delivery, and the query
that makes one year of the panel.

Every delivered file is a :class:`Staged` SELECT (upper-case column names, codes as text).
The checks count; each count above zero becomes a :class:`~koers.sources.base.SourceIssue`
naming the table (its file), the variable and the count, in Dutch. The panel query joins the
tables of one year on ``RINPERSOONS``/``RINPERSOON`` and recodes with the code lists of
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
            f", CAST(try_strptime({d}, '%Y%m%d') AS DATE) AS {_date(d)}"
            for d in self.table.dates
            if d in self.columns
        )
        if self.table is L.HIGHEST_EDUCATION and (level := self.level_column()):
            extra += f', "{level}" AS "OPLNIV"'
        con.execute(
            f"CREATE TABLE {self.name} AS SELECT *{extra} FROM (SELECT {', '.join(select)} "
            f"FROM {relation})"
        )


Tables = dict[str, list[Staged]]


def _source(staged: Tables, table: L.Table, year: int | None = None) -> str | None:
    files = staged.get(table.stem, [])
    if table.kind == "jaar":
        files = [s for s in files if s.year == year]
    return files[0].sql() if files else None


def _date(column: str) -> str:
    """The parsed date of a YYYYMMDD variable (made once, in :meth:`Staged.materialise`)."""
    return f'"{column}_D"'


def _recode(column: str, codes: dict[str, str]) -> str:
    cases = " ".join(f"WHEN '{code}' THEN '{value}'" for code, value in codes.items())
    return f"(CASE upper({column}) {cases} END)"


def _id(column: str) -> str:
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
            if _nullable("labour_force")
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
            f"SELECT count(*) FROM {s.sql()} WHERE {variable} IS NULL OR {_date(variable)} IS "
            f"NULL OR {_date(variable)} < DATE '1850-01-01'",
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
            con, f"SELECT count(*) FROM {s.sql()} WHERE {_date(end)} < {_date(begin)}"
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


def _population(staged: Tables, year: int, vintage: int) -> dict[str, str]:
    d = f"DATE '{year}-01-01'"
    adr, hh = _source(staged, L.ADDRESSES), _source(staged, L.HOUSEHOLDS)
    return {
        "adr": f"SELECT RINPERSOONS, RINPERSOON, SOORTOBJECTNUMMER, RINOBJECTNUMMER FROM {adr} "
        f"WHERE RINPERSOONS = 'R' AND {_date('GBADATUMAANVANGADRESHOUDING')} <= {d} "
        f"AND {_date('GBADATUMEINDEADRESHOUDING')} >= {d}",
        "hh": f"SELECT RINPERSOONS, RINPERSOON, HUISHOUDNR, TYPHH, PLHH FROM {hh} "
        f"WHERE {_date('DATUMAANVANGHH')} <= {d} AND {_date('DATUMEINDEHH')} >= {d}",
        "obj": f"SELECT SOORTOBJECTNUMMER, RINOBJECTNUMMER, GEM{vintage} AS g, BC{vintage} AS bc "
        f"FROM {_source(staged, L.OBJECTS)}",
        "per": f"SELECT * FROM {_source(staged, L.PERSONS)}",
    }


def person_year_checks(con: Any, staged: Tables, year: int, vintage: int) -> list[SourceIssue]:
    """Per panel year: one address and one household per person on 1 January, every person
    and address object known, every opleidingsnummer in KOERSOPLEIDINGEN."""
    ctes = _population(staged, year, vintage)
    with_ = _with(ctes, materialized=("adr", "hh"))
    files = {stem: s[0].file for stem, s in staged.items() if s}
    person = "RINPERSOONS, RINPERSOON"
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
    programmes = _source(staged, L.PROGRAMMES)
    for table in (L.ENROLMENT, L.DIPLOMAS):
        source = _source(staged, table, year)
        if source is None or programmes is None:
            continue
        unknown = _count(con, f"SELECT count(*) FROM {source} ANTI JOIN {programmes} USING (OPLNR)")
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


def _nullable(name: str) -> bool:
    return next(f.nullable for f in schema.FIELDS if f.name == name)


def _rank(column: str) -> str:
    ranks = " ".join(f"WHEN '{e}' THEN {i}" for i, e in enumerate(schema.EDUCATION))
    return f"(CASE {column} {ranks} END)"


def _unrank(column: str) -> str:
    values = " ".join(f"WHEN {i} THEN '{e}'" for i, e in enumerate(schema.EDUCATION))
    return f"(CASE {column} {values} END)"


def _school(key: str) -> str:
    hashed = f"CAST(hash({key}) % 2147483647 AS INTEGER)"
    return f"(CASE WHEN {key} IS NOT NULL THEN COALESCE(TRY_CAST({key} AS INTEGER), {hashed}) END)"


def panel_query(staged: Tables, year: int, vintage: int, buurt_gemeenten: tuple[str, ...]) -> str:
    """The SELECT that makes the panel of ``year``: one row per person resident on 1 January,
    its columns named as :data:`~.schema.COLUMNS` (a column the tables cannot give is NULL)."""
    end = f"DATE '{year}-12-31'"
    ctes = _population(staged, year, vintage)
    gemeente = (
        "(CASE WHEN upper(o.g) LIKE 'GM%' THEN upper(o.g) ELSE 'GM' || lpad(o.g, 4, '0') END)"
    )
    buurt = (
        "(CASE WHEN upper(o.bc) LIKE 'BU%' THEN upper(o.bc) ELSE 'BU' || lpad(o.bc, 8, '0') END)"
    )
    if buurt_gemeenten:
        listed = ", ".join(f"'{g.upper()}'" for g in buurt_gemeenten)
        buurt = f"(CASE WHEN {gemeente} IN ({listed}) THEN {buurt} END)"
    ctes["base"] = (
        f"SELECT a.RINPERSOONS, a.RINPERSOON, {_id('a.RINPERSOON')} AS person, "
        "CAST(p.GBAGEBOORTEJAAR AS SMALLINT) AS birth_year, "
        f"{_recode('p.GBAGESLACHT', L.SEX)} AS sex, {gemeente} AS gemeente, {buurt} AS buurt, "
        f"{_id('h.HUISHOUDNR')} AS household, "
        f"{_recode('h.TYPHH', L.HOUSEHOLD_TYPE)} AS household_type, "
        f"{_recode('h.PLHH', L.HOUSEHOLD_POSITION)} AS household_position "
        "FROM adr a JOIN per p USING (RINPERSOONS, RINPERSOON) "
        "JOIN obj o USING (SOORTOBJECTNUMMER, RINOBJECTNUMMER) "
        "JOIN hh h USING (RINPERSOONS, RINPERSOON)"
    )
    joins: list[str] = []
    col: dict[str, str] = {
        "person": "b.person",
        "year": f"CAST({year} AS SMALLINT)",
        **{c: f"b.{c}" for c in ("birth_year", "sex", "gemeente", "buurt", "household")},
        "household_type": "b.household_type",
        "household_position": "b.household_position",
    }

    def join(name: str, sql: str) -> None:
        ctes[name] = sql
        joins.append(f"LEFT JOIN {name} USING (RINPERSOONS, RINPERSOON)")

    po, en = _source(staged, L.PRIMARY, year), _source(staged, L.ENROLMENT, year)
    programmes = _source(staged, L.PROGRAMMES)
    in_po, po_key, po_groep = "COALESCE(po.in_po, FALSE)", "po.po_key", "po.groep"
    if po is not None:
        po_cols = next(s.columns for s in staged[L.PRIMARY.stem] if s.year == year)
        optional = {
            "test_advice": "WPOTOETSADVIES",
            "advice_revised": "WPOADVIESHERZ",
        }
        extra = "".join(
            f", {_recode(v, L.ADVICE)} AS {name}" if v in po_cols else f", NULL AS {name}"
            for name, v in optional.items()
        )
        join(
            "po",
            "SELECT RINPERSOONS, RINPERSOON, NULLIF(COALESCE(WPOBRIN_CRYPT, '') || "
            "COALESCE(WPOBRINVEST, ''), '') AS po_key, TRUE AS in_po, "
            "TRY_CAST(WPOLEERJAAR AS TINYINT) AS groep, "
            f"{_recode('WPOTAALLV', L.REFERENCE_TAAL)} AS ref_taal, "
            f"{_recode('WPOREKENEN', L.REFERENCE_REKENEN)} AS ref_rekenen, "
            f"{_recode('WPOADVIESVO', L.ADVICE)} AS advice{extra} FROM {po}",
        )
        col |= {c: f"po.{c}" for c in ("ref_taal", "ref_rekenen", "advice", *optional)}
    else:
        in_po, po_key, po_groep = "FALSE", "NULL", "NULL"
    if en is not None and programmes is not None:
        join(
            "en",
            "SELECT e.RINPERSOONS, e.RINPERSOON, lower(k.SECTOR) AS en_sector, "
            "lower(k.NIVEAU) AS en_level, TRY_CAST(e.LEERJAAR AS TINYINT) AS en_year, "
            "e.BRIN_CRYPT AS en_key, lower(k.RICHTING) AS en_field "
            f"FROM {en} e LEFT JOIN {programmes} k USING (OPLNR)",
        )
        en_sector, en_level, en_year, en_key = (
            "en.en_sector",
            "en.en_level",
            "en.en_year",
            "en.en_key",
        )
        col["mbo_field"] = (
            f"(CASE WHEN NOT ({in_po}) AND en.en_sector = 'mbo' THEN en.en_field END)"
        )
    else:
        en_sector = en_level = en_year = en_key = "NULL"
    key = f"(CASE WHEN {in_po} THEN {po_key} ELSE {en_key} END)"
    col |= {
        "sector": f"(CASE WHEN {in_po} THEN 'po' ELSE {en_sector} END)",
        "level": f"(CASE WHEN {in_po} THEN 'po' ELSE {en_level} END)",
        "study_year": f"(CASE WHEN {in_po} THEN {po_groep} ELSE {en_year} END)",
        "school": _school(key),
    }
    weights = _source(staged, L.SCHOOL_WEIGHTS)
    if weights is not None:
        ctes["sw"] = (
            f"SELECT SCHOOL, SCHOOLWEGING FROM {weights} WHERE TRY_CAST(JAAR AS INTEGER) = {year}"
        )
        joins.append(f"LEFT JOIN sw ON sw.SCHOOL = {key}")
        col["schoolweging"] = "sw.SCHOOLWEGING"
    diplomas = _source(staged, L.DIPLOMAS, year)
    if diplomas is not None and programmes is not None:
        order = " ".join(f"WHEN '{d}' THEN {i}" for i, d in enumerate(schema.DIPLOMAS))
        join(
            "dip",
            "SELECT RINPERSOONS, RINPERSOON, arg_max(lower(k.NIVEAU), CASE lower(k.NIVEAU) "
            f"{order} END) AS diploma FROM {diplomas} d JOIN {programmes} k USING (OPLNR) "
            f"WHERE lower(k.NIVEAU) IN ({', '.join(repr(d) for d in schema.DIPLOMAS)}) "
            "GROUP BY ALL",
        )
        col["diploma"] = "dip.diploma"
    join(
        "vsv",
        "SELECT DISTINCT RINPERSOONS, RINPERSOON, TRUE AS vsv FROM "
        f"{_source(staged, L.EARLY_LEAVERS, year)}",
    )
    col["early_leaver"] = "COALESCE(vsv.vsv, FALSE)"
    join(
        "sk",
        "SELECT RINPERSOONS, RINPERSOON, STARTKWALIFICATIE = '1' AS sk FROM "
        f"{_source(staged, L.HIGHEST_DIPLOMA, year)}",
    )
    col["startkwalificatie"] = "COALESCE(sk.sk, FALSE)"
    education = _source(staged, L.HIGHEST_EDUCATION, year)
    if education is not None:
        join(
            "ed",
            f"SELECT RINPERSOONS, RINPERSOON, {_recode('substr(OPLNIV, 1, 1)', L.EDUCATION_LEVEL)} "
            f"AS education, GEWICHTHOOGSTEOPL AS education_weight FROM {education}",
        )
        ctes["pe"] = (
            f"SELECT b.household, max({_rank('ed.education')}) AS parents FROM base b "
            "JOIN ed USING (RINPERSOONS, RINPERSOON) WHERE b.household_position IN "
            f"({', '.join(repr(p) for p in L.PARENT_POSITIONS)}) GROUP BY b.household"
        )
        joins.append("LEFT JOIN pe ON pe.household = b.household")
        col |= {
            "education": "ed.education",
            "education_weight": "ed.education_weight",
            "parents_education": f"(CASE WHEN {in_po} THEN {_unrank('pe.parents')} END)",
        }
    link, income = _source(staged, L.INCOME_LINK, year), _source(staged, L.INCOME, year)
    if link is not None and income is not None:
        inc_cols = next(s.columns for s in staged[L.INCOME.stem] if s.year == year)
        pct = "i.INHP100HBEST" if "INHP100HBEST" in inc_cols else "NULL"
        join(
            "inc",
            "SELECT k.RINPERSOONS, k.RINPERSOON, i.INHGESTINKH AS household_income, "
            "i.INHARMSOC / 100 AS income_vs_minimum, "
            f"TRY_CAST({pct} AS TINYINT) AS income_percentile "
            f"FROM {link} k JOIN {income} i USING (RINPERSOONSHKW, RINPERSOONHKW)",
        )
        col |= {
            c: f"inc.{c}" for c in ("household_income", "income_vs_minimum", "income_percentile")
        }
    join(
        "secm",
        f"SELECT RINPERSOONS, RINPERSOON, SECM FROM {_source(staged, L.SOCIO_ECONOMIC)} "
        f"WHERE {_date('AANVSECM')} <= {end} AND {_date('EINDSECM')} >= {end}",
    )
    join(
        "job",
        "SELECT DISTINCT RINPERSOONS, RINPERSOON, TRUE AS job FROM "
        f"{_source(staged, L.JOBS, year)} "
        f"WHERE {_date('SDATUMAANVANGIKO')} <= {end} AND {_date('SDATUMEINDEIKO')} >= {end}",
    )
    self_employed = ", ".join(f"'{c}'" for c in L.SELF_EMPLOYED)
    employed = f"(COALESCE(job.job, FALSE) OR COALESCE(secm.SECM IN ({self_employed}), FALSE))"
    col |= {"benefit": _recode("secm.SECM", L.BENEFIT), "employed": employed}
    labour = _source(staged, L.LABOUR_FORCE, year)
    unknown = "NULL" if _nullable("labour_force") else "FALSE"
    if labour is not None:  # listed: known ('1' in, '0' out); not listed: unknown
        join("bbv", f"SELECT RINPERSOONS, RINPERSOON, BEROEPSBEVOLKING = '1' AS lf FROM {labour}")
        col["labour_force"] = (
            f"(CASE WHEN {employed} THEN TRUE ELSE COALESCE(bbv.lf, {unknown}) END)"
        )
    elif L.LABOUR_FORCE.stem in staged:  # delivered for other years only
        col["labour_force"] = f"(CASE WHEN {employed} THEN TRUE ELSE {unknown} END)"
    elif not _nullable("labour_force"):  # the proxy the ingest reports: working, or on WW
        col["labour_force"] = f"({employed} OR COALESCE(secm.SECM = '21', FALSE))"
    else:  # registers say who works, not who looks for work
        col["labour_force"] = f"(CASE WHEN {employed} THEN TRUE END)"
    select = ", ".join(f"{col.get(name, 'NULL')} AS {name}" for name in schema.COLUMNS)
    with_ = _with(ctes, materialized=("base", "ed"))  # both read twice (pe)
    return f"{with_} SELECT {select} FROM base b {' '.join(joins)}"


def _with(ctes: dict[str, str], materialized: tuple[str, ...]) -> str:
    def one(name: str, sql: str) -> str:
        return f"{name} AS {'MATERIALIZED ' if name in materialized else ''}({sql})"

    return "WITH " + ", ".join(one(name, sql) for name, sql in ctes.items())
