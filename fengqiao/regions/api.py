"""Regions, grids and grid workers, always seen through the caller's scope (AC-01, AC-02)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import path_condition, request_user, scope_paths, visible_regions
from fengqiao.api import ApiError
from fengqiao.core.pii import mask_phone
from fengqiao.regions import geo
from fengqiao.regions.models import GridAssignment, GridWorker, Region

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


class LocateOut(Schema):
    inside: bool
    grid: RegionOut | None
    candidates: list[str]
    message: str


class WorkerGridOut(Schema):
    code: str
    name: str
    is_chief: bool


class GridWorkerOut(Schema):
    """Phones are masked (PII-01); names are shown, as they are posted in the community
    (rule 4, 滨州条例 第六条). Only the grids inside the caller's scope are listed."""

    id: int
    number: str
    name: str
    phone: str
    status: str
    status_label: str
    is_full_time: bool
    grids: list[WorkerGridOut]

    @staticmethod
    def resolve_phone(obj: GridWorker) -> str:
        return mask_phone(obj.phone or "")

    @staticmethod
    def resolve_status_label(obj: GridWorker) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_grids(obj: GridWorker) -> list[WorkerGridOut]:
        seen: list[GridAssignment] = getattr(obj, "seen", [])
        return [
            WorkerGridOut(code=a.grid.code, name=a.grid.name, is_chief=a.is_chief) for a in seen
        ]


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


@router.get("/locate", response=LocateOut, summary="按经纬度查找所在网格")
def locate(request: HttpRequest, lat: float, lon: float) -> LocateOut:
    """The grid at a point among the grids the caller may see; a grid out of scope is answered
    exactly like no grid (AC-02). The tie rule is in fengqiao/regions/geo.py."""
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        field = "lat" if not -90 <= lat <= 90 else "lon"
        raise ApiError(
            422,
            "经纬度超出范围（纬度 -90～90，经度 -180～180）。",
            "Latitude or longitude out of range.",
            [{"field": field, "message": "超出范围", "type": "range"}],
        )
    found = geo.locate(lon, lat, within=scope_paths(request_user(request)))
    return LocateOut(
        inside=found.inside,
        grid=RegionOut.from_orm(found.grid) if found.grid else None,
        candidates=list(found.candidates),
        message="" if found.inside else geo.OUTSIDE_MESSAGE,
    )


def _visible_workers(user: User) -> QuerySet[GridWorker]:
    """Workers serving at least one grid in the caller's scope, with only those grids."""
    paths = scope_paths(user)
    assignments = GridAssignment.objects.filter(path_condition(paths, field="grid__path"))
    return (
        GridWorker.objects.filter(path_condition(paths, field="assignments__grid__path"))
        .distinct()
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=assignments.select_related("grid").order_by("grid__code"),
                to_attr="seen",
            )
        )
    )


@router.get("/grid-workers/", response=list[GridWorkerOut], summary="网格员列表")
@paginate
def list_grid_workers(
    request: HttpRequest, grid: str | None = None, status: str | None = None
) -> list[GridWorker]:
    """Filter by one grid code or by status (在岗 active / 请假 leave / 离岗 left)."""
    workers = _visible_workers(request_user(request))
    if grid:
        workers = workers.filter(assignments__grid__code=grid)
    if status:
        workers = workers.filter(status=status)
    return workers  # type: ignore[return-value]


@router.get("/grid-workers/{worker_id}", response=GridWorkerOut, summary="网格员详情")
def get_grid_worker(request: HttpRequest, worker_id: int) -> GridWorker:
    worker: GridWorker = get_object_or_404(_visible_workers(request_user(request)), pk=worker_id)
    return worker


@router.get("/{region_id}", response=RegionOut, summary="区划详情")
def get_region(request: HttpRequest, region_id: int) -> Region:
    region: Region = get_object_or_404(visible_regions(request_user(request)), pk=region_id)
    return region
