"""Every write to a visit task: `@transaction.atomic`, keyword-only `actor`, an audit row in the
same transaction. Refusals are the cases app's bilingual errors (403 not allowed, 409 already
recorded, 422 a field), so the console and any API show the same Chinese messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import Role, User
from fengqiao.accounts.scope import scope_paths
from fengqiao.audit.actions import record
from fengqiao.cases.errors import CaseError, Invalid, NotAllowed, field_error
from fengqiao.cases.models import Case
from fengqiao.regions.models import GridWorker, Level, Region
from fengqiao.visits.models import VisitKind, VisitResult, VisitStatus, VisitTask
from fengqiao.visits.selectors import CREATOR_ROLES, GRID_ROLES


class AlreadyRecorded(CaseError):
    """The visit was recorded already (by this worker on a retry, or by a colleague)."""

    http_status = 409


def _acts_over(actor: User, region: Region, roles: frozenset[str]) -> bool:
    return any(region.path.startswith(p) for p in scope_paths(actor, act=True, roles=roles))


def _on_one_line(a: Region, b: Region) -> bool:
    return a.path.startswith(b.path) or b.path.startswith(a.path)


@dataclass
class VisitDraft:
    """What an operator enters for a new visit task."""

    grid: Region
    kind: str
    target: str
    due_on: dt.date
    instructions: str = ""
    worker: GridWorker | None = None
    case: Case | None = None


def _check_draft(draft: VisitDraft, today: dt.date) -> None:
    errors = []
    if draft.grid.level != Level.GRID or draft.grid.retired_on is not None:
        errors.append(field_error("grid", "请选择现行网格", "choose a current grid"))
    if draft.kind not in VisitKind.values:
        errors.append(field_error("kind", "走访类型无效", "invalid kind"))
    if len(draft.target.strip()) < 2:
        errors.append(field_error("target", "请写明走访的户或场所", "name the household or place"))
    if draft.due_on < today:
        errors.append(field_error("due_on", "走访期限不能早于今天", "due date in the past"))
    if (
        draft.worker is not None
        and not draft.worker.assignments.filter(grid_id=draft.grid.pk).exists()
    ):
        errors.append(field_error("worker", "该网格员不在所选网格服务", "not a worker of the grid"))
    if draft.case is not None and not _on_one_line(draft.case.region, draft.grid):
        errors.append(field_error("case", "相关事项不在该网格", "case outside the grid"))
    if errors:
        raise Invalid("走访任务有误。", "Invalid visit task.", errors)


@transaction.atomic
def do_create_visit_task(draft: VisitDraft, *, actor: User) -> VisitTask:
    """派发走访任务: an operator or region administrator acting over the grid."""
    if not _acts_over(actor, draft.grid, CREATOR_ROLES):
        raise NotAllowed(
            "只有该网格所在区域的受理人员或区域管理员可以派发走访任务。",
            "Only an operator or administrator of the grid's area may create visit tasks.",
        )
    _check_draft(draft, timezone.localdate())
    task = VisitTask.objects.create(
        grid=draft.grid,
        worker=draft.worker,
        kind=draft.kind,
        target=draft.target.strip(),
        instructions=draft.instructions.strip()[:300],
        due_on=draft.due_on,
        case=draft.case,
        created_by=actor,
    )
    record(
        "visit.create",
        actor=actor,
        obj=task,
        region_code=draft.grid.code,
        data={
            "kind": draft.kind,
            "due_on": draft.due_on.isoformat(),
            "worker": draft.worker.number if draft.worker else "",
            "case": draft.case.receipt_no if draft.case else "",
        },
    )
    return task


def _check_point(latitude: Decimal | None, longitude: Decimal | None) -> None:
    errors = []
    if (latitude is None) != (longitude is None):
        errors.append(
            field_error("latitude", "经纬度须同时提供", "latitude and longitude together")
        )
    if latitude is not None and not Decimal(-90) <= latitude <= Decimal(90):
        errors.append(field_error("latitude", "纬度超出范围", "latitude out of range"))
    if longitude is not None and not Decimal(-180) <= longitude <= Decimal(180):
        errors.append(field_error("longitude", "经度超出范围", "longitude out of range"))
    if errors:
        raise Invalid("定位数据有误。", "Invalid GPS point.", errors)


@transaction.atomic
def do_record_visit(
    task: VisitTask,
    *,
    actor: User,
    result: str,
    note_text: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> VisitTask:
    """记录走访: a grid worker of the task's grid (the named one, when one is named) records the
    result, an optional GPS point and a note — once; a second record is refused (409)."""
    locked = (
        VisitTask.objects.select_for_update(of=("self",))
        .select_related("grid", "worker")
        .get(pk=task.pk)
    )
    mine = locked.worker is None or locked.worker.user_id == actor.pk
    if not (_acts_over(actor, locked.grid, GRID_ROLES) and mine):
        raise NotAllowed(
            "只有该网格的网格员（或指定的网格员）可以记录这次走访。",
            "Only a grid worker of the task's grid may record this visit.",
        )
    if locked.status != VisitStatus.PENDING:
        raise AlreadyRecorded("这次走访已经记录过了。", "This visit has been recorded already.")
    errors = []
    if result not in VisitResult.values:
        errors.append(field_error("result", "请选择走访结果", "choose a result"))
    if result in (VisitResult.ISSUE, VisitResult.ABSENT) and len(note_text.strip()) < 2:
        errors.append(field_error("note", "发现问题或未遇到时请写明情况", "describe what happened"))
    if errors:
        raise Invalid("走访记录有误。", "Invalid visit record.", errors)
    _check_point(latitude, longitude)
    worker = GridWorker.objects.filter(user=actor).first()
    locked.status = VisitStatus.DONE
    locked.result = result
    locked.note = note_text.strip()
    locked.latitude, locked.longitude = latitude, longitude
    locked.visited_at = timezone.now()
    locked.visited_by = actor
    locked.save(
        update_fields=[
            "status",
            "result",
            "note",
            "latitude",
            "longitude",
            "visited_at",
            "visited_by",
        ]
    )
    record(
        "visit.record",
        actor=actor,
        obj=locked,
        role=Role.GRID_WORKER,
        region_code=locked.grid.code,
        data={
            "result": result,
            "located": latitude is not None,
            "worker": worker.number if worker else "",
            "late": timezone.localdate() > locked.due_on,
        },
    )
    return locked
