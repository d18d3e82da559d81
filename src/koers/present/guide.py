"""The reading guide (*leeswijzer*) of Deel II and of the website's ``/leeswijzer``: how a
status is decided, what grey means, what a (moving) reference is, which periods figures have.

One source of truth: the rules are stated from what the engine uses — the plan's
:class:`~koers.plan.base.StatusRules` (the margins, as the plan sets them), the words of
:data:`~koers.assess.STATUS_LABELS`, the reference areas the plan's targets name — so the
guide changes when a plan changes its margins, and never says what the engine does not do.
The shape of the rule itself (on schedule; behind within the margin or improving; behind
beyond it) is that of :func:`koers.assess.judge`. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from koers import nl
from koers.assess import STATUS_LABELS, Status
from koers.plan.model import Plan, ReachReference, Staged, Unit

__all__ = ["GuideSection", "ReadingGuide", "StatusRule", "reading_guide"]


@dataclass(frozen=True)
class StatusRule:
    status: str  # groen, oranje, rood, grijs
    label: str  # the word beside the colour: op koers, aandacht, achter, geen oordeel
    rule: str  # when the engine gives it


@dataclass(frozen=True)
class GuideSection:
    anchor: str
    title: str
    paragraphs: tuple[str, ...]
    items: tuple[str, ...] = ()  # a list after the paragraphs


@dataclass(frozen=True)
class ReadingGuide:
    intro: str
    statuses: tuple[StatusRule, ...]
    sections: tuple[GuideSection, ...]


def _references(plan: Plan) -> list[str]:
    """The names of the areas the plan's targets compare with, in the order they occur."""
    names = {a.id: a.name for a in plan.areas}
    found: list[str] = []
    for indicator in plan.indicators:
        for target in indicator.targets:
            if isinstance(target, ReachReference):
                found.append(target.reference_area)
            elif isinstance(target, Staged):
                found.extend(stage.reference_area for stage in target.stages)
    return list(dict.fromkeys(names.get(a, a) for a in found))


def _milestone(plan: Plan) -> str:
    """The plan's first milestone on the way to a reference, as an example in words."""
    for indicator in plan.indicators:
        for target in indicator.targets:
            if isinstance(target, ReachReference):
                for m in target.milestones:
                    if m.gap_closed is not None:
                        return (
                            f" (in dit plan bijvoorbeeld {nl.share(m.gap_closed)} ingelopen in "
                            f"{m.year}, {m.year - target.baseline_year} jaar na de nulmeting)"
                        )
    return ""


def reading_guide(plan: Plan) -> ReadingGuide:
    """The reading guide of ``plan``, with its own margins and reference areas."""
    rules = plan.programme.status_rules
    gap, relative = nl.percentage(rules.gap_tolerance), nl.percentage(rules.relative_tolerance)
    stable = nl.percentage(rules.stable_band)
    names = {a.id: a.name for a in plan.areas}
    area = names.get(plan.programme.area, plan.programme.area)
    own = sum(1 for i in plan.indicators for t in i.targets if t.tolerance is not None)
    label = {status: STATUS_LABELS[status] for status in Status}
    statuses = (
        StatusRule(
            Status.GROEN.value,
            label[Status.GROEN],
            "Het cijfer ligt op of voor het schema: de weg die het plan uitzet van de nulmeting "
            "naar het doel. Bij een doel als „meer dan …” is precies het niveau nog niet genoeg.",
        ),
        StatusRule(
            Status.ORANJE.value,
            label[Status.ORANJE],
            "Het cijfer ligt achter op het schema, maar niet meer dan de marge; of het ligt "
            "verder achter, maar is beter dan het vorige cijfer. De zin bij het cijfer zegt "
            "welke van de twee: „binnen de marge van …” of „…, maar … beter dan vorig jaar”.",
        ),
        StatusRule(
            Status.ROOD.value,
            label[Status.ROOD],
            "Het cijfer ligt meer dan de marge achter op het schema en is niet beter dan het "
            "vorige cijfer. De zin noemt de marge en het vorige cijfer.",
        ),
        StatusRule(
            Status.GRIJS.value,
            label[Status.GRIJS],
            "Er is geen oordeel mogelijk. Grijs is geen slecht nieuws; de zin zegt steeds "
            "waarom er geen oordeel is.",
        ),
    )
    margins = GuideSection(
        "marges",
        "De marges",
        (
            "Hoe ver een cijfer achter mag liggen en toch oranje is, staat in het plan. Dit plan "
            "gebruikt deze marges:",
        ),
        (
            f"Bij een doel om het niveau van een referentie te bereiken of naar een "
            f"proportioneel aandeel te gaan: {gap} van de achterstand bij de nulmeting. Lag "
            f"{area} bijvoorbeeld 4 procentpunt achter, dan is de marge "
            f"{nl.difference(4 * rules.gap_tolerance, Unit.PERCENT, 1)}.",
            f"Bij een absoluut doel (een aantal of een percentage), een plafond en een "
            f"minimaal aandeel: {relative} van de waarde op schema (bij een plafond: van het "
            f"plafond). Op schema 1.000 betekent een marge van "
            f"{nl.number(1000 * rules.relative_tolerance)}.",
            f"Bij een doel dat een richting geeft (stijgen of dalen) of een plafond: een "
            f"verandering van minder dan {stable} telt als gelijk gebleven.",
        )
        + (
            (
                f"{nl.count(own, 'doel heeft', 'doelen hebben')} in het plan een eigen marge; "
                f"de zin bij het cijfer noemt die.",
            )
            if own
            else ()
        ),
    )
    grey = GuideSection(
        "grijs",
        "Wanneer grijs",
        ("Een indicator is grijs, „geen oordeel”, als:",),
        (
            "er nog geen cijfers zijn ingelezen, of geen cijfer voor het jaar van de rapportage;",
            "het cijfer de nulmeting zelf is, of van vóór de nulmeting: voortgang is daaraan "
            "nog niet af te meten;",
            "het plan geen doel geeft, of de indicator alleen volgt (contextindicatoren);",
            "het plan het doel in woorden noemt maar zonder getal;",
            "er geen cijfer is van de referentie of van de nulmeting om mee te vergelijken;",
            "een cijfer voor een groep gebieden niet te berekenen is omdat een deel ontbreekt: "
            "het aandeel van een deel van de wijken is niet het aandeel van het geheel.",
        ),
    )
    references = _references(plan)
    reference = GuideSection(
        "referentie",
        "Referentie en bewegende referentie",
        (
            f"Veel doelen vergelijken {area} met een ander gebied, de referentie"
            + (f" (in dit plan: {nl.listing(references)})" if references else "")
            + ". De achterstand is het verschil met de referentie. Het schema laat die "
            "achterstand in gelijke stappen inlopen, van de nulmeting tot het doeljaar, via "
            f"de tussendoelen van het plan{_milestone(plan)}.",
            "De referentie beweegt: verbetert de referentie zelf, dan moet "
            f"{area} meer verbeteren om de achterstand in te lopen. Daarom kan een cijfer "
            "beter worden en de achterstand toch groeien. Is er voor het jaar nog geen cijfer "
            "van de referentie, dan telt het laatste eerdere cijfer en zegt de zin van welk jaar.",
            f"Lag {area} bij de nulmeting niet achter, dan is het op koers zolang het niet "
            f"achter raakt; tot {relative} van het niveau van de referentie is het oranje.",
            "Bij een doel in treden (eerst het niveau van het ene gebied, daarna van het "
            "volgende) telt de eerste trede die nog niet is bereikt: groen als de achterstand "
            f"daarop kleiner wordt, oranje als die minder dan {stable} verandert, rood als die "
            "groeit.",
        ),
    )
    kinds = GuideSection(
        "doelen",
        "Andere doelen",
        (),
        (
            "Proportioneel aandeel: het aandeel van het gebied in een stedelijk totaal moet "
            "naar het aandeel dat bij de bevolking past, of ten minste dat aandeel halen. Bij "
            "een bandbreedte telt de ondergrens.",
            "Absoluut doel: een aantal of percentage per jaar of in een doeljaar; de zin zegt "
            "hoeveel procent van de waarde op schema is gehaald. Bij een totaal over de jaren "
            "(cumulatief) telt alleen het totaal, niet de verbetering op het jaar ervoor.",
            "Plafond: het cijfer mag niet slechter worden dan een grens of dan het niveau van "
            "een eerder jaar.",
            "Richting: het cijfer moet stijgen of dalen; gestegen of gedaald in de goede "
            "richting is groen, in de verkeerde rood.",
        ),
    )
    periods = GuideSection(
        "perioden",
        "Perioden",
        (
            "Cijfers gelden voor een kalenderjaar (2022), een schooljaar (2021/2022) of een "
            "peildatum (1 oktober 2020), zoals de bron ze geeft. De rapportage over een jaar "
            "gebruikt het laatste cijfer tot en met dat jaar; een schooljaar telt voor het jaar "
            "waarin het eindigt. Daarom kan het cijfer in een rapportage ouder zijn dan het "
            "jaar erop: de zin en de tabel noemen steeds de periode van het cijfer.",
            "„Vorig jaar” in een zin is het jaar vóór het cijfer; ligt het vorige cijfer verder "
            "terug, dan noemt de zin dat jaar.",
        ),
    )
    return ReadingGuide(
        intro=(
            "Elke indicator met een doel krijgt een kleur en een zin die zegt waarom. De kleur "
            "volgt uit één regel voor alle doelen: ligt het cijfer op schema, binnen de marge, "
            "of daarbuiten, en is het beter dan het vorige cijfer? Hoger of lager is beter "
            "volgens de indicator. De kleur staat er altijd ook in woorden bij."
        ),
        statuses=statuses,
        sections=(margins, grey, reference, kinds, periods),
    )
