"""Pytest fixtures shared by every app's tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase, override_settings

from fengqiao.accounts.models import Role, User
from fengqiao.audit import triggers
from fengqiao.core import crypto
from fengqiao.testing import Territory, build_territory, make_user


@pytest.fixture(autouse=True, scope="session")
def _test_sm4_key() -> None:
    """Tests run with DEBUG off, where a key is mandatory: use a fixed test-only key."""
    if not settings.SM4_KEY:
        settings.SM4_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        crypto.provider.cache_clear()
    if not settings.AUDIT_CHECKPOINT_KEY:
        settings.AUDIT_CHECKPOINT_KEY = "a5" * 32


@pytest.fixture(autouse=True)
def _audit_checkpoints_per_test(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test's database starts empty, so each gets its own (not yet created) checkpoint
    file: the sweep must never append to the working copy's var/ from a test."""
    previous = settings.AUDIT_CHECKPOINT_FILE
    settings.AUDIT_CHECKPOINT_FILE = tmp_path_factory.getbasetemp() / f"cp-{uuid.uuid4().hex}"
    yield
    settings.AUDIT_CHECKPOINT_FILE = previous


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher() -> Iterator[None]:
    """PBKDF2 with a million iterations costs ~0.3 s per hash; tests only need a hash."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


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


@pytest.fixture
def county_admin(territory: Territory) -> User:
    """区域管理员 of 城关区: administers accounts and business roles there only."""
    return make_user("county_admin", Role.REGION_ADMIN, territory.county)


@pytest.fixture
def system_admin(territory: Territory) -> User:
    """系统管理员 of 兰州市: accounts, no audit read, no business data."""
    return make_user("system_admin", Role.SYSTEM_ADMIN, territory.city)


@pytest.fixture
def security_admin(territory: Territory) -> User:
    """安全管理员 of 兰州市: unlocks accounts, no audit read, no business data."""
    return make_user("security_admin", Role.SECURITY_ADMIN, territory.city)


@pytest.fixture(autouse=True, scope="session")
def _audit_triggers_allow_flush() -> Iterator[None]:
    """Transactional tests (and live_server) end with a table flush, which the append-only
    triggers refuse: lift them around that flush only, so every test runs with them in place."""
    original = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]

    def teardown(self: TransactionTestCase) -> None:
        with triggers.suspended(connection):
            original(self)

    setattr(TransactionTestCase, "_fixture_teardown", teardown)  # noqa: B010
    yield
    setattr(TransactionTestCase, "_fixture_teardown", original)  # noqa: B010


@pytest.fixture(autouse=True)
def _mfa_required_only_when_marked(request: pytest.FixtureRequest) -> Iterator[None]:
    """AUTH-06: the second factor is on by default (FENGQIAO_MFA_REQUIRED), off in tests that
    sign in with a password only; `@pytest.mark.mfa` tests run with it on."""
    required = request.node.get_closest_marker("mfa") is not None
    with override_settings(FENGQIAO_MFA_REQUIRED=required):
        yield
