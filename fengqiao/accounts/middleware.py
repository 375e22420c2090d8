"""AUTH-01/03: a user who must change their password reaches nothing else until they do."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

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
