"""Template context for every page: the signed-in user's top bar and the role-based nav."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from fengqiao.accounts.models import RoleAssignment, User
from fengqiao.cases.models import user_unit_ids
from fengqiao.console.labels import tr
from fengqiao.console.nav import UNIT_MEMBER, NavLink, nav_for


@dataclass(frozen=True)
class Badge:
    role: str
    role_label: str
    region_name: str
    can_act: bool


@dataclass
class ConsoleContext:
    """What base.html shows about the signed-in user; computed once per request."""

    display_name: str
    badges: list[Badge] = field(default_factory=list)
    nav: list[NavLink] = field(default_factory=list)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(badge.role for badge in self.badges)


def build(user: User) -> ConsoleContext:
    rows = (
        RoleAssignment.objects.filter(user=user)
        .exclude(expires_at__lte=timezone.now())
        .select_related("region")
        .order_by("role", "region__path")
    )
    badges = [
        Badge(row.role, tr(row.get_role_display()), row.region.name, row.can_act) for row in rows
    ]
    ctx = ConsoleContext(user.get_full_name() or user.get_username(), badges)
    roles = ctx.roles | ({UNIT_MEMBER} if user_unit_ids(user, act=True) else set())
    ctx.nav = nav_for(frozenset(roles))
    return ctx


def console(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    cached = getattr(request, "_console_context", None)
    if cached is None:
        cached = build(user)
        request._console_context = cached  # type: ignore[attr-defined]
    return {"console": cached}
