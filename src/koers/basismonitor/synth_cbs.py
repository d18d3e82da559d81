"""The synthetic population in the layout CBS delivers: ``koers basismonitor synth --layout cbs``.

The population is :mod:`~.synth`'s (the same seed gives the same persons); this module
writes it as the SSB tables :mod:`~.ssb` reads (:mod:`~.ssb_layout`), so that a researcher
can try the whole route — tables, ``koers basismonitor ingest``, ``run`` — outside the secure
environment, and so that the tests can hold the ingest to the panel it should give back:
synth (cbs) → ingest → run gives the same release file as synth (panel) → run.

How the panel's rows become tables (the inverse of the derivation rules in
``docs/basismonitor.md``): every person-year is an address spell and a household spell from
1 January to 31 December of its year (buses without overlap), on one address object per
gemeente and buurt (a synthetic population has no dwellings), placed by a VSLGWBTAB with the
indeling of the last year; income is a KOPPELPERSOONHUISHOUDEN and INHATAB per year with the
household as its own reference person; work is a SPOLISBUS job and a SECMBUS spell per year;
school years are written to the files of the year they start in (1 October). Codes are the
first SSB code of each panel value in :mod:`~.ssb_layout`; opleidingsnummers are synthetic,
one per (sector, track, mbo field), listed in ``KOERSOPLEIDINGEN``.

Memory is bounded by one part file of the panel (one chunk of persons in one year): the
panel is generated into a temporary directory first and converted file by file.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from koers.basismonitor import schema, synth
from koers.basismonitor import ssb_layout as L

FileFormat = Literal["parquet", "csv", "sav"]
FORMATS: tuple[FileFormat, ...] = ("parquet", "csv", "sav")
OBJECT_KIND = "V"  # SOORTOBJECTNUMMER of the synthetic address objects
EDUCATION_CODE = {"laag": "1211", "middelbaar": "2111", "hoog": "3111"}  # first digit counts
SECTOR_OF = {"vmbo": "vo", "havo": "vo", "vwo": "vo", "pro": "vo", "hbo": "ho", "wo": "ho"}


def generate_cbs(
    out: Path,
    *,
    persons: int,
    years: int = 12,
    first_year: int = 2011,
    seed: int = 0,
    scope: synth.Scope = "nl",
    file_format: FileFormat = "parquet",
    progress: Callable[[int], None] | None = None,
) -> synth.SynthSummary:
    """Write synth's population of ``persons`` in the SSB layout into ``out``."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"output directory {out} exists and is not empty; choose a new one")
    if file_format not in FORMATS:
        raise ValueError(f"file_format must be one of {', '.join(FORMATS)}, got {file_format!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".koers-synth-", dir=out.parent) as work:
        panel = Path(work) / "panel"
        summary = synth.generate(
            panel,
            persons=persons,
            years=years,
            first_year=first_year,
            seed=seed,
            scope=scope,
            progress=progress,
        )
        building = Path(work) / "cbs"
        write_tables(panel, building, file_format)
        meta = schema.read_meta(panel) | {"layout": "cbs"}
        schema.write_meta(building, meta)
        if out.exists():
            out.rmdir()
        shutil.move(str(building), str(out))
    return summary


def programme_numbers() -> dict[tuple[str, str, str | None], str]:
    """(sector, track, mbo field) -> the synthetic opleidingsnummer."""
    fields: tuple[str | None, ...] = (None, *getattr(schema, "MBO_FIELDS", ()))
    combos = [
        (SECTOR_OF.get(level, "mbo"), level, field)
        for level in schema.LEVELS
        if level != "po"
        for field in fields
        if field is None or level.startswith("mbo")
    ]
    return {combo: f"{i + 1:05d}" for i, combo in enumerate(combos)}


class _Sink:
    """Output files of one format, opened on first write and appended to."""

    def __init__(self, out: Path, file_format: FileFormat) -> None:
        self.out, self.format = out, file_format
        self.writers: dict[str, Any] = {}
        self.held: dict[str, list[pa.Table]] = {}

    def write(self, name: str, table: pa.Table) -> None:
        if table.num_rows == 0 and name in self.writers:
            return
        path = self.out / f"{name}.{self.format}"
        if self.format == "sav":  # pyreadstat writes a whole frame at once
            self.held.setdefault(name, []).append(table)
            return
        if name not in self.writers:
            writer_class = pq.ParquetWriter if self.format == "parquet" else pacsv.CSVWriter
            self.writers[name] = writer_class(path, table.schema)
        self.writers[name].write_table(table)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        if self.held:
            import pyreadstat

            for name, tables in self.held.items():
                frame = pa.concat_tables(tables).to_pandas()
                pyreadstat.write_sav(frame, str(self.out / f"{name}.sav"))


def _text(values: Any) -> pa.Array:
    return pc.cast(values, pa.string())


def _table(**columns: Any) -> pa.Table:
    return pa.table(
        {
            name: values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values)
            for name, values in columns.items()
        }
    )


def _recoded(column: pa.ChunkedArray | pa.Array, codes: dict[str, str]) -> pa.Array:
    """Panel codes -> SSB codes (``codes``: SSB code -> panel code; null stays null)."""
    return _mapped(column, L.canonical(codes))


def _mapped(column: pa.ChunkedArray | pa.Array, mapping: dict[str, str]) -> pa.Array:
    """Each value looked up in ``mapping`` (a value it does not list, and null: null)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    index = pc.index_in(column, value_set=pa.array(list(mapping), pa.string()))
    return pc.take(pa.array(list(mapping.values()), pa.string()), index)


def write_tables(panel: Path, out: Path, file_format: FileFormat) -> None:
    """Convert the panel in ``panel`` (``year=Y/part-*.parquet``) into SSB tables in ``out``."""
    out.mkdir(parents=True)
    sink = _Sink(out, file_format)
    files = sorted(panel.glob("year=*/*.parquet"))
    last = max(int(p.parent.name.split("=")[1]) for p in files)
    seen = np.zeros(0, dtype=bool)
    objects: dict[str, tuple[str, str | None]] = {}
    weights: dict[tuple[str, int], float] = {}
    numbers = programme_numbers()
    try:
        for path in files:
            year = int(path.parent.name.split("=")[1])
            rows = pq.read_table(path).cast(schema.SCHEMA)
            person = rows["person"].to_numpy()
            if person.size and person.max() >= seen.size:
                seen = np.concatenate([seen, np.zeros(person.max() + 1 - seen.size, dtype=bool)])
            _year(sink, rows, year, last, seen, objects, weights, numbers)
            seen[person] = True
        sink.write(
            f"VSLGWB{last}TAB01V1",
            _table(
                SOORTOBJECTNUMMER=[OBJECT_KIND] * len(objects),
                RINOBJECTNUMMER=list(objects),
                **{
                    f"gem{last}": [g[2:] for g, _ in objects.values()],
                    f"bc{last}": [None if b is None else b[2:] for _, b in objects.values()],
                },
            ),
        )
        sink.write(
            "KOERSOPLEIDINGEN",
            _table(
                OPLNR=list(numbers.values()),
                SECTOR=[s for s, _, _ in numbers],
                NIVEAU=[level for _, level, _ in numbers],
                RICHTING=[f for _, _, f in numbers],
            ),
        )
        sink.write(
            "SCHOOLWEGING",
            _table(
                SCHOOL=[s for s, _ in weights],
                JAAR=[str(y) for _, y in weights],
                SCHOOLWEGING=list(weights.values()),
            ),
        )
    finally:
        sink.close()


def _year(
    sink: _Sink,
    rows: pa.Table,
    year: int,
    last: int,
    seen: Any,
    objects: dict[str, tuple[str, str | None]],
    weights: dict[tuple[str, int], float],
    numbers: dict[tuple[str, str, str | None], str],
) -> None:
    n = rows.num_rows
    person = rows["person"].to_numpy()
    rin = pa.array([f"{p:09d}" for p in person])
    rs = pa.array(["R"] * n)
    begin, end = pa.array([f"{year}0101"] * n), pa.array([f"{year}1231"] * n)
    col = rows.column
    has = set(rows.column_names)

    def where(mask: Any, **columns: Any) -> pa.Table:
        table = _table(RINPERSOONS=rs, RINPERSOON=rin, **columns)
        return table.filter(pa.array(np.asarray(mask, dtype=bool)))

    new = ~seen[person]
    sink.write(
        f"GBAPERSOON{last}TABV1",
        where(
            new,
            GBAGESLACHT=_recoded(col("sex"), L.SEX),
            GBAGEBOORTEJAAR=_text(col("birth_year")),
        ),
    )
    # one address object per gemeente and buurt: GM0599 + BU05991571 -> 059905991571
    number = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(col("gemeente"), 2),
        pc.coalesce(pc.utf8_slice_codeunits(col("buurt"), 2), "00000000"),
        "",
    )
    places = pa.table({"n": number, "g": col("gemeente"), "b": col("buurt")})
    for place in places.group_by(["n", "g", "b"]).aggregate([]).to_pylist():
        objects.setdefault(place["n"], (place["g"], place["b"]))
    sink.write(
        f"GBAADRESOBJECT{last}BUSV1",
        where(
            np.ones(n),
            GBADATUMAANVANGADRESHOUDING=begin,
            GBADATUMEINDEADRESHOUDING=end,
            SOORTOBJECTNUMMER=pa.array([OBJECT_KIND] * n),
            RINOBJECTNUMMER=number,
        ),
    )
    household = _text(col("household"))
    sink.write(
        f"GBAHUISHOUDENS{last}BUSV1",
        where(
            np.ones(n),
            DATUMAANVANGHH=begin,
            DATUMEINDEHH=end,
            HUISHOUDNR=household,
            TYPHH=_recoded(col("household_type"), L.HOUSEHOLD_TYPE),
            PLHH=_recoded(col("household_position"), L.HOUSEHOLD_POSITION),
        ),
    )
    _income(sink, rows, year, rs, rin, household)
    employed = col("employed").to_numpy(zero_copy_only=False)
    secm = pc.coalesce(
        _recoded(col("benefit"), L.BENEFIT),
        pc.if_else(col("employed"), L.EMPLOYEE, L.NO_INCOME),
    )
    sink.write(f"SECM{last}BUSV1", where(np.ones(n), AANVSECM=begin, EINDSECM=end, SECM=secm))
    job = where(employed, SDATUMAANVANGIKO=begin, SDATUMEINDEIKO=end)
    ikvid = pc.binary_join_element_wise(job["RINPERSOON"], pa.scalar(str(year)), "-")
    sink.write(f"SPOLIS{year}BUSV1", job.append_column("IKVID", ikvid))
    # every person not at work whose labour-force status is known: 1 in, 0 out
    labour = col("labour_force")
    known = pc.is_valid(labour).to_numpy(zero_copy_only=False) & ~employed
    sink.write(
        f"BEROEPSBEVOLKING{year}TABV1",
        where(known, BEROEPSBEVOLKING=pc.if_else(labour, "1", "0")),
    )
    weight = (
        pc.cast(col("education_weight"), pa.float64())
        if "education_weight" in has
        else pa.array([1.0] * n)
    )
    sink.write(
        f"HOOGSTEOPL{year}TABV1",
        where(
            pc.is_valid(col("education")),
            OPLNIVSOI2021AGG4HBMETNIRWO=_mapped(col("education"), EDUCATION_CODE),
            GEWICHTHOOGSTEOPL=weight,
        ),
    )
    sink.write(
        f"HDIPLOMAREG{year}TABV1",
        where(
            col("startkwalificatie").to_numpy(zero_copy_only=False),
            STARTKWALIFICATIE=pa.array(["1"] * n),
        ),
    )
    _school(sink, rows, year, where, weights, numbers)


def _income(
    sink: _Sink, rows: pa.Table, year: int, rs: pa.Array, rin: pa.Array, household: pa.Array
) -> None:
    income = rows["household_income"]
    has_income = pc.invert(pc.is_null(income)).to_numpy(zero_copy_only=False)
    link = _table(
        RINPERSOONS=rs, RINPERSOON=rin, RINPERSOONSHKW=rs, RINPERSOONHKW=household
    ).filter(pa.array(has_income))
    sink.write(f"KOPPELPERSOONHUISHOUDEN{year}V1", link)
    columns: dict[str, Any] = {
        "RINPERSOONSHKW": rs,
        "RINPERSOONHKW": household,
        "INHGESTINKH": income,
        "INHARMSOC": pc.multiply(pc.cast(rows["income_vs_minimum"], pa.float64()), 100.0),
    }
    if "income_percentile" in rows.column_names:
        columns["INHP100HBEST"] = pc.cast(rows["income_percentile"], pa.float64())
    table = _table(**columns).filter(pa.array(has_income))
    _, first = np.unique(table["RINPERSOONHKW"].to_numpy(zero_copy_only=False), return_index=True)
    sink.write(f"INHA{year}TABV1", table.take(pa.array(np.sort(first))))


def _school(
    sink: _Sink,
    rows: pa.Table,
    year: int,
    where: Callable[..., pa.Table],
    weights: dict[tuple[str, int], float],
    numbers: dict[tuple[str, str, str | None], str],
) -> None:
    col, has = rows.column, set(rows.column_names)
    start = year - 1  # the school year that ends in `year` starts on 1 October of year - 1
    sector = col("sector")
    school = _text(col("school"))
    study_year = _text(col("study_year"))
    primary = pc.fill_null(pc.equal(sector, "po"), False)
    po_columns: dict[str, Any] = {
        "WPOBRIN_CRYPT": school,
        "WPOBRINVEST": pa.array([None] * rows.num_rows, type=pa.string()),
        "WPOLEERJAAR": study_year,
        "WPOTAALLV": _recoded(col("ref_taal"), L.REFERENCE_TAAL),
        "WPOREKENEN": _recoded(col("ref_rekenen"), L.REFERENCE_REKENEN),
        "WPOADVIESVO": _recoded(col("advice"), L.ADVICE),
    }
    for name, variable in (("test_advice", "WPOTOETSADVIES"), ("advice_revised", "WPOADVIESHERZ")):
        if name in has:
            po_columns[variable] = _recoded(col(name), L.ADVICE)
    sink.write(f"INSCHRWPOTAB{start}V1", where(primary, **po_columns))
    other = pc.and_(pc.is_valid(sector), pc.invert(primary))
    mbo = pc.fill_null(pc.equal(sector, "mbo"), False)
    field = col("mbo_field") if "mbo_field" in has else pa.nulls(rows.num_rows, pa.string())
    by_key = {"|".join((s, lv, f or "")): nr for (s, lv, f), nr in numbers.items()}
    key = pc.binary_join_element_wise(
        sector, col("level"), pc.if_else(mbo, pc.coalesce(field, ""), ""), "|"
    )
    sink.write(
        f"ONDERWIJSINSCHRTAB{start}V1",
        where(other, OPLNR=_mapped(key, by_key), LEERJAAR=study_year, BRIN_CRYPT=school),
    )
    diplomas = {lv: nr for (_, lv, f), nr in numbers.items() if f is None}
    sink.write(
        f"ONDERWIJSGESLAAGDEN{start}TABV1",
        where(pc.is_valid(col("diploma")), OPLNR=_mapped(col("diploma"), diplomas)),
    )
    sink.write(f"VSV{start}TABV1", where(col("early_leaver").to_numpy(zero_copy_only=False)))
    weighed = pa.table({"s": school, "w": col("schoolweging")}).filter(
        pc.and_(pc.is_valid(school), pc.is_valid(col("schoolweging")))
    )
    for found in weighed.group_by("s").aggregate([("w", "max")]).to_pylist():
        weights.setdefault((found["s"], year), float(found["w_max"]))
