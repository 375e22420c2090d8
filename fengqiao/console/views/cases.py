"""The operator console (综治中心 / 12345 seat) and the unit handler's pages.

Worklists, the intake form with caller lookup, possible duplicates and the 派单目录's
suggestion, and the case page whose actions are exactly the ones the engine allows now.
Every case is found through the cases app's scope (out of scope → 404 like missing, AC-02);
every write is one of its `do_*` actions. Refusals come back as Chinese messages on the page
with their status (403, 409, 422), never a 500.
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
from django.views.decorators.http import require_http_methods, require_POST
from pydantic import ValidationError

from fengqiao.accounts.models import Role, User
from fengqiao.api import ApiError
from fengqiao.audit.actions import scrub
from fengqiao.cases import duplicates, routing
from fengqiao.cases.access import cases_for, get_case_for_user
from fengqiao.cases.actions import do_attach, do_merge, do_register
from fengqiao.cases.api.present import list_out
from fengqiao.cases.api.schemas import CaseIn, DraftIn
from fengqiao.cases.api.validate import Errors, resolve_place, staff_draft
from fengqiao.cases.errors import CaseError
from fengqiao.cases.models import Case, Party, user_unit_ids
from fengqiao.console import case_ops, case_pages, petition_recs, worklists
from fengqiao.console.access import console_user, require_roles, user_roles
from fengqiao.console.actions import do_reveal_party
from fengqiao.console.case_forms import IntakeForm, RevealForm, UploadForm, WorklistFilterForm
from fengqiao.console.intake import (
    apply_api_errors,
    apply_validation_error,
    new_key,
    refusal,
    register_once,
)
from fengqiao.core.errors import ActionError
from fengqiao.core.pii import blind_index, is_valid_mobile
from fengqiao.units.models import Category

CASE_ROLES = frozenset({Role.OPERATOR, Role.REGION_ADMIN, Role.LEADER})
INTAKE_ROLES = frozenset({Role.OPERATOR, Role.REGION_ADMIN})
PAGE_SIZE = 30


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# ------------------------------------------------------------------ worklists


@require_roles(CASE_ROLES)
def worklist(request: HttpRequest) -> HttpResponse:
    user = console_user(request)
    bucket = request.GET.get("list", "new")
    if bucket not in worklists.BUCKET_KEYS:
        bucket = "new"
    form = WorklistFilterForm(request.GET or None, user=user)
    form.is_valid()  # a bad value drops only its own filter
    d = getattr(form, "cleaned_data", {})
    filters = worklists.Filters(
        kind=d.get("kind") or "",
        category=d.get("category") or "",
        region=d.get("region"),
        channel=d.get("channel") or "",
        risk=d.get("risk") or "",
        q=d.get("q") or "",
    )
    sort = d.get("sort") or "due"
    units = user_unit_ids(user)  # read once: the scope below and the AC-10 redaction
    base = worklists.apply_filters(worklists.operator_cases(user, units=units), filters, user)
    counts = worklists.bucket_counts(base, user)
    qs = worklists.sorted_cases(base.filter(worklists.bucket_condition(bucket, user)), sort)
    page = Paginator(qs.prefetch_related("parties"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(list_out(c, user, units), case_pages.time_left(c.due_at)) for c in page]
    query = request.GET.copy()
    query.pop("page", None)
    query["list"] = bucket
    filter_query = query.copy()
    filter_query.pop("list", None)
    context = {
        "nav_active": "cases",
        "form": form,
        "buckets": [(b, counts[b.key]) for b in worklists.BUCKETS],
        "bucket": bucket,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "filter_query": filter_query.urlencode(),
        "can_intake": bool(user_roles(user) & INTAKE_ROLES),
    }
    template = "console/cases/worklist.html"
    if _is_htmx(request) and request.headers.get("HX-Target") == "case-results":
        template = "console/cases/_worklist_results.html"
    return render(request, template, context)


@login_required
def unit_worklist(request: HttpRequest) -> HttpResponse:
    """部门办理人: the assignments of the user's units, per status."""
    user = console_user(request)
    if not user_unit_ids(user, act=True):
        raise PermissionDenied
    status = request.GET.get("status", "pending")
    if status not in worklists.UNIT_BUCKET_KEYS:
        status = "pending"
    counts = worklists.unit_counts(user)
    rows = [
        (a, case_pages.time_left(a.due_at))
        for a in worklists.unit_assignments(user).filter(status=status)[:200]
    ]
    context = {
        "nav_active": "unit",
        "buckets": [(b, counts[b.key]) for b in worklists.UNIT_BUCKETS],
        "status": status,
        "rows": rows,
    }
    return render(request, "console/cases/unit_worklist.html", context)


# ------------------------------------------------------------------ the case page


def _case_context(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, case_ops.ActionForm] | None = None,
    open_action: str = "",
    error: str = "",
    revealed: Party | None = None,
    reveal_form: RevealForm | None = None,
    upload_form: UploadForm | None = None,
    rec_make: petition_recs.MakeRecommendationForm | None = None,
    rec_answer: tuple[int, petition_recs.AnswerRecommendationForm] | None = None,
) -> dict[str, Any]:
    user = console_user(request)
    case = Case.objects.select_related(
        "region", "grid", "category", "lead_unit", "first_unit", "parent", "escalated_to"
    ).get(pk=case.pk)
    workable = Case.objects.workable_by(user).filter(pk=case.pk).exists()
    return {
        "nav_active": "cases",
        "case": case,
        "summary": list_out(case, user),
        "description": scrub(case.description),
        "time_left": case_pages.time_left(case.due_at) if case.is_open else "",
        "parties": case_pages.parties(case, user, revealed),
        "timeline": case_pages.timeline(case),
        "assignments": [
            (a, case_pages.time_left(a.due_at) if a.is_active and case.is_open else "")
            for a in case.assignments.select_related("unit").order_by("pk")
        ],
        "extensions": case.extensions.order_by("pk"),
        "attachments": case.attachments.order_by("pk"),
        "children": case.merged_children.order_by("pk"),
        "offered": case_ops.offered(case, user, bound),
        "open_action": open_action,
        "error": error,
        "can_reveal": workable,
        "reveal_form": reveal_form or RevealForm(),
        "upload_form": upload_form or UploadForm(),
        "can_upload": workable and case.is_open,
        "recommendations": petition_recs.section(
            case, user, make_form=rec_make, answer_form=rec_answer
        ),
        "dispute_url": case_ops.dispute_page(case, user),
    }


case_context = _case_context  # the petition 建议 views render the same page


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(console_user(request), pk)
    return render(request, "console/cases/detail.html", _case_context(request, case))


def _load_for_action(request: HttpRequest, pk: int) -> tuple[User, Case, str]:
    """The case (404 out of view scope); '' or the refusal when it is not workable."""
    user = console_user(request)
    case = get_case_for_user(user, pk)
    try:
        get_case_for_user(user, pk, act=True)
    except CaseError as exc:
        return user, case, exc.detail
    return user, case, ""


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user, case, refused = _load_for_action(request, pk)
    if action not in case_ops.OPS:
        raise Http404
    if case_ops.mediated(case) and action not in case_ops.ENGINE_LEVEL:
        # the dispute's own steps are the mediation app's (stages, clocks, lead hand-over)
        context = _case_context(request, case, error=_("矛盾纠纷请到调解工作台办理该操作。"))
        return render(request, "console/cases/detail.html", context, status=409)
    form = case_ops.ActionForm(request.POST, case=case, action=action)
    if refused:
        context = _case_context(request, case, error=refused)
        return render(request, "console/cases/detail.html", context, status=403)
    if not form.is_valid():
        context = _case_context(
            request,
            case,
            bound={action: form},
            open_action=action,
            error=_("请检查标注的字段。"),
        )
        return render(request, "console/cases/detail.html", context, status=422)
    data = form.cleaned_data
    try:
        case_ops.OPS[action].run(case, user, data, data["version"])
    except ActionError as exc:
        apply_api_errors(form, [e for e in exc.errors if "message" in e], "")
        context = _case_context(
            request, case, bound={action: form}, open_action=action, error=exc.detail
        )
        return render(request, "console/cases/detail.html", context, status=exc.status)
    label = dict(case_ops.allowed_actions(case, user)).get(action) or case_pages.action_label(
        case, action
    )
    messages.success(request, _("已办理：%(action)s。") % {"action": label})
    return redirect("console:case_detail", pk=case.pk)


@login_required
@require_POST
def case_reveal(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """显示: one party in full, with a reason; audited whether granted or refused."""
    user = console_user(request)
    case = get_case_for_user(user, pk)
    party = get_object_or_404(Party, pk=party_pk, case=case)
    form = RevealForm(request.POST)
    if not form.is_valid():
        context = _case_context(request, case, reveal_form=form, error=_("请说明查看理由。"))
        return render(request, "console/cases/detail.html", context, status=422)
    if not do_reveal_party(case, party, actor=user, reason=form.cleaned_data["reason"]):
        context = _case_context(request, case, error=_("您无权查看该当事人的完整信息。"))
        return render(request, "console/cases/detail.html", context, status=403)
    context = _case_context(request, case, revealed=party)
    return render(request, "console/cases/detail.html", context)


@login_required
@require_POST
def case_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user, case, refused = _load_for_action(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if refused:
        context = _case_context(request, case, error=refused)
        return render(request, "console/cases/detail.html", context, status=403)
    if not form.is_valid():
        context = _case_context(request, case, upload_form=form, error=_("请选择文件。"))
        return render(request, "console/cases/detail.html", context, status=422)
    upload = form.cleaned_data["file"]
    try:
        do_attach(case, actor=user, name=upload.name or "file", data=upload.read())
    except ActionError as exc:
        form.add_error("file", exc.detail)
        context = _case_context(request, case, upload_form=form, error=exc.detail)
        return render(request, "console/cases/detail.html", context, status=exc.status)
    messages.success(request, _("附件已上传。"))
    return redirect("console:case_detail", pk=case.pk)


# ------------------------------------------------------------------ intake


def _intake_context(form: IntakeForm, **extra: Any) -> dict[str, Any]:
    return {"nav_active": "intake", "form": form, **extra}


@require_roles(INTAKE_ROLES)
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """电话/来访登记. `merge_into` (the button beside a possible duplicate) registers the new
    case and merges it into that one in the same transaction."""
    user = console_user(request)
    if request.method == "GET":
        form = IntakeForm(initial={"idempotency_key": new_key()}, user=user)
        return render(request, "console/cases/intake.html", _intake_context(form))
    form = IntakeForm(request.POST, user=user)
    if not form.is_valid():
        return render(request, "console/cases/intake.html", _intake_context(form), status=422)
    merge_into: Case | None = None
    raw_merge = request.POST.get("merge_into", "")
    if raw_merge:
        if not raw_merge.isdigit():
            raise Http404
        merge_into = get_case_for_user(user, int(raw_merge))
    payload = form.payload()
    try:
        draft = staff_draft(CaseIn(**payload))

        def register() -> Any:
            registered = do_register(draft, actor=user)
            if merge_into is not None:
                do_merge(registered.case, into=merge_into, actor=user, reason=_("受理时并单"))
            return registered

        outcome = register_once(
            form.cleaned_data["idempotency_key"],
            scope=f"user:{user.pk}",
            endpoint="console.intake",
            payload={**payload, "merge_into": raw_merge},
            register=register,
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return render(request, "console/cases/intake.html", _intake_context(form), status=422)
    except (ActionError, ApiError) as exc:
        status, detail, errors = refusal(exc)
        apply_api_errors(form, errors, detail)
        return render(request, "console/cases/intake.html", _intake_context(form), status=status)
    if merge_into is not None:
        messages.success(
            request,
            _("已登记 %(no)s，并入 %(parent)s。")
            % {"no": outcome.case.receipt_no, "parent": merge_into.receipt_no},
        )
        return redirect("console:case_detail", pk=merge_into.pk)
    messages.success(request, _("已登记，受理编号 %(no)s。") % {"no": outcome.case.receipt_no})
    return redirect("console:case_detail", pk=outcome.case.pk)


@require_roles(INTAKE_ROLES)
@require_POST
def intake_check(request: HttpRequest) -> HttpResponse:
    """htmx panel beside the intake form: the caller's earlier cases (masked), possible
    duplicates with a merge button, and the 派单目录's lead unit. Incomplete input → hints."""
    user = console_user(request)
    phone = request.POST.get("phone", "").strip().replace(" ", "")
    earlier = []
    if is_valid_mobile(phone) or (phone.startswith("0") and 10 <= len(phone) <= 13):
        qs = (
            cases_for(user)
            .filter(parties__phone_index=blind_index(phone))
            .distinct()
            .select_related("region", "category", "lead_unit")
            .prefetch_related("parties")
            .order_by("-received_at")[:10]
        )
        units = user_unit_ids(user)
        earlier = [list_out(c, user, units) for c in qs]
    found: list[Any] = []
    suggestion = None
    category = Category.objects.filter(code=request.POST.get("category", "")).first()
    description = request.POST.get("description", "").strip()
    region_code = request.POST.get("region", "")
    if region_code:
        errors = Errors()
        try:
            draft = DraftIn.model_validate(
                {"region_code": region_code[:15], "description": description or "——"}
            )
            region, _lat, _lon = resolve_place(draft, errors)
        except ValidationError:
            region = None
        if region is not None and not errors.items:
            suggestion = routing.suggest(category, region)
            if len(description) >= 2:
                for c in duplicates.candidates(
                    cases_for(user),
                    region=region,
                    category=category,
                    received_at=timezone.now(),
                    description=description,
                ):
                    found.append((list_out(c.case, user), round(c.similarity * 100)))
    context = {
        "phone_checked": bool(phone),
        "earlier": earlier,
        "duplicates": found,
        "suggestion": suggestion,
        "checked_region": bool(region_code),
    }
    return render(request, "console/cases/_intake_check.html", context)
