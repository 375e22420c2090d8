"""Disable/enable and password reset by account administrators (AC-07, AC-08, AUTH-03,
等保 8.1.4.2 c): `policy.check_manage_account`, `do_set_active`, `do_reset_password`."""

from __future__ import annotations

import pytest
from django.test import Client

from fengqiao.accounts import policy
from fengqiao.accounts.actions import do_reset_password, do_set_active
from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.audit.models import AuditEntry
from fengqiao.core.errors import ActionError
from fengqiao.testing import PASSWORD, Territory, make_user


def test_matrix_of_who_may_manage_whom(
    territory: Territory,
    county_admin: User,
    system_admin: User,
    security_admin: User,
    auditor: User,
    town_operator: User,
    outsider: User,
) -> None:
    # an account administrator manages the business accounts of their subtree
    assert policy.check_manage_account(county_admin, town_operator).allowed
    assert policy.check_manage_account(system_admin, town_operator).allowed
    assert policy.check_manage_account(system_admin, outsider).allowed  # 七里河区 is in 兰州市
    # but not an account holding a role outside their subtree
    assert policy.check_manage_account(county_admin, outsider).code == "holds_more"
    # nor an administrator role they cannot grant
    assert policy.check_manage_account(county_admin, system_admin).code == "holds_more"
    assert policy.check_manage_account(system_admin, security_admin).code == "holds_more"
    assert policy.check_manage_account(system_admin, auditor).code == "holds_more"
    # the security and audit administrators manage nobody; nobody manages themselves
    assert policy.check_manage_account(security_admin, town_operator).code == "not_account_admin"
    assert policy.check_manage_account(auditor, town_operator).code == "not_account_admin"
    assert policy.check_manage_account(county_admin, county_admin).code == "self_manage"


def test_an_account_without_roles_is_managed_by_its_home_subtree(
    territory: Territory, county_admin: User
) -> None:
    fresh = User.objects.create_user(username="fresh", region=territory.grid_a1)
    assert policy.check_manage_account(county_admin, fresh).allowed
    do_set_active(fresh, active=False, actor=county_admin)
    fresh.refresh_from_db()
    assert not fresh.is_active


def test_disable_is_audited_and_ends_the_session(
    territory: Territory, county_admin: User, town_operator: User
) -> None:
    client = Client()
    client.force_login(town_operator)
    assert client.get("/api/v1/accounts/me").status_code == 200
    do_set_active(town_operator, active=False, actor=county_admin)
    assert client.get("/api/v1/accounts/me").status_code == 401
    login = Client().post(
        "/api/v1/auth/login",
        {"username": "town_operator", "password": PASSWORD},
        content_type="application/json",
    )
    assert login.status_code == 401
    do_set_active(town_operator, active=False, actor=county_admin)  # no change: no row
    rows = AuditEntry.objects.filter(action__in=["user.disable", "user.enable"])
    assert [r.action for r in rows] == ["user.disable"]
    assert rows[0].actor_id == county_admin.pk


def test_reset_gives_a_working_one_time_password(
    territory: Territory, county_admin: User, town_operator: User
) -> None:
    password = do_reset_password(town_operator, actor=county_admin)
    town_operator.refresh_from_db()
    assert town_operator.must_change_password
    client = Client()
    login = client.post(
        "/api/v1/auth/login",
        {"username": "town_operator", "password": password},
        content_type="application/json",
    )
    assert login.status_code == 200
    # the forced change follows (AUTH-01/03)
    assert client.get("/console/cases/").status_code == 302
    second = do_reset_password(town_operator, actor=county_admin)
    assert second != password
    assert town_operator.password_history.count() == 2
    assert AuditEntry.objects.filter(action="password.reset", outcome="success").count() == 2


@pytest.mark.parametrize("action", ["disable", "reset"])
def test_refusals_are_audited_and_change_nothing(
    territory: Territory, county_admin: User, outsider: User, security_admin: User, action: str
) -> None:
    def run(actor: User, target: User) -> ActionError:
        with pytest.raises(ActionError) as refused:
            if action == "disable":
                do_set_active(target, active=False, actor=actor)
            else:
                do_reset_password(target, actor=actor)
        return refused.value

    assert run(county_admin, outsider).status == 404  # not visible: like a missing account
    assert run(security_admin, outsider).status == 403
    assert run(county_admin, county_admin).status == 403
    outsider.refresh_from_db()
    assert outsider.is_active and outsider.check_password(PASSWORD)
    name = "user.set_active" if action == "disable" else "password.reset"
    assert AuditEntry.objects.filter(action=name, outcome="denied").count() == 3


def test_expired_roles_still_count_for_the_takeover_guard(
    territory: Territory, county_admin: User
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    target = make_user("was_city_leader", Role.OPERATOR, territory.town)
    RoleAssignment.objects.create(
        user=target,
        role=Role.LEADER,
        region=territory.city,
        can_act=False,
        expires_at=timezone.now() - timedelta(days=1),
    )
    assert policy.check_manage_account(county_admin, target).code == "holds_more"
