"""The read-only statistics layer. Every read starts from the viewer's analytic scope (their
view scope from accounts/scope.py, which for a leader may be wider than what they can act
on, AC-06) and reads the rollup tables only — never the case table, never a row that could
carry personal information.

An area outside the scope answers 404 exactly like a missing one (AC-02).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet, Sum
from django.http import Http404

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import scope_paths
from fengqiao.regions.models import Level, Region
from fengqiao.reports.measures import Number
from fengqiao.reports.models import (
    AMOUNT_MEASURES,
    MEASURES,
    AreaDay,
    AreaMonth,
    SourceMonth,
    UnitMonth,
)
from fengqiao.reports.periods import DAY, Period
from fengqiao.reports.upsert import CUBES

Sums = dict[str, Number]


class NotAvailable(ValueError):
    """A figure the rollups cannot give at this level or grain (message in Chinese)."""


def zero() -> Sums:
    return {m: (Decimal(0) if m in AMOUNT_MEASURES else 0) for m in MEASURES}


def add(a: Sums, b: Sums) -> Sums:
    return {m: a.get(m, 0) + b.get(m, 0) for m in MEASURES}


def subtract(a: Sums, b: Sums) -> Sums:
    return {m: a.get(m, 0) - b.get(m, 0) for m in MEASURES}


@dataclass(frozen=True)
class Scope:
    """The subtrees a user may read statistics for (materialized path prefixes)."""

    paths: tuple[str, ...]

    def covers(self, region: Region) -> bool:
        return any(region.path.startswith(p) for p in self.paths)

    def roots(self) -> list[Region]:
        return list(Region.objects.filter(path__in=self.paths).order_by("level", "code"))


def analytic_scope(user: User) -> Scope:
    """AC-06: statistics aggregate over the view scope (not the act scope)."""
    return Scope(tuple(scope_paths(user)))


def area_for(user: User, code: str | None) -> Region:
    """The area a statistics request is about: the named one if in scope, else 404; with no
    code, the user's (first, highest) scope root."""
    scope = analytic_scope(user)
    if not code:
        roots = scope.roots()
        if not roots:
            raise Http404
        return roots[0]
    region = Region.objects.filter(code=code.strip()).first()
    if region is None or not scope.covers(region):
        raise Http404
    return region


@dataclass(frozen=True)
class Filters:
    """What to count: kinds (empty = all), one top-level category, one source."""

    kinds: tuple[str, ...] = ()
    category: int | None = None
    source: str | None = None

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.kinds:
            out["kinds"] = list(self.kinds)
        if self.category is not None:
            out["category"] = self.category
        if self.source is not None:
            out["source"] = self.source
        return out


def _qs(model: type[Model], period_list: Sequence[Period], f: Filters) -> QuerySet[Any]:
    grain_field = "day" if model is AreaDay else "month"
    buckets = sorted({b for p in period_list for b in p.buckets})
    qs = model._default_manager.filter(**{f"{grain_field}__in": buckets})
    if f.kinds:
        qs = qs.filter(kind__in=f.kinds)
    if f.category is not None:
        qs = qs.filter(category=f.category)
    if f.source is not None:
        qs = qs.filter(source=f.source)
    return qs


def _model(period: Period, f: Filters, level: int, *, dim: str = "") -> type[Model]:
    if period.grain == DAY:
        if f.category is not None or f.source is not None or dim in ("category", "source"):
            raise NotAvailable("按周或按日统计不支持分类和来源筛选，请按月统计。")
        if level > Level.COUNTY:
            raise NotAvailable("按周或按日的统计只到县（市、区）一级，请按月统计。")
        return AreaDay
    if f.source is not None or dim == "source":
        if f.category is not None:
            raise NotAvailable("来源统计不能再按分类筛选。")
        if level > Level.TOWNSHIP:
            raise NotAvailable("按来源的统计只到乡镇（街道）一级。")
        return SourceMonth
    return AreaMonth


def grouped(
    qs: QuerySet[Any], group: str, periods: Sequence[Period], date_field: str
) -> list[dict[Any, Sums]]:
    """Sum the measures per `group` value, separately for each period (one query)."""
    rows = qs.values(group, date_field).annotate(**{f"s_{m}": Sum(m) for m in MEASURES})
    out: list[dict[Any, Sums]] = [defaultdict(zero) for _ in periods]
    spans = [(p.start, p.end) for p in periods]
    for row in rows:
        day = row[date_field]
        for index, (start, end) in enumerate(spans):
            if start <= day <= end:
                cell = out[index][row[group]]
                for m in MEASURES:
                    cell[m] += row[f"s_{m}"] or 0
    return [dict(d) for d in out]


def _date_field(model: type[Model]) -> str:
    return "day" if model is AreaDay else "month"


def totals(region: Region, periods: Sequence[Period], f: Filters = Filters()) -> list[Sums]:
    """The area's own figures for each period."""
    model = _model(periods[0], f, region.level)
    qs = _qs(model, periods, f).filter(region=region.pk)
    out = grouped(qs, "region", periods, _date_field(model))
    return [d.get(region.pk, zero()) for d in out]


def children(
    region: Region, periods: Sequence[Period], f: Filters = Filters()
) -> list[dict[int, Sums]]:
    """Figures of each child area (as the tree stood when each case was registered)."""
    model = _model(periods[0], f, region.level + 1)
    qs = _qs(model, periods, f).filter(parent=region.pk)
    return grouped(qs, "region", periods, _date_field(model))


def by_dimension(
    region: Region, dim: str, periods: Sequence[Period], f: Filters = Filters()
) -> list[dict[Any, Sums]]:
    """Figures of the area split by `kind`, `category` or `source`."""
    model = _model(periods[0], f, region.level, dim=dim)
    qs = _qs(model, periods, f).filter(region=region.pk)
    return grouped(qs, dim, periods, _date_field(model))


def by_unit(
    region: Region, relation: str, periods: Sequence[Period], f: Filters = Filters()
) -> list[dict[int, Sums]]:
    """Figures per unit (lead unit or unit complained about), for cases inside the area."""
    if periods[0].grain == DAY or f.category is not None or f.source is not None:
        raise NotAvailable("按单位的统计按月进行，且不能再按分类或来源筛选。")
    if region.level > Level.TOWNSHIP:
        raise NotAvailable("按单位的统计只到乡镇（街道）一级。")
    qs = _qs(UnitMonth, periods, f).filter(region=region.pk, relation=relation)
    return grouped(qs, "unit", periods, "month")


def grid_ids(region: Region) -> list[int]:
    """The grids of the area as the tree stands now (retired ones included)."""
    return list(
        Region.objects.filter(path__startswith=region.path, level=Level.GRID)
        .order_by("code")
        .values_list("pk", flat=True)
    )


def by_regions(
    ids: Sequence[int], periods: Sequence[Period], f: Filters = Filters(), *, level: int
) -> list[dict[int, Sums]]:
    """Figures of the listed areas (all of one level), e.g. every grid of a township."""
    model = _model(periods[0], f, level)
    qs = _qs(model, periods, f).filter(region__in=list(ids))
    return grouped(qs, "region", periods, _date_field(model))


@dataclass(frozen=True)
class AreaInfo:
    """What a report shows about an area: code, name, level, whether retired."""

    pk: int
    code: str
    name: str
    level: int
    retired: bool

    @property
    def display(self) -> str:
        return f"{self.name}（已撤销）" if self.retired else self.name


def areas(ids: Sequence[int]) -> dict[int, AreaInfo]:
    rows = Region.objects.filter(pk__in=list(ids)).values_list(
        "pk", "code", "name", "level", "retired_on"
    )
    return {
        pk: AreaInfo(pk, code, name, level, retired is not None)
        for pk, code, name, level, retired in rows
    }


def cube_row_count() -> dict[str, int]:
    """Rows per rollup table (for the bench and the admin)."""
    return {name: cube.model._default_manager.count() for name, cube in CUBES.items()}


__all__ = [
    "AreaInfo",
    "Filters",
    "NotAvailable",
    "Scope",
    "Sums",
    "add",
    "analytic_scope",
    "area_for",
    "areas",
    "by_dimension",
    "by_regions",
    "by_unit",
    "children",
    "grid_ids",
    "grouped",
    "subtract",
    "totals",
    "zero",
]
