"""Writes to the grid workers (网格员): bulk import, updates and the 网格长 of a grid.

Phones are stored encrypted (`EncryptedTextField`) with a blind index for lookups, and reach
the audit log masked only (AUD-02, PII-01).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from fengqiao.accounts.models import User
from fengqiao.audit.actions import record
from fengqiao.core.pii import blind_index, is_valid_mobile, mask_phone
from fengqiao.regions.actions.territory import RegionChangeError
from fengqiao.regions.models import GridAssignment, GridWorker, GridWorkerStatus, Region

LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
WORKER_FIELDS = frozenset({"name", "phone", "status", "is_full_time"})


def is_valid_phone(value: str) -> bool:
    """A mainland mobile number or a landline with area code (0931-8123456)."""
    return is_valid_mobile(value) or bool(LANDLINE_RE.match(value))


@dataclass(frozen=True)
class WorkerSpec:
    """One grid worker to create, with the grids served (codes) and the 网格长 flag."""

    number: str
    name: str
    phone: str
    grid_codes: tuple[str, ...]
    is_chief: bool = False
    status: str = GridWorkerStatus.ACTIVE
    is_full_time: bool = True


@transaction.atomic
def do_import_grid_workers(
    specs: Sequence[WorkerSpec], *, actor: User | None, source: str
) -> list[GridWorker]:
    """Create workers and their grid assignments in bulk (callers validate first; the
    one-chief-per-grid constraint still guards the database)."""
    workers = GridWorker.objects.bulk_create(
        [
            GridWorker(
                number=spec.number,
                name=spec.name,
                phone=spec.phone,
                phone_index=blind_index(spec.phone) if spec.phone else "",
                status=spec.status,
                is_full_time=spec.is_full_time,
            )
            for spec in specs
        ]
    )
    pk_by_number = dict(
        GridWorker.objects.filter(number__in=[spec.number for spec in specs]).values_list(
            "number", "pk"
        )
    )
    all_codes = {code for spec in specs for code in spec.grid_codes}
    grid_by_code = dict(Region.objects.filter(code__in=all_codes).values_list("code", "pk"))
    GridAssignment.objects.bulk_create(
        [
            GridAssignment(
                worker_id=pk_by_number[spec.number],
                grid_id=grid_by_code[code],
                is_chief=spec.is_chief,
            )
            for spec in specs
            for code in spec.grid_codes
        ]
    )
    record(
        "grid_worker.import",
        actor=actor,
        object_type="regions.gridworker",
        data={"source": source, "created": len(workers)},
    )
    return workers


@transaction.atomic
def do_update_grid_worker(
    worker: GridWorker, *, actor: User | None, changes: Mapping[str, Any]
) -> GridWorker:
    """Change a worker's name, phone, status or 专职 flag; the phone index follows the phone
    and the audit row carries the masked phone only."""
    unknown = set(changes) - WORKER_FIELDS
    if unknown:
        raise RegionChangeError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    phone = changes.get("phone")
    if phone and not is_valid_phone(str(phone)):
        raise RegionChangeError(f"电话号码“{mask_phone(str(phone))}”格式不正确。")
    for name, value in changes.items():
        setattr(worker, name, value)
    fields = list(changes)
    if "phone" in changes:
        worker.phone_index = blind_index(worker.phone) if worker.phone else ""
        fields.append("phone_index")
    worker.save(update_fields=fields)
    record(
        "grid_worker.update",
        actor=actor,
        obj=worker,
        data={
            "fields": sorted(changes),
            "phone": mask_phone(worker.phone) if "phone" in changes else None,
        },
    )
    return worker


@transaction.atomic
def do_set_chief(grid: Region, worker: GridWorker, *, actor: User | None) -> GridAssignment:
    """Make `worker` the 网格长 of `grid` (the previous chief stays as a plain member)."""
    if not grid.is_grid:
        raise RegionChangeError(f"“{grid.name}”不是网格。")
    GridAssignment.objects.filter(grid=grid, is_chief=True).exclude(worker=worker).update(
        is_chief=False
    )
    assignment, _ = GridAssignment.objects.update_or_create(
        grid=grid, worker=worker, defaults={"is_chief": True}
    )
    record("grid_worker.chief", actor=actor, obj=worker, data={"grid": grid.code})
    return assignment
