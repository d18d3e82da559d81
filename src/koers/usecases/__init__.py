"""Use cases of the library that combine packages: what the command line, the website, a
scheduler or a test calls, so none of them needs the command line to do it.

- :func:`load_plan_directory`: a plan directory into the store, with its figures and
  boundaries;
- :func:`write_report_set`: the yearly documents of a programme, read from the store;
- :func:`record_spending`: money spent against one of the plan's commitments;
- :func:`record_meeting`, :func:`complete_action`: the resident alliance's conversations
  and their follow-up actions.

Each checks its input with the pure rules of the mechanism it serves
(:mod:`koers.money`, :mod:`koers.alliance`) and writes in one transaction of the store.
Errors are :class:`~koers.errors.KoersError`; progress is reported through callbacks, so the
caller decides how (and whether) to show it.
"""

from koers.usecases.alliance import complete_action, meetings, record_meeting
from koers.usecases.load import DirectoryLoad, load_plan_directory
from koers.usecases.reports import write_report_set
from koers.usecases.spending import record_spending, spending

__all__ = [
    "DirectoryLoad",
    "complete_action",
    "load_plan_directory",
    "meetings",
    "record_meeting",
    "record_spending",
    "spending",
    "write_report_set",
]
