"""PII-02 unmasking, and the AUD-02 / PII-08 sentinel: full values never leak."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings

from fengqiao.accounts.models import User
from fengqiao.audit.actions import do_unmask
from fengqiao.audit.models import AuditEntry
from fengqiao.core.errors import ActionError
from fengqiao.regions.models import GridAssignment, GridWorker
from fengqiao.testing import PASSWORD, Territory

PHONE = "13987654321"
ID_NUMBER = "11010519491231002X"  # GB 11643 worked example, check digit valid


@pytest.fixture
def worker(territory: Territory) -> GridWorker:
    worker = GridWorker.objects.create(number="620102001001001-01", name="张三", phone=PHONE)
    GridAssignment.objects.create(worker=worker, grid=territory.grid_a1, is_chief=True)
    return worker


def unmask(client: Client, worker_id: int, reason: str = "回访核实联系方式", **extra: Any) -> Any:
    payload = {
        "object_type": "regions.gridworker",
        "object_id": worker_id,
        "field": "phone",
        "reason": reason,
        **extra,
    }
    return client.post("/api/v1/pii/unmask", payload, content_type="application/json")


def test_phone_is_encrypted_at_rest(worker: GridWorker) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM regions_gridworker WHERE id = %s", [worker.pk])
        stored = cursor.fetchone()[0]
    assert PHONE not in stored


def test_operator_in_scope_unmasks_with_a_reason(
    client: Client, town_operator: User, worker: GridWorker
) -> None:
    client.force_login(town_operator)
    response = unmask(client, worker.pk)
    assert response.status_code == 200
    assert response.json()["value"] == PHONE
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action="pii.unmask")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        town_operator.pk,
        "regions.gridworker",
        str(worker.pk),
    )
    assert entry.reason == "回访核实联系方式" and entry.data == {"field": "phone"}
    assert PHONE not in json.dumps(AuditEntry.objects.values().get(pk=entry.pk), default=str)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(
    client: Client, town_operator: User, worker: GridWorker, reason: str
) -> None:
    client.force_login(town_operator)
    response = unmask(client, worker.pk, reason=reason)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "reason"
    with pytest.raises(ActionError) as caught:
        do_unmask(worker, "phone", actor=town_operator, reason=reason)
    assert caught.value.status == 400
    assert not AuditEntry.objects.filter(action="pii.unmask").exists()


def test_unregistered_fields_are_refused(
    client: Client, town_operator: User, worker: GridWorker
) -> None:
    client.force_login(town_operator)
    assert unmask(client, worker.pk, field="name").status_code == 400
    assert unmask(client, worker.pk, object_type="accounts.user").status_code == 400


@pytest.mark.parametrize("persona", ["county_leader", "grid_worker", "system_admin", "auditor"])
def test_roles_without_the_permission_get_403_audited(
    client: Client, request: pytest.FixtureRequest, worker: GridWorker, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert unmask(client, worker.pk).status_code == 403
    # The same answer for an object that does not exist: nothing is revealed.
    assert unmask(client, 999999).status_code == 403
    refusals = AuditEntry.objects.filter(action="pii.unmask", outcome="denied", actor_id=user.pk)
    assert refusals.count() == 2


def test_out_of_scope_is_404_like_missing(
    client: Client, outsider: User, worker: GridWorker
) -> None:
    client.force_login(outsider)
    out = unmask(client, worker.pk)
    missing = unmask(client, 999999)
    assert out.status_code == missing.status_code == 404 and out.content == missing.content
    with pytest.raises(ActionError) as caught:
        do_unmask(worker, "phone", actor=outsider, reason="核实")
    assert caught.value.status == 404
    assert AuditEntry.objects.get(action="pii.unmask").outcome == "denied"


@override_settings(PII_UNMASK_PER_HOUR=2)
def test_unmasking_is_rate_limited(client: Client, town_operator: User, worker: GridWorker) -> None:
    client.force_login(town_operator)
    assert [unmask(client, worker.pk).status_code for _ in range(3)] == [200, 200, 429]
    outcomes = list(
        AuditEntry.objects.filter(action="pii.unmask").values_list("outcome", flat=True)
    )
    assert outcomes == ["success", "success", "denied"]


def test_sentinel_values_never_leak(
    client: Client,
    town_operator: User,
    auditor: User,
    county_admin: User,
    worker: GridWorker,
    territory: Territory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A grid worker's phone and ID-like strings travel through every API we have; the full
    values may appear only in the single unmask response."""
    caplog.set_level(logging.DEBUG)
    listed: list[str] = []

    def keep(response: Any) -> Any:
        listed.append(response.content.decode())
        return response

    anonymous = Client(HTTP_USER_AGENT=f"probe {ID_NUMBER} {PHONE}")
    # A login ID that is really an ID number, and a password that is the phone number.
    keep(
        anonymous.post(
            "/api/v1/auth/login",
            {"username": ID_NUMBER, "password": PHONE},
            content_type="application/json",
        )
    )
    keep(
        anonymous.post(
            "/api/v1/auth/login",
            {"username": "town_operator", "password": PHONE},
            content_type="application/json",
        )
    )
    # Account administration: the list and the details of the accounts.
    admin = Client()
    admin.force_login(county_admin)
    keep(admin.get("/api/v1/accounts/users"))
    keep(admin.get(f"/api/v1/accounts/users/{town_operator.pk}"))
    operator = Client(HTTP_USER_AGENT=f"agent {PHONE}")
    assert (
        operator.post(
            "/api/v1/auth/login",
            {"username": "town_operator", "password": PASSWORD},
            content_type="application/json",
        ).status_code
        == 200
    )
    # The one response allowed to carry the value, with the value in the reason as well.
    shown = unmask(operator, worker.pk, reason=f"核实 {PHONE} 与 {ID_NUMBER}")
    assert shown.json()["value"] == PHONE
    keep(operator.get("/api/v1/regions/"))
    keep(operator.get("/api/v1/accounts/me"))
    auditing = Client()
    auditing.force_login(auditor)
    keep(auditing.get("/api/v1/audit/", {"object_id": ID_NUMBER}))
    keep(auditing.get("/api/v1/audit/?limit=500"))

    audit_rows = json.dumps(list(AuditEntry.objects.values()), ensure_ascii=False, default=str)
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert "Unauthorized: /api/v1/auth/login" in logs  # the request log was captured
    for value in (PHONE, ID_NUMBER):
        assert value not in audit_rows
        assert value not in logs
        for body in listed:
            assert value not in body
    assert "139****4321" in audit_rows and "110***********002X" in audit_rows
