"""Status of one indicator in one area and year, against its target. Pure functions.

Each target kind has one function that turns a :class:`Case` (the indicator, its target,
the observed series of the area and of its reference, the year to judge) into an
:class:`Outcome`: the expected value on the trajectory, the status and a one-sentence Dutch
explanation. The rule for the status is the same everywhere:

- ``groen``: on or ahead of the trajectory;
- ``oranje``: behind, but within the tolerance or improving since the previous observation;
- ``rood``: behind beyond the tolerance and not improving;
- ``grijs``: no data, no baseline, or no number in the plan to compare with.

"Ahead" always follows the indicator's polarity. Tolerances come from the plan's
:class:`~koers.plan.model.StatusRules`, overridable per target. A ``strict`` target ("meer
dan de helft") is not on course at exactly its level; a target's ``condition`` ("mits …")
ends every explanation of its status. An indicator whose source the plan says is still
being built (its passport's ``in ontwikkeling``) says so where it has no figure.
"""

from __future__ import annotations

from dataclasses import replace

from koers import nl
from koers.assess.case import STATUS_LABELS, Case, Outcome, Status, judge, sign, why
from koers.assess.trajectory import Trajectory
from koers.plan.model import (
    Absolute,
    Ceiling,
    Direction,
    MonitorOnly,
    ProportionalShare,
    ReachReference,
    Staged,
)

__all__ = ["STATUS_LABELS", "Case", "Outcome", "Status", "assess_case", "judge", "sign"]


def assess_case(case: Case) -> Outcome:
    """Dispatch on the target kind; every path returns an explained outcome, which ends with
    the target's condition where the plan attaches one."""
    outcome = _assess(case)
    condition = case.target.condition if case.target is not None else None
    if condition:
        text = f"{outcome.explanation} Voorwaarde in het plan: {condition.rstrip('.')}."
        outcome = replace(outcome, explanation=text)
    return outcome


def _assess(case: Case) -> Outcome:
    value, target = case.value, case.target
    if value is None:
        return Outcome(Status.GRIJS, _no_value(case))
    baseline = getattr(target, "baseline_year", None)
    # A figure of the baseline year is the baseline itself, unless the plan intended a
    # value for that year (a milestone): then it is judged against that value.
    intended = target is not None and any(m.year == case.year for m in target.milestones)
    if (
        baseline is not None
        and case.year <= baseline
        and not intended
        and not isinstance(target, Absolute)
    ):
        when = "de nulmeting" if case.year == baseline else f"van vóór de nulmeting ({baseline})"
        return Outcome(
            Status.GRIJS,
            f"{case.area_name} {case.fmt(value)} {case.when(case.year)} is {when}; "
            f"voortgang is daaraan nog niet af te meten.",
        )
    if target is None or isinstance(target, MonitorOnly):
        return _monitor(
            case, value, "geen doel in het plan" if target is None else "alleen gevolgd"
        )
    if isinstance(target, ReachReference):
        return _reach_reference(case, target, value)
    if isinstance(target, Staged):
        return _staged(case, target, value)
    if isinstance(target, ProportionalShare):
        if target.mode == "at_least":
            return _share_at_least(case, target, value)
        return _share_converge(case, target, value)
    if isinstance(target, Absolute):
        return _absolute(case, target, value)
    if isinstance(target, Ceiling):
        return _ceiling(case, target, value)
    return _direction(case, target, value)


def _no_value(case: Case) -> str:
    """Why there is no status: no figures at all, or none for this year, and what the plan
    itself lacks."""
    if case.developing:
        text = f"{case.area_name}: nog geen gegevens; de indicator is nog in ontwikkeling."
    elif not case.series:
        text = f"{case.area_name}: nog geen gegevens ingelezen."
    else:
        observed = case.series.get(case.year)
        reason = observed.reason if observed and observed.reason else "geen gegevens"
        text = f"{case.area_name}, {case.label(case.year)}: {reason}."
    if case.target is None:
        text += " Het plan geeft geen doel."
    elif isinstance(case.target, Absolute) and case.target.value is None:
        text += " Het plan noemt geen streefwaarde."
    elif (
        isinstance(t := case.target, ProportionalShare)
        and t.mode == "converge"
        and t.reference_share is None
    ):
        text += " Het plan noemt het proportionele aandeel niet als getal."
    return text


def _monitor(case: Case, value: float, why: str) -> Outcome:
    text = f"{case.area_name} {case.fmt(value)} {case.when(case.year)}"
    previous = case.previous()
    if previous:
        text += f" ({case.label(previous[0])}: {case.fmt(previous[1])})"
    return Outcome(Status.GRIJS, f"{text}; {why}.")


def _reach_reference(case: Case, target: ReachReference, value: float) -> Outcome:
    s, name, ref_name = sign(case.indicator), case.area_name, case.reference_name or "referentie"
    reference = case.reference_at(case.year)
    if reference is None:
        return Outcome(Status.GRIJS, f"{name} {case.fmt(value)}; geen waarde voor {ref_name}.")
    ref_year, ref_value = reference
    ref_label = ref_name if ref_year == case.year else f"{ref_name} ({ref_year})"
    base_value = case.at(target.baseline_year)
    base_ref = (case.reference or {}).get(target.baseline_year)
    if base_value is None or base_ref is None or base_ref.value is None:
        return Outcome(
            Status.GRIJS,
            f"{name} {case.fmt(value)} tegen {ref_label} {case.fmt(ref_value)}; "
            f"geen nulmeting ({target.baseline_year}) om de achterstand aan af te meten.",
            reference=ref_value,
        )
    gap0 = s * (base_ref.value - base_value)  # > 0: behind the reference at baseline
    gap_now = s * (ref_value - value)
    head = f"{name} {case.fmt(value)} tegen {ref_label} {case.fmt(ref_value)}"
    if gap0 <= 0:
        behind = gap_now
        fraction = case.tolerance(case.rules.relative_tolerance)
        tolerance = fraction * abs(ref_value)
        status = judge(behind, tolerance, improving=False)
        where = "niet meer achter" if behind <= 0 else f"{case.fmt_gap(behind)} achter"
        margin = case.margin(fraction, tolerance, f"het niveau van {ref_name}")
        return Outcome(
            status,
            f"{head}: bij de nulmeting ({target.baseline_year}) lag {name} niet achter, "
            f"nu {where}{why(status, behind, tolerance, margin=margin, improvement=False)}.",
            expected=ref_value,
            reference=ref_value,
        )
    path = Trajectory.through(
        (target.baseline_year, 0.0),
        *((m.year, m.gap_closed) for m in target.milestones if m.gap_closed is not None),
        (target.target_year, 1.0),
    )
    planned = path.at(case.year) or 0.0
    closed = 1 - gap_now / gap0
    expected = ref_value - s * gap0 * (1 - planned)
    previous = case.previous()
    gap_then: float | None = None
    if previous is not None:
        prev_ref = case.reference_at(previous[0])
        if prev_ref is not None:
            gap_then = s * (prev_ref[1] - previous[1])
    improving = gap_then is not None and gap_then > gap_now
    fraction = case.tolerance(case.rules.gap_tolerance)
    behind, tolerance = s * (expected - value), fraction * gap0
    status = judge(behind, tolerance, improving)
    if gap_now <= 0:
        story = f"geen achterstand meer (in {target.baseline_year} nog {case.fmt_gap(gap0)})."
    else:
        verb = "slonk" if gap_now < gap0 else ("groeide" if gap_now > gap0 else "bleef")
        then = None
        if previous is not None and gap_then is not None:
            then = (
                "bij de nulmeting"  # its gap is in the sentence already
                if previous[0] == target.baseline_year
                else f"{case.since(previous[0])} (achterstand {case.fmt_gap(gap_then)})"
            )
        reason = why(
            status,
            behind,
            tolerance,
            margin=case.margin(fraction, tolerance, f"de achterstand in {target.baseline_year}"),
            progress=(
                f"de achterstand is {case.fmt_gap(gap_then - gap_now)} kleiner dan "
                f"{case.since(previous[0])}"
                if improving and previous is not None and gap_then is not None
                else None
            ),
            previous=then,
        )
        # "bleef 6,0 procentpunt", not "bleef van 6,0 naar 6,0"
        span = case.fmt_gap(gap_now) if verb == "bleef" else f"van {case.fmt_span(gap0, gap_now)}"
        story = (
            f"de achterstand {verb} {span}, "
            f"{nl.share(closed)} ingelopen waar {nl.share(planned)} op schema was{reason}."
        )
    # with a moving reference, the expected value is known only where the reference is
    expected_by_year = {
        y: v.value - s * gap0 * (1 - (path.at(y) or 0.0))
        for y, v in sorted((case.reference or {}).items())
        if v.value is not None and path.start <= y <= path.end
    }
    return Outcome(
        status,
        f"{head}: {story}",
        expected=expected,
        reference=ref_value,
        gap_closed=closed,
        expected_gap_closed=planned,
        trajectory=expected_by_year,
    )


def _share_converge(case: Case, target: ProportionalShare, value: float) -> Outcome:
    assert target.baseline_year is not None and target.target_year is not None
    if target.reference_share is None:
        return Outcome(
            Status.GRIJS,
            f"{case.area_name} {case.fmt(value)} van het totaal in {case.year}; het plan "
            f"noemt het proportionele aandeel niet als getal.",
        )
    s, name, goal = sign(case.indicator), case.area_name, target.reference_share
    base = case.at(target.baseline_year)
    milestone_base = [
        m.value for m in target.milestones if m.year == target.baseline_year and m.value is not None
    ]
    base = base if base is not None else (milestone_base[0] if milestone_base else None)
    head = f"{name} {case.fmt(value)} van het totaal"
    if base is None:
        return Outcome(
            Status.GRIJS, f"{head}; geen nulmeting ({target.baseline_year}).", reference=goal
        )
    gap0 = s * (goal - base)
    # The path runs from the baseline through the later milestones; a value the plan intended
    # for the baseline year itself (the previous period's aim) judges that year only.
    knots = [(target.baseline_year, base)]
    for m in (m for m in target.milestones if m.year != target.baseline_year):
        if m.value is not None:
            knots.append((m.year, m.value))
        elif m.gap_closed is not None:
            knots.append((m.year, base + m.gap_closed * (goal - base)))
    path = Trajectory.through(*knots, (target.target_year, goal))
    intended = milestone_base[0] if milestone_base and milestone_base[0] != base else None
    by_intent = intended is not None and case.year == target.baseline_year
    expected = intended if by_intent else path.at(case.year)
    planned_path = {
        y: v for y, v in path.values().items() if intended is None or y != target.baseline_year
    }
    if expected is None:
        return Outcome(Status.GRIJS, f"{head}; het doel loopt vanaf {target.baseline_year}.")
    toward = f"{case.fmt(goal)} in {target.target_year}"
    intro = (  # for the baseline year the chart's path starts at the measurement: say so
        f"{head}, beoogd voor {case.year} was {case.fmt(expected)} (vanaf deze nulmeting loopt "
        f"het pad naar {toward})"
        if by_intent
        else f"{head}, beoogd {case.fmt(expected)} op weg naar {toward}"
    )
    behind = s * (expected - value)
    if gap0 <= 0:
        fraction = case.tolerance(case.rules.relative_tolerance)
        tolerance, short = fraction * abs(goal), s * (goal - value)
        status = judge(short, tolerance, False)
        margin = case.margin(fraction, tolerance, case.fmt(goal))
        return Outcome(
            status,
            f"{intro}: bij de nulmeting was het aandeel al proportioneel"
            f"{why(status, short, tolerance, margin=margin, improvement=False)}.",
            expected=goal,
            reference=goal,
        )
    if case.year == target.baseline_year:
        # judged against the value the plan intended for its baseline year: no path yet
        side = ("boven" if s < 0 else "onder") if behind > 0 else ("onder" if s < 0 else "boven")
        fraction = case.tolerance(case.rules.gap_tolerance)
        tolerance = fraction * gap0
        status = judge(behind, tolerance, False)
        margin = case.margin(fraction, tolerance, f"de afstand in {target.baseline_year}")
        return Outcome(
            status,
            f"{intro}: {case.fmt_gap(abs(value - expected))} {side} het beoogde aandeel"
            f"{why(status, behind, tolerance, margin=margin, improvement=False)}.",
            expected=expected,
            reference=goal,
            trajectory=planned_path,
        )
    closed = 1 - s * (goal - value) / gap0
    planned = 1 - s * (goal - expected) / gap0
    previous = case.previous()
    improving = previous is not None and s * (value - previous[1]) > 0
    fraction = case.tolerance(case.rules.gap_tolerance)
    tolerance = fraction * gap0
    status = judge(behind, tolerance, improving)
    reason = why(
        status,
        behind,
        tolerance,
        margin=case.margin(fraction, tolerance, f"de afstand in {target.baseline_year}"),
        progress=case.better(value, previous),
        previous=case.earlier(previous),
    )
    return Outcome(
        status,
        f"{intro}: {nl.share(closed)} van de afstand ingelopen waar {nl.share(planned)} "
        f"op schema was{reason}.",
        expected=expected,
        reference=goal,
        gap_closed=closed,
        expected_gap_closed=planned,
        trajectory=planned_path,
    )


def _share_at_least(case: Case, target: ProportionalShare, value: float) -> Outcome:
    low = target.band[0] if target.band else target.reference_share
    assert low is not None
    wanted = (
        f"{nl.number(target.band[0], case.indicator.decimals)}-{case.fmt(target.band[1])}"
        if target.band
        else f"{'meer dan' if case.strict else 'minimaal'} {case.fmt(low)}"
    )
    previous = case.previous()
    improving = previous is not None and value > previous[1]
    fraction = case.tolerance(case.rules.relative_tolerance)
    tolerance = fraction * low
    status = judge(low - value, tolerance, improving, case.strict)
    if status is Status.GROEN:
        verdict = "boven de bandbreedte" if target.band and value > target.band[1] else "voldoende"
    elif abs(low - value) <= 1e-9:
        verdict = "precies gelijk, het plan vraagt meer"
    else:
        verdict = f"{case.fmt_gap(low - value)} te weinig"
    verdict += why(
        status,
        low - value,
        tolerance,
        margin=case.margin(fraction, tolerance, case.fmt(low)),
        progress=case.better(value, previous, direction=1),
        previous=case.earlier(previous),
    )
    return Outcome(
        status,
        f"{case.area_name} {case.fmt(value)} van het totaal, proportioneel is {wanted}: {verdict}.",
        expected=low,
        reference=target.reference_share or low,
    )


def _absolute(case: Case, target: Absolute, value: float) -> Outcome:
    name = case.area_name
    if target.value is None:
        return Outcome(
            Status.GRIJS,
            f"{name} {case.fmt(value)} in {case.year}; het plan noemt geen streefwaarde.",
        )
    s = sign(case.indicator)
    missing: list[int] = []
    knots: list[tuple[int, float]] = []
    if target.cumulative:
        assert target.start_year is not None
        years = range(target.start_year, case.year + 1)
        missing = [y for y in years if case.at(y) is None]
        value = sum(case.at(y) or 0.0 for y in years)
        knots.append((target.start_year - 1, 0.0))
    elif target.baseline_year is not None and target.baseline_value is not None:
        knots.append((target.baseline_year, target.baseline_value))
    elif target.start_year is not None:
        knots.append((target.start_year, target.value))
    knots += [(m.year, m.value) for m in target.milestones if m.value is not None]
    # without any year the level holds for every year ("minimaal 600 per jaar")
    end = target.target_year or (max(y for y, _ in knots) if knots else case.year)
    path = Trajectory.through(*knots, (end, target.value))
    expected = path.at(case.year)
    total = "cumulatief " if target.cumulative else ""
    head = f"{name} {total}{case.fmt(value)} {case.when(case.year)}"
    if target.cumulative and missing:
        head += f" (zonder gegevens over {', '.join(map(str, missing))})"
    if expected is None:
        return Outcome(Status.GRIJS, f"{head}; het doel geldt vanaf {path.start}.")
    goal = (
        f"{case.fmt(target.value)}-{case.fmt(target.upper)}"
        if target.upper is not None
        else case.fmt(target.value)
    )
    if case.strict:
        goal = f"{'meer' if s > 0 else 'minder'} dan {goal}"
    by = f" in {target.target_year}" if target.target_year else " per jaar"
    previous = case.previous()
    improving = not target.cumulative and previous is not None and s * (value - previous[1]) > 0
    behind = s * (expected - value)
    fraction = case.tolerance(case.rules.relative_tolerance)
    tolerance = fraction * abs(expected)
    status = judge(behind, tolerance, improving, case.strict)
    if status is Status.GROEN:
        verdict = "op schema"
    elif abs(behind) <= 1e-9:
        verdict = "precies gelijk, het plan vraagt " + ("meer" if s > 0 else "minder")
    else:
        verdict = f"{case.fmt_gap(behind)} {'te weinig' if s > 0 else 'te veel'}"
        if s > 0 and expected > 0:  # how far along the schedule
            verdict += f" ({nl.share(value / expected)} van wat op schema was)"
    verdict += why(
        status,
        behind,
        tolerance,
        margin=case.margin(fraction, tolerance, "de waarde op schema"),
        progress=None if target.cumulative else case.better(value, previous, words=True),
        previous=case.earlier(previous),
        improvement=not target.cumulative,
    )
    return Outcome(
        status,
        f"{head}, op schema was {case.fmt(expected)} (doel {goal}{by}): {verdict}.",
        expected=expected,
        reference=target.value,
        trajectory=path.values(),
    )


def _ceiling(case: Case, target: Ceiling, value: float) -> Outcome:
    s = sign(case.indicator, neutral=-1)
    name = case.area_name
    if target.level is not None:
        level, source = target.level, "het plafond"
    elif target.baseline_year is not None and (base := case.at(target.baseline_year)) is not None:
        level, source = base, f"het niveau van {case.label(target.baseline_year)}"
    elif (previous := case.previous()) is not None:
        level, source = previous[1], f"het niveau van {case.label(previous[0])}"
    else:
        return Outcome(
            Status.GRIJS, f"{name} {case.fmt(value)}; geen eerder niveau om mee te vergelijken."
        )
    assert level is not None
    excess = s * (level - value)  # > 0: worse than the level
    band = case.rules.stable_band * abs(level)
    fraction = case.tolerance(case.rules.relative_tolerance)
    tolerance = fraction * abs(level)
    if case.strict:  # "lager dan": the level itself is not yet on course, no stable band
        status = judge(excess, tolerance, improving=False, strict=True)
    else:
        status = Status.GROEN if excess <= band else judge(excess, tolerance, improving=False)
    side = "boven" if s < 0 else "onder"
    if status is Status.GROEN:
        verdict = "niet verslechterd"
        if excess > 1e-9:  # worse, but by less than what counts as a change
            verdict += (
                f" ({case.fmt_gap(excess)} {side}, minder dan "
                f"{nl.percentage(case.rules.stable_band)} verschil)"
            )
    elif abs(excess) <= 1e-9:
        verdict = "precies gelijk, het plan vraagt " + ("lager" if s < 0 else "hoger")
    else:
        verdict = f"{case.fmt_gap(excess)} {side}"
    verdict += why(
        status,
        excess,
        tolerance,
        margin=case.margin(fraction, tolerance, source),
        improvement=False,
    )
    return Outcome(
        status,
        f"{name} {case.fmt(value)} {case.when(case.year)} tegen {source} ({case.fmt(level)}): "
        f"{verdict}.",
        expected=level,
        reference=level,
    )


def _direction(case: Case, target: Direction, value: float) -> Outcome:
    wanted = target.direction or ("rise" if sign(case.indicator) > 0 else "fall")
    if target.baseline_year is not None and case.at(target.baseline_year) is not None:
        since, before = target.baseline_year, case.at(target.baseline_year)
    elif (previous := case.previous()) is not None:
        since, before = previous
    else:
        return Outcome(
            Status.GRIJS,
            f"{case.area_name} {case.fmt(value)}; geen eerdere meting om mee te vergelijken.",
        )
    assert before is not None
    change = value - before
    goal = "stijging" if wanted == "rise" else "daling"
    head = (
        f"{case.area_name} {case.fmt(value)} {case.when(case.year)} tegen {case.fmt(before)} "
        f"{case.when(since)}"
    )
    if abs(change) <= case.rules.stable_band * abs(before):
        stable = nl.percentage(case.rules.stable_band)
        return Outcome(
            Status.ORANJE,
            f"{head}: gelijk gebleven (minder dan {stable} veranderd), doel is {goal}.",
            expected=before,
        )
    good = (change > 0) == (wanted == "rise")
    moved = "gestegen" if change > 0 else "gedaald"
    return Outcome(
        Status.GROEN if good else Status.ROOD,
        f"{head}: {moved} met {case.fmt_gap(abs(change))}, doel is {goal}.",
        expected=before,
    )


def _staged(case: Case, target: Staged, value: float) -> Outcome:
    """First one reference, then the next: with years each rung is a reach_reference from
    the previous rung's year; without, the first rung not yet reached is judged by whether
    the gap to it narrows (since ``baseline_year``, else the previous observation)."""
    names = [
        case.references.get(r.reference_area, (r.reference_area, {}))[0] for r in target.stages
    ]
    n = len(target.stages)
    if target.dated:
        pos = next((i for i, r in enumerate(target.stages) if case.year <= (r.year or 0)), n - 1)
        rung = target.stages[pos]
        start = target.baseline_year if pos == 0 else target.stages[pos - 1].year
        assert start is not None and rung.year is not None
        step = ReachReference(
            reference_area=rung.reference_area,
            baseline_year=start,
            target_year=rung.year,
            tolerance=target.tolerance,
        )
        series = case.references.get(rung.reference_area, (names[pos], {}))[1]
        inner = _reach_reference(
            replace(case, target=step, reference_name=names[pos], reference=series), step, value
        )
        before = f", na {names[pos - 1]} in {start}" if pos else ""
        return replace(
            inner,
            explanation=f"Trede {pos + 1} van {n} ({names[pos]} in {rung.year}{before}): "
            f"{inner.explanation}",
            reference_area=rung.reference_area,
        )
    s, name = sign(case.indicator), case.area_name
    ladder = " → ".join(names)
    reached: list[str] = []
    for pos, rung in enumerate(target.stages):
        series = case.references.get(rung.reference_area, (names[pos], {}))[1]
        now = replace(case, reference=series).reference_at(case.year)
        if now is None:
            return Outcome(
                Status.GRIJS,
                f"{name} {case.fmt(value)} in {case.year}; geen waarde voor {names[pos]} "
                f"(trede {pos + 1} van {n}: {ladder}).",
                reference_area=rung.reference_area,
            )
        gap = s * (now[1] - value)  # > 0: behind this rung
        if gap < -1e-9 or (gap <= 1e-9 and not target.strict):
            reached.append(names[pos])
            continue
        head = (
            f"{name} {case.fmt(value)} tegen {names[pos]} {case.fmt(now[1])} in {case.year} "
            f"(trede {pos + 1} van {n}: {ladder}"
            + (f"; {' en '.join(reached)} bereikt)" if reached else ")")
        )
        if target.baseline_year is not None and case.at(target.baseline_year) is not None:
            since: tuple[int, float] | None = (target.baseline_year, case.at(target.baseline_year))  # type: ignore[assignment]
        else:
            since = case.previous()
        then = replace(case, reference=series).reference_at(since[0]) if since else None
        if since is None or then is None:
            return Outcome(
                Status.GRIJS,
                f"{head}: nog {case.fmt_gap(gap)} achter; geen eerdere meting om mee te "
                "vergelijken.",
                reference=now[1],
                reference_area=rung.reference_area,
            )
        gap_then = s * (then[1] - since[1])
        if abs(gap - gap_then) <= case.rules.stable_band * max(abs(gap_then), 1e-9):
            stable = nl.percentage(case.rules.stable_band)
            status = Status.ORANJE
            story = f"de achterstand bleef {case.fmt_gap(gap)} (minder dan {stable} veranderd)"
        else:
            verb = "slonk" if gap < gap_then else "groeide"
            status = Status.GROEN if gap < gap_then else Status.ROOD
            story = f"de achterstand {verb} van {case.fmt_span(gap_then, gap)}"
        return Outcome(
            status,
            f"{head}: {story} sinds {since[0]}.",
            reference=now[1],
            reference_area=rung.reference_area,
        )
    return Outcome(
        Status.GROEN,
        f"{name} {case.fmt(value)} in {case.year}: alle treden bereikt ({ladder}).",
        reference_area=target.stages[-1].reference_area,
    )
