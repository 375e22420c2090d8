"""The caller's own account, and delegated account administration (AC-07, SOD-01, SOD-04).

Administrators see the accounts of their subtree only (`policy.visible_users`); anything else
answers 404 like a missing account. Grants outside policy answer 403 with the reason.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from fengqiao.accounts import policy
from fengqiao.accounts.actions import (
    do_create_user,
    do_grant_role,
    do_reset_mfa,
    do_revoke_role,
    do_unlock,
)
from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.accounts.scope import request_user
from fengqiao.api import ApiError
from fengqiao.regions.models import Region
from fengqiao.units.models import Unit

router = Router(tags=["accounts"])


class AssignmentOut(Schema):
    id: int
    role: str
    role_label: str
    region_id: int
    region_code: str
    region_name: str
    unit_id: int | None
    can_act: bool
    expires_at: datetime | None

    @staticmethod
    def resolve_role_label(obj: RoleAssignment) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_region_code(obj: RoleAssignment) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj: RoleAssignment) -> str:
        return obj.region.name


class MeOut(Schema):
    username: str
    name: str
    must_change_password: bool
    password_expires_at: datetime | None = Field(description="密码到期时间（AUTH-03）")
    password_expiry_warning: bool = Field(description="密码将在提醒期内到期，请尽快修改")
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_password_expires_at(obj: User) -> datetime | None:
        return obj.password_expires_at()

    @staticmethod
    def resolve_password_expiry_warning(obj: User) -> bool:
        return obj.password_expiry_warning(timezone.now())

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.get_full_name()

    @staticmethod
    def resolve_assignments(obj: User) -> list[RoleAssignment]:
        return list(obj.assignments.select_related("region"))


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    region_code: str | None
    unit_id: int | None
    is_active: bool
    locked: bool
    must_change_password: bool
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_full_name(obj: User) -> str:
        return obj.get_full_name()

    @staticmethod
    def resolve_region_code(obj: User) -> str | None:
        return obj.region.code if obj.region else None

    @staticmethod
    def resolve_locked(obj: User) -> bool:
        return obj.is_locked(timezone.now())

    @staticmethod
    def resolve_assignments(obj: User) -> list[RoleAssignment]:
        return list(obj.assignments.all())


class UserIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    full_name: str = Field("", max_length=150)
    region_code: str = Field(min_length=1, max_length=15)
    unit_id: int | None = None


class UserCreatedOut(Schema):
    user: UserOut
    one_time_password: str = Field(description="一次性密码：只显示这一次，首次登录须修改")


class GrantIn(Schema):
    role: Role
    region_code: str = Field(min_length=1, max_length=15)
    unit_id: int | None = None
    can_act: bool = True
    expires_at: datetime | None = None


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ApiError(
            400,
            "区划代码不存在。",
            "Unknown region code.",
            [{"field": "region_code", "message": "区划代码不存在。", "type": "unknown"}],
        )
    return region


def _unit(unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.select_related("region").filter(pk=unit_id).first()
    if unit is None:
        raise ApiError(
            400,
            "单位不存在。",
            "Unknown unit.",
            [{"field": "unit_id", "message": "单位不存在。", "type": "unknown"}],
        )
    return unit


def _visible_users(request: HttpRequest) -> QuerySet[User]:
    actor = request_user(request)
    if not policy.holds_any(actor, policy.ACCOUNT_VIEW_ROLES):
        raise ApiError(403, "您无权管理账号。", "Account administration is not allowed.")
    return (
        policy.visible_users(actor)
        .select_related("region")
        .prefetch_related("assignments__region")
        .order_by("username")
    )


def _user(request: HttpRequest, user_id: int) -> User:
    user: User = get_object_or_404(_visible_users(request), pk=user_id)
    return user


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> User:
    return request_user(request)


@router.get("/users", response=list[UserOut], summary="账号列表（本辖区）")
@paginate
def list_users(request: HttpRequest, q: str = "") -> QuerySet[User]:
    users = _visible_users(request)
    if q:
        users = users.filter(username__icontains=q)
    return users


@router.post("/users", response={201: UserCreatedOut}, summary="创建账号")
def create_user(request: HttpRequest, payload: UserIn) -> Status[dict[str, object]]:
    user, password = do_create_user(
        username=payload.username,
        full_name=payload.full_name,
        region=_region(payload.region_code),
        unit=_unit(payload.unit_id),
        actor=request_user(request),
    )
    created = _user(request, user.pk)
    return Status(201, {"user": created, "one_time_password": password})


@router.get("/users/{user_id}", response=UserOut, summary="账号详情")
def get_user(request: HttpRequest, user_id: int) -> User:
    return _user(request, user_id)


@router.post("/users/{user_id}/roles", response={201: AssignmentOut}, summary="授予角色")
def grant_role(request: HttpRequest, user_id: int, payload: GrantIn) -> Status[RoleAssignment]:
    assignment = do_grant_role(
        _user(request, user_id),
        role=payload.role.value,
        region=_region(payload.region_code),
        unit=_unit(payload.unit_id),
        can_act=payload.can_act,
        expires_at=payload.expires_at,
        actor=request_user(request),
    )
    return Status(201, assignment)


@router.delete("/users/{user_id}/roles/{assignment_id}", response={204: None}, summary="撤销角色")
def revoke_role(request: HttpRequest, user_id: int, assignment_id: int) -> Status[None]:
    user = _user(request, user_id)
    assignment = get_object_or_404(
        RoleAssignment.objects.select_related("user", "region", "unit__region"),
        pk=assignment_id,
        user=user,
    )
    do_revoke_role(assignment, actor=request_user(request))
    return Status(204, None)


@router.post("/users/{user_id}/unlock", response=UserOut, summary="解锁账号")
def unlock_user(request: HttpRequest, user_id: int) -> User:
    do_unlock(_user(request, user_id), actor=request_user(request))
    return _user(request, user_id)


@router.post("/users/{user_id}/mfa/reset", response=UserOut, summary="重置多因素认证（AUTH-06）")
def reset_mfa(request: HttpRequest, user_id: int) -> User:
    do_reset_mfa(_user(request, user_id), actor=request_user(request))
    return _user(request, user_id)
