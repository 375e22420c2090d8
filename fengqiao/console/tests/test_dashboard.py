"""统计看板 through the test client, on hand-made cases whose figures are written here.

The month is 2026-03 (同比 2025-03, 环比 2026-02). Cases (test desk, real actions, time
machine):

- A 2026-03-02 hotline in 第一网格 (酒泉路街道): dispatched, signed, replied, approved, called
  back 满意 — 办结 on 2026-03-04, resolved.
- B 2026-03-03 hotline in 第二网格 (酒泉路街道): the same, 基本满意, 办结 on 2026-03-05.
- C 2026-03-05 hotline in 西园第一网格 (七里河区): dispatched only, still open.
- D 2026-02-10 hotline in 第一网格: answered directly the same day.
- E 2025-03-05 hotline in 第一网格: answered directly the same day.

So for 甘肃省 in 2026-03: 受理量 3 (同比 1 → 上升200.00%, 环比 1 → 上升200.00%), 办结量 2,
化解率 2/3 = 66.67%, 满意率 2/2 = 100.00%; 兰州市's children 城关区 2 and 七里河区 1.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fengqiao.accounts.models import Role, User
from fengqiao.cases.models import Case
from fengqiao.console import dashboard as board
from fengqiao.reports import dashboard as report_dashboard
from fengqiao.reports import periods, rankings
from fengqiao.reports.tests.desk import Desk, at
from fengqiao.testing import Territory, make_user

PERIOD = "2026-03"


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def url(pk: int, query: str = f"?period={PERIOD}") -> str:
    return reverse("console:dashboard_region", kwargs={"pk": pk}) + query


@pytest.fixture
def desk(territory: Territory) -> Desk:
    return Desk.build(territory)


@pytest.fixture
def cases(desk: Desk) -> dict[str, Case]:
    t = desk.t
    a = desk.register(at("2026-03-02"), region=t.grid_a1)
    desk.finish_hotline(
        a, dispatched=at("2026-03-02", "10:30"), signed=at("2026-03-02", "11:00"),
        replied=at("2026-03-04"), satisfaction="satisfied",
    )  # fmt: skip
    b = desk.register(at("2026-03-03"), region=t.grid_a2)
    desk.finish_hotline(
        b, dispatched=at("2026-03-03", "10:30"), signed=at("2026-03-03", "11:00"),
        replied=at("2026-03-05"), satisfaction="basic",
    )  # fmt: skip
    c = desk.register(at("2026-03-05"), region=t.other_grid, actor=desk.west_operator)
    desk.dispatch(c, at("2026-03-05", "11:00"), desk.other)
    d = desk.answer(desk.register(at("2026-02-10"), region=t.grid_a1), at("2026-02-10", "10:20"))
    e = desk.answer(desk.register(at("2025-03-05"), region=t.grid_a1), at("2025-03-05", "10:20"))
    desk.sync()  # on_commit does not fire inside a test transaction
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


@pytest.fixture
def province_leader(territory: Territory) -> User:
    return make_user("province_leader", Role.LEADER, territory.province, can_act=False)


def _cards(response: Any) -> dict[str, tuple[str, str, str]]:
    return {c.id: (c.text, c.yoy, c.mom) for c in response.context["cards"]}


def test_key_figures_are_the_hand_counted_ones(
    territory: Territory, cases: dict[str, Case], province_leader: User
) -> None:
    response = _client(province_leader).get(url(territory.province.pk))
    assert response.status_code == 200
    cards = _cards(response)
    assert cards["received"] == ("3件", "上升200.00%", "上升200.00%")
    assert cards["closed"][0] == "2件"
    assert cards["resolution_rate"][0] == "66.67%"
    assert cards["satisfaction_rate"][0] == "100.00%"
    page = response.content.decode()
    assert "上升200.00%" in page and "66.67%" in page
    assert [(r["name"], r["cells"][0]) for r in response.context["children"]] == [("兰州市", "3件")]


def test_every_figure_equals_the_statistics_api(
    territory: Territory, cases: dict[str, Case], province_leader: User
) -> None:
    """The page and GET /api/v1/reports/areas give the same text for every indicator."""
    client = _client(province_leader)
    for region in (territory.province, territory.city, territory.county, territory.town):
        response = client.get(url(region.pk))
        api = client.get("/api/v1/reports/areas", {"region": region.code, "period": PERIOD}).json()
        for card in response.context["all_figures"]:
            figure = api["figures"][card.id]
            assert card.text == figure["text"], (region.name, card.id)
            assert card.yoy == figure["yoy"]["text"]
            assert card.mom == figure["mom"]["text"]
        page_children = [(r["code"], r["cells"]) for r in response.context["children"]]
        api_children = [
            (c["area"]["code"], [c["figures"][i]["text"] for i in board.CHILD_COLUMNS])
            for c in api["children"]
        ]
        assert page_children == api_children


def test_city_children_chart_and_table_agree(
    territory: Territory, cases: dict[str, Case], province_leader: User
) -> None:
    response = _client(province_leader).get(url(territory.city.pk))
    rows = response.context["children"]
    assert [(r["name"], r["cells"][0], r["cells"][1]) for r in rows] == [
        ("城关区", "2件", "2件"),
        ("七里河区", "1件", "0件"),
    ]
    chart = response.context["children_chart"]
    assert chart["categories"] == ["城关区", "七里河区"]
    assert chart["series"][0]["data"] == [2, 1]
    assert chart["series"][1]["data"] == [2, 0]
    assert chart["links"] == [
        reverse("console:dashboard_region", kwargs={"pk": territory.county.pk}),
        reverse("console:dashboard_region", kwargs={"pk": territory.other_county.pk}),
    ]
    page = response.content.decode()
    # the JSON block the chart reads and the table links (with the period kept)
    assert 'id="children-data" type="application/json"' in page
    assert f'href="{url(territory.county.pk, "")}?period={PERIOD}&amp;rank=on_time_rate"' in page


def test_trend_is_twelve_months_of_the_same_functions(
    territory: Territory, cases: dict[str, Case], province_leader: User
) -> None:
    response = _client(province_leader).get(url(territory.province.pk))
    trend = response.context["trend"]
    assert [m["period"] for m in trend][0] == "2025-04"
    assert [m["period"] for m in trend][-1] == "2026-03"
    assert len(trend) == 12
    received = {m["period"]: m["received"]["text"] for m in trend}
    closed = {m["period"]: m["closed"]["text"] for m in trend}
    assert received["2026-03"] == "3件" and received["2026-02"] == "1件"
    assert received["2025-12"] == "0件"
    assert closed["2026-03"] == "2件" and closed["2026-02"] == "1件"
    chart = response.context["trend_chart"]
    assert chart["series"][0]["data"][-2:] == [1, 3]
    assert chart["series"][1]["data"][-2:] == [1, 2]
    # a quarter: the trend ends with the quarter's last month
    quarter = _client(province_leader).get(url(territory.province.pk, "?period=2026-Q1"))
    assert quarter.context["trend"][-1]["period"] == "2026-03"
    assert _cards(quarter)["received"][0] == "4件"  # A, B, C and D


def test_trend_equals_reports_trend(territory: Territory, cases: dict[str, Case]) -> None:
    rows = report_dashboard.trend(territory.county, periods.parse("2026-03"), months=3)
    assert [(r["period"], r["received"]["value"], r["closed"]["value"]) for r in rows] == [
        ("2026-01", "0", "0"),
        ("2026-02", "1", "1"),
        ("2026-03", "2", "2"),
    ]
    assert rows[-1]["received"]["trace"]["params"] == {"region": "620102000000", "period": PERIOD}


def test_rankings_show_sample_too_small_not_a_rank(
    territory: Territory, cases: dict[str, Case], province_leader: User
) -> None:
    response = _client(province_leader).get(
        url(territory.city.pk, f"?period={PERIOD}&rank=on_time_rate")
    )
    area, unit = response.context["rankings"]
    assert not area.shown and area.min_sample == 30
    assert {r["name"]: r["label"] for r in area.rows} == {"城关区": "样本不足", "七里河区": "—"}
    assert "不予排名" in area.note
    page = response.content.decode()
    assert "样本不足" in page
    assert "按单位的统计只到乡镇" not in page  # units are ranked from a city too
    # with a lower minimum the same rows are ranked by the reports layer: 化解率 2/2 and 0/1
    ranked = rankings.ranking(
        territory.city, periods.parse(PERIOD), "resolution_rate", min_sample=1
    )
    assert ranked.shown
    assert [(r.name, r.rank) for r in ranked.rows] == [("城关区", 1), ("七里河区", 2)]


def test_ranking_view_ranks_units_with_enough_sample(
    territory: Territory, cases: dict[str, Case]
) -> None:
    from fengqiao.reports.models import ReportSetting

    ReportSetting.objects.update_or_create(key="ranking_min_sample", defaults={"value": 1})
    view = board.ranking_view(
        territory.city, periods.parse(PERIOD), "resolution_rate", rankings.UNITS
    )
    assert view.shown and view.min_sample == 1
    assert [(r["label"], r["name"], r["text"], r["sample"]) for r in view.rows] == [
        ("1", "城关区生态环境分局", "100.00%", 2),
        ("2", "七里河区住建局", "0.00%", 1),
    ]
    grid = board.ranking_view(
        territory.village, periods.parse(PERIOD), "resolution_rate", rankings.UNITS
    )
    assert not grid.shown and "按单位的统计只到乡镇" in grid.note


def test_case_lists_show_numbers_and_titles_linking_in_case_scope(
    territory: Territory, desk: Desk, province_leader: User
) -> None:
    late = desk.register(at("2026-03-02"), region=territory.grid_a1)
    Case.objects.filter(pk=late.pk).update(is_overdue=True, supervision_level=1, title="楼道堆物")
    other = desk.register(at("2026-03-02"), region=territory.other_grid)
    Case.objects.filter(pk=other.pk).update(is_overdue=True, title="西园噪声")
    town_leader = make_user("town_leader", Role.LEADER, territory.town, can_act=False)
    response = _client(town_leader).get(url(territory.town.pk))
    overdue, supervised = response.context["case_lists"]
    assert (overdue.total, supervised.total) == (1, 1)
    item = overdue.items[0]
    assert (item.receipt_no, item.title) == (late.receipt_no, "楼道堆物")
    assert item.url == reverse("console:case_detail", kwargs={"pk": late.pk})
    page = response.content.decode()
    assert late.receipt_no in page and other.receipt_no not in page and "西园噪声" not in page
    assert overdue.worklist_url is not None  # leaders may open the worklist
    province = _client(province_leader).get(url(territory.province.pk))
    assert province.context["case_lists"][0].total == 2


def test_case_outside_case_scope_is_listed_by_number_only(territory: Territory, desk: Desk) -> None:
    late = desk.register(at("2026-03-02"), region=territory.grid_a1)
    Case.objects.filter(pk=late.pk).update(is_overdue=True, title="楼道堆物")
    user = make_user("town_leader", Role.LEADER, territory.town, can_act=False)
    items = board._case_items(user, Case.objects.none())
    assert items == []
    # a viewer whose case scope does not hold the case: number only, no title, no link
    from unittest import mock

    with mock.patch.object(board, "cases_for", return_value=Case.objects.none()):
        (item,) = board._case_items(user, Case.objects.filter(pk=late.pk))
    assert (item.receipt_no, item.title, item.url) == (late.receipt_no, "", None)


def test_no_personal_information_on_the_page(
    territory: Territory, desk: Desk, province_leader: User
) -> None:
    from fengqiao.cases import actions as a

    case = desk.register(
        at("2026-03-02"),
        region=territory.grid_a1,
        parties=[a.PartyDraft(role="complainant", name="欧阳秀珍", phone="13987654321")],
    )
    Case.objects.filter(pk=case.pk).update(is_overdue=True)
    page = _client(province_leader).get(url(territory.county.pk)).content.decode()
    assert case.receipt_no in page
    assert "欧阳秀珍" not in page and "13987654321" not in page and "4321" not in page


# ------------------------------------------------------------------ scope (AC-02) and roles


def test_township_leader_cannot_open_another_township(territory: Territory) -> None:
    user = make_user("town_leader", Role.LEADER, territory.town, can_act=False)
    client = _client(user)
    assert client.get(url(territory.town.pk)).status_code == 200
    assert client.get(url(territory.grid_a2.pk)).status_code == 200
    assert client.get(url(territory.other_town.pk)).status_code == 404
    assert client.get(url(territory.county.pk)).status_code == 404  # the parent too
    assert client.get(url(999_999)).status_code == 404
    missing = client.get(url(999_999)).content.decode()
    other = client.get(url(territory.other_town.pk)).content.decode()
    assert "西园" not in other

    def bare(page: str) -> str:
        return re.sub(r'(content|value)="[^"]*"|\s+', "", page)  # CSRF token, next URL

    assert bare(missing) == bare(other)


def test_single_root_opens_directly_keeping_the_choices(
    territory: Territory, county_leader: User
) -> None:
    response = _client(county_leader).get(reverse("console:dashboard") + "?period=2026-Q1")
    assert response.status_code == 302
    assert response["Location"] == url(territory.county.pk, "?period=2026-Q1&rank=on_time_rate")


def test_several_roots_are_listed(territory: Territory, cases: dict[str, Case]) -> None:
    user = make_user("two_towns", Role.LEADER, territory.town, can_act=False)
    user.assignments.create(role=Role.LEADER, region=territory.other_town, can_act=False)
    response = _client(user).get(reverse("console:dashboard") + f"?period={PERIOD}")
    assert response.status_code == 200
    rows = [(r["name"], r["cells"][0]) for r in response.context["rows"]]
    assert rows == [("酒泉路街道", "2件"), ("西园街道", "1件")]
    crumbs = _client(user).get(url(territory.village.pk)).context["breadcrumb"]
    assert [r.name for r in crumbs] == ["酒泉路街道"]


@pytest.mark.parametrize("persona", ["auditor", "system_admin"])
def test_administrators_without_business_role_get_403(
    territory: Territory, persona: str, request: pytest.FixtureRequest
) -> None:
    if persona == "auditor":
        user = request.getfixturevalue("auditor")
    else:
        user = make_user("sysadmin", Role.SYSTEM_ADMIN, territory.province)
    client = _client(user)
    assert client.get(reverse("console:dashboard")).status_code == 403
    assert client.get(url(territory.province.pk)).status_code == 403


def test_anonymous_is_sent_to_login(db: None) -> None:
    response = Client().get(reverse("console:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_grid_worker_sees_their_grid(territory: Territory, grid_worker: User) -> None:
    client = _client(grid_worker)
    response = client.get(reverse("console:dashboard"))
    assert response["Location"].startswith(url(territory.grid_a1.pk, ""))
    page = client.get(url(territory.grid_a1.pk))
    assert page.status_code == 200
    assert page.context["rankings"] == [] and not page.context["has_children"]
    assert client.get(url(territory.grid_a2.pk)).status_code == 404


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?period=2026-13", "统计期中的年月日无效"),
        ("?period=banana", "统计期格式应为"),
        ("?period=2026-W10", "统计看板按月、季度或年度统计"),
        ("?period=0001", "统计期超出可统计的年份范围"),
        ("?period=0001-02", "统计期超出可统计的年份范围"),
        ("?period=2026-03..2026-01", "结束月份早于开始月份"),
        ("?period=2026-03&rank=received", "排名指标"),
        ("?period=2026-03&rank=%3Cscript%3E", "排名指标"),
    ],
)
def test_bad_choices_fall_back_with_a_message(
    territory: Territory, county_leader: User, query: str, message: str
) -> None:
    response = _client(county_leader).get(url(territory.county.pk, query))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<script>" not in response.content.decode().split("</head>")[1].replace(
        '<script id="trend-data"', ""
    ).replace('<script id="children-data"', "")


def test_period_choices_offer_months_quarters_and_years(
    territory: Territory, county_leader: User
) -> None:
    response = _client(county_leader).get(url(territory.county.pk, "?period=2019-Q2"))
    groups = dict(response.context["period_groups"])
    assert groups["所选"] == [("2019-Q2", "2019年第二季度")]
    assert len(groups["月度"]) == 24 and len(groups["季度"]) == 8 and len(groups["年度"]) == 3
    page = response.content.decode()
    assert '<option value="2019-Q2" selected>' in page


def test_overview_and_dashboard_link_each_other(territory: Territory, county_leader: User) -> None:
    client = _client(county_leader)
    overview = client.get(reverse("console:overview_region", kwargs={"pk": territory.town.pk}))
    assert url(territory.town.pk, "") in overview.content.decode()
    dashboard = client.get(url(territory.town.pk))
    overview_url = reverse("console:overview_region", kwargs={"pk": territory.town.pk})
    assert overview_url in dashboard.content.decode()
    nav = [link.key for link in dashboard.context["console"].nav]
    assert "dashboard" in nav and "overview" in nav


# ------------------------------------------------------------------ pieces


def test_read_period_defaults_and_shapes() -> None:
    today = periods.parse("2026-11").start.replace(day=24)
    assert board.read_period(None, today).code == "2026-11"
    assert board.read_period("", today).code == "2026-11"
    assert board.read_period(" 2026-Q2 ", today).label == "2026年第二季度"
    assert board.read_period("2025", today).shape == "year"
    assert board.read_period("2026-01..2026-03", today).shape == "months"
    for bad in ("2026-03-01..2026-03-05", "2026-W01", "x", "0001"):
        with pytest.raises(board.PeriodChoiceError):
            board.read_period(bad, today)


def test_period_choices_around_new_year() -> None:
    today = periods.parse("2026-01").start.replace(day=5)
    groups = dict(board.period_choices(today, board.default_period(today)))
    assert "所选" not in groups
    assert groups["月度"][0] == ("2026-01", "2026年1月") and groups["月度"][1][0] == "2025-12"
    assert [code for code, _ in groups["季度"]][:3] == ["2026-Q1", "2025-Q4", "2025-Q3"]
    assert [code for code, _ in groups["年度"]] == ["2026", "2025", "2024"]
    assert dict(board.ranking_choices())["overdue"] == "超期件"
    assert "received" not in dict(board.ranking_choices())  # 规模指标 are not ranked


def test_child_outside_the_scope_has_no_link(territory: Territory) -> None:
    user = make_user("town_leader", Role.LEADER, territory.town, can_act=False)
    figures = {i: {"text": "1件", "value": "1"} for i in board.CHILD_COLUMNS}
    drilled = {
        "children": [
            {"area": {"code": territory.village.code, "name": "秦安路社区"}, "figures": figures},
            {
                "area": {"code": territory.other_village.code, "name": "西园社区"},
                "figures": figures,
            },
            {"area": {"code": "999999999999", "name": "不存在"}, "figures": figures},
        ]
    }
    rows = board.children_rows(user, drilled)
    assert [r["url"] for r in rows] == [
        reverse("console:dashboard_region", kwargs={"pk": territory.village.pk}),
        None,
        None,
    ]
    chart = board.children_chart(rows, "t")
    assert chart["links"] == [rows[0]["url"], None, None]
    assert chart["series"][0]["data"] == [1, 1, 1]


def test_cases_on_the_area_itself_are_a_row_of_their_own(
    territory: Territory, desk: Desk, province_leader: User
) -> None:
    desk.register(at("2026-03-02"), region=territory.grid_a1)
    desk.register(at("2026-03-03"), region=territory.village)
    desk.sync()
    response = _client(province_leader).get(url(territory.village.pk))
    assert _cards(response)["received"][0] == "2件"
    assert [(r["name"], r["cells"][0]) for r in response.context["children"]] == [
        ("第一网格", "1件")
    ]
    assert response.context["direct"][0] == "1件"
    assert "本级（未落到下级）" in response.content.decode()


def test_dashboard_in_english(territory: Territory, county_leader: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(county_leader)
    page = client.get(url(territory.county.pk)).content.decode()
    assert "Key figures" in page and "Last 12 months" in page and "Statistics dashboard" in page
