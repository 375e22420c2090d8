"""Request-wide context (request id, client IP for the audit log) and security headers."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str
    user_agent: str


current_request: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "current_request", default=None
)

# WEB-02: nothing may load from another host; inline scripts are not allowed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def client_ip(request: HttpRequest) -> str:
    """The client's address for the audit log and the login throttle. Behind the reverse proxies
    named in TRUSTED_PROXIES, the right-most X-Forwarded-For address that is not one of them
    (a client can prepend anything to the header, but not append); otherwise REMOTE_ADDR."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted: frozenset[str] = settings.TRUSTED_PROXIES
    if remote not in trusted:
        return remote
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    for address in reversed(forwarded):
        if address and address not in trusted:
            return address[:45]
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(
            request_id=request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:200],
        )
        token = current_request.set(context)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = context.request_id
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # PII-09: pages for signed-in officials may carry personal information.
            response.setdefault("Cache-Control", "no-store")
        return response
