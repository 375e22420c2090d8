"""A 系统管理员 adds a local version of a statutory time limit in a real headless Chromium:
rule list → 新增本地版本 → a longer limit refused on its field → a shorter one saved → the
version history, with axe-core (no serious or critical violations) and screenshots
(build/screenshots/rules-*.png)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.tests.conftest import ensure_reference_data
from fengqiao.console.tests.browser import Tab, launch, needs_chromium, open_tab
from fengqiao.rules.models import ClockRule
from fengqiao.rules.resolve import resolve_rule
from fengqiao.testing import Territory

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]

CODE = "petition.handling"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch()


def _check(tab: Tab, name: str) -> None:
    """axe clean, no console errors or CSP violations; a screenshot for the reviewer."""
    assert tab.axe_violations() == [], name
    assert tab.csp_violations() == [], name
    tab.screenshot(f"rules-{name}")


def _submit(tab: Tab, button: str) -> None:
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name=button).click()
    tab.page.wait_for_load_state("networkidle")


def test_system_admin_adds_a_local_version_through_the_form(
    chromium: Any, live_server: LiveServer, territory: Territory, system_admin: User
) -> None:
    ensure_reference_data()
    national = ClockRule.objects.get(code=CODE, region__isnull=True)
    tab = open_tab(chromium, live_server.url, system_admin)

    tab.go("/console/manage/rules/")
    _check(tab, "list")
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name=f"{national.name}：新增本地版本").click()
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.url.endswith(f"/console/manage/rules/{national.pk}/local/")
    _check(tab, "local-form")

    tab.page.select_option("#id_region", str(territory.county.pk))
    tab.page.fill("#id_duration", "90")  # longer than the statutory 60日: refused
    tab.page.fill("#id_effective_from", "2026-07-01")
    tab.page.fill("#id_issuing_authority", "兰州市人民代表大会常务委员会")
    tab.page.fill("#id_source_document", "兰州市信访条例")
    tab.page.fill("#id_source_article", "第二十条")
    _submit(tab, "保存本地版本")
    errors = tab.page.locator("#id_duration_errors")
    errors.wait_for()
    assert "期限数值超过上级法定时限" in errors.inner_text()
    assert "未保存：请检查标注的内容。" in tab.page.inner_text("main")
    assert not ClockRule.objects.filter(region=territory.county).exists()
    _check(tab, "local-form-errors")

    # the entered values survive the refusal; only the number changes
    assert tab.page.input_value("#id_source_document") == "兰州市信访条例"
    tab.page.fill("#id_duration", "45")
    _submit(tab, "保存本地版本")
    assert tab.page.url.endswith(f"/console/manage/rules/history/{CODE}/")
    main = tab.page.locator("main")
    main.get_by_text("已新增").wait_for()
    text = main.inner_text()
    assert "v1" in text and "城关区" in text and "兰州市信访条例" in text and "system_admin" in text
    _check(tab, "history")

    local = ClockRule.objects.get(code=CODE, region=territory.county)
    assert local.duration == 45 and local.effective_from == dt.date(2026, 7, 1)
    assert resolve_rule(CODE, region=territory.grid_a1, on=dt.date(2026, 6, 30)) == national
    assert resolve_rule(CODE, region=territory.grid_a1, on=dt.date(2026, 7, 1)) == local

    # which version applied on a date, from the history page
    tab.page.select_option("#id_region", str(territory.county.pk))
    tab.page.fill("#id_on", "2026-07-01")
    _submit(tab, "查询")
    status = tab.page.get_by_role("status")
    status.wait_for()
    assert "2026-07-01在城关区适用 v1" in status.inner_text()
    _check(tab, "history-lookup")

    actions = list(
        AuditEntry.objects.filter(actor_id=system_admin.pk)
        .exclude(outcome="denied")
        .values_list("action", flat=True)
    )
    assert actions == ["rules.clock_rule.add"]
    assert tab.console_errors == []
