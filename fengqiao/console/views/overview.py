"""区域概览: the leader's drill-down from the top of their scope to a single grid.

Each page shows a bar chart (ECharts, fed by the JSON endpoint below) and, beside it, the same
figures as a table with links, so the drill-down works by keyboard and without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fengqiao.console.access import (
    OVERVIEW_ROLES,
    console_user,
    get_visible_region,
    in_paths,
    require_roles,
    viewer_paths,
)
from fengqiao.console.labels import tr
from fengqiao.console.selectors import (
    AreaFigures,
    children_figures,
    region_figures,
    roots_figures,
)
from fengqiao.core.pii import mask_phone
from fengqiao.regions.models import GridWorkerStatus, Level, Region

# What the children of each level are called on the page (下辖市（州）, 下辖县（市、区）, …).
CHILD_LEVEL_NOUN = {
    Level.PROVINCE: gettext_noop("市（州）"),
    Level.CITY: gettext_noop("县（市、区）"),
    Level.COUNTY: gettext_noop("乡镇（街道）"),
    Level.TOWNSHIP: gettext_noop("村（社区）"),
    Level.VILLAGE: gettext_noop("网格"),
}


def _totals(rows: list[AreaFigures]) -> dict[str, int]:
    return {
        "child_regions": sum(r.child_regions for r in rows),
        "grids": sum(r.grids for r in rows),
        "workers": sum(r.workers for r in rows),
        "households": sum(r.households for r in rows),
    }


def _level_label(level: int) -> str:
    return tr(Level(level).label)


@require_roles(OVERVIEW_ROLES)
def overview(request: HttpRequest) -> HttpResponse:
    """The roots of the viewer's scope; a single root opens directly."""
    paths = viewer_paths(console_user(request))
    rows = roots_figures(paths)
    if len(rows) == 1:
        return redirect("console:overview_region", pk=rows[0].pk)
    context = {
        "nav_active": "overview",
        "rows": rows,
        "totals": _totals(rows),
        "chart_url": reverse("console:overview_roots_data"),
    }
    return render(request, "console/overview/roots.html", context)


@require_roles(OVERVIEW_ROLES)
def overview_region(request: HttpRequest, pk: int) -> HttpResponse:
    user = console_user(request)
    region = get_visible_region(user, pk)
    paths = viewer_paths(user)
    breadcrumb = [r for r in region.ancestors() if in_paths(r, paths) and r.pk != region.pk]
    rows = children_figures(region)
    workers: list[dict[str, Any]] = []
    if region.is_grid:
        workers = [
            {
                "name": a.worker.name,
                "number": a.worker.number,
                "is_chief": a.is_chief,
                "status": tr(a.worker.get_status_display()),
                "is_full_time": a.worker.is_full_time,
                "phone": mask_phone(a.worker.phone),
            }
            for a in region.worker_assignments.select_related("worker")
            .exclude(worker__status=GridWorkerStatus.LEFT)
            .order_by("-is_chief", "worker__number")
        ]
    context = {
        "nav_active": "overview",
        "region": region,
        "level_label": _level_label(region.level),
        "child_noun": tr(CHILD_LEVEL_NOUN.get(Level(region.level), "")),
        "breadcrumb": breadcrumb,
        "show_scope_root": len(paths) > 1,
        "figures": region_figures(region),
        "rows": rows,
        "totals": _totals(rows),
        "workers": workers,
        "chart_url": reverse("console:overview_region_data", kwargs={"pk": region.pk}),
    }
    return render(request, "console/overview/region.html", context)


def _chart(title: str, rows: list[AreaFigures]) -> dict[str, Any]:
    return {
        "title": title,
        "categories": [r.name for r in rows],
        "links": [reverse("console:overview_region", kwargs={"pk": r.pk}) for r in rows],
        "series": [
            {"name": _("网格数"), "data": [r.grids for r in rows]},
            {"name": _("网格员数"), "data": [r.workers for r in rows]},
        ],
    }


@require_roles(OVERVIEW_ROLES)
def overview_roots_data(request: HttpRequest) -> JsonResponse:
    rows = roots_figures(viewer_paths(console_user(request)))
    return JsonResponse(_chart(_("管辖范围内网格与网格员"), rows))


@require_roles(OVERVIEW_ROLES)
def overview_region_data(request: HttpRequest, pk: int) -> JsonResponse:
    region: Region = get_visible_region(console_user(request), pk)
    title = _("%(name)s 下辖各区域网格与网格员") % {"name": region.name}
    return JsonResponse(_chart(title, children_figures(region)))
