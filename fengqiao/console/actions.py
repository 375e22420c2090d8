"""Writes made from the administration pages (区划与网格、网格员), each audited in its transaction.

Only the attributes listed in EDITABLE_REGION_FIELDS may change here: names, codes and the tree
itself change through versioned RegionChange actions in the regions app, never by editing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fengqiao.accounts.models import Role, User
from fengqiao.audit.actions import record
from fengqiao.core.pii import blind_index
from fengqiao.regions.models import GridWorker, Level, Region

EDITABLE_REGION_FIELDS: dict[int, tuple[str, ...]] = {
    Level.VILLAGE: ("urban_rural", "households"),
    Level.GRID: ("grid_type", "households"),
}
EDITABLE_WORKER_FIELDS = ("status", "is_full_time")


def editable_fields(region: Region) -> tuple[str, ...]:
    return EDITABLE_REGION_FIELDS.get(region.level, ())


@transaction.atomic
def do_update_region_attributes(
    region: Region, *, actor: User, changes: dict[str, Any], actor_region: str = ""
) -> Region:
    """Change a village's or grid's descriptive attributes; other fields are refused."""
    allowed = editable_fields(region)
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"fields not editable at level {region.level}: {sorted(unknown)}")
    locked = Region.objects.select_for_update().get(pk=region.pk)
    before = {name: getattr(locked, name) for name in changes}
    changed = {name: value for name, value in changes.items() if before[name] != value}
    if changed:
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changed))
        record(
            "region.update",
            actor=actor,
            obj=locked,
            role=Role.REGION_ADMIN,
            region_code=actor_region,
            data={
                "before": {name: before[name] for name in changed},
                "after": changed,
            },
        )
    return locked


@transaction.atomic
def do_update_grid_worker(
    worker: GridWorker,
    *,
    actor: User,
    changes: dict[str, Any],
    phone: str | None = None,
    actor_region: str = "",
) -> GridWorker:
    """Change a grid worker's status, full-time flag or phone (None: phone unchanged).

    The audit row names the fields that changed; a new phone is recorded only as "changed"
    (AUD-02: no personal information in the log)."""
    unknown = set(changes) - set(EDITABLE_WORKER_FIELDS)
    if unknown:
        raise ValueError(f"grid worker fields not editable: {sorted(unknown)}")
    locked = GridWorker.objects.select_for_update().get(pk=worker.pk)
    before = {name: getattr(locked, name) for name in changes}
    changed = {name: value for name, value in changes.items() if before[name] != value}
    update_fields = list(changed)
    for name, value in changed.items():
        setattr(locked, name, value)
    phone_changed = phone is not None and phone != locked.phone
    if phone_changed:
        assert phone is not None
        locked.phone = phone
        locked.phone_index = blind_index(phone) if phone else ""
        update_fields += ["phone", "phone_index"]
    if update_fields:
        locked.save(update_fields=update_fields)
        record(
            "grid_worker.update",
            actor=actor,
            obj=locked,
            role=Role.REGION_ADMIN,
            region_code=actor_region,
            data={
                "before": {name: before[name] for name in changed},
                "after": changed,
                "phone_changed": phone_changed,
            },
        )
    return locked
