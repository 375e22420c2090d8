"""Point → grid lookup over the grids' GeoJSON boundaries (shapely 2 STRtree).

Coordinates are GeoJSON order, (longitude, latitude), in whatever datum the boundaries were
drawn in (GCJ-02 or CGCS2000 in practice; the lookup does not convert).

Tie rule, when several active grids cover the point (a point on a shared edge or vertex, or
a 专属网格 drawn inside a 基础网格): a dedicated grid wins over a basic one, then the lowest
grid code wins. Codes run west→east, north→south (rule 3), so a point on the edge between two
basic grids goes to the western or northern one. A point on a grid's own boundary counts as
inside (`covers`, not `contains`).

The tree is cached per process and rebuilt when the boundaries change: every action that
touches a boundary bumps `Region.boundary_rev` and calls `invalidate()`; other processes notice
through a one-query signature (count, pk sum, max pk, revision sum of the active grids).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.db.models import Count, Max, Sum
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from fengqiao.regions.models import GridType, Level, Region

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
OUTSIDE_MESSAGE = "该位置不在任何网格内。"


@dataclass(frozen=True)
class GridShape:
    pk: int
    code: str
    path: str
    dedicated: bool
    geometry: BaseGeometry


@dataclass(frozen=True)
class Located:
    """A lookup result: the grid found (or None = outside every grid) and every grid that
    covered the point, best first."""

    grid: Region | None
    candidates: tuple[str, ...] = ()

    @property
    def inside(self) -> bool:
        return self.grid is not None

    @property
    def tie(self) -> bool:
        return len(self.candidates) > 1


@dataclass
class _Index:
    signature: tuple[int, ...] = ()
    shapes: list[GridShape] = field(default_factory=list)
    tree: STRtree | None = None


_lock = threading.Lock()
_index = _Index()


def check_geometry(geometry: Any) -> str:
    """'' if `geometry` is a valid GeoJSON Polygon/MultiPolygon in lon/lat, else a message."""
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        return "边界必须是 GeoJSON 的 Polygon 或 MultiPolygon 几何对象。"
    try:
        shp = shape(geometry)
    except Exception:  # shapely raises several types on malformed coordinates
        return "边界坐标格式错误。"
    if shp.is_empty or not shp.is_valid:
        return f"边界几何无效：{shapely.is_valid_reason(shp)}。"
    min_x, min_y, max_x, max_y = shp.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        return "边界坐标超出经纬度范围（应为 [经度, 纬度]）。"
    return ""


def _grids() -> Any:
    return Region.objects.filter(level=Level.GRID, retired_on__isnull=True, boundary__isnull=False)


def _signature() -> tuple[int, ...]:
    agg = _grids().aggregate(n=Count("pk"), s=Sum("pk"), m=Max("pk"), r=Sum("boundary_rev"))
    return (agg["n"], agg["s"] or 0, agg["m"] or 0, agg["r"] or 0)


def invalidate() -> None:
    """Forget the cached tree (called by every action that changes a grid boundary)."""
    with _lock:
        _index.signature = ()


def _current() -> _Index:
    signature = _signature()
    with _lock:
        if _index.signature == signature and _index.tree is not None:
            return _index
        shapes = [
            GridShape(pk, code, path, grid_type == GridType.DEDICATED, shape(boundary))
            for pk, code, path, grid_type, boundary in _grids().values_list(
                "pk", "code", "path", "grid_type", "boundary"
            )
        ]
        _index.shapes = shapes
        _index.tree = STRtree([s.geometry for s in shapes])
        _index.signature = signature
        return _index


def locate(lon: float, lat: float, *, within: Sequence[str] | None = None) -> Located:
    """The grid at (lon, lat); `within` restricts the answer to grids under those paths
    (the caller's scope), so a grid out of scope is answered as "outside" (AC-02)."""
    index = _current()
    if index.tree is None or not index.shapes:
        return Located(None)
    point = Point(lon, lat)
    # shapely evaluates predicate(point, tree geometry): "point covered_by grid".
    found = index.tree.query(point, predicate="covered_by")
    hits = [index.shapes[int(i)] for i in found]
    if within is not None:
        hits = [s for s in hits if any(s.path.startswith(path) for path in within)]
    if not hits:
        return Located(None)
    hits.sort(key=lambda s: (not s.dedicated, s.code))
    grid = Region.objects.get(pk=hits[0].pk)
    return Located(grid, tuple(s.code for s in hits))
