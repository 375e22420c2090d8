"""Who may open which console page, and the objects they may open (AC-01, AC-02, AC-07).

Every lookup goes through `fengqiao.accounts.scope`: out-of-scope objects raise Http404 exactly
like missing ones; a page the user's roles do not include raises PermissionDenied (403).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.accounts.scope import path_condition, scope_paths
from fengqiao.regions.models import GridWorker, Region

V = TypeVar("V", bound=Callable[..., HttpResponse])

# The roles that read the area overview. Grid workers see their own grid on the home page;
# the three 等保 administrators see no business data at all (SOD-01).
OVERVIEW_ROLES = frozenset(
    {Role.LEADER, Role.OPERATOR, Role.HANDLER, Role.MEDIATOR, Role.REGION_ADMIN}
)
ADMIN_ROLES_FOR_REGIONS = frozenset({Role.REGION_ADMIN})


def user_roles(user: User) -> frozenset[str]:
    """The roles the user currently holds (unexpired assignments)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    now = timezone.now()
    rows = RoleAssignment.objects.filter(user=user).exclude(expires_at__lte=now)
    return frozenset(rows.values_list("role", flat=True))


def console_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def require_roles(roles: frozenset[str]) -> Callable[[V], V]:
    """Signed in (else redirect to the login page) and holding one of `roles` (else 403)."""

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not user_roles(console_user(request)) & roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(V, login_required(wrapped))

    return decorate


def viewer_paths(user: User) -> list[str]:
    """The subtrees the user may read in the overview (view scope of business roles)."""
    return scope_paths(user, roles=OVERVIEW_ROLES)


def admin_paths(user: User) -> list[str]:
    """The subtrees the user administers: act scope of the 区域管理员 role only."""
    return scope_paths(user, act=True, roles=ADMIN_ROLES_FOR_REGIONS)


def get_visible_region(user: User, pk: int) -> Region:
    region = Region.objects.filter(path_condition(viewer_paths(user), field="path"), pk=pk).first()
    if region is None:
        raise Http404
    return region


def administered_regions(user: User) -> QuerySet[Region]:
    return Region.objects.filter(path_condition(admin_paths(user), field="path"))


def administered_workers(user: User) -> QuerySet[GridWorker]:
    """Grid workers serving at least one grid inside the administrator's subtree."""
    condition = path_condition(admin_paths(user), field="assignments__grid__path")
    ids = GridWorker.objects.filter(condition).values("pk")
    return GridWorker.objects.filter(pk__in=ids)


def get_administered_region(user: User, pk: int) -> Region:
    region = administered_regions(user).filter(pk=pk).first()
    if region is None:
        raise Http404
    return region


def get_administered_worker(user: User, pk: int) -> GridWorker:
    worker = administered_workers(user).filter(pk=pk).first()
    if worker is None:
        raise Http404
    return worker


def in_paths(region: Region, paths: list[str]) -> bool:
    return any(region.path.startswith(path) for path in paths)


def covering_region_code(user: User, path: str, roles: frozenset[str]) -> str:
    """The code of the user's assignment region that covers `path` (for the audit row)."""
    rows = RoleAssignment.objects.filter(user=user, role__in=roles).select_related("region")
    codes = [row.region.code for row in rows if path.startswith(row.region.path)]
    return min(codes, key=len) if codes else ""
