"""AUTH-06: the second-step pages: verification (动态口令或恢复码) and TOTP enrolment (secret,
QR code, confirmation, recovery codes shown once). The QR code is inline SVG made on the server
(segno): nothing loads from another host (WEB-02)."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from fengqiao.accounts import mfa
from fengqiao.accounts.actions import (
    do_confirm_totp_device,
    do_start_totp_enrolment,
    do_verify_second_factor,
)
from fengqiao.accounts.forms import OtpForm, TotpConfirmForm
from fengqiao.accounts.scope import request_user
from fengqiao.accounts.views import _next_url
from fengqiao.core.errors import ActionError


def _private(response: HttpResponse) -> HttpResponse:
    """Secrets and codes on these pages: never cached (PII-09)."""
    response["Cache-Control"] = "no-store"
    return response


def _with_next(name: str, request: HttpRequest) -> str:
    return reverse(name) + "?" + urlencode({"next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not mfa.enrolled(user):
        return redirect(_with_next("accounts:otp_setup", request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = do_verify_second_factor(
            request,
            method=form.cleaned_data["method"],
            response=form.cleaned_data["code"],
            actor=user,
        )
        if result.ok:
            return redirect(_next_url(request))
        form.add_error("code", mfa.reason_message(result.reason)[0])
    return _private(
        render(
            request,
            "accounts/otp_verify.html",
            {"form": form, "next": _next_url(request)},
            status=400 if form.errors else 200,
        )
    )


def _qr_svg(uri: str) -> SafeString:
    # segno writes only <svg>/<path> markup from the URI it encodes: safe to inline.
    return mark_safe(segno.make(uri, error="m").svg_inline(scale=4, border=2, light="#fff"))  # noqa: S308


def _grouped_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    verified = mfa.session_verified(request.session, user)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        if verified:
            return redirect(_next_url(request))
        return redirect(_with_next("accounts:otp_verify", request))
    if mfa.enrolled(user) and not verified:
        # Another factor (a certificate) is enrolled: pass it before adding one.
        return redirect(_with_next("accounts:otp_verify", request))
    device = do_start_totp_enrolment(user, actor=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = do_confirm_totp_device(request, code=form.cleaned_data["code"], actor=user)
        except ActionError as exc:
            form.add_error("code", exc.detail)
        else:
            shown = {"codes": codes, "next": _next_url(request)}
            return _private(render(request, "accounts/otp_recovery_codes.html", shown))
    context: dict[str, object] = {
        "form": form,
        "next": _next_url(request),
        "secret": _grouped_secret(device),
        "qr": _qr_svg(device.config_url),
    }
    status = 400 if form.errors else 200
    return _private(render(request, "accounts/otp_setup.html", context, status=status))
