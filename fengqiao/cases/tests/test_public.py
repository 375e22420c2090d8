"""The citizens' door: submit without an account, track with receipt number and code, rate
the result (rule 14), rate limits (WEB-08)."""

from __future__ import annotations

import uuid
from typing import Any

from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case, Party
from fengqiao.cases.tests.conftest import VALID_PHONE, Units

SUBMIT = "/api/v1/cases/public/submit"


def citizen_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "description": "小区门口垃圾三天没有清运，气味很大",
        "category_code": "RX0504",
        "region_code": "620102001001002",
        "name": "李四",
        "phone": VALID_PHONE,
    }
    body.update(overrides)
    return body


def submit(client: Client, body: dict[str, Any] | None = None, key: str | None = None) -> Any:
    return client.post(
        SUBMIT,
        body or citizen_body(),
        content_type="application/json",
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
    )


def test_citizen_submits_tracks_and_rates(
    client: Client, api_for: Any, town_operator: User, units: Units, street_handler: User
) -> None:
    created = submit(client)
    assert created.status_code == 201, created.content
    receipt, code = created.json()["receipt_no"], created.json()["verification_code"]
    case = Case.objects.get(receipt_no=receipt)
    assert case.channel == "citizen_web" and case.created_by is None
    assert case.verification_hash and code not in case.verification_hash
    assert Party.objects.get(case=case).phone == VALID_PHONE

    tracked = client.post(
        "/api/v1/cases/public/track", {"receipt_no": receipt, "code": code}, "application/json"
    )
    assert tracked.status_code == 200
    assert tracked.json()["status_label"] == "已受理（登记）"
    assert tracked.json()["steps"][0]["step"] == "已受理"
    assert tracked.json()["can_rate"] is False

    # officials handle it through to review
    operator, street = api_for(town_operator), api_for(street_handler)
    operator.act(case.pk, "accept")
    operator.act(case.pk, "dispatch", {"lead": {"unit_id": units.street.pk}})
    street.act(case.pk, "sign")
    street.act(case.pk, "start")
    street.act(case.pk, "reply", {"reply": "已安排清运车辆", "resolved": True})
    operator.act(case.pk, "approve-reply")

    view = client.post(
        "/api/v1/cases/public/track", {"receipt_no": receipt, "code": code}, "application/json"
    ).json()
    assert view["can_rate"] is True and view["reply"] == "已安排清运车辆"
    assert "street_handler" not in str(view)  # officials are not named to the public

    rated = client.post(
        "/api/v1/cases/public/rate",
        {
            "receipt_no": receipt,
            "code": code,
            "satisfaction": "dissatisfied",
            "comment": "仍有异味",
        },
        "application/json",
    )
    assert rated.status_code == 200
    # rule 14: dissatisfied goes back to handling
    case.refresh_from_db()
    assert case.status == "handling" and case.satisfaction == "dissatisfied"
    last = case.transitions.order_by("-pk").first()
    assert last is not None and last.data["by"] == "citizen" and last.actor is None
    # and it cannot be rated again until it is reviewed again
    again = client.post(
        "/api/v1/cases/public/rate",
        {"receipt_no": receipt, "code": code, "satisfaction": "satisfied"},
        "application/json",
    )
    assert again.status_code == 409


def test_wrong_code_looks_like_no_case(client: Client, units: Units) -> None:
    receipt = submit(client).json()["receipt_no"]
    wrong = client.post(
        "/api/v1/cases/public/track",
        {"receipt_no": receipt, "code": "AAAAAAAA"},
        "application/json",
    )
    missing = client.post(
        "/api/v1/cases/public/track",
        {"receipt_no": "RX2099010100001", "code": "AAAAAAAA"},
        "application/json",
    )
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json() == missing.json()


def test_citizen_submission_is_idempotent(client: Client, units: Units) -> None:
    key = str(uuid.uuid4())
    first, second = submit(client, key=key), submit(client, key=key)
    assert first.json() == second.json()
    assert Case.objects.count() == 1
    # another client (another IP) cannot replay someone else's key and read their code
    other = Client(REMOTE_ADDR="10.9.9.9")
    replay = submit(other, key=key)
    assert replay.status_code == 201
    assert replay.json()["receipt_no"] != first.json()["receipt_no"]


def test_citizen_input_errors_are_bilingual(client: Client, units: Units) -> None:
    bad = submit(client, citizen_body(phone="12345", region_code="999999999999"))
    assert bad.status_code == 422
    fields = {e["field"]: e for e in bad.json()["errors"]}
    assert set(fields) == {"phone", "region_code"}
    assert fields["phone"]["message"] == "电话号码格式不正确"
    assert fields["phone"]["message_en"] == "invalid phone number"
    assert Case.objects.count() == 0


def test_rate_limit_answers_429_with_retry_after(
    client: Client, units: Units, settings: Any
) -> None:
    settings.CASES_PUBLIC_RATE = "3/60"
    answers = [
        client.post(
            "/api/v1/cases/public/track",
            {"receipt_no": "RX2099010100001", "code": "AAAAAAAA"},
            "application/json",
        )
        for _ in range(4)
    ]
    assert [r.status_code for r in answers] == [404, 404, 404, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert "请求过于频繁" in answers[-1].json()["detail"]
    # another IP is not affected
    other = Client(REMOTE_ADDR="10.1.2.3")
    ok = other.post(
        "/api/v1/cases/public/track",
        {"receipt_no": "RX2099010100001", "code": "AAAAAAAA"},
        "application/json",
    )
    assert ok.status_code == 404


def test_submissions_are_limited_per_phone_too(units: Units, settings: Any) -> None:
    settings.CASES_PUBLIC_RATE = "2/60"
    codes = [
        submit(Client(REMOTE_ADDR=f"10.0.0.{i}")).status_code for i in range(3)
    ]  # three IPs, one phone number
    assert codes == [201, 201, 429]
