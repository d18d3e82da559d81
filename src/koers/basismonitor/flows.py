"""Two more flows of the Basismonitor, each one kernel (see :mod:`koers.basismonitor.kernels`
for the conventions): diplomas within the nominal duration plus one year for everyone who
starts a programme in vo, mbo or ho (E4.3, "behaalde diploma's vo en vervolgonderwijs"),
and the households that settle in, leave and stay per leaf by income ("Stijging,
verhuizingen en nieuwbouw op Zuid", seed 97-110). Each measure's numerator and
denominator are written once in :data:`koers.basismonitor.definitions.DEFINITIONS`.

Diplomas per track
    A start is a row in leerjaar 1 of vo, mbo or ho in school year ``Y`` whose person was
    not in leerjaar 1 of the same sector in ``Y − 1`` (a repeated first year is no new
    start). A diploma ``d`` of the start's sector counts when obtained in one of the school
    years ``Y`` … ``Y + NOMINAL[d] − 1 + SLACK``: its nominal duration from leerjaar 1
    plus one year. The window is that of the diploma obtained, so a pupil who starts in a
    vmbo/havo class and obtains havo has havo's window. The start is followed when the
    person has a row in the last year of its sector's longest window (vo: ``Y + 6``), so
    no start is half followed and emigrants leave the denominator.

Settlers, leavers and stayers
    Moves between 1 January ``Y − 1`` and 1 January ``Y`` (residence describes 1 January)
    are reported for the calendar year ``Y − 1``, per leaf, over households:

    - a *settler* household lives in the leaf on 1 January ``Y`` and none of its members
      lived there a year earlier (from elsewhere in Nederland or from abroad);
    - a household of 1 January ``Y − 1`` *stays* when a member still lives in the leaf a
      year later, and *leaves* when none does and at least one lives elsewhere (a
      household of which nobody has a row in ``Y`` died or emigrated: neither).

    Income group from ``income_percentile`` (CBS's percentile of the household's
    standardised income in the national distribution): *laag* the lowest 40% (as CBS
    reports "huishoudens met een laag inkomen" per wijk), *midden_hoog* the rest,
    *onbekend* none (institutional and student households without a known income). Leavers
    and stayers take the income of ``Y − 1`` (the year of the move, in the leaf), settlers
    that of ``Y`` (their first year in it). The plan's report groups Zuid's wijken into four
    types (e.g. "focuswijken met veel particuliere huur") without naming the wijken of each
    type, so koers reports per leaf and every plan area; a type is a ``group`` area of its
    wijken once the plan names them.
"""

from __future__ import annotations

import narwhals as nw

from koers.basismonitor.cells import GROUP, Cells, Frame, Share, _flag, base, shares

SLACK = 1
NOMINAL = {
    "vmbo": 4,
    "havo": 5,
    "vwo": 6,
    "mbo1": 1,
    "mbo2": 2,
    "mbo3": 3,
    "mbo4": 3,
    "hbo": 4,
    "wo": 4,
}
"""Nominal duration in years from leerjaar 1 (wo: bachelor and a one-year master)."""
SECTOR_OF = {
    "vmbo": "vo",
    "havo": "vo",
    "vwo": "vo",
    "mbo1": "mbo",
    "mbo2": "mbo",
    "mbo3": "mbo",
    "mbo4": "mbo",
    "hbo": "ho",
    "wo": "ho",
}
STARTING_SECTORS = ("vo", "mbo", "ho")
LOW_INCOME_PERCENTILE = 40
INCOME_GROUPS = ("laag", "midden_hoog", "onbekend")
MOVE_KINDS = ("settlers", "leavers", "stayers")
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    f"moves.{kind}": tuple(f"moves.{kind}.{group}" for group in INCOME_GROUPS)
    for kind in MOVE_KINDS
}
"""The income groups of each kind of move add up to its households (for the gate)."""


def _window_end(sector: str) -> int:
    """Years after the start year in which the sector's longest window ends."""
    return max(n for d, n in NOMINAL.items() if SECTOR_OF[d] == sector) - 1 + SLACK


def diploma_starters(panel: Frame) -> Cells:
    """E4.3: diplomas within the nominal duration plus one year, per start
    (module doc), period ``Y-1/Y`` of the start, attributed to the leaf of the start."""
    rows = base(panel)
    col = nw.col
    starts = rows.filter(col("sector").is_in(STARTING_SECTORS) & (col("study_year") == 1)).select(
        col("person"),
        col("year").cast(nw.Int32()).alias("year"),
        col("gemeente"),
        col("buurt"),
        col("sector"),
    )
    later = rows.select(
        col("person"),
        col("year").cast(nw.Int32()).alias("f_year"),
        col("sector").alias("f_sector"),
        col("study_year").alias("f_study_year"),
        col("diploma").alias("f_diploma"),
    )
    f_year, year, sector = col("f_year"), col("year"), col("sector")
    on_time = nw.any_horizontal(
        *(
            (col("f_diploma") == d)
            & (sector == SECTOR_OF[d])
            & f_year.is_between(year, year + n - 1 + SLACK)
            for d, n in NOMINAL.items()
        ),
        ignore_nulls=False,
    )
    end = nw.lit(None, nw.Int32())
    for name in STARTING_SECTORS:
        end = nw.when(sector == name).then(year + _window_end(name)).otherwise(end)
    repeated = (f_year == year - 1) & (col("f_sector") == sector) & (col("f_study_year") == 1)
    followed = (
        starts.join(later, on="person", how="inner")
        .group_by("person", *GROUP, "sector")
        .agg(
            _flag(repeated).max().alias("repeated"),
            _flag(f_year == end).max().alias("seen"),
            _flag(on_time).max().alias("diploma"),
        )
        .filter(col("repeated") == 0)
    )
    seen, passed = col("seen") == 1, col("diploma") == 1
    # One measure over every sector: a share per sector next to it would let a suppressed
    # one be recomputed from the total and the others (the audit sees one measure at a time).
    return shares(followed, [Share("diploma.all", "school", seen, passed)])


def _income_group(column: str) -> nw.Expr:
    pct = nw.col(column)
    return (
        nw.when(pct.is_null())
        .then(nw.lit("onbekend"))
        .otherwise(
            nw.when(pct <= LOW_INCOME_PERCENTILE)
            .then(nw.lit("laag"))
            .otherwise(nw.lit("midden_hoog"))
        )
    )


def moves(panel: Frame) -> Cells:
    """Settler, leaver and stayer households per leaf by income group (module doc), period
    ``Y − 1`` (the calendar year of the move), over households."""
    rows = base(panel)
    col = nw.col
    year = col("year").cast(nw.Int32())
    here = rows.select(
        col("person"),
        year.alias("year"),
        col("gemeente"),
        col("buurt"),
        col("household"),
        col("income_percentile"),
    )

    def shifted(by: int, prefix: str) -> Frame:
        return rows.select(
            col("person"),
            (year + by).alias("year"),
            col("gemeente").alias(f"{prefix}_gemeente"),
            col("buurt").alias(f"{prefix}_buurt"),
        )

    def same(prefix: str) -> nw.Expr:
        return (col(f"{prefix}_gemeente") == col("gemeente")) & (
            col(f"{prefix}_buurt") == col("buurt")
        )

    # Settlers: the households of Y, each member's leaf a year earlier; years whose
    # previous year is in the panel only (in the first year everyone would be new).
    years_with_previous = (
        rows.group_by("year").agg(nw.len().alias("_rows")).select((year + 1).alias("year"))
    )
    arrived = (
        here.join(years_with_previous, on="year", how="inner")
        .join(shifted(1, "p"), on=["person", "year"], how="left")
        .group_by(*GROUP, "household")
        .agg(
            _flag(same("p")).max().alias("was_here"),
            col("income_percentile").max().alias("income_percentile"),
        )
        .filter(col("was_here") == 0)
        .select(
            (year - 1).alias("year"),
            col("gemeente"),
            col("buurt"),
            nw.lit("settlers").alias("kind"),
            _income_group("income_percentile").alias("income"),
        )
    )
    # Leavers and stayers: the households of Y - 1, each member's leaf a year later.
    departed = (
        here.join(shifted(-1, "n"), on=["person", "year"], how="left")
        .group_by(*GROUP, "household")
        .agg(
            _flag(same("n")).max().alias("still_here"),
            _flag(~col("n_gemeente").is_null()).max().alias("alive"),
            col("income_percentile").max().alias("income_percentile"),
        )
        .filter(col("alive") == 1)
        .select(
            year.alias("year"),
            col("gemeente"),
            col("buurt"),
            nw.when(col("still_here") == 1)
            .then(nw.lit("stayers"))
            .otherwise(nw.lit("leavers"))
            .alias("kind"),
            _income_group("income_percentile").alias("income"),
        )
    )
    households = nw.concat([arrived, departed], how="vertical")
    return shares(
        households,
        [
            Share(f"moves.{kind}.{group}", "calendar", col("kind") == kind, col("income") == group)
            for kind in MOVE_KINDS
            for group in INCOME_GROUPS
        ],
    )
