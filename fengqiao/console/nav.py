"""The navigation: which items each role sees. One table, so a reviewer can read it at once.

An item is shown when the user holds one of its roles (None: every signed-in user). The 审计管理员
gets only the audit items (SOD-01).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Role
from fengqiao.console.access import OVERVIEW_ROLES

# Not a role: users who work for a unit (部门办理人) see their unit's worklist.
UNIT_MEMBER = "unit_member"


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


NAV: tuple[NavItem, ...] = (
    NavItem(
        "home",
        _("工作台首页"),
        "console:home",
        frozenset(
            {Role.GRID_WORKER, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
            | OVERVIEW_ROLES
        ),
    ),
    NavItem("overview", _("区域概览"), "console:overview", OVERVIEW_ROLES),
    NavItem("dashboard", _("统计看板"), "console:dashboard", OVERVIEW_ROLES),
    NavItem(
        "cases",
        _("事项工作台"),
        "console:case_worklist",
        frozenset({Role.OPERATOR, Role.REGION_ADMIN, Role.LEADER}),
    ),
    NavItem("intake", _("来电来访登记"), "console:case_intake", frozenset({Role.OPERATOR})),
    NavItem(
        "visit_tasks",
        _("派发走访任务"),
        "console:visit_tasks",
        frozenset({Role.OPERATOR, Role.REGION_ADMIN}),
    ),
    NavItem("unit", _("本单位待办"), "console:unit_worklist", frozenset({UNIT_MEMBER})),
    NavItem(
        "mediation", _("调解员工作台"), "console:mediation_worklist", frozenset({Role.MEDIATOR})
    ),
    NavItem("report", _("上报事件"), "console:grid_report", frozenset({Role.GRID_WORKER})),
    NavItem("tasks", _("网格任务"), "console:grid_tasks", frozenset({Role.GRID_WORKER})),
    NavItem("visits", _("走访任务"), "console:grid_visits", frozenset({Role.GRID_WORKER})),
    NavItem("regions", _("区划与网格管理"), "console:region_list", frozenset({Role.REGION_ADMIN})),
    NavItem("workers", _("网格员管理"), "console:worker_list", frozenset({Role.REGION_ADMIN})),
    NavItem("audit", _("审计日志"), "console:audit_list", frozenset({Role.AUDIT_ADMIN})),
    NavItem(
        "units",
        _("单位管理"),
        "console:unit_list",
        frozenset({Role.REGION_ADMIN, Role.SYSTEM_ADMIN}),
    ),
    NavItem(
        "catalogue",
        _("派单目录"),
        "console:catalogue_list",
        frozenset({Role.REGION_ADMIN, Role.SYSTEM_ADMIN}),
    ),
    NavItem(
        "rules",
        _("时限规则"),
        "console:rule_list",
        frozenset({Role.REGION_ADMIN, Role.SYSTEM_ADMIN}),
    ),
    NavItem(
        "calendar",
        _("工作日历"),
        "console:calendar",
        frozenset({Role.REGION_ADMIN, Role.SYSTEM_ADMIN}),
    ),
    NavItem(
        "users",
        _("账号与授权"),
        "console:user_list",
        frozenset({Role.REGION_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
    ),
)


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str | Promise
    url: str


def nav_for(roles: frozenset[str]) -> list[NavLink]:
    links: list[NavLink] = []
    for item in NAV:
        if item.roles is not None and not (item.roles & roles):
            continue
        url = item.url()
        if url is not None:
            links.append(NavLink(item.key, item.label, url))
    return links
