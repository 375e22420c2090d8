"""The demo history of the 统计看板 (console/demo_stats.py) on the test territory, its grids
marked as demo grids: the rollups equal a recomputation from the raw rows, the dashboard shows
non-zero trends and 同比, the cases look like cases (no benchmark titles, no parties), their
pages open, and a second run adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from fengqiao.accounts.models import Role
from fengqiao.cases.models import Case, Party
from fengqiao.console import demo_stats
from fengqiao.regions.models import Level, Region
from fengqiao.reports import sync
from fengqiao.testing import Territory, make_user
from fengqiao.units.models import Unit

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def history(territory: Territory) -> int:
    Region.objects.filter(level=Level.GRID).update(source="demo")
    return demo_stats.populate_history(cases=800, today=TODAY)


def test_history_is_consistent_and_dressed(territory: Territory, history: int) -> None:
    assert history == 800
    assert Case.objects.count() == 800
    assert sync.differences() == []
    assert not Case.objects.filter(title="基准测试事项").exists()
    assert not Case.objects.exclude(description=demo_stats.DESCRIPTION).exists()
    assert not Party.objects.exists()
    receipts = list(Case.objects.values_list("receipt_no", flat=True))
    assert len(set(receipts)) == 800
    assert all(r[:2] in {"RX", "WG", "TJ", "XF", "JQ"} and r[10:] >= "90001" for r in receipts)
    latest = Case.objects.order_by("-received_at").first()
    assert latest is not None and latest.received_at.date() < TODAY
    # units only in the territory's counties and townships, with DEMO- codes
    assert Unit.objects.exclude(code__startswith="DEMO-").count() == 0
    assert Unit.objects.filter(region=territory.county).count() == 8
    assert demo_stats.populate_history(cases=800, today=TODAY) == 0
    # (one generated history per test: it takes a while on SQLite)
    _dashboard_has_something_to_show(territory)
    _generated_case_pages_open(territory)


def _dashboard_has_something_to_show(territory: Territory) -> None:
    leader = make_user("demo_like_leader", Role.LEADER, territory.province, can_act=False)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(leader)
    url = reverse("console:dashboard_region", kwargs={"pk": territory.province.pk})
    response = client.get(url + "?period=2026-10")
    assert response.status_code == 200
    trend = response.context["trend"]
    assert all(int(m["received"]["value"]) > 0 for m in trend)
    cards = {c.id: c for c in response.context["cards"]}
    assert cards["received"].yoy != "无可比数据" and cards["received"].mom != "无可比数据"
    assert cards["on_time_rate"].text != "—"
    year = client.get(url + "?period=2026&rank=satisfaction_rate")
    units = year.context["rankings"][1]
    assert units.rows  # the demo units of the province's cases are listed


def _generated_case_pages_open(territory: Territory) -> None:
    operator = make_user("demo_like_operator", Role.OPERATOR, territory.province)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    for kind in ("hotline", "grid_event", "dispute", "petition"):
        for is_open in (True, False):
            case = Case.objects.filter(kind=kind, is_open=is_open).first()
            if case is None:
                continue
            response = client.get(reverse("console:case_detail", kwargs={"pk": case.pk}))
            assert response.status_code == 200, (kind, is_open)
            assert case.receipt_no in response.content.decode()


def test_nothing_without_demo_grids(territory: Territory) -> None:
    assert demo_stats.populate_history(cases=50, today=TODAY) == 0
    assert not Case.objects.exists()
