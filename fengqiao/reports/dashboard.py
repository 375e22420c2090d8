"""The drill-down figures: an area's indicators with 同比 and 环比, and the same for each of
its child areas (as the tree stood when each case was registered), from the rollups only.
Used by the API (`GET /api/v1/reports/areas`) and the bench (bench/drilldown.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fengqiao.accounts.models import User
from fengqiao.regions.models import Level, Region
from fengqiao.reports import indicators as ind
from fengqiao.reports import periods, selectors
from fengqiao.reports.periods import Period
from fengqiao.reports.selectors import Filters, Scope, Sums

DEFAULT_INDICATORS = ind.CORE


@dataclass(frozen=True)
class Request:
    region: Region
    period: Period
    filters: Filters
    indicators: tuple[str, ...]


def compare_periods(period: Period) -> list[Period]:
    before = periods.before(period)
    return [period, periods.year_before(period)] + ([before] if before else [])


def figures(sums: list[Sums], indicators: Sequence[str], params: dict[str, Any]) -> dict[str, Any]:
    """Each indicator's figure for sums[0], with 同比 (sums[1]) and 环比 (sums[2])."""
    out: dict[str, Any] = {}
    for indicator_id in indicators:
        indicator = ind.INDICATORS[indicator_id]
        current = ind.compute(indicator_id, sums[0], params)
        changes: dict[str, Any] = {}
        for index, role in ((1, "yoy"), (2, "mom")):
            if index < len(sums):
                previous = ind.compute(indicator_id, sums[index], {**params, "compare": role})
                change = ind.change(current, previous)
                changes[role] = {
                    "delta": None if change.delta is None else str(change.delta),
                    "points": change.points,
                    "text": change.text(),
                    "previous": None if previous.value is None else str(previous.value),
                }
            else:
                changes[role] = None
        out[indicator_id] = {
            "name": indicator.name,
            "value": None if current.value is None else str(current.value),
            "text": current.text(),
            "numerator": str(current.numerator),
            "denominator": None if current.denominator is None else str(current.denominator),
            **changes,
            "trace": current.trace(),
        }
    return out


def _area(info: selectors.AreaInfo, scope: Scope, path: str) -> dict[str, Any]:
    return {
        "code": info.code,
        "name": info.display,
        "level": info.level,
        "retired": info.retired,
        # historical rows of an area moved out of the scope since are shown, not drillable
        "drill": info.level < Level.GRID and any(path.startswith(p) for p in scope.paths),
    }


def drill(user: User, req: Request) -> dict[str, Any]:
    """The area's figures and its children's (the five-level drill-down, one level a call)."""
    scope = selectors.analytic_scope(user)
    plist = compare_periods(req.period)
    params = {"region": req.region.code, "period": req.period.code, **req.filters.params()}
    own = selectors.totals(req.region, plist, req.filters)
    out: dict[str, Any] = {
        "area": {
            "code": req.region.code,
            "name": req.region.name,
            "level": req.region.level,
            "retired": req.region.retired_on is not None,
        },
        "period": {"code": req.period.code, "label": req.period.label, "grain": req.period.grain},
        "filters": req.filters.params(),
        "figures": figures(own, req.indicators, params),
        "children": [],
        "direct": None,
        "children_note": "",
    }
    try:
        groups = selectors.children(req.region, plist, req.filters)
    except selectors.NotAvailable as exc:
        out["children_note"] = str(exc)
        return out
    ids = sorted({k for g in groups for k in g})
    info = selectors.areas(ids)
    paths = dict(Region.objects.filter(pk__in=ids).values_list("pk", "path"))
    for key in sorted(ids, key=lambda k: info[k].code):
        sums = [g.get(key, selectors.zero()) for g in groups]
        child_params = {**params, "region": info[key].code}
        out["children"].append(
            {
                "area": _area(info[key], scope, paths.get(key, "")),
                "figures": figures(sums, req.indicators, child_params),
            }
        )
    rest = [
        selectors.subtract(total, _sum(g.values())) for total, g in zip(own, groups, strict=True)
    ]
    if any(rest[0].values()):
        out["direct"] = figures(rest, req.indicators, {**params, "direct": True})
    return out


def _sum(items: Any) -> Sums:
    total = selectors.zero()
    for item in items:
        total = selectors.add(total, item)
    return total


TREND_INDICATORS = ("received", "closed")


def trend(
    region: Region,
    last: Period,
    *,
    months: int = 12,
    indicators: Sequence[str] = TREND_INDICATORS,
    filters: Filters | None = None,
) -> list[dict[str, Any]]:
    """The area's figures month by month, the `months` months ending with the last month of
    `last` (oldest first): one query over the monthly rollups, the same indicator functions."""
    filters = filters or Filters()
    end = last.end.replace(day=1)
    plist = [
        periods.month(d.year, d.month)
        for d in (periods.add_months(end, -k) for k in range(months - 1, -1, -1))
    ]
    sums = selectors.totals(region, plist, filters)
    out: list[dict[str, Any]] = []
    for month, s in zip(plist, sums, strict=True):
        params = {"region": region.code, "period": month.code, **filters.params()}
        row: dict[str, Any] = {"period": month.code, "label": month.label}
        for indicator_id in indicators:
            figure = ind.compute(indicator_id, s, params)
            row[indicator_id] = {
                "value": None if figure.value is None else str(figure.value),
                "text": figure.text(),
                "trace": figure.trace(),
            }
        out.append(row)
    return out
