"""Sentinel test (PII-01, AUD-02): a case is filed with sentinel ID numbers and phones in its
parties and in its free text; none of them appears unmasked in any list or detail response,
any log line, any audit entry, any timeline row or any outbox payload — and the parties'
columns hold no plaintext at rest."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import connection

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases import sweep
from fengqiao.cases.models import CaseTransition, Notification
from fengqiao.cases.tests.conftest import Units
from fengqiao.core.models import Outbox

ID_A = "11010519491231002X"
ID_B = "620102198001011239"
PHONE_A = "13912345678"
PHONE_B = "18687654321"
SENTINELS = (ID_A, ID_B, PHONE_A, PHONE_B)


def assert_clean(text: str, where: str) -> None:
    for sentinel in SENTINELS:
        assert sentinel not in text, f"{sentinel} leaked in {where}"


def test_no_unmasked_id_or_phone_anywhere(
    api_for: Any,
    town_operator: User,
    units: Units,
    env_handler: User,
    caplog: Any,
    settings: Any,
) -> None:
    settings.CASES_OUTBOX_BACKEND = "fengqiao.cases.outbox.LoggingBackend"
    caplog.set_level(logging.DEBUG)
    operator, env = api_for(town_operator), api_for(env_handler)
    created = operator.create(
        title=f"来电 {PHONE_B}",
        description=f"张三（身份证 {ID_A}，电话 {PHONE_A}）反映邻居 {PHONE_B} 夜间施工",
        parties=[
            {"role": "complainant", "name": "张三", "phone": PHONE_A, "id_number": ID_A,
             "address": "兰州市城关区秦安路12号3单元501"},
            {"role": "respondent", "name": "李四", "phone": PHONE_B, "id_number": ID_B},
        ],
    )  # fmt: skip
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    operator.act(case_id, "accept")
    operator.act(
        case_id, "dispatch", {"lead": {"unit_id": units.env.pk, "task": f"联系 {PHONE_A}"}}
    )
    env.act(case_id, "sign")
    env.act(case_id, "start")
    env.act(case_id, "reply", {"reply": f"已联系 {PHONE_A}，身份证 {ID_A}", "resolved": True})
    sweep.run()

    responses = [
        created.content.decode(),
        operator.get("/api/v1/cases/", limit=50).content.decode(),
        operator.get("/api/v1/cases/", caller_phone=PHONE_A).content.decode(),
        operator.get(f"/api/v1/cases/{case_id}").content.decode(),
        env.get(f"/api/v1/cases/{case_id}").content.decode(),
        operator.get(f"/api/v1/cases/{case_id}/duplicates").content.decode(),
        operator.post(
            "/api/v1/cases/duplicates",
            {"description": f"身份证 {ID_A} 反映施工噪声", "region_code": "620102001001001"},
        ).content.decode(),
    ]
    for index, text in enumerate(responses):
        assert_clean(text, f"response #{index}")
    # the caller lookup by phone works through the blind index, and shows the masked phone
    found = operator.get("/api/v1/cases/", caller_phone=PHONE_A).json()["items"]
    assert [row["id"] for row in found] == [case_id]
    assert found[0]["caller"] == "张* 139****5678"
    detail = operator.case(case_id)
    complainant = detail["parties"][0]
    assert complainant["id_number"] == "110***********002X"
    assert complainant["address"].startswith("兰州市城关区") and "501" not in complainant["address"]

    assert_clean(caplog.text, "log lines")
    for entry in AuditEntry.objects.all():
        assert_clean(
            json.dumps(entry.data, ensure_ascii=False) + entry.reason, f"audit {entry.action}"
        )
    for row in CaseTransition.objects.all():
        # the timeline keeps what officials typed; the API masks it (checked above)
        assert_clean(json.dumps(row.data, ensure_ascii=False), f"timeline data {row.action}")
    for message in Outbox.objects.all():
        assert_clean(json.dumps(message.payload, ensure_ascii=False), f"outbox {message.topic}")
    for note in Notification.objects.all():
        assert_clean(json.dumps(note.payload, ensure_ascii=False), "notification")

    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, id_number, address, phone_index FROM cases_party")
        raw = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert_clean(raw, "cases_party at rest")
    assert "张三" not in raw and "秦安路" not in raw
