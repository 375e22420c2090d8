"""The drill-down's edges (cases registered on an area above the grids, retired areas, the
synchronous row limit) and the bulletin's wording for areas of every level."""

from __future__ import annotations

import pytest
from django.http import Http404

from fengqiao.accounts.models import Role
from fengqiao.regions.models import Level, Region
from fengqiao.regions.tree import create_region
from fengqiao.reports import bulletin, dashboard, periods, selectors, tables
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.selectors import NotAvailable
from fengqiao.reports.tests.desk import Desk, at
from fengqiao.testing import make_user

MARCH = periods.parse("2026-03")


@pytest.mark.parametrize(
    ("name", "level", "word"),
    [
        ("甘肃省", Level.PROVINCE, "全省"),
        ("兰州市", Level.CITY, "全市"),
        ("临夏回族自治州", Level.CITY, "全州"),
        ("城关区", Level.COUNTY, "全区"),
        ("榆中县", Level.COUNTY, "全县"),
        ("阿拉善左旗", Level.COUNTY, "全旗"),
        ("酒泉路街道", Level.TOWNSHIP, "全街道"),
        ("青城镇", Level.TOWNSHIP, "全镇"),
        ("甘草店乡", Level.TOWNSHIP, "全乡"),
        ("秦安路社区", Level.VILLAGE, "全社区"),
        ("张家村", Level.VILLAGE, "全村"),
        ("西园第一网格", Level.GRID, "西园第一网格"),
    ],
)
def test_how_a_bulletin_names_its_own_area(name: str, level: int, word: str) -> None:
    assert bulletin.whole(Region(name=name, level=level)) == word


@pytest.mark.django_db
def test_cases_on_an_area_above_the_grids_are_shown_as_its_own(desk: Desk) -> None:
    grid = desk.register(at("2026-03-02"))
    county = desk.register(at("2026-03-03"), region=desk.t.county)
    desk.answer(county, at("2026-03-03", "10:05"))
    desk.sync()
    leader = make_user("city_leader", Role.LEADER, desk.t.city, can_act=False)
    request = dashboard.Request(desk.t.county, MARCH, selectors.Filters(), ("received", "closed"))
    out = dashboard.drill(leader, request)
    assert out["figures"]["received"]["value"] == "2"
    assert [c["figures"]["received"]["value"] for c in out["children"]] == ["1"]
    assert out["direct"]["received"]["value"] == "1" and out["direct"]["closed"]["value"] == "1"
    assert out["direct"]["received"]["trace"]["params"]["direct"] is True
    table = tables.build_for(TABLES["overview"], desk.t.county, MARCH)
    labels = [r.label for r in table.rows]
    assert labels == ["酒泉路街道", "本级（未落到下级）"]
    assert table.rows[1].cells[0].value == 1 and table.total.cells[0].value == 2
    assert grid.pk != county.pk


@pytest.mark.django_db
def test_retired_areas_keep_their_figures(desk: Desk) -> None:
    desk.register(at("2026-03-02"), region=desk.t.grid_a2)
    desk.sync()
    Region.objects.filter(pk=desk.t.grid_a2.pk).update(retired_on="2026-03-20")
    leader = make_user("town_leader", Role.LEADER, desk.t.town, can_act=False)
    request = dashboard.Request(desk.t.village, MARCH, selectors.Filters(), ("received",))
    out = dashboard.drill(leader, request)
    child = out["children"][0]
    assert child["area"]["name"] == "第二网格（已撤销）" and child["area"]["retired"] is True
    assert child["figures"]["received"]["value"] == "1"


@pytest.mark.django_db
def test_large_tables_are_left_to_export_jobs(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    create_region(code="620102001001003", name="第三网格", level=Level.GRID, parent=desk.t.village)
    monkeypatch.setattr(tables, "MAX_SYNC_ROWS", 2)
    with pytest.raises(NotAvailable) as caught:
        tables.build_for(TABLES["grid_activity"], desk.t.county, MARCH)
    assert "3 行" in str(caught.value) and "导出任务" in str(caught.value)
    result = tables.build_for(TABLES["grid_activity"], desk.t.county, MARCH, limit_rows=False)
    assert [r.label for r in result.rows] == ["第一网格", "第二网格", "第三网格"]


@pytest.mark.django_db
def test_tables_start_from_the_readers_scope(desk: Desk) -> None:
    leader = make_user("west_leader", Role.LEADER, desk.t.other_county, can_act=False)
    result = tables.build(TABLES["overview"], leader, None, "2026-03")
    assert result.region.pk == desk.t.other_county.pk
    with pytest.raises(Http404):
        tables.build(TABLES["overview"], leader, desk.t.county.code, "2026-03")


@pytest.mark.django_db
def test_a_county_bulletin(desk: Desk) -> None:
    case = desk.register(at("2026-03-02"))
    desk.finish_hotline(
        case, dispatched=at("2026-03-02", "11:00"), signed=at("2026-03-02", "12:00"),
        replied=at("2026-03-04"),
    )  # fmt: skip
    desk.sync()
    result = bulletin.build(desk.t.county, MARCH, issuer="城关区委政法委")
    assert result.data.title == "关于2026年3月城关区平安建设主要指标情况的通报"
    assert result.data.recipients.startswith("各乡镇（街道）")
    body = result.body()
    text = "".join(body)
    assert "全区共受理各类事项1件" in text and "同比无可比数据" in text
    assert "本期全区未受理矛盾纠纷。" in body
    assert "本期全区未受理信访事项。" in body
    assert "响应率100.00%" in text and "按期办结率100.00%" in text
    json = result.as_json()
    assert json["issuer"] == "城关区委政法委" and json["sections"][0]["paragraphs"]
    traced = [t for t in result.traces if t["kind"] == "value"]
    assert all(t["params"]["region"] == desk.t.county.code for t in traced)
