"""The JSON API under /api/v1/: one NinjaAPI, session or token authentication, one error format.

Errors always have the shape {"detail": "中文说明", "detail_en": "English", "errors": [...]}.
Out-of-scope objects answer 404 exactly as missing ones do (AC-02).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth

api = NinjaAPI(
    title="枫桥 fengqiao API",
    version="1",
    description="平安建设信息化支撑管理平台 / 综治中心 接口",
    urls_namespace="api-v1",
    auth=SessionAuth(),
)


def error_body(
    detail: str, detail_en: str, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"detail": detail, "detail_en": detail_en, "errors": errors or []}


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())[1:]),
            "message": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        for error in exc.errors
    ]
    return api.create_response(
        request,
        error_body("提交的数据有误，请检查标注的字段。", "Invalid input.", errors),
        status=422,
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("未找到。", "Not found."), status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, error_body("请先登录。", "Authentication required."), status=401
    )


class ApiError(HttpError):
    """An expected refusal with a bilingual message (409 conflicts, 403 denials, …)."""

    def __init__(
        self, status: int, detail: str, detail_en: str, errors: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(status, detail)
        self.body = error_body(detail, detail_en, errors)


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(request, exc.body, status=exc.status_code)


@api.get("/health", auth=None, tags=["system"], summary="健康检查")
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


def register_routers() -> None:
    """Each app contributes its router here; imported once from urls.py."""
    from fengqiao.accounts.api import router as accounts_router
    from fengqiao.cases.api import build_router as cases_router
    from fengqiao.documents.api import router as documents_router
    from fengqiao.regions.api import router as regions_router
    from fengqiao.rules.api import router as rules_router
    from fengqiao.units.api import router as units_router

    api.add_router("/regions", regions_router)
    api.add_router("/units", units_router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/rules", rules_router)
    api.add_router("/cases", cases_router())
    api.add_router("/exports", documents_router)
