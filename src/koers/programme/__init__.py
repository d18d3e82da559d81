"""The read model: *the programme as of a date*, assembled in one place.

:class:`ProgrammeState` holds what every reader of one programme needs — the plan, the
figures that count (the totals: stored, or formed from a breakdown such as partners'
contributions) and the breakdowns themselves, the stories behind the curves, the agreement
states the bureau approved (statuses and escalations), the money spent and the resident
alliance's conversations, the plan's history (its versions, so that a past year is judged
against the targets valid then) — and
derives the rest once, lazily: the status of every indicator (exactly as ``koers status``
computes it), the indicator passports and the delivery of each year's figures
(:mod:`koers.programme.deliveries`), the observation index, look-ups by id. The command
line, the website, the JSON API and the reports all read a programme through
:meth:`ProgrammeState.read`, so they show the same state.

This module reads the store; what it derives is computed by the pure core (:mod:`koers.assess`
and the mechanisms).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Self

from koers.alliance import MeetingRecord
from koers.areas import Observation, published
from koers.assess import Assessment, ObservationIndex, evaluate
from koers.money import Spent
from koers.plan.history import PlanHistory
from koers.plan.model import Area, AreaKind, Indicator, Pillar, Plan
from koers.plan.passport import IndicatorPassport, passports
from koers.plan.summary import AgreementRow, agreement_rows
from koers.programme.deliveries import DeliveryRow, deliveries
from koers.store import Batch, Store
from koers.workflow import AgreementState, current_statuses_of

__all__ = ["ProgrammeState", "read_boundaries"]


@dataclass
class ProgrammeState:
    """One programme as the store holds it on ``today``."""

    programme: str
    plan: Plan
    observations: list[Observation]
    narratives: dict[tuple[str, str, str], str]
    today: date
    agreement_states: dict[str, AgreementState] = field(default_factory=dict)
    breakdowns: list[Observation] = field(default_factory=list)
    spending: list[Spent] = field(default_factory=list)
    meetings: list[MeetingRecord] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    history: PlanHistory | None = None  # every readable plan version, oldest first

    @classmethod
    def read(
        cls, store: Store, programme: str | None = None, *, today: date | None = None, **extra: Any
    ) -> Self:
        """Read ``programme`` (None: the only one in the store) as it stands now."""
        pid = store.resolve_programme(programme)
        with store.transaction() as tx:
            plan = tx.plans.latest(pid)
            current = tx.observations.current(pid)
            return cls(
                programme=pid,
                plan=plan,
                observations=published({i.id: i for i in plan.indicators}, current),
                breakdowns=[o for o in current if o.dimension is not None],
                narratives=tx.observations.narratives(pid),
                today=today or date.today(),
                agreement_states=tx.updates.states(pid),
                spending=tx.spending.of(pid),
                meetings=tx.alliance.meetings(pid),
                batches=tx.observations.batches(pid),
                history=tx.plans.history(pid),
                **extra,
            )

    @cached_property
    def assessments(self) -> dict[str, Assessment]:
        """Indicator id -> its status, exactly as ``koers status`` computes it."""
        return {
            a.indicator: a for a in evaluate(self.plan, self.observations, history=self.history)
        }

    @cached_property
    def statuses(self) -> dict[str, str]:
        """Agreement id -> its last approved status."""
        return current_statuses_of(self.agreement_states)

    def agreement_rows(self, **filters: str | None) -> list[AgreementRow]:
        """The agreements register with the statuses the bureau approved."""
        return agreement_rows(self.plan, statuses=self.statuses, **filters)

    @cached_property
    def passports(self) -> dict[str, IndicatorPassport]:
        """Indicator id -> its passport (:mod:`koers.plan.passport`)."""
        return passports(self.plan)

    @cached_property
    def imported(self) -> dict[str, datetime]:
        """Batch id -> when it was stored."""
        return {b.id: b.created_at for b in self.batches}

    def deliveries(self, year: int, partner: str | None = None) -> list[DeliveryRow]:
        """Per indicator, whether the figure of ``year`` is in, late or without a source
        (:func:`koers.programme.deliveries.deliveries`), as of :attr:`today`."""
        return deliveries(
            self.plan,
            self.observations,
            self.imported,
            year=year,
            today=self.today,
            partner=partner,
        )

    @cached_property
    def index(self) -> ObservationIndex:
        return ObservationIndex(self.observations)

    @cached_property
    def names(self) -> dict[str, str]:
        return {a.id: a.name for a in self.plan.areas}

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.plan.indicators}

    @cached_property
    def pillars(self) -> dict[str, Pillar]:
        return {p.id: p for p in self.plan.pillars}

    @cached_property
    def partners(self) -> dict[str, str]:
        return {p.id: p.name for p in self.plan.partners}

    @property
    def wijken(self) -> list[Area]:
        return [a for a in self.plan.areas if a.kind is AreaKind.WIJK]


def read_boundaries(store: Store, programme: str, year: int | None = None) -> dict[str, Any]:
    """Area id -> GeoJSON geometry: the boundaries valid in ``year``, else the latest ones."""
    return store.latest_boundaries(programme, year) or store.latest_boundaries(programme)
