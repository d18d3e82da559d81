"""An indicator passport in Dutch words, and sources as citations (pure).

The website's indicator page and the report's source appendix show the same passport
(:func:`passport_facts`): what is counted, the sources as citations, how often, as of when, at
which levels, who delivers and when, and whether a source exists; ``onbekend`` where the plan
does not say. :func:`citation` drops what a reader has no use for from a figure's source: the
line references of the plan text (``(seed:180)``), so ``Uitvoeringsplan 2023-2027, Tabel 1
(seed:180)`` reads ``Uitvoeringsplan 2023-2027, Tabel 1``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from koers import nl
from koers.plan.model import Plan
from koers.plan.passport import UNKNOWN, IndicatorPassport

__all__ = [
    "LEVEL_LABELS",
    "PERIODICITY_LABELS",
    "UNIT_LABELS",
    "citation",
    "deliverers",
    "expected_text",
    "levels_text",
    "passport_facts",
    "source_list",
]

UNIT_LABELS = {
    "percent": "procent",
    "count": "aantal",
    "per_1000": "per 1.000",
    "euro": "euro",
    "index": "index",
    "score": "score",
    "years": "jaren",
    "ratio": "verhouding",
}
PERIODICITY_LABELS = {
    "calendar_year": "kalenderjaar",
    "school_year": "schooljaar",
    "reference_date": "peildatum",
    "irregular": "onregelmatig",
}
LEVEL_LABELS = {
    "country": "land",
    "municipality": "gemeenten",
    "district": "gebieden",
    "wijk": "wijken",
    "buurt": "buurten",
    "group": "groepen",
}

# "(seed:180)", "(seed:1279); tekst seed:1263-1265", "Tabel 2 (seed:1044) en Tabel 6 (seed:2170)"
_LINE_REFERENCE = re.compile(r"\s*\(\s*seed:[\d\s,\-–]+\)|[;,]?\s*(?:tekst\s+)?seed:[\d\s,\-–]+")
_EMPTY_TEXT = re.compile(r"[;,]\s*tekst\s*(?=;|$)")


def citation(source: str) -> str:
    """A figure's source without the plan's line references."""
    text = _LINE_REFERENCE.sub("", source)
    text = _EMPTY_TEXT.sub("", text)
    return re.sub(r"\s{2,}", " ", text).strip(" ;,")


def source_list(sources: Iterable[str]) -> list[str]:
    """Distinct citations of the figures' sources, sorted."""
    return sorted({c for s in sources if s and (c := citation(s))})


def levels_text(plan: Plan, passport: IndicatorPassport) -> str:
    """``land, G4, gemeenten, Zuid``: area kinds in Dutch, areas by name."""
    if not passport.levels:
        return UNKNOWN
    names = {a.id: a.name for a in plan.areas}
    return ", ".join(LEVEL_LABELS.get(level, names.get(level, level)) for level in passport.levels)


def deliverers(plan: Plan, passport: IndicatorPassport, limit: int | None = None) -> str:
    """The partners that deliver, by name; else the publisher; else ``onbekend``. With
    ``limit``, a longer list names that many and counts the rest (``en 12 andere``)."""
    names = {p.id: p.name for p in plan.partners}
    if not passport.partners:
        return passport.publisher or UNKNOWN
    named = [names.get(p, p) for p in passport.partners]
    if limit is not None and len(named) > limit:
        return f"{', '.join(named[:limit])} en {len(named) - limit} andere"
    return ", ".join(named)


def expected_text(passport: IndicatorPassport) -> str:
    """``in maart van het jaar na de periode``; ``onbekend`` where no month is given."""
    if passport.expected_month is None:
        return UNKNOWN
    month = nl.MONTHS[passport.expected_month - 1]
    lag = passport.expected_lag
    if lag == 0:
        return f"in {month} van het jaar zelf"
    if lag == 1:
        return f"in {month} van het jaar na de periode"
    return f"in {month}, {lag} jaar na de periode"


def passport_facts(plan: Plan, passport: IndicatorPassport) -> list[tuple[str, str]]:
    """The passport as (label, text) pairs, in the order a reader asks for them."""
    facts = [("Definitie", passport.definition or UNKNOWN)]
    if passport.numerator:
        facts.append(("Teller", passport.numerator))
    if passport.denominator:
        facts.append(("Noemer", passport.denominator))
    facts.append(("Eenheid", UNIT_LABELS.get(passport.unit.value, passport.unit.value)))
    cited = [_source_text(c.text(), c.column) for c in passport.sources]
    facts.append(("Bron", "; ".join(cited) if cited else UNKNOWN))
    if passport.plan_source:
        facts.append(("Bron volgens het plan", passport.plan_source))
    facts.append(("Frequentie", passport.frequency))
    facts.append(
        ("Periode", PERIODICITY_LABELS.get(passport.periodicity.value, passport.periodicity))
    )
    facts.append(("Peildatum", passport.reference_date or UNKNOWN))
    facts.append(("Gebiedsniveaus", levels_text(plan, passport)))
    facts.append(("Levert", deliverers(plan, passport)))
    facts.append(("Verwacht", expected_text(passport)))
    facts.append(("Staat van de bron", passport.state))
    return facts


def _source_text(text: str, column: str | None) -> str:
    return f"{text} (kolom {column})" if column else text
