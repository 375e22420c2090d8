"""Statistics periods through the API: a quarter, a year (no 环比), a range of months and a
range of days give the figures of the hand-made set with the right comparison periods."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fengqiao.accounts.models import Role, User
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.test_indicators import build
from fengqiao.testing import make_user


def _areas(desk: Desk, **params: str) -> dict[str, Any]:
    leader = User.objects.filter(username="period_leader").first() or make_user(
        "period_leader", Role.LEADER, desk.t.province, can_act=False
    )
    client = Client()
    client.force_login(leader)
    response = client.get("/api/v1/reports/areas", {"indicators": "received,closed", **params})
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.django_db
def test_longer_and_shorter_periods(desk: Desk) -> None:
    build(desk)
    # Q1 2026: February's P1 and H10 and March's 11; Q1 2025: P2; Q4 2025: nothing
    quarter = _areas(desk, period="2026-Q1")
    received = quarter["figures"]["received"]
    assert quarter["period"] == {"code": "2026-Q1", "label": "2026年第一季度", "grain": "month"}
    assert received["value"] == "13" and received["yoy"]["text"] == "上升1200.00%"
    assert received["mom"]["text"] == "无可比数据" and received["mom"]["previous"] == "0"
    year = _areas(desk, period="2026")["figures"]["received"]
    assert year["value"] == "13" and year["mom"] is None  # a whole year has no 环比
    assert year["yoy"]["previous"] == "1"
    spring = _areas(desk, period="2026-02..2026-03")["figures"]
    assert spring["received"]["value"] == "13" and spring["closed"]["value"] == "10"
    # 2026-03-02 … 03-08 by days (the day table): H1 H2 H3 G1 G2 received
    days = _areas(desk, period="2026-03-02..2026-03-08")
    assert days["period"]["grain"] == "day"
    assert days["figures"]["received"]["value"] == "5"
    assert days["figures"]["received"]["mom"]["previous"] == "1"  # Feb 24 … Mar 1: H10
