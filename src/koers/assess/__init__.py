"""The target engine: trajectories, statuses and their explanations. Pure functions.

Owns what it means to be on course. A target (reach a moving reference, converge to a
proportional share, an absolute level or total, a ceiling, a direction, or only monitor)
yields a :class:`Trajectory` of expected values, and every observation a :class:`Status`
(groen / oranje / rood / grijs), the share of the gap closed where that applies, and one
Dutch sentence a board member understands. No I/O; thresholds come from the plan.
"""

from koers.assess.engine import STATUS_LABELS, Case, Outcome, Status, assess_case
from koers.assess.evaluate import Assessment, ObservationIndex, evaluate
from koers.assess.trajectory import Trajectory

__all__ = [
    "STATUS_LABELS",
    "Assessment",
    "Case",
    "ObservationIndex",
    "Outcome",
    "Status",
    "Trajectory",
    "assess_case",
    "evaluate",
]
