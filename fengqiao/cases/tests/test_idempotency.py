"""REL-03 idempotent creation and REL-01 durable acknowledgement, through the API."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case, IdempotencyKey, KeyState
from fengqiao.cases.tests.conftest import Api, Units, hotline_body
from fengqiao.core.models import Outbox

URL = "/api/v1/cases/"


def _post(api: Api, key: str | None, body: dict[str, Any] | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return api.post(URL, body or hotline_body(), **headers)


def test_retry_returns_the_same_response_and_case(
    api_for: Any, town_operator: User, units: Units
) -> None:
    api, key = api_for(town_operator), str(uuid.uuid4())
    first = _post(api, key)
    again = _post(api, key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Case.objects.count() == 1
    assert Outbox.objects.filter(topic="case.registered").count() == 1


def test_same_key_different_payload_is_422(api_for: Any, town_operator: User, units: Units) -> None:
    api, key = api_for(town_operator), str(uuid.uuid4())
    assert _post(api, key).status_code == 201
    other = _post(api, key, hotline_body(description="另一件事：路灯不亮已经一周"))
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Case.objects.count() == 1


def test_missing_or_malformed_key_is_400(api_for: Any, town_operator: User, units: Units) -> None:
    api = api_for(town_operator)
    missing = _post(api, None)
    assert missing.status_code == 400
    assert "Idempotency-Key" in missing.json()["detail"]
    assert _post(api, "not-a-uuid").status_code == 400
    assert Case.objects.count() == 0


def test_duplicate_in_flight_is_409(api_for: Any, town_operator: User, units: Units) -> None:
    api, key = api_for(town_operator), str(uuid.uuid4())
    body = hotline_body()
    # given the original request is still running (its in-flight row is committed)
    from fengqiao.cases.idempotency import begin

    payload = api_schema_dump(body)
    ticket = begin(key, scope=f"user:{town_operator.pk}", endpoint="cases.create", payload=payload)
    assert not hasattr(ticket, "body")
    duplicate = _post(api, key, body)
    assert duplicate.status_code == 409
    assert Case.objects.count() == 0


def api_schema_dump(body: dict[str, Any]) -> dict[str, Any]:
    """The payload as the endpoint fingerprints it (validated schema, JSON mode)."""
    from fengqiao.cases.api.schemas import CaseIn

    return CaseIn(**body).model_dump(mode="json")


def test_abandoned_in_flight_key_is_taken_over(
    api_for: Any, town_operator: User, units: Units
) -> None:
    key, body = str(uuid.uuid4()), hotline_body()
    from fengqiao.cases.idempotency import begin

    begin(
        key,
        scope=f"user:{town_operator.pk}",
        endpoint="cases.create",
        payload=api_schema_dump(body),
    )
    # a worker crashed: ten minutes later the retry runs instead of waiting forever
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        response = _post(Api(town_operator), key, body)
    assert response.status_code == 201
    assert Case.objects.count() == 1


def test_keys_are_scoped_per_user(
    api_for: Any, town_operator: User, county_operator: User, units: Units
) -> None:
    key = str(uuid.uuid4())
    assert _post(api_for(town_operator), key).status_code == 201
    assert _post(api_for(county_operator), key).status_code == 201
    assert Case.objects.count() == 2


def test_failed_request_frees_the_key(api_for: Any, town_operator: User, units: Units) -> None:
    api, key = api_for(town_operator), str(uuid.uuid4())
    # an out-of-scope region is refused before the key is taken
    assert _post(api, key, hotline_body(region_code="620103001001001")).status_code == 403
    assert not IdempotencyKey.objects.exists()
    assert _post(api, key).status_code == 201


def test_retention_is_at_least_24_hours_then_the_key_is_forgotten(
    api_for: Any, town_operator: User, units: Units, settings: Any
) -> None:
    settings.CASES_IDEMPOTENCY_TTL_HOURS = 24
    api, key = api_for(town_operator), str(uuid.uuid4())
    start = timezone.now()
    first = _post(api, key)
    # (a fresh login each time: sessions last 30 minutes)
    with time_machine.travel(start + timedelta(hours=23, minutes=59)):
        assert _post(Api(town_operator), key).json() == first.json()
    assert Case.objects.count() == 1
    # documented: after the retention period the same key is a new request
    with time_machine.travel(start + timedelta(hours=24, minutes=1)):
        later = _post(Api(town_operator), key)
    assert later.status_code == 201
    assert later.json()["receipt_no"] != first.json()["receipt_no"]
    assert Case.objects.count() == 2


def test_stored_response_is_encrypted_at_rest(
    api_for: Any, town_operator: User, units: Units
) -> None:
    response = _post(api_for(town_operator), str(uuid.uuid4()))
    code = response.json()["verification_code"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT response_body FROM cases_idempotencykey")
        (raw,) = cursor.fetchone()
    assert code not in raw and response.json()["receipt_no"] not in raw
    assert IdempotencyKey.objects.get().state == KeyState.DONE


def test_receipt_is_returned_only_after_commit(
    api_for: Any, town_operator: User, units: Units, monkeypatch: Any
) -> None:
    """REL-01/REL-02: a failure after the business write and before commit leaves nothing —
    no case, no audit row, no outbox row, no key — and no receipt number reaches the client."""
    from fengqiao.audit.models import AuditEntry
    from fengqiao.cases import idempotency

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(idempotency, "complete", explode)
    audit_before = AuditEntry.objects.count()
    api = Api(town_operator)
    api.client.raise_request_exception = False
    response = _post(api, str(uuid.uuid4()))
    assert response.status_code == 500
    assert b"RX" not in response.content
    assert Case.objects.count() == 0
    assert Outbox.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_key_create_one_case(
    town_operator: User, units: Units
) -> None:
    """N threads fire the same request at once: exactly one case; every answer is the
    original (201 or its replay) or 409 while it is in flight — never a second case."""
    key, body, n = str(uuid.uuid4()), hotline_body(), 8
    barrier = threading.Barrier(n)
    results: list[tuple[int, dict[str, Any]]] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            api = Api(town_operator)
            barrier.wait()
            response = _post(api, key, body)
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == n
    assert Case.objects.count() == 1
    case = Case.objects.get()
    statuses = sorted(status for status, _ in results)
    assert set(statuses) <= {201, 409}, statuses
    assert 201 in statuses
    for status, data in results:
        if status == 201:
            assert data["receipt_no"] == case.receipt_no
    # a retry after the dust settles replays the original
    again = _post(Api(town_operator), key, body)
    assert again.status_code == 201 and again.json()["id"] == case.pk
