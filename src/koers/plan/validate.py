"""Whole-plan checks: duplicate ids, references, and whether each target fits its indicator.

Pure: takes a :class:`~koers.plan.model.Plan` whose items are individually valid and
returns every :class:`Finding`. The loader turns findings into located issues.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from koers.plan.model import (
    LIST_SECTIONS,
    Absolute,
    Aggregation,
    AreaKind,
    Ceiling,
    Direction,
    Indicator,
    IndicatorKind,
    MonitorOnly,
    Plan,
    Polarity,
    ProportionalShare,
    ReachReference,
    Staged,
    Target,
    Unit,
)

RATE_UNITS = {Unit.PERCENT, Unit.PER_1000, Unit.RATIO, Unit.INDEX, Unit.SCORE}


@dataclass(frozen=True)
class Finding:
    section: str  # plan section, or "programme"
    index: int  # position in the merged section list (-1 for the programme)
    field: str  # dotted path inside the item
    message: str


def check_plan(plan: Plan) -> list[Finding]:
    return [
        *_duplicates(plan),
        *_references(plan),
        *_targets(plan),
        *_area_cycles(plan),
        *_money_and_bodies(plan),
        *_mappings(plan),
        *_passports(plan),
        *_agreement_links(plan),
    ]


def _duplicates(plan: Plan) -> Iterator[Finding]:
    for section in LIST_SECTIONS:
        seen: set[str] = set()
        for index, item in enumerate(getattr(plan, section)):
            if item.id in seen:
                yield Finding(section, index, "id", f"duplicate id '{item.id}' in {section}")
            seen.add(item.id)
    for index, pillar in enumerate(plan.pillars):
        for sub in ("ambitions", "lines"):
            counts = Counter(x.id for x in getattr(pillar, sub))
            for pos, x in enumerate(getattr(pillar, sub)):
                if counts[x.id] > 1:
                    yield Finding(
                        "pillars",
                        index,
                        f"{sub}.{pos}.id",
                        f"duplicate id '{x.id}' in {sub} of pillar '{pillar.id}'",
                    )


def _references(plan: Plan) -> Iterator[Finding]:
    areas = {a.id for a in plan.areas}
    uncoded = {a.id for a in plan.areas if a.cbs_code is None}
    pillars = {p.id: p for p in plan.pillars}
    indicators = {i.id for i in plan.indicators}
    interventions = {i.id for i in plan.interventions}
    partners = {p.id for p in plan.partners}

    def missing(
        section: str,
        index: int,
        field: str,
        values: str | list[str] | None,
        known: Collection[str],
        what: str,
    ) -> Iterator[Finding]:
        """A finding per unknown reference; list fields are located per element."""
        pairs = (
            [(field, values)]
            if not isinstance(values, list)
            else [(f"{field}.{pos}", value) for pos, value in enumerate(values)]
        )
        for where, value in pairs:
            if value is not None and value not in known:
                yield Finding(section, index, where, f"unknown {what} '{value}'")

    programme = plan.programme
    if programme is not None:
        yield from missing("programme", -1, "area", programme.area, areas, "area")
        yield from missing("programme", -1, "city", programme.city, areas, "area")
        yield from missing("programme", -1, "focus_area", programme.focus_area, areas, "area")
        if programme.overview is not None:
            overview = programme.overview
            yield from missing(
                "programme", -1, "overview.indicators", overview.indicators, indicators, "indicator"
            )
            for pos, column in enumerate(overview.columns):
                field = f"overview.columns.{pos}"
                yield from missing("programme", -1, f"{field}.area", column.area, areas, "area")
                if column.baseline and programme.start_year is None:
                    yield Finding(
                        "programme", -1, f"{field}.baseline", "a baseline needs 'start_year'"
                    )
        for pos, headline in enumerate(programme.headlines):
            field = f"headlines.{pos}"
            yield from missing(
                "programme", -1, f"{field}.indicators", headline.indicators, indicators, "indicator"
            )
            if headline.overview and programme.overview is None:
                yield Finding("programme", -1, f"{field}.overview", "there is no 'overview'")
        yield from missing(
            "programme", -1, "summary_maps", programme.summary_maps, indicators, "indicator"
        )
    for i, area in enumerate(plan.areas):
        yield from missing("areas", i, "parent", area.parent, areas, "area")
        yield from missing("areas", i, "members", area.members, areas, "area")
        yield from missing("areas", i, "minus", area.minus, areas, "area")
        yield from missing("areas", i, "part_of", area.part_of, areas, "area")
        if area.part_of in uncoded:
            yield Finding(
                "areas", i, "part_of", f"'{area.part_of}' has no cbs_code, so it cannot stand in"
            )
    for i, ind in enumerate(plan.indicators):
        yield from missing("indicators", i, "pillar", ind.pillar, pillars, "pillar")
        yield from missing("indicators", i, "weight", ind.weight, indicators, "indicator")
        yield from missing(
            "indicators", i, "intervention", ind.intervention, interventions, "intervention"
        )
        if ind.ambition is not None and ind.pillar is not None and ind.pillar in pillars:
            known = {a.id for a in pillars[ind.pillar].ambitions}
            yield from missing(
                "indicators",
                i,
                "ambition",
                ind.ambition,
                known,
                f"ambition of pillar '{ind.pillar}'",
            )
        yield from missing("indicators", i, "areas", ind.areas, areas, "area")
        for where, target in target_fields(ind):
            yield from missing("indicators", i, f"{where}.area", target.area, areas, "area")
            if isinstance(target, ReachReference):
                yield from missing(
                    "indicators",
                    i,
                    f"{where}.reference_area",
                    target.reference_area,
                    areas,
                    "area",
                )
            if isinstance(target, Staged):
                for pos, stage in enumerate(target.stages):
                    yield from missing(
                        "indicators",
                        i,
                        f"{where}.stages.{pos}.reference_area",
                        stage.reference_area,
                        areas,
                        "area",
                    )
            if isinstance(target, ProportionalShare):
                yield from missing(
                    "indicators", i, f"{where}.share_of", target.share_of, areas, "area"
                )
    for i, pillar in enumerate(plan.pillars):
        for pos, ambition in enumerate(pillar.ambitions):
            yield from missing(
                "pillars", i, f"ambitions.{pos}.areas", ambition.areas, areas, "area"
            )
    for i, iv in enumerate(plan.interventions):
        yield from missing("interventions", i, "pillar", iv.pillar, pillars, "pillar")
        yield from missing("interventions", i, "partners", iv.partners, partners, "partner")
        yield from missing("interventions", i, "areas", iv.areas, areas, "area")
        if iv.line is not None and iv.pillar in pillars:
            known = {line.id for line in pillars[iv.pillar].lines}
            yield from missing(
                "interventions",
                i,
                "line",
                iv.line,
                known,
                f"intervention line of pillar '{iv.pillar}'",
            )
    for i, ag in enumerate(plan.agreements):
        yield from missing("agreements", i, "pillar", ag.pillar, pillars, "pillar")
        yield from missing("agreements", i, "owners", ag.owners, partners, "partner")
        yield from missing("agreements", i, "partners", ag.partners, partners, "partner")
        yield from missing("agreements", i, "reporters", ag.reporters, partners, "partner")
        yield from missing("agreements", i, "areas", ag.areas, areas, "area")
        yield from missing(
            "agreements", i, "interventions", ag.interventions, interventions, "intervention"
        )
        yield from missing("agreements", i, "indicators", ag.indicators, indicators, "indicator")


def _agreement_links(plan: Plan) -> Iterator[Finding]:
    """Collectives name their reporters; a reporter is one partner, not another collective;
    a pointer points at a commitment; a passage split into items is not an item itself."""
    collective = {p.id for p in plan.partners if p.collective}
    partners = {p.id for p in plan.partners}
    by_id = {a.id: a for a in plan.agreements}
    for i, partner in enumerate(plan.partners):
        for pos, member in enumerate(partner.members):
            if member not in partners:
                yield Finding("partners", i, f"members.{pos}", f"unknown partner '{member}'")
        if partner.members and not partner.collective:
            yield Finding("partners", i, "members", "only a collective has members")
    for i, ag in enumerate(plan.agreements):
        if ag.due not in (None, "doorlopend") and ag.due_kind is None:
            yield Finding(
                "agreements",
                i,
                "due_kind",
                "a 'due' date needs its 'due_kind': uiterlijk, start, niet_voor or jaarlijks",
            )
        owned_by = [o for o in ag.owners if o in collective]
        if owned_by and not ag.reporters:
            yield Finding(
                "agreements",
                i,
                "reporters",
                f"owner '{owned_by[0]}' is a collective: name the partners who report for it",
            )
        if ag.reporters and not owned_by:
            yield Finding(
                "agreements", i, "reporters", "'reporters' is only for an item a collective owns"
            )
        for pos, reporter in enumerate(ag.reporters):
            if reporter in collective:
                yield Finding(
                    "agreements",
                    i,
                    f"reporters.{pos}",
                    f"'{reporter}' is a collective; a reporter is one partner",
                )
        for pos, target in enumerate(ag.same_as):
            other = by_id.get(target)
            if other is None:
                yield Finding("agreements", i, f"same_as.{pos}", f"unknown agreement '{target}'")
            elif not other.is_commitment:
                yield Finding(
                    "agreements",
                    i,
                    f"same_as.{pos}",
                    f"'{target}' is a {other.kind}, not a commitment to refer to",
                )
        if ag.parent is not None and ag.parent in by_id:
            yield Finding(
                "agreements",
                i,
                "parent",
                f"'{ag.parent}' is an item itself; a parent is the passage split into items",
            )


def _money_and_bodies(plan: Plan) -> Iterator[Finding]:
    pillars = {p.id for p in plan.pillars}
    partners = {p.id for p in plan.partners}
    if plan.finance is not None:
        for group in ("tasks", "bureau_budget"):
            for pos, line in enumerate(getattr(plan.finance, group)):
                if line.pillar is not None and line.pillar not in pillars:
                    yield Finding(
                        "finance", -1, f"{group}.{pos}.pillar", f"unknown pillar '{line.pillar}'"
                    )
        for pos, contribution in enumerate(plan.finance.contributions):
            if contribution.partner is not None and contribution.partner not in partners:
                yield Finding(
                    "finance",
                    -1,
                    f"contributions.{pos}.partner",
                    f"unknown partner '{contribution.partner}'",
                )
    if plan.finance is not None and plan.finance.precondition is not None:
        for pos, pillar in enumerate(plan.finance.precondition.pillars):
            if pillar not in pillars:
                yield Finding(
                    "finance", -1, f"precondition.pillars.{pos}", f"unknown pillar '{pillar}'"
                )
    if plan.finance is not None:
        interventions = {i.id for i in plan.interventions}
        seen: set[str] = set()
        for pos, commitment in enumerate(plan.finance.commitments):
            where = f"commitments.{pos}"
            if commitment.id in seen:
                yield Finding("finance", -1, f"{where}.id", f"duplicate id '{commitment.id}'")
            seen.add(commitment.id)
            if commitment.intervention is not None and commitment.intervention not in interventions:
                yield Finding(
                    "finance",
                    -1,
                    f"{where}.intervention",
                    f"unknown intervention '{commitment.intervention}'",
                )
            if commitment.pillar is not None and commitment.pillar not in pillars:
                yield Finding(
                    "finance", -1, f"{where}.pillar", f"unknown pillar '{commitment.pillar}'"
                )
    if plan.governance is not None:
        bodies = {b.id for b in plan.governance.bodies}
        for pos, body in enumerate(plan.governance.bodies):
            if body.pillar is not None and body.pillar not in pillars:
                yield Finding(
                    "governance", -1, f"bodies.{pos}.pillar", f"unknown pillar '{body.pillar}'"
                )
            if body.escalates_to is not None and body.escalates_to not in bodies:
                yield Finding(
                    "governance",
                    -1,
                    f"bodies.{pos}.escalates_to",
                    f"unknown body '{body.escalates_to}'",
                )
        for pos, body_id in enumerate(plan.governance.escalation):
            if body_id not in bodies:
                yield Finding("governance", -1, f"escalation.{pos}", f"unknown body '{body_id}'")


def _mappings(plan: Plan) -> Iterator[Finding]:
    indicators = {i.id for i in plan.indicators}
    areas = {a.id for a in plan.areas}
    crosswalks = {c.id for c in plan.crosswalks}
    for index, mapping in enumerate(plan.mappings):
        if mapping.crosswalk is not None and mapping.crosswalk not in crosswalks:
            yield Finding(
                "mappings", index, "crosswalk", f"unknown crosswalk '{mapping.crosswalk}'"
            )
        columns = Counter(c.column for c in mapping.columns)
        for pos, column in enumerate(mapping.columns):
            if column.indicator not in indicators:
                yield Finding(
                    "mappings",
                    index,
                    f"columns.{pos}.indicator",
                    f"unknown indicator '{column.indicator}'",
                )
            if columns[column.column] > 1:
                yield Finding(
                    "mappings",
                    index,
                    f"columns.{pos}.column",
                    f"column '{column.column}' is mapped more than once",
                )
    for index, crosswalk in enumerate(plan.crosswalks):
        for pos, entry in enumerate(crosswalk.entries):
            if entry.area not in areas:
                yield Finding(
                    "crosswalks", index, f"entries.{pos}.area", f"unknown area '{entry.area}'"
                )
        shares: dict[str, float] = {}
        for entry in crosswalk.entries:
            shares[entry.code] = shares.get(entry.code, 0.0) + entry.weight
        for pos, entry in enumerate(crosswalk.entries):
            if shares[entry.code] > 1 + 1e-9:
                yield Finding(
                    "crosswalks",
                    index,
                    f"entries.{pos}.weight",
                    f"the weights of code '{entry.code}' add up to more than 1",
                )


def _passports(plan: Plan) -> Iterator[Finding]:
    """A passport names a known indicator, known partners and known area levels."""
    indicators = {i.id for i in plan.indicators}
    partners = {p.id for p in plan.partners}
    levels = {k.value for k in AreaKind} | {a.id for a in plan.areas}
    for index, (key, passport) in enumerate(plan.passports.items()):
        if key not in indicators:
            yield Finding("passports", index, "", f"unknown indicator '{key}'")
        delivery = passport.delivery
        for pos, partner in enumerate(delivery.partners if delivery else []):
            if partner not in partners:
                yield Finding(
                    "passports", index, f"delivery.partners.{pos}", f"unknown partner '{partner}'"
                )
        for pos, level in enumerate(passport.levels):
            if level not in levels:
                yield Finding(
                    "passports",
                    index,
                    f"levels.{pos}",
                    f"unknown area level '{level}'; expected an area kind "
                    f"({', '.join(k.value for k in AreaKind)}) or the id of an area",
                )


def _area_cycles(plan: Plan) -> Iterator[Finding]:
    members = {a.id: [*a.members, *a.minus] for a in plan.areas}
    for index, area in enumerate(plan.areas):
        stack, seen = list(members.get(area.id, [])), set()
        while stack:
            current = stack.pop()
            if current == area.id:
                yield Finding("areas", index, "members", f"group '{area.id}' contains itself")
                break
            if current not in seen:
                seen.add(current)
                stack.extend(members.get(current, []))


def _targets(plan: Plan) -> Iterator[Finding]:
    for index, indicator in enumerate(plan.indicators):
        for field, message in target_problems(indicator):
            yield Finding("indicators", index, field, message)


def target_fields(indicator: Indicator) -> list[tuple[str, Target]]:
    """Each target with the field it sits in: ``target``, ``also.0``, ``also.1`` …"""
    return [
        ("target" if pos == 0 else f"also.{pos - 1}", target)
        for pos, target in enumerate(indicator.targets)
    ]


def target_problems(indicator: Indicator) -> Iterator[tuple[str, str]]:
    """Why the indicator's targets (and aggregation) cannot work for this indicator."""
    unit = indicator.unit
    if indicator.aggregation is Aggregation.SUM and unit in RATE_UNITS:
        yield "aggregation", f"a {unit.value} cannot be summed; use 'ratio' or 'weighted_mean'"
    for where, target in target_fields(indicator):
        for field, message in _target_problems(indicator, target):
            yield field.replace("target", where, 1), message


def _target_problems(indicator: Indicator, target: Target) -> Iterator[tuple[str, str]]:
    unit = indicator.unit
    if indicator.kind is IndicatorKind.CONTEXT and not isinstance(target, MonitorOnly):
        yield (
            "target.kind",
            "a context indicator is only monitored; its target must be monitor_only",
        )
    needs_polarity = isinstance(target, ReachReference | Staged | ProportionalShare | Ceiling) or (
        isinstance(target, Direction) and target.direction is None
    )
    if needs_polarity and indicator.polarity is Polarity.NEUTRAL:
        yield "polarity", f"a {target.kind} target needs a polarity (higher or lower is better)"
    if isinstance(target, Direction) and target.direction is not None:
        contrary = {"rise": Polarity.LOWER_IS_BETTER, "fall": Polarity.HIGHER_IS_BETTER}
        if indicator.polarity is contrary[target.direction]:
            yield (
                "target.direction",
                (f"'{target.direction}' contradicts polarity {indicator.polarity.value}"),
            )
    if isinstance(target, Absolute) and target.cumulative and unit in RATE_UNITS:
        yield "target.cumulative", f"a {unit.value} cannot be accumulated over years"
    if isinstance(target, ProportionalShare):
        if target.share_of is None and unit is not Unit.PERCENT:
            yield "unit", "a proportional_share target without 'share_of' needs a percent indicator"
        if target.share_of is not None and unit is not Unit.COUNT:
            yield "unit", "a proportional_share target with 'share_of' needs a count indicator"
    if isinstance(target, Staged) and target.dated and target.baseline_year is not None:
        first = target.stages[0].year
        if first is not None and first <= target.baseline_year:
            yield (
                "target.stages.0.year",
                f"the first stage's year {first} is not after the baseline {target.baseline_year}",
            )
    yield from _years(target)
    if unit is Unit.PERCENT or isinstance(target, ProportionalShare):
        yield from _percent_values(target)


def _years(target: object) -> Iterator[tuple[str, str]]:
    start = getattr(target, "baseline_year", None) or getattr(target, "start_year", None)
    end = getattr(target, "target_year", None)
    if start is not None and end is not None and end <= start:
        yield "target.target_year", f"target year {end} is not after the start year {start}"
    for pos, milestone in enumerate(getattr(target, "milestones", [])):
        if (start is not None and milestone.year < start) or (
            end is not None and milestone.year > end
        ):
            yield (
                f"target.milestones.{pos}.year",
                (f"milestone year {milestone.year} lies outside {start or '…'}-{end or '…'}"),
            )


def _percent_values(target: Target) -> Iterator[tuple[str, str]]:
    fields = ("value", "upper", "baseline_value", "level")
    values = [(f"target.{f}", getattr(target, f, None)) for f in fields]
    values += [
        (f"target.milestones.{pos}.value", m.value)
        for pos, m in enumerate(getattr(target, "milestones", []))
    ]
    for field, value in values:
        if value is not None and not 0 <= value <= 100:
            yield field, f"{value:g} is not a percentage (must be between 0 and 100)"
