"""The 12345 journey end to end through the API: intake → dispatch (lead + co) → sign →
handle → reply → review → callback → close → archive, with the timeline, audit and outbox
rows each step writes."""

from __future__ import annotations

from typing import Any

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Assignment, Case, CaseTransition
from fengqiao.cases.tests.conftest import Units
from fengqiao.core.models import Outbox


def test_hotline_journey(
    api_for: Any,
    town_operator: User,
    units: Units,
    env_handler: User,
    street_handler: User,
) -> None:
    operator, env, street = api_for(town_operator), api_for(env_handler), api_for(street_handler)

    # given a registered complaint about night-time noise
    created = operator.create()
    assert created.status_code == 201, created.content
    body = created.json()
    case_id = body["id"]
    assert body["receipt_no"].startswith("RX")
    assert len(body["verification_code"]) == 8
    assert body["status"] == "registered"

    # when the operator accepts it and dispatches by the catalogue (lead env, co street)
    assert operator.act(case_id, "accept").status_code == 200
    suggestion = operator.get(f"/api/v1/cases/{case_id}/suggestion").json()
    assert suggestion["lead_unit_id"] == units.env.pk
    assert suggestion["co_unit_ids"] == [units.street.pk]
    dispatched = operator.act(case_id, "dispatch", {"reason": "按派单目录"})
    assert dispatched.status_code == 200, dispatched.content
    detail = dispatched.json()
    assert detail["status"] == "dispatched"
    roles = {(a["unit_id"], a["role"]) for a in detail["assignments"]}
    assert roles == {(units.env.pk, "lead"), (units.street.pk, "co")}

    # then both units see it; the co-unit signs without moving the case
    assert street.act(case_id, "sign").status_code == 200
    assert Case.objects.get(pk=case_id).status == "dispatched"
    signed = env.act(case_id, "sign")
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "signed"
    assert Case.objects.get(pk=case_id).first_unit_id == units.env.pk

    # the lead handles it, the co-unit reports to it, the lead replies
    assert env.act(case_id, "start").json()["status"] == "handling"
    co_reply = street.act(case_id, "reply", {"reply": "已配合现场核查", "resolved": True})
    assert co_reply.status_code == 200, co_reply.content
    assert co_reply.json()["status"] == "handling"
    replied = env.act(case_id, "reply", {"reply": "已责令停止夜间施工", "resolved": True})
    assert replied.json()["status"] == "replied"

    # review sends it back once, then approves
    back = operator.act(case_id, "return", {"reason": "未附整改照片"})
    assert back.json()["status"] == "handling"
    lead = Assignment.objects.get(case_id=case_id, role="lead")
    assert lead.status == "signed"
    env.act(case_id, "reply", {"reply": "已整改并附照片", "resolved": True})
    assert operator.act(case_id, "approve-reply").json()["status"] == "reviewed"

    # the callback closes it: closed and resolved are both recorded
    closed = operator.act(case_id, "callback", {"satisfaction": "satisfied", "resolved": True})
    data = closed.json()
    assert data["status"] == "closed"
    assert data["closed_at"] is not None and data["resolved"] is True
    assert data["satisfaction"] == "satisfied"
    assert operator.act(case_id, "archive").json()["status"] == "archived"

    # every step left a timeline row and an audit row
    actions = list(
        CaseTransition.objects.filter(case_id=case_id)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "register", "accept", "dispatch", "co_sign", "sign", "start", "co_reply", "reply",
        "return_for_rework", "reply", "approve_reply", "callback", "archive",
    ]  # fmt: skip
    audited = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case_id))
    assert audited.count() == len(actions)
    topics = set(Outbox.objects.filter(case_id=case_id).values_list("topic", flat=True))
    assert {"case.registered", "assignment.new", "case.replied", "case.closed"} <= topics
    detail = operator.case(case_id)
    assert [t["action"] for t in detail["timeline"]] == actions
    assert detail["allowed_actions"] == []


def test_dissatisfied_callback_returns_to_handling(
    api_for: Any, town_operator: User, units: Units, env_handler: User
) -> None:
    operator, env = api_for(town_operator), api_for(env_handler)
    case_id = operator.create().json()["id"]
    operator.act(case_id, "accept")
    operator.act(case_id, "dispatch", {"lead": {"unit_id": units.env.pk}})
    env.act(case_id, "sign")
    env.act(case_id, "start")
    env.act(case_id, "reply", {"reply": "已处理", "resolved": True})
    operator.act(case_id, "approve-reply")

    # rule 14: "should have acted but did not" sends it back even if the caller is polite
    back = operator.act(case_id, "callback", {"satisfaction": "basic", "acted": False})
    assert back.json()["status"] == "handling"
    assert back.json()["closed_at"] is None
    env.act(case_id, "reply", {"reply": "已重新处理", "resolved": True})
    operator.act(case_id, "approve-reply")
    again = operator.act(case_id, "callback", {"satisfaction": "dissatisfied"})
    assert again.json()["status"] == "handling"
    assert Case.objects.get(pk=case_id).satisfaction == "dissatisfied"


def test_grid_event_journey(
    api_for: Any, grid_worker: User, town_operator: User, units: Units, street_handler: User
) -> None:
    worker, operator, street = api_for(grid_worker), api_for(town_operator), api_for(street_handler)
    created = worker.create(
        kind="grid_event", channel="grid_patrol", category_code="WG03", request_type=None
    )
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    assert created.json()["receipt_no"].startswith("WG")
    assert worker.act(case_id, "report").json()["status"] == "reported"
    operator.act(case_id, "dispatch", {"lead": {"unit_id": units.street.pk, "task": "排查燃气"}})
    assert street.act(case_id, "sign").json()["status"] == "handling"
    assert street.act(case_id, "reply", {"reply": "已整改", "resolved": True}).json()["status"] == (
        "handled"
    )
    closed = operator.act(case_id, "close", {"note": "核查属实"})
    assert closed.json()["status"] == "closed"
    assert closed.json()["resolved"] is True


def test_grid_event_resolved_on_the_spot(api_for: Any, grid_worker: User, units: Units) -> None:
    worker = api_for(grid_worker)
    case_id = worker.create(kind="grid_event", channel="grid_patrol", category_code="WG01").json()[
        "id"
    ]
    done = worker.act(case_id, "resolve-on-site", {"result": "当场调解，双方和好"})
    assert done.json()["status"] == "closed"
    case = Case.objects.get(pk=case_id)
    assert case.resolved is True and case.closed_at is not None and not case.is_open
