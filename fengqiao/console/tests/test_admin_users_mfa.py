"""重置双因素认证 on the console's account page (AUTH-06): the 安全管理员 of the account's
subtree only (the API's rule, `policy.check_reset_mfa`), after a confirmation page; 403 for
other roles and for one's own account, 404 outside the subtree; audited as `mfa.reset` like
the API, refusals as "denied"; the account holder is notified (AUTH-09). The account page
shows whether the user enrolled and when a factor was last used, never a secret."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fengqiao.accounts import mfa, policy
from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry, Outcome
from fengqiao.core.models import Outbox
from fengqiao.testing import Territory, make_user

pytestmark = pytest.mark.django_db

RECOVERY = [f"code{i:04d}" for i in range(10)]


def _client(user: User, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def enrol(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name=mfa.TOTP_DEVICE_NAME, confirmed=True)
    codes = StaticDevice.objects.create(user=user, name=mfa.RECOVERY_DEVICE_NAME, confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=codes, token=c) for c in RECOVERY)
    return device


def _detail(pk: int) -> str:
    return reverse("console:user_detail", args=[pk])


def _reset(pk: int) -> str:
    return reverse("console:user_mfa_reset", args=[pk])


def _resets(outcome: str = Outcome.SUCCESS) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="mfa.reset", outcome=outcome).order_by("seq"))


# --- the account page ---------------------------------------------------------------------


def test_account_page_shows_enrolment_and_last_use_without_secrets(
    grid_worker: User, security_admin: User
) -> None:
    device = enrol(grid_worker)
    used = dt.datetime(2026, 11, 20, 9, 30, tzinfo=timezone.get_current_timezone())
    TOTPDevice.objects.filter(pk=device.pk).update(last_used_at=used)
    response = _client(security_admin).get(_detail(grid_worker.pk))
    assert response.status_code == 200
    status = response.context["mfa"]
    assert status.enrolled and status.methods == ("动态口令", "恢复码")
    assert status.recovery_codes_left == 10 and status.last_used_at == used
    body = response.content.decode()
    assert "已绑定" in body and "剩余恢复码 10 个" in body
    assert timezone.localtime(used).strftime("%Y-%m-%d %H:%M") in body
    assert device.key not in body and "otpauth" not in body
    assert all(code not in body for code in RECOVERY)
    assert "重置双因素认证" in body and _reset(grid_worker.pk) in body


def test_account_page_of_a_user_without_mfa(grid_worker: User, security_admin: User) -> None:
    response = _client(security_admin).get(_detail(grid_worker.pk))
    assert not response.context["mfa"].enrolled
    body = response.content.decode()
    assert "未绑定" in body and response.context["mfa"].last_used_at is None
    # a reset is still offered: it also clears an unconfirmed device left by an enrolment
    assert response.context["can_reset_mfa"]


def test_account_page_in_english(grid_worker: User, security_admin: User) -> None:
    enrol(grid_worker)
    body = _client(security_admin, "en").get(_detail(grid_worker.pk)).content.decode()
    assert "Two-factor authentication" in body and "Enrolled" in body
    assert "10 recovery codes left" in body and "Reset two-factor authentication" in body
    confirm = _client(security_admin, "en").get(_reset(grid_worker.pk)).content.decode()
    assert "Confirm the reset" in confirm


def test_button_only_for_the_role_the_api_allows(
    grid_worker: User, county_admin: User, system_admin: User, security_admin: User
) -> None:
    enrol(grid_worker)
    for actor, offered in [(county_admin, False), (system_admin, False), (security_admin, True)]:
        response = _client(actor).get(_detail(grid_worker.pk))
        assert response.status_code == 200
        assert response.context["can_reset_mfa"] is offered, actor
        assert response.context["can_reset_mfa"] == (
            policy.check_reset_mfa(actor, grid_worker).allowed
        )
        assert ("重置双因素认证" in response.content.decode()) is offered
        # the status is shown to every account administrator
        assert response.context["mfa"].enrolled


def test_no_button_on_ones_own_account(security_admin: User) -> None:
    enrol(security_admin)
    response = _client(security_admin).get(_detail(security_admin.pk))
    assert response.status_code == 200 and not response.context["can_reset_mfa"]


# --- the reset ----------------------------------------------------------------------------


def test_confirm_then_reset_is_audited_and_notified(
    grid_worker: User, security_admin: User
) -> None:
    enrol(grid_worker)
    client = _client(security_admin)
    confirm = client.get(_reset(grid_worker.pk))
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "确定要重置账号 grid_worker 的双因素认证吗？" in body and "确认重置" in body
    assert TOTPDevice.objects.filter(user=grid_worker).exists()  # GET changes nothing
    assert not _resets()
    response = client.post(_reset(grid_worker.pk))
    assert response.status_code == 302 and response["Location"] == _detail(grid_worker.pk)
    assert not TOTPDevice.objects.filter(user=grid_worker).exists()
    assert not StaticDevice.objects.filter(user=grid_worker).exists()
    [row] = _resets()
    assert row.actor_id == security_admin.pk and row.object_id == str(grid_worker.pk)
    assert row.data == {"devices": 1, "recovery_codes": 10}
    notices = Outbox.objects.filter(topic="account.mfa", recipient=f"user:{grid_worker.pk}")
    assert [n.payload for n in notices] == [{"event": "mfa.reset"}]
    after = client.get(response["Location"])
    assert "已重置该账号的双因素认证" in after.content.decode()
    assert not after.context["mfa"].enrolled


def test_other_roles_get_403_and_the_refusal_is_audited(
    grid_worker: User, county_admin: User, system_admin: User
) -> None:
    enrol(grid_worker)
    for actor in (county_admin, system_admin):
        client = _client(actor)
        assert client.get(_reset(grid_worker.pk)).status_code == 403
        assert client.post(_reset(grid_worker.pk)).status_code == 403
    assert TOTPDevice.objects.filter(user=grid_worker).count() == 1
    denied = _resets(Outcome.DENIED)
    assert [r.actor_id for r in denied] == [county_admin.pk, system_admin.pk]
    assert {r.data["code"] for r in denied} == {"no_permission"}


def test_business_and_audit_roles_get_403(
    grid_worker: User, town_operator: User, auditor: User
) -> None:
    for actor in (town_operator, auditor):
        client = _client(actor)
        assert client.get(_reset(grid_worker.pk)).status_code == 403
        assert client.post(_reset(grid_worker.pk)).status_code == 403


def test_own_account_is_403(security_admin: User) -> None:
    enrol(security_admin)
    client = _client(security_admin)
    assert client.get(_reset(security_admin.pk)).status_code == 403
    assert client.post(_reset(security_admin.pk)).status_code == 403
    assert TOTPDevice.objects.filter(user=security_admin).exists()
    assert [r.data["code"] for r in _resets(Outcome.DENIED)] == ["self"]


def test_outside_the_subtree_is_404(
    territory: Territory, grid_worker: User, outsider: User
) -> None:
    enrol(outsider)
    county_security = make_user("county_security", Role.SECURITY_ADMIN, territory.county)
    faraway = make_user("faraway_security", Role.SECURITY_ADMIN, territory.other_county)
    for actor, target in [(county_security, outsider), (faraway, grid_worker)]:
        client = _client(actor)
        assert client.get(_reset(target.pk)).status_code == 404
        assert client.post(_reset(target.pk)).status_code == 404
    assert client.get(_reset(999999)).status_code == 404
    assert TOTPDevice.objects.filter(user=outsider).exists()


def test_security_admin_also_region_admin_elsewhere_gets_404(
    territory: Territory, grid_worker: User, outsider: User
) -> None:
    """Seen as an account through another role's subtree, but outside the 安全管理员's: the
    reset answers 404 like the API (the action's audited refusal says out_of_scope)."""
    dual = make_user("dual_admin", Role.SECURITY_ADMIN, territory.other_county)
    dual.assignments.create(role=Role.REGION_ADMIN, region=territory.county, can_act=True)
    enrol(grid_worker)
    client = _client(dual)
    assert client.get(_detail(grid_worker.pk)).status_code == 200
    assert not client.get(_detail(grid_worker.pk)).context["can_reset_mfa"]
    assert client.get(_reset(grid_worker.pk)).status_code == 404
    assert client.post(_reset(grid_worker.pk)).status_code == 404
    assert [r.data["code"] for r in _resets(Outcome.DENIED)] == ["out_of_scope"]
    assert TOTPDevice.objects.filter(user=grid_worker).exists()


def test_reset_needs_a_post_with_csrf(grid_worker: User, security_admin: User) -> None:
    enrol(grid_worker)
    client = Client(enforce_csrf_checks=True)
    client.force_login(security_admin)
    assert client.post(_reset(grid_worker.pk)).status_code == 403
    assert TOTPDevice.objects.filter(user=grid_worker).exists()
    assert _client(security_admin).put(_reset(grid_worker.pk)).status_code == 405


def test_mfa_status_helper(grid_worker: User) -> None:
    assert mfa.status(grid_worker) == mfa.MfaStatus((), None, None, 0)
    TOTPDevice.objects.create(user=grid_worker, name="pending", confirmed=False)
    assert not mfa.status(grid_worker).enrolled  # an unconfirmed device is not an enrolment
    device = enrol(grid_worker)
    status = mfa.status(grid_worker)
    assert status.enrolled and status.enrolled_at is not None and status.last_used_at is None
    device.set_last_used_timestamp()
    assert mfa.status(grid_worker).last_used_at == TOTPDevice.objects.get(pk=device.pk).last_used_at
