"""The audit log repository: the append-only record of every change in the partner workflow.

Every change the workflow makes appends one entry in the same transaction (:meth:`AuditLog.
append`): who, when, the action, the subject, before and after (records without password
hashes), and the reason. Nothing here updates or deletes entries, and database triggers
refuse it (migration 0005).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from koers.store import schema as t


@dataclass(frozen=True)
class AuditEntry:
    id: int
    programme: str
    at: datetime
    actor: str
    action: str
    subject: str  # user / update / agreement / observation / period
    subject_id: str
    before: dict[str, Any] | None  # none: the subject is new
    after: dict[str, Any] | None
    reason: str | None


class AuditLog:
    """The audit log of every programme in the store, inside one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def append(
        self,
        programme: str,
        actor: str,
        action: str,
        subject: str,
        subject_id: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reason: str | None = None,
        *,
        at: datetime,
    ) -> None:
        """Add one entry; moments in ``before`` and ``after`` are kept as ISO text (UTC)."""
        self.c.execute(
            t.audit_log.insert().values(
                programme_id=programme,
                at=at,
                actor=actor,
                action=action,
                subject=subject,
                subject_id=subject_id,
                before=_json(before),
                after=_json(after),
                reason=reason,
            )
        )

    def entries(
        self, programme: str, *, subject: str | None = None, subject_id: str | None = None
    ) -> list[AuditEntry]:
        """Every entry of the programme, oldest first (optionally of one subject)."""
        if "\x00" in (subject or "") + (subject_id or ""):
            return []  # nothing stored holds a NUL, and PostgreSQL cannot compare one
        a = t.audit_log.c
        query = select(t.audit_log).where(a.programme_id == programme).order_by(a.id)
        if subject is not None:
            query = query.where(a.subject == subject)
        if subject_id is not None:
            query = query.where(a.subject_id == subject_id)
        return [_entry(r) for r in self.c.execute(query)]

    def of_agreement(self, programme: str, agreement: str) -> list[AuditEntry]:
        """The entries about an agreement, oldest first: its own (status, escalation) and
        those of every update about it."""
        a, u = t.audit_log.c, t.updates.c
        ids = [
            str(i)
            for i in self.c.scalars(
                select(u.id).where(u.programme_id == programme, u.agreement_id == agreement)
            )
        ]
        rows = self.c.execute(
            select(t.audit_log)
            .where(
                a.programme_id == programme,
                ((a.subject == "agreement") & (a.subject_id == agreement))
                | ((a.subject == "update") & a.subject_id.in_(ids)),
            )
            .order_by(a.id)
        )
        return [_entry(r) for r in rows]


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive times: they were stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc(value).isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        programme=row.programme_id,
        at=utc(row.at),
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        subject_id=row.subject_id,
        before=row.before,
        after=row.after,
        reason=row.reason,
    )
