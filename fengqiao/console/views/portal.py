"""群众服务 (citizen portal): submit a request, track it, rate the result — no account.

The same door as `/api/v1/cases/public/…`: the cases app's validation, rate limits (WEB-08),
idempotent registration (REL-03), the SM3-HMAC'd verification code, and the public view of a
case (key dates, the reviewed reply, never officials' names). A wrong code reads exactly like
an unknown receipt number. Pages are never cached (they carry the code).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from pydantic import ValidationError

from fengqiao.api import ApiError
from fengqiao.cases import ratelimit
from fengqiao.cases.actions import do_callback, do_register
from fengqiao.cases.actions.intake import code_matches
from fengqiao.cases.api.schemas import CitizenCaseIn, PublicCaseOut
from fengqiao.cases.api.validate import citizen_draft
from fengqiao.cases.models import Case
from fengqiao.cases.selectors import public_view
from fengqiao.console.case_forms import RateForm, TrackForm
from fengqiao.console.intake import (
    apply_api_errors,
    apply_validation_error,
    new_key,
    refusal,
    register_once,
)
from fengqiao.console.portal_forms import PortalSubmitForm
from fengqiao.core.errors import ActionError
from fengqiao.core.pii import blind_index

TOO_MANY = "提交过于频繁，请稍后再试。"
NOT_FOUND = "未找到该事项：请核对受理编号和查询码。"


def _limited(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    context["error"] = _(TOO_MANY)
    response = render(request, template, context, status=429)
    response["Retry-After"] = "60"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    template = "console/portal/submit.html"
    if request.method == "GET":
        form = PortalSubmitForm(initial={"idempotency_key": new_key()})
        return render(request, template, {"form": form})
    if "_places" in request.POST:
        # without JavaScript: redraw the page with the lists narrowed, submit nothing
        kept = {k: v for k, v in request.POST.items() if k in PortalSubmitForm.base_fields}
        return render(request, template, {"form": PortalSubmitForm(initial=kept)})
    form = PortalSubmitForm(request.POST)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=422)
    payload = form.payload()
    try:
        ratelimit.check_ip(request, "submit")
        ratelimit.hit(f"submit:phone:{blind_index(payload['phone'])}")
    except ratelimit.RateLimited:
        return _limited(request, template, {"form": form})
    try:
        draft = citizen_draft(CitizenCaseIn(**payload))
        outcome = register_once(
            form.cleaned_data["idempotency_key"],
            scope=f"anon:{ratelimit.client_ip(request)}",
            endpoint="console.public_submit",
            payload=payload,
            register=lambda: do_register(draft, actor=None),
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return render(request, template, {"form": form}, status=422)
    except (ActionError, ApiError) as exc:
        status, detail, errors = refusal(exc)
        apply_api_errors(form, errors, detail)
        return render(request, template, {"form": form}, status=status)
    context = {"case": outcome.case, "code": outcome.verification_code}
    return render(request, "console/portal/received.html", context, status=201)


def _find(form: TrackForm) -> Case | None:
    case = Case.objects.filter(receipt_no=form.cleaned_data["receipt_no"].strip().upper()).first()
    if case is None or not code_matches(case, form.cleaned_data["code"]):
        return None
    return case


def _tracked(request: HttpRequest, case: Case, code: str, **extra: object) -> dict[str, object]:
    view: PublicCaseOut = public_view(case)
    rate_form = extra.pop("rate_form", None) or RateForm(
        initial={"receipt_no": case.receipt_no, "code": code}
    )
    return {"view": view, "rate_form": rate_form, **extra}


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    template = "console/portal/track.html"
    if request.method == "GET":
        return render(request, template, {"form": TrackForm()})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=422)
    try:
        ratelimit.check_ip(request, "track")
    except ratelimit.RateLimited:
        return _limited(request, template, {"form": form})
    case = _find(form)
    if case is None:
        return render(request, template, {"form": form, "error": _(NOT_FOUND)}, status=404)
    context = {"form": form, **_tracked(request, case, form.cleaned_data["code"])}
    return render(request, template, context)


@never_cache
@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    template = "console/portal/track.html"
    form = RateForm(request.POST)
    track_form = TrackForm(request.POST)
    if not track_form.is_valid():
        return render(request, template, {"form": track_form}, status=422)
    try:
        ratelimit.check_ip(request, "rate")
    except ratelimit.RateLimited:
        return _limited(request, template, {"form": track_form})
    case = _find(track_form)
    if case is None:
        return render(request, template, {"form": track_form, "error": _(NOT_FOUND)}, status=404)
    code = track_form.cleaned_data["code"]
    if not form.is_valid():
        context = {"form": track_form, **_tracked(request, case, code, rate_form=form)}
        return render(request, template, context, status=422)
    try:
        case = do_callback(
            case,
            actor=None,
            satisfaction=form.cleaned_data["satisfaction"],
            resolved=form.cleaned_data["resolved"] == "yes",
            note_text=form.cleaned_data["comment"],
            citizen=True,
        )
    except ActionError as exc:
        context = {
            "form": track_form,
            **_tracked(request, case, code, error=_("该事项当前不能评价。")),
        }
        return render(request, template, context, status=exc.status)
    context = {"form": track_form, **_tracked(request, case, code, rated=True)}
    return render(request, template, context)


@never_cache
@require_http_methods(["GET"])
def places(request: HttpRequest) -> HttpResponse:
    """htmx: the county → township → village lists redrawn for the current choice."""
    choice = {k: request.GET.get(k, "")[:15] for k in ("county", "township", "region")}
    # a changed county or township invalidates the choices below it (console.js names the list)
    changed = request.GET.get("changed", "")
    if changed == "county":
        choice["township"] = choice["region"] = ""
    elif changed == "township":
        choice["region"] = ""
    form = PortalSubmitForm(initial=choice)
    return render(request, "console/portal/_places.html", {"form": form})
