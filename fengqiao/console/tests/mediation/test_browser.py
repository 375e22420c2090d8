"""Journeys in a real headless Chromium: a mediator opens a dispute, records a session, records
the settlement and downloads the 调解协议书 (read back with python-docx); a grid worker records
a visit with a GPS point on a phone-sized viewport; a citizen chooses county → township →
village from lists. axe (no serious/critical), CSP (no violations) and screenshots under
build/screenshots/mediation-*.png."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.cases.tests.conftest import Units, ensure_reference_data
from fengqiao.console.tests.browser import DESKTOP, PHONE, Tab, launch, needs_chromium, open_tab
from fengqiao.core.pii import blind_index
from fengqiao.mediation import actions as m
from fengqiao.mediation.models import Mediator, Session
from fengqiao.mediation.tests.conftest import Bodies
from fengqiao.mediation.tests.helpers import draft
from fengqiao.regions.models import GridAssignment, GridWorker
from fengqiao.testing import Territory
from fengqiao.visits.actions import VisitDraft, do_create_visit_task
from fengqiao.visits.models import VisitResult, VisitStatus, VisitTask

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch()


@pytest.fixture
def reference(territory: Territory) -> None:
    ensure_reference_data()


def _clean(tab: Tab, name: str) -> None:
    """No serious/critical axe violation, no CSP violation; then a screenshot."""
    assert tab.axe_violations() == [], name
    assert tab.csp_violations() == [], name
    tab.screenshot(f"mediation-{name}")


def _op(tab: Tab, action: str, **fields: Any) -> None:
    """Open one action of the dispute page, fill its form and confirm it."""
    page = tab.page
    page.click(f"details.op:has(button[data-op='{action}']) > summary")
    for name, value in fields.items():
        selector = f"[name='{action}-{name}']"
        element = page.locator(selector).first
        kind = element.get_attribute("type") or element.evaluate("e => e.tagName.toLowerCase()")
        if kind in ("radio", "checkbox"):
            page.check(f"{selector}[value='{value}']")
        elif kind == "select":
            page.select_option(selector, str(value))
        else:
            page.fill(selector, str(value))
    with page.expect_navigation():
        page.click(f"button[data-op='{action}']")
    page.wait_for_load_state("networkidle")
    assert page.locator(".message--success").count() == 1, page.inner_text("main")[:800]


def _ops(tab: Tab) -> list[str]:
    return [
        str(x)
        for x in tab.page.locator("button[data-op]").evaluate_all("bs => bs.map(b => b.dataset.op)")
    ]


def test_mediator_records_a_session_and_downloads_the_agreement(
    chromium: Any,
    live_server: LiveServer,
    reference: None,
    territory: Territory,
    grid_worker: User,
    bodies: Bodies,
    villager: User,
    mediator: Mediator,
) -> None:
    import docx

    case = m.do_intake_dispute(
        draft(territory.grid_a1), m.DisputeDraft(org=bodies.village), actor=grid_worker
    ).case
    tab = open_tab(chromium, live_server.url, villager, viewport=DESKTOP)
    tab.go("/console/mediation/")
    page = tab.page
    assert "待受理" in page.inner_text("nav.tabs[aria-label='按状态']")
    _clean(tab, "1-worklist")
    with page.expect_navigation():
        page.get_by_role("link", name=case.receipt_no).click()
    assert sorted(_ops(tab)) == ["accept", "decline", "object"]
    assert "139****5678" in page.inner_text("main")
    _clean(tab, "2-dispute")
    _op(tab, "accept")
    _op(tab, "assign_mediator", mediators=mediator.pk)
    held = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    _op(
        tab,
        "hold_session",
        held_at=held,
        mode="on_site",
        place="秦安路社区调解室",
        record="双方陈述漏水经过；乙方同意修复防水层并赔偿。",
    )
    assert Session.objects.get(case=case).record.startswith("双方陈述漏水经过")
    assert "第 1 次调解" in page.inner_text("#sessions-title + article, main")
    _clean(tab, "3-session")
    _op(
        tab,
        "record_outcome",
        outcome="success",
        facts="甲乙两户因楼上漏水发生争执。",
        disputed_points="维修费用的承担。",
        terms="乙方十日内修复防水层\n乙方赔偿甲方800元",
        performance_manner="现金支付",
        performance_deadline=(timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        amount="800",
    )
    case.refresh_from_db()
    assert case.status == "agreed"
    assert "sign_agreement" in _ops(tab)
    _clean(tab, "4-agreement")
    with page.expect_download() as info:
        page.click("a[data-download='docx']")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    path = download.path()
    assert path is not None
    with open(path, "rb") as handle:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
    assert "人民调解协议书" in text and "乙方赔偿甲方800元" in text


def test_grid_worker_records_a_visit_on_a_phone(
    chromium: Any,
    live_server: LiveServer,
    reference: None,
    territory: Territory,
    grid_worker: User,
    town_operator: User,
) -> None:
    worker = GridWorker.objects.create(
        number="62010200100100101",
        name="马小红",
        phone="13912345678",
        phone_index=blind_index("13912345678"),
        user=grid_worker,
    )
    GridAssignment.objects.create(worker=worker, grid=territory.grid_a1, is_chief=True)
    task = do_create_visit_task(
        VisitDraft(
            grid=territory.grid_a1,
            kind="key_household",
            target="秦安路5号3单元202 独居老人",
            instructions="了解冬季取暖情况",
            due_on=timezone.localdate() + dt.timedelta(days=2),
        ),
        actor=town_operator,
    )
    tab = open_tab(chromium, live_server.url, grid_worker, viewport=PHONE)
    tab.page.context.grant_permissions(["geolocation"], origin=live_server.url)
    tab.page.context.set_geolocation({"latitude": 36.0612, "longitude": 103.8345})
    tab.go("/console/grid/visits/")
    page = tab.page
    assert not tab.has_horizontal_scroll()
    _clean(tab, "5-visits-phone")
    with page.expect_navigation():
        page.get_by_role("link", name="独居老人").click()
    page.check("input[name='result'][value='met']")
    page.fill("textarea[name='note']", "老人身体健康，暖气正常。")
    page.click("button[data-locate]")
    page.locator("[data-locate-status]", has_text="已定位").wait_for()
    assert not tab.has_horizontal_scroll()
    _clean(tab, "6-visit-record-phone")
    with page.expect_navigation():
        page.click("button[data-submit]")
    assert "走访已记录" in page.inner_text("main")
    task.refresh_from_db()
    assert task.status == VisitStatus.DONE and task.result == VisitResult.MET
    assert task.latitude is not None and abs(float(task.latitude) - 36.0612) < 0.001
    assert VisitTask.objects.filter(status=VisitStatus.PENDING).count() == 0


def test_citizen_chooses_the_village_from_lists(
    chromium: Any, live_server: LiveServer, territory: Territory, units: Units
) -> None:
    tab = open_tab(chromium, live_server.url, None, viewport=PHONE)
    tab.go("/portal/")
    page = tab.page
    page.fill("#id_name", "李四")
    page.fill("#id_phone", "13700001111")
    # first a township in the wrong county, then the county changes: the lists below are cleared
    page.select_option("#id_county", territory.other_county.code)
    page.locator(f"#id_township option[value='{territory.other_town.code}']").wait_for(
        state="attached"
    )
    page.select_option("#id_township", territory.other_town.code)
    page.locator(f"#id_region option[value='{territory.other_village.code}']").wait_for(
        state="attached"
    )
    page.select_option("#id_county", territory.county.code)
    page.locator(f"#id_township option[value='{territory.town.code}']").wait_for(state="attached")
    assert page.input_value("#id_county") == territory.county.code
    assert page.input_value("#id_township") == ""
    page.select_option("#id_township", territory.town.code)
    page.locator(f"#id_region option[value='{territory.village.code}']").wait_for(state="attached")
    page.select_option("#id_region", territory.village.code)
    page.fill("#id_description", "楼下餐馆油烟很大，影响居民生活")
    assert not tab.has_horizontal_scroll()
    _clean(tab, "7-portal-places")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    assert page.locator("[data-receipt]").count() == 1
    assert Case.objects.get().region == territory.village
