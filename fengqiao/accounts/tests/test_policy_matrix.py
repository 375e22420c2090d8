"""AC-07 / SOD-01 / SOD-04 as a matrix: for every administering role and every role it might
hand out, `check_grant` allows exactly what the policy table says, and only through a live,
acting assignment whose subtree holds the region (and the unit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fengqiao.accounts import policy
from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.testing import Territory, make_user
from fengqiao.units.models import Unit, UnitType

# The policy as the documentation states it (docs/security.md), written out independently.
MAY_GRANT: dict[str, set[str]] = {
    Role.REGION_ADMIN: {"grid_worker", "operator", "handler", "mediator", "leader", "region_admin"},
    Role.SYSTEM_ADMIN: {
        "grid_worker",
        "operator",
        "handler",
        "mediator",
        "leader",
        "region_admin",
        "system_admin",
    },
    Role.SECURITY_ADMIN: {"security_admin"},
    Role.AUDIT_ADMIN: set(),
    Role.GRID_WORKER: set(),
    Role.OPERATOR: set(),
    Role.HANDLER: set(),
    Role.MEDIATOR: set(),
    Role.LEADER: set(),
}
PAIRS = [(actor, role) for actor in Role for role in Role]


def test_the_written_policy_covers_every_role() -> None:
    assert set(MAY_GRANT) == set(Role)


@pytest.mark.parametrize(("actor_role", "role"), PAIRS)
def test_grants_follow_the_matrix(territory: Territory, actor_role: Role, role: Role) -> None:
    actor = make_user("actor", actor_role, territory.county)
    target = User.objects.create_user(username="target", region=territory.town)
    check = policy.check_grant(actor, target, role=role, region=territory.town)
    if role in MAY_GRANT[actor_role]:
        assert check.allowed, (actor_role, role)
    else:
        assert (check.allowed, check.code) == (False, "role_not_grantable"), (actor_role, role)
        assert Role(role).label in check.detail


@pytest.mark.parametrize("region_name", ["other_town", "city", "province"])
def test_grants_outside_or_above_the_subtree_are_refused(
    territory: Territory, region_name: str
) -> None:
    actor = make_user("actor", Role.REGION_ADMIN, territory.county)
    target = User.objects.create_user(username="target", region=territory.town)
    region = getattr(territory, region_name)
    check = policy.check_grant(actor, target, role=Role.OPERATOR, region=region)
    assert (check.allowed, check.code) == (False, "region_out_of_scope")


def test_only_live_acting_assignments_authorise(territory: Territory) -> None:
    actor = make_user("actor", Role.REGION_ADMIN, territory.county, can_act=False)
    target = User.objects.create_user(username="target", region=territory.town)
    assert policy.check_grant(actor, target, role=Role.OPERATOR, region=territory.town).code == (
        "role_not_grantable"
    )
    RoleAssignment.objects.filter(user=actor).update(
        can_act=True, expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert not policy.check_grant(actor, target, role=Role.OPERATOR, region=territory.town).allowed
    RoleAssignment.objects.filter(user=actor).update(expires_at=None)
    assert policy.check_grant(actor, target, role=Role.OPERATOR, region=territory.town).allowed


def test_the_unit_must_lie_in_the_authorising_subtree(territory: Territory) -> None:
    actor = make_user("actor", Role.REGION_ADMIN, territory.town)
    target = User.objects.create_user(username="target", region=territory.town)
    inside = Unit.objects.create(
        name="司法所", code="U-IN", unit_type=UnitType.JUSTICE, region=territory.village
    )
    outside = Unit.objects.create(
        name="区信访局", code="U-OUT", unit_type=UnitType.PETITION_BUREAU, region=territory.county
    )
    region = territory.town
    assert policy.check_grant(actor, target, role="handler", region=region, unit=inside).allowed
    refused = policy.check_grant(actor, target, role="handler", region=region, unit=outside)
    assert (refused.allowed, refused.code) == (False, "unit_out_of_scope")


def test_nobody_grants_to_themselves_whatever_their_role(territory: Territory) -> None:
    actor = make_user("actor", Role.SYSTEM_ADMIN, territory.province)
    check = policy.check_grant(actor, actor, role=Role.OPERATOR, region=territory.town)
    assert (check.allowed, check.code) == (False, "self_grant")


@pytest.mark.parametrize("actor_role", list(Role))
def test_account_creation_follows_the_roles(territory: Territory, actor_role: Role) -> None:
    actor = make_user("actor", actor_role, territory.county)
    inside = policy.check_create_user(actor, territory.village)
    outside = policy.check_create_user(actor, territory.other_village)
    if actor_role in (Role.REGION_ADMIN, Role.SYSTEM_ADMIN):
        assert inside.allowed and outside.code == "region_out_of_scope"
    else:
        assert (inside.code, outside.code) == ("not_account_admin", "not_account_admin")


def test_administrators_see_accounts_homed_or_assigned_in_their_subtree(
    territory: Territory,
) -> None:
    admin = make_user("admin", Role.REGION_ADMIN, territory.town)
    homed = User.objects.create_user(username="homed", region=territory.village)
    assigned = make_user("assigned", Role.OPERATOR, territory.grid_a2)
    expired = make_user("expired", Role.OPERATOR, territory.grid_a1)
    RoleAssignment.objects.filter(user=expired).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    elsewhere = make_user("elsewhere", Role.OPERATOR, territory.other_town)
    seen = set(policy.visible_users(admin).values_list("username", flat=True))
    assert {"homed", "assigned", "expired", "admin"} <= seen
    assert "elsewhere" not in seen
    assert policy.user_is_visible(admin, homed) and policy.user_is_visible(admin, assigned)
    assert not policy.user_is_visible(admin, elsewhere)
    operator = make_user("operator", Role.OPERATOR, territory.county)
    assert not policy.visible_users(operator).exists()


def test_reading_the_audit_log_is_the_audit_administrators_alone(territory: Territory) -> None:
    for role in Role:
        user = make_user(f"u-{role}", role, territory.province, can_act=False)
        assert policy.may_read_audit(user) is (role == Role.AUDIT_ADMIN), role
