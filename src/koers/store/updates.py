"""The updates repository: partner updates, the approved state of each agreement, closed years.

An update goes draft → submitted → approved or returned (the workflow's rules,
:mod:`koers.workflow`); this module stores it. What the database guarantees lives here: one
open update per subject (the unique ``updates.open_key``, NULL once decided, holds on both
backends, also under concurrent requests), optimistic locking of updates and agreement
states (:mod:`koers.store.versions`), and one row per closed year (removed when the bureau
reopens it). :meth:`Updates.
closed_years` is the one reading of closed years: the workflow's rule and every import ask it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.exc import IntegrityError

from koers.store import schema as t
from koers.store.base import StoreError
from koers.store.versions import ConflictError, bump, check_version


class AgreementStatus(StrEnum):
    """The status of an agreement as its owner reports it."""

    NIET_GESTART = "niet gestart"
    OP_SCHEMA = "op schema"
    RISICO = "risico"
    VERTRAAGD = "vertraagd"
    AFGEROND = "afgerond"
    VERVALLEN = "vervallen"


class Kind(StrEnum):
    STATUS = "status"  # the status of an agreement
    OUTPUT = "output"  # a value of an output indicator


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


STATE_LABELS: dict[State, str] = {
    State.DRAFT: "concept",
    State.SUBMITTED: "ingediend",
    State.APPROVED: "goedgekeurd",
    State.RETURNED: "teruggestuurd",
}


@dataclass(frozen=True)
class Update:
    id: int
    programme: str
    kind: Kind
    state: State
    agreement: str | None  # kind status
    status: AgreementStatus | None
    evidence: str | None
    indicator: str | None  # kind output
    area: str | None
    period: str | None
    value: float | None
    source: str | None
    note: str | None
    reason: str | None  # why it was returned, or why a closed year was corrected
    batch: str | None  # the import batch of an approved output value
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    submitted_at: datetime | None
    submitted_by: str | None
    decided_at: datetime | None
    decided_by: str | None
    contributor: str | None = None  # whose contribution the value is (a partner id)
    confirmation: str | None = None  # why a large change against the previous figure is right

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    def record(self) -> dict[str, Any]:
        """What the audit log keeps of an update."""
        return {
            "kind": self.kind.value,
            "state": self.state.value,
            "agreement": self.agreement,
            "status": self.status.value if self.status else None,
            "evidence": self.evidence,
            "indicator": self.indicator,
            "area": self.area,
            "period": self.period,
            "value": self.value,
            "contributor": self.contributor,
            "confirmation": self.confirmation,
            "note": self.note,
            "reason": self.reason,
            "batch": self.batch,
            "version": self.version,
        }


@dataclass(frozen=True)
class AgreementState:
    """An agreement's approved status and its escalation."""

    agreement: str
    status: AgreementStatus | None  # none: not reported yet
    escalation: int | None  # the position of the rung escalated to (1 = lowest); none: not
    # escalated. The rungs are the plan's (koers.board.agreement_ladder); a position above
    # the ladder's top reads as the top rung (koers.board.rung_at).
    version: int  # 0: the agreement has no state yet
    updated_at: datetime | None
    updated_by: str | None
    update: int | None  # the approved update that set the status

    def record(self) -> dict[str, Any]:
        return {
            "status": self.status.value if self.status else None,
            "escalation": self.escalation,
            "update": self.update,
            "version": self.version,
        }


@dataclass(frozen=True)
class ClosedPeriod:
    year: int
    closed_at: datetime
    closed_by: str


# what an update's change may set, and the column each is kept in
_UPDATE_FIELDS = {
    "kind": "kind",
    "state": "state",
    "agreement": "agreement_id",
    "status": "status",
    "evidence": "evidence",
    "indicator": "indicator_id",
    "area": "area_id",
    "period": "period",
    "value": "value",
    "contributor": "contributor",
    "confirmation": "confirmation",
    "source": "source",
    "note": "note",
    "reason": "reason",
    "open_key": "open_key",
    "batch": "batch_id",
    "submitted_at": "submitted_at",
    "submitted_by": "submitted_by",
    "decided_at": "decided_at",
    "decided_by": "decided_by",
}
_STATE_FIELDS = {"status": "status", "escalation": "escalation_level", "update": "update_id"}


class Updates:
    """Updates, agreement states and closed years of every programme, inside one
    transaction."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    # -- updates -----------------------------------------------------------------------

    def get(self, update_id: int) -> Update:
        row = self.c.execute(select(t.updates).where(t.updates.c.id == update_id)).first()
        if row is None:
            raise StoreError(f"update {update_id} bestaat niet")
        return _update(row)

    def open_one(self, programme: str, open_key: str) -> Update | None:
        """The open update (draft, submitted or returned) of a subject, if any."""
        u = t.updates.c
        row = self.c.execute(
            select(t.updates).where(u.programme_id == programme, u.open_key == open_key)
        ).first()
        return _update(row) if row is not None else None

    def add(
        self,
        programme: str,
        values: Mapping[str, Any],
        *,
        what: str,
        by: str,
        at: datetime,
    ) -> Update:
        """A new draft at version 1; refused when another update of the subject (``what``)
        was opened meanwhile (the unique open key)."""
        try:
            inserted = self.c.execute(
                t.updates.insert().values(
                    programme_id=programme,
                    state=State.DRAFT.value,
                    version=1,
                    created_at=at,
                    created_by=by,
                    updated_at=at,
                    updated_by=by,
                    **_columns(_UPDATE_FIELDS, values),
                )
            ).inserted_primary_key
        except IntegrityError:
            raise StoreError(f"er is net een update voor {what} aangemaakt; laad opnieuw") from None
        assert inserted is not None
        return self.get(int(inserted[0]))

    def check(self, update: Update, version: int) -> None:
        """Refuse to work on ``update`` when it is no longer at ``version``."""
        row = self.c.execute(select(t.updates).where(t.updates.c.id == update.id)).one()
        check_version(row, version, f"update {update.id}")

    def change(
        self, update: Update, version: int, values: Mapping[str, Any], *, by: str, at: datetime
    ) -> Update:
        """Set ``values`` of ``update`` if it is still at ``version``."""
        u = t.updates.c
        row = self.c.execute(select(t.updates).where(u.id == update.id)).one()
        bump(
            self.c,
            t.updates,
            u.id == update.id,
            row,
            version,
            f"update {update.id}",
            {**_columns(_UPDATE_FIELDS, values), "updated_at": at, "updated_by": by},
        )
        return self.get(update.id)

    def of_programme(
        self,
        programme: str,
        *,
        state: State | None = None,
        agreement: str | None = None,
        indicator: str | None = None,
    ) -> list[Update]:
        """The updates of a programme, oldest first, optionally of one state or subject."""
        u = t.updates.c
        query = select(t.updates).where(u.programme_id == programme).order_by(u.id)
        if state is not None:
            query = query.where(u.state == state.value)
        if agreement is not None:
            query = query.where(u.agreement_id == agreement)
        if indicator is not None:
            query = query.where(u.indicator_id == indicator)
        return [_update(r) for r in self.c.execute(query)]

    # -- agreement states --------------------------------------------------------------

    def state(self, programme: str, agreement: str) -> AgreementState:
        """The agreement's state; version 0 and nothing set when it has none yet."""
        return _state(agreement, self._state_row(programme, agreement))

    def states(self, programme: str) -> dict[str, AgreementState]:
        """Every agreement that has a state (an approved status or an escalation)."""
        s = t.agreement_state.c
        rows = self.c.execute(
            select(t.agreement_state).where(s.programme_id == programme).order_by(s.agreement_id)
        )
        return {r.agreement_id: _state(r.agreement_id, r) for r in rows}

    def set_state(
        self,
        programme: str,
        agreement: str,
        values: Mapping[str, Any],
        *,
        version: int | None,
        by: str,
        at: datetime,
    ) -> AgreementState:
        """Set ``values`` (``status``, ``escalation``, ``update``) of the agreement's state,
        created at its first change; with ``version``, only if it is still at that version
        (0: it has no state yet)."""
        row = self._state_row(programme, agreement)
        what = f"de stand van afspraak {agreement}"
        if version is not None and row is not None:
            check_version(row, version, what)
        elif version not in (None, 0):
            raise ConflictError(what, version or 0, 0, None, None)
        stamp = {"updated_at": at, "updated_by": by}
        columns = _columns(_STATE_FIELDS, values)
        s = t.agreement_state.c
        if row is None:
            fields = {
                "status": None,
                "update_id": None,
                "escalation_level": None,
                **columns,
                **stamp,
            }
            try:
                self.c.execute(
                    t.agreement_state.insert().values(
                        programme_id=programme, agreement_id=agreement, version=1, **fields
                    )
                )
            except IntegrityError:  # someone else gave it its first state meanwhile
                raise ConflictError(what, 0, None, None, None) from None
        else:
            bump(
                self.c,
                t.agreement_state,
                (s.programme_id == programme) & (s.agreement_id == agreement),
                row,
                row.version,
                what,
                {**columns, **stamp},
            )
        return self.state(programme, agreement)

    def _state_row(self, programme: str, agreement: str) -> Any:
        s = t.agreement_state.c
        return self.c.execute(
            select(t.agreement_state).where(
                s.programme_id == programme, s.agreement_id == agreement
            )
        ).first()

    # -- closed years ------------------------------------------------------------------

    def closed_periods(self, programme: str) -> list[ClosedPeriod]:
        p = t.closed_periods.c
        rows = self.c.execute(
            select(t.closed_periods).where(p.programme_id == programme).order_by(p.year)
        )
        return [ClosedPeriod(r.year, r.closed_at, r.closed_by) for r in rows]

    def closed_years(self, programme: str) -> set[int]:
        """The years the bureau closed: figures for them change only by a logged correction
        in the portal, never by a partner's draft or an import."""
        p = t.closed_periods.c
        return set(self.c.scalars(select(p.year).where(p.programme_id == programme)))

    def closed(self, programme: str, year: int) -> ClosedPeriod | None:
        p = t.closed_periods.c
        row = self.c.execute(
            select(t.closed_periods).where(p.programme_id == programme, p.year == year)
        ).first()
        return ClosedPeriod(row.year, row.closed_at, row.closed_by) if row is not None else None

    def close(self, programme: str, year: int, *, by: str, at: datetime) -> ClosedPeriod:
        try:
            self.c.execute(
                t.closed_periods.insert().values(
                    programme_id=programme, year=year, closed_at=at, closed_by=by
                )
            )
        except IntegrityError:
            raise StoreError(f"het jaar {year} is net afgesloten") from None
        return ClosedPeriod(year, at, by)

    def reopen(self, programme: str, year: int) -> None:
        """Take a closed year off the list (the audit log keeps who closed and reopened it)."""
        p = t.closed_periods.c
        gone = self.c.execute(
            delete(t.closed_periods).where(p.programme_id == programme, p.year == year)
        )
        if not gone.rowcount:
            raise StoreError(f"het jaar {year} is niet afgesloten")


def _columns(fields: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
    return {fields[k]: v.value if isinstance(v, StrEnum) else v for k, v in values.items()}


def _update(row: Any) -> Update:
    return Update(
        id=row.id,
        programme=row.programme_id,
        kind=Kind(row.kind),
        state=State(row.state),
        agreement=row.agreement_id,
        status=AgreementStatus(row.status) if row.status else None,
        evidence=row.evidence,
        indicator=row.indicator_id,
        area=row.area_id,
        period=row.period,
        value=row.value,
        source=row.source,
        note=row.note,
        reason=row.reason,
        batch=row.batch_id,
        version=row.version,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        submitted_at=row.submitted_at,
        submitted_by=row.submitted_by,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        contributor=row.contributor,
        confirmation=row.confirmation,
    )


def _state(agreement: str, row: Any) -> AgreementState:
    if row is None:
        return AgreementState(agreement, None, None, 0, None, None, None)
    return AgreementState(
        agreement=agreement,
        status=AgreementStatus(row.status) if row.status else None,
        escalation=row.escalation_level,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        update=row.update_id,
    )
