"""Person measures of the Basismonitor beyond Tabel 1, counted in the same one pass over
the persons as the Tabel 1 rows (:func:`koers.basismonitor.kernels.tabel1_persons`):
reference levels in rekenen, the school advice against the eindtoets and its revision
(Basismonitor Onderwijs, E4.1 and E4.4), the mbo field of study (E4.5-E4.8) and the register
proxy next to T1.R20.

Each measure's numerator and denominator are written once, in
:data:`koers.basismonitor.definitions.DEFINITIONS` (and from there in
``docs/basismonitor.md``); the expressions here implement them. The row conditions read
the panel with ``age`` (:func:`koers.basismonitor.cells.base`).
"""

from __future__ import annotations

import narwhals as nw

from koers.basismonitor.cells import Frame, Share
from koers.basismonitor.schema import ADVICES

TECHNIEK_HAVEN = ("techniek", "haven_logistiek")
MBO_DIPLOMAS = ("mbo1", "mbo2", "mbo3", "mbo4")
MBO_FIELD_GROUPS = ("techniek_haven", "zorg", "overig")
VS_TEST = ("above", "equal", "below")
SCHOOL_MEASURES = (
    "ref.rekenen.fundamenteel",
    "ref.rekenen.streef",
    *(f"advice.vs_test.{v}" for v in VS_TEST),
    "advice.revised",
)
"""The measures here that describe pupils of a school with a schoolweging (groep 8),
compared per schoolweging band as the Tabel 1 school rows are."""
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "advice.vs_test": tuple(f"advice.vs_test.{v}" for v in VS_TEST),
    "mbo.field": tuple(f"mbo.field.{g}" for g in MBO_FIELD_GROUPS),
    "mbo.diploma_field": tuple(f"mbo.diploma_field.{g}" for g in MBO_FIELD_GROUPS),
}
"""Measures whose numerators share one population and add up to it: the gate declares
that relation and the recovery audit treats them as one family. (This is why there is no
separate "kansrijk" share, E4.9: it is techniek_haven + zorg of the same population, so
next to them it would let a suppressed one be recomputed; it is 100% minus "overig".)"""


def advice_rank(column: str) -> nw.Expr:
    """The position of an advice in :data:`ADVICES` (pro 0 … vwo 5; also 0 for none, so a
    condition that compares ranks must require a known advice)."""
    return nw.sum_horizontal(
        *(
            nw.when(nw.col(column) == advice)
            .then(nw.lit(i, nw.Int32()))
            .otherwise(nw.lit(0, nw.Int32()))
            for i, advice in enumerate(ADVICES)
        )
    )


def prepare(frame: Frame) -> Frame:
    """The persons with the two derived columns the shares below read, each computed once
    per row (a share's condition is evaluated on every row; repeating the advice ranks or
    the field groups in each of them cost more than the counting): ``_vs_test``, the sign
    of advice minus test_advice for groep-8 pupils with both (else null), and
    ``_mbo_group``, the field group of a known mbo_field (else null)."""
    col = nw.col
    tested = (
        (col("sector") == "po")
        & (col("study_year") == 8)
        & ~col("advice").is_null()
        & ~col("test_advice").is_null()
    )
    difference = advice_rank("advice") - advice_rank("test_advice")
    sign = (
        nw.when(difference > 0)
        .then(nw.lit("above"))
        .otherwise(nw.when(difference < 0).then(nw.lit("below")).otherwise(nw.lit("equal")))
    )
    group = (
        nw.when(col("mbo_field").is_in(TECHNIEK_HAVEN))
        .then(nw.lit("techniek_haven"))
        .otherwise(
            nw.when(col("mbo_field") == "zorg").then(nw.lit("zorg")).otherwise(nw.lit("overig"))
        )
    )
    return frame.with_columns(
        nw.when(tested).then(sign).alias("_vs_test"),
        nw.when(~col("mbo_field").is_null()).then(group).alias("_mbo_group"),
    )


def person_shares() -> list[Share]:
    """The shares over :func:`prepare`'s frame."""
    col = nw.col
    groep8 = (col("sector") == "po") & (col("study_year") == 8)
    rekenen = groep8 & ~col("ref_rekenen").is_null()
    advised = groep8 & ~col("advice").is_null()
    tested = ~col("_vs_test").is_null()
    field = col("_mbo_group")
    mbo = (col("sector") == "mbo") & ~field.is_null()
    mbo_diploma = col("diploma").is_in(MBO_DIPLOMAS) & ~field.is_null()
    return [
        Share(
            "ref.rekenen.fundamenteel",
            "school",
            rekenen,
            col("ref_rekenen").is_in(["fundamenteel", "streef"]),
        ),
        Share("ref.rekenen.streef", "school", rekenen, col("ref_rekenen") == "streef"),
        *(Share(f"advice.vs_test.{v}", "school", tested, col("_vs_test") == v) for v in VS_TEST),
        Share("advice.revised", "school", advised, ~col("advice_revised").is_null()),
        *(Share(f"mbo.field.{g}", "school", mbo, field == g) for g in MBO_FIELD_GROUPS),
        *(
            Share(f"mbo.diploma_field.{g}", "school", mbo_diploma, field == g)
            for g in MBO_FIELD_GROUPS
        ),
        Share(
            "work.jobless_benefit",
            "october",
            col("age").is_between(15, 74),
            ~col("employed") & col("benefit").is_in(["ww", "bijstand"]),
        ),
    ]
