"""The caller's own account and role assignments."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from fengqiao.accounts.models import RoleAssignment
from fengqiao.accounts.scope import request_user

router = Router(tags=["accounts"])


class AssignmentOut(Schema):
    role: str
    role_label: str
    region_code: str
    region_name: str
    can_act: bool


class MeOut(Schema):
    username: str
    name: str
    assignments: list[AssignmentOut]


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> MeOut:
    user = request_user(request)
    rows = RoleAssignment.objects.filter(user=user).select_related("region")
    return MeOut(
        username=user.get_username(),
        name=user.get_full_name(),
        assignments=[
            AssignmentOut(
                role=row.role,
                role_label=row.get_role_display(),
                region_code=row.region.code,
                region_name=row.region.name,
                can_act=row.can_act,
            )
            for row in rows
        ],
    )
