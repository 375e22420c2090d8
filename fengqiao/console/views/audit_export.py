"""审计日志导出 (AUD-09) for the 审计管理员: a CSV of a bounded date range, with the same
filters as the search. The export carries an SM3 digest and an HMAC-SM3 signature (the audit
checkpoint key) in its response headers and in its own audit row, so the file can be checked
later against the log; nobody else reaches it (403, SOD-01).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fengqiao.accounts.models import Role
from fengqiao.audit.actions import record
from fengqiao.audit.api import AuditFilters
from fengqiao.audit.checkpoints import _key as checkpoint_key
from fengqiao.audit.models import AuditEntry
from fengqiao.console.access import console_user, require_roles
from fengqiao.console.admin_forms import AuditExportForm
from fengqiao.console.admin_scope import AUDIT_EXPORT_ROLES
from fengqiao.console.views.audit import _auditor, _local_midnight
from fengqiao.core.crypto import hmac_sm3, sm3

MAX_EXPORT_ROWS = 100_000
MAX_EXPORT_DAYS = 366
HEADER = [
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_region",
    "ip",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "reason",
    "data",
    "hash",
]


def _cell(value: object) -> str:
    """CSV-injection safe text: a leading = + - @ is quoted for spreadsheets."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_roles(AUDIT_EXPORT_ROLES)
def audit_export(request: HttpRequest) -> HttpResponse:
    _auditor(request)
    user = console_user(request)
    today = timezone.localdate()
    form = AuditExportForm(
        request.GET or None, initial={"since": today - timedelta(days=30), "until": today}
    )
    if not request.GET or not form.is_valid():
        status = 400 if request.GET else 200
        return render(
            request,
            "console/admin/audit_export.html",
            {"nav_active": "audit", "form": form},
            status=status,
        )
    data = form.cleaned_data
    if (data["until"] - data["since"]).days >= MAX_EXPORT_DAYS:
        form.add_error("until", f"一次最多导出 {MAX_EXPORT_DAYS} 天。")
        return render(
            request,
            "console/admin/audit_export.html",
            {"nav_active": "audit", "form": form},
            status=400,
        )
    filters = AuditFilters(
        action=data["action"],
        actor=data["actor"],
        since=_local_midnight(data["since"]),
        until=_local_midnight(data["until"] + timedelta(days=1)),
    )
    upto = AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0
    rows = AuditEntry.objects.filter(filters.condition(), seq__lte=upto).order_by("seq")
    count = rows.count()
    if count > MAX_EXPORT_ROWS:
        form.add_error(
            None, f"符合条件的记录有 {count} 条，超过 {MAX_EXPORT_ROWS} 条，请缩小范围。"
        )
        return render(
            request,
            "console/admin/audit_export.html",
            {"nav_active": "audit", "form": form},
            status=400,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for entry in rows.iterator(chunk_size=2000):
        writer.writerow(
            [
                entry.seq,
                entry.at.isoformat(),
                entry.actor_id,
                _cell(entry.actor_name),
                entry.actor_role,
                entry.actor_region,
                entry.ip,
                entry.request_id,
                entry.action,
                entry.object_type,
                _cell(entry.object_id),
                entry.outcome,
                _cell(entry.reason),
                _cell(json.dumps(entry.data, ensure_ascii=False, sort_keys=True)),
                entry.hash,
            ]
        )
    body = ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8
    digest = sm3(body).hex()
    signature = hmac_sm3(checkpoint_key(), body).hex()
    record(
        "audit.export",
        actor=user,
        role=Role.AUDIT_ADMIN,
        data={
            "since": data["since"].isoformat(),
            "until": data["until"].isoformat(),
            "action": data["action"],
            "actor": data["actor"],
            "rows": count,
            "upto_seq": upto,
            "sm3": digest,
            "signature": signature,
        },
    )
    name = f"audit-{data['since']:%Y%m%d}-{data['until']:%Y%m%d}.csv"
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Audit-Export-SM3"] = digest
    response["X-Audit-Export-Signature"] = signature
    return response
