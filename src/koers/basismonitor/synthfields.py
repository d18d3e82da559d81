"""Synthetic values of the panel columns the plan's definitions added (issue 20, point 3):
``test_advice``, ``advice_revised``, ``mbo_field``, ``education_weight`` (with the gaps of
the education file) and ``income_percentile``.

Why a module of its own
    :mod:`koers.basismonitor.synth` draws every other column from one random stream per
    chunk, in a fixed order; a new draw in that stream would change every column drawn
    after it. These columns are therefore drawn from a *hash* of (seed, person, year,
    purpose) instead (splitmix64, :func:`uniform`): deterministic by seed, independent of
    the chunking and of the order of draws, and the columns that existed before stay
    exactly as they were. Nothing here is calibrated to Tabel 1; the values are chosen to
    be plausible, and are stated in ``docs/basismonitor.md`` ("The synthetic population").

The choices
    - ``test_advice``: the eindtoets indicates the advice itself, one step lower or one step
      higher. On Zuid fewer pupils get an advice above their test result than elsewhere
      (the plan's finding from "Schooladviezen basisonderwijs nader bekeken", seed
      2960-2966): lower 10% and higher 25% on Zuid, 18% and 18% elsewhere.
    - ``advice_revised``: from school year 2014/15 (when schools must reconsider an advice
      below the test's), 40% of the advices below the test's indication are revised to it.
    - ``mbo_field``: a person's field is drawn once and kept; the shares are those of
      Figuur 2 of the plan in 2020/21 (Zuid 46,0% in techniek, haven and zorg, the G4
      41,5%), split as the previous NPRZ targets did (techniek and haven 35 : zorg 15).
    - ``education``/``education_weight``: the education file (HOOGSTEOPLTAB) covers the
      young almost fully and older persons partly, so a person is in it with a chance by
      birth year (1986 and later 97%, 1966-1985 78%, earlier 55%); whoever is not has an
      empty ``education``, and whoever is gets a weight of 1/chance (±10%, as CBS's
      weights vary within a stratum). Being covered does not depend on education, so the
      weighted share is the calibrated one and the unweighted share is biased towards the
      young, as on the real file.
    - ``income_percentile``: the household's income as a multiple of the social minimum,
      placed in a fixed national distribution (log-normal, median 2,2 times the minimum,
      σ 0,5: 110% of the minimum is then the 9th percentile, near CBS's share of
      households up to 110%).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from koers.basismonitor import schema

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

NONE = -1

# purposes of the hash, one per draw
_TEST, _REVISE, _FIELD, _COVERED, _WEIGHT = range(1, 6)

TEST_LOWER = {True: 0.10, False: 0.18}  # by "lives on Zuid": advice above the test
TEST_HIGHER = {True: 0.25, False: 0.18}  # advice below the test
REVISION_FROM = 2015  # school year 2014/15
REVISION_CHANCE = 0.40
# cumulative shares of techniek, haven_logistiek, zorg (the rest: overig)
MBO_SHARES = {True: (0.255, 0.322, 0.46), False: (0.232, 0.277, 0.415)}
COVERAGE = ((1986, 0.97), (1966, 0.78), (0, 0.55))  # (born in or after, chance)
WEIGHT_SPREAD = 0.10
INCOME_MEDIAN, INCOME_SIGMA = 2.2, 0.5


@dataclass(frozen=True)
class Added:
    """The added columns of one year's rows, as codes: a string column as indices into its
    codes (``-1`` none), the weight as float32 (NaN none), the percentile 1-100 (0 none)."""

    test_advice: Ints
    advice_revised: Ints
    mbo_field: Ints
    education: Ints
    education_weight: npt.NDArray[np.float32]
    income_percentile: Ints


def uniform(seed: int, person: Ints, year: int, purpose: int) -> Floats:
    """A uniform draw in [0, 1) per person, fixed by (seed, person, year, purpose)."""
    with np.errstate(over="ignore"):
        x = person.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        x ^= np.uint64((seed * 1_000_003 + year * 101 + purpose) & 0xFFFFFFFFFFFFFFFF)
        for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
            x ^= x >> np.uint64(shift)
            x *= np.uint64(factor)
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _normal_cdf(z: Floats) -> Floats:
    """Φ(z) by Abramowitz and Stegun 7.1.26 (error below 1,5e-7): numpy has no erf."""
    x = np.abs(z) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = 1.0 - poly * np.exp(-x * x)
    result: Floats = 0.5 * (1.0 + np.sign(z) * erf)
    return result


def income_percentile(ratio: Floats) -> Ints:
    """The national percentile group (1-100) of an income ``ratio`` × the social minimum."""
    z = (np.log(np.maximum(ratio, 1e-9)) - np.log(INCOME_MEDIAN)) / INCOME_SIGMA
    found: Ints = np.clip(np.ceil(100 * _normal_cdf(z)), 1, 100).astype(np.int64)
    return found


def coverage_chance(birth_year: Ints) -> Floats:
    """The chance that the education file covers a person born in ``birth_year``."""
    return np.select([birth_year >= born for born, _ in COVERAGE], [c for _, c in COVERAGE])


def covered(seed: int, person: Ints, birth_year: Ints) -> Bools:
    """Whether the education file covers each person: drawn once per person, so a parent
    covered in one year is covered in every year (and so is their children's
    ``parents_education``, which the ingest reads from the parents' ``education``)."""
    return uniform(seed, person, 0, _COVERED) < coverage_chance(birth_year)


def columns(
    seed: int,
    year: int,
    person: Ints,
    birth_year: Ints,
    in_zuid: Bools,
    advice: Ints,
    sector: Ints,
    education: Ints,
    income_ratio: Floats,
) -> Added:
    """The added columns for one year's rows (every argument one value per row).

    ``advice``: index into :data:`schema.ADVICES` (``-1`` none); ``sector``: index into
    :data:`schema.SECTORS`; ``education``: index into :data:`schema.EDUCATION` (``-1``
    none; returned with the gaps of the education file); ``income_ratio``: the household
    income as a multiple of the social minimum (NaN: none).
    """
    top = len(schema.ADVICES) - 1
    has_advice = advice >= 0
    u = uniform(seed, person, year, _TEST)
    lower = np.where(in_zuid, TEST_LOWER[True], TEST_LOWER[False])
    higher = np.where(in_zuid, TEST_HIGHER[True], TEST_HIGHER[False])
    step = np.where(u < lower, -1, np.where(u >= 1 - higher, 1, 0))
    test = np.where(has_advice, np.clip(advice + step, 0, top), NONE)
    revise = (
        has_advice
        & (test > advice)
        & (year >= REVISION_FROM)
        & (uniform(seed, person, year, _REVISE) < REVISION_CHANCE)
    )
    revised = np.where(revise, test, NONE)

    mbo = sector == schema.SECTORS.index("mbo")
    v = uniform(seed, person, 0, _FIELD)
    cuts = np.stack([np.where(in_zuid, a, b) for a, b in zip(*MBO_SHARES.values(), strict=True)])
    field = np.where(mbo, (v[None, :] >= cuts).sum(axis=0), NONE)

    chance = coverage_chance(birth_year)
    known = covered(seed, person, birth_year) & (education >= 0)
    spread = 1 + WEIGHT_SPREAD * (2 * uniform(seed, person, year, _WEIGHT) - 1)
    # a multiple of 1/1024, so that sums of weights are exact in float64 on any engine
    # (DuckDB and Spark add them in different orders)
    weight = np.where(known, np.round(spread / chance * 1024) / 1024, np.nan).astype(np.float32)

    has_income = ~np.isnan(income_ratio)
    percentile = np.where(has_income, income_percentile(np.nan_to_num(income_ratio, nan=1)), 0)
    return Added(
        test_advice=test,
        advice_revised=revised,
        mbo_field=field,
        education=np.where(known, education, NONE),
        education_weight=weight,
        income_percentile=percentile.astype(np.int64),
    )
