"""The query that makes one year of the panel from the checked SSB tables (:mod:`~.ssb`).

One SELECT per year: the population of 1 January (address, person, address object in the
chosen indeling, household) is ``base``; each topic adds its CTEs, LEFT JOINs on the person
(``PID``: ``RINPERSOONS``/``RINPERSOON`` as one number) and the panel columns it gives —
school, education and diplomas, income, work and benefits. A panel column no delivered
table gives is NULL. The rules are those of ``docs/basismonitor.md`` ("From the SSB
tables", "Derivation rules").
"""

from __future__ import annotations

from koers.basismonitor import schema
from koers.basismonitor import ssb_layout as L
from koers.basismonitor.ssb_sql import (
    Tables,
    nullable,
    parsed_date,
    population,
    pseudonym,
    recode,
    source,
    with_clause,
)

PERSON = "USING (PID)"  # the person as one number (Staged.materialise)


def _rank(column: str) -> str:
    ranks = " ".join(f"WHEN '{e}' THEN {i}" for i, e in enumerate(schema.EDUCATION))
    return f"(CASE {column} {ranks} END)"


def _unrank(column: str) -> str:
    values = " ".join(f"WHEN {i} THEN '{e}'" for i, e in enumerate(schema.EDUCATION))
    return f"(CASE {column} {values} END)"


def _school(key: str) -> str:
    hashed = f"CAST(hash({key}) % 2147483647 AS INTEGER)"
    return f"(CASE WHEN {key} IS NOT NULL THEN COALESCE(TRY_CAST({key} AS INTEGER), {hashed}) END)"


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class _Year:
    """The query of one panel year, built topic by topic."""

    def __init__(self, staged: Tables, year: int, vintage: int) -> None:
        self.staged, self.year = staged, year
        self.ctes = population(staged, year, vintage)
        self.joins: list[str] = []
        self.col: dict[str, str] = {}
        self.in_po = "FALSE"  # whether the row's enrolment is the po one

    def join(self, name: str, sql: str) -> None:
        self.ctes[name] = sql
        self.joins.append(f"LEFT JOIN {name} {PERSON}")

    def columns_of(self, table: L.Table) -> set[str]:
        return next(s.columns for s in self.staged[table.stem] if s.year == self.year)

    def base(self, buurt_gemeenten: tuple[str, ...]) -> None:
        gemeente = (
            "(CASE WHEN upper(o.g) LIKE 'GM%' THEN upper(o.g) ELSE 'GM' || lpad(o.g, 4, '0') END)"
        )
        buurt = (
            "(CASE WHEN upper(o.bc) LIKE 'BU%' THEN upper(o.bc) "
            "ELSE 'BU' || lpad(o.bc, 8, '0') END)"
        )
        if buurt_gemeenten:
            kept = _listed(tuple(g.upper() for g in buurt_gemeenten))
            buurt = f"(CASE WHEN {gemeente} IN ({kept}) THEN {buurt} END)"
        self.ctes["base"] = (
            "SELECT a.PID, a.PID AS person, "
            "CAST(p.GBAGEBOORTEJAAR AS SMALLINT) AS birth_year, "
            f"{recode('p.GBAGESLACHT', L.SEX)} AS sex, {gemeente} AS gemeente, {buurt} AS buurt, "
            f"{pseudonym('h.HUISHOUDNR')} AS household, "
            f"{recode('h.TYPHH', L.HOUSEHOLD_TYPE)} AS household_type, "
            f"{recode('h.PLHH', L.HOUSEHOLD_POSITION)} AS household_position "
            f"FROM adr a JOIN per p {PERSON} "
            "JOIN obj o USING (SOORTOBJECTNUMMER, RINOBJECTNUMMER) "
            f"JOIN hh h {PERSON}"
        )
        names = ("person", "birth_year", "sex", "gemeente", "buurt", "household")
        self.col |= {c: f"b.{c}" for c in (*names, "household_type", "household_position")}
        self.col["year"] = f"CAST({self.year} AS SMALLINT)"

    def school(self) -> None:
        """po from INSCHRWPOTAB, vo/mbo/ho from ONDERWIJSINSCHRTAB (po first), schoolweging."""
        po = source(self.staged, L.PRIMARY, self.year)
        en = source(self.staged, L.ENROLMENT, self.year)
        programmes = source(self.staged, L.PROGRAMMES)
        po_key = po_groep = "NULL"
        if po is not None:
            have = self.columns_of(L.PRIMARY)
            optional = {"test_advice": "WPOTOETSADVIES", "advice_revised": "WPOADVIESHERZ"}
            extra = "".join(
                f", {recode(v, L.ADVICE)} AS {name}" if v in have else f", NULL AS {name}"
                for name, v in optional.items()
            )
            self.join(
                "po",
                "SELECT PID, NULLIF(COALESCE(WPOBRIN_CRYPT, '') || "
                "COALESCE(WPOBRINVEST, ''), '') AS po_key, TRUE AS in_po, "
                "TRY_CAST(WPOLEERJAAR AS TINYINT) AS groep, "
                f"{recode('WPOTAALLV', L.REFERENCE_TAAL)} AS ref_taal, "
                f"{recode('WPOREKENEN', L.REFERENCE_REKENEN)} AS ref_rekenen, "
                f"{recode('WPOADVIESVO', L.ADVICE)} AS advice{extra} FROM {po}",
            )
            self.col |= {c: f"po.{c}" for c in ("ref_taal", "ref_rekenen", "advice", *optional)}
            self.in_po, po_key, po_groep = "COALESCE(po.in_po, FALSE)", "po.po_key", "po.groep"
        en_sector = en_level = en_year = en_key = "NULL"
        if en is not None and programmes is not None:
            self.join(
                "en",
                "SELECT e.PID, lower(k.SECTOR) AS en_sector, "
                "lower(k.NIVEAU) AS en_level, TRY_CAST(e.LEERJAAR AS TINYINT) AS en_year, "
                "e.BRIN_CRYPT AS en_key, lower(k.RICHTING) AS en_field "
                f"FROM {en} e LEFT JOIN {programmes} k USING (OPLNR)",
            )
            en_sector, en_level, en_year, en_key = "en_sector", "en_level", "en_year", "en_key"
            self.col["mbo_field"] = (
                f"(CASE WHEN NOT ({self.in_po}) AND en.en_sector = 'mbo' THEN en.en_field END)"
            )
        key = f"(CASE WHEN {self.in_po} THEN {po_key} ELSE {en_key} END)"
        self.col |= {
            "sector": f"(CASE WHEN {self.in_po} THEN 'po' ELSE {en_sector} END)",
            "level": f"(CASE WHEN {self.in_po} THEN 'po' ELSE {en_level} END)",
            "study_year": f"(CASE WHEN {self.in_po} THEN {po_groep} ELSE {en_year} END)",
            "school": _school(key),
        }
        weights = source(self.staged, L.SCHOOL_WEIGHTS)
        if weights is not None:
            self.ctes["sw"] = (
                f"SELECT SCHOOL, SCHOOLWEGING FROM {weights} "
                f"WHERE TRY_CAST(JAAR AS INTEGER) = {self.year}"
            )
            self.joins.append(f"LEFT JOIN sw ON sw.SCHOOL = {key}")
            self.col["schoolweging"] = "sw.SCHOOLWEGING"

    def education(self) -> None:
        """Diplomas, vsv, startkwalificatie, the level and the parents' level."""
        diplomas = source(self.staged, L.DIPLOMAS, self.year)
        programmes = source(self.staged, L.PROGRAMMES)
        if diplomas is not None and programmes is not None:
            order = " ".join(f"WHEN '{d}' THEN {i}" for i, d in enumerate(schema.DIPLOMAS))
            self.join(
                "dip",
                "SELECT PID, arg_max(lower(k.NIVEAU), CASE lower(k.NIVEAU) "
                f"{order} END) AS diploma FROM {diplomas} d JOIN {programmes} k USING (OPLNR) "
                f"WHERE lower(k.NIVEAU) IN ({_listed(schema.DIPLOMAS)}) GROUP BY ALL",
            )
            self.col["diploma"] = "dip.diploma"
        leavers = source(self.staged, L.EARLY_LEAVERS, self.year)
        self.join("vsv", f"SELECT DISTINCT PID, TRUE AS vsv FROM {leavers}")
        self.col["early_leaver"] = "COALESCE(vsv.vsv, FALSE)"
        highest = source(self.staged, L.HIGHEST_DIPLOMA, self.year)
        self.join("sk", f"SELECT PID, STARTKWALIFICATIE = '1' AS sk FROM {highest}")
        self.col["startkwalificatie"] = "COALESCE(sk.sk, FALSE)"
        level = source(self.staged, L.HIGHEST_EDUCATION, self.year)
        if level is None:
            return
        self.join(
            "ed",
            f"SELECT PID, {recode('substr(OPLNIV, 1, 1)', L.EDUCATION_LEVEL)} "
            f"AS education, GEWICHTHOOGSTEOPL AS education_weight FROM {level}",
        )
        # the parents: the members of the pupil's household on 1 January in position
        # partner or ouder
        self.ctes["pe"] = (
            f"SELECT b.household, max({_rank('ed.education')}) AS parents FROM base b "
            f"JOIN ed {PERSON} WHERE b.household_position IN ({_listed(L.PARENT_POSITIONS)}) "
            "GROUP BY b.household"
        )
        self.joins.append("LEFT JOIN pe ON pe.household = b.household")
        self.col |= {
            "education": "ed.education",
            "education_weight": "ed.education_weight",
            "parents_education": f"(CASE WHEN {self.in_po} THEN {_unrank('pe.parents')} END)",
        }

    def income(self) -> None:
        """The income of the household of KOPPELPERSOONHUISHOUDEN (31 December)."""
        link = source(self.staged, L.INCOME_LINK, self.year)
        income = source(self.staged, L.INCOME, self.year)
        if link is None or income is None:
            return
        pct = "i.INHP100HBEST" if "INHP100HBEST" in self.columns_of(L.INCOME) else "NULL"
        self.join(
            "inc",
            "SELECT k.PID, i.INHGESTINKH AS household_income, "
            "i.INHARMSOC / 100 AS income_vs_minimum, "
            f"TRY_CAST({pct} AS TINYINT) AS income_percentile "
            f"FROM {link} k JOIN {income} i USING (RINPERSOONSHKW, RINPERSOONHKW)",
        )
        names = ("household_income", "income_vs_minimum", "income_percentile")
        self.col |= {c: f"inc.{c}" for c in names}

    def work(self) -> None:
        """Benefit and work on 31 December, and the labour force."""
        end = f"DATE '{self.year}-12-31'"
        secm = source(self.staged, L.SOCIO_ECONOMIC)
        self.join(
            "secm",
            f"SELECT PID, SECM FROM {secm} "
            f"WHERE {parsed_date('AANVSECM')} <= {end} AND {parsed_date('EINDSECM')} >= {end}",
        )
        jobs = source(self.staged, L.JOBS, self.year)
        self.join(
            "job",
            f"SELECT DISTINCT PID, TRUE AS job FROM {jobs} WHERE "
            f"{parsed_date('SDATUMAANVANGIKO')} <= {end} "
            f"AND {parsed_date('SDATUMEINDEIKO')} >= {end}",
        )
        employed = (
            "(COALESCE(job.job, FALSE) OR "
            f"COALESCE(secm.SECM IN ({_listed(L.SELF_EMPLOYED)}), FALSE))"
        )
        self.col |= {"benefit": recode("secm.SECM", L.BENEFIT), "employed": employed}
        labour = source(self.staged, L.LABOUR_FORCE, self.year)
        unknown = "NULL" if nullable("labour_force") else "FALSE"
        if labour is not None:  # listed: known ('1' in, '0' out); not listed: unknown
            self.join("bbv", f"SELECT PID, BEROEPSBEVOLKING = '1' AS lf FROM {labour}")
            found = f"COALESCE(bbv.lf, {unknown})"
        elif L.LABOUR_FORCE.stem in self.staged:  # delivered for other years only
            found = unknown
        elif not nullable("labour_force"):  # the proxy the ingest reports: working, or on WW
            found = "COALESCE(secm.SECM = '21', FALSE)"
        else:  # registers say who works, not who looks for work
            found = "NULL"
        self.col["labour_force"] = f"(CASE WHEN {employed} THEN TRUE ELSE {found} END)"

    def sql(self) -> str:
        select = ", ".join(f"{self.col.get(name, 'NULL')} AS {name}" for name in schema.COLUMNS)
        with_ = with_clause(self.ctes, materialized=("base", "ed"))  # both read twice (pe)
        return f"{with_} SELECT {select} FROM base b {' '.join(self.joins)}"


def panel_query(staged: Tables, year: int, vintage: int, buurt_gemeenten: tuple[str, ...]) -> str:
    """The SELECT that makes the panel of ``year``: one row per person resident on 1 January,
    its columns named as :data:`~.schema.COLUMNS` (a column the tables cannot give is NULL)."""
    query = _Year(staged, year, vintage)
    query.base(buurt_gemeenten)
    query.school()
    query.education()
    query.income()
    query.work()
    return query.sql()
