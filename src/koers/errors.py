"""The one error tree of koers: every error a user can act on is a :class:`KoersError`.

Library code raises these, never a framework's error (no ``click.ClickException``, no
``HTTPException``); the command line turns them into ``fout: …`` on stderr and exit code 1,
the website into a Dutch error page or a JSON ``detail``. Messages are written for users, in
Dutch, and name what was wrong and where (file, row, column, field, id).

:class:`NotAllowedError` is a user acting beyond their role (the portal answers 403). The
layers subclass it: :class:`koers.plan.PlanError` (a plan that cannot be loaded),
:class:`koers.sources.SourceError` (a file that cannot be imported),
:class:`koers.store.StoreError` (a write the store refuses; its
:class:`koers.store.ConflictError` when someone else changed the row first).
"""

from __future__ import annotations


class KoersError(Exception):
    """An error a user can act on; nothing of the refused action was stored."""


class NotFoundError(KoersError, KeyError):
    """An id that the plan or the store does not hold (a pillar, partner, area, batch…).

    A :class:`KeyError` too, for callers that look ids up in mappings; its text is the
    message itself, not its quoted repr as for a plain :class:`KeyError`."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class NotAllowedError(KoersError, PermissionError):
    """An action the acting user's role or state does not allow; nothing was written."""
