"""Every write to units and the 派单目录, each audited in its transaction (AC-03, AUD-01).

Who may write: an administrator acting (`can_act`) as 区域管理员 or 系统管理员, and only inside
their own region subtree (`UNIT_ADMIN_ROLES`, `accounts.policy.admin_paths`). A unit outside the
subtree is "not found" (404, AC-02); placing a unit, a parent or a catalogue entry outside it is
refused (403) and the refusal is audited after the rollback (`refusals_audited`).

The 派单目录 is versioned per region subtree (`CatalogueVersion`): entries are never edited in
place. `do_publish_catalogue` copies the latest version of a region, applies the changes (set or
remove the entry of one category at one region) and saves the result as the next version; the
routing (`cases.routing`) uses the latest version in force on a date, so earlier cases keep the
version they were dispatched under.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from fengqiao.accounts.models import Role, User
from fengqiao.accounts.policy import admin_paths
from fengqiao.audit.actions import record, refusals_audited
from fengqiao.core.errors import ActionError
from fengqiao.regions.models import Region
from fengqiao.units.models import CatalogueEntry, CatalogueVersion, Category, Unit, UnitType

# The roles that administer units and the 派单目录 of their subtree.
UNIT_ADMIN_ROLES = frozenset({Role.REGION_ADMIN, Role.SYSTEM_ADMIN})
UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
EDITABLE_UNIT_FIELDS = (
    "name",
    "unit_type",
    "region",
    "parent",
    "contact_name",
    "contact_phone",
    "is_active",
)


def unit_admin_paths(actor: User) -> list[str]:
    """The subtrees in which `actor` administers units and catalogues."""
    return admin_paths(actor, UNIT_ADMIN_ROLES)


def _inside(region: Region, paths: list[str]) -> bool:
    return any(region.path.startswith(path) for path in paths)


def _require_admin(actor: User, action_target: str) -> list[str]:
    paths = unit_admin_paths(actor)
    if not paths:
        raise ActionError(
            403,
            "您无权管理单位和派单目录。",
            "You may not administer units or the dispatch catalogue.",
            code="not_unit_admin",
            object_type=action_target,
        )
    return paths


def _out_of_scope(what: str, field_name: str, target: Any = None) -> ActionError:
    return ActionError(
        403,
        f"{what}超出您的管辖范围。",
        "Outside your administrative subtree.",
        code="out_of_scope",
        field=field_name,
        target=target,
    )


def _check_placement(
    paths: list[str], *, region: Region, parent: Unit | None, unit: Unit | None = None
) -> None:
    if not _inside(region, paths):
        raise _out_of_scope("所在区划", "region", unit)
    if parent is None:
        return
    if not _inside(parent.region, paths):
        raise _out_of_scope("上级单位", "parent", unit)
    if unit is not None:
        ancestor: Unit | None = parent
        while ancestor is not None:
            if ancestor.pk == unit.pk:
                raise ActionError(
                    400,
                    "上级单位不能是本单位或其下级单位。",
                    "A unit cannot be its own ancestor.",
                    code="cycle",
                    field="parent",
                )
            ancestor = ancestor.parent


def _unit_data(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "unit_type": unit.unit_type,
        "region": unit.region.code,
        "parent": unit.parent.code if unit.parent else None,
        "is_active": unit.is_active,
    }


@refusals_audited("unit.create")
def do_create_unit(
    *,
    actor: User,
    code: str,
    name: str,
    unit_type: str,
    region: Region,
    parent: Unit | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> Unit:
    """Create a unit anchored at a region of the actor's subtree (its parent unit, if any,
    anchored there too). Unit codes are unique."""
    paths = _require_admin(actor, "units.unit")
    if unit_type not in UnitType.values:
        raise ActionError(400, "未知单位类型。", "Unknown unit type.", field="unit_type")
    if not UNIT_CODE.match(code):
        raise ActionError(
            400,
            "单位编码须为 1–40 个字母、数字或 . _ - 字符，以字母或数字开头。",
            "Unit codes are 1–40 letters, digits or . _ -.",
            code="invalid",
            field="code",
        )
    if not name.strip():
        raise ActionError(400, "请填写单位名称。", "Name the unit.", code="required", field="name")
    _check_placement(paths, region=region, parent=parent)
    if Unit.objects.filter(code__iexact=code).exists():
        raise ActionError(
            409, "单位编码已被使用。", "This unit code is taken.", code="taken", field="code"
        )
    try:
        with transaction.atomic():
            unit = Unit.objects.create(
                code=code,
                name=name.strip(),
                unit_type=unit_type,
                region=region,
                parent=parent,
                contact_name=contact_name,
                contact_phone=contact_phone,
            )
    except IntegrityError:
        raise ActionError(
            409, "单位编码已被使用。", "This unit code is taken.", code="taken", field="code"
        ) from None
    record("unit.create", actor=actor, obj=unit, data=_unit_data(unit))
    return unit


@refusals_audited("unit.update")
def do_update_unit(unit: Unit, *, actor: User, changes: dict[str, Any]) -> Unit:
    """Change a unit of the actor's subtree (name, type, region, parent, contact, active); the
    code stays. A unit moved or re-parented must stay inside the subtree."""
    paths = _require_admin(actor, "units.unit")
    unknown = set(changes) - set(EDITABLE_UNIT_FIELDS)
    if unknown:
        raise ValueError(f"unit fields not editable: {sorted(unknown)}")
    locked = (
        Unit.objects.select_for_update(of=("self",))
        .select_related("region", "parent")
        .get(pk=unit.pk)
    )
    if not _inside(locked.region, paths):
        raise ActionError(404, "未找到。", "Not found.", code="out_of_scope", target=locked)
    if "unit_type" in changes and changes["unit_type"] not in UnitType.values:
        raise ActionError(400, "未知单位类型。", "Unknown unit type.", field="unit_type")
    if "name" in changes and not str(changes["name"]).strip():
        raise ActionError(400, "请填写单位名称。", "Name the unit.", code="required", field="name")
    region = changes.get("region", locked.region)
    parent = changes.get("parent", locked.parent)
    _check_placement(paths, region=region, parent=parent, unit=locked)
    before = _unit_data(locked)
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, changes[name])
    locked.save(update_fields=changed)
    after = _unit_data(locked)
    record(
        "unit.update",
        actor=actor,
        obj=locked,
        data={
            "before": {k: v for k, v in before.items() if after[k] != v},
            "after": {k: v for k, v in after.items() if before[k] != v},
            "fields": sorted(changed),
        },
    )
    return locked


@dataclass(frozen=True)
class EntryChange:
    """Set (lead unit given) or remove (lead unit None) the entry of a category at a region."""

    category: Category
    region: Region
    lead_unit: Unit | None
    co_units: list[Unit] = field(default_factory=list)


def latest_version(region: Region) -> CatalogueVersion | None:
    """The region's catalogue version with the highest number (whatever its dates)."""
    return CatalogueVersion.objects.filter(region=region).order_by("-version").first()


def _check_entry(paths: list[str], catalogue_region: Region, change: EntryChange) -> None:
    if not change.region.path.startswith(catalogue_region.path):
        raise ActionError(
            400,
            "条目的适用区划须在本目录的区划范围内。",
            "The entry's region must lie inside the catalogue's region.",
            code="entry_outside_catalogue",
            field="region",
        )
    if change.lead_unit is None:
        return
    if not _inside(change.lead_unit.region, paths):
        raise _out_of_scope("主办单位", "lead_unit")
    if not change.lead_unit.is_active:
        raise ActionError(
            400,
            "主办单位已停用。",
            "The lead unit is inactive.",
            code="inactive",
            field="lead_unit",
        )
    for unit in change.co_units:
        if not _inside(unit.region, paths):
            raise _out_of_scope("协办单位", "co_units")
        if unit.pk == change.lead_unit.pk:
            raise ActionError(
                400,
                "协办单位不能与主办单位相同。",
                "A co-unit cannot also be the lead unit.",
                code="lead_is_co",
                field="co_units",
            )


@refusals_audited("catalogue.publish")
def do_publish_catalogue(
    *,
    actor: User,
    region: Region,
    effective_from: dt.date,
    changes: list[EntryChange],
    issued_by: str = "",
    note: str = "",
) -> CatalogueVersion:
    """Publish the next version of `region`'s 派单目录: the latest version's entries with
    `changes` applied. The region, every entry and every unit named must lie in the actor's
    subtree; the new version may not take effect before the latest one does."""
    paths = _require_admin(actor, "units.catalogueversion")
    if not _inside(region, paths):
        raise _out_of_scope("目录区划", "region")
    if not changes:
        raise ActionError(400, "没有要修改的条目。", "Nothing to change.", code="empty")
    previous = latest_version(region)
    if previous is not None and effective_from < previous.effective_from:
        raise ActionError(
            400,
            f"生效日期不能早于现行版本 v{previous.version} 的生效日期"
            f"（{previous.effective_from.isoformat()}）。",
            "The new version cannot take effect before the latest one.",
            code="too_early",
            field="effective_from",
        )
    for change in changes:
        _check_entry(paths, region, change)
    Region.objects.select_for_update().filter(pk=region.pk).first()  # serialise publications
    number = (CatalogueVersion.objects.filter(region=region).aggregate(v=Max("version"))["v"]) or 0
    try:
        with transaction.atomic():
            version = CatalogueVersion.objects.create(
                region=region,
                version=number + 1,
                effective_from=effective_from,
                issued_by=issued_by[:120],
                note=note[:200],
            )
    except IntegrityError:
        raise ActionError(
            409,
            "目录已被他人同时修改，请刷新后重试。",
            "The catalogue changed meanwhile; reload and try again.",
            code="conflict",
        ) from None
    wanted: dict[tuple[int, int], tuple[int, list[int]]] = {}
    if previous is not None:
        for entry in previous.entries.prefetch_related("co_units"):
            wanted[(entry.category_id, entry.region_id)] = (
                entry.lead_unit_id,
                [u.pk for u in entry.co_units.all()],
            )
    removed = 0
    for change in changes:
        key = (change.category.pk, change.region.pk)
        if change.lead_unit is None:
            if key not in wanted:
                raise ActionError(
                    400,
                    "现行目录中没有该条目，无法删除。",
                    "The latest version has no such entry.",
                    code="no_entry",
                    field="category",
                )
            del wanted[key]
            removed += 1
        else:
            wanted[key] = (change.lead_unit.pk, [u.pk for u in change.co_units])
    for (category_id, region_id), (lead_id, co_ids) in wanted.items():
        entry = CatalogueEntry.objects.create(
            catalogue=version, category_id=category_id, region_id=region_id, lead_unit_id=lead_id
        )
        entry.co_units.set(co_ids)
    record(
        "catalogue.publish",
        actor=actor,
        obj=version,
        data={
            "region": region.code,
            "version": version.version,
            "previous": previous.version if previous else None,
            "effective_from": effective_from.isoformat(),
            "entries": len(wanted),
            "changes": [
                {
                    "category": c.category.code,
                    "region": c.region.code,
                    "lead_unit": c.lead_unit.code if c.lead_unit else None,
                    "co_units": [u.code for u in c.co_units],
                }
                for c in changes
            ],
            "removed": removed,
        },
    )
    return version
