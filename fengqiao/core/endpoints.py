"""AC-04: the endpoint inventory. Every URL pattern is either public (listed here, with the
reason) or refuses an anonymous client with 401 (API) or a redirect to a sign-in page.
`fengqiao/core/tests/test_endpoint_inventory.py` walks the resolver and enforces it, so a new
URL that is neither fails CI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# Route (pattern pieces joined) → why anonymous access is fine.
PUBLIC: dict[str, str] = {
    "": "首页：静态介绍，无数据",
    "api/v1/": "接口根：django-ninja 返回 404，无数据",
    "api/v1/openapi.json": "接口说明（OpenAPI），无数据",
    "api/v1/docs": "接口文档页面（本地静态资源），无数据",
    "api/v1/health": "健康检查，仅返回 ok",
    "api/v1/auth/login": "登录接口",
    "accounts/login/": "登录页面",
    "i18n/setlang/": "界面语言切换（仅写语言 Cookie，CSRF 保护），无数据",
    "internal-admin/login/": "Django 管理后台登录页",
    "internal-admin/logout/": "Django 管理后台退出（匿名访问仅跳转）",
    "api/v1/cases/public/submit": "群众免登录提交诉求（限流、幂等；只返回本件受理编号和查询码）",
    "api/v1/cases/public/track": "凭受理编号＋查询码查询本件进度（限流；不符与不存在同为404）",
    "api/v1/cases/public/rate": "凭受理编号＋查询码评价本件办理结果（限流）",
    "api/v1/petitions/public/submit": "网上信访免登录提交（限流、幂等；只返回受理编号和查询码）",
    "api/v1/petitions/public/track": "凭受理编号＋查询码查询信访事项关键时间（限流；不符即404）",
    "api/v1/petitions/public/rate": "凭受理编号＋查询码评价本件信访事项办理结果（限流）",
    "portal/": "群众服务页：免登录提交诉求（限流、幂等；只显示本件受理编号和查询码）",
    "portal/track/": "群众服务页：凭受理编号＋查询码查询本件进度（限流；不符与不存在相同）",
    "portal/rate/": "群众服务页：凭受理编号＋查询码评价本件办理结果（限流）",
    "portal/places/": "群众服务页：区县→街道/乡镇→社区/村 选择列表（仅区划名称，无个人信息）",
}

# Where a refused anonymous page request may be redirected.
LOGIN_PAGES = ("/accounts/login/", "/internal-admin/login/")

_SAMPLES = {
    "int": "1",
    "path": "1",
    "str": "1",
    "slug": "x",
    "uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
}
_ROUTE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>([^()]*)\)")
_REGEX_CANDIDATES = ("1", "x", "accounts", "auth")


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern: its route text, a concrete URL that resolves to it, and its view."""

    route: str
    url: str
    name: str

    @property
    def public(self) -> bool:
        return self.route in PUBLIC


def _sample_route(route: str) -> str:
    return _ROUTE_PARAM.sub(lambda m: _SAMPLES.get(m.group(1) or "str", "1"), route)


def _sample_regex(regex: str) -> str:
    body = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")

    def group(match: re.Match[str]) -> str:
        inner: str = match.group(2)
        candidate: str
        for candidate in (*_REGEX_CANDIDATES, *inner.split("|")):
            if re.fullmatch(inner, candidate):
                return candidate
        raise ValueError(f"no sample for {inner!r}")

    return _REGEX_GROUP.sub(group, body).replace("\\", "")


def _piece(pattern: RoutePattern | RegexPattern) -> tuple[str, str]:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        return text.removeprefix("^"), _sample_regex(text)  # as Django joins routes
    return text, _sample_route(text)


def endpoints() -> Iterator[Endpoint]:
    """Every URL pattern of the project, flattened, with a sample URL for each."""

    def walk(patterns: list[URLPattern | URLResolver], route: str, url: str) -> Iterator[Endpoint]:
        for pattern in patterns:
            text, sample = _piece(pattern.pattern)  # type: ignore[arg-type]
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route + text, url + sample)
            else:
                yield Endpoint(route + text, "/" + url + sample, pattern.name or "")

    yield from walk(get_resolver().url_patterns, "", "")
