"""The cell machinery of the Basismonitor's kernels (:mod:`koers.basismonitor.kernels`):
the leaf cell every kernel is collected into, the period forms, the conditional counts of a
family of shares aggregated in one pass (:class:`Share`, :class:`Measure`, :class:`Cells`,
:func:`shares`), their turn from wide to long in Arrow (:func:`lengthen`), and the
populations several kernels start from (persons, households)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import narwhals as nw
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Frame = nw.LazyFrame[Any]


LEAF_COLUMNS = (
    "measure",
    "period",
    "gemeente",
    "buurt",
    "band",
    "numerator",
    "denominator",
    "total",
    "top1",
    "top2",
    "low",
    "weight_numerator",
    "weight_denominator",
)
LEAF_KEY = ("measure", "period", "gemeente", "buurt", "band")
LEAF_SCHEMA = pa.schema(
    [
        pa.field("measure", pa.string(), nullable=False),
        pa.field("period", pa.string(), nullable=False),
        pa.field("gemeente", pa.string(), nullable=False),
        pa.field("buurt", pa.string()),
        pa.field("band", pa.string()),
        pa.field("numerator", pa.float64(), nullable=False),
        pa.field("denominator", pa.int64(), nullable=False),
        pa.field("total", pa.float64()),
        pa.field("top1", pa.float64()),
        pa.field("top2", pa.float64()),
        pa.field("low", pa.float64()),
        pa.field("weight_numerator", pa.float64()),
        pa.field("weight_denominator", pa.float64()),
    ]
)


@dataclass(frozen=True)
class LeafCell:
    """One leaf cell as plain Python (a row of :data:`LEAF_SCHEMA`)."""

    measure: str
    period: str
    gemeente: str
    buurt: str | None
    band: str | None
    numerator: float
    denominator: int
    total: float | None = None
    top1: float | None = None
    top2: float | None = None
    low: float | None = None
    weight_numerator: float | None = None
    weight_denominator: float | None = None


def leaf_cells(table: pa.Table) -> list[LeafCell]:
    """The rows of a collected kernel result as :class:`LeafCell` objects, in table order."""
    return [LeafCell(**row) for row in table.select(list(LEAF_COLUMNS)).to_pylist()]


# --- periods ---------------------------------------------------------------------------

PeriodForm = Literal["calendar", "school", "teldatum", "october"]
"""calendar "Y"; school "Y-1/Y"; teldatum "Y-1-10-01"; october "Y-10-01"."""


def period_text(year: int, form: PeriodForm) -> str:
    """The koers period of ``year`` in the given form."""
    if form == "calendar":
        return str(year)
    if form == "school":
        return f"{year - 1}/{year}"
    return f"{year - 1 if form == 'teldatum' else year}-10-01"


# --- the share machinery ---------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A measure counted as ``numerator`` among ``population`` (both row conditions).

    With a ``weight`` (an expression per row, e.g. CBS's weight of the education file)
    the value is the weighted share: the sum of the weights of the numerator over that of
    the population; the counts stay unweighted (the units behind the value, which the
    disclosure gate checks, as CBS's output checking counts unweighted units). The
    population must imply a known weight.
    """

    measure: str
    form: PeriodForm
    population: nw.Expr
    numerator: nw.Expr
    weight: nw.Expr | None = None


GROUP = ("year", "gemeente", "buurt")  # the working key of a leaf and year; buurt "" for none
BANDED = (*GROUP, "band")  # … per schoolweging band


def _count(condition: nw.Expr) -> nw.Expr:
    """Rows where ``condition`` holds (a null condition counts as false)."""
    return nw.when(condition).then(nw.lit(1, nw.Int64())).otherwise(nw.lit(0, nw.Int64())).sum()


@dataclass(frozen=True)
class Measure:
    """One measure of a kernel's aggregate: its id, period form and the two columns that
    hold its numerator and denominator."""

    measure: str
    form: PeriodForm
    numerator: str
    denominator: str
    weight_numerator: str | None = None
    weight_denominator: str | None = None


@dataclass(frozen=True)
class Cells:
    """What a kernel returns: its aggregate, still lazy, and how to read leaf cells off it.

    ``frame`` has one row per group (the :data:`GROUP` columns, ``buurt`` "" for none,
    and ``band`` for a comparison per schoolweging band) and each measure's numerator and
    denominator as columns (several measures per row: one aggregation counts them all). A
    ``magnitude`` aggregate has one measure and also ``total``, ``top1``, ``top2`` and ``low``.
    :func:`lengthen` turns the collected aggregate into leaf cells, one row per group and
    measure, in Arrow: the aggregate is small (one row per leaf and year), and doing it in
    the engine cost a relation step per operation and a CASE over every measure.
    """

    frame: Frame
    measures: tuple[Measure, ...]
    magnitude: bool = False


def lengthen(wide: pa.Table, cells: Cells) -> pa.Table:
    """Leaf cells (:data:`LEAF_SCHEMA`) from the collected aggregate ``wide`` of ``cells``.

    One row per group and measure with a denominator above 0 (an empty population has no
    cell); "" buurt back to null; no band column means no band.

    Built from Arrow arrays only: the first Python value pyarrow converts (a scalar, a
    list) makes it import pandas, half a second that nothing else in a run needs.
    """
    rows = wide.num_rows
    nulls = pa.nulls(rows, pa.string())
    buurt = pc.cast(wide["buurt"], pa.string())
    years = pc.unique(wide["year"])
    year_at = pc.index_in(wide["year"], value_set=years)
    key = {
        "gemeente": wide["gemeente"],
        "buurt": pc.if_else(pc.cast(pc.utf8_length(buurt), pa.bool_()), buurt, nulls),
        "band": wide["band"] if "band" in wide.column_names else nulls,
    }
    magnitude = {
        name: wide[name] if cells.magnitude else pa.nulls(rows, pa.float64())
        for name in ("total", "top1", "top2", "low")
    }
    no_weight = pa.nulls(rows, pa.float64())
    parts = []
    for measure in cells.measures:
        weights = {
            "weight_numerator": no_weight,
            "weight_denominator": no_weight,
        }
        if measure.weight_numerator and measure.weight_denominator:
            weights = {
                "weight_numerator": wide[measure.weight_numerator],
                "weight_denominator": wide[measure.weight_denominator],
            }
        periods = _texts([period_text(year, measure.form) for year in years.to_pylist()])
        table = pa.table(
            {
                "measure": _texts([measure.measure] * rows),
                "period": pc.take(periods, year_at),
                **key,
                "numerator": wide[measure.numerator],
                "denominator": wide[measure.denominator],
                **magnitude,
                **weights,
            }
        ).cast(LEAF_SCHEMA)
        # a denominator is a count, so "above 0" is "not 0"
        parts.append(table.filter(pc.cast(table["denominator"], pa.bool_())))
    return pa.concat_tables(parts) if parts else LEAF_SCHEMA.empty_table()


def _texts(values: Sequence[str]) -> pa.Array:
    """A string array assembled from its buffers (see :func:`lengthen` for why)."""
    encoded = [value.encode() for value in values]
    offsets = np.zeros(len(encoded) + 1, np.int32)
    np.cumsum([len(value) for value in encoded], out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(pa.string(), len(encoded), buffers)


def shares(frame: Frame, specs: Sequence[Share]) -> Cells:
    """Several shares counted in one aggregation over ``frame``.

    ``frame`` has the :data:`GROUP` columns (``buurt`` "" for none), ``band`` when the
    shares are counted per schoolweging band, and whatever the conditions read; each row is
    one person or household. Rows in none of the populations are filtered out first (a
    filter the engine pushes into the scan: for T1.R7 alone only the leerjaar-3 pupils are
    grouped). Measure ``i`` is counted in the columns ``n<i>`` (numerator) and ``d<i>``
    (denominator), and a weighted one also summed in ``wn<i>`` and ``wd<i>``.
    """
    if not specs:
        raise ValueError("no shares to count")
    populations = [spec.population for spec in specs]
    if len(populations) > 1:
        frame = frame.filter(nw.any_horizontal(*populations, ignore_nulls=False))
    else:
        frame = frame.filter(populations[0])
    keys = BANDED if "band" in frame.collect_schema().names() else GROUP
    wide = frame.group_by(*keys).agg(
        *(
            expr
            for i, spec in enumerate(specs)
            for expr in (
                _count(spec.population & spec.numerator).alias(f"n{i:02d}"),
                _count(spec.population).alias(f"d{i:02d}"),
                *(
                    ()
                    if spec.weight is None
                    else (
                        _sum(spec.weight, spec.population & spec.numerator).alias(f"wn{i:02d}"),
                        _sum(spec.weight, spec.population).alias(f"wd{i:02d}"),
                    )
                ),
            )
        )
    )
    measures = tuple(
        Measure(
            spec.measure,
            spec.form,
            f"n{i:02d}",
            f"d{i:02d}",
            *((f"wn{i:02d}", f"wd{i:02d}") if spec.weight is not None else ()),
        )
        for i, spec in enumerate(specs)
    )
    return Cells(wide, measures)


def _sum(value: nw.Expr, condition: nw.Expr) -> nw.Expr:
    """The sum of ``value`` over the rows where ``condition`` holds (0 for none)."""
    return (
        nw.when(condition).then(value.cast(nw.Float64())).otherwise(nw.lit(0.0, nw.Float64())).sum()
    )


# --- shared building blocks ------------------------------------------------------------

ALL = ~nw.col("year").is_null()  # every row (a column expression, so it aggregates)
VO_DIPLOMAS = ("vmbo", "havo", "vwo")
LOW_INCOME = nw.col("income_vs_minimum") <= nw.lit(1.10, nw.Float32())


def base(panel: Frame) -> Frame:
    """The panel with ``age`` and the working key (``buurt`` "" for none: a null key
    would match nothing in a join)."""
    return panel.with_columns(
        (nw.col("year").cast(nw.Int32()) - nw.col("birth_year").cast(nw.Int32())).alias("age"),
        nw.col("buurt").fill_null("").alias("buurt"),
    )


def _flag(condition: nw.Expr) -> nw.Expr:
    """1 where ``condition`` holds, else 0 (also for null)."""
    return nw.when(condition).then(nw.lit(1, nw.Int32())).otherwise(nw.lit(0, nw.Int32()))


def households(panel: Frame) -> Frame:
    """One row per household per leaf and year, with the flags the household rows need.

    ``child``: a member in position ``kind`` aged under 18; ``eenouder``: household type
    ``eenouder``; ``income``/``ivm``: the household's income and income_vs_minimum (the
    same on every member row; the maximum is taken); ``any_benefit``: a member with any
    benefit (bijstand, ww or ao); ``bijstand_ww``: a member with bijstand or ww.
    """
    return (
        base(panel)
        .group_by(*GROUP, "household")
        .agg(
            _flag((nw.col("household_position") == "kind") & (nw.col("age") < 18))
            .max()
            .alias("child"),
            _flag(nw.col("household_type") == "eenouder").max().alias("eenouder"),
            nw.col("household_income").max().alias("income"),
            nw.col("income_vs_minimum").max().alias("income_vs_minimum"),
            _flag(~nw.col("benefit").is_null()).max().alias("any_benefit"),
            _flag(nw.col("benefit").is_in(["bijstand", "ww"])).max().alias("bijstand_ww"),
        )
    )


def households_of(panel: Frame, kept: Frame | None) -> Frame:
    """``kept`` when given (the households computed once by the engine for every kernel
    that reads them: :meth:`koers.basismonitor.engines.Panel.keep`), else
    :func:`households` of the panel. An engine inlines a lazy frame at each use, so two
    kernels reading :func:`households` aggregate the panel twice."""
    return households(panel) if kept is None else kept


def _select(specs: Sequence[Share], only: Collection[str] | None) -> list[Share]:
    chosen = [s for s in specs if only is None or s.measure in only]
    if only is not None and (unknown := set(only) - {s.measure for s in specs}):
        raise KeyError(f"unknown measures: {', '.join(sorted(unknown))}")
    return chosen
