"""AC-07, AC-08, SOD-02, SOD-04: delegated administration of accounts and roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client, override_settings

from fengqiao.accounts.actions import do_grant_role, do_revoke_role
from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.audit.models import AuditEntry
from fengqiao.core.errors import ActionError
from fengqiao.testing import Territory, make_user
from fengqiao.units.models import Unit, UnitType


def grant(client: Client, user: User, **payload: Any) -> Any:
    return client.post(
        f"/api/v1/accounts/users/{user.pk}/roles", payload, content_type="application/json"
    )


def denied(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, outcome="denied"))


@pytest.fixture
def newcomer(territory: Territory) -> User:
    """An account homed in 酒泉路街道 with no role yet."""
    return User.objects.create_user(username="newcomer", region=territory.town)


def test_region_admin_grants_a_business_role_in_the_subtree(
    client: Client, county_admin: User, newcomer: User, territory: Territory
) -> None:
    client.force_login(county_admin)
    response = grant(client, newcomer, role="operator", region_code=territory.town.code)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["role"], body["region_code"], body["can_act"]) == (
        "operator",
        "620102001000",
        True,
    )
    assignment = RoleAssignment.objects.get(pk=body["id"])
    assert assignment.granted_by == county_admin
    entry = AuditEntry.objects.get(action="role.grant")
    assert entry.actor_id == county_admin.pk and entry.data["role"] == "operator"


def test_grant_outside_the_subtree_is_403_and_audited(
    client: Client, county_admin: User, newcomer: User, territory: Territory
) -> None:
    client.force_login(county_admin)
    response = grant(client, newcomer, role="operator", region_code=territory.other_town.code)
    assert response.status_code == 403
    assert response.json()["detail_en"] == "The region lies outside your administrative subtree."
    assert not newcomer.assignments.exists()
    [entry] = denied("role.grant")
    assert entry.data["code"] == "region_out_of_scope" and entry.object_id == str(newcomer.pk)


def test_grant_at_an_ancestor_of_the_subtree_is_403(
    client: Client, county_admin: User, newcomer: User, territory: Territory
) -> None:
    client.force_login(county_admin)
    assert (
        grant(client, newcomer, role="leader", region_code=territory.city.code).status_code == 403
    )


@pytest.mark.parametrize("role", ["system_admin", "security_admin", "audit_admin"])
def test_region_admin_cannot_grant_roles_it_does_not_hold(
    client: Client, county_admin: User, newcomer: User, territory: Territory, role: str
) -> None:
    client.force_login(county_admin)
    response = grant(client, newcomer, role=role, region_code=territory.town.code)
    assert response.status_code == 403
    assert denied("role.grant")[0].data["code"] == "role_not_grantable"


def test_nobody_changes_their_own_roles(
    client: Client, county_admin: User, territory: Territory
) -> None:
    # SOD-04 / AC-07 "self-escalation by editing one's own account → 403".
    User.objects.filter(pk=county_admin.pk).update(region=territory.county)
    client.force_login(county_admin)
    response = grant(client, county_admin, role="leader", region_code=territory.town.code)
    assert response.status_code == 403
    own = county_admin.assignments.get()
    url = f"/api/v1/accounts/users/{county_admin.pk}/roles/{own.pk}"
    assert client.delete(url).status_code == 403
    assert [e.data["code"] for e in denied("role.grant") + denied("role.revoke")] == [
        "self_grant",
        "self_grant",
    ]


def test_business_users_and_auditors_cannot_administer(
    client: Client, town_operator: User, auditor: User, newcomer: User, territory: Territory
) -> None:
    for actor in (town_operator, auditor):
        client.force_login(actor)
        assert client.get("/api/v1/accounts/users").status_code == 403
        assert (
            grant(client, newcomer, role="grid_worker", region_code=territory.town.code).status_code
            == 403
        )


def test_system_admin_may_appoint_another_system_admin_but_not_other_admins(
    system_admin: User, territory: Territory
) -> None:
    target = User.objects.create_user(username="deputy", region=territory.city)
    do_grant_role(target, role=Role.SYSTEM_ADMIN, region=territory.county, actor=system_admin)
    other = User.objects.create_user(username="other", region=territory.city)
    with pytest.raises(ActionError) as caught:
        do_grant_role(other, role=Role.AUDIT_ADMIN, region=territory.county, actor=system_admin)
    assert caught.value.status == 403 and caught.value.code == "role_not_grantable"


def test_two_admin_roles_are_refused_and_audited(system_admin: User, territory: Territory) -> None:
    target = make_user("sec", Role.SECURITY_ADMIN, territory.county)
    with pytest.raises(ActionError) as caught:
        do_grant_role(target, role=Role.SYSTEM_ADMIN, region=territory.county, actor=system_admin)
    assert caught.value.code == "second_admin_role"
    assert "职责分离" in caught.value.detail
    [entry] = denied("role.grant")
    assert entry.data == {"code": "second_admin_role", "role": "system_admin"}
    assert list(target.assignments.values_list("role", flat=True)) == ["security_admin"]


def test_admin_and_business_roles_are_exclusive_when_strict(
    system_admin: User, territory: Territory
) -> None:
    operator = make_user("op", Role.OPERATOR, territory.town)
    with pytest.raises(ActionError) as caught:
        do_grant_role(operator, role=Role.SYSTEM_ADMIN, region=territory.county, actor=system_admin)
    assert caught.value.code == "admin_and_business"
    admin = make_user("sys2", Role.SYSTEM_ADMIN, territory.county)
    with pytest.raises(ActionError):
        do_grant_role(admin, role=Role.LEADER, region=territory.county, actor=system_admin)
    assert len(denied("role.grant")) == 2


@override_settings(FENGQIAO_SOD_STRICT=False)
def test_admin_and_business_roles_may_combine_when_not_strict(
    system_admin: User, territory: Territory
) -> None:
    operator = make_user("op", Role.OPERATOR, territory.town)
    do_grant_role(operator, role=Role.SYSTEM_ADMIN, region=territory.county, actor=system_admin)
    assert operator.assignments.count() == 2


def test_database_refuses_two_admin_roles(territory: Territory) -> None:
    user = make_user("two_hats", Role.SECURITY_ADMIN, territory.city)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.AUDIT_ADMIN, region=territory.city)


def test_model_validation_refuses_sod_conflicts(territory: Territory) -> None:
    user = make_user("two_hats", Role.SECURITY_ADMIN, territory.city)
    for role in (Role.AUDIT_ADMIN, Role.OPERATOR):
        with pytest.raises(ValidationError):
            RoleAssignment(user=user, role=role, region=territory.town).full_clean()
    # One administrator assignment per user, even for the same role elsewhere (DB constraint).
    with pytest.raises(ValidationError):
        RoleAssignment(user=user, role=Role.SECURITY_ADMIN, region=territory.town).clean()
    fresh = User.objects.create_user(username="fresh")
    RoleAssignment(user=fresh, role=Role.SECURITY_ADMIN, region=territory.town).clean()


def test_duplicate_grant_is_409(county_admin: User, newcomer: User, territory: Territory) -> None:
    do_grant_role(newcomer, role=Role.MEDIATOR, region=territory.town, actor=county_admin)
    with pytest.raises(ActionError) as caught:
        do_grant_role(newcomer, role=Role.MEDIATOR, region=territory.town, actor=county_admin)
    assert caught.value.status == 409


def test_unit_must_lie_in_the_actor_subtree(
    client: Client, county_admin: User, newcomer: User, territory: Territory
) -> None:
    inside = Unit.objects.create(
        name="酒泉路街道人民调解委员会",
        code="U1",
        unit_type=UnitType.MEDIATION_COMMITTEE,
        region=territory.town,
    )
    outside = Unit.objects.create(
        name="西园街道人民调解委员会",
        code="U2",
        unit_type=UnitType.MEDIATION_COMMITTEE,
        region=territory.other_town,
    )
    client.force_login(county_admin)
    ok = grant(
        client, newcomer, role="mediator", region_code=territory.town.code, unit_id=inside.pk
    )
    assert ok.status_code == 201 and ok.json()["unit_id"] == inside.pk
    refused = grant(
        client, newcomer, role="handler", region_code=territory.town.code, unit_id=outside.pk
    )
    assert refused.status_code == 403
    assert (
        grant(
            client, newcomer, role="handler", region_code=territory.town.code, unit_id=999999
        ).status_code
        == 400
    )


def test_bad_input_is_a_clear_400_or_422(
    client: Client, county_admin: User, newcomer: User
) -> None:
    client.force_login(county_admin)
    unknown_region = grant(client, newcomer, role="operator", region_code="999999999999")
    assert unknown_region.status_code == 400
    assert unknown_region.json()["errors"][0]["field"] == "region_code"
    unknown_role = grant(client, newcomer, role="superuser", region_code="620102000000")
    assert unknown_role.status_code == 422


def test_revoke_within_the_subtree(
    client: Client, county_admin: User, grid_worker: User, outsider: User
) -> None:
    client.force_login(county_admin)
    own = grid_worker.assignments.get()
    response = client.delete(f"/api/v1/accounts/users/{grid_worker.pk}/roles/{own.pk}")
    assert response.status_code == 204
    assert not grid_worker.assignments.exists()
    assert AuditEntry.objects.get(action="role.revoke").data["role"] == "grid_worker"
    # The outsider lives in 七里河区: not visible at all.
    theirs = outsider.assignments.get()
    missing = client.delete(f"/api/v1/accounts/users/{outsider.pk}/roles/{theirs.pk}")
    assert missing.status_code == 404


def test_revoking_a_role_granted_higher_up_is_403(county_admin: User, territory: Territory) -> None:
    # A city-wide leader assignment is visible to the county admin (the user is homed in the
    # county) but lies above the county admin's subtree.
    leader = make_user("city_leader", Role.LEADER, territory.city, can_act=False)
    User.objects.filter(pk=leader.pk).update(region=territory.county)
    with pytest.raises(ActionError) as caught:
        do_revoke_role(leader.assignments.get(), actor=county_admin)
    assert caught.value.code == "region_out_of_scope"


def test_revocation_is_immediate_on_a_live_session(
    client: Client, county_admin: User, grid_worker: User, territory: Territory
) -> None:
    # AC-08: the scope is read from the database on each request.
    client.force_login(grid_worker)
    assert client.get(f"/api/v1/regions/{territory.grid_a1.pk}").status_code == 200
    do_revoke_role(grid_worker.assignments.get(), actor=county_admin)
    assert client.get(f"/api/v1/regions/{territory.grid_a1.pk}").status_code == 404


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_user_list_and_detail_are_scoped(
    client: Client,
    county_admin: User,
    grid_worker: User,
    town_operator: User,
    county_leader: User,
    outsider: User,
    newcomer: User,
) -> None:
    client.force_login(county_admin)
    visible = ids(client.get("/api/v1/accounts/users"))
    assert visible == {
        county_admin.pk,
        grid_worker.pk,
        town_operator.pk,
        county_leader.pk,
        newcomer.pk,
    }
    assert ids(client.get("/api/v1/accounts/users?q=GRID")) == {grid_worker.pk}
    detail = client.get(f"/api/v1/accounts/users/{grid_worker.pk}").json()
    assert detail["assignments"][0]["role"] == "grid_worker"
    out = client.get(f"/api/v1/accounts/users/{outsider.pk}")
    missing = client.get("/api/v1/accounts/users/999999")
    assert out.status_code == missing.status_code == 404 and out.content == missing.content


def test_create_user_within_the_subtree(
    client: Client, county_admin: User, territory: Territory
) -> None:
    client.force_login(county_admin)
    url = "/api/v1/accounts/users"
    response = client.post(
        url,
        {"username": "wang_wu", "full_name": "王五", "region_code": territory.village.code},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    user = User.objects.get(username="wang_wu")
    assert body["user"]["id"] == user.pk and body["user"]["must_change_password"] is True
    assert user.check_password(body["one_time_password"]) and user.region == territory.village
    assert AuditEntry.objects.get(action="user.create").actor_id == county_admin.pk
    taken = client.post(
        url,
        {"username": "WANG_WU", "region_code": territory.village.code},
        content_type="application/json",
    )
    assert taken.status_code == 409 and taken.json()["errors"][0]["field"] == "username"
    outside = client.post(
        url,
        {"username": "li_si", "region_code": territory.other_town.code},
        content_type="application/json",
    )
    assert outside.status_code == 403
    bad = client.post(
        url,
        {"username": "bad name!", "region_code": territory.village.code},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "username"


def test_security_admin_cannot_create_accounts(
    client: Client, security_admin: User, territory: Territory
) -> None:
    client.force_login(security_admin)
    response = client.post(
        "/api/v1/accounts/users",
        {"username": "x1", "region_code": territory.town.code},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert denied("user.create")[0].data["code"] == "not_account_admin"
