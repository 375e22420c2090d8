"""Users, roles and role assignments: *what* a user may do comes from the role, *where* from
the assignment's region subtree, with separate view and act scopes (style-anchors §3.9)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from fengqiao.regions.models import Region
from fengqiao.units.models import Unit


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", "网格员"
    OPERATOR = "operator", "受理员/坐席"
    HANDLER = "handler", "部门办理人"
    MEDIATOR = "mediator", "调解员"
    LEADER = "leader", "领导（只读）"
    REGION_ADMIN = "region_admin", "区域管理员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


# SOD-01: the three 等保 administrators, kept apart from each other and from business roles.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
BUSINESS_ROLES = frozenset(set(Role) - ADMIN_ROLES)


class SodConflict(models.TextChoices):
    """Why a role may not be added to a user's existing roles (SOD-02)."""

    SECOND_ADMIN_ROLE = "second_admin_role", "同一用户不得兼任两个管理员角色"
    ADMIN_AND_BUSINESS = "admin_and_business", "管理员角色不得与业务角色兼任"


def sod_conflict(held: Iterable[str], role: str, *, strict: bool) -> SodConflict | None:
    """SOD-02: adding `role` to the roles `held` (expired ones included) breaks separation of
    duties? Two of the three 等保 administrator roles never; with `strict` (the setting
    FENGQIAO_SOD_STRICT, on by default) an administrator role never joins a business role."""
    held = set(held)
    if role in ADMIN_ROLES and held & {r.value for r in ADMIN_ROLES if r != role}:
        return SodConflict.SECOND_ADMIN_ROLE
    if role in ADMIN_ROLES and role in held:
        # The database allows one administrator assignment per user (one_admin_role_per_user).
        return SodConflict.SECOND_ADMIN_ROLE
    if strict and (
        (role in ADMIN_ROLES and held & BUSINESS_ROLES)
        or (role in BUSINESS_ROLES and held & ADMIN_ROLES)
    ):
        return SodConflict.ADMIN_AND_BUSINESS
    return None


class User(AbstractUser):
    """An official's account. Login IDs are unique regardless of case (AUTH-01)."""

    must_change_password = models.BooleanField("首次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    first_failed_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    # The region the account belongs to: it decides which administrators see the account
    # (together with the regions of its role assignments), see accounts/scope.py.
    region = models.ForeignKey(
        Region,
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.UniqueConstraint(Lower("username"), name="username_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.username

    def is_locked(self, now: datetime) -> bool:
        """AUTH-04: locked until `locked_until` after too many failed logins."""
        return self.locked_until is not None and self.locked_until > now

    def password_expires_at(self) -> datetime | None:
        """AUTH-03: when the current password reaches the maximum age (None: never)."""
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        if not max_age or self.password_changed_at is None:
            return None
        return self.password_changed_at + timedelta(days=max_age)

    def password_expiry_warning(self, now: datetime) -> bool:
        """AUTH-03: inside the warning period before the password expires."""
        expires = self.password_expires_at()
        warning = timedelta(days=settings.PASSWORD_EXPIRY_WARNING_DAYS)
        return expires is not None and now <= expires <= now + warning

    def needs_password_change(self, now: datetime) -> bool:
        """AUTH-01/03: a one-time or reset password, or one older than the maximum age."""
        if self.must_change_password:
            return True
        expires = self.password_expires_at()
        return expires is not None and now > expires


class RoleAssignment(models.Model):
    """A role held in a region subtree (optionally for one unit). `can_act` separates the act
    scope from the view scope: a leader views a county, a grid worker acts in one grid."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name="区划范围", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    can_act = models.BooleanField("可办理", default=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            # SOD-02 at the database level: at most one of the three admin roles per user.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role__in=sorted(r.value for r in ADMIN_ROLES)),
                name="one_admin_role_per_user",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region", "unit"], name="role_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.region.code}"

    def is_active_at(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at > now

    def clean(self) -> None:
        """Model validation of SOD-02 (the actions check it too and audit the refusal)."""
        held = RoleAssignment.objects.filter(user_id=self.user_id).exclude(pk=self.pk)
        conflict = sod_conflict(
            held.values_list("role", flat=True), self.role, strict=settings.FENGQIAO_SOD_STRICT
        )
        if conflict is not None:
            raise ValidationError({"role": conflict.label}, code=conflict.value)


class PasswordHistory(models.Model):
    """AUTH-03: hashes of earlier passwords, so that recent ones are not chosen again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    replaced_at = models.DateTimeField()

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        indexes = [models.Index(fields=["user", "-replaced_at"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.replaced_at:%Y-%m-%d}"
