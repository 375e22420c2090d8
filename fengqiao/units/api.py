"""Units visible to the caller: those anchored in a region the caller may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from fengqiao.accounts.scope import path_condition, request_user, scope_paths
from fengqiao.units.models import Unit

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    unit_type: str
    region_id: int


def visible_units(request: HttpRequest) -> QuerySet[Unit]:
    return Unit.objects.filter(path_condition(scope_paths(request_user(request))))


@router.get("/", response=list[UnitOut], summary="单位列表")
@paginate
def list_units(request: HttpRequest, unit_type: str | None = None) -> list[Unit]:
    qs = visible_units(request)
    if unit_type:
        qs = qs.filter(unit_type=unit_type)
    return qs.order_by("code")  # type: ignore[return-value]


@router.get("/{unit_id}", response=UnitOut, summary="单位详情")
def get_unit(request: HttpRequest, unit_id: int) -> Unit:
    unit: Unit = get_object_or_404(visible_units(request), pk=unit_id)
    return unit
