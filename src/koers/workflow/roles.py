"""Roles and rights: who may do what (:func:`can`), and who may see which update
(:func:`may_view`).

A *partner* user works for one plan partner and drafts and submits updates for what that
partner owns. The *bureau* may do everything in its programme: draft, submit, approve,
return, close a year, correct a closed year, escalate. An *admin* manages users and nothing
else (no role implies another). :func:`can` is the one rule; every write re-reads the acting
user in its own transaction and refuses with :class:`~koers.errors.NotAllowedError`
(:func:`require`).

What a partner owns. An agreement: the partner is one of its ``owners``, or one of the
``reporters`` the plan names where a collective owns it (all partners together, a steering
body): :attr:`~koers.plan.model.Agreement.reported_by`. A wish, a principle or a pointer to a
commitment held elsewhere is nobody's to report; an agreement without owners is the
bureau's. An output value: the indicator is an output indicator and
the partner is one of the ``partners`` of the indicator's ``intervention``, or owns an
agreement that lists the indicator in its ``indicators`` (:func:`reporters`). Co-owners
share: each may edit and submit the other's draft; but where several partners report an
output indicator, each reports its own contribution, and neither sees nor edits the other's
(:func:`may_view`). The rule of who reports an output value is a fact of the plan, so it
lives with the indicator passports (:func:`koers.plan.passport.reporters`) and is
re-exported here.
"""

from __future__ import annotations

from typing import Literal, get_args

from koers.errors import NotAllowedError
from koers.plan.model import Agreement, Indicator, IndicatorKind, Plan
from koers.plan.passport import reporters
from koers.store.accounts import Role, User
from koers.store.updates import Kind, Update
from koers.workflow.common import agreement_of, output_of

ROLE_LABELS: dict[Role, str] = {
    Role.PARTNER: "partner",
    Role.BUREAU: "programmabureau",
    Role.ADMIN: "beheerder",
}

Action = Literal[
    "draft",
    "submit",
    "approve",
    "return",
    "close_period",
    "correct",
    "escalate",
    "review_plan",
    "manage_users",
]
ACTIONS: tuple[Action, ...] = get_args(Action)
PARTNER_ACTIONS: frozenset[Action] = frozenset({"draft", "submit"})
BUREAU_ACTIONS: frozenset[Action] = frozenset(ACTIONS) - {"manage_users"}

REFUSED: dict[Action, str] = {
    "draft": "geen update opstellen",
    "submit": "geen update indienen",
    "approve": "geen updates goedkeuren",
    "return": "geen updates terugsturen",
    "close_period": "geen jaar afsluiten",
    "correct": "geen afgesloten jaar corrigeren",
    "escalate": "geen afspraken escaleren",
    "review_plan": "geen lezingen van het plan bevestigen of corrigeren",
    "manage_users": "geen gebruikers beheren",
}


def partner_agreements(plan: Plan, partner: str) -> list[Agreement]:
    """The agreements ``partner`` reports the status of."""
    return [a for a in plan.agreements if partner in a.reported_by]


def partner_indicators(plan: Plan, partner: str) -> list[Indicator]:
    """The output indicators ``partner`` reports values of."""
    return [i for i in plan.indicators if partner in reporters(plan, i)]


def can(
    user: User,
    action: Action,
    *,
    agreement: Agreement | None = None,
    indicator: Indicator | None = None,
    plan: Plan | None = None,
) -> bool:
    """Whether ``user`` may do ``action`` (on ``agreement`` or ``indicator``).

    Inactive users may do nothing, and nobody acts in another programme's ``plan``. An admin
    manages users; the bureau does everything else; a partner drafts and submits updates for
    an agreement it owns, or a value of an output indicator it reports (:func:`reporters`,
    which needs ``plan``).
    """
    if not user.active or (plan is not None and plan.programme.id != user.programme):
        return False
    if user.role is Role.ADMIN:
        return action == "manage_users"
    if user.role is Role.BUREAU:
        return action in BUREAU_ACTIONS
    if action not in PARTNER_ACTIONS or user.partner is None:
        return False
    if agreement is not None:
        return user.partner in agreement.reported_by
    if indicator is not None and plan is not None:
        return user.partner in reporters(plan, indicator)
    return False


def require(
    user: User,
    action: Action,
    *,
    agreement: Agreement | None = None,
    indicator: Indicator | None = None,
    plan: Plan | None = None,
) -> None:
    """Refuse, saying who may (:class:`~koers.errors.NotAllowedError`), unless :func:`can`."""
    if can(user, action, agreement=agreement, indicator=indicator, plan=plan):
        return
    who = f"{user.username} ({ROLE_LABELS[user.role]}"
    who += f" van {user.partner})" if user.partner else ")"
    about = ""
    if agreement is not None:
        about = f" voor afspraak {agreement.id}"
    elif indicator is not None:
        about = f" voor indicator {indicator.id}"
    if not user.active:
        hint = f" Het account {user.username} is niet actief."
    elif plan is not None and plan.programme.id != user.programme:
        hint = f" {user.username} hoort bij programma {user.programme}."
    elif action == "manage_users":
        hint = " Dat mag alleen een beheerder."
    elif action not in PARTNER_ACTIONS or (agreement is None and indicator is None):
        hint = " Dat mag alleen het programmabureau."
    elif agreement is not None:
        if not agreement.is_commitment:
            hint = " Het is geen afspraak of toezegging; daarover rapporteert niemand."
        else:
            owners = ", ".join(agreement.reported_by) or "geen"
            hint = (
                f" Dat mogen de partners die voor de afspraak rapporteren ({owners}) en het "
                "programmabureau."
            )
    elif indicator is not None and indicator.kind is IndicatorKind.OUTPUT and plan is not None:
        names = ", ".join(sorted(reporters(plan, indicator))) or "geen"
        hint = f" Dat mogen de partners die hem rapporteren ({names}) en het programmabureau."
    else:
        hint = " Partners rapporteren alleen waarden van outputindicatoren."
    raise NotAllowedError(f"Geen toestemming: {who} mag {REFUSED[action]}{about}.{hint}")


def subject_of(plan: Plan, update: Update) -> tuple[Agreement | None, Indicator | None]:
    """The agreement or indicator an update is about, for :func:`can`."""
    if update.kind is Kind.STATUS:
        assert update.agreement is not None
        return agreement_of(plan, update.agreement), None
    assert update.indicator is not None
    return None, output_of(plan, update.indicator)


def may_view(plan: Plan, user: User, update: Update) -> bool:
    """Whether ``user`` may read ``update`` (its note and evidence are not public): the
    bureau all of its programme's, a partner those about what its organisation reports; of an
    indicator several partners report, only its own contributions."""
    if not user.active or update.programme != user.programme:
        return False
    if user.role is Role.BUREAU:
        return True
    if user.role is not Role.PARTNER or user.partner is None:
        return False
    subject, indicator = subject_of(plan, update)
    if subject is not None:
        return user.partner in subject.reported_by
    if update.contributor is not None and update.contributor != user.partner:
        return False
    return indicator is not None and user.partner in reporters(plan, indicator)
