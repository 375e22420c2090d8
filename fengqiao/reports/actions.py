"""The writes of the reports app: report schedules, pack generation and retention, pack
downloads, and the rollup rebuild. Each is audited in its own transaction.

The per-case rollup sync (sync.py) is derived-data maintenance, not a business write: it
follows an action that has already written its own audit row, so it writes none."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from fengqiao.accounts.models import BUSINESS_ROLES, Role, User
from fengqiao.accounts.scope import scope_paths
from fengqiao.audit.actions import record
from fengqiao.regions.models import Region
from fengqiao.reports import packs, sync
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.models import Cadence, ReportPack, ReportSchedule
from fengqiao.reports.periods import Period


class ScheduleRefused(ValueError):
    """A schedule the rules refuse; `errors` holds per-field Chinese messages."""

    def __init__(self, errors: list[dict[str, str]], *, forbidden: bool = False) -> None:
        self.errors = errors
        self.forbidden = forbidden
        super().__init__("；".join(e["message"] for e in errors))


@transaction.atomic
def do_create_schedule(
    *,
    actor: User,
    region: Region,
    cadence: str,
    audience_roles: Sequence[str],
    tables: Sequence[str] = (),
    issuer: str = "",
) -> ReportSchedule:
    """A standing order for monthly or weekly packs of an area, by a region administrator
    acting over that area; the audience is a set of business roles."""
    paths = scope_paths(actor, act=True, roles=frozenset({Role.REGION_ADMIN}))
    if not any(region.path.startswith(p) for p in paths):
        raise ScheduleRefused(
            [{"field": "region", "message": "只有该区划的区域管理员可以设置定期报表。"}],
            forbidden=True,
        )
    errors = []
    if cadence not in Cadence.values:
        errors.append({"field": "cadence", "message": "周期应为 monthly 或 weekly。"})
    if cadence == Cadence.WEEKLY and region.level > packs.WEEKLY_MAX_LEVEL:
        errors.append({"field": "cadence", "message": "周报只能按省、市（州）设置。"})
    roles = sorted(set(audience_roles))
    if not roles or any(r not in BUSINESS_ROLES for r in roles):
        errors.append({"field": "audience_roles", "message": "可阅读角色须为业务角色。"})
    unknown = [t for t in tables if t not in TABLES]
    if unknown:
        errors.append({"field": "tables", "message": f"未知的报表：{'、'.join(unknown)}。"})
    if ReportSchedule.objects.filter(region=region, cadence=cadence, is_active=True).exists():
        errors.append({"field": "cadence", "message": "该区划已有同一周期的定期报表。"})
    if errors:
        raise ScheduleRefused(errors)
    schedule = ReportSchedule.objects.create(
        region=region,
        cadence=cadence,
        audience_roles=roles,
        tables=list(tables),
        issuer=issuer[:100],
        created_by=actor,
    )
    record(
        "report.schedule",
        actor=actor,
        obj=schedule,
        data={"region": region.code, "cadence": cadence, "audience": roles},
        region_code=region.code,
    )
    return schedule


@transaction.atomic
def do_stop_schedule(schedule: ReportSchedule, *, actor: User) -> ReportSchedule:
    """Stop a schedule (its packs stay readable until retention ends)."""
    paths = scope_paths(actor, act=True, roles=frozenset({Role.REGION_ADMIN}))
    if not any(schedule.region.path.startswith(p) for p in paths):
        raise ScheduleRefused([{"field": "id", "message": "无权停用该定期报表。"}], forbidden=True)
    ReportSchedule.objects.filter(pk=schedule.pk).update(is_active=False)
    schedule.is_active = False
    record("report.schedule_stop", actor=actor, obj=schedule, region_code=schedule.region.code)
    return schedule


def do_generate_pack(schedule: ReportSchedule, period: Period) -> ReportPack | None:
    """Generate one pack (files first, then the row and its audit entry in one transaction);
    None if another run made it meanwhile (its files are then removed)."""
    files, label = packs.render(schedule, period)
    try:
        with transaction.atomic():
            pack = ReportPack.objects.create(
                schedule=schedule,
                region=schedule.region,
                period=period.code,
                period_label=label,
                files=files,
            )
            record(
                "report.pack",
                obj=pack,
                data={"region": schedule.region.code, "period": period.code, "files": len(files)},
                region_code=schedule.region.code,
            )
    except IntegrityError:
        packs.discard(files)
        return None
    return pack


@transaction.atomic
def do_purge_packs(*, before: datetime) -> int:
    """Delete the files of packs generated before `before`; the rows stay as history."""
    old = list(ReportPack.objects.filter(generated_at__lt=before).exclude(files=[]))
    for pack in old:
        packs.discard(pack.files)
    if old:
        ReportPack.objects.filter(pk__in=[p.pk for p in old]).update(files=[])
        record("report.pack_purge", data={"packs": len(old)})
    return len(old)


@transaction.atomic
def do_record_pack_download(*, actor: User, pack: ReportPack, item: dict[str, Any]) -> None:
    """Audit a pack file download."""
    record(
        "report.pack_download",
        actor=actor,
        obj=pack,
        data={"period": pack.period, "file": item.get("name", ""), "size": item.get("size", 0)},
        region_code=pack.region.code,
    )


def do_rebuild_rollups(*, actor: User | None) -> sync.Rebuilt:
    """Recompute every rollup from the raw tables (after bulk loads, for repair)."""
    result = sync.rebuild()
    record("report.rebuild", actor=actor, data={"cases": result.cases, "keys": result.keys})
    return result
