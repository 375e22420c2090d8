"""Plain sign-in, sign-out and password-change pages (the console restyles them)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from fengqiao.accounts.actions import do_change_password, do_login, do_logout
from fengqiao.accounts.forms import LoginForm, PasswordChangeForm
from fengqiao.accounts.scope import request_user
from fengqiao.core.errors import ActionError

# AUTH-05: one message for unknown user, wrong password, locked and disabled accounts.
LOGIN_FAILED = "登录名或密码错误，或账号暂时被锁定。"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        user = do_login(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None:
            if user.must_change_password:
                return redirect("accounts:password_change")
            return redirect(_next_url(request))
        error = LOGIN_FAILED
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": _next_url(request)},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        do_logout(request, actor=request_user(request))
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_change_password(
                user,
                current=form.cleaned_data["current_password"],
                new=form.cleaned_data["new_password"],
                actor=user,
                request=request,
            )
        except ActionError as exc:
            form.add_error(exc.field or None, exc.detail)
        else:
            return render(request, "accounts/password_changed.html")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": user.must_change_password},
        status=200 if not form.errors else 400,
    )
