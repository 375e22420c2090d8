"""Case journeys in a real headless Chromium: operator intake → dispatch → both units reply →
review → callback dissatisfied → re-handling → closed; a grid worker's report that survives a
dropped connection (one case, not two); a citizen submits, tracks and rates. Plus axe, CSP
and phone-width checks of every case page. Screenshots go to build/screenshots/case-*.png.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from fengqiao.accounts.models import User
from fengqiao.cases.actions import (
    do_accept,
    do_approve_reply,
    do_dispatch,
    do_reply,
    do_sign,
    do_start,
)
from fengqiao.cases.models import Case
from fengqiao.cases.tests.conftest import Units, ensure_reference_data
from fengqiao.console import demo_stats
from fengqiao.console.tests.browser import (
    DESKTOP,
    PHONE,
    Tab,
    csp_hosts,
    launch,
    needs_chromium,
    open_tab,
)
from fengqiao.console.tests.cases_helpers import register
from fengqiao.console.tests.test_case_pages import PNG
from fengqiao.testing import Territory
from fengqiao.units.models import Category

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch()


def _op(tab: Tab, action: str, **fields: Any) -> None:
    """Open one action of the case page, fill its form and confirm it."""
    page = tab.page
    page.click(f"details.op:has(button[data-op='{action}']) > summary")
    for name, value in fields.items():
        selector = f"[name='{action}-{name}']"
        element = page.locator(selector).first
        kind = element.get_attribute("type") or element.evaluate("e => e.tagName.toLowerCase()")
        if kind == "radio":
            page.check(f"{selector}[value='{value}']")
        elif kind == "select":
            page.select_option(selector, value)
        else:
            page.fill(selector, str(value))
    with page.expect_navigation():
        page.click(f"button[data-op='{action}']")
    page.wait_for_load_state("networkidle")
    assert page.locator(".message--success").count() == 1, page.inner_text("main")[:500]


def _widest(tab: Tab) -> list[str]:
    """The elements that stick out on the right (named in a failure message)."""
    return list(
        tab.page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => !e.closest('.table-wrap table'))
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
                .slice(0, 5)
                .map(e => e.tagName + '.' + e.className + '#' + e.id)"""
        )
    ) or ["?"]


def _status(tab: Tab) -> str:
    return str(tab.page.inner_text(".status-tag--case"))


def test_operator_intake_dispatch_reply_callback_close(
    chromium: Any,
    live_server: LiveServer,
    territory: Territory,
    town_operator: User,
    env_handler: User,
    street_handler: User,
    units: Units,
) -> None:
    town_operator.first_name = "王坐席"
    town_operator.save(update_fields=["first_name"])
    earlier = register(town_operator, territory.grid_a2, category="RX02", description="物业不作为")
    op = open_tab(chromium, live_server.url, town_operator)
    op.go("/console/cases/new/")
    page = op.page
    page.fill("#id_phone", "13912345678")
    page.fill("#id_name", "张三")
    page.select_option("#id_category", "RX0501")
    page.select_option("#id_region", territory.grid_a1.code)
    page.fill("#id_address", "秦安路 12 号")
    page.fill("#id_description", "夜间施工噪声扰民，持续到凌晨两点")
    page.locator("#id_description").blur()
    page.locator("#intake-check", has_text="城关区生态环境分局").wait_for()
    check = page.inner_text("#intake-check")
    assert earlier.case.receipt_no in check  # the caller's earlier case, masked
    assert "139****5678" in check and "13912345678" not in check
    op.screenshot("case-1-intake")
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).click()
    case = Case.objects.exclude(pk=earlier.case.pk).get()
    assert _status(op) == "已受理（登记）"
    assert page.locator("details.op > summary").all_inner_texts() == [
        "即时办结",
        "转紧急热线",
        "告知其他途径",
        "不予受理（说明理由）",
        "转派单",
        "督办",
    ]
    _op(op, "accept")
    _op(op, "dispatch", co_units=str(units.street.pk), task="夜间巡查，依法处置")
    assert _status(op) == "已派单（待签收）"
    op.screenshot("case-2-dispatched")

    env = open_tab(chromium, live_server.url, env_handler)
    env.go("/console/cases/unit/")
    env.screenshot("case-3-unit-worklist")
    with env.page.expect_navigation():
        env.page.get_by_role("link", name=case.receipt_no).click()
    assert env.page.locator("details.op > summary").all_inner_texts() == [
        "签收",
        "派单异议（退单）",
    ]
    _op(env, "sign")
    _op(env, "start")
    street = open_tab(chromium, live_server.url, street_handler)
    street.go(f"/console/cases/{case.pk}/")
    _op(street, "sign")
    _op(street, "reply", reply="已配合夜间巡查", resolved_req="yes")
    _op(env, "reply", reply="已责令工地夜间停工", resolved_req="yes")
    assert _status(env) == "已答复（待审核）"

    op.go(f"/console/cases/{case.pk}/")
    _op(op, "approve_reply")
    _op(op, "callback", satisfaction="dissatisfied", acted="yes", note="仍有夜间施工")
    assert _status(op) == "办理中"
    op.go("/console/cases/?list=returned")
    assert case.receipt_no in op.page.inner_text("#case-results")

    env.go(f"/console/cases/{case.pk}/")
    _op(env, "reply", reply="已查封夜间施工设备", resolved_req="yes")
    op.go(f"/console/cases/{case.pk}/")
    _op(op, "approve_reply")
    _op(op, "callback", satisfaction="satisfied", resolved_opt="yes", acted="yes")
    assert _status(op) == "已办结"
    assert op.page.locator("details.op").count() == 1  # 归档 only
    timeline = op.page.inner_text(".timeline")
    for step in ("登记", "派单", "协办签收", "协办反馈", "审核通过", "回访"):
        assert step in timeline
    op.screenshot("case-4-closed")
    case.refresh_from_db()
    assert case.status == "closed" and case.satisfaction == "satisfied"
    assert op.console_errors == env.console_errors == street.console_errors == []


def test_grid_worker_report_survives_a_dropped_connection(
    chromium: Any,
    live_server: LiveServer,
    territory: Territory,
    grid_worker: User,
    units: Units,
    grid_a1_boundary: None,
) -> None:
    tab = open_tab(chromium, live_server.url, grid_worker, viewport=PHONE)
    tab.page.context.grant_permissions(["geolocation"])
    tab.page.context.set_geolocation({"latitude": 36.065, "longitude": 103.835})
    tab.go("/console/grid/report/")
    page = tab.page
    category = Category.objects.filter(taxonomy="grid").order_by("code").first()
    assert category is not None
    page.select_option("#id_category", category.code)
    page.fill("#id_description", "小区门口井盖缺失，有安全隐患")
    page.get_by_role("button", name="获取当前位置").click()
    page.wait_for_selector("form[data-located='yes']")
    assert "已定位" in page.inner_text("[data-locate-status]")
    page.set_input_files(
        "#id_photo", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert not tab.has_horizontal_scroll()
    tab.screenshot("case-grid-1-report-phone")
    attempts: list[str] = []

    def drop_first_answer(route: Any) -> None:
        attempts.append(route.request.headers.get("idempotency-key", ""))
        if len(attempts) == 1:
            route.fetch()  # the server receives and registers the report …
            route.abort("connectionreset")  # … but the phone never hears back
        else:
            route.continue_()

    page.route("**/console/grid/report/", drop_first_answer)
    page.get_by_role("button", name="提交报告").click()
    page.wait_for_selector("form[data-state='failed']")
    assert "未能确认报告已被接收" in page.inner_text("#report-status")
    tab.screenshot("case-grid-2-not-confirmed")
    assert Case.objects.count() == 1  # it did arrive
    page.get_by_role("button", name="重新提交").click()
    page.wait_for_selector("form[data-state='received']")
    case = Case.objects.get()
    status = page.inner_text("#report-status")
    assert "已收到" in status and case.receipt_no in status
    assert attempts[0] == attempts[1] != ""  # the same key, made before the first try
    assert Case.objects.count() == 1 and case.attachments.count() == 1
    assert case.status == "reported" and case.grid == territory.grid_a1  # by the GPS point
    tab.screenshot("case-grid-3-received")
    tab.go("/console/grid/tasks/")
    assert case.receipt_no in page.inner_text("main")
    assert not tab.has_horizontal_scroll()
    tab.screenshot("case-grid-4-tasks")


def test_citizen_submits_tracks_and_rates(
    chromium: Any,
    live_server: LiveServer,
    territory: Territory,
    town_operator: User,
    env_handler: User,
    units: Units,
) -> None:
    tab = open_tab(chromium, live_server.url, None, viewport=PHONE)
    tab.go("/portal/")
    page = tab.page
    page.fill("#id_name", "李四")
    page.fill("#id_phone", "13700001111")
    page.select_option("#id_county", territory.county.code)  # then township, then village
    page.locator(f"#id_township option[value='{territory.town.code}']").wait_for(state="attached")
    page.select_option("#id_township", territory.town.code)
    page.locator(f"#id_region option[value='{territory.village.code}']").wait_for(state="attached")
    page.select_option("#id_region", territory.village.code)
    page.select_option("#id_category", "RX0501")
    page.fill("#id_description", "楼下工地夜间施工噪声很大，影响休息")
    tab.screenshot("case-portal-1-submit")
    with page.expect_navigation():
        page.get_by_role("button", name="提交", exact=True).click()
    receipt = page.inner_text("[data-receipt]").strip()
    code = page.inner_text("[data-code]").strip()
    assert receipt.startswith("RX") and len(code) == 8
    assert not tab.has_horizontal_scroll()
    tab.screenshot("case-portal-2-slip")
    page.emulate_media(media="print")
    tab.screenshot("case-portal-2-slip-print")
    page.emulate_media(media="screen")

    def track() -> None:
        tab.go("/portal/track/")
        page.fill("#id_receipt_no", receipt)
        page.fill("#id_code", code)
        with page.expect_navigation():
            page.get_by_role("button", name="查询", exact=True).click()

    track()
    assert page.inner_text("[data-status]") == "已受理（登记）"
    tab.screenshot("case-portal-3-track")
    case = Case.objects.get(receipt_no=receipt)
    case = do_accept(case, actor=town_operator)
    case = do_dispatch(case, actor=town_operator, lead=None)
    case = do_sign(case, actor=env_handler)
    case = do_start(case, actor=env_handler)
    case = do_reply(case, actor=env_handler, reply="已责令工地夜间停工", resolved=True)
    do_approve_reply(case, actor=town_operator)
    track()
    assert "已责令工地夜间停工" in page.inner_text("main")
    page.check("input[name='satisfaction'][value='satisfied']")
    page.check("input[name='resolved'][value='yes']")
    page.fill("#id_comment", "处理及时")
    tab.screenshot("case-portal-4-rate")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    assert "感谢您的评价" in page.inner_text("main")
    assert page.inner_text("[data-status]") == "已办结"
    assert tab.axe_violations() == []
    tab.screenshot("case-portal-5-rated")
    case.refresh_from_db()
    assert case.status == "closed" and case.satisfaction == "satisfied"
    assert tab.console_errors == []


def test_case_pages_pass_axe_csp_and_fit_a_phone(
    chromium: Any,
    live_server: LiveServer,
    territory: Territory,
    town_operator: User,
    env_handler: User,
    grid_worker: User,
    units: Units,
) -> None:
    case = register(town_operator, territory.grid_a1).case
    case = do_accept(case, actor=town_operator)
    case = do_dispatch(case, actor=town_operator, lead=None)
    pages = [
        ("worklist", town_operator, "/console/cases/?list=open"),
        ("case", town_operator, f"/console/cases/{case.pk}/"),
        ("intake", town_operator, "/console/cases/new/"),
        ("unit", env_handler, "/console/cases/unit/"),
        ("case-handler", env_handler, f"/console/cases/{case.pk}/"),
        ("grid-report", grid_worker, "/console/grid/report/"),
        ("grid-tasks", grid_worker, "/console/grid/tasks/"),
        ("portal", None, "/portal/"),
        ("portal-track", None, "/portal/track/"),
    ]
    problems: dict[str, Any] = {}
    for name, user, path in pages:
        for viewport, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
            tab = open_tab(chromium, live_server.url, user, viewport=viewport)
            response = tab.go(path)
            tab.page.wait_for_load_state("networkidle")
            found: dict[str, Any] = {
                "status": response.status if response.status != 200 else None,
                "csp_hosts": csp_hosts(response.headers.get("content-security-policy", "*")),
                "csp_violations": tab.csp_violations(),
                "axe": tab.axe_violations(),
                "horizontal_scroll": tab.has_horizontal_scroll() and _widest(tab),
                "errors": tab.console_errors,
            }
            if user is not None and "no-store" not in response.headers.get("cache-control", ""):
                found["cache_control"] = response.headers.get("cache-control")
            tab.screenshot(f"case-page-{name}{suffix}")
            tab.page.context.close()
            found = {key: value for key, value in found.items() if value}
            if found:
                problems[name + suffix] = found
    assert problems == {}


# The demo needs the reference data that migrations ship (taxonomies, clock and sweep rules);
# an earlier transactional test's flush removed it, so restore the migrated state first.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_case_desk_makes_sense(chromium: Any, live_server: LiveServer) -> None:
    """`fengqiao demo`: the operator's desk, a case page, the handler's unit and the grid
    worker's tasks as they first see them (screenshots case-demo-*)."""
    ensure_reference_data()  # a transactional test's flush removed the migrations' rows
    call_command("demo", stdout=io.StringIO())
    operator = User.objects.get(username="demo_operator")
    tab = open_tab(chromium, live_server.url, operator)
    tab.go("/console/cases/?list=open")
    rows = tab.page.locator("#case-results tbody tr")
    assert rows.count() >= 10
    assert "199****" in tab.page.inner_text("#case-results")  # callers, masked
    assert tab.axe_violations() == []
    tab.screenshot("case-demo-operator-desk")
    tab.go("/console/cases/?list=overdue")
    # the hand-made overdue case, among the generated history's open overdue ones
    made = Case.objects.exclude(description=demo_stats.DESCRIPTION)
    receipts = set(made.values_list("receipt_no", flat=True))
    links = tab.page.locator("#case-results tbody a")
    mine = [i for i in range(links.count()) if links.nth(i).inner_text().strip() in receipts]
    assert len(mine) == 1
    with tab.page.expect_navigation():
        links.nth(mine[0]).click()
    assert "已超期" in tab.page.inner_text("main")
    tab.screenshot("case-demo-overdue-case")
    handler = open_tab(chromium, live_server.url, User.objects.get(username="demo_handler"))
    handler.go("/console/cases/unit/?status=signed")
    assert handler.page.locator("tbody tr").count() >= 1
    handler.screenshot("case-demo-unit")
    worker = User.objects.get(username="demo_grid")
    phone = open_tab(chromium, live_server.url, worker, viewport=PHONE)
    phone.go("/console/grid/tasks/")
    assert phone.page.locator(".task").count() >= 2
    assert not phone.has_horizontal_scroll()
    phone.screenshot("case-demo-grid-tasks")
    assert tab.console_errors == handler.console_errors == phone.console_errors == []
