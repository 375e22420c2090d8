"""Whole journeys in a real headless Chromium against a live server.

Run only these: `pytest -m browser`. Screenshots land in build/screenshots/ (git-ignored).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.console.tests.browser import (
    DESKTOP,
    PHONE,
    Tab,
    csp_hosts,
    launch,
    needs_chromium,
    open_tab,
)
from fengqiao.console.tests.conftest import Workers
from fengqiao.regions.models import GridWorker, GridWorkerStatus, Region
from fengqiao.testing import Territory, make_user

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch()


def _h1(tab: Tab) -> str:
    return str(tab.page.inner_text("h1"))


def _click_first_bar(tab: Tab) -> None:
    """Click the centre of the first bar of the ECharts chart (the real canvas, by mouse)."""
    tab.page.wait_for_selector('#area-chart[data-state="ready"]')
    box = tab.page.locator("#area-chart").bounding_box()
    layout = tab.page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('area-chart'));
            return chart.getModel().getSeriesByIndex(0).getData().getItemLayout(0);
        }"""
    )
    x = box["x"] + layout["x"] + layout["width"] / 2
    y = box["y"] + layout["y"] + layout["height"] / 2
    with tab.page.expect_navigation():
        tab.page.mouse.click(x, y)
    tab.page.wait_for_load_state("networkidle")


def test_leader_drills_from_province_to_grid(
    chromium: Any, live_server: LiveServer, territory: Territory, workers: Workers
) -> None:
    leader = make_user("province_leader", Role.LEADER, territory.province, can_act=False)
    leader.first_name = "赵振华"
    leader.save(update_fields=["first_name"])
    tab = open_tab(chromium, live_server.url, leader)
    tab.go("/console/overview/")
    assert "甘肃省" in _h1(tab)
    tab.page.wait_for_selector('#area-chart[data-state="ready"]')
    tab.screenshot("overview-1-province")
    steps = [
        ("兰州市", "city"),
        ("城关区", "county"),
        ("酒泉路街道", "township"),
        ("秦安路社区", "village"),
    ]
    for step, (name, level) in enumerate(steps, start=2):
        tab.page.get_by_role("link", name=name, exact=True).click()
        tab.page.wait_for_load_state("networkidle")
        assert name in _h1(tab)
        tab.screenshot(f"overview-{step}-{level}")
    _click_first_bar(tab)  # the last step by clicking the chart itself
    assert "第一网格" in _h1(tab)
    table = tab.page.inner_text("table")
    assert "马小红" in table and "139****5678" in table and "13912345678" not in table
    crumbs = tab.page.inner_text("nav.breadcrumb")
    assert all(n in crumbs for n in ("甘肃省", "兰州市", "城关区", "酒泉路街道", "秦安路社区"))
    tab.screenshot("overview-6-grid")
    assert tab.console_errors == []


def test_township_user_cannot_open_another_township_by_url(
    chromium: Any, live_server: LiveServer, territory: Territory, town_operator: User
) -> None:
    tab = open_tab(chromium, live_server.url, town_operator)
    assert tab.go(f"/console/overview/{territory.town.pk}/").status == 200
    response = tab.go(f"/console/overview/{territory.other_town.pk}/")
    assert response.status == 404
    assert "未找到" in _h1(tab)
    assert "西园" not in tab.page.content()
    assert tab.go(f"/console/overview/{territory.other_town.pk}/data.json").status == 404
    tab.screenshot("not-found-404")


def test_grid_worker_home_fits_a_phone(
    chromium: Any,
    live_server: LiveServer,
    territory: Territory,
    grid_worker: User,
    workers: Workers,
) -> None:
    GridWorker.objects.filter(pk=workers.chief_a1.pk).update(user=grid_worker)
    tab = open_tab(chromium, live_server.url, grid_worker, viewport=PHONE)
    tab.go("/")
    assert "第一网格" in tab.page.inner_text("main")
    assert not tab.has_horizontal_scroll()
    assert tab.axe_violations() == []
    tab.screenshot("phone-grid-worker-home")


def _first_audit_pk() -> int:
    entry = AuditEntry.objects.order_by("pk").first()
    assert entry is not None
    return entry.pk


@dataclass(frozen=True)
class PageCase:
    name: str
    persona: str
    path: Callable[[Territory, Workers], str]


PAGES = [
    PageCase("landing", "anonymous", lambda t, w: "/"),
    PageCase("home-grid-worker", "grid_worker", lambda t, w: "/"),
    PageCase("home-leader", "county_leader", lambda t, w: "/"),
    PageCase("home-region-admin", "town_admin", lambda t, w: "/"),
    PageCase("home-audit-admin", "auditor", lambda t, w: "/"),
    PageCase("overview-roots", "two_towns", lambda t, w: "/console/overview/"),
    PageCase("overview-county", "county_leader", lambda t, w: f"/console/overview/{t.county.pk}/"),
    PageCase("overview-grid", "county_leader", lambda t, w: f"/console/overview/{t.grid_a1.pk}/"),
    PageCase("regions-list", "town_admin", lambda t, w: "/console/manage/regions/"),
    PageCase(
        "regions-detail", "town_admin", lambda t, w: f"/console/manage/regions/{t.grid_a1.pk}/"
    ),
    PageCase(
        "regions-edit", "town_admin", lambda t, w: f"/console/manage/regions/{t.grid_a1.pk}/edit/"
    ),
    PageCase("workers-list", "town_admin", lambda t, w: "/console/manage/workers/"),
    PageCase(
        "workers-detail",
        "town_admin",
        lambda t, w: f"/console/manage/workers/{w.chief_a1.pk}/",
    ),
    PageCase(
        "workers-edit",
        "town_admin",
        lambda t, w: f"/console/manage/workers/{w.chief_a1.pk}/edit/",
    ),
    PageCase("login", "anonymous", lambda t, w: "/accounts/login/"),
    PageCase("password-change", "county_leader", lambda t, w: "/accounts/password/"),
    PageCase("audit-list", "auditor", lambda t, w: "/console/audit/"),
    PageCase("audit-detail", "auditor", lambda t, w: f"/console/audit/{_first_audit_pk()}/"),
    PageCase("audit-verify", "auditor", lambda t, w: "/console/audit/verify/"),
    PageCase("forbidden-403", "auditor", lambda t, w: "/console/overview/"),
    PageCase("not-found-404", "town_admin", lambda t, w: "/console/manage/regions/999999/"),
]


def _personas(territory: Territory, **known: User) -> dict[str, User | None]:
    two_towns = make_user("two_towns", Role.LEADER, territory.town, can_act=False)
    two_towns.assignments.create(role=Role.LEADER, region=territory.other_town, can_act=False)
    return {"anonymous": None, "two_towns": two_towns, **known}


def test_every_page_passes_axe_csp_and_fits_a_phone(
    chromium: Any,
    live_server: LiveServer,
    territory: Territory,
    workers: Workers,
    grid_worker: User,
    county_leader: User,
    town_admin: User,
    auditor: User,
) -> None:
    personas = _personas(
        territory,
        grid_worker=grid_worker,
        county_leader=county_leader,
        town_admin=town_admin,
        auditor=auditor,
    )
    problems: dict[str, Any] = {}
    for case in PAGES:
        path = case.path(territory, workers)
        for viewport, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
            tab = open_tab(chromium, live_server.url, personas[case.persona], viewport=viewport)
            response = tab.go(path)
            if tab.page.locator("#area-chart").count():
                tab.page.wait_for_selector('#area-chart[data-state="ready"]')
            found: dict[str, Any] = {
                "csp_hosts": csp_hosts(response.headers.get("content-security-policy", "*")),
                "csp_violations": tab.csp_violations(),
                "axe": tab.axe_violations(),
                "horizontal_scroll": tab.has_horizontal_scroll(),
            }
            if not response.headers.get("content-security-policy"):
                found["csp_missing"] = True
            if case.persona != "anonymous" and "no-store" not in response.headers.get(
                "cache-control", ""
            ):
                found["cache_control"] = response.headers.get("cache-control")
            tab.screenshot(case.name + suffix)
            tab.page.context.close()
            found = {key: value for key, value in found.items() if value}
            if found:
                problems[case.name + suffix] = found
    assert problems == {}


def test_htmx_filter_and_status_change_send_the_csrf_header(
    chromium: Any,
    live_server: LiveServer,
    territory: Territory,
    town_admin: User,
    workers: Workers,
) -> None:
    tab = open_tab(chromium, live_server.url, town_admin)
    tab.go("/console/manage/regions/")
    with tab.page.expect_response(lambda r: "q=" in r.url and r.status == 200):
        tab.page.get_by_label("名称或代码").fill("第二")
    tab.page.wait_for_function(
        "!document.querySelector('#region-results').innerText.includes('第一网格')"
    )
    results = tab.page.inner_text("#region-results")
    assert "第二网格" in results and "第一网格" not in results
    assert "q=" in tab.page.url  # hx-push-url keeps the filter in the address bar

    tab.go(f"/console/manage/workers/{workers.shared.pk}/")
    tab.page.get_by_label("改为").select_option("leave")
    with tab.page.expect_request(lambda r: r.url.endswith("/status/")) as request_info:
        tab.page.get_by_role("button", name="更新状态").click()
    assert request_info.value.headers.get("x-csrftoken")
    assert request_info.value.headers.get("hx-request") == "true"
    tab.page.wait_for_selector("#worker-status [role=status]")
    assert GridWorker.objects.get(pk=workers.shared.pk).status == GridWorkerStatus.LEAVE
    assert tab.console_errors == []


def test_language_switch_to_english_and_back(
    chromium: Any, live_server: LiveServer, territory: Territory, county_leader: User
) -> None:
    tab = open_tab(chromium, live_server.url, county_leader)
    tab.go("/")
    nav = tab.page.get_by_role("navigation", name="主导航")
    assert nav.get_by_role("link", name="区域概览", exact=True).count() == 1
    tab.page.get_by_label("界面语言").select_option("en")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="切换").click()
    nav = tab.page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="Area overview", exact=True).count() == 1
    assert tab.page.get_attribute("html", "lang") == "en"
    tab.screenshot("home-leader-english")
    tab.page.get_by_label("Language").select_option("zh-hans")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Switch").click()
    assert tab.page.get_attribute("html", "lang") == "zh-Hans"


def test_keyboard_reaches_the_skip_link_and_main(
    chromium: Any, live_server: LiveServer, territory: Territory, county_leader: User
) -> None:
    tab = open_tab(chromium, live_server.url, county_leader)
    tab.go(f"/console/overview/{territory.county.pk}/")
    tab.page.keyboard.press("Tab")
    focused = tab.page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳到主要内容"
    outline = tab.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible
    tab.page.keyboard.press("Enter")
    assert tab.page.evaluate("document.activeElement.id") == "main"


# The demo needs the reference data that migrations ship (taxonomies, clock and sweep rules);
# an earlier transactional test's flush removed it, so restore the migrated state first.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_console_is_populated(chromium: Any, live_server: LiveServer) -> None:
    """`fengqiao demo` data as an operator first sees it (screenshots named demo-*)."""
    call_command("demo", stdout=io.StringIO())
    leader = User.objects.get(username="demo_leader")
    tab = open_tab(chromium, live_server.url, leader)
    tab.go("/console/overview/")
    tab.page.wait_for_selector('#area-chart[data-state="ready"]')
    assert tab.page.locator("tbody tr").count() == 14  # Gansu's 14 cities and prefectures
    tab.screenshot("demo-leader-province")
    chengguan = Region.objects.get(code="620102000000")
    tab.go(f"/console/overview/{chengguan.pk}/")
    tab.page.wait_for_selector('#area-chart[data-state="ready"]')
    subdistricts = Region.objects.filter(parent=chengguan, retired_on__isnull=True).count()
    assert tab.page.locator("tbody tr").count() == subdistricts >= 26
    assert tab.axe_violations() == []
    tab.screenshot("demo-leader-county")
    admin = open_tab(chromium, live_server.url, User.objects.get(username="demo_regionadmin"))
    admin.go("/console/manage/workers/")
    assert admin.page.locator("tbody tr").count() > 20
    admin.screenshot("demo-regionadmin-workers")
    grid_user = User.objects.get(username="demo_grid")
    phone = open_tab(chromium, live_server.url, grid_user, viewport=PHONE)
    phone.go("/")
    assert f"{GridWorker.objects.get(user=grid_user).name}（我）" in phone.page.inner_text("main")
    assert not phone.has_horizontal_scroll()
    phone.screenshot("demo-grid-worker-phone")
    assert tab.console_errors == [] and admin.console_errors == [] and phone.console_errors == []
