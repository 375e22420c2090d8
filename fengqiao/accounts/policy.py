"""Who may administer whom: the role matrix as data, and the predicates the actions and the
API use (AC-05, AC-07, SOD-01, SOD-04, PII-02). docs/security.md explains every rule.

Delegated administration (AC-07), precisely:

1. Nobody changes their own role assignments (SOD-04).
2. An actor may grant role R at region X only through one of their own *authorising*
   assignments: active (not expired), `can_act`, with a role whose entry in `GRANTABLE` lists R,
   and whose region subtree contains X (X itself or a descendant). A unit named in the grant
   must be anchored inside that same subtree.
3. `GRANTABLE` encodes "only roles they hold themselves": every administering role may grant
   itself (a 区域管理员 appoints 区域管理员 below or beside them; a 系统管理员 another 系统管理员),
   and the account-administering roles (区域管理员, 系统管理员) may also grant the business roles
   of their subtree, which they cannot hold themselves under SOD-02. The 安全管理员 grants only
   安全管理员; the 审计管理员 grants nothing, and the first holder of each 等保 administrator
   role is created by `fengqiao create-admin` on the server.
4. The grant must not break separation of duties (SOD-02, `models.sod_conflict`).
5. Revoking follows the same rule: the actor could have granted that assignment.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.accounts.scope import path_condition, scope_paths
from fengqiao.regions.models import Region
from fengqiao.units.models import Unit

# Business roles that an account administrator hands out in their subtree.
DELEGABLE_BUSINESS_ROLES = frozenset(
    {Role.GRID_WORKER, Role.OPERATOR, Role.HANDLER, Role.MEDIATOR, Role.LEADER}
)

# Administering role → the roles it may grant (and revoke) within its subtree.
GRANTABLE: dict[str, frozenset[str]] = {
    Role.REGION_ADMIN: DELEGABLE_BUSINESS_ROLES | {Role.REGION_ADMIN},
    Role.SYSTEM_ADMIN: DELEGABLE_BUSINESS_ROLES | {Role.REGION_ADMIN, Role.SYSTEM_ADMIN},
    Role.SECURITY_ADMIN: frozenset({Role.SECURITY_ADMIN}),
}

# Roles whose holders see the accounts of their subtree (list and detail).
ACCOUNT_VIEW_ROLES = frozenset({Role.REGION_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})
# Roles that create accounts in their subtree (SOD-01: the 系统管理员 administers accounts).
ACCOUNT_CREATE_ROLES = frozenset({Role.REGION_ADMIN, Role.SYSTEM_ADMIN})
# AUTH-04: the 安全管理员 unlocks accounts locked after failed logins.
UNLOCK_ROLES = frozenset({Role.SECURITY_ADMIN})
# AUTH-06: the 安全管理员 resets a user's second factor (a lost phone), in their subtree.
MFA_RESET_ROLES = UNLOCK_ROLES
# SOD-01: only the 审计管理员 reads the audit log.
AUDIT_READ_ROLES = frozenset({Role.AUDIT_ADMIN})
# PII-02: the roles that work with the people behind a record may unmask, in their act scope.
# Leaders (view only), grid workers and the three administrators may not.
UNMASK_ROLES = frozenset({Role.OPERATOR, Role.HANDLER, Role.MEDIATOR})


def admin_paths(user: User, roles: frozenset[str]) -> list[str]:
    """Subtrees in which the user acts (active, can_act) in one of `roles`."""
    return scope_paths(user, act=True, roles=roles)


def holds_any(user: User, roles: frozenset[str], *, act: bool = True) -> bool:
    return bool(scope_paths(user, act=act, roles=roles))


def may_read_audit(user: User) -> bool:
    return holds_any(user, AUDIT_READ_ROLES, act=False)


def visible_users(actor: User, roles: frozenset[str] = ACCOUNT_VIEW_ROLES) -> QuerySet[User]:
    """The accounts an administrator sees: home region or any role assignment (expired ones
    included) inside one of the actor's subtrees for an account-administering role."""
    paths = admin_paths(actor, roles)
    if not paths:
        return User.objects.none()
    assigned_inside = RoleAssignment.objects.filter(path_condition(paths)).values("user_id")
    return User.objects.filter(path_condition(paths, "region__path") | Q(pk__in=assigned_inside))


def user_is_visible(actor: User, target: User, roles: frozenset[str] = ACCOUNT_VIEW_ROLES) -> bool:
    return visible_users(actor, roles).filter(pk=target.pk).exists()


@dataclass(frozen=True)
class GrantCheck:
    """The outcome of checking one grant: allowed, or the reason code and messages."""

    allowed: bool
    code: str = ""
    detail: str = ""
    detail_en: str = ""


ALLOWED = GrantCheck(True)


def _authorising_paths(actor: User, role: str) -> list[str]:
    granting = frozenset(r for r, grantable in GRANTABLE.items() if role in grantable)
    return admin_paths(actor, granting) if granting else []


def check_grant(
    actor: User, target: User, *, role: str, region: Region, unit: Unit | None = None
) -> GrantCheck:
    """AC-07 and SOD-04 for granting (or revoking) `role` at `region` to `target`."""
    if target.pk == actor.pk:
        return GrantCheck(
            False,
            "self_grant",
            "不能修改自己的角色授权。",
            "You cannot change your own role assignments.",
        )
    paths = _authorising_paths(actor, role)
    if not paths:
        return GrantCheck(
            False,
            "role_not_grantable",
            f"您无权授予或撤销“{Role(role).label}”角色。",
            "You may not grant or revoke this role.",
        )
    inside = [p for p in paths if region.path.startswith(p)]
    if not inside:
        return GrantCheck(
            False,
            "region_out_of_scope",
            "授权区划超出您的管辖范围。",
            "The region lies outside your administrative subtree.",
        )
    if unit is not None and not any(unit.region.path.startswith(p) for p in inside):
        return GrantCheck(
            False,
            "unit_out_of_scope",
            "所选单位不在您的管辖范围内。",
            "The unit lies outside your administrative subtree.",
        )
    return ALLOWED


def check_create_user(actor: User, region: Region) -> GrantCheck:
    """Accounts are created by account administrators, inside their subtree."""
    paths = admin_paths(actor, ACCOUNT_CREATE_ROLES)
    if not paths:
        return GrantCheck(
            False, "not_account_admin", "您无权创建账号。", "You may not create accounts."
        )
    if not any(region.path.startswith(p) for p in paths):
        return GrantCheck(
            False,
            "region_out_of_scope",
            "账号所属区划超出您的管辖范围。",
            "The region lies outside your administrative subtree.",
        )
    return ALLOWED


# Disable, enable and reset the password of an account (AC-07, 等保 8.1.4.2 c): the
# account-administering roles, in their subtree.
ACCOUNT_MANAGE_ROLES = ACCOUNT_CREATE_ROLES


def check_manage_account(actor: User, target: User) -> GrantCheck:
    """Disable, enable or reset the password of `target`: an account administrator, never on
    their own account, and only for an account whose every role assignment the actor could
    have granted (so that nobody takes over an account holding more than they may grant)."""
    if target.pk == actor.pk:
        return GrantCheck(
            False,
            "self_manage",
            "不能对自己的账号执行此操作。",
            "You cannot do this to your own account.",
        )
    if not holds_any(actor, ACCOUNT_MANAGE_ROLES):
        return GrantCheck(
            False, "not_account_admin", "您无权管理账号。", "You may not administer accounts."
        )
    for assignment in target.assignments.select_related("region", "unit__region"):
        check = check_grant(
            actor, target, role=assignment.role, region=assignment.region, unit=assignment.unit
        )
        if not check.allowed:
            return GrantCheck(
                False,
                "holds_more",
                "该账号持有您无权授予的角色或区划，不能由您管理。",
                "The account holds a role or region you may not grant.",
            )
    return ALLOWED


def check_reset_mfa(actor: User, target: User) -> GrantCheck:
    """AUTH-06: may `actor` reset `target`'s second factor? A 安全管理员 whose subtree holds
    the account, never on their own. `code` "out_of_scope" is answered 404 (AC-02), the
    others 403. The one rule for the API, the console button and `do_reset_mfa`."""
    if not holds_any(actor, MFA_RESET_ROLES):
        return GrantCheck(
            False,
            "no_permission",
            "您无权重置多因素认证。",
            "You may not reset second factors.",
        )
    if not user_is_visible(actor, target, roles=MFA_RESET_ROLES):
        return GrantCheck(False, "out_of_scope", "未找到。", "Not found.")
    if target.pk == actor.pk:
        return GrantCheck(
            False,
            "self",
            "不能重置本人的多因素认证。",
            "You cannot reset your own second factor.",
        )
    return ALLOWED
