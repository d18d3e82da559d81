"""Areas and the values observed for them.

Owns the area graph (countries, cities, districts, wijken, buurten and *groups defined by
their members*, such as the G4, Rotterdam-Zuid, the focuswijken or "Rotterdam without
Zuid"), the :class:`Observation` record, the one resolution of a group into the areas it
covers (:func:`cover`: ``part_of`` honoured, each area once, ``minus`` subtracted; the
Basismonitor's rollup uses it too), and how a group's value is derived from them when it
was not imported:

- counts (``sum``) add up;
- rates (``ratio``) are recomputed from summed numerators and denominators;
- means (``weighted_mean``) are weighted by a declared weight indicator;
- percentages are never averaged without a weight;
- only when every member is covered: otherwise no value, with the missing members named
  (or counted, when more than a few are missing).

A derived value records the areas it came from, or the members that were missing. A
figure may be stored for a breakdown (by partner, age group, ...); :func:`published` forms
the totals that are assessed (:mod:`koers.areas.breakdowns`).
Pure: no I/O.
"""

from koers.areas.breakdowns import CONTRIBUTION, breakdowns_of, published
from koers.areas.consistency import Comparison, compare_with_members, rounding_tolerance
from koers.areas.cover import Cover, cover
from koers.areas.graph import AreaGraph
from koers.areas.values import Observation, Value, ValueLookup, derive_value

__all__ = [
    "CONTRIBUTION",
    "AreaGraph",
    "Comparison",
    "Cover",
    "Observation",
    "Value",
    "ValueLookup",
    "breakdowns_of",
    "compare_with_members",
    "cover",
    "derive_value",
    "published",
    "rounding_tolerance",
]
