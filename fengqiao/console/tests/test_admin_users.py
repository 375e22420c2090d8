"""账号与授权 pages: accounts of the subtree only (404 otherwise), create with a one-time password,
grant and revoke within policy (AC-07, SOD-02, SOD-04), disable/enable, password reset and
unlock — each write with its audit row, each refusal with a message and a "denied" row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fengqiao.accounts.actions import do_reset_password, do_set_active
from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.audit.models import AuditEntry
from fengqiao.core.errors import ActionError
from fengqiao.testing import PASSWORD, Territory, make_user


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


# --- list and detail --------------------------------------------------------------------------


def test_user_list_is_the_admins_subtree(
    territory: Territory,
    county_admin: User,
    town_operator: User,
    grid_worker: User,
    outsider: User,
    auditor: User,
) -> None:
    response = _client(county_admin).get(reverse("console:user_list"))
    assert response.status_code == 200
    names = {u.username for u in response.context["page"]}
    assert names == {"county_admin", "town_operator", "grid_worker"}
    assert response.context["can_create"]


def test_user_list_filters_and_htmx(
    territory: Territory, county_admin: User, town_operator: User, grid_worker: User
) -> None:
    client = _client(county_admin)
    by_role = client.get(reverse("console:user_list"), {"role": "grid_worker"})
    assert [u.username for u in by_role.context["page"]] == ["grid_worker"]
    by_name = client.get(reverse("console:user_list"), {"q": "TOWN"})
    assert [u.username for u in by_name.context["page"]] == ["town_operator"]
    partial = client.get(
        reverse("console:user_list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="user-results"
    )
    assert "<html" not in partial.content.decode()
    bad = client.get(reverse("console:user_list"), {"role": "god", "page": "x", "q": "a" * 99})
    assert bad.status_code == 200


def test_out_of_scope_account_is_404(
    territory: Territory, county_admin: User, outsider: User
) -> None:
    client = _client(county_admin)
    for url in (
        reverse("console:user_detail", args=[outsider.pk]),
        reverse("console:user_detail", args=[999999]),
    ):
        assert client.get(url).status_code == 404
    for url in (
        reverse("console:user_grant", args=[outsider.pk]),
        reverse("console:user_account", args=[outsider.pk, "disable"]),
        reverse("console:user_account", args=[outsider.pk, "reset"]),
        reverse("console:user_revoke", args=[outsider.pk, outsider.assignments.get().pk]),
    ):
        assert client.post(url, {"role": "operator"}).status_code == 404, url
    outsider.refresh_from_db()
    assert outsider.is_active and outsider.assignments.count() == 1


@pytest.mark.parametrize("persona", ["town_operator", "county_leader", "grid_worker", "auditor"])
def test_business_roles_and_the_auditor_get_403(
    territory: Territory, persona: str, request: pytest.FixtureRequest
) -> None:
    client = _client(request.getfixturevalue(persona))
    assert client.get(reverse("console:user_list")).status_code == 403
    assert client.get(reverse("console:user_create")).status_code == 403
    assert client.get(reverse("console:user_detail", args=[1])).status_code == 403


# --- create ---------------------------------------------------------------------------------


def test_create_user_shows_the_one_time_password_once_and_audits(
    territory: Territory, county_admin: User
) -> None:
    response = _client(county_admin).post(
        reverse("console:user_create"),
        {"username": "zhang.wei", "full_name": "张伟", "region": territory.town.pk, "unit": ""},
    )
    assert response.status_code == 200
    created = User.objects.get(username="zhang.wei")
    password = response.context["password"]
    assert created.check_password(password) and created.must_change_password
    assert created.region == territory.town and created.first_name == "张伟"
    assert password in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    [row] = _audit("user.create")
    assert row.actor_id == county_admin.pk and row.object_id == str(created.pk)
    assert password not in str(row.data)
    detail = _client(county_admin).get(reverse("console:user_detail", args=[created.pk]))
    assert password not in detail.content.decode()


def test_create_user_bad_input_gets_field_messages(
    territory: Territory, county_admin: User, town_operator: User
) -> None:
    client = _client(county_admin)
    response = client.post(
        reverse("console:user_create"),
        {"username": "", "region": territory.other_town.pk},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["username"] == ["请填写登录名。"]
    assert errors["region"] == ["请从列表中选择。"]
    taken = client.post(
        reverse("console:user_create"), {"username": "TOWN_OPERATOR", "region": territory.town.pk}
    )
    assert taken.context["form"].errors["username"] == ["登录名已被使用。"]
    bad = client.post(
        reverse("console:user_create"), {"username": "有 空格", "region": territory.town.pk}
    )
    assert "登录名须为" in bad.context["form"].errors["username"][0]
    assert User.objects.count() == 2


def test_security_admin_cannot_create_accounts(territory: Territory, security_admin: User) -> None:
    client = _client(security_admin)
    assert client.get(reverse("console:user_create")).status_code == 403
    assert (
        client.post(
            reverse("console:user_create"), {"username": "x", "region": territory.city.pk}
        ).status_code
        == 403
    )
    assert not User.objects.filter(username="x").exists()


# --- grant and revoke -----------------------------------------------------------------------


def test_grant_a_role_within_the_subtree(territory: Territory, county_admin: User) -> None:
    target = User.objects.create_user(username="li.na", region=territory.town)
    expires = timezone.localdate() + dt.timedelta(days=90)
    response = _client(county_admin).post(
        reverse("console:user_grant", args=[target.pk]),
        {
            "role": Role.OPERATOR,
            "region": territory.town.pk,
            "unit": "",
            "can_act": "on",
            "expires_on": expires.isoformat(),
        },
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=target)
    assert assignment.role == Role.OPERATOR and assignment.region == territory.town
    assert assignment.granted_by == county_admin and assignment.can_act
    assert assignment.expires_at is not None
    assert timezone.localtime(assignment.expires_at).date() == expires
    [row] = _audit("role.grant")
    assert row.outcome == "success" and row.data["role"] == "operator"


def test_grant_form_offers_only_grantable_roles_and_regions_in_scope(
    territory: Territory, county_admin: User
) -> None:
    target = User.objects.create_user(username="li.na", region=territory.town)
    response = _client(county_admin).get(reverse("console:user_detail", args=[target.pk]))
    form = response.context["grant_form"]
    roles = [value for value, _label in form.fields["role"].choices if value]
    assert set(roles) == {
        "grid_worker",
        "operator",
        "handler",
        "mediator",
        "leader",
        "region_admin",
    }
    regions = set(form.fields["region"].queryset.values_list("code", flat=True))
    assert territory.county.code in regions and territory.other_county.code not in regions
    assert territory.city.code not in regions


def test_grant_refusals_are_field_errors_and_audited(
    territory: Territory, county_admin: User
) -> None:
    target = User.objects.create_user(username="li.na", region=territory.town)
    client = _client(county_admin)
    above = client.post(
        reverse("console:user_grant", args=[target.pk]),
        {"role": Role.OPERATOR, "region": territory.city.pk},
    )
    assert above.status_code == 400
    assert above.context["grant_form"].errors["region"] == ["请从列表中选择。"]
    admin_role = client.post(
        reverse("console:user_grant", args=[target.pk]),
        {"role": Role.SYSTEM_ADMIN, "region": territory.county.pk},
    )
    assert admin_role.context["grant_form"].errors["role"] == ["请从列表中选择。"]
    past = client.post(
        reverse("console:user_grant", args=[target.pk]),
        {"role": Role.OPERATOR, "region": territory.town.pk, "expires_on": "2020-01-01"},
    )
    assert past.context["grant_form"].errors["expires_on"] == ["到期日期须晚于今天。"]
    client.post(
        reverse("console:user_grant", args=[target.pk]),
        {"role": Role.OPERATOR, "region": territory.town.pk, "can_act": "on"},
    )
    twice = client.post(
        reverse("console:user_grant", args=[target.pk]),
        {"role": Role.OPERATOR, "region": territory.town.pk, "can_act": "on"},
    )
    assert twice.status_code == 400
    assert twice.context["grant_form"].non_field_errors() == ["该用户已有相同的授权。"]
    assert RoleAssignment.objects.filter(user=target).count() == 1
    assert [r.outcome for r in _audit("role.grant")] == ["success", "denied"]


def test_nobody_grants_themselves_a_role(territory: Territory, county_admin: User) -> None:
    client = _client(county_admin)
    page = client.get(reverse("console:user_detail", args=[county_admin.pk]))
    assert page.status_code == 200 and not page.context["can_grant"]
    assert "不能在此修改自己的角色" in page.content.decode()
    response = client.post(
        reverse("console:user_grant", args=[county_admin.pk]),
        {"role": Role.LEADER, "region": territory.county.pk, "can_act": "on"},
    )
    assert response.status_code == 400
    assert response.context["grant_form"].non_field_errors() == ["不能修改自己的角色授权。"]
    assert county_admin.assignments.count() == 1
    [row] = _audit("role.grant")
    assert row.outcome == "denied" and row.data["code"] == "self_grant"
    own = county_admin.assignments.get()
    revoke = client.post(reverse("console:user_revoke", args=[county_admin.pk, own.pk]))
    assert revoke.status_code == 302
    assert county_admin.assignments.count() == 1


def test_revoke_a_role_and_refuse_one_above_the_subtree(
    territory: Territory, county_admin: User, county_leader: User
) -> None:
    RoleAssignment.objects.create(
        user=county_leader, role=Role.LEADER, region=territory.city, can_act=False
    )
    client = _client(county_admin)
    page = client.get(reverse("console:user_detail", args=[county_leader.pk]))
    revocable = {a.region.code: allowed for a, allowed, _active in page.context["rows"]}
    assert revocable == {territory.county.code: True, territory.city.code: False}
    city = county_leader.assignments.get(region=territory.city)
    refused = client.post(reverse("console:user_revoke", args=[county_leader.pk, city.pk]))
    assert refused.status_code == 302
    assert RoleAssignment.objects.filter(pk=city.pk).exists()
    county = county_leader.assignments.get(region=territory.county)
    done = client.post(reverse("console:user_revoke", args=[county_leader.pk, county.pk]))
    assert done.status_code == 302
    assert not RoleAssignment.objects.filter(pk=county.pk).exists()
    assert [r.outcome for r in _audit("role.revoke")] == ["denied", "success"]
    missing = client.post(reverse("console:user_revoke", args=[county_leader.pk, 999999]))
    assert missing.status_code == 404


# --- disable, enable, reset, unlock -----------------------------------------------------------


def test_disable_and_enable_an_account(
    territory: Territory, county_admin: User, town_operator: User
) -> None:
    client = _client(county_admin)
    operator_client = _client(town_operator)
    assert operator_client.get(reverse("console:case_worklist")).status_code == 200
    response = client.post(reverse("console:user_account", args=[town_operator.pk, "disable"]))
    assert response.status_code == 302
    town_operator.refresh_from_db()
    assert not town_operator.is_active
    # AC-08: the live session ends at its next request
    assert operator_client.get(reverse("console:case_worklist")).status_code == 302
    client.post(reverse("console:user_account", args=[town_operator.pk, "enable"]))
    town_operator.refresh_from_db()
    assert town_operator.is_active
    assert [
        r.action for r in AuditEntry.objects.filter(action__startswith="user.").order_by("seq")
    ] == [
        "user.disable",
        "user.enable",
    ]
    assert (
        client.post(reverse("console:user_account", args=[town_operator.pk, "bogus"])).status_code
        == 404
    )
    assert (
        client.get(reverse("console:user_account", args=[town_operator.pk, "disable"])).status_code
        == 405
    )


def test_password_reset_forces_a_change_and_ends_sessions(
    territory: Territory, county_admin: User, town_operator: User
) -> None:
    operator_client = _client(town_operator)
    response = _client(county_admin).post(
        reverse("console:user_account", args=[town_operator.pk, "reset"])
    )
    assert response.status_code == 200
    password = response.context["password"]
    town_operator.refresh_from_db()
    assert town_operator.check_password(password) and town_operator.must_change_password
    assert not town_operator.check_password(PASSWORD)
    assert town_operator.password_history.count() == 1
    assert operator_client.get(reverse("console:case_worklist")).status_code == 302
    [row] = _audit("password.reset")
    assert row.actor_id == county_admin.pk and password not in str(row.data)


def test_an_admin_cannot_take_over_an_account_holding_more_than_they_may_grant(
    territory: Territory, county_admin: User, town_admin: User
) -> None:
    """The township's 区域管理员 is homed in 城关区's subtree, but holds a county-wide role
    nobody below the county could grant: the county admin may manage it, the township one not."""
    leader = make_user("wide_leader", Role.LEADER, territory.county, can_act=False)
    leader.region = territory.town
    leader.save(update_fields=["region"])
    client = _client(town_admin)
    page = client.get(reverse("console:user_detail", args=[leader.pk]))
    assert page.status_code == 200 and not page.context["can_manage"]
    assert "该账号持有您无权授予的角色或区划" in page.content.decode()
    refused = client.post(reverse("console:user_account", args=[leader.pk, "reset"]))
    assert refused.status_code == 403
    leader.refresh_from_db()
    assert leader.check_password(PASSWORD) and leader.is_active
    assert [r.outcome for r in _audit("password.reset")] == ["denied"]
    with pytest.raises(ActionError) as self_reset:
        do_reset_password(county_admin, actor=county_admin)
    assert self_reset.value.code == "self_manage"
    with pytest.raises(ActionError):
        do_set_active(county_admin, active=False, actor=county_admin)


def test_security_admin_unlocks_but_does_not_disable_or_reset(
    territory: Territory, security_admin: User, town_operator: User
) -> None:
    town_operator.failed_logins = 5
    town_operator.locked_until = timezone.now() + dt.timedelta(minutes=30)
    town_operator.save()
    client = _client(security_admin)
    page = client.get(reverse("console:user_detail", args=[town_operator.pk]))
    assert page.status_code == 200
    assert page.context["can_unlock"] and page.context["locked"]
    assert not page.context["can_manage"]
    response = client.post(reverse("console:user_account", args=[town_operator.pk, "unlock"]))
    assert response.status_code == 302
    town_operator.refresh_from_db()
    assert town_operator.locked_until is None and town_operator.failed_logins == 0
    assert len(_audit("login.unlock")) == 1
    for op in ("disable", "reset"):
        refused = client.post(reverse("console:user_account", args=[town_operator.pk, op]))
        assert refused.status_code == 403
    town_operator.refresh_from_db()
    assert town_operator.is_active and town_operator.check_password(PASSWORD)


def test_region_admin_cannot_unlock(
    territory: Territory, county_admin: User, town_operator: User
) -> None:
    town_operator.locked_until = timezone.now() + dt.timedelta(minutes=30)
    town_operator.save()
    response = _client(county_admin).post(
        reverse("console:user_account", args=[town_operator.pk, "unlock"])
    )
    assert response.status_code == 403
    town_operator.refresh_from_db()
    assert town_operator.locked_until is not None
    assert [r.outcome for r in _audit("login.unlock")] == ["denied"]
