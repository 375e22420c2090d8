"""Regions and grids, always seen through the caller's scope (AC-01, AC-02)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from fengqiao.accounts.scope import request_user, visible_regions
from fengqiao.regions.models import Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None
    path: str
    grid_type: str
    retired_on: str | None = None

    @staticmethod
    def resolve_retired_on(obj: Region) -> str | None:
        return obj.retired_on.isoformat() if obj.retired_on else None


@router.get("/", response=list[RegionOut], summary="区划与网格列表")
@paginate
def list_regions(
    request: HttpRequest, level: int | None = None, parent: int | None = None
) -> list[Region]:
    qs = visible_regions(request_user(request)).order_by("code")
    if level is not None:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    return qs  # type: ignore[return-value]


@router.get("/{region_id}", response=RegionOut, summary="区划详情")
def get_region(request: HttpRequest, region_id: int) -> Region:
    region: Region = get_object_or_404(visible_regions(request_user(request)), pk=region_id)
    return region
