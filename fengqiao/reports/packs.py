"""Scheduled report packs: for each active `ReportSchedule`, once its period has ended, the
sweep generates the pack — the 通报 (.docx and .pdf), the tables (.xlsx) and the number
traces (.json) — and keeps it under DATA_DIR/report-packs for `pack_keep_days`.

Who may read a pack: a user holding one of the schedule's `audience_roles` in a region
subtree that contains the pack's area (accounts/scope.py with those roles). Anyone else
gets 404, as for a pack that does not exist (AC-02).
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import scope_paths
from fengqiao.documents.registry import ExportFile
from fengqiao.regions.models import Level
from fengqiao.reports import bulletin, conf, exports, periods, tables
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.models import Cadence, ReportPack, ReportSchedule
from fengqiao.reports.periods import Period
from fengqiao.reports.selectors import NotAvailable

MONTHLY_TABLES = (
    "overview", "hotline_areas", "hotline_units", "mediation_monthly", "mediation_sources",
    "petition_fields", "petition_channels", "petition_units", "petition_routing", "grid_activity",
)  # fmt: skip
WEEKLY_TABLES = ("overview",)
# Weekly figures come from the daily rollup (province … county); a weekly pack drills one
# level down, so its area is a province or a city.
WEEKLY_MAX_LEVEL = Level.CITY


def pack_dir() -> Path:
    return Path(settings.DATA_DIR) / "report-packs"


def _store(output: ExportFile) -> dict[str, Any]:
    directory = pack_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + Path(output.filename).suffix.lower()[:10]
    temporary = directory / f".{name}.part"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(output.content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, directory / name)
    return {
        "name": output.filename,
        "stored": name,
        "content_type": output.content_type,
        "size": len(output.content),
    }


def discard(files: list[dict[str, Any]]) -> None:
    for item in files:
        if item.get("stored"):
            (pack_dir() / str(item["stored"])).unlink(missing_ok=True)


def file_path(item: dict[str, Any]) -> Path:
    return pack_dir() / str(item["stored"])


def render(schedule: ReportSchedule, period: Period) -> tuple[list[dict[str, Any]], str]:
    """Generate and store the pack's files; returns (file entries, period label)."""
    region = schedule.region
    wanted = schedule.tables or (
        WEEKLY_TABLES if schedule.cadence == Cadence.WEEKLY else MONTHLY_TABLES
    )
    results: list[tables.TableResult] = []
    for table_id in wanted:
        definition = TABLES.get(table_id)
        if definition is None:
            continue
        try:
            results.append(tables.build_for(definition, region, period, limit_rows=False))
        except NotAvailable:
            continue  # not kept at this level or grain: left out of the pack
    result = bulletin.build(region, period, issuer=schedule.issuer, issued_on=timezone.localdate())
    outputs = [exports.bulletin_file(result, "docx"), exports.bulletin_file(result, "pdf")]
    if results:
        title = f"{region.name}统计报表（{period.label}）"
        outputs.append(exports.tables_file(results, "xlsx", title))
    traces = {
        "bulletin": result.traces,
        "tables": {r.definition.id: r.as_json() for r in results},
    }
    body = json.dumps(traces, ensure_ascii=False, separators=(",", ":")).encode()
    outputs.append(ExportFile(f"{result.data.title}（数字来源）.json", body, "application/json"))
    files: list[dict[str, Any]] = []
    try:
        for output in outputs:
            files.append(_store(output))
    except OSError:
        discard(files)
        raise
    return files, period.label


def due_period(schedule: ReportSchedule, now: datetime) -> Period:
    return periods.last_finished(schedule.cadence, timezone.localtime(now).date())


def run_due(now: datetime) -> int:
    """Generate every pack whose period has ended and that does not exist yet; delete files
    past retention. Running twice in a row changes nothing the second time."""
    from fengqiao.reports.actions import do_generate_pack, do_purge_packs

    made = 0
    for schedule in ReportSchedule.objects.filter(is_active=True).select_related("region"):
        period = due_period(schedule, now)
        if not ReportPack.objects.filter(schedule=schedule, period=period.code).exists():
            made += int(do_generate_pack(schedule, period) is not None)
    keep = timedelta(days=int(conf.setting("pack_keep_days")))
    return made + do_purge_packs(before=now - keep)


def readable_packs(user: User) -> QuerySet[ReportPack]:
    """Packs the user may read: a role of the schedule's audience over the pack's area."""
    allowed: list[int] = []
    paths: dict[frozenset[str], list[str]] = {}  # one scope query per audience, not per pack
    view = scope_paths(user)
    candidates = ReportPack.objects.select_related("schedule", "region").exclude(files=[])
    for pack in candidates:
        if not any(pack.region.path.startswith(p) for p in view):
            continue
        roles = frozenset(str(r) for r in pack.schedule.audience_roles)
        if roles not in paths:
            paths[roles] = scope_paths(user, roles=roles)
        if any(pack.region.path.startswith(p) for p in paths[roles]):
            allowed.append(pack.pk)
    return ReportPack.objects.filter(pk__in=allowed).select_related("region", "schedule")
