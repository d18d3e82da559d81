"""Reading the audit log for display: every change in a programme, or an agreement's history.

Writing happens only in the store (:meth:`koers.store.audit.AuditLog.append`), in the
transaction of the change it records.
"""

from __future__ import annotations

from koers.store import Store
from koers.store.audit import AuditEntry


def audit_log(
    store: Store,
    programme: str,
    *,
    subject: str | None = None,
    subject_id: str | None = None,
) -> list[AuditEntry]:
    """Every change in the programme, oldest first (optionally of one subject)."""
    with store.transaction() as tx:
        return tx.audit.entries(programme, subject=subject, subject_id=subject_id)


def agreement_history(store: Store, programme: str, agreement: str) -> list[AuditEntry]:
    """What happened to an agreement, oldest first: its updates (drafted, edited, submitted,
    returned, approved) and its state (status, escalation), each with who, when, before,
    after and reason."""
    with store.transaction() as tx:
        return tx.audit.of_agreement(programme, agreement)
