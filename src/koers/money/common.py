"""What every part of the money overview shares: the tolerance, the commitment statuses, the
value-for-money signals and the traffic-light class of each status word."""

from __future__ import annotations

BALANCE_BAND = 0.10  # output share and budget share within 10 percentage points: in balans
CENT = 0.005  # amounts closer than this count as equal

STATUSES = ("toegezegd", "voorwaardelijk", "aangevraagd", "onzeker")

IN_BALANCE = "in balans"
SPENT_MORE = "meer uitgegeven dan bereikt"
REACHED_MORE = "meer bereikt dan uitgegeven"
UNDECIDED = "niet te bepalen"

# status words -> traffic-light class of base.html (words are always shown as well)
CSS = {
    "gedekt": "groen",
    "deels onzeker": "oranje",
    "tekort": "rood",
    "geen opgave": "grijs",
    "overschreden": "rood",
    "binnen budget": "groen",
    "nog niets besteed": "grijs",
    IN_BALANCE: "groen",
    REACHED_MORE: "groen",
    SPENT_MORE: "oranje",
    UNDECIDED: "grijs",
    "voorwaarde": "oranje",
    "vervuld": "groen",
}
