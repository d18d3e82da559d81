"""Money: the financial task, the bureau's budget, commitments, spending and value for money.

Pure functions over the plan and the data the store hands them (like :mod:`koers.assess`):
no SQLAlchemy, no store, no I/O. One module per concern:

- :mod:`~koers.money.tasks`: Tabel 11, the task per pillar and period and its cost split;
- :mod:`~koers.money.bureau`: Tabel 12 and 13, the bureau's budget against contributions;
- :mod:`~koers.money.coverage`: commitments with their spending, coverage per pillar and year;
- :mod:`~koers.money.precondition`: the plan's ``finance.precondition`` and what waits on it;
- :mod:`~koers.money.value`: value for money, output reached against budget spent;
- :mod:`~koers.money.summary`: :func:`money_summary`, everything together, and its signals;
- :mod:`~koers.money.records` (the ``Spent`` record, stdlib only: the store's spending
  repository imports it) and :mod:`~koers.money.spending` (the rules a new record must meet).

Recording spending through the store is a use case: :mod:`koers.usecases.spending`.
"""

from koers.money.bureau import BudgetRow, Bureau, BureauYear, ContributionRow
from koers.money.common import (
    BALANCE_BAND,
    CENT,
    CSS,
    IN_BALANCE,
    REACHED_MORE,
    SPENT_MORE,
    STATUSES,
    UNDECIDED,
)
from koers.money.coverage import CommitmentRow, CoverageRow, is_committed
from koers.money.precondition import Precondition, PreconditionItem
from koers.money.records import Spent
from koers.money.spending import SpendingRefused
from koers.money.summary import MoneySummary, money_summary
from koers.money.tasks import PER_YEAR, FunderShare, TaskRow, Tasks, year_task
from koers.money.value import OutputReach, ValueForMoney

__all__ = [
    "BALANCE_BAND",
    "CENT",
    "CSS",
    "IN_BALANCE",
    "PER_YEAR",
    "REACHED_MORE",
    "SPENT_MORE",
    "STATUSES",
    "UNDECIDED",
    "BudgetRow",
    "Bureau",
    "BureauYear",
    "CommitmentRow",
    "ContributionRow",
    "CoverageRow",
    "FunderShare",
    "MoneySummary",
    "OutputReach",
    "Precondition",
    "PreconditionItem",
    "SpendingRefused",
    "Spent",
    "TaskRow",
    "Tasks",
    "ValueForMoney",
    "is_committed",
    "money_summary",
    "year_task",
]
