"""The plan: what a programme promises, as validated data.

Owns the Pydantic models of a programme plan (programme, pillars, ambitions, indicators and
their targets, interventions, agreements, partners, areas), loading a plan directory of YAML
files with every problem located by file, line and field, and the JSON Schema that editors
use. Pure: besides reading the plan files in :func:`load_plan`, it does no I/O.
"""

from __future__ import annotations

import json

from koers.plan.loader import PlanError, PlanIssue, load_plan, plan_from_documents
from koers.plan.model import (
    Absolute,
    Aggregation,
    Agreement,
    Ambition,
    Area,
    AreaKind,
    Ceiling,
    Direction,
    Indicator,
    IndicatorKind,
    Intervention,
    Milestone,
    MonitorOnly,
    Partner,
    Periodicity,
    Pillar,
    Plan,
    PlanFile,
    Polarity,
    Programme,
    ProportionalShare,
    ReachReference,
    Stage,
    Staged,
    StatusRules,
    Target,
    Unit,
)

__all__ = [
    "Absolute",
    "Aggregation",
    "Agreement",
    "Ambition",
    "Area",
    "AreaKind",
    "Ceiling",
    "Direction",
    "Indicator",
    "IndicatorKind",
    "Intervention",
    "Milestone",
    "MonitorOnly",
    "Partner",
    "Periodicity",
    "Pillar",
    "Plan",
    "PlanError",
    "PlanFile",
    "PlanIssue",
    "Polarity",
    "Programme",
    "ProportionalShare",
    "ReachReference",
    "Stage",
    "Staged",
    "StatusRules",
    "Target",
    "Unit",
    "json_schema",
    "load_plan",
    "plan_from_documents",
]


def json_schema() -> str:
    """JSON Schema of one plan file, for editors (YAML language servers)."""
    schema = PlanFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "koers plan file"
    return json.dumps(schema, indent=2, ensure_ascii=False)
