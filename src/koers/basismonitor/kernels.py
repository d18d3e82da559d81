"""Career indicators of the Basismonitor, written once with Narwhals' lazy API.

Why Narwhals
    The same indicator must run on DuckDB (one machine, the default, up to the whole
    country's 210 M person-years) and on Spark (the cluster inside a secure environment).
    Writing each definition twice, once in SQL and once in PySpark, is how two monitors
    drift apart. Narwhals' lazy API (expressions, ``group_by``/``agg``, ``join``) compiles to
    each engine's own plan, so a kernel here never imports an engine: it takes the panel as
    a ``narwhals.LazyFrame`` and returns :class:`Cells`, its aggregate as a lazy frame and
    the measures to read off it. Nothing executes until
    :meth:`koers.basismonitor.engines.Panel.collect`, except what a whole run asks the
    engine to keep for several kernels (:func:`all_kernels`, the households); the collected
    aggregate becomes leaf cells in Arrow (:func:`lengthen`), the same on every engine.

The leaf cell
    Every kernel's result is collected into the same columns (:data:`LEAF_COLUMNS`, types
    in :data:`LEAF_SCHEMA`)::

        measure      str    "T1.R7", "cohort.bijstand.work_y1", …
        period       str    koers period form: "2022", school year "2021/2022",
                            reference date "2021-10-01" (see "Periods" below)
        gemeente     str    CBS code of the municipality (GM0599)
        buurt        str?   CBS buurt code, null outside the followed municipalities
        band         str?   schoolweging band ("28-30"), null unless a band comparison
        numerator    float  count of persons/households in the numerator, or a sum of
                            euros for a magnitude measure
        denominator  int    persons/households in the population (always > 0)
        total        float? magnitude measures only: the sum of the contributions
        top1, top2   float? magnitude measures only: the two largest contributions (for
                            the disclosure gate's dominance rule)
        low          float? magnitude measures only: the smallest contribution (for
                            the extreme-value rule; a negative income is one)
        weight_numerator, weight_denominator
                     float? weighted shares only (T1.R14): the sums of the weights of
                            the numerator and of the population, whose ratio is the value

    A leaf is the finest geography (gemeente + buurt). Cells are *additive*: the value of
    any area is the sum of the numerators over the sum of the denominators of its leaves,
    which :mod:`koers.basismonitor.rollup` does without an engine. A leaf with an empty
    population has no cell (no 0/0 rows).

Conventions of every definition below
    - age = ``year − birth_year`` (the age reached in the year);
    - a person counts in the leaf where they lived on 1 January of the year; a household's
      leaf is its members' leaf, and a household is counted once per leaf and year
      (grouped by its pseudonym, so distinct households);
    - a condition on an empty field is false (an unknown advice is no ``havo`` advice);
    - ``income_vs_minimum ≤ 1,10`` is compared in the column's own float32 precision, so a
      stored 1,10 counts (1,10 as a float32 is slightly *more* than 1,10 as a float64).

Periods (the ``periodicity`` of the indicator in ``10-ambitie-wijken.yaml``)
    - ``calendar_year`` → ``"Y"`` (R2, R3, R15-R19, the bijstand cohorts);
    - ``school_year`` → ``"Y-1/Y"`` (R5-R12, the groep-8 cohorts): school fields describe
      the school year that ends in ``Y``;
    - ``reference_date`` → 1 October, the peildatum Tabel 1 prints for these rows: R4 (pupils
      enrolled) → ``"Y-1-10-01"``, the DUO teldatum of the school year ending in ``Y``; R13,
      R14 and R20 (a person's state at the end of calendar year ``Y``, age ``Y −
      birth_year``) → ``"Y-10-01"``.

Longitudinal flows: a self-join, not a window
    A flow follows a person from a start year ``Y`` to ``Y + k`` by joining the panel to
    itself on ``(person, year + k)``: the follow-up rows are selected with ``year − k`` as
    their key and joined on ``(person, year)``. In DuckDB that was 3-4× faster than
    ``LAG``/``LEAD`` over a person window (a hash join against a sort of the whole panel),
    and it has a useful side effect: a follow-up year that is not in the panel matches
    nothing, so a cohort whose follow-up is not yet observed gets no cell instead of a
    half-finished one. Flows are attributed to the leaf of the *start* year. Panels are
    assumed to hold consecutive years (as :func:`~koers.basismonitor.engines.open_panel`
    reads them).

One pass per family
    Many measures share a population and a grouping, so a family (persons, households,
    schoolweging bands, groep-8 cohort, bijstand cohort) is aggregated in *one* ``agg`` with
    a conditional count per measure (``n00``/``d00``, ``n01``/``d01``, …), collected wide
    and turned long in Arrow. Unioning one aggregation per measure would scan the panel once
    per measure: neither DuckDB (``NOT MATERIALIZED`` CTEs) nor Spark reuses a scan across
    the branches of a union. Turning the aggregate long inside the engine (exploding a list
    of measure indices, a CASE per column) cost a quarter of a second per whole run in
    building the plan alone, on an aggregate of a few thousand rows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence

import narwhals as nw

from koers.basismonitor.cells import (
    ALL,
    BANDED,
    GROUP,
    LEAF_COLUMNS,
    LEAF_KEY,
    LEAF_SCHEMA,
    LOW_INCOME,
    VO_DIPLOMAS,
    Cells,
    Frame,
    LeafCell,
    Measure,
    PeriodForm,
    Share,
    _count,
    _flag,
    _select,
    base,
    households,
    households_of,
    leaf_cells,
    lengthen,
    period_text,
    shares,
)
from koers.basismonitor.flows import diploma_starters, moves
from koers.basismonitor.measures import SCHOOL_MEASURES, person_shares, prepare
from koers.basismonitor.schema import ADVICES

Kernel = Callable[[Frame], Cells]

__all__ = [
    "ALL",
    "BANDED",
    "GROUP",
    "HOUSEHOLD_KERNELS",
    "KERNELS",
    "LEAF_COLUMNS",
    "LEAF_KEY",
    "LEAF_SCHEMA",
    "LOW_INCOME",
    "VO_DIPLOMAS",
    "Cells",
    "Frame",
    "Kernel",
    "LeafCell",
    "Measure",
    "PeriodForm",
    "Share",
    "all_kernels",
    "band_expr",
    "base",
    "households",
    "households_of",
    "leaf_cells",
    "lengthen",
    "period_text",
    "shares",
]


# --- Tabel 1 -----------------------------------------------------------------------------


def _person_shares() -> list[Share]:
    col = nw.col
    age = col("age")
    po = col("sector") == "po"
    vo = col("sector") == "vo"
    groep8_taal = po & (col("study_year") == 8) & ~col("ref_taal").is_null()
    vo_diploma = col("diploma").is_in(VO_DIPLOMAS)
    age_15_74 = age.is_between(15, 74)
    return [
        Share("T1.R2", "calendar", ALL, age < 27),
        Share("T1.R4", "teldatum", po, col("parents_education") == "laag"),
        Share("T1.R5", "school", groep8_taal, col("ref_taal").is_in(["fundamenteel", "streef"])),
        Share("T1.R6", "school", groep8_taal, col("ref_taal") == "streef"),
        Share(
            "T1.R7", "school", vo & (col("study_year") == 3), col("level").is_in(["havo", "vwo"])
        ),
        Share("T1.R8", "school", vo, col("level") == "pro"),
        Share("T1.R9", "school", vo_diploma, col("diploma") == "vwo"),
        Share("T1.R10", "school", vo_diploma, col("diploma") == "havo"),
        Share("T1.R11", "school", vo_diploma, col("diploma") == "vmbo"),
        Share(
            "T1.R12",
            "school",
            age.is_between(12, 22) & col("sector").is_in(["vo", "mbo"]),
            col("early_leaver"),
        ),
        Share("T1.R13", "october", age.is_between(18, 22), col("startkwalificatie")),
        Share(
            "T1.R14",
            "october",
            age_15_74 & ~col("education").is_null() & ~col("education_weight").is_null(),
            col("education").is_in(["middelbaar", "hoog"]),
            weight=col("education_weight"),
        ),
        Share("T1.R17", "calendar", (age < 18) & ~col("income_vs_minimum").is_null(), LOW_INCOME),
        Share(
            "T1.R20",
            "october",
            age_15_74 & ~col("labour_force").is_null(),
            col("labour_force") & ~col("employed"),
        ),
        *person_shares(),
    ]


def tabel1_persons(panel: Frame, only: Collection[str] | None = None) -> Cells:
    """The measures counted over persons, per leaf and year, in one pass (``only``: a
    subset by id): the Tabel 1 rows T1.R2, R4-R14, R17 and R20 and the person measures of
    :mod:`koers.basismonitor.measures`. Each one's numerator, denominator and period are in
    :data:`koers.basismonitor.definitions.DEFINITIONS`.
    """
    return shares(prepare(base(panel)), _select(_person_shares(), only))


def _household_shares() -> list[Share]:
    col = nw.col
    return [
        Share("T1.R3", "calendar", col("child") == 1, col("eenouder") == 1),
        Share("T1.R16", "calendar", ~col("income_vs_minimum").is_null(), LOW_INCOME),
        Share("T1.R18", "calendar", ALL, col("any_benefit") == 1),
        Share("T1.R19", "calendar", ALL, col("bijstand_ww") == 1),
    ]


def tabel1_households(
    panel: Frame, only: Collection[str] | None = None, kept: Frame | None = None
) -> Cells:
    """Tabel 1 rows counted over households (distinct per leaf and year), period ``Y``:
    T1.R3, T1.R16, T1.R18 and T1.R19 (definitions:
    :data:`koers.basismonitor.definitions.DEFINITIONS`). ``kept``: the households computed
    once (see :func:`households_of`).
    """
    return shares(households_of(panel, kept), _select(_household_shares(), only))


def tabel1_income(panel: Frame, kept: Frame | None = None) -> Cells:
    """T1.R15, mean standardised disposable household income, period ``Y``: a magnitude.

    numerator = total = Σ household_income over households with a known income (each
    household once per leaf and year); denominator = the number of those households; the
    mean is numerator / denominator. ``top1``/``top2`` are the two largest household
    incomes of the leaf (equal when two households tie for the largest), taken by value:
    a negative income (a loss) is never a top contribution while a positive one exists;
    ``low`` is the smallest (a negative income counts as it is: CBS includes negative
    incomes in its means and sums and checks them with its extreme-value rule).
    ``kept``: the households computed once (see :func:`households_of`).
    """
    keys = list(GROUP)
    # The largest income of each leaf, joined to the households: the second largest is
    # then the largest below it, or the largest itself when two households share it. A
    # rank window over every household sorts them all and took longer than the household
    # aggregation. Without kept households the largest comes straight from the panel (a
    # household's income is on every member row): reading the households twice would
    # aggregate them twice.
    if kept is None:
        source, column = base(panel), "household_income"
    else:
        source, column = kept, "income"
    tops = source.group_by(*keys).agg(nw.col(column).cast(nw.Float64()).max().alias("_top"))
    with_top = tops.join(
        households_of(panel, kept).filter(~nw.col("income").is_null()), on=keys, how="inner"
    )
    income = nw.col("income").cast(nw.Float64())
    top = nw.col("_top")
    wide = (
        with_top.group_by(*keys)
        .agg(
            income.sum().alias("numerator"),
            nw.len().alias("denominator"),
            income.sum().alias("total"),
            income.max().alias("top1"),
            income.min().alias("low"),
            _count(income == top).alias("_at_top"),
            nw.when(income < top).then(income).max().alias("_below_top"),
        )
        .with_columns(
            nw.when(nw.col("_at_top") >= 2)
            .then(nw.col("top1"))
            .otherwise(nw.col("_below_top"))
            .alias("top2")
        )
    )
    return Cells(wide, (Measure("T1.R15", "calendar", "numerator", "denominator"),), True)


# --- schoolweging bands ----------------------------------------------------------------

BAND_WIDTH = 2
BAND_MIN, BAND_MAX = 20, 40


def band_expr() -> nw.Expr:
    """The schoolweging band of a row: ``"lo-hi"`` with ``lo ≤ weging < hi``, width 2.

    The weging is first clamped to 20-40 as the Inspectie does (below 20 counts as 20,
    above 40 as 40); 40 itself falls in the top band "38-40". Bands: "20-22" … "38-40".
    """
    weging = nw.col("schoolweging").cast(nw.Float64()).clip(BAND_MIN, BAND_MAX)
    low = (weging / BAND_WIDTH).floor() * BAND_WIDTH
    low = nw.when(low >= BAND_MAX).then(nw.lit(BAND_MAX - BAND_WIDTH)).otherwise(low)
    low_int = low.cast(nw.Int64())  # integral already: the cast cannot round
    return nw.concat_str(
        [low_int.cast(nw.String()), nw.lit("-"), (low_int + BAND_WIDTH).cast(nw.String())]
    )


SCHOOL_ROWS = (
    "T1.R4",
    "T1.R5",
    "T1.R6",
    "T1.R7",
    "T1.R8",
    "T1.R9",
    "T1.R10",
    "T1.R11",
    *SCHOOL_MEASURES,
)
"""The person measures of pupils at a school with a schoolweging (po and vo), compared per
band. T1.R12 is not among them: it counts mbo students too, whose schools have none."""


def schoolweging_bands(panel: Frame) -> Cells:
    """Every school row (:data:`SCHOOL_ROWS`) per schoolweging band of the pupil's school.

    The same definitions as in :func:`tabel1_persons`, restricted to pupils whose school has
    a schoolweging, with ``band`` = :func:`band_expr` of that weging. The cells stay per
    leaf of residence, so after the rollup "zuid, band 34-36" (pupils living on Zuid) can
    be compared with "g4-excl-zuid, band 34-36" (pupils of the G4 outside Zuid in schools
    of that band).
    """
    banded = prepare(base(panel)).filter(~nw.col("schoolweging").is_null())
    banded = banded.with_columns(band_expr().alias("band"))
    return shares(banded, _select(_person_shares(), set(SCHOOL_ROWS)))


# --- cohort flows --------------------------------------------------------------------------

STARTKWALIFICATIE_AGE = 23
DIPLOMA_SLACK = 1
VO_NOMINAL = {"vmbo": 4, "havo": 5, "vwo": 6}
"""Nominal leerjaren of each vo track: after groep 8 in school year ``Y`` a diploma of
track T counts when obtained by ``Y + VO_NOMINAL[T] + DIPLOMA_SLACK``."""
TRACK_RANK = {"pro": 0, "vmbo": 1, "havo": 2, "vwo": 3}
ADVICE_TRACK = {"pro": 0, "vmbo": 1, "vmbo_havo": 1, "havo": 2, "havo_vwo": 2, "vwo": 3}
"""The lowest vo track an advice leads to (a double advice: its lower track), as
:data:`TRACK_RANK`: a pupil in a lower track in leerjaar 3 has streamed down (E4.2)."""


def _rank(column: str, ranks: dict[str, int]) -> nw.Expr:
    """The rank of a code (null for a code not in ``ranks`` or none)."""
    expr = nw.lit(None, nw.Int32())
    for code, rank in ranks.items():
        expr = nw.when(nw.col(column) == code).then(nw.lit(rank, nw.Int32())).otherwise(expr)
    return expr


def cohort_groep8(panel: Frame) -> Cells:
    """Flows of each groep-8 cohort (po, study_year 8 in school year ``Y``), period ``Y-1/Y``;
    the definitions are in :data:`koers.basismonitor.definitions.DEFINITIONS`.

    Attributed to the leaf the pupil lived in in ``Y``. "Observed in Y+k" means the pupil
    has a panel row in ``Y + k`` (so emigrants drop out of the denominator instead of
    counting as failures). A cohort is reported for a flow only when the flow's follow-up
    year is in the panel: for Y+3, Y+4 and Y+7 the join finds no row otherwise; for age 23,
    whose year differs per pupil, the cohort is reported only once the youngest pupil's
    year (max birth_year + 23) is within the panel, so no cohort is ever half followed.
    """
    rows = base(panel)
    col = nw.col
    cohort = rows.filter((col("sector") == "po") & (col("study_year") == 8)).select(
        col("person"),
        col("year").cast(nw.Int32()).alias("year"),
        *(col(c) for c in ("gemeente", "buurt", "advice")),
    )
    # One probe of the panel for every follow-up: the cohort (small) joined to all rows of
    # its pupils on person, each follow-up picked per cohort row by a conditional
    # aggregate. A join per follow-up year scans the panel once per follow-up.
    lj3 = (col("sector") == "vo") & (col("study_year") == 3)
    later = rows.select(
        col("person"),
        col("year").cast(nw.Int32()).alias("f_year"),
        col("age").alias("f_age"),
        _flag(lj3 & col("level").is_in(["havo", "vwo"])).alias("f_lj3"),
        nw.when(lj3).then(_rank("level", TRACK_RANK)).alias("f_track"),
        col("diploma").alias("f_diploma"),
        _flag(col("startkwalificatie")).alias("f_sk"),
    )
    f_year, year, diploma = col("f_year"), col("year"), col("f_diploma")
    on_time = nw.any_horizontal(
        *(
            (diploma == track) & f_year.is_between(year + 1, year + nominal + DIPLOMA_SLACK)
            for track, nominal in VO_NOMINAL.items()
        ),
        ignore_nulls=False,
    )
    last_window = max(VO_NOMINAL.values()) + DIPLOMA_SLACK
    joined = cohort.join(later, on="person", how="inner")
    flows = joined.group_by("person", "year", "gemeente", "buurt", "advice").agg(
        nw.when(f_year == year + 3).then(col("f_lj3")).max().alias("lj3"),
        nw.when(f_year == year + 3).then(col("f_track")).max().alias("track3"),
        nw.when(f_year == year + 4).then(col("f_track")).max().alias("track4"),
        nw.when(f_year == year + 4).then(nw.lit(1, nw.Int32())).max().alias("seen4"),
        nw.when(f_year == year + last_window).then(nw.lit(1, nw.Int32())).max().alias("seen"),
        _count(on_time).alias("diplomas"),
        _count(on_time & diploma.is_in(["havo", "vwo"])).alias("havo_vwo"),
        nw.when(col("f_age") == STARTKWALIFICATIE_AGE).then(col("f_sk")).max().alias("sk23"),
    )
    groep8_birth = rows.filter((col("sector") == "po") & (col("study_year") == 8)).select(
        col("year").cast(nw.Int32()).alias("year"), col("birth_year")
    )
    last_year = rows.select(col("year").cast(nw.Int32()).max().alias("last_year"))
    complete_23 = (
        groep8_birth.group_by("year")
        .agg((col("birth_year").cast(nw.Int32()).max() + STARTKWALIFICATIE_AGE).alias("need"))
        .join(last_year, how="cross")
        .filter(col("need") <= col("last_year"))
        .select("year", nw.lit(1, nw.Int32()).alias("complete_23"))
    )
    flows = flows.join(complete_23, on="year", how="left").with_columns(
        # leerjaar 3 in Y+3, or in Y+4 after a year's delay
        nw.when(~col("track3").is_null())
        .then(col("track3"))
        .otherwise(col("track4"))
        .alias("track"),
        _rank("advice", ADVICE_TRACK).alias("advice_track"),
    )
    seen = ~col("seen").is_null()
    specs = [
        *(
            Share(
                f"cohort.g8.advice.{advice}",
                "school",
                ~col("advice").is_null(),
                col("advice") == advice,
            )
            for advice in ADVICES
        ),
        Share("cohort.g8.havo_vwo_lj3", "school", ~col("lj3").is_null(), col("lj3") == 1),
        Share("cohort.g8.vo_diploma", "school", seen, col("diplomas") > 0),
        Share("cohort.g8.havo_vwo_diploma", "school", seen, col("havo_vwo") > 0),
        Share(
            "cohort.g8.afstroom",
            "school",
            ~col("advice_track").is_null() & ~col("track").is_null() & ~col("seen4").is_null(),
            col("track") < col("advice_track"),
        ),
        Share(
            "cohort.g8.startkwalificatie_23",
            "school",
            ~col("sk23").is_null() & ~col("complete_23").is_null(),
            col("sk23") == 1,
        ),
    ]
    return shares(flows, specs)


def cohort_bijstand(panel: Frame) -> Cells:
    """Work after entering bijstand, per inflow cohort, period ``Y`` (definitions:
    :data:`koers.basismonitor.definitions.DEFINITIONS`).

    The inflow cohort of ``Y``: persons with benefit bijstand in ``Y`` and not in ``Y − 1``
    (a person without a row in ``Y − 1``, e.g. who moved into the country, counts as
    inflow); only years whose ``Y − 1`` is in the panel have an inflow cohort. Attributed to
    the leaf of residence in ``Y``. Benefit and employment describe the last day of the
    year, so the follow-up at the end of ``Y + 1`` lies 12 to 24 months after inflow (18 on
    average) and that at the end of ``Y + 2`` 24 to 36 months: the measures say "at the end
    of the first (second) year after the year of inflow", not "after 12 months".
    """
    rows = base(panel)
    col = nw.col
    bijstand = rows.filter(col("benefit") == "bijstand").select(
        col("person"),
        col("year").cast(nw.Int32()).alias("year"),
        *(col(c) for c in ("gemeente", "buurt")),
    )
    # One probe of the panel: each bijstand row joined to the rows of the same person in
    # Y - 1 (bijstand then: no inflow), Y + 1 and Y + 2 (employed), picked by conditional
    # aggregates, instead of an anti-join and a join per follow-up year (a scan each).
    around = rows.select(
        col("person"),
        col("year").cast(nw.Int32()).alias("f_year"),
        _flag(col("benefit") == "bijstand").alias("f_bijstand"),
        _flag(col("employed")).alias("f_employed"),
    )
    f_year, year = col("f_year"), col("year")
    followed = (
        bijstand.join(around, on="person", how="inner")
        .filter(f_year.is_between(year - 1, year + 2))
        .group_by("person", "year", "gemeente", "buurt")
        .agg(
            nw.when(f_year == year - 1).then(col("f_bijstand")).max().alias("before"),
            nw.when(f_year == year + 1).then(col("f_employed")).max().alias("work1"),
            nw.when(f_year == year + 2).then(col("f_employed")).max().alias("work2"),
        )
    )
    # Years whose previous year is in the panel (a group-by: unique() is a window here).
    years_with_previous = (
        rows.group_by("year")
        .agg(nw.len().alias("_rows"))
        .select((col("year").cast(nw.Int32()) + 1).alias("year"))
    )
    flows = followed.filter(col("before").is_null() | (col("before") == 0)).join(
        years_with_previous, on="year", how="inner"
    )
    seen1, seen2 = ~col("work1").is_null(), ~col("work2").is_null()
    return shares(
        flows,
        [
            Share("cohort.bijstand.work_y1", "calendar", seen1, col("work1") == 1),
            Share("cohort.bijstand.work_y2", "calendar", seen2, col("work2") == 1),
            Share(
                "cohort.bijstand.sustained_y2",
                "calendar",
                seen1 & seen2,
                (col("work1") == 1) & (col("work2") == 1),
            ),
        ],
    )


# --- all of them -------------------------------------------------------------------------

KERNELS: dict[str, Kernel] = {
    "tabel1_persons": tabel1_persons,
    "tabel1_households": tabel1_households,
    "tabel1_income": tabel1_income,
    "schoolweging_bands": schoolweging_bands,
    "cohort_groep8": cohort_groep8,
    "cohort_bijstand": cohort_bijstand,
    "diploma_starters": diploma_starters,
    "moves": moves,
}
"""Every kernel by name."""


HOUSEHOLD_KERNELS: dict[str, Callable[..., Cells]] = {
    "tabel1_households": tabel1_households,
    "tabel1_income": tabel1_income,
}
"""The kernels that read :func:`households`: given ``keep``, they share one computation."""


def all_kernels(
    panel: Frame,
    names: Sequence[str] | None = None,
    *,
    keep: Callable[[Frame], Frame] | None = None,
) -> Iterator[Cells]:
    """The results of every kernel (or of the named ones), each built as it is iterated,
    so that an engine can run one while the next is built.

    ``keep`` is the engine's way to compute a frame once for several readers
    (:meth:`koers.basismonitor.engines.Panel.keep`); with it, the households are
    aggregated once, first, when more than one chosen kernel reads them. (First, so that
    no kernel runs beside it: at 210 M person-years the two together need more memory.)
    """
    chosen = list(KERNELS) if names is None else list(names)
    kept = None
    if keep is not None and len(HOUSEHOLD_KERNELS.keys() & set(chosen)) > 1:
        kept = keep(households(panel))
    for name in chosen:
        if name in HOUSEHOLD_KERNELS:
            yield HOUSEHOLD_KERNELS[name](panel, kept=kept)
        else:
            yield KERNELS[name](panel)
