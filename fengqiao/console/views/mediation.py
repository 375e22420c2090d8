"""调解员工作台 (the mediator's workspace): my disputes, the dispute page, its actions, the
调解协议书 download.

Disputes are found through the cases app's scope and the mediation app's `get_dispute` (out of
scope or not a dispute → 404 exactly like missing, AC-02); every write is one of the mediation
app's `do_*` actions (`console.mediation_ops`), offered only when the dispute machine and the
performer check allow it now. Refusals come back on the page with their status and Chinese
messages (403, 409, 422), never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fengqiao.accounts.models import User
from fengqiao.audit.actions import scrub
from fengqiao.cases.api.present import list_out
from fengqiao.cases.errors import CaseError
from fengqiao.cases.models import Case, Party
from fengqiao.console import case_pages, mediation_ops, mediation_pages
from fengqiao.console.access import console_user
from fengqiao.console.actions import do_fetch_agreement, do_reveal_dispute_party
from fengqiao.console.case_forms import RevealForm
from fengqiao.core.errors import ActionError
from fengqiao.mediation.actions.common import dispute_of
from fengqiao.mediation.api.access import get_dispute
from fengqiao.mediation.documents import agreement_document
from fengqiao.mediation.machine import DISPUTE
from fengqiao.mediation.models import IntakeSource
from fengqiao.procedures.files import document_response

PAGE_SIZE = 30


def _member(request: HttpRequest) -> User:
    user = console_user(request)
    if not mediation_pages.is_mediation_member(user):
        raise PermissionDenied
    return user


@login_required
@never_cache
def worklist(request: HttpRequest) -> HttpResponse:
    """我的纠纷: the disputes my bodies hold or held (or the whole scope), by state."""
    user = _member(request)
    scope = request.GET.get("scope", "mine")
    if scope not in ("mine", "all"):
        scope = "mine"
    bucket = request.GET.get("state", "all")
    if bucket not in mediation_pages.BUCKET_KEYS:
        bucket = "all"
    base = (
        mediation_pages.my_disputes(user) if scope == "mine" else mediation_pages.all_disputes(user)
    )
    q = request.GET.get("q", "").strip()[:32]
    if q:
        base = base.filter(receipt_no__icontains=q)
    counts = mediation_pages.counts(base)
    qs = mediation_pages.sorted_for_work(mediation_pages.in_bucket(base, bucket))
    page = Paginator(qs.select_related("region", "category", "lead_unit"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    keys = [("all", _("全部")), *[(b.key, b.label) for b in mediation_pages.BUCKETS]]
    keys.append(("overdue", _("已超期")))
    context = {
        "nav_active": "mediation",
        "scope": scope,
        "bucket": bucket,
        "q": q,
        "buckets": [(key, label, counts[key]) for key, label in keys],
        "page": page,
        "rows": mediation_pages.rows(list(page)),
    }
    return render(request, "console/mediation/worklist.html", context)


def _context(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, mediation_ops.DisputeActionForm] | None = None,
    open_action: str = "",
    error: str = "",
    revealed: Party | None = None,
    reveal_form: RevealForm | None = None,
) -> dict[str, Any]:
    user = console_user(request)
    case = Case.objects.select_related("region", "category", "lead_unit").get(pk=case.pk)
    dispute = dispute_of(case)
    agreements = mediation_pages.agreements(case)
    agreement = mediation_pages.current(agreements)
    workable = Case.objects.workable_by(user).filter(pk=case.pk).exists()
    now = timezone.now()
    return {
        "nav_active": "mediation",
        "case": case,
        "dispute": dispute,
        "source_label": IntakeSource(dispute.source).label,
        "summary": list_out(case, user),
        "status_label": DISPUTE.label(case.status),
        "description": scrub(case.description),
        "time_left": case_pages.time_left(case.due_at, now) if case.is_open else "",
        "clocks": mediation_pages.clocks(case, now),
        "parties": case_pages.parties(case, user, revealed),
        "timeline": mediation_pages.timeline(case),
        "stages": mediation_pages.stages(case),
        "mediators": mediation_pages.mediators(case),
        "sessions": mediation_pages.sessions(case),
        "agreements": agreements,
        "agreement": agreement,
        "can_download": agreement is not None
        and mediation_pages.may_fetch_agreement(case, agreement, user),
        "confirmations": mediation_pages.confirmations(case),
        "offered": mediation_ops.offered(case, user, bound),
        "open_action": open_action,
        "error": error,
        "can_reveal": workable,
        "reveal_form": reveal_form or RevealForm(),
    }


@login_required
@never_cache
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_dispute(console_user(request), pk)
    return render(request, "console/mediation/detail.html", _context(request, case))


def _place_errors(form: mediation_ops.DisputeActionForm, exc: ActionError) -> None:
    placed = False
    for item in exc.errors:
        name = mediation_ops.error_field(str(item.get("field", "")))
        message = str(item.get("message") or exc.detail)
        if name and name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = console_user(request)
    case = get_dispute(user, pk)
    if action not in mediation_ops.OPS:
        raise Http404
    template = "console/mediation/detail.html"
    if action not in dict(mediation_ops.allowed_actions(case, user)):
        try:
            get_dispute(user, pk, act=True)
        except CaseError as exc:
            return render(request, template, _context(request, case, error=exc.detail), status=403)
        label = DISPUTE.label(case.status)
        error = _("当前状态（%(state)s）下您不能办理该操作，请刷新页面。") % {"state": label}
        return render(request, template, _context(request, case, error=error), status=409)
    form = mediation_ops.DisputeActionForm(request.POST, case=case, action=action)
    if not form.is_valid():
        context = _context(
            request,
            case,
            bound={action: form},
            open_action=action,
            error=_("请检查标注的字段。"),
        )
        return render(request, template, context, status=422)
    data = form.cleaned_data
    op = mediation_ops.OPS[action]
    if not op.versioned and data["version"] != case.version:
        error = _("该纠纷已被他人更新，请刷新页面后重试。")
        return render(request, template, _context(request, case, error=error), status=409)
    try:
        op.run(case, user, data, data["version"])
    except ActionError as exc:
        _place_errors(form, exc)
        context = _context(
            request, case, bound={action: form}, open_action=action, error=exc.detail
        )
        return render(request, template, context, status=exc.status)
    spec = DISPUTE.action(action)
    label = op.label or (spec.label if spec is not None else action)
    messages.success(request, _("已办理：%(action)s。") % {"action": label})
    return redirect("console:mediation_detail", pk=case.pk)


@login_required
@require_POST
def reveal(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """显示: one party in full, with a reason; audited whether granted or refused."""
    user = console_user(request)
    case = get_dispute(user, pk)
    party = get_object_or_404(Party, pk=party_pk, case=case)
    template = "console/mediation/detail.html"
    form = RevealForm(request.POST)
    if not form.is_valid():
        context = _context(request, case, reveal_form=form, error=_("请说明查看理由。"))
        return render(request, template, context, status=422)
    if not do_reveal_dispute_party(case, party, actor=user, reason=form.cleaned_data["reason"]):
        context = _context(request, case, error=_("您无权查看该当事人的完整信息。"))
        return render(request, template, context, status=403)
    return render(request, template, _context(request, case, revealed=party))


@login_required
def agreement_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """调解协议书 .docx / .pdf, rendered by the mediation documents module (留痕)."""
    if fmt not in ("docx", "pdf"):
        raise Http404
    user = console_user(request)
    case = get_dispute(user, pk)
    agreement = mediation_pages.current(mediation_pages.agreements(case))
    if agreement is None:
        raise Http404
    allowed = mediation_pages.may_fetch_agreement(case, agreement, user)
    if not do_fetch_agreement(case, actor=user, number=agreement.number, fmt=fmt, allowed=allowed):
        raise PermissionDenied
    return document_response(
        agreement_document(agreement), fmt=fmt, filename=f"调解协议书-{case.receipt_no}"
    )
