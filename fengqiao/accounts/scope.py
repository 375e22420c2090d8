"""The one scoping API (AC-01, AC-02). Every list, detail, search, export, statistic and API
path asks here which regions a user may see or act in; nothing else decides it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from fengqiao.accounts.models import BUSINESS_ROLES, Role, RoleAssignment, User
from fengqiao.regions.models import Region


def _assignments(
    user: User, *, act: bool, roles: frozenset[str] | None
) -> QuerySet[RoleAssignment]:
    qs = RoleAssignment.objects.filter(user=user).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )
    if act:
        qs = qs.filter(can_act=True)
    if roles is not None:
        qs = qs.filter(role__in=roles)
    return qs


def scope_paths(
    user: User, *, act: bool = False, roles: frozenset[str] | None = BUSINESS_ROLES
) -> list[str]:
    """Materialized paths of the subtrees the user may see (or act in, with act=True).

    Nested subtrees are collapsed so that the OR of prefix conditions stays short."""
    if not user.is_authenticated or not user.is_active:
        return []
    paths = sorted(
        set(_assignments(user, act=act, roles=roles).values_list("region__path", flat=True))
    )
    collapsed: list[str] = []
    for path in paths:
        if not any(path.startswith(kept) for kept in collapsed):
            collapsed.append(path)
    return collapsed


def path_condition(paths: list[str], field: str = "region__path") -> Q:
    """A Q matching rows whose region lies in any of the subtrees; matches nothing if empty."""
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def visible_regions(user: User) -> QuerySet[Region]:
    return Region.objects.filter(path_condition(scope_paths(user), field="path"))


def workable_regions(user: User) -> QuerySet[Region]:
    return Region.objects.filter(path_condition(scope_paths(user, act=True), field="path"))


def holds_role(user: User, role: Role, *, act: bool = False) -> bool:
    return _assignments(user, act=act, roles=frozenset({role})).exists()


def request_user(request: HttpRequest) -> User:
    """The signed-in official behind an API request (the API's auth guarantees one)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
