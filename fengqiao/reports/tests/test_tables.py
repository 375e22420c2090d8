"""Standard tables and rankings on the hand-made set of test_indicators.py (answers by hand)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fengqiao.regions.models import GridAssignment, GridWorker
from fengqiao.reports import periods, rankings, tables
from fengqiao.reports.definitions import REPORTS, TABLES
from fengqiao.reports.selectors import NotAvailable
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.test_indicators import MARCH, build


def _row(result: tables.TableResult, label: str) -> list[object]:
    for row in [*result.rows, result.total]:
        if row.label == label:
            return [c.value for c in row.cells]
    raise AssertionError(f"no row {label}: {[r.label for r in result.rows]}")


@pytest.mark.django_db
def test_hotline_units_table(desk: Desk) -> None:
    build(desk)
    result = tables.build_for(TABLES["hotline_units"], desk.t.county, MARCH)
    # columns: 承办量 (本期 同比 环比), 办结量 (…), 按期办结率 (…), 响应率 (本期 同比),
    # 解决率 (…), 满意率 (…), 超期件, 退回重办
    env = _row(result, "城关区生态环境分局")
    assert env[0] == 4  # H1 H2 H3 H7
    assert env[3] == 4  # closed: H1 H2 H3 H10
    assert env[6] == Decimal("0.7500")  # on time 3 of 4 (H3 late)
    assert env[9] == Decimal("0.7500")  # response: H1 H3 H7 of H1 H2 H3 H7
    assert env[11] == Decimal("0.7500")  # solved: H1 H3 H10 of 4 (H2 not)
    assert env[13] == Decimal("0.7500")  # satisfied: first ratings, H3 dissatisfied
    assert env[15:] == [2, 1]  # overdue H3 H7; reworked H3
    # 同比 of 承办量: P2 a year ago (+300 %); 环比: P1 and H10 in February (+100 %)
    assert env[1] == Decimal("3.0000") and env[2] == Decimal("1.0000")
    assert _row(result, "全地区合计（含未派单事项）")[0] == 7  # H1–H5, H7, H8 (hotline)
    header = [c.title for c in result.header]
    assert header[:4] == ["承办单位", "承办量", "办结量", "按期办结率"]
    assert [c.title for c in result.header[4].children] == ["响应率", "解决率", "满意率"]


@pytest.mark.django_db
def test_overview_drill_down_and_category_tables(desk: Desk) -> None:
    build(desk)
    city = tables.build_for(TABLES["overview"], desk.t.city, MARCH)
    assert _row(city, "城关区")[0] == 9 and _row(city, "七里河区")[0] == 2
    assert _row(city, "合计")[0] == 11
    # grid table: every grid of the township, grid workers now serving
    worker = GridWorker.objects.create(number="62010200100101", name="网格员甲")
    GridAssignment.objects.create(worker=worker, grid=desk.t.grid_a1, is_chief=True)
    grid = tables.build_for(TABLES["grid_activity"], desk.t.village, MARCH)
    a1 = _row(grid, "第一网格")
    assert a1[0] == 1 and a1[1] == 2  # 1 worker, 2 grid events (G1, G2)
    assert a1[4] == 1 and a1[5] == 1  # 就地化解 G1, 上报派遣 G2
    assert a1[-1] == Decimal("2.00")  # events per worker
    # mediation: every rule-27 category listed; the provider columns are filled (zeros here)
    mediation = tables.build_for(TABLES["mediation_monthly"], desk.t.province, MARCH)
    labels = [r.label for r in mediation.rows]
    assert labels[:2] == ["婚姻家庭纠纷", "邻里纠纷"] and "其他纠纷" in labels
    assert mediation.pending == [] and not any("暂缺" in note for note in mediation.notes())
    assert mediation.total.cells[3].value == 0 and mediation.total.cells[5].value is None
    # hotline categories: 生态环境 holds every order of the set
    fields = tables.build_for(TABLES["overview"], desk.t.province, MARCH).as_json()
    assert fields["total"]["cells"][0]["value"] == 11
    assert fields["total"]["cells"][0]["trace"]["indicator"] == "received"


@pytest.mark.django_db
def test_weeks_stop_at_county_level(desk: Desk) -> None:
    build(desk)
    week = periods.parse("2026-W10")
    city = tables.build_for(TABLES["overview"], desk.t.city, week)
    assert _row(city, "城关区")[0] == 5  # H1 H2 H3 G1 G2 (Mar 2–8)
    with pytest.raises(NotAvailable):
        tables.build_for(TABLES["overview"], desk.t.county, week)  # townships: no daily rows


def test_every_report_names_existing_tables() -> None:
    for _, ids in REPORTS.values():
        assert all(i in TABLES for i in ids)
    for definition in TABLES.values():
        tables.header(definition)  # every column names a known indicator


def test_competition_ranking() -> None:
    assert rankings.competition_ranks([9, 8, 8, 7], higher_first=True) == [1, 2, 2, 4]
    assert rankings.competition_ranks([1, 3, 3, 2], higher_first=False) == [1, 3, 3, 2]
    values = [Decimal("0.9736"), Decimal("0.9736"), Decimal("0.9700")]
    assert rankings.competition_ranks(values, higher_first=True) == [1, 1, 3]


@pytest.mark.django_db
def test_rankings_respect_the_minimum_sample(desk: Desk) -> None:
    build(desk)
    # 兰州市's counties on 按期办结率: 城关区 4 closed with a deadline (3 on time), 七里河区 1
    few = rankings.ranking(desk.t.city, MARCH, "on_time_rate", min_sample=2)
    assert not few.shown and "不足两个" in few.note
    assert all(r.rank is None for r in few.rows)
    both = rankings.ranking(desk.t.city, MARCH, "on_time_rate", min_sample=1)
    assert both.shown
    assert [(r.name, r.rank, r.figure.value) for r in both.rows] == [
        ("七里河区", 1, Decimal("1.0000")),
        ("城关区", 2, Decimal("0.7500")),
    ]
    overdue = rankings.ranking(desk.t.city, MARCH, "overdue", min_sample=0)
    assert [(r.name, r.rank) for r in overdue.rows] == [("七里河区", 1), ("城关区", 2)]
    volume = rankings.ranking(desk.t.city, MARCH, "received")
    assert not volume.shown and "不作排名" in volume.note
    units = rankings.ranking(desk.t.county, MARCH, "on_time_rate", by="units", min_sample=1)
    assert not units.shown  # one rankable unit only (住建局's G2 had no deadline)
    assert all(r.rank is None for r in units.rows)
