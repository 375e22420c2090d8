"""Read-only figures for the area overview (区域概览): child regions, grids, grid workers and
households per area, each computed inside one region's subtree with correlated subqueries, so
a province page costs one query whatever the size of the tree."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from fengqiao.regions.models import GridAssignment, GridWorkerStatus, Level, Region


@dataclass(frozen=True)
class AreaFigures:
    """One row of the overview table."""

    pk: int
    code: str
    name: str
    level: int
    child_regions: int
    grids: int
    workers: int
    households: int


def _scalar(
    qs: QuerySet[Region] | QuerySet[GridAssignment], template: str, column: str
) -> Subquery:
    """COUNT/SUM over a correlated queryset without a GROUP BY (one row, one value)."""
    aggregate = Func(F(column), function="", template=template, output_field=IntegerField())
    return Subquery(qs.order_by().annotate(value=aggregate).values("value")[:1])


def with_figures(regions: QuerySet[Region]) -> list[AreaFigures]:
    """The figures for each region in `regions` (active descendants only)."""
    active = Region.objects.filter(retired_on__isnull=True)
    subtree_grids = active.filter(path__startswith=OuterRef("path"), level=Level.GRID)
    serving = GridAssignment.objects.filter(
        grid__path__startswith=OuterRef("path"), grid__retired_on__isnull=True
    ).exclude(worker__status=GridWorkerStatus.LEFT)
    rows = regions.annotate(
        n_children=Coalesce(
            _scalar(active.filter(parent=OuterRef("pk")), "COUNT(%(expressions)s)", "pk"),
            Value(0),
        ),
        n_grids=Coalesce(_scalar(subtree_grids, "COUNT(%(expressions)s)", "pk"), Value(0)),
        n_households=Coalesce(
            _scalar(subtree_grids, "SUM(%(expressions)s)", "households"), Value(0)
        ),
        n_workers=Coalesce(
            _scalar(serving, "COUNT(DISTINCT %(expressions)s)", "worker_id"), Value(0)
        ),
    ).values("pk", "code", "name", "level", "n_children", "n_grids", "n_households", "n_workers")
    return [
        AreaFigures(
            pk=row["pk"],
            code=row["code"],
            name=row["name"],
            level=row["level"],
            child_regions=row["n_children"],
            grids=row["n_grids"],
            workers=row["n_workers"],
            households=row["n_households"],
        )
        for row in rows
    ]


def children_figures(region: Region) -> list[AreaFigures]:
    """Figures for the active children of `region`, ordered by code."""
    children = Region.objects.filter(parent=region, retired_on__isnull=True).order_by("code")
    return with_figures(children)


def region_figures(region: Region) -> AreaFigures:
    return with_figures(Region.objects.filter(pk=region.pk))[0]


def roots_figures(paths: list[str]) -> list[AreaFigures]:
    """Figures for the roots of a viewer's scope (one per collapsed scope path)."""
    ids = [int(path.strip("/").split("/")[-1]) for path in paths]
    return with_figures(Region.objects.filter(pk__in=ids).order_by("code"))
