"""A national KWB workbook as CBS publishes it, imported by koers against the fastest plain
reader of the same file (the issue "Real figures down to the wijk", its performance row).

    .venv/bin/python bench/kwb.py                  # generate (cached), measure, print a table
    .venv/bin/python bench/kwb.py --repeat 3 --data /tmp/kwb
    .venv/bin/python bench/run.py --only kwb-import      # the same as a row of the table

The workbook (``kwb-2023.xlsx``, about 17 000 rows × 120 columns) has CBS's layout: one
sheet, the header in row 1 (``gwb_code_10``, ``gwb_code_8``, ``regio``, ``gm_naam``,
``recs``, ``gwb_code``, ``ind_wbi``, then the short measure names ``a_inw``, ``a_man``,
``p_00_14_jr``, ``g_woz``, …), one row for the Netherlands (``NL00``, recs ``Land``), 342
gemeenten (``GM0599``), about 3 300 wijken (``WK059910``) and 13 500 buurten
(``BU05991081``), every number stored as a text cell (``"12345"``, ``"12,5"``) and about 3%
of them ``.`` (secret or unknown). Rotterdam's rows carry the 21 wijken and 91 buurten of
2024 that the CBS test plan (``tests/fixtures/cbs/plan``) knows; the other gemeenten are
made up in the same shape. It is written once with openpyxl (write-only, about 25 s) into
``--data`` (default ``$KOERS_BENCH_DIR`` or /tmp/koers-bench, the Basismonitor's panel
cache) and reused while its size parameters stay the same.

koers: ``import_file`` with ``--format auto`` into a fresh SQLite store holding a small plan
(:func:`plan_documents`) that maps ten of the workbook's columns, for Rotterdam's wijken and
buurten, Zuid (a group of buurten), the G4 cities and NL: the whole job from the bytes on
disk to the stored batch. Reference: python-calamine reading the same sheet into Python
rows, the fastest plain reader found here (openpyxl's read-only mode took 81 s against
calamine's 5,9 s in one run here). Each side runs in a fresh process (``--child``) that
reports its wall time and its peak memory (``ru_maxrss``, including the interpreter and
imports); best of ``--repeat``. Targets: koers ≤ 60 s, ≤ 2× the reference, peak memory ≤ 2
GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CBS_AREAS = ROOT / "tests" / "fixtures" / "cbs" / "plan" / "areas-rotterdam-2024.yaml"
DATA = Path(os.environ.get("KOERS_BENCH_DIR", "/tmp/koers-bench"))
TARGET_SECONDS = 60.0
TARGET_RATIO = 2.0
TARGET_PEAK_MB = 2048.0
GEMEENTEN = 342
WIJKEN_PER_GEMEENTE = 10  # about 3 300 wijken with Rotterdam's own 21
BUURTEN_PER_WIJK = 4  # about 13 500 buurten
MISSING_SHARE = 0.03
G4 = {"GM0363": "Amsterdam", "GM0599": "Rotterdam", "GM0518": "'s-Gravenhage", "GM0344": "Utrecht"}

DESCRIPTIVE = ("gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi")
MEASURES = [
    "a_inw",
    "a_man",
    "a_vrouw",
    "a_00_14",
    "a_15_24",
    "a_25_44",
    "a_45_64",
    "a_65_oo",
    "p_00_14_jr",
    "p_15_24_jr",
    "p_25_44_jr",
    "p_45_64_jr",
    "p_65_eo_jr",
    "a_ongeh",
    "a_gehuwd",
    "a_gesch",
    "a_verwed",
    "a_geb",
    "p_geb",
    "a_ste",
    "p_ste",
    "a_hh",
    "a_1p_hh",
    "a_hh_z_k",
    "a_hh_m_k",
    "g_hhgro",
    "bev_dich",
    "a_woning",
    "a_nb_won",
    "a_vastg",
    "g_woz",
    "p_1gezw",
    "p_mgezw",
    "p_bewndw",
    "p_leegsw",
    "p_koopw",
    "p_huurw",
    "p_wcorpw",
    "p_ov_hw",
    "p_e_o_w",
    "p_bjj2k",
    "p_bjo2k",
    "g_ele",
    "g_ele_ap",
    "g_ele_tw",
    "g_ele_hw",
    "g_ele_2w",
    "g_ele_vw",
    "g_ele_hu",
    "g_ele_ko",
    "g_gas",
    "g_gas_ap",
    "g_gas_tw",
    "g_gas_hw",
    "g_gas_2w",
    "g_gas_vw",
    "g_gas_hu",
    "g_gas_ko",
    "p_stadsv",
    "a_opl_lg",
    "a_opl_md",
    "a_opl_hg",
    "p_arb_pp",
    "p_arb_wn",
    "p_arb_zs",
    "a_inkont",
    "g_ink_po",
    "g_ink_pi",
    "p_ink_li",
    "p_ink_hi",
    "g_hh_sti",
    "p_hh_li",
    "p_hh_hi",
    "p_hh_lkk",
    "p_hh_osm",
    "p_hh_110",
    "p_hh_120",
    "m_hh_ver",
    "a_soz_wb",
    "a_soz_ao",
    "a_soz_ww",
    "a_soz_ow",
    "a_jz_tn",
    "p_jz_tn",
    "a_wmo_t",
    "p_wmo_t",
    "a_bedv",
    "a_bed_a",
    "a_bed_bf",
    "a_bed_gi",
    "a_bed_hj",
    "a_bed_kl",
    "a_bed_mn",
    "a_bed_ru",
    "a_pau",
    "a_bst_b",
    "a_bst_nb",
    "g_pau_hh",
    "g_pau_km",
    "a_m2w",
    "g_afs_hp",
    "g_afs_gs",
    "g_afs_kv",
    "g_afs_sc",
    "g_3km_sc",
    "a_opp_ha",
    "a_lan_ha",
    "a_wat_ha",
    "pst_mvp",
    "pst_dekp",
    "ste_mvs",
    "ste_oad",
]
MAPPED = {  # column -> (indicator, unit, scale): the plan's ten columns
    "a_inw": ("inwoners", "count", 1),
    "a_man": ("mannen", "count", 1),
    "a_vrouw": ("vrouwen", "count", 1),
    "a_00_14": ("inwoners-0-14", "count", 1),
    "a_65_oo": ("inwoners-65-plus", "count", 1),
    "a_hh": ("huishoudens", "count", 1),
    "a_soz_wb": ("bijstand", "count", 1),
    "p_koopw": ("koopwoningen", "percent", 1),
    "p_hh_li": ("laag-inkomen", "percent", 1),
    "g_woz": ("woz-waarde", "euro", 1000),
}


# --- the workbook -----------------------------------------------------------------------------


def rotterdam() -> dict[str, list[str]]:
    """Rotterdam's 2024 wijk codes with their buurt codes, from the CBS test plan."""
    import yaml

    areas = yaml.safe_load(CBS_AREAS.read_text(encoding="utf-8"))["areas"]
    wijken = {a["id"]: a for a in areas if a["kind"] == "wijk"}
    return {w["cbs_code"]: [m.upper() for m in w["members"]] for w in wijken.values()}


def regions() -> list[tuple[str, str, str, str]]:
    """(code, recs, name, gemeente name) of every row, in CBS's order."""
    rows = [("NL00", "Land", "Nederland", "Nederland")]
    g4 = {int(code[2:]) for code in G4}
    others = [n for n in range(1, 2000, 5) if n not in g4][: GEMEENTEN - len(g4)]
    numbers = sorted(g4 | set(others))
    for number in numbers:
        gm = f"GM{number:04d}"
        name = G4.get(gm, f"Gemeente {number}")
        rows.append((gm, "Gemeente", name, name))
        if gm == "GM0599":
            wijken = rotterdam()
        else:
            wijken = {
                f"WK{number:04d}{w:02d}": [
                    f"BU{number:04d}{w:02d}{b:02d}" for b in range(BUURTEN_PER_WIJK)
                ]
                for w in range(WIJKEN_PER_GEMEENTE)
            }
        for wk, buurten in wijken.items():
            rows.append((wk, "Wijk", f"Wijk {wk[-2:]}", name))
            rows += [(bu, "Buurt", f"Buurt {bu[-2:]}", name) for bu in buurten]
    return rows


def cell(column: str, rng: random.Random) -> str:
    """One measure cell as CBS stores it: a number as text, or '.'."""
    if rng.random() < MISSING_SHARE:
        return "."
    if column.startswith(("p_", "g_")):
        return f"{rng.uniform(0, 100):.1f}".replace(".", ",")
    return str(rng.randrange(0, 20_000))


def generate(path: Path, seed: int = 2023) -> int:
    """Write the workbook; the number of rows below the header."""
    import openpyxl

    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("KWB2023")
    sheet.append([*DESCRIPTIVE, *MEASURES])
    rows = regions()
    for code, recs, name, gemeente in rows:
        short = code[2:] if code != "NL00" else "0"
        sheet.append(
            [code, short, name, gemeente, recs, code, "1", *(cell(c, rng) for c in MEASURES)]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    book.save(partial)
    partial.rename(path)
    return len(rows)


def workbook(folder: Path) -> Path:
    """The cached workbook for the current size parameters, generated when missing."""
    key = f"{GEMEENTEN}-{WIJKEN_PER_GEMEENTE}-{BUURTEN_PER_WIJK}-{len(MEASURES)}"
    path = folder / f"kwb-2023-{key}.xlsx"
    if not path.exists():
        generate(path)
    return path


# --- the plan ---------------------------------------------------------------------------------


PLAN = """
programme: {id: kwb-bench, name: KWB-benchmark, area: rotterdam, period_start: 2023,
            period_end: 2027, horizon: 2031}
pillars: [{id: wijk, name: Wijk}]
areas:
  - {id: nl, name: Nederland, kind: country, cbs_code: NL00}
  - {id: amsterdam, name: Amsterdam, kind: municipality, cbs_code: GM0363}
  - {id: den-haag, name: Den Haag, kind: municipality, cbs_code: GM0518}
  - {id: utrecht, name: Utrecht, kind: municipality, cbs_code: GM0344}
  - {id: g4, name: G4, kind: group, members: [amsterdam, rotterdam, den-haag, utrecht]}
  - {id: zuid, name: Rotterdam-Zuid, kind: group, members: [ZUID]}
indicators:
INDICATORS
mappings:
  - id: kwb-2023
    format: cbs
    name: Kerncijfers wijken en buurten 2023 (werkmap)
    source: CBS, Kerncijfers wijken en buurten 2023
    period: "2023"
    columns:
COLUMNS
"""


def plan_documents() -> dict[str, str]:
    """The plan's YAML documents: ten indicators and one mapping of ten columns."""
    zuid = [b.lower() for wk in ("WK059910", "WK059912", "WK059915") for b in rotterdam()[wk]]
    indicators = []
    columns = []
    for column, (indicator, unit, scale) in MAPPED.items():
        extra = ", aggregation: sum" if unit == "count" else ""
        indicators.append(
            f"  - {{id: {indicator}, name: {indicator}, kind: context, unit: {unit}, "
            f"polarity: neutral{extra}}}"
        )
        columns.append(f"      - {{column: {column}, indicator: {indicator}, scale: {scale}}}")
    text = (
        PLAN.replace("ZUID", ", ".join(zuid))
        .replace("INDICATORS", "\n".join(indicators))
        .replace("COLUMNS", "\n".join(columns))
    )
    return {"plan.yaml": text, "areas.yaml": CBS_AREAS.read_text(encoding="utf-8")}


# --- the two sides ----------------------------------------------------------------------------


def koers_side(path: Path, work: Path) -> dict[str, float]:
    from koers.plan import plan_from_documents
    from koers.sources import import_file
    from koers.store import Store

    plan = plan_from_documents(plan_documents())
    store_path = work / "koers.db"
    store_path.unlink(missing_ok=True)
    with Store.open(f"sqlite:///{store_path}") as store:
        store.save_plan(plan)
        start = time.perf_counter()
        outcome = import_file(store, path)
        seconds = time.perf_counter() - start
        assert outcome.batch is not None
        return {"seconds": seconds, "rows": float(outcome.batch.rows)}


def calamine_side(path: Path, work: Path) -> dict[str, float]:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": float(len(rows) - 1)}


SIDES = {"koers": koers_side, "calamine": calamine_side}


def child(side: str, path: Path, work: Path) -> None:
    found = SIDES[side](path, work)
    found["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(found))


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    rows: int


def measure(side: str, path: Path, work: Path, repeat: int) -> Measured:
    """Best time and largest peak of ``repeat`` fresh processes."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--child", side, str(path), "--work", str(work)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return Measured(
        min(r["seconds"] for r in runs), max(r["peak_mb"] for r in runs), int(runs[-1]["rows"])
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--child", choices=sorted(SIDES))
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=None, help="workbook cache folder")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="koers-kwb-"))
    if args.child:
        child(args.child, args.path, work)
        return 0
    path = workbook(args.data or DATA)
    koers = measure("koers", path, work, args.repeat)
    calamine = measure("calamine", path, work, args.repeat)
    print(f"workbook: {path} ({path.stat().st_size / 2**20:.1f} MB, {calamine.rows} rows)")
    print(f"koers:    {koers.seconds:.2f} s, {koers.peak_mb:.0f} MB, {koers.rows} figures")
    print(f"calamine: {calamine.seconds:.2f} s, {calamine.peak_mb:.0f} MB")
    print(f"ratio:    {koers.seconds / calamine.seconds:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
