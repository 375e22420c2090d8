"""Scope of the administration pages for units, the 派单目录, clock rules, the calendar and
accounts (AC-01, AC-02, AC-07). Every queryset here starts from the administrator's act scope in
the role that owns the page (`accounts.policy.admin_paths`); a lookup outside it is Http404,
exactly like a missing object.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from fengqiao.accounts import policy
from fengqiao.accounts.models import Role, User
from fengqiao.accounts.scope import path_condition
from fengqiao.regions.models import Region
from fengqiao.rules.models import ClockRule
from fengqiao.units.actions import UNIT_ADMIN_ROLES, unit_admin_paths
from fengqiao.units.models import CatalogueVersion, Unit

# Clock rules are read by the administrators who configure a subtree.
RULE_VIEW_ROLES = frozenset({Role.REGION_ADMIN, Role.SYSTEM_ADMIN})
# The working-day calendar is national data: a 系统管理员 whose subtree is a whole territory
# (a root region) changes it; other system administrators read it.
CALENDAR_ROLES = frozenset({Role.SYSTEM_ADMIN})
AUDIT_EXPORT_ROLES = policy.AUDIT_READ_ROLES

__all__ = [
    "UNIT_ADMIN_ROLES",
    "RULE_VIEW_ROLES",
    "CALENDAR_ROLES",
    "AUDIT_EXPORT_ROLES",
]


def regions_in(paths: list[str]) -> QuerySet[Region]:
    """The regions of the subtrees, in tree order (a parent right before its children)."""
    return Region.objects.filter(path_condition(paths, field="path")).order_by("path")


def units_in_scope(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(path_condition(unit_admin_paths(user)))


def get_unit(user: User, pk: int) -> Unit:
    unit = units_in_scope(user).select_related("region", "parent").filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def catalogues_in_scope(user: User) -> QuerySet[CatalogueVersion]:
    return CatalogueVersion.objects.filter(path_condition(unit_admin_paths(user)))


def get_catalogue(user: User, pk: int) -> CatalogueVersion:
    version = catalogues_in_scope(user).select_related("region").filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


def rules_in_scope(user: User) -> QuerySet[ClockRule]:
    """National rules, rules of the regions above the administrator's subtrees (they apply
    there) and rules inside them; other regions' rules are not listed (as the rules API)."""
    paths = policy.admin_paths(user, RULE_VIEW_ROLES)
    if not paths:
        return ClockRule.objects.none()
    above = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    return ClockRule.objects.select_related("region").filter(
        Q(region__isnull=True) | Q(region_id__in=above) | path_condition(paths)
    )


def edits_calendar(user: User) -> bool:
    """A 系统管理员 acting at a root region (the whole territory) edits the national calendar."""
    paths = policy.admin_paths(user, CALENDAR_ROLES)
    return Region.objects.filter(path__in=paths, parent__isnull=True).exists()


def users_in_scope(user: User) -> QuerySet[User]:
    return policy.visible_users(user)


def get_account(user: User, pk: int) -> User:
    target = users_in_scope(user).select_related("region", "unit").filter(pk=pk).first()
    if target is None:
        raise Http404
    return target


def grantable_roles(user: User) -> list[str]:
    """The roles the actor may grant somewhere (policy.GRANTABLE over the roles they act in)."""
    roles: set[str] = set()
    for role, grantable in policy.GRANTABLE.items():
        if policy.admin_paths(user, frozenset({role})):
            roles |= grantable
    return [r.value for r in Role if r.value in roles]


def grant_paths(user: User) -> list[str]:
    """The subtrees in which the actor grants any role."""
    return policy.admin_paths(user, frozenset(policy.GRANTABLE))


def indented(region: Region, top: int) -> str:
    """A region's label in a tree-ordered select: indented by its depth under the subtree."""
    return "　" * max(region.level - top, 0) + f"{region.name}（{region.code}）"
