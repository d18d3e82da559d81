"""One transaction of the store and the repositories that work inside it.

``with store.transaction() as tx:`` opens it; every repository reached through ``tx``
writes into that one transaction, so a change that spans table groups (an approved partner
figure that becomes an import batch and an audit entry) lands whole or not at all.
"""

from __future__ import annotations

from functools import cached_property

from sqlalchemy import Connection

from koers.store.accounts import Accounts
from koers.store.alliance import Alliance
from koers.store.audit import AuditLog
from koers.store.boundaries import Boundaries
from koers.store.observations import Observations
from koers.store.plans import Plans
from koers.store.spending import Spending
from koers.store.updates import Updates


class Transaction:
    """An open transaction; leaving the ``with`` block commits it, an error rolls it back."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- the plan and its figures
    @cached_property
    def plans(self) -> Plans:
        return Plans(self.connection)

    @cached_property
    def observations(self) -> Observations:
        return Observations(self.connection)

    @cached_property
    def boundaries(self) -> Boundaries:
        return Boundaries(self.connection)

    # -- the partner workflow and its append-only log
    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.connection)

    @cached_property
    def updates(self) -> Updates:
        return Updates(self.connection)

    @cached_property
    def audit(self) -> AuditLog:
        return AuditLog(self.connection)

    # -- the mechanisms' records: spending and the resident alliance
    @cached_property
    def spending(self) -> Spending:
        return Spending(self.connection)

    @cached_property
    def alliance(self) -> Alliance:
        return Alliance(self.connection)
