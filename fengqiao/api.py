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

from fengqiao.core.errors import ActionError

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


# Chinese for pydantic's error types; "message_en" keeps pydantic's own English text.
FIELD_MESSAGES_ZH = {
    "missing": "此项为必填项",
    "extra_forbidden": "不允许提交该字段",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "too_short": "条目过少",
    "too_long": "条目过多",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "须为文本",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "decimal_parsing": "须为数字",
    "decimal_type": "须为数字",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "decimal_whole_digits": "整数位数过多",
    "bool_parsing": "须为是或否",
    "bool_type": "须为是或否",
    "list_type": "须为列表",
    "dict_type": "须为对象",
    "model_type": "须为对象",
    "model_attributes_type": "须为对象",
    "date_parsing": "日期格式不正确",
    "date_from_datetime_parsing": "日期格式不正确",
    "datetime_parsing": "日期时间格式不正确",
    "datetime_from_date_parsing": "日期时间格式不正确",
    "datetime_type": "日期时间格式不正确",
    "uuid_parsing": "须为 UUID",
    "uuid_type": "须为 UUID",
    "json_invalid": "不是合法的 JSON",
    "value_error": "取值无效",
}


def _field_name(loc: tuple[object, ...]) -> str:
    """The field a schema error is about, named as semantic errors name it.

    django-ninja locates a body error as ``("body", <parameter>, field, …)``; the parameter name
    (``payload``) is an implementation detail, so it is dropped. Query and path errors are
    ``("query", field)``.
    """
    parts = loc[2:] if loc[:1] == ("body",) and len(loc) > 2 else loc[1:]
    return ".".join(str(part) for part in parts)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": _field_name(tuple(error.get("loc", ()))),
            "message": FIELD_MESSAGES_ZH.get(error.get("type", ""), "取值无效"),
            "message_en": error.get("msg", ""),
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


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Errors django-ninja raises itself (an unparsable body → 400) in the standard shape."""
    if exc.status_code == 400:
        body = error_body(
            "请求内容无法解析（须为合法的 JSON）。", "The request body cannot be parsed."
        )
    else:
        body = error_body(str(exc), str(exc))
    return api.create_response(request, body, status=exc.status_code)


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


@api.exception_handler(ActionError)
def on_action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    """A refusal raised by an action (fengqiao.core.errors) in the same error shape."""
    return api.create_response(
        request, error_body(exc.detail, exc.detail_en, exc.errors), status=exc.status
    )


@api.get("/health", auth=None, tags=["system"], summary="健康检查")
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


def register_routers() -> None:
    """Each app contributes its router here; imported once from urls.py."""
    from fengqiao.accounts.api import router as accounts_router
    from fengqiao.accounts.auth_api import router as auth_router
    from fengqiao.audit.api import pii_router
    from fengqiao.audit.api import router as audit_router
    from fengqiao.cases.api import build_router as cases_router
    from fengqiao.documents.api import router as documents_router
    from fengqiao.mediation.api import build_router as mediation_router
    from fengqiao.petitions.api import build_router as petitions_router
    from fengqiao.regions.api import router as regions_router
    from fengqiao.reports.api import router as reports_router
    from fengqiao.rules.api import router as rules_router
    from fengqiao.units.api import router as units_router

    api.add_router("/regions", regions_router)
    api.add_router("/units", units_router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/rules", rules_router)
    api.add_router("/exports", documents_router)
    api.add_router("/auth", auth_router)
    api.add_router("/audit", audit_router)
    api.add_router("/pii", pii_router)
    api.add_router("/cases", cases_router())
    api.add_router("/mediation", mediation_router())
    api.add_router("/petitions", petitions_router())
    api.add_router("/reports", reports_router)
