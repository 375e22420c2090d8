"""统计看板: the leader dashboard, drilling down province → city → county → township → village
→ grid. Every chart has a table beside it with the same numbers and links, so the drill-down
works by keyboard and without JavaScript; the charts read their data from a JSON block in the
page (`json_script`, not executed, allowed by the CSP) and are drawn by static/console/
dashboard.js. The figures come from `fengqiao.console.dashboard`, i.e. from `fengqiao.reports`.

Who: every user with an analytic scope (the view scope of a business role, as the statistics
API decides); the three 等保 administrators have none and get 403 (SOD-01). An area outside
the scope is 404 exactly like a missing one (AC-02).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.accounts.models import User
from fengqiao.console import dashboard as board
from fengqiao.console.access import console_user, in_paths, user_roles, viewer_paths
from fengqiao.console.labels import tr
from fengqiao.console.views.cases import CASE_ROLES
from fengqiao.regions.models import Level
from fengqiao.reports import indicators as ind
from fengqiao.reports.periods import Period


def _viewer(request: HttpRequest) -> User:
    user = console_user(request)
    if not board.scope_roots(user):
        raise PermissionDenied
    return user


def _choices(request: HttpRequest) -> tuple[Period, str, list[str]]:
    """The chosen period and ranking indicator; a bad value falls back to the default with a
    message for its field (never a 500)."""
    today = timezone.localdate()
    errors = []
    try:
        period = board.read_period(request.GET.get("period"), today)
    except board.PeriodChoiceError as exc:
        errors.append(_("统计期：%(error)s") % {"error": str(exc)})
        period = board.default_period(today)
    indicator = request.GET.get("rank") or board.DEFAULT_RANKING
    if indicator not in board.RANKABLE:
        errors.append(_("排名指标：未知的指标，已按按期办结率排名。"))
        indicator = board.DEFAULT_RANKING
    return period, indicator, errors


def _query(period: Period, indicator: str) -> str:
    return f"?period={period.code}&rank={indicator}"


def _form_context(period: Period, indicator: str, errors: list[str]) -> dict[str, Any]:
    return {
        "nav_active": "dashboard",
        "period": period,
        "period_groups": board.period_choices(timezone.localdate(), period),
        "rank": indicator,
        "rank_choices": board.ranking_choices(),
        "errors": errors,
        "query": _query(period, indicator),
    }


@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    """The roots of the viewer's analytic scope; a single root opens directly."""
    user = _viewer(request)
    period, indicator, errors = _choices(request)
    roots = board.scope_roots(user)
    if len(roots) == 1 and not errors:
        url = reverse("console:dashboard_region", kwargs={"pk": roots[0].pk})
        return redirect(url + _query(period, indicator))
    context = {
        **_form_context(period, indicator, errors),
        "headers": [ind.INDICATORS[i].name for i in board.CHILD_COLUMNS],
        "rows": board.root_rows(user, roots, period),
    }
    return render(request, "console/dashboard/roots.html", context)


@login_required
def dashboard_region(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    region = board.analytic_region(user, pk)
    period, indicator, errors = _choices(request)
    roots = board.scope_roots(user)
    paths = [r.path for r in roots]
    breadcrumb = [r for r in region.ancestors() if in_paths(r, paths) and r.pk != region.pk]
    may_work = bool(user_roles(user) & CASE_ROLES)
    data = board.page(user, region, period, indicator, may_work)
    overview_url = None
    if in_paths(region, viewer_paths(user)):
        overview_url = reverse("console:overview_region", kwargs={"pk": region.pk})
    context = {
        **_form_context(period, indicator, errors),
        **data,
        "region": region,
        "level_label": tr(Level(region.level).label),
        "breadcrumb": breadcrumb,
        "show_scope_root": len(roots) > 1,
        "rank_name": ind.INDICATORS[indicator].name,
        "overview_url": overview_url,
    }
    return render(request, "console/dashboard/region.html", context)
