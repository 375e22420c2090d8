"""AUTH-01/03: a user who must change their password reaches nothing else until they do;
AUTH-06: a session without its second factor reaches nothing but the second step."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from fengqiao.accounts import mfa
from fengqiao.accounts.models import User
from fengqiao.api import error_body

API_PREFIX = "/api/"
# The API endpoints a user with an expired or one-time password may still call.
API_EXEMPT = frozenset({"/api/v1/auth/password", "/api/v1/auth/logout"})


class PasswordChangeRequiredMiddleware:
    """Redirects pages to the change form and answers API calls with 403 while
    `User.needs_password_change` holds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            isinstance(user, User)
            and user.needs_password_change(timezone.now())
            and not self._exempt(request.path)
        ):
            if request.path.startswith(API_PREFIX):
                return JsonResponse(
                    error_body(
                        "请先修改密码。",
                        "You must change your password first.",
                        [{"field": "", "message": "请先修改密码。", "type": "password_change"}],
                    ),
                    status=403,
                )
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        pages = {reverse("accounts:password_change"), reverse("accounts:logout")}
        return path in pages or path in API_EXEMPT or path.startswith(settings.STATIC_URL)


# AUTH-06: the API endpoints a signed-in user may call before the second step.
MFA_API_EXEMPT = frozenset(
    {
        "/api/v1/health",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/password",
        "/api/v1/auth/otp",
        "/api/v1/auth/otp/challenge",
    }
)
MFA_PAGE_NAMES = (
    "accounts:login",
    "accounts:logout",
    "accounts:password_change",
    "accounts:otp_verify",
    "accounts:otp_setup",
)


class MfaRequiredMiddleware:
    """AUTH-06: with FENGQIAO_MFA_REQUIRED, a session that passed the password but not the
    second factor reaches only the second step (pages: 302 to it, or to enrolment when the
    user has no device yet; API: 403 `mfa_required`), sign-out and password change."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.FENGQIAO_MFA_REQUIRED
            and isinstance(user, User)
            and not self._exempt(request.path)
            and not mfa.session_verified(request.session, user)
        ):
            if request.path.startswith(API_PREFIX):
                message = "请先完成第二步身份验证（动态口令）。"
                return JsonResponse(
                    error_body(
                        message,
                        "Complete the second factor first (POST /api/v1/auth/otp).",
                        [{"field": "", "message": message, "type": "mfa_required"}],
                    ),
                    status=403,
                )
            step = "accounts:otp_verify" if mfa.enrolled(user) else "accounts:otp_setup"
            target = reverse(step)
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        return (
            path in MFA_API_EXEMPT or path.startswith(settings.STATIC_URL) or path in _mfa_pages()
        )


@functools.cache
def _mfa_pages() -> frozenset[str]:
    """The paths of MFA_PAGE_NAMES, resolved once rather than on every request."""
    return frozenset(reverse(name) for name in MFA_PAGE_NAMES)
