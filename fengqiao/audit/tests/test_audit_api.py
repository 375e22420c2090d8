"""SOD-01, SOD-04, AUD-01: only the 审计管理员 reads the audit log, and reads nothing else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from fengqiao.accounts.actions import do_grant_role
from fengqiao.accounts.models import Role, User
from fengqiao.audit.actions import record
from fengqiao.audit.models import AuditEntry
from fengqiao.testing import Territory


def items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    result: list[dict[str, Any]] = response.json()["items"]
    return result


@pytest.fixture
def logged(territory: Territory) -> list[AuditEntry]:
    start = timezone.now() - timedelta(days=2)
    entries = []
    for n, action in enumerate(["case.create", "case.dispatch", "login.failure", "case.close"]):
        with time_machine.travel(start + timedelta(days=n / 2), tick=False):
            entries.append(record(action, object_type="case", object_id=str(n % 2), data={"n": n}))
    return entries


def test_auditor_lists_newest_first_and_paginates(
    client: Client, auditor: User, logged: list[AuditEntry]
) -> None:
    client.force_login(auditor)
    page = items(client.get("/api/v1/audit/?limit=2"))
    assert [e["seq"] for e in page] == [4, 3]
    # The searches are audited, and never listed by the search that wrote them: the first
    # search (seq 5) heads the second one's list.
    second = items(client.get("/api/v1/audit/?limit=2&offset=1"))
    assert [e["seq"] for e in second] == [4, 3]
    assert client.get("/api/v1/audit/?limit=1").json()["items"][0]["action"] == "audit.search"
    assert AuditEntry.objects.filter(action="audit.search", actor_id=auditor.pk).count() == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=case.dispatch", [2]),
        ("action=case.", [4, 2, 1]),
        ("object_type=case&object_id=1", [4, 2]),
        ("outcome=success", [4, 3, 2, 1]),
    ],
)
def test_auditor_searches(
    client: Client, auditor: User, logged: list[AuditEntry], query: str, expected: list[int]
) -> None:
    client.force_login(auditor)
    assert [e["seq"] for e in items(client.get(f"/api/v1/audit/?{query}"))] == expected


def test_auditor_searches_by_time_range_and_actor(
    client: Client,
    auditor: User,
    logged: list[AuditEntry],
    county_admin: User,
    territory: Territory,
) -> None:
    client.force_login(auditor)
    since = logged[1].at.isoformat()
    until = logged[3].at.isoformat()
    found = items(client.get("/api/v1/audit/", {"since": since, "until": until}))
    assert [e["seq"] for e in found] == [3, 2]
    newcomer = User.objects.create_user(username="nc", region=territory.town)
    do_grant_role(newcomer, role=Role.LEADER, region=territory.town, actor=county_admin)
    by_id = items(client.get(f"/api/v1/audit/?actor_id={county_admin.pk}"))
    by_name = items(client.get("/api/v1/audit/?actor=county_ad"))
    assert [e["action"] for e in by_id] == [e["action"] for e in by_name] == ["role.grant"]


def test_auditor_reads_one_entry_and_verifies(
    client: Client, auditor: User, logged: list[AuditEntry]
) -> None:
    client.force_login(auditor)
    detail = client.get(f"/api/v1/audit/{logged[0].pk}").json()
    assert detail["action"] == "case.create" and detail["data"] == {"n": 0}
    assert client.get("/api/v1/audit/999999").status_code == 404
    verified = client.get("/api/v1/audit/verify").json()
    assert verified["ok"] is True and verified["first_bad_seq"] is None


@pytest.mark.parametrize(
    "persona", ["system_admin", "security_admin", "county_admin", "town_operator", "county_leader"]
)
def test_everyone_else_gets_403(
    client: Client, request: pytest.FixtureRequest, logged: list[AuditEntry], persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for url in ("/api/v1/audit/", f"/api/v1/audit/{logged[0].pk}", "/api/v1/audit/verify"):
        assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(action="audit.search").exists()


def test_auditor_gets_nothing_else(client: Client, auditor: User, territory: Territory) -> None:
    # SOD-01: no business data, no account administration, no unmasking.
    client.force_login(auditor)
    assert items(client.get("/api/v1/regions/")) == []
    assert items(client.get("/api/v1/units/")) == []
    assert client.get(f"/api/v1/regions/{territory.town.pk}").status_code == 404
    assert client.get("/api/v1/accounts/users").status_code == 403
    unmask = client.post(
        "/api/v1/pii/unmask",
        {"object_type": "regions.gridworker", "object_id": 1, "field": "phone", "reason": "查"},
        content_type="application/json",
    )
    assert unmask.status_code == 403


def test_every_admin_action_is_visible_to_the_auditor(
    client: Client,
    auditor: User,
    county_admin: User,
    security_admin: User,
    grid_worker: User,
    territory: Territory,
) -> None:
    # SOD-04: each admin action leaves a row the audit admin can read.
    admin_client = Client()
    admin_client.force_login(county_admin)
    created = admin_client.post(
        "/api/v1/accounts/users",
        {"username": "zhao_liu", "region_code": territory.town.code},
        content_type="application/json",
    ).json()["user"]
    admin_client.post(
        f"/api/v1/accounts/users/{created['id']}/roles",
        {"role": "operator", "region_code": territory.town.code},
        content_type="application/json",
    )
    assignment = grid_worker.assignments.get()
    admin_client.delete(f"/api/v1/accounts/users/{grid_worker.pk}/roles/{assignment.pk}")
    security_client = Client()
    security_client.force_login(security_admin)
    security_client.post(f"/api/v1/accounts/users/{created['id']}/unlock")
    client.force_login(auditor)
    seen = {(e["action"], e["actor_id"]) for e in items(client.get("/api/v1/audit/?limit=100"))}
    assert {
        ("user.create", county_admin.pk),
        ("role.grant", county_admin.pk),
        ("role.revoke", county_admin.pk),
        ("login.unlock", security_admin.pk),
    } <= seen


@pytest.mark.parametrize("persona", ["system_admin", "security_admin"])
def test_system_and_security_admins_see_no_business_data(
    client: Client, request: pytest.FixtureRequest, territory: Territory, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert items(client.get("/api/v1/regions/")) == []
    assert client.get(f"/api/v1/regions/{territory.town.pk}").status_code == 404
    assert client.get("/api/v1/accounts/users").status_code == 200  # their own job
