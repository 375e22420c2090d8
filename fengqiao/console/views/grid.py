"""Grid worker pages (phone-sized): report an event, my grid's open tasks.

The report form carries an idempotency key made when the page was rendered. console.js sends
the form with fetch and, when the answer does not arrive (a dropped connection), says so and
offers to send it again with the same key: the server registers the event once and answers
the retry with the same receipt number (REL-03). Without JavaScript the form posts normally.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError

from fengqiao.accounts.models import Role, User
from fengqiao.api import ApiError
from fengqiao.cases.actions import Registered, do_attach, do_register, do_report, do_resolve_on_site
from fengqiao.cases.api.schemas import CaseIn
from fengqiao.cases.api.validate import staff_draft
from fengqiao.console import case_pages, worklists
from fengqiao.console.access import console_user, require_roles
from fengqiao.console.case_forms import GridReportForm
from fengqiao.console.intake import (
    apply_api_errors,
    apply_validation_error,
    new_key,
    refusal,
    register_once,
)
from fengqiao.core.errors import ActionError

GRID_ROLES = frozenset({Role.GRID_WORKER})


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _errors_json(form: GridReportForm) -> dict[str, Any]:
    return {
        "received": False,
        "message": _("报告未被接收：请检查标注的内容。"),
        "errors": {k: [str(m) for m in v] for k, v in form.errors.items()},
    }


def _answer_invalid(request: HttpRequest, form: GridReportForm, status: int) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(_errors_json(form), status=status)
    return render(
        request, "console/grid/report.html", {"nav_active": "report", "form": form}, status=status
    )


@require_roles(GRID_ROLES)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    user = console_user(request)
    if request.method == "GET":
        form = GridReportForm(initial={"idempotency_key": new_key()}, user=user)
        return render(request, "console/grid/report.html", {"nav_active": "report", "form": form})
    form = GridReportForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        return _answer_invalid(request, form, 422)
    payload = form.payload()
    photo = form.cleaned_data["photo"]
    photo_bytes = photo.read() if photo else b""
    handling = form.cleaned_data["handling"]
    result = form.cleaned_data["result"].strip()
    try:
        draft = staff_draft(CaseIn(**payload))

        def register() -> Registered:
            registered = do_register(draft, actor=user)
            case = registered.case
            if photo:
                do_attach(case, actor=user, name=photo.name or "photo.jpg", data=photo_bytes)
            if handling == "resolve":
                case = do_resolve_on_site(case, actor=user, result=result)
            else:
                case = do_report(case, actor=user)
            return Registered(case, registered.verification_code)

        outcome = register_once(
            form.cleaned_data["idempotency_key"],
            scope=f"user:{user.pk}",
            endpoint="console.grid_report",
            payload={
                **{k: str(v) if v is not None else None for k, v in payload.items()},
                "handling": handling,
                "result": result,
                "photo": len(photo_bytes),
            },
            register=register,
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _answer_invalid(request, form, 422)
    except (ActionError, ApiError) as exc:
        status, detail, errors = refusal(exc)
        apply_api_errors(form, errors, detail)
        return _answer_invalid(request, form, status)
    case = outcome.case
    case.refresh_from_db()
    if _wants_json(request):
        return JsonResponse(
            {
                "received": True,
                "receipt_no": case.receipt_no,
                "status_label": case.status_label,
                "replayed": outcome.replayed,
                "message": _("已收到：受理编号 %(no)s（%(status)s）。")
                % {"no": case.receipt_no, "status": case.status_label},
                "url": f"/console/cases/{case.pk}/",
            },
            status=200 if outcome.replayed else 201,
        )
    context = {"nav_active": "report", "case": case, "replayed": outcome.replayed}
    return render(request, "console/grid/received.html", context, status=201)


@require_roles(GRID_ROLES)
def tasks(request: HttpRequest) -> HttpResponse:
    """我的网格任务: open cases in the worker's grids, soonest deadline first."""
    user: User = console_user(request)
    rows = [(c, case_pages.time_left(c.due_at)) for c in worklists.grid_open_cases(user)[:100]]
    return render(request, "console/grid/tasks.html", {"nav_active": "tasks", "rows": rows})
