"""AC-01, AC-02 (issue 2 "Done when"): for random region forests, users and role
assignments, every registered list returns exactly the ids the oracle predicts, and every
detail answers 200 in scope, 404 out of scope (the same body as a missing id), 403 where the
caller's roles give no access at all, 401 for a disabled account.

The registry and the oracle live in `fengqiao/testing_scope.py`; add endpoints there."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from fengqiao.accounts.models import ADMIN_ROLES, Role, RoleAssignment, User
from fengqiao.audit.actions import record
from fengqiao.regions.models import Region
from fengqiao.regions.tree import create_region
from fengqiao.testing_scope import ENDPOINTS, Grant, ScopedEndpoint, World

MAX_DEPTH = 6  # province … grid
EXPIRY = {"none": None, "past": timedelta(days=-1), "future": timedelta(days=1)}


@dataclass(frozen=True)
class UserSpec:
    active: bool
    home: int | None
    grants: list[tuple[str, int, bool, str]]  # role, region index, can_act, expiry


@dataclass(frozen=True)
class WorldSpec:
    parents: list[int | None]
    users: list[UserSpec]
    anchors: list[int]
    audit_rows: int


@st.composite
def world_specs(draw: st.DrawFn) -> WorldSpec:
    size = draw(st.integers(min_value=1, max_value=10))
    parents: list[int | None] = [None]
    depth = [1]
    for i in range(1, size):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1)))
        if parent is not None and depth[parent] >= MAX_DEPTH:
            parent = None
        parents.append(parent)
        depth.append(1 if parent is None else depth[parent] + 1)
    region = st.integers(0, size - 1)
    grant = st.tuples(
        st.sampled_from([r.value for r in Role]),
        region,
        st.sampled_from([True, True, True, False]),  # can_act
        st.sampled_from(["none", "none", "past", "future"]),
    )
    user = st.builds(
        UserSpec,
        active=st.sampled_from([True, True, True, False]),
        home=st.one_of(st.none(), region),
        grants=st.lists(grant, max_size=4),
    )
    return WorldSpec(
        parents=parents,
        users=draw(st.lists(user, min_size=1, max_size=4)),
        anchors=draw(st.lists(region, min_size=1, max_size=5)),
        audit_rows=draw(st.integers(0, 3)),
    )


def _code(parent: Region | None, serial: int) -> str:
    """Statistical codes that keep the child-prefix rule (domain-rules §1.3)."""
    if parent is None:
        return f"{10 + serial}" + "0" * 10
    p = parent.code
    return {
        2: p[:2] + f"{serial:02d}" + "0" * 8,
        3: p[:4] + f"{serial:02d}" + "0" * 6,
        4: p[:6] + f"{serial:03d}000",
        5: p[:9] + f"{serial:03d}",
        6: p[:12] + f"{serial:03d}",
    }[parent.level + 1]


def build(spec: WorldSpec) -> tuple[World, list[User]]:
    from django.utils import timezone

    world = World(now=timezone.now())
    regions: list[Region] = []
    serials: dict[int, int] = defaultdict(int)
    for i, parent_index in enumerate(spec.parents):
        parent = regions[parent_index] if parent_index is not None else None
        serials[parent.pk if parent else 0] += 1
        region = create_region(
            code=_code(parent, serials[parent.pk if parent else 0]),
            name=f"区划{i}",
            level=parent.level + 1 if parent else 1,
            parent=parent,
        )
        regions.append(region)
        world.parent[region.pk] = parent.pk if parent else None
    users = [_build_user(k, u, regions, world) for k, u in enumerate(spec.users)]
    anchors = [regions[i] for i in spec.anchors]
    for endpoint in ENDPOINTS:
        endpoint.seed(world, anchors)
    for n in range(spec.audit_rows):
        record("probe.scope", object_type="probe", object_id=str(n))
    return world, users


def _build_user(k: int, spec: UserSpec, regions: list[Region], world: World) -> User:
    home = regions[spec.home] if spec.home is not None else None
    user = User.objects.create(username=f"user{k}", region=home, is_active=spec.active)
    world.home[user.pk] = home.pk if home else None
    if spec.active:
        world.active_users.add(user.pk)
    seen: set[tuple[str, int]] = set()
    for role, index, can_act, expiry in spec.grants:
        has_admin = any(g.user_id == user.pk and g.role in ADMIN_ROLES for g in world.grants)
        if (role in ADMIN_ROLES and has_admin) or (role, index) in seen:
            continue  # the database allows one admin role per user; no duplicate rows
        seen.add((role, index))
        shift = EXPIRY[expiry]
        expires_at = world.now + shift if shift is not None else None
        region = regions[index]
        RoleAssignment.objects.create(
            user=user, role=role, region=region, can_act=can_act, expires_at=expires_at
        )
        world.grants.append(Grant(user.pk, role, region.pk, can_act, expires_at))
    return user


class ScopingPropertyTest(TestCase):
    """Each hypothesis example runs in its own transaction, rolled back afterwards."""

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(world_specs())
    def test_every_endpoint_matches_the_oracle(self, spec: WorldSpec) -> None:
        world, users = build(spec)
        for user in users:
            self.client.force_login(user)
            for endpoint in ENDPOINTS:
                self.check(endpoint, world, user)

    def check(self, endpoint: ScopedEndpoint, world: World, user: User) -> None:
        where = f"{endpoint.name} as {user.username}"
        expected = endpoint.oracle(world, user.pk)
        listed = self.client.get(endpoint.list_url, {"limit": 1000})
        if user.pk not in world.active_users:
            assert listed.status_code == 401, where
            return
        if expected is None:
            assert listed.status_code == 403, where
        else:
            assert listed.status_code == 200, (where, listed.content)
            body: dict[str, Any] = listed.json()
            assert {item["id"] for item in body["items"]} == expected, where
            assert body["count"] == len(expected), where
        # Listing may itself have written (the audit search): ask the oracle again.
        expected = endpoint.oracle(world, user.pk)
        universe = endpoint.universe()
        missing_id = max(universe, default=0) + 100_000
        missing = self.client.get(endpoint.detail_url.format(id=missing_id))
        for object_id in sorted(universe):
            response = self.client.get(endpoint.detail_url.format(id=object_id))
            if expected is None:
                assert response.status_code == 403, (where, object_id)
            elif object_id in expected:
                assert response.status_code == 200, (where, object_id)
                assert response.json()["id"] == object_id
            else:
                # AC-02: out of scope is indistinguishable from missing.
                assert response.status_code == 404, (where, object_id)
                assert response.content == missing.content, where
