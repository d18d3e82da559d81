"""The Dutch words of what report and website both show: statuses, target kinds, indicator
kinds, pillar kinds, and a value with its unit or a dash where there is none."""

from __future__ import annotations

from collections.abc import Mapping

from koers import nl
from koers.assess import STATUS_LABELS, Assessment, Status
from koers.plan.model import Indicator, Unit
from koers.plan.summary import DUE_WORDS, AgreementRow

__all__ = [
    "AGREEMENT_KIND_LABELS",
    "KIND_LABELS",
    "KIND_TITLES",
    "STATUS_LABELS",
    "TARGET_LABELS",
    "breakdown_part",
    "decimals_of",
    "due_text",
    "shown",
    "status_label",
]

BREAKDOWN_WORDS = {
    "partner": "bijdrage van",
    "schoolweging": "schoolwegingband",
    "leeftijd": "leeftijd",
}
"""How a breakdown's dimension reads; another dimension shows as it is stored."""


def breakdown_part(dimension: str, category: str, partners: Mapping[str, str]) -> str:
    """The part a breakdown is, as report and page say it: ``schoolwegingband: 28-30``,
    ``bijdrage van: Woonstad Rotterdam`` (``partners``: names by id)."""
    name = partners.get(category, category) if dimension == "partner" else category
    return f"{BREAKDOWN_WORDS.get(dimension, dimension)}: {name}"


# the kinds of the plan's agreement items, in the words of the register
AGREEMENT_KIND_LABELS = {
    "afspraak": "afspraak",
    "toezegging": "toezegging",
    "wens": "wens (geen afspraak)",
    "uitgangspunt": "uitgangspunt (geen afspraak)",
    "verwijzing": "verwijzing naar een afspraak elders in het plan",
}
KIND_TITLES = {
    "pillar": "Pijlers",
    "aandachtsgebied": "Aandachtsgebieden",
    "thema": "Programmabrede thema's",
}
TARGET_LABELS = {
    "reach_reference": "het niveau van een referentiegebied bereiken",
    "staged": "eerst het niveau van het ene referentiegebied, daarna van het volgende",
    "proportional_share": "naar een proportioneel aandeel",
    "absolute": "een absoluut niveau of totaal",
    "ceiling": "niet slechter dan een grens",
    "direction": "een richting (stijgen of dalen)",
    "monitor_only": "alleen volgen, geen doel",
}
KIND_LABELS = {"effect": "effect", "output": "output (interventie)", "context": "context"}


def status_label(status: str | Status) -> str:
    """``groen`` → ``op koers``."""
    return STATUS_LABELS[Status(status)]


def shown(amount: float | None, unit: str | Unit, decimals: int = 1) -> str:
    """A value in Dutch with its unit; a dash where there is none."""
    return "—" if amount is None else nl.value(amount, Unit(unit), decimals)


def decimals_of(indicator: Indicator, assessment: Assessment) -> int:
    """The decimals to show: the indicator's own, or 1 for a share computed from counts."""
    return indicator.decimals if assessment.unit == indicator.unit.value else 1


def due_text(row: AgreementRow) -> str | None:
    """An agreement's due date as a reader says it: 'uiterlijk 31 maart 2023', 'start in
    2023', 'jaarlijks, 2023-2027', 'doorlopend'; None without a date (the plan's own
    :attr:`~koers.plan.summary.AgreementRow.when` keeps the date as the plan writes it)."""
    if not row.due or row.due == "doorlopend":
        return row.due or None
    return f"{DUE_WORDS.get(row.due_kind, '')} {nl.period(row.due)}".strip()
