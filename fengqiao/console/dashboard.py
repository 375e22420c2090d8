"""统计看板 (the leader dashboard): what its pages show, assembled from the statistics layer.

Every figure comes from `fengqiao.reports` — `dashboard.drill` (an area's indicators with
同比/环比 and its children's), `dashboard.trend` (month by month), `rankings.ranking`
(minimum sample, honest ties) — so a number here is the number of the API, the tables and
the bulletin; nothing is counted a second way in the console. Reads start from the viewer's
analytic scope (`reports.selectors.analytic_scope`); an area outside it is 404 (AC-02).

The two case lists (超期、督办) are not statistics: they are the open cases of the area now,
read through the cases app's scope. A case outside the viewer's case scope is listed by its
number only, never its title, and without a link (AC-06: no personal information).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F
from django.http import Http404
from django.urls import reverse

from fengqiao.accounts.models import User
from fengqiao.cases.access import cases_for
from fengqiao.cases.models import Case
from fengqiao.cases.workflow import MERGED
from fengqiao.regions.models import Level, Region
from fengqiao.reports import dashboard, periods, rankings, selectors
from fengqiao.reports import indicators as ind
from fengqiao.reports.periods import MONTH, Period, PeriodError
from fengqiao.reports.selectors import Filters, NotAvailable

# The key figures shown as cards (all eleven core indicators are in the table below them).
KEY_FIGURES = (
    "received",
    "closed",
    "on_time_rate",
    "resolution_rate",
    "satisfaction_rate",
    "overdue",
)
# The columns of the children's table (the bar chart shows the first two).
CHILD_COLUMNS = (
    "received",
    "closed",
    "on_time_rate",
    "resolution_rate",
    "satisfaction_rate",
    "overdue",
)
# Indicators a leader may rank on: the core ones with a direction.
RANKABLE = tuple(i for i in ind.CORE if ind.INDICATORS[i].better)
DEFAULT_RANKING = "on_time_rate"
CASE_LIST_SIZE = 20


class PeriodChoiceError(ValueError):
    """A period the dashboard cannot show (message in Chinese)."""


def analytic_region(user: User, pk: int) -> Region:
    """The area if it lies in the viewer's analytic scope; 404 exactly like a missing one."""
    region = Region.objects.filter(pk=pk).first()
    if region is None or not selectors.analytic_scope(user).covers(region):
        raise Http404
    return region


def scope_roots(user: User) -> list[Region]:
    return selectors.analytic_scope(user).roots()


def default_period(today: date) -> Period:
    return periods.current_month(today)


def read_period(code: str | None, today: date) -> Period:
    """The chosen period (month, quarter, year or a run of months); the current month when
    none is given; PeriodChoiceError when it cannot be read or is not month-based."""
    if not code:
        return default_period(today)
    try:
        period = periods.parse(code)
    except PeriodError as exc:
        raise PeriodChoiceError(str(exc)) from None
    if period.grain != MONTH:
        raise PeriodChoiceError("统计看板按月、季度或年度统计，请选择月份、季度或年度。")
    try:  # the comparison periods and the 12-month trend must exist in the calendar too
        dashboard.compare_periods(period)
        periods.add_months(period.start, -12)
    except ValueError:
        raise PeriodChoiceError("统计期超出可统计的年份范围。") from None
    return period


def period_choices(today: date, chosen: Period) -> list[tuple[str, list[tuple[str, str]]]]:
    """The select's option groups: the last 24 months, 8 quarters and 3 years (the chosen
    period added when it is older)."""
    this_month = today.replace(day=1)
    month_list = [periods.add_months(this_month, -k) for k in range(24)]
    months_ = [periods.month(d.year, d.month) for d in month_list]
    quarter_no = (today.month + 2) // 3
    quarters = []
    year, q = today.year, quarter_no
    for _ in range(8):
        quarters.append(periods.quarter(year, q))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    years = [periods.year(today.year - k) for k in range(3)]
    groups = [("月度", months_), ("季度", quarters), ("年度", years)]
    out = [(label, [(p.code, p.label) for p in items]) for label, items in groups]
    known = {code for _, items in out for code, _ in items}
    if chosen.code not in known:
        out.insert(0, ("所选", [(chosen.code, chosen.label)]))
    return out


def ranking_choices() -> list[tuple[str, str]]:
    return [(i, ind.INDICATORS[i].name) for i in RANKABLE]


# ------------------------------------------------------------------ the figures


@dataclass(frozen=True)
class Card:
    """One key figure with its 同比 and 环比 (texts from the indicator layer)."""

    id: str
    name: str
    text: str
    yoy: str
    mom: str
    definition: str


def _change_text(change: dict[str, Any] | None) -> str:
    return "—" if change is None else str(change["text"])


def cards(figures: dict[str, Any], ids: tuple[str, ...]) -> list[Card]:
    return [
        Card(
            i,
            figures[i]["name"],
            figures[i]["text"],
            _change_text(figures[i]["yoy"]),
            _change_text(figures[i]["mom"]),
            ind.INDICATORS[i].definition,
        )
        for i in ids
    ]


def children_rows(user: User, drilled: dict[str, Any]) -> list[dict[str, Any]]:
    """The children of the drill-down as table rows, each linking to its own page when it
    lies in the viewer's analytic scope now (a grid too: its page shows its own figures; an
    area moved out of the scope since keeps its historical row, without a link)."""
    scope = selectors.analytic_scope(user)
    codes = [c["area"]["code"] for c in drilled["children"]]
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    rows = []
    for child in drilled["children"]:
        area = child["area"]
        region = regions.get(area["code"])
        url = None
        if region is not None and scope.covers(region):
            url = reverse("console:dashboard_region", kwargs={"pk": region.pk})
        rows.append(
            {
                "code": area["code"],
                "name": area["name"],
                "url": url,
                "cells": [child["figures"][i]["text"] for i in CHILD_COLUMNS],
                "figures": child["figures"],
            }
        )
    return rows


def children_chart(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """The bar chart of the children: the same rows as the table (受理量、办结量)."""
    return {
        "type": "bar",
        "title": title,
        "categories": [r["name"] for r in rows],
        "links": [r["url"] for r in rows],
        "series": [
            {
                "name": ind.INDICATORS[i].name,
                "data": [int(r["figures"][i]["value"] or 0) for r in rows],
            }
            for i in ("received", "closed")
        ],
    }


def trend_chart(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    return {
        "type": "line",
        "title": title,
        "categories": [r["label"] for r in rows],
        "links": [None for _ in rows],
        "series": [
            {
                "name": ind.INDICATORS[i].name,
                "data": [int(r[i]["value"] or 0) for r in rows],
            }
            for i in dashboard.TREND_INDICATORS
        ],
    }


@dataclass
class RankingView:
    """A ranking as the page shows it: rows with a rank or the reason there is none."""

    title: str
    shown: bool
    note: str
    rows: list[dict[str, Any]]
    min_sample: int


def _rank_label(row: rankings.Ranked) -> str:
    if row.rank:
        return str(row.rank)
    return "样本不足" if row.note.startswith("样本不足") else "—"


def ranking_view(region: Region, period: Period, indicator_id: str, by: str) -> RankingView:
    title = "下级区域排名" if by == rankings.AREAS else "主办单位排名"
    try:
        result = rankings.ranking(region, period, indicator_id, by=by)
    except NotAvailable as exc:
        return RankingView(title, False, str(exc), [], 0)
    rows = [
        {
            "rank": r.rank,
            "name": r.name,
            "code": r.code,
            "text": r.figure.text(),
            "sample": r.sample,
            "note": r.note,
            "label": _rank_label(r),
        }
        for r in result.rows
    ]
    return RankingView(title, result.shown, result.note, rows, result.min_sample)


# ------------------------------------------------------------------ the case lists


@dataclass(frozen=True)
class CaseItem:
    receipt_no: str
    title: str  # empty when the case is outside the viewer's case scope
    url: str | None
    area: str
    due_at: Any
    supervision_level: int


@dataclass
class CaseList:
    key: str
    title: str
    total: int
    items: list[CaseItem]
    worklist_url: str | None


def _case_items(user: User, qs: Any) -> list[CaseItem]:
    rows = list(
        qs.select_related("region").order_by(F("due_at").asc(nulls_last=True), "pk")[
            :CASE_LIST_SIZE
        ]
    )
    visible = set(cases_for(user).filter(pk__in=[c.pk for c in rows]).values_list("pk", flat=True))
    return [
        CaseItem(
            c.receipt_no,
            c.title if c.pk in visible else "",
            reverse("console:case_detail", kwargs={"pk": c.pk}) if c.pk in visible else None,
            c.region.name,
            c.due_at,
            c.supervision_level,
        )
        for c in rows
    ]


def case_lists(user: User, region: Region, worklist_allowed: bool) -> list[CaseList]:
    """Open cases of the area now: overdue, and under supervision (催办、督办、挂牌)."""
    base = Case.objects.filter(region__path__startswith=region.path, is_open=True).exclude(
        status=MERGED
    )
    specs = [
        ("overdue", "当前超期未办结事项", base.filter(is_overdue=True)),
        ("supervised", "当前督办中的事项", base.filter(supervision_level__gt=0)),
    ]
    out = []
    for key, title, qs in specs:
        url = None
        if worklist_allowed:
            url = f"{reverse('console:case_worklist')}?list={key}&region={region.pk}"
        out.append(CaseList(key, title, qs.count(), _case_items(user, qs), url))
    return out


# ------------------------------------------------------------------ one page


CHILD_NOUN = {
    Level.PROVINCE: "市（州）",
    Level.CITY: "县（市、区）",
    Level.COUNTY: "乡镇（街道）",
    Level.TOWNSHIP: "村（社区）",
    Level.VILLAGE: "网格",
}


def page(
    user: User, region: Region, period: Period, ranking_indicator: str, worklist_allowed: bool
) -> dict[str, Any]:
    """Everything the dashboard page of one area shows."""
    request = dashboard.Request(region, period, Filters(), dashboard.DEFAULT_INDICATORS)
    drilled = dashboard.drill(user, request)
    figures = drilled["figures"]
    rows = children_rows(user, drilled)
    noun = CHILD_NOUN.get(Level(region.level), "")
    trend_rows = dashboard.trend(region, period)
    has_children = region.level < Level.GRID
    area_ranking = unit_ranking = None
    if has_children:
        area_ranking = ranking_view(region, period, ranking_indicator, rankings.AREAS)
        unit_ranking = ranking_view(region, period, ranking_indicator, rankings.UNITS)
    return {
        "drilled": drilled,
        "cards": cards(figures, KEY_FIGURES),
        "all_figures": cards(figures, dashboard.DEFAULT_INDICATORS),
        "child_noun": noun,
        "child_headers": [ind.INDICATORS[i].name for i in CHILD_COLUMNS],
        "children": rows,
        "direct": (
            [drilled["direct"][i]["text"] for i in CHILD_COLUMNS] if drilled["direct"] else None
        ),
        "children_note": drilled["children_note"],
        "has_children": has_children,
        "children_chart": children_chart(rows, f"{region.name}下辖{noun}受理量与办结量"),
        "trend": trend_rows,
        "trend_chart": trend_chart(trend_rows, f"{region.name}近12个月受理量与办结量"),
        "rankings": [r for r in (area_ranking, unit_ranking) if r is not None],
        "case_lists": case_lists(user, region, worklist_allowed),
    }


def root_rows(user: User, roots: list[Region], period: Period) -> list[dict[str, Any]]:
    """Several scope roots side by side: each root's figures (same functions)."""
    plist = dashboard.compare_periods(period)
    out = []
    for root in roots:
        sums = selectors.totals(root, plist)
        params = {"region": root.code, "period": period.code}
        figures = dashboard.figures(sums, CHILD_COLUMNS, params)
        out.append(
            {
                "code": root.code,
                "name": root.name,
                "url": reverse("console:dashboard_region", kwargs={"pk": root.pk}),
                "cells": [figures[i]["text"] for i in CHILD_COLUMNS],
                "figures": figures,
            }
        )
    return out
