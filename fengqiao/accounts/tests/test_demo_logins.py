"""The demo creates one login per role, and says so (AUTH-01: only the demo does)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from fengqiao.accounts.management.commands.demo import DEMO_LOGINS
from fengqiao.accounts.models import ADMIN_ROLES, User, sod_conflict


@pytest.mark.django_db
def test_demo_creates_one_login_per_role_within_sod() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    assert "生产环境不会创建任何默认账号" in out.getvalue()
    users = User.objects.filter(username__in=[row[0] for row in DEMO_LOGINS])
    assert users.count() == len(DEMO_LOGINS)
    for user in users:
        roles = list(user.assignments.values_list("role", flat=True))
        assert len(roles) == 1 and user.region is not None
        assert sod_conflict([], roles[0], strict=True) is None
    assert {row[1] for row in DEMO_LOGINS} >= ADMIN_ROLES
    # The region admin of 城关区 sees the accounts of 城关区 only.
    client = Client()
    client.force_login(User.objects.get(username="demo_regionadmin"))
    listed = {u["username"] for u in client.get("/api/v1/accounts/users").json()["items"]}
    assert listed == {
        "demo_grid",
        "demo_operator",
        "demo_handler",
        "demo_mediator",
        "demo_regionadmin",
    }
