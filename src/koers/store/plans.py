"""The plans repository: programmes, plan versions with what changed, and the plan's items
mirrored into tables (areas, indicators) that figures refer to by foreign key.

Every loaded version keeps its whole document: :meth:`Plans.versions` lists them with when,
by whom and from where they were loaded and the items each changed; :meth:`Plans.version`
reads one back and :meth:`Plans.history` all of them, as the plan's history
(:class:`koers.plan.history.PlanHistory`) that judges a past year against its own targets.
A stored document the current model cannot read any more is left out of the history and
named when asked for by number."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, func, select

from koers.errors import NotFoundError
from koers.plan.history import PlanHistory, PlanVersion
from koers.plan.model import LIST_SECTIONS, Plan
from koers.store import schema as t
from koers.store.base import StoreError, current_user, digest


@dataclass(frozen=True)
class PlanChange:
    section: str
    item_id: str
    change: str  # added / removed / changed
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.change} {self.section} {self.item_id}{detail}"


@dataclass(frozen=True)
class PlanLoad:
    programme: str
    version: int
    changes: tuple[PlanChange, ...]

    @property
    def unchanged(self) -> bool:
        return not self.changes


@dataclass(frozen=True)
class VersionInfo:
    """One stored version: when, by whom and from where it was loaded, what it changed."""

    version: int
    loaded_at: datetime
    loaded_by: str | None
    source: str | None
    valid_from: int | None
    changes: tuple[PlanChange, ...]


class Plans:
    """The plans of every programme in the store, inside one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def programme_ids(self) -> list[str]:
        return list(self.c.scalars(select(t.programmes.c.id).order_by(t.programmes.c.id)))

    def latest(self, programme: str) -> Plan:
        document = self.c.scalar(
            select(t.plan_versions.c.document)
            .where(t.plan_versions.c.programme_id == programme)
            .order_by(t.plan_versions.c.version.desc())
            .limit(1)
        )
        return Plan.model_validate(document)

    def save(self, plan: Plan, *, source: str | None = None, user: str | None = None) -> PlanLoad:
        """Store the plan; unchanged plans change nothing, changed ones get a new version."""
        c = self.c
        document = plan.model_dump(mode="json")
        plan_digest = digest(document)
        pid = plan.programme.id
        row = c.execute(select(t.programmes).where(t.programmes.c.id == pid)).first()
        if row is not None and row.digest == plan_digest:
            return PlanLoad(pid, row.version, ())
        version = 1 if row is None else row.version + 1
        if row is None:
            c.execute(
                t.programmes.insert().values(
                    id=pid, name=plan.programme.name, version=version, digest=plan_digest
                )
            )
        else:
            c.execute(
                t.programmes.update()
                .where(t.programmes.c.id == pid)
                .values(name=plan.programme.name, version=version, digest=plan_digest)
            )
        changes = _sync_items(c, pid, document)
        _sync_areas(c, pid, plan)
        _sync_indicators(c, pid, plan)
        c.execute(
            t.plan_versions.insert().values(
                programme_id=pid,
                version=version,
                digest=plan_digest,
                source=source,
                loaded_at=datetime.now(UTC),
                loaded_by=user or current_user(),
                document=document,
            )
        )
        if changes:
            c.execute(
                t.plan_changes.insert(),
                [
                    {
                        "programme_id": pid,
                        "version": version,
                        "section": ch.section,
                        "item_id": ch.item_id,
                        "change": ch.change,
                        "fields": list(ch.fields),
                    }
                    for ch in changes
                ],
            )
        return PlanLoad(pid, version, tuple(changes))

    def versions(self, programme: str) -> list[VersionInfo]:
        """Every stored version, oldest first."""
        changes: dict[int, list[PlanChange]] = {}
        for number, change in self.changes(programme):
            changes.setdefault(number, []).append(change)
        rows = self.c.execute(
            select(
                t.plan_versions.c.version,
                t.plan_versions.c.loaded_at,
                t.plan_versions.c.loaded_by,
                t.plan_versions.c.source,
                t.plan_versions.c.document,
            )
            .where(t.plan_versions.c.programme_id == programme)
            .order_by(t.plan_versions.c.version)
        )
        return [
            VersionInfo(
                r.version,
                r.loaded_at,
                r.loaded_by,
                r.source,
                (r.document.get("programme") or {}).get("valid_from"),
                tuple(changes.get(r.version, ())),
            )
            for r in rows
        ]

    def version(self, programme: str, number: int) -> Plan:
        """Version ``number`` of the plan as it was loaded."""
        document = self.c.scalar(
            select(t.plan_versions.c.document).where(
                t.plan_versions.c.programme_id == programme,
                t.plan_versions.c.version == number,
            )
        )
        if document is None:
            raise NotFoundError(f"planversie {number} staat niet in de database")
        try:
            return Plan.model_validate(document)
        except ValidationError:
            raise StoreError(
                f"planversie {number} is met deze versie van koers niet meer te lezen"
            ) from None

    def history(self, programme: str) -> PlanHistory:
        """Every readable version, oldest first, as the plan's history."""
        versions = []
        rows = self.c.execute(
            select(t.plan_versions)
            .where(t.plan_versions.c.programme_id == programme)
            .order_by(t.plan_versions.c.version)
        )
        for r in rows:
            try:
                plan = Plan.model_validate(r.document)
            except ValidationError:
                continue  # an older model's document: it cannot judge, so it is left out
            versions.append(PlanVersion(r.version, plan, r.loaded_at, r.loaded_by, r.source))
        return PlanHistory(versions)

    def changes(self, programme: str) -> list[tuple[int, PlanChange]]:
        rows = self.c.execute(
            select(t.plan_changes)
            .where(t.plan_changes.c.programme_id == programme)
            .order_by(t.plan_changes.c.id)
        )
        return [
            (r.version, PlanChange(r.section, r.item_id, r.change, tuple(r.fields or ())))
            for r in rows
        ]


def _item_rows(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    rows = {("programme", document["programme"]["id"]): document["programme"]}
    for section in LIST_SECTIONS:
        for item in document[section]:
            rows[(section, item["id"])] = item
    return rows


def _sync_items(c: Connection, pid: str, document: dict[str, Any]) -> list[PlanChange]:
    """Bring plan_items in line with the document and say what changed."""
    new = _item_rows(document)
    old = {
        (r.section, r.item_id): r
        for r in c.execute(select(t.plan_items).where(t.plan_items.c.programme_id == pid))
    }
    changes: list[PlanChange] = []
    for key, data in new.items():
        values = {
            "name": data.get("name") or data.get("text"),
            "pillar_id": data.get("pillar"),
            "digest": digest(data),
            "data": data,
        }
        before = old.get(key)
        if before is None:
            c.execute(
                t.plan_items.insert().values(
                    programme_id=pid, section=key[0], item_id=key[1], **values
                )
            )
            changes.append(PlanChange(key[0], key[1], "added"))
        elif before.digest != values["digest"]:
            c.execute(
                t.plan_items.update()
                .where(
                    t.plan_items.c.programme_id == pid,
                    t.plan_items.c.section == key[0],
                    t.plan_items.c.item_id == key[1],
                )
                .values(**values)
            )
            fields = sorted(k for k in {*data, *before.data} if data.get(k) != before.data.get(k))
            changes.append(PlanChange(key[0], key[1], "changed", tuple(fields)))
    for key in old.keys() - new.keys():
        c.execute(
            t.plan_items.delete().where(
                t.plan_items.c.programme_id == pid,
                t.plan_items.c.section == key[0],
                t.plan_items.c.item_id == key[1],
            )
        )
        changes.append(PlanChange(key[0], key[1], "removed"))
    return sorted(changes, key=lambda ch: (ch.section, ch.item_id))


_ROWS_NAMED = {
    "observations": "cijfers",
    "boundaries": "grenzen",
    "alliance_meetings": "gesprekken",
}


def _refuse_orphans(c: Connection, pid: str, column: Any, kept: Iterable[str], what: str) -> None:
    """Refuse a plan that drops items which stored figures or boundaries refer to."""
    orphans = c.execute(
        select(column, func.count())
        .where(column.table.c.programme_id == pid, column.not_in(list(kept)))
        .group_by(column)
    ).all()
    if orphans:
        rows = _ROWS_NAMED[column.table.name]
        listed = ", ".join(f"'{key}' ({n} {rows})" for key, n in orphans)
        raise StoreError(
            f"het nieuwe plan verwijdert {what} waar {rows} naar verwijzen: {listed}; "
            f"houd ze in het plan of maak die imports eerst ongedaan"
        )


def _sync_areas(c: Connection, pid: str, plan: Plan) -> None:
    kept = [a.id for a in plan.areas]
    _refuse_orphans(c, pid, t.observations.c.area_id, kept, "gebieden")
    _refuse_orphans(c, pid, t.boundaries.c.area_id, kept, "gebieden")
    _refuse_orphans(c, pid, t.alliance_meetings.c.area_id, kept, "gebieden")
    c.execute(t.area_members.delete().where(t.area_members.c.programme_id == pid))
    _sync_table(
        c,
        t.areas,
        pid,
        {
            a.id: {
                "name": a.name,
                "kind": a.kind.value,
                "cbs_code": a.cbs_code,
                "parent_id": a.parent,
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
            }
            for a in plan.areas
        },
    )
    members = [
        {"programme_id": pid, "group_id": a.id, "member_id": m, "sign": sign}
        for a in plan.areas
        for sign, ids in ((1, a.members), (-1, a.minus))
        for m in ids
    ]
    if members:
        c.execute(t.area_members.insert(), members)


def _sync_indicators(c: Connection, pid: str, plan: Plan) -> None:
    _refuse_orphans(
        c, pid, t.observations.c.indicator_id, [i.id for i in plan.indicators], "indicatoren"
    )
    _sync_table(
        c,
        t.indicators,
        pid,
        {
            i.id: {
                "name": i.name,
                "kind": i.kind.value,
                "pillar_id": i.pillar,
                "unit": i.unit.value,
                "polarity": i.polarity.value,
                "target_kind": i.target.kind if i.target else None,
            }
            for i in plan.indicators
        },
    )


def _sync_table(c: Connection, table: Any, pid: str, rows: dict[str, dict[str, Any]]) -> None:
    """Update, insert and delete ``table``'s rows of this programme to match ``rows``."""
    key = table.c.programme_id == pid
    existing = set(c.scalars(select(table.c.id).where(key)))
    for item_id, values in rows.items():
        if item_id in existing:
            c.execute(table.update().where(key, table.c.id == item_id).values(**values))
        else:
            c.execute(table.insert().values(programme_id=pid, id=item_id, **values))
    gone = existing - rows.keys()
    if gone:
        c.execute(table.delete().where(key, table.c.id.in_(gone)))
