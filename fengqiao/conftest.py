"""Pytest fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from fengqiao.accounts.models import Role, User
from fengqiao.audit import triggers
from fengqiao.testing import Territory, build_territory, make_user


@pytest.fixture
def territory(db: None) -> Territory:
    return build_territory()


@pytest.fixture
def grid_worker(territory: Territory) -> User:
    return make_user("grid_worker", Role.GRID_WORKER, territory.grid_a1)


@pytest.fixture
def town_operator(territory: Territory) -> User:
    return make_user("town_operator", Role.OPERATOR, territory.town)


@pytest.fixture
def county_leader(territory: Territory) -> User:
    return make_user("county_leader", Role.LEADER, territory.county, can_act=False)


@pytest.fixture
def outsider(territory: Territory) -> User:
    return make_user("outsider", Role.OPERATOR, territory.other_county)


@pytest.fixture
def auditor(territory: Territory) -> User:
    return make_user("auditor", Role.AUDIT_ADMIN, territory.province)


@pytest.fixture(autouse=True)
def _audit_triggers_allow_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Transactional tests end with a table flush, which the append-only triggers refuse:
    lift them for the flush only, and put them back before the next test."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        yield
        return
    request.getfixturevalue("transactional_db")
    triggers.install(connection)
    yield
    triggers.remove(connection)
