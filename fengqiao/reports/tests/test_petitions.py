"""The petition annual report of rule 22 (信访工作条例第四十一条): statistics by field and by
form, the most-complained units, transfer / assignment / supervision counts — on petition
rows as the petition app will write them, with its provider giving the routing records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from fengqiao.cases.models import Case
from fengqiao.regions.models import Region
from fengqiao.reports import bulletin, facts, periods, sync, tables
from fengqiao.reports.definitions import REPORTS, TABLES
from fengqiao.reports.facts import Extra
from fengqiao.reports.models import SyncQueue
from fengqiao.reports.tests.desk import CST, Desk
from fengqiao.units.models import Category, Unit, UnitType

YEAR = periods.parse("2026")
ROUTING: dict[str, Extra] = {}


def _provider(ids: list[int]) -> dict[int, Extra]:
    numbers = dict(Case.objects.filter(pk__in=ids).values_list("pk", "receipt_no"))
    return {pk: ROUTING[no] for pk, no in numbers.items() if no in ROUTING}


@pytest.fixture
def petitions(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(facts.PROVIDERS, "petition", _provider)
    ROUTING.clear()
    yield
    ROUTING.clear()


def _petition(
    desk: Desk, no: str, *, month: int, channel: str, category: str, respondent: Unit | None,
    closed_day: int | None = None, due_day: int | None = None, supervised: int = 0,
    region: Region | None = None, routed: str = "",
) -> Case:  # fmt: skip
    received = dt.datetime(2026, month, 3, 10, tzinfo=CST)
    closed = dt.datetime(2026, month, closed_day, 10, tzinfo=CST) if closed_day else None
    due = dt.datetime(2026, month, due_day, 23, tzinfo=CST) if due_day else None
    case = Case.objects.create(
        receipt_no=no, kind="petition", channel=channel, title="信访", description="信访",
        region=region or Region.objects.get(pk=desk.t.grid_a1.pk),
        category=Category.objects.get(code=category), respondent_unit=respondent,
        status="concluded" if closed else "accepted", is_open=closed is None,
        received_at=received, closed_at=closed, due_at=due, supervision_level=supervised,
        resolved=True if closed else None,
    )  # fmt: skip
    if routed:
        on = received.date() + dt.timedelta(days=5)
        ROUTING[no] = Extra(on, {f"routed_{routed}": 1})
    SyncQueue.objects.create(case_id=case.pk)
    return case


@pytest.mark.django_db
def test_the_rule_22_annual_report(desk: Desk, petitions: None) -> None:
    land = Unit.objects.create(code="LAND", name="城关区自然资源局", unit_type=UnitType.DEPARTMENT,
                               region=desk.t.county)  # fmt: skip
    p = _petition  # (no, month, channel, category, respondent, closed, due, supervised)
    p(desk, "X1", month=2, channel="letter", category="RX0501", respondent=desk.env,
      closed_day=20, due_day=25, routed="transfer")  # fmt: skip
    p(desk, "X2", month=3, channel="online_petition", category="RX0501", respondent=desk.env,
      closed_day=28, due_day=20, supervised=1, routed="assign")  # fmt: skip
    p(desk, "X3", month=4, channel="petition_visit", category="RX0201", respondent=land,
      supervised=2, routed="assign")  # fmt: skip
    p(desk, "X4", month=5, channel="online_petition", category="RX0501", respondent=desk.env)
    p(desk, "X5", month=6, channel="letter", category="RX0201", respondent=None,
      region=Region.objects.get(pk=desk.t.other_grid.pk), closed_day=10, due_day=30)  # fmt: skip
    assert sync.sync() == 5 and sync.differences() == []

    fields = tables.build_for(TABLES["petition_fields"], desk.t.city, YEAR)
    # columns: 信访事项 (本期 同比 环比), 办结量, 按期办结率 (本期 同比), 满意率, 督办, 重复诉求率
    rows = {r.label: [c.value for c in r.cells] for r in [*fields.rows, fields.total]}
    environment = next(k for k in rows if k.startswith("生态环境"))
    assert rows[environment][0] == 3 and rows[environment][3] == 2  # X1 X2 X4; closed X1 X2
    assert str(rows[environment][4]) == "0.5000"  # X1 on time, X2 late
    assert rows[environment][7] == 1 and rows[environment][8] == 0  # 督办 X2; no repeats
    assert rows["合计"][0] == 5 and rows["合计"][3] == 3 and rows["合计"][7] == 2
    assert rows["合计"][1] is None and rows["合计"][2] is None  # 2025 had none: no ratio

    channels = tables.build_for(TABLES["petition_channels"], desk.t.city, YEAR)
    assert [(r.label, r.cells[0].value) for r in channels.rows] == [
        ("网上信访", 2), ("来信", 2), ("电话", 0), ("传真", 0), ("信访走访", 1),
    ]  # the five forms of 第十七条, in order  # fmt: skip

    units = tables.build_for(TABLES["petition_units"], desk.t.county, YEAR)
    assert [(r.label, r.cells[0].value) for r in units.rows] == [
        ("城关区生态环境分局", 3), ("城关区自然资源局", 1),
    ]  # the most complained about first  # fmt: skip
    assert units.total.label == "全地区合计（含未派单事项）" and units.total.cells[0].value == 4

    routing = tables.build_for(TABLES["petition_routing"], desk.t.city, YEAR)
    # columns: 信访事项 (本期 同比), 转送 (本期 同比), 交办 (本期 同比), 督办 (本期 同比),
    # 办结量, 按期办结率, 建议 提出 (本期 同比) 被采纳 采纳率
    by_area = {r.label: [c.value for c in r.cells] for r in [*routing.rows, routing.total]}
    values = (0, 2, 4, 6, 8)
    assert [by_area["城关区"][i] for i in values] == [4, 1, 2, 2, 2]
    assert [by_area["七里河区"][i] for i in values] == [1, 0, 0, 0, 1]
    assert [by_area["合计"][i] for i in values] == [5, 1, 2, 2, 3]
    assert by_area["合计"][10] == 0 and by_area["合计"][13] is None  # no recommendations
    assert any("建议按提出日期统计" in note for note in routing.notes())

    # the report set and the bulletin's petition paragraph
    assert REPORTS["petition_annual"][1][0] == "petition_fields"
    march = bulletin.build(desk.t.city, periods.parse("2026-03"))
    text = "".join(march.body())
    assert "本期受理信访事项1件" in text and "办结1件" in text


@pytest.mark.django_db
def test_the_report_follows_a_petitions_own_dates(desk: Desk, petitions: None) -> None:
    _petition(desk, "Y1", month=1, channel="letter", category="RX0501", respondent=desk.env,
              closed_day=30, routed="transfer")  # fmt: skip
    sync.sync()
    january, february = periods.parse("2026-01"), periods.parse("2026-02")
    jan = tables.build_for(TABLES["petition_routing"], desk.t.city, january)
    feb = tables.build_for(TABLES["petition_routing"], desk.t.city, february)
    assert jan.total.cells[0].value == 1 and jan.total.cells[2].value == 1  # routed Jan 8
    assert feb.total.cells[0].value == 0 and feb.total.cells[2].value == 0
