"""统计看板 in a real headless Chromium: a province leader drills from the province to a grid by
clicking the bars of the chart; the same by the table links with JavaScript switched off;
axe-core finds no serious or critical violation; the CSP names no other host and reports no
violation. Screenshots: build/screenshots/dashboard-*.png.

Run only these: `pytest -m browser fengqiao/console/tests/test_browser_dashboard.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from fengqiao.accounts.models import Role, User
from fengqiao.cases import actions as a
from fengqiao.console.tests.browser import (
    PHONE,
    SCREENSHOTS,
    Tab,
    csp_hosts,
    launch,
    needs_chromium,
    open_tab,
)
from fengqiao.regions.models import Region
from fengqiao.testing import Territory, make_user

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch()


def _register(region: Region, actor: User, n: int) -> None:
    """Cases of this month (the dashboard's default period), synced after each commit."""
    for i in range(n):
        draft = a.CaseDraft(
            kind="hotline",
            channel="hotline_phone",
            description=f"浏览器测试事项{i}",
            region=region,
            request_type="complaint",
        )
        a.do_register(draft, actor=actor)


@pytest.fixture
def leader(territory: Territory) -> User:
    operator = make_user("browser_operator", Role.OPERATOR, territory.province)
    _register(territory.grid_a1, operator, 3)
    _register(territory.grid_a2, operator, 1)
    _register(territory.other_grid, operator, 2)
    user = make_user("province_leader", Role.LEADER, territory.province, can_act=False)
    user.first_name = "赵振华"
    user.save(update_fields=["first_name"])
    return user


def _h1(tab: Tab) -> str:
    return str(tab.page.inner_text("h1"))


def _click_first_bar(tab: Tab) -> None:
    """Click the centre of the first bar of the children's chart (the canvas, by mouse)."""
    tab.page.wait_for_selector('#children-chart[data-state="ready"]')
    tab.page.locator("#children-chart").scroll_into_view_if_needed()
    box = tab.page.locator("#children-chart").bounding_box()
    layout = tab.page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('children-chart'));
            return chart.getModel().getSeriesByIndex(0).getData().getItemLayout(0);
        }"""
    )
    x = box["x"] + layout["x"] + layout["width"] / 2
    y = box["y"] + layout["y"] + layout["height"] / 2
    before = tab.page.url
    tab.page.mouse.click(x, y)
    tab.page.wait_for_url(lambda u: u != before)
    tab.page.wait_for_load_state("networkidle")


def _check(tab: Tab, response: Any, problems: dict[str, Any], name: str) -> None:
    found = {
        "csp_hosts": csp_hosts(response.headers.get("content-security-policy", "*")),
        "csp_violations": tab.csp_violations(),
        "axe": tab.axe_violations(),
        "horizontal_scroll": tab.has_horizontal_scroll(),
        "console_errors": tab.console_errors,
    }
    found = {k: v for k, v in found.items() if v}
    if found:
        problems[name] = found


def test_province_leader_drills_to_a_grid_by_clicking(
    chromium: Any, live_server: LiveServer, territory: Territory, leader: User
) -> None:
    tab = open_tab(chromium, live_server.url, leader)
    response = tab.go("/console/dashboard/")
    assert "甘肃省" in _h1(tab)
    tab.page.wait_for_selector('#trend-chart[data-state="ready"]')
    tab.page.wait_for_selector('#children-chart[data-state="ready"]')
    problems: dict[str, Any] = {}
    _check(tab, response, problems, "province")
    assert tab.page.inner_text('[data-indicator="received"] .stat__value') == "6件"
    tab.screenshot("dashboard-1-province")
    steps = [
        ("兰州市", "city", "6件"),
        ("城关区", "county", "4件"),
        ("酒泉路街道", "township", "4件"),
        ("秦安路社区", "village", "4件"),
        ("第一网格", "grid", "3件"),
    ]
    for number, (name, level, received) in enumerate(steps, start=2):
        _click_first_bar(tab)
        assert name in _h1(tab), (level, _h1(tab))
        assert "period=" in tab.page.url  # the chosen period travels with the click
        assert tab.page.inner_text('[data-indicator="received"] .stat__value') == received
        tab.page.wait_for_selector('#trend-chart[data-state="ready"]')
        _check(tab, response, problems, level)
        tab.screenshot(f"dashboard-{number}-{level}")
    assert tab.page.locator("#children-chart").count() == 0  # a grid has no children
    crumbs = tab.page.inner_text("nav.breadcrumb")
    assert all(n in crumbs for n in ("甘肃省", "兰州市", "城关区", "酒泉路街道", "秦安路社区"))
    # back up by the breadcrumb, then a quarter through the form
    tab.page.get_by_role("navigation", name="层级导航").get_by_role("link", name="城关区").click()
    tab.page.wait_for_load_state("networkidle")
    assert "城关区" in _h1(tab)
    quarter = tab.page.locator("#dashboard-period option", has_text="季度").first
    tab.page.select_option("#dashboard-period", value=quarter.get_attribute("value"))
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="查看").click()
    assert "-Q" in tab.page.url and "季度" in tab.page.inner_text(".lead")
    tab.page.wait_for_selector('#children-chart[data-state="ready"]')
    assert problems == {}


def test_drill_down_by_table_links_without_javascript(
    chromium: Any, live_server: LiveServer, territory: Territory, leader: User
) -> None:
    client = Client()
    client.force_login(leader)
    context = chromium.new_context(java_script_enabled=False, locale="zh-CN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + "/console/dashboard/")
    for name in ("兰州市", "七里河区", "西园街道", "西园社区", "西园第一网格"):
        table = page.locator("#children-table")
        link = table.get_by_role("link", name=name, exact=True)
        link.focus()  # by keyboard: focus the link and press Enter
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert name in page.inner_text("h1")
    assert page.inner_text('[data-indicator="received"] .stat__value') == "2件"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-nojs-grid.png"), full_page=True)
    context.close()


def test_township_leader_gets_404_for_another_township(
    chromium: Any, live_server: LiveServer, territory: Territory
) -> None:
    user = make_user("town_leader", Role.LEADER, territory.town, can_act=False)
    tab = open_tab(chromium, live_server.url, user)
    assert tab.go(f"/console/dashboard/{territory.town.pk}/").status == 200
    response = tab.go(f"/console/dashboard/{territory.other_town.pk}/")
    assert response.status == 404
    assert "未找到" in _h1(tab) and "西园" not in tab.page.content()


def test_dashboard_fits_a_phone(
    chromium: Any, live_server: LiveServer, territory: Territory, leader: User
) -> None:
    tab = open_tab(chromium, live_server.url, leader, viewport=PHONE)
    response = tab.go(f"/console/dashboard/{territory.county.pk}/")
    tab.page.wait_for_selector('#children-chart[data-state="ready"]')
    problems: dict[str, Any] = {}
    _check(tab, response, problems, "phone")
    tab.screenshot("dashboard-county-phone")
    assert problems == {}
