"""Callback and satisfaction (rule 14), 退回重办, and what the citizen's door shows and accepts
around them: closed and resolved are separate facts, a reply is shown only once reviewed, a
case can be rated again after its rework is reviewed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Assignment, Case
from fengqiao.cases.tests.conftest import Api, Units
from fengqiao.cases.tests.test_public import citizen_body, submit
from fengqiao.core.models import Outbox

TRACK = "/api/v1/cases/public/track"
RATE = "/api/v1/cases/public/rate"


@pytest.fixture
def ops(api_for: Any, town_operator: User) -> Api:
    result: Api = api_for(town_operator)
    return result


@pytest.fixture
def env(api_for: Any, env_handler: User) -> Api:
    result: Api = api_for(env_handler)
    return result


def to_replied(ops: Api, env: Api, units: Units, case_id: int, resolved: bool = True) -> None:
    assert ops.act(case_id, "accept").status_code == 200
    assert ops.act(case_id, "dispatch", {"lead": {"unit_id": units.env.pk}}).status_code == 200
    assert env.act(case_id, "sign").status_code == 200
    assert env.act(case_id, "start").status_code == 200
    replied = env.act(case_id, "reply", {"reply": "已责令工地夜间停工", "resolved": resolved})
    assert replied.status_code == 200, replied.content


def to_reviewed(ops: Api, env: Api, units: Units, resolved: bool = True) -> int:
    created = ops.create()
    assert created.status_code == 201
    case_id: int = created.json()["id"]
    to_replied(ops, env, units, case_id, resolved=resolved)
    assert ops.act(case_id, "approve-reply", {"note": "答复完整"}).status_code == 200
    return case_id


@pytest.mark.parametrize(
    ("body", "status", "satisfaction", "resolved"),
    [
        ({"satisfaction": "satisfied", "resolved": True}, "closed", "satisfied", True),
        # satisfied with the attitude, problem not solved: closed, and not resolved
        ({"satisfaction": "basic", "resolved": False}, "closed", "basic", False),
        # the caller gives no view on resolution: the unit's claim in its reply is kept
        ({"satisfaction": "satisfied"}, "closed", "satisfied", True),
        # 未联系上: closed with the unit's own claim
        ({"satisfaction": "unreachable"}, "closed", "unreachable", True),
        # dissatisfied: back to handling, nothing decided about resolution
        ({"satisfaction": "dissatisfied", "resolved": False}, "handling", "dissatisfied", None),
        # satisfied, but the unit should have acted and did not (应办未办): back to handling
        ({"satisfaction": "satisfied", "acted": False}, "handling", "satisfied", None),
    ],
)
def test_callback_outcomes(
    ops: Api,
    env: Api,
    units: Units,
    body: dict[str, Any],
    status: str,
    satisfaction: str,
    resolved: bool | None,
) -> None:
    case_id = to_reviewed(ops, env, units)
    response = ops.act(case_id, "callback", {**body, "note": "电话回访"})
    assert response.status_code == 200, response.content
    case = Case.objects.get(pk=case_id)
    assert case.status == status
    assert case.satisfaction == satisfaction
    assert case.callback_at is not None
    assert case.resolved is resolved
    lead = Assignment.objects.get(case=case, role="lead")
    row = case.transitions.order_by("-pk").first()
    assert row is not None and row.action == "callback" and row.reason == "电话回访"
    assert row.data["satisfaction"] == satisfaction
    assert AuditEntry.objects.filter(action="case.callback", object_id=str(case_id)).exists()
    if status == "closed":
        assert not case.is_open and case.closed_at is not None
        assert lead.status == "replied"
        assert Outbox.objects.filter(case=case, topic="case.closed").exists()
    else:
        # 退回重办: the case and the lead's assignment reopen; the unit is told
        assert case.is_open and case.closed_at is None
        assert lead.status == "signed"
        assert Outbox.objects.filter(
            case=case, topic="assignment.returned", recipient=f"unit:{units.env.code}"
        ).exists()


def test_closed_is_not_resolved(ops: Api, env: Api, units: Units) -> None:
    # the unit itself says it could not solve it; the caller is reached and satisfied
    case_id = to_reviewed(ops, env, units, resolved=False)
    ops.act(case_id, "callback", {"satisfaction": "satisfied"})
    case = Case.objects.get(pk=case_id)
    assert case.status == "closed" and case.resolved is False
    detail = ops.case(case_id)
    assert detail["closed_at"] is not None and detail["resolved"] is False
    # and the two filters tell them apart
    closed = ops.get("/api/v1/cases/", open="false").json()["items"]
    assert [row["id"] for row in closed] == [case_id]


def test_rework_round_after_dissatisfaction(ops: Api, env: Api, units: Units) -> None:
    case_id = to_reviewed(ops, env, units)
    ops.act(case_id, "callback", {"satisfaction": "dissatisfied"})
    # the lead replies again, is reviewed again, and the second callback closes it
    again = env.act(case_id, "reply", {"reply": "已复查并加装隔音屏障", "resolved": True})
    assert again.status_code == 200, again.content
    assert ops.act(case_id, "approve-reply").status_code == 200
    closed = ops.act(case_id, "callback", {"satisfaction": "satisfied", "resolved": True})
    assert closed.json()["status"] == "closed"
    case = Case.objects.get(pk=case_id)
    actions = list(case.transitions.order_by("pk").values_list("action", flat=True))
    assert actions.count("callback") == 2 and actions.count("reply") == 2
    assert case.satisfaction == "satisfied"
    assert Assignment.objects.get(case=case, role="lead").reply == "已复查并加装隔音屏障"


def test_return_for_rework_reopens_the_lead(ops: Api, env: Api, units: Units) -> None:
    created = ops.create()
    case_id = created.json()["id"]
    to_replied(ops, env, units, case_id)
    # only the centre reviews
    assert env.act(case_id, "return", {"reason": "答复未说明处罚结果"}).status_code == 403
    returned = ops.act(case_id, "return", {"reason": "答复未说明处罚结果"})
    assert returned.status_code == 200 and returned.json()["status"] == "handling"
    lead = Assignment.objects.get(case_id=case_id, role="lead")
    assert lead.status == "signed"
    # a return needs its reason
    env.act(case_id, "reply", {"reply": "补充：已处罚款", "resolved": True})
    short = ops.act(case_id, "return", {"reason": ""})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "reason"


def test_archive_after_close_only(ops: Api, env: Api, units: Units) -> None:
    case_id = to_reviewed(ops, env, units)
    early = ops.act(case_id, "archive")
    assert early.status_code == 409
    assert early.json()["errors"][0]["allowed"] == ["callback"]
    ops.act(case_id, "callback", {"satisfaction": "satisfied", "resolved": True})
    closed_at = Case.objects.get(pk=case_id).closed_at
    archived = ops.act(case_id, "archive")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    case = Case.objects.get(pk=case_id)
    # archiving does not restamp the closing date
    assert case.closed_at == closed_at and not case.is_open
    assert ops.act(case_id, "archive").status_code == 409


# ------------------------------------------------------------------ the citizen's door


def _citizen_case(client: Client) -> tuple[int, str, str]:
    created = submit(client, citizen_body(category_code="RX0501"))
    assert created.status_code == 201, created.content
    receipt, code = created.json()["receipt_no"], created.json()["verification_code"]
    return Case.objects.get(receipt_no=receipt).pk, receipt, code


def _track(client: Client, receipt: str, code: str) -> dict[str, Any]:
    response = client.post(TRACK, {"receipt_no": receipt, "code": code}, "application/json")
    assert response.status_code == 200, response.content
    data: dict[str, Any] = response.json()
    return data


def test_a_reply_returned_at_review_is_never_shown_to_the_citizen(
    client: Client, ops: Api, env: Api, units: Units
) -> None:
    """Bug fixed: a reply sent back at review showed on the tracking page once the unit paused
    the clock or asked for an extension."""
    case_id, receipt, code = _citizen_case(client)
    to_replied(ops, env, units, case_id)
    ops.act(case_id, "return", {"reason": "答复不完整"})
    for action, body in (("pause", {"reason": "等待群众补充材料"}), ("resume", {})):
        assert env.act(case_id, action, body).status_code == 200
        view = _track(client, receipt, code)
        assert view["reply"] == "", action
    env.act(case_id, "extension", {"reason": "需要协调住建部门"})
    view = _track(client, receipt, code)
    assert view["status_label"] == "延期申请待审批"
    assert view["reply"] == "" and view["can_rate"] is False


def test_citizen_can_rate_again_after_the_rework_is_reviewed(
    client: Client, ops: Api, env: Api, units: Units
) -> None:
    """Bug fixed: after a dissatisfied rating and a second review, `can_rate` said no while
    the rate endpoint (rightly) accepted the rating."""
    case_id, receipt, code = _citizen_case(client)
    to_replied(ops, env, units, case_id)
    ops.act(case_id, "approve-reply")
    first = client.post(
        RATE,
        {"receipt_no": receipt, "code": code, "satisfaction": "dissatisfied"},
        "application/json",
    )
    assert first.status_code == 200 and first.json()["can_rate"] is False
    env.act(case_id, "reply", {"reply": "已复查，夜间施工已停止", "resolved": True})
    ops.act(case_id, "approve-reply")
    view = _track(client, receipt, code)
    assert view["can_rate"] is True and view["reply"] == "已复查，夜间施工已停止"
    second = client.post(
        RATE,
        {"receipt_no": receipt, "code": code, "satisfaction": "satisfied", "resolved": True},
        "application/json",
    )
    assert second.status_code == 200, second.content
    closed = second.json()
    assert closed["status_label"] == "已办结" and closed["resolved"] is True
    assert closed["closed_at"] is not None and closed["can_rate"] is False
    # each rating is the case's callback, by the citizen
    rows = Case.objects.get(pk=case_id).transitions.filter(action="callback").order_by("pk")
    assert [r.data["by"] for r in rows] == ["citizen", "citizen"]
    assert [r.actor_id for r in rows] == [None, None]


def test_rating_before_review_is_refused_and_changes_nothing(
    client: Client, ops: Api, env: Api, units: Units
) -> None:
    case_id, receipt, code = _citizen_case(client)
    to_replied(ops, env, units, case_id)
    version = Case.objects.get(pk=case_id).version
    early = client.post(
        RATE, {"receipt_no": receipt, "code": code, "satisfaction": "satisfied"}, "application/json"
    )
    assert early.status_code == 409
    assert "当前状态为「已答复（待审核）」" in early.json()["detail"]
    case = Case.objects.get(pk=case_id)
    assert (case.version, case.satisfaction) == (version, "")
    # a wrong code is a 404 here too, and changes nothing
    ops.act(case_id, "approve-reply")
    wrong = client.post(
        RATE,
        {"receipt_no": receipt, "code": "ZZZZZZZZ", "satisfaction": "satisfied"},
        "application/json",
    )
    assert wrong.status_code == 404
    assert Case.objects.get(pk=case_id).status == "reviewed"


def test_tracking_shows_key_dates_not_people(
    client: Client, ops: Api, env: Api, units: Units
) -> None:
    case_id, receipt, code = _citizen_case(client)
    to_replied(ops, env, units, case_id)
    ops.act(case_id, "approve-reply")
    view = _track(client, receipt, code)
    assert set(view) == {
        "receipt_no", "status_label", "received_at", "due_at", "closed_at", "resolved",
        "reply", "can_rate", "steps",
    }  # fmt: skip
    text = str(view)
    for secret in ("env_handler", "town_operator", units.env.name, "李四", "13912345678"):
        assert secret not in text
    assert [s["step"] for s in view["steps"]][-2:] == ["已答复（待审核）", "审核通过（待回访）"]


@pytest.mark.parametrize(
    "body",
    [
        {"receipt_no": "RX", "code": "ABCDEFGH"},
        {"receipt_no": "RX2026093000001", "code": ""},
        {"receipt_no": "RX2026093000001"},
        {"receipt_no": "RX2026093000001", "code": "ABCDEFGH", "extra": 1},
        {"receipt_no": 12345678, "code": "ABCDEFGH"},
    ],
)
def test_track_input_errors_are_422_not_404(client: Client, units: Units, body: Any) -> None:
    response = client.post(TRACK, body, "application/json")
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["message"]


def test_citizen_submission_may_be_confidential_and_names_a_respondent(
    client: Client, units: Units
) -> None:
    created = submit(
        client,
        citizen_body(confidential=True, respondent_unit_code=units.env.code),
        key=str(uuid.uuid4()),
    )
    assert created.status_code == 201, created.content
    case = Case.objects.get(receipt_no=created.json()["receipt_no"])
    assert case.flags == ["confidential"] and case.respondent_unit == units.env
    assert case.kind == "hotline" and case.status == "registered"
    unknown = submit(client, citizen_body(respondent_unit_code="NOPE"))
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "respondent_unit_code"
