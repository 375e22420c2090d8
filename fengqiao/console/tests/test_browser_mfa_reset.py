"""The 安全管理员 resets a user's second factor in a real headless Chromium (AUTH-06): the
account page shows the enrolment, the button leads to a confirmation page, the reset comes
back to the account page with 未绑定; axe-core clean on every page (no serious or critical
violations), no CSP violation, screenshots in build/screenshots/mfa-reset-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from fengqiao.accounts import mfa
from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry, Outcome
from fengqiao.console.tests.browser import Tab, launch, needs_chromium, open_tab

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch()


def _check(tab: Tab, name: str) -> None:
    assert tab.axe_violations() == [], name
    assert tab.csp_violations() == [], name
    tab.screenshot(f"mfa-reset-{name}")


def test_security_admin_resets_a_second_factor_from_the_account_page(
    chromium: Any, live_server: LiveServer, grid_worker: User, security_admin: User
) -> None:
    TOTPDevice.objects.create(user=grid_worker, name=mfa.TOTP_DEVICE_NAME, confirmed=True)
    codes = StaticDevice.objects.create(
        user=grid_worker, name=mfa.RECOVERY_DEVICE_NAME, confirmed=True
    )
    StaticToken.objects.bulk_create(StaticToken(device=codes, token=f"c{i:07d}") for i in range(3))
    tab = open_tab(chromium, live_server.url, security_admin)

    tab.go(f"/console/manage/users/{grid_worker.pk}/")
    expect(tab.page.locator("#mfa-status")).to_contain_text("已绑定")
    expect(tab.page.locator("#mfa-status")).to_contain_text("剩余恢复码 3 个")
    _check(tab, "account")

    tab.page.get_by_role("link", name="重置双因素认证").click()
    expect(tab.page.get_by_role("heading", name="重置双因素认证")).to_be_visible()
    expect(tab.page.locator("main")).to_contain_text("确定要重置账号 grid_worker 的双因素认证吗？")
    assert TOTPDevice.objects.filter(user=grid_worker).exists()  # the confirmation asks only
    _check(tab, "confirm")

    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="确认重置").click()
    expect(tab.page.locator("#mfa-status")).to_have_text("未绑定")
    expect(tab.page.locator("main")).to_contain_text("已重置该账号的双因素认证")
    assert tab.page.url.endswith(f"/console/manage/users/{grid_worker.pk}/")
    _check(tab, "done")

    assert not TOTPDevice.objects.filter(user=grid_worker).exists()
    assert not StaticDevice.objects.filter(user=grid_worker).exists()
    row = AuditEntry.objects.get(action="mfa.reset", outcome=Outcome.SUCCESS)
    assert row.actor_id == security_admin.pk and row.object_id == str(grid_worker.pk)
