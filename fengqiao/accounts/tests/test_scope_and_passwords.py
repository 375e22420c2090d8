"""The scoping API's edge cases (AC-01: expiry, view-only, nested grants, inactive users), the
等保 password profile (AUTH-02), the own-account endpoint and the sign-in redirect guard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.accounts.actions import do_bootstrap_admin, do_create_user, one_time_password
from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.accounts.passwords import MAX_LENGTH, DengbaoPasswordValidator
from fengqiao.accounts.scope import (
    holds_role,
    path_condition,
    request_user,
    scope_paths,
    visible_regions,
    workable_regions,
)
from fengqiao.audit.models import AuditEntry
from fengqiao.core.errors import ActionError
from fengqiao.regions.models import Region
from fengqiao.testing import PASSWORD, Territory, make_user

# ------------------------------------------------------------------ scope_paths


def codes(regions: object) -> set[str]:
    return {region.code for region in regions}  # type: ignore[attr-defined]


def test_nested_grants_collapse_to_the_outer_subtree(territory: Territory) -> None:
    user = make_user("nested", Role.OPERATOR, territory.town)
    RoleAssignment.objects.create(user=user, role=Role.OPERATOR, region=territory.grid_a1)
    RoleAssignment.objects.create(user=user, role=Role.LEADER, region=territory.county)
    assert scope_paths(user) == [territory.county.path]


def test_disjoint_grants_are_both_kept(territory: Territory) -> None:
    user = make_user("two-places", Role.OPERATOR, territory.grid_a1)
    RoleAssignment.objects.create(user=user, role=Role.OPERATOR, region=territory.other_town)
    assert set(scope_paths(user)) == {territory.grid_a1.path, territory.other_town.path}
    assert codes(visible_regions(user)) == {
        territory.grid_a1.code,
        territory.other_town.code,
        territory.other_village.code,
        territory.other_grid.code,
    }


def test_view_only_grants_see_but_do_not_act(territory: Territory) -> None:
    leader = make_user("viewer", Role.LEADER, territory.county, can_act=False)
    assert territory.grid_a2 in visible_regions(leader)
    assert not workable_regions(leader).exists()
    assert holds_role(leader, Role.LEADER) and not holds_role(leader, Role.LEADER, act=True)


def test_expired_grants_give_nothing(territory: Territory) -> None:
    user = make_user("temp", Role.OPERATOR, territory.town)
    RoleAssignment.objects.filter(user=user).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert scope_paths(user) == [] and not visible_regions(user).exists()
    RoleAssignment.objects.filter(user=user).update(expires_at=timezone.now() + timedelta(hours=1))
    assert scope_paths(user) == [territory.town.path]


def test_disabled_accounts_and_admin_roles_have_no_business_scope(territory: Territory) -> None:
    user = make_user("gone", Role.OPERATOR, territory.town)
    user.is_active = False
    user.save()
    assert scope_paths(user) == []
    auditor = make_user("audit-only", Role.AUDIT_ADMIN, territory.province)
    assert scope_paths(auditor) == []
    assert scope_paths(auditor, roles=frozenset({Role.AUDIT_ADMIN})) == [territory.province.path]


def test_an_empty_scope_matches_nothing(territory: Territory) -> None:
    assert not Region.objects.filter(path_condition([], field="path")).exists()
    assert (
        Region.objects.filter(path_condition([territory.village.path], field="path")).count() == 3
    )


def test_request_user_refuses_anonymous_requests() -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        request_user(request)


# ------------------------------------------------------------------ passwords


validator = DengbaoPasswordValidator()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Short-1a", "password_too_short"),
        ("alllowercaseletters", "password_too_simple"),
        ("lowercase-and-dashes", "password_too_simple"),
        ("UPPER12345678", "password_too_simple"),
        ("Aa1-" + "x" * MAX_LENGTH, "password_too_long"),
    ],
)
def test_weak_passwords_are_refused_with_their_reason(password: str, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validator.validate(password)
    assert raised.value.error_list[0].code == code


@given(
    st.text(alphabet="abcdefghijklmnop", min_size=4, max_size=10),
    st.text(alphabet="ABCDEFGHIJKLMNOP", min_size=4, max_size=10),
    st.text(alphabet="0123456789", min_size=4, max_size=10),
)
def test_three_classes_of_sufficient_length_pass(lower: str, upper: str, digits: str) -> None:
    validator.validate(lower + upper + digits)
    validator.validate(lower + "-_!" + digits + "中文")


def test_the_help_text_names_the_rule() -> None:
    assert "12" in validator.get_help_text() and "三类" in validator.get_help_text()


# ------------------------------------------------------------------ own account and sign-in


def test_me_shows_the_callers_roles(client: Client, territory: Territory) -> None:
    user = make_user("me", Role.OPERATOR, territory.town)
    user.first_name = "小明"
    user.save()
    client.force_login(user)
    body = client.get("/api/v1/accounts/me").json()
    assert body["username"] == "me" and body["must_change_password"] is False
    assert [(a["role"], a["region_code"], a["region_name"]) for a in body["assignments"]] == [
        ("operator", "620102001000", "酒泉路街道")
    ]


@pytest.mark.parametrize(
    "target", ["https://evil.example/steal", "//evil.example/", "javascript:alert(1)"]
)
def test_sign_in_never_redirects_to_another_site(
    client: Client, grid_worker: User, target: str
) -> None:
    response = client.post(
        "/accounts/login/", {"username": grid_worker.username, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_in_follows_a_local_next(client: Client, grid_worker: User) -> None:
    response = client.post(
        "/accounts/login/",
        {"username": grid_worker.username, "password": PASSWORD, "next": "/console/"},
    )
    assert response["Location"] == "/console/"


def test_user_search_filters_by_login_name(
    client: Client, county_admin: User, territory: Territory
) -> None:
    for name in ("zhang-wei", "zhang-li", "wang-fang"):
        User.objects.create_user(username=name, region=territory.town)
    client.force_login(county_admin)
    found = client.get("/api/v1/accounts/users?q=zhang").json()["items"]
    assert sorted(item["username"] for item in found) == ["zhang-li", "zhang-wei"]
    assert all(item["locked"] is False for item in found)


# ------------------------------------------------------------------ account creation


@pytest.mark.parametrize("_", range(20))
def test_one_time_passwords_pass_the_profile_and_differ(_: int) -> None:
    first, second = one_time_password(), one_time_password()
    validator.validate(first)
    assert first != second


@pytest.mark.parametrize("username", ["", "有 空格", "a/b", "x" * 151, "semi;colon"])
def test_bad_login_ids_are_a_field_error(
    county_admin: User, territory: Territory, username: str
) -> None:
    with pytest.raises(ActionError) as raised:
        do_create_user(username=username, region=territory.town, actor=county_admin)
    assert (raised.value.status, raised.value.field) == (400, "username")
    assert not User.objects.filter(region=territory.town).exists()


def test_login_ids_taken_in_another_case_are_refused(
    county_admin: User, territory: Territory
) -> None:
    do_create_user(username="Zhang.Wei", region=territory.town, actor=county_admin)
    with pytest.raises(ActionError) as raised:
        do_create_user(username="zhang.wei", region=territory.village, actor=county_admin)
    assert (raised.value.status, raised.value.code) == (409, "taken")


def test_new_accounts_must_change_the_one_time_password(
    county_admin: User, territory: Territory
) -> None:
    user, password = do_create_user(
        username="new.operator", region=territory.town, actor=county_admin, full_name="新坐席"
    )
    assert user.must_change_password and user.check_password(password)
    assert user.get_full_name() == "新坐席" and user.region == territory.town
    entry = AuditEntry.objects.get(action="user.create", outcome="success")
    assert entry.object_id == str(user.pk) and password not in str(entry.data)


def test_only_the_three_admin_roles_are_bootstrapped(territory: Territory) -> None:
    with pytest.raises(ActionError) as raised:
        do_bootstrap_admin(username="op", role=Role.OPERATOR, region=territory.province)
    assert raised.value.field == "role"
    user, _ = do_bootstrap_admin(
        username="auditor0", role=Role.AUDIT_ADMIN, region=territory.province
    )
    assert [a.role for a in user.assignments.all()] == [Role.AUDIT_ADMIN]
    assert AuditEntry.objects.filter(action="role.grant", data__via="cli").count() == 1
