"""The resident alliance (bewonersbondgenootschap, plan chapter 2.3).

What the programme promises residents, and what this package records and checks:

- AL1 "Een actieve verbinding met de wijk": the NPRZ-wethouder and -directeur meet the
  wijkraden "1 tot 2x per jaar" (R-9). Every conversation is recorded: who, when, what was
  agreed, and the follow-up actions with owner and due date (Afspraak A2.2: "zorgen voor een
  vervolg op de acties").
- AL2 burgerberaden, and the burgertoppen held before.
- AL3 resident initiatives, each linked to the goals of the plan it serves.

Pure functions over the plan and the records the store hands them: no SQLAlchemy, no store,
no I/O. One module per concern:

- :mod:`~koers.alliance.records`: the records (stdlib only: the store's alliance repository
  imports it);
- :mod:`~koers.alliance.places`: the plan's goals and wijken;
- :mod:`~koers.alliance.validation`: the rules a new conversation or a completed action meets;
- :mod:`~koers.alliance.attention`: the attention list;
- :mod:`~koers.alliance.summary`: :func:`bondgenootschap`, the yearly report section.

:mod:`koers.usecases.alliance` records conversations and completes actions through the store.
"""

from koers.alliance.attention import AttentionItem, attention, year_before
from koers.alliance.places import area_name, goal_names, plan_wijken
from koers.alliance.records import KINDS, ActionRecord, MeetingRecord, NewAction, NewMeeting
from koers.alliance.summary import (
    ActionCounts,
    ActionView,
    AllianceSummary,
    Goal,
    GoalCount,
    MeetingView,
    WijkAlliance,
    bondgenootschap,
)
from koers.alliance.validation import AllianceRefused, check_completion, new_meeting

__all__ = [
    "KINDS",
    "ActionCounts",
    "ActionRecord",
    "ActionView",
    "AllianceRefused",
    "AllianceSummary",
    "AttentionItem",
    "Goal",
    "GoalCount",
    "MeetingRecord",
    "MeetingView",
    "NewAction",
    "NewMeeting",
    "WijkAlliance",
    "area_name",
    "attention",
    "bondgenootschap",
    "check_completion",
    "goal_names",
    "new_meeting",
    "plan_wijken",
    "year_before",
]
