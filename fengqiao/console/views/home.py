"""The home page: a public landing page, or the signed-in user's role-based workbench."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fengqiao.accounts.models import Role, User
from fengqiao.accounts.scope import scope_paths
from fengqiao.console.access import (
    ADMIN_ROLES_FOR_REGIONS,
    OVERVIEW_ROLES,
    administered_regions,
    administered_workers,
    console_user,
    user_roles,
    viewer_paths,
)
from fengqiao.console.selectors import AreaFigures, roots_figures
from fengqiao.core.pii import mask_phone
from fengqiao.regions.models import GridWorker, GridWorkerStatus, Level, Region


@dataclass(frozen=True)
class Colleague:
    name: str
    number: str
    is_chief: bool
    status: str
    phone: str
    is_me: bool


@dataclass(frozen=True)
class MyGrid:
    """One grid a grid worker serves, with its chain of areas and the people serving it."""

    region: Region
    chain: list[str]
    colleagues: list[Colleague]


def _my_grids(user: User) -> list[MyGrid]:
    paths = scope_paths(user, act=True, roles=frozenset({Role.GRID_WORKER}))
    me = GridWorker.objects.filter(user=user).first()
    grids: list[MyGrid] = []
    for path in paths:
        for grid in Region.objects.filter(
            path__startswith=path, level=Level.GRID, retired_on__isnull=True
        ).order_by("code")[:20]:
            chain = [r.name for r in grid.ancestors() if r.level < Level.GRID]
            colleagues = [
                Colleague(
                    name=a.worker.name,
                    number=a.worker.number,
                    is_chief=a.is_chief,
                    status=a.worker.get_status_display(),
                    phone=mask_phone(a.worker.phone),
                    is_me=me is not None and a.worker_id == me.pk,
                )
                for a in grid.worker_assignments.select_related("worker")
                .exclude(worker__status=GridWorkerStatus.LEFT)
                .order_by("-is_chief", "worker__number")
            ]
            grids.append(MyGrid(grid, chain, colleagues))
    return grids


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "console/landing.html", {"login_url": settings.LOGIN_URL})
    user = console_user(request)
    roles = user_roles(user)
    scope: list[AreaFigures] = []
    if roles & OVERVIEW_ROLES:
        scope = roots_figures(viewer_paths(user))
    admin: dict[str, int] = {}
    if roles & ADMIN_ROLES_FOR_REGIONS:
        admin = {
            "regions": administered_regions(user).count(),
            "grids": administered_regions(user).filter(level=Level.GRID).count(),
            "workers": administered_workers(user).count(),
        }
    context = {
        "nav_active": "home",
        "is_grid_worker": Role.GRID_WORKER in roles,
        "my_grids": _my_grids(user) if Role.GRID_WORKER in roles else [],
        "me": GridWorker.objects.filter(user=user).first(),
        "scope": scope,
        "admin": admin,
        "is_audit_admin": Role.AUDIT_ADMIN in roles,
        "is_other_admin": bool(roles & {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
        "has_no_role": not roles,
    }
    return render(request, "console/home.html", context)
