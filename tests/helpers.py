"""Small builders for readable test plans."""

from __future__ import annotations

import json
from typing import Any

from koers.plan import Plan, plan_from_documents

AREAS = [
    {"id": "zuid", "name": "Zuid", "kind": "district", "parent": "rotterdam"},
    {"id": "noord", "name": "Noord", "kind": "district", "parent": "rotterdam"},
    {"id": "rotterdam", "name": "Rotterdam", "kind": "municipality"},
    {"id": "amsterdam", "name": "Amsterdam", "kind": "municipality"},
    {"id": "g2", "name": "G2", "kind": "group", "members": ["rotterdam", "amsterdam"]},
    {"id": "wijken", "name": "Wijken", "kind": "group", "members": ["zuid", "noord"]},
    {
        "id": "rest",
        "name": "Rotterdam zonder Zuid",
        "kind": "group",
        "members": ["rotterdam"],
        "minus": ["zuid"],
    },
]


def make_plan(
    *indicators: dict[str, Any],
    areas: list[dict[str, Any]] | None = None,
    rules: dict[str, float] | None = None,
) -> Plan:
    programme = {
        "id": "p",
        "name": "P",
        "area": "zuid",
        "period_start": 2023,
        "period_end": 2027,
        "horizon": 2031,
    }
    if rules:
        programme["status_rules"] = rules
    document = {
        "programme": programme,
        "pillars": [{"id": "werk", "name": "Werk"}],
        "areas": areas or AREAS,
        "indicators": [
            {
                "name": i.get("id", "x").upper(),
                "kind": "effect",
                "pillar": "werk",
                "unit": "percent",
                "polarity": "lower_is_better",
                **i,
            }
            for i in indicators
        ],
    }
    return plan_from_documents({"plan.yaml": json.dumps(document)})
