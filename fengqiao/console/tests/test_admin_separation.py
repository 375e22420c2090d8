"""三权分立 (SOD-01) on the administration pages: the 系统管理员, 安全管理员 and 审计管理员 cannot
do each other's jobs, and the audit export (AUD-09) is the audit administrator's alone."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.audit.actions import record
from fengqiao.audit.checkpoints import _key
from fengqiao.audit.models import AuditEntry
from fengqiao.console.nav import nav_for
from fengqiao.core.crypto import hmac_sm3, sm3
from fengqiao.testing import Territory


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_nav_shows_each_admin_role_only_its_own_pages() -> None:
    def keys(role: str) -> set[str]:
        return {link.key for link in nav_for(frozenset({role}))}

    assert keys(Role.AUDIT_ADMIN) == {"home", "audit"}
    assert keys(Role.SECURITY_ADMIN) == {"home", "users"}
    assert {"units", "catalogue", "rules", "calendar", "users"} <= keys(Role.SYSTEM_ADMIN)
    assert "audit" not in keys(Role.SYSTEM_ADMIN)
    assert {"units", "catalogue", "users", "regions"} <= keys(Role.REGION_ADMIN)
    assert not {"units", "users", "audit"} & keys(Role.OPERATOR)


def test_audit_admin_reads_the_log_and_nothing_else(
    territory: Territory, auditor: User, town_operator: User
) -> None:
    client = _client(auditor)
    assert client.get(reverse("console:audit_list")).status_code == 200
    assert client.get(reverse("console:audit_export")).status_code == 200
    for url in (
        reverse("console:unit_list"),
        reverse("console:catalogue_list"),
        reverse("console:rule_list"),
        reverse("console:calendar"),
        reverse("console:user_list"),
        reverse("console:user_detail", args=[town_operator.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("console:user_account", args=[town_operator.pk, "disable"]),
        reverse("console:user_account", args=[town_operator.pk, "unlock"]),
        reverse("console:user_grant", args=[town_operator.pk]),
        reverse("console:unit_create"),
    ):
        assert client.post(url, {}).status_code == 403, url
    town_operator.refresh_from_db()
    assert town_operator.is_active


def test_system_admin_manages_accounts_but_not_audit_or_unlock(
    territory: Territory, system_admin: User, town_operator: User
) -> None:
    client = _client(system_admin)
    assert client.get(reverse("console:user_list")).status_code == 200
    assert client.get(reverse("console:audit_list")).status_code == 403
    assert client.get(reverse("console:audit_export")).status_code == 403
    town_operator.locked_until = timezone.now() + dt.timedelta(minutes=30)
    town_operator.save()
    unlock = client.post(reverse("console:user_account", args=[town_operator.pk, "unlock"]))
    assert unlock.status_code == 403  # AUTH-04: unlocking is the security administrator's
    town_operator.refresh_from_db()
    assert town_operator.locked_until is not None
    # the system administrator may not grant the other two administrator roles
    target = User.objects.create_user(username="new.admin", region=territory.city)
    for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        response = client.post(
            reverse("console:user_grant", args=[target.pk]),
            {"role": role, "region": territory.city.pk, "can_act": "on"},
        )
        assert response.status_code == 400
        assert response.context["grant_form"].errors["role"] == ["请从列表中选择。"]
    assert not target.assignments.exists()
    # but may appoint another 系统管理员 in the subtree
    ok = client.post(
        reverse("console:user_grant", args=[target.pk]),
        {"role": Role.SYSTEM_ADMIN, "region": territory.county.pk, "can_act": "on"},
    )
    assert ok.status_code == 302
    assert target.assignments.get().role == Role.SYSTEM_ADMIN


def test_security_admin_grants_only_security_admin_and_no_business_roles(
    territory: Territory, security_admin: User
) -> None:
    client = _client(security_admin)
    target = User.objects.create_user(username="sec2", region=territory.city)
    page = client.get(reverse("console:user_detail", args=[target.pk]))
    roles = [v for v, _label in page.context["grant_form"].fields["role"].choices if v]
    assert roles == [Role.SECURITY_ADMIN]
    refused = client.post(
        reverse("console:user_grant", args=[target.pk]),
        {"role": Role.OPERATOR, "region": territory.county.pk, "can_act": "on"},
    )
    assert refused.status_code == 400
    assert client.get(reverse("console:unit_list")).status_code == 403
    assert client.get(reverse("console:audit_list")).status_code == 403
    granted = client.post(
        reverse("console:user_grant", args=[target.pk]),
        {"role": Role.SECURITY_ADMIN, "region": territory.county.pk, "can_act": "on"},
    )
    assert granted.status_code == 302
    assert list(target.assignments.values_list("role", flat=True)) == [Role.SECURITY_ADMIN]


def test_sod_refuses_a_second_admin_role_with_a_message(
    territory: Territory, system_admin: User
) -> None:
    target = User.objects.create_user(username="ops", region=territory.county)
    RoleAssignment.objects.create(user=target, role=Role.OPERATOR, region=territory.county)
    response = _client(system_admin).post(
        reverse("console:user_grant", args=[target.pk]),
        {"role": Role.SYSTEM_ADMIN, "region": territory.county.pk, "can_act": "on"},
    )
    assert response.status_code == 400
    [message] = response.context["grant_form"].non_field_errors()
    assert message.startswith("职责分离：")
    assert AuditEntry.objects.get(action="role.grant").outcome == "denied"


# --- the audit export -----------------------------------------------------------------------


def test_audit_export_is_a_signed_csv_and_is_itself_audited(
    territory: Territory, auditor: User, town_operator: User
) -> None:
    record("login.success", actor=town_operator, obj=town_operator)
    record("case.create", actor=town_operator, data={"note": '=HYPERLINK("x")'})
    today = timezone.localdate().isoformat()
    response = _client(auditor).get(
        reverse("console:audit_export"), {"since": today, "until": today}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert response["X-Audit-Export-SM3"] == sm3(body).hex()
    assert response["X-Audit-Export-Signature"] == hmac_sm3(_key(), body).hex()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "seq" and rows[0][-1] == "hash"
    assert [r[8] for r in rows[1:]] == ["login.success", "case.create"]
    assert rows[2][13].startswith("{")  # JSON data, not a formula
    export = AuditEntry.objects.get(action="audit.export")
    assert export.actor_id == auditor.pk and export.data["rows"] == 2
    assert export.data["sm3"] == response["X-Audit-Export-SM3"]


def test_audit_export_filters_and_bad_input(
    territory: Territory, auditor: User, town_operator: User
) -> None:
    record("login.success", actor=town_operator, obj=town_operator)
    record("case.create", actor=town_operator)
    client = _client(auditor)
    today = timezone.localdate().isoformat()
    only = client.get(
        reverse("console:audit_export"), {"since": today, "until": today, "action": "case."}
    )
    rows = list(csv.reader(io.StringIO(only.content.decode("utf-8-sig"))))
    assert [r[8] for r in rows[1:]] == ["case.create"]
    bad = client.get(reverse("console:audit_export"), {"since": "x", "until": "2020-01-01"})
    assert bad.status_code == 400
    assert bad.context["form"].errors["since"] == ["请输入日期，如 2027-01-01。"]
    backwards = client.get(
        reverse("console:audit_export"), {"since": "2026-02-01", "until": "2026-01-01"}
    )
    assert backwards.context["form"].errors["until"] == ["截止日期不能早于起始日期。"]
    too_long = client.get(
        reverse("console:audit_export"), {"since": "2020-01-01", "until": "2026-01-01"}
    )
    assert too_long.status_code == 400
    assert "一次最多导出" in too_long.context["form"].errors["until"][0]
    assert AuditEntry.objects.filter(action="audit.export").count() == 1


@pytest.mark.parametrize("persona", ["county_admin", "system_admin", "security_admin"])
def test_only_the_audit_admin_exports(
    territory: Territory, persona: str, request: pytest.FixtureRequest
) -> None:
    today = timezone.localdate().isoformat()
    response = _client(request.getfixturevalue(persona)).get(
        reverse("console:audit_export"), {"since": today, "until": today}
    )
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="audit.export").exists()
