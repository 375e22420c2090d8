"""审计日志 for the 审计管理员 (SOD-01): search, one entry, and the chain check.

The same rules as the audit API (`fengqiao.audit.api`): only `may_read_audit` users, every
search and every verification is itself audited (AUD-01), and a search lists only what existed
before it. Nobody else reaches these pages (403); the audit administrator reaches nothing else.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from fengqiao.accounts.models import Role
from fengqiao.accounts.policy import may_read_audit
from fengqiao.audit.actions import record
from fengqiao.audit.api import AuditFilters
from fengqiao.audit.models import AuditEntry
from fengqiao.audit.verify import verify_chain
from fengqiao.console.access import console_user, require_roles
from fengqiao.console.forms import AuditFilterForm

AUDIT_ROLES = frozenset({Role.AUDIT_ADMIN})
PAGE_SIZE = 50


def _auditor(request: HttpRequest) -> None:
    if not may_read_audit(console_user(request)):
        raise PermissionDenied


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@require_roles(AUDIT_ROLES)
def audit_list(request: HttpRequest) -> HttpResponse:
    _auditor(request)
    user = console_user(request)
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilters(action="", actor="")
    if form.is_valid():
        data = form.cleaned_data
        filters = AuditFilters(
            action=data["action"],
            actor=data["actor"],
            outcome=data["outcome"] or None,
            since=_local_midnight(data["since"]) if data["since"] else None,
            until=_local_midnight(data["until"] + timedelta(days=1)) if data["until"] else None,
        )
    upto = AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0
    record(
        "audit.search",
        actor=user,
        role=Role.AUDIT_ADMIN,
        data={k: str(v) for k, v in filters.dict().items() if v not in (None, "")},
    )
    entries = AuditEntry.objects.filter(filters.condition(), seq__lte=upto).order_by("-seq")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"nav_active": "audit", "form": form, "page": page, "query": query.urlencode()}
    return render(request, "console/audit/list.html", context)


@require_roles(AUDIT_ROLES)
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _auditor(request)
    entry = get_object_or_404(AuditEntry, pk=pk)
    context = {
        "nav_active": "audit",
        "entry": entry,
        "data_json": json.dumps(entry.data, ensure_ascii=False, indent=2, sort_keys=True),
    }
    return render(request, "console/audit/detail.html", context)


@require_roles(AUDIT_ROLES)
def audit_verify(request: HttpRequest) -> HttpResponse:
    _auditor(request)
    report = verify_chain()
    record(
        "audit.verify", actor=console_user(request), role=Role.AUDIT_ADMIN, data={"ok": report.ok}
    )
    return render(request, "console/audit/verify.html", {"nav_active": "audit", "report": report})
