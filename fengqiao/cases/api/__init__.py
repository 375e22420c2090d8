"""The cases API under /api/v1/cases/: one router assembled from the intake, read,
transition and attachment routers, plus the public (no-account) door under /public/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from fengqiao.api import api, error_body
from fengqiao.cases.ratelimit import RateLimited


def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(
        request,
        error_body("请求过于频繁，请稍后再试。", "Too many requests; retry later."),
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def build_router() -> Router:
    from fengqiao.cases.api import files, intake, read, transitions  # noqa: F401

    api.exception_handler(RateLimited)(on_rate_limited)
    router = Router()
    router.add_router("/public", intake.public)
    router.add_router("", intake.router)  # the same Router object as read.router
    router.add_router("", transitions.router)
    router.add_router("", files.router)
    return router
