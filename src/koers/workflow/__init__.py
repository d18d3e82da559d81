"""The partner workflow: the rules of the partner portal, one module per concern.

Partners report on what their organisation owns: the status of an agreement (one of
:class:`AgreementStatus`, a note and optional evidence) and the values of output indicators.
The programme bureau approves or returns what they submit; only approved updates count.

- :mod:`~koers.workflow.roles`: roles and rights, :func:`can` and who may see which update
- :mod:`~koers.workflow.accounts`: users, passwords (:class:`Passwords`), logging in
- :mod:`~koers.workflow.api_tokens`: API tokens
- :mod:`~koers.workflow.drafting`: drafting, editing and submitting updates; their checks
- :mod:`~koers.workflow.contributions`: partners' contributions to an indicator they report
  together, the plausibility check of a value, what approving changes, corrections
- :mod:`~koers.workflow.approval`: approving, correcting and returning; the import of an
  approved figure
- :mod:`~koers.workflow.agreements`: agreement states, current statuses, public history
- :mod:`~koers.workflow.escalation`: escalation up each agreement's ladder from the plan
- :mod:`~koers.workflow.periods`: closed years
- :mod:`~koers.workflow.attention`: what needs a user's attention, grouped and filtered
- :mod:`~koers.workflow.duties`: why a partner has nothing to report
- :mod:`~koers.workflow.audit`: reading the audit log
- :mod:`~koers.workflow.plan_review`: the bureau confirms or corrects the plan's uncertain
  readings ("Te bevestigen"), recorded in the audit log

All persistence goes through the store's repositories (``tx.accounts``, ``tx.updates``,
``tx.audit``, ``tx.observations``), one transaction per action, so an action lands whole
or not at all; optimistic locking (:class:`ConflictError`) and the audit log live there.
Functions that stamp a moment take a ``clock`` (default: now in UTC); those that hash
passwords take ``passwords`` (default :data:`PASSWORDS`). Messages are Dutch: the portal's
users read them. Refusals are :class:`~koers.store.StoreError` (bad input, wrong state),
:class:`ConflictError` (a stale version) or :class:`~koers.errors.NotAllowedError`, with
nothing written.
"""

from koers.plan.passport import reporters
from koers.store.accounts import ApiToken, Role, User
from koers.store.audit import AuditEntry
from koers.store.updates import (
    STATE_LABELS,
    AgreementState,
    AgreementStatus,
    ClosedPeriod,
    Kind,
    State,
    Update,
)
from koers.store.versions import ConflictError
from koers.workflow.accounts import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    PASSWORDS,
    USERNAME,
    NewAccount,
    Passwords,
    authenticate,
    change_own_password,
    create_user,
    deactivate,
    end_sessions,
    get_user,
    import_users,
    one_time_password,
    reactivate,
    reset_password,
    set_password,
    set_role,
    users,
)
from koers.workflow.agreements import (
    agreement_state,
    agreement_states,
    current_statuses,
    current_statuses_of,
    public_history,
)
from koers.workflow.api_tokens import create_token, revoke_token, token_user, tokens
from koers.workflow.approval import PORTAL_FORMAT, approve, correct, return_update
from koers.workflow.attention import ATTENTION_REASONS, Attention, needs_attention, queue
from koers.workflow.audit import (
    ACTION_LABELS,
    SUBJECT_LABELS,
    AuditLine,
    agreement_history,
    audit_log,
    describe,
)
from koers.workflow.common import MAX_TEXT, Clock, utc_now
from koers.workflow.contributions import (
    Correction,
    PlausibilityError,
    Review,
    co_reported,
    corrections,
    review_of,
)
from koers.workflow.drafting import (
    OPEN_STATES,
    UNSAFE_SCHEMES,
    draft_update,
    edit_draft,
    get_update,
    resubmit,
    submit,
    updates,
    visible_updates,
)
from koers.workflow.duties import NoDuties, without_duties
from koers.workflow.escalation import (
    at_top,
    deescalate,
    escalate,
    escalated_rung,
    escalations,
    ladder_of,
    next_rung,
)
from koers.workflow.periods import close_period, closed_periods, closed_years, reopen_period
from koers.workflow.plan_review import ReadingVerdict, review_reading, reviews
from koers.workflow.roles import (
    ACTIONS,
    BUREAU_ACTIONS,
    PARTNER_ACTIONS,
    REFUSED,
    ROLE_LABELS,
    Action,
    can,
    may_view,
    partner_agreements,
    partner_indicators,
)

__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "ATTENTION_REASONS",
    "BUREAU_ACTIONS",
    "MAX_PASSWORD",
    "MAX_TEXT",
    "MIN_PASSWORD",
    "OPEN_STATES",
    "PARTNER_ACTIONS",
    "PASSWORDS",
    "PORTAL_FORMAT",
    "REFUSED",
    "ROLE_LABELS",
    "STATE_LABELS",
    "SUBJECT_LABELS",
    "UNSAFE_SCHEMES",
    "USERNAME",
    "Action",
    "AgreementState",
    "AgreementStatus",
    "ApiToken",
    "Attention",
    "AuditEntry",
    "AuditLine",
    "Clock",
    "ClosedPeriod",
    "ConflictError",
    "Correction",
    "Kind",
    "NewAccount",
    "NoDuties",
    "Passwords",
    "PlausibilityError",
    "ReadingVerdict",
    "Review",
    "Role",
    "State",
    "Update",
    "User",
    "agreement_history",
    "agreement_state",
    "agreement_states",
    "approve",
    "at_top",
    "audit_log",
    "authenticate",
    "can",
    "change_own_password",
    "close_period",
    "closed_periods",
    "closed_years",
    "co_reported",
    "correct",
    "corrections",
    "create_token",
    "create_user",
    "current_statuses",
    "current_statuses_of",
    "deactivate",
    "deescalate",
    "describe",
    "draft_update",
    "edit_draft",
    "end_sessions",
    "escalate",
    "escalated_rung",
    "escalations",
    "get_update",
    "get_user",
    "import_users",
    "ladder_of",
    "may_view",
    "needs_attention",
    "next_rung",
    "one_time_password",
    "partner_agreements",
    "partner_indicators",
    "public_history",
    "queue",
    "reactivate",
    "reopen_period",
    "reporters",
    "reset_password",
    "resubmit",
    "return_update",
    "review_of",
    "review_reading",
    "reviews",
    "revoke_token",
    "set_password",
    "set_role",
    "submit",
    "token_user",
    "tokens",
    "updates",
    "users",
    "utc_now",
    "visible_updates",
    "without_duties",
]
