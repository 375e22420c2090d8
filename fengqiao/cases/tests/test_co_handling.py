"""Lead and co-units (中心吹哨、部门报到, rule 11): each assignment with its own task, deadline,
sign-for and reply; objections by co-units and their rulings; re-dispatch to a unit that is
already on the case; 首接单位; dispatch input that names the wrong units."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Assignment, Case, CaseTransition
from fengqiao.cases.tests.conftest import Api, Units
from fengqiao.core.models import Outbox
from fengqiao.units.models import Unit, UnitType


def _pending_dispatch(api: Api) -> int:
    created = api.create()
    assert created.status_code == 201, created.content
    case_id: int = created.json()["id"]
    assert api.act(case_id, "accept").status_code == 200
    return case_id


def _dispatch(api: Api, case_id: int, units: Units, **extra: Any) -> Any:
    body: dict[str, Any] = {
        "lead": {"unit_id": units.env.pk, "task": "噪声执法"},
        "co_units": [{"unit_id": units.street.pk, "task": "现场配合"}],
    }
    body.update(extra)
    return api.act(case_id, "dispatch", body)


@pytest.fixture
def ops(api_for: Any, town_operator: User) -> Api:
    result: Api = api_for(town_operator)
    return result


@pytest.fixture
def env(api_for: Any, env_handler: User) -> Api:
    result: Api = api_for(env_handler)
    return result


@pytest.fixture
def street(api_for: Any, street_handler: User) -> Api:
    result: Api = api_for(street_handler)
    return result


@pytest.fixture
def housing(api_for: Any, housing_handler: User) -> Api:
    result: Api = api_for(housing_handler)
    return result


def test_each_assignment_has_its_own_task_and_deadline(ops: Api, units: Units) -> None:
    case_id = _pending_dispatch(ops)
    co_due = "2031-03-02T17:00:00+08:00"
    response = _dispatch(
        ops,
        case_id,
        units,
        co_units=[{"unit_id": units.street.pk, "task": "现场配合", "due_at": co_due}],
    )
    assert response.status_code == 200, response.content
    case = Case.objects.get(pk=case_id)
    lead = Assignment.objects.get(case=case, role="lead")
    co = Assignment.objects.get(case=case, role="co")
    assert (lead.unit, lead.task) == (units.env, "噪声执法")
    assert (co.unit, co.task) == (units.street, "现场配合")
    # the lead follows the case's clock; the co-unit has the deadline the dispatcher named
    assert case.due_at is not None and lead.due_at == case.due_at
    assert lead.due_basis == case.due_basis
    assert co.due_at == dt.datetime.fromisoformat(co_due)
    assert co.due_basis == "派单人指定"
    # both units are told (outbox), each by its own code
    recipients = set(
        Outbox.objects.filter(case=case, topic="assignment.new").values_list("recipient", flat=True)
    )
    assert recipients == {f"unit:{units.env.code}", f"unit:{units.street.code}"}
    # the detail shows both assignments with their roles
    rows = ops.case(case_id)["assignments"]
    assert sorted((r["unit_id"], r["role"]) for r in rows) == sorted(
        [(units.env.pk, "lead"), (units.street.pk, "co")]
    )


def test_co_unit_sign_and_reply_do_not_move_the_case(
    ops: Api, env: Api, street: Api, units: Units
) -> None:
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    version = Case.objects.get(pk=case_id).version
    # a co-unit may not reply before signing for its part
    early = street.act(case_id, "reply", {"reply": "已配合", "resolved": True})
    assert early.status_code == 409 and "先签收" in early.json()["detail"]
    assert street.act(case_id, "sign").status_code == 200
    case = Case.objects.get(pk=case_id)
    assert (case.status, case.version) == ("dispatched", version)
    # the co-unit's sign-for is its own fact, on its assignment and the timeline
    co = Assignment.objects.get(case=case, unit=units.street)
    assert co.status == "signed" and co.signed_at is not None
    assert co.signed_by is not None and co.signed_by.username == "street_handler"
    assert case.transitions.filter(action="co_sign", actor_unit=units.street).count() == 1
    # a co-unit signing counts nothing towards 首接负责制
    assert case.first_unit_id is None
    # signing twice is refused and changes nothing
    again = street.act(case_id, "sign")
    assert again.status_code == 409
    assert case.transitions.filter(action="co_sign").count() == 1
    # the co-unit replies on its own; the case still waits for the lead
    replied = street.act(case_id, "reply", {"reply": "已到现场配合劝导", "resolved": False})
    assert replied.status_code == 200
    co.refresh_from_db()
    assert co.status == "replied" and co.reply == "已到现场配合劝导"
    assert co.reply_resolved is False
    assert Case.objects.get(pk=case_id).status == "dispatched"
    assert Outbox.objects.filter(case_id=case_id, topic="assignment.co_replied").count() == 1
    # the lead's own sign-for moves the case and records the 首接单位
    assert env.act(case_id, "sign").json()["status"] == "signed"
    case.refresh_from_db()
    assert case.first_unit == units.env
    # a replied co-unit cannot reply again
    assert street.act(case_id, "reply", {"reply": "再次", "resolved": True}).status_code == 409


def test_co_unit_may_not_object_after_signing(ops: Api, street: Api, units: Units) -> None:
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    street.act(case_id, "sign")
    refused = street.act(case_id, "object", {"reason": "不属于街道职责"})
    assert refused.status_code == 409
    assert "已签收" in refused.json()["detail"]
    assert Assignment.objects.get(case_id=case_id, unit=units.street).status == "signed"


def test_accepted_co_objection_withdraws_the_unit(
    ops: Api, street: Api, env: Api, units: Units
) -> None:
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    assert street.act(case_id, "object", {"reason": "街道无执法权"}).status_code == 200
    co = Assignment.objects.get(case_id=case_id, unit=units.street)
    assert co.status == "objected" and co.objection_reason == "街道无执法权"
    # the centre is told of the objection
    assert Outbox.objects.filter(
        case_id=case_id, topic="assignment.objected", recipient="region:620102001001001"
    ).exists()
    url = f"/api/v1/cases/{case_id}/assignments/{co.pk}/objection-ruling"
    ruled = ops.post(url, {"accept": True, "reason": "确属执法部门职责"})
    assert ruled.status_code == 200, ruled.content
    co.refresh_from_db()
    assert co.status == "withdrawn"
    row = CaseTransition.objects.get(case_id=case_id, action="co_objection_accepted")
    assert row.data == {"unit": units.street.code} and row.from_status == row.to_status
    # withdrawn: the street office no longer sees the case; the lead still works on it
    assert street.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert env.act(case_id, "sign").status_code == 200
    # a second ruling on the same objection is refused
    assert ops.post(url, {"accept": False, "reason": "再裁定"}).status_code == 409


def test_ruling_needs_a_pending_co_objection(ops: Api, units: Units, env: Api) -> None:
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    lead = Assignment.objects.get(case_id=case_id, role="lead")
    co = Assignment.objects.get(case_id=case_id, role="co")
    # the lead's objection is ruled by redispatch/uphold, not here; a co-unit without an
    # objection has nothing to rule on
    for assignment in (lead, co):
        url = f"/api/v1/cases/{case_id}/assignments/{assignment.pk}/objection-ruling"
        response = ops.post(url, {"accept": True, "reason": "裁定"})
        assert response.status_code == 409, assignment.role
        assert "没有待审核的异议" in response.json()["detail"]
    # an assignment of another case answers 404
    other_id = _pending_dispatch(ops)
    _dispatch(ops, other_id, units)
    url = f"/api/v1/cases/{other_id}/assignments/{co.pk}/objection-ruling"
    assert ops.post(url, {"accept": True, "reason": "裁定"}).status_code == 404
    # the body is validated like every other: a reason is required
    url = f"/api/v1/cases/{case_id}/assignments/{co.pk}/objection-ruling"
    short = ops.post(url, {"accept": True})
    assert short.status_code == 422
    assert short.json()["errors"][0]["field"] == "reason"  # a schema error


def test_uphold_locks_the_lead_and_redispatch_needs_an_objection(
    ops: Api, env: Api, units: Units
) -> None:
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    # no objection yet: the table refuses a ruling from 'dispatched'
    early = ops.act(case_id, "uphold", {"reason": "维持"})
    assert early.status_code == 409
    assert early.json()["errors"][0]["current"] == "dispatched"
    env.act(case_id, "object", {"reason": "不属于本单位职责"})
    lead = Assignment.objects.get(case_id=case_id, role="lead")
    assert lead.status == "objected" and lead.objection_reason == "不属于本单位职责"
    # the objecting unit may not rule on its own objection
    assert env.act(case_id, "uphold", {"reason": "自己维持"}).status_code == 403
    upheld = ops.act(case_id, "uphold", {"reason": "属于噪声执法范围"})
    assert upheld.status_code == 200 and upheld.json()["status"] == "dispatched"
    lead.refresh_from_db()
    assert lead.objection_locked and lead.status == "pending"
    assert Outbox.objects.filter(
        case_id=case_id, topic="assignment.upheld", recipient=f"unit:{units.env.code}"
    ).exists()
    # the audit log has the ruling with its reason
    assert AuditEntry.objects.filter(action="case.uphold", reason="属于噪声执法范围").exists()
    # locked: a second objection is refused before anything moves
    version = Case.objects.get(pk=case_id).version
    again = env.act(case_id, "object", {"reason": "仍不属于"})
    assert again.status_code == 409 and "不得再次退回" in again.json()["detail"]
    assert Case.objects.get(pk=case_id).version == version
    # it signs, becomes the 首接单位, and owns the order from then on
    assert env.act(case_id, "sign").status_code == 200
    assert Case.objects.get(pk=case_id).first_unit == units.env


def test_redispatch_promotes_a_pending_co_unit(
    ops: Api, env: Api, street: Api, units: Units
) -> None:
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    env.act(case_id, "object", {"reason": "属于街道综合执法"})
    moved = ops.act(
        case_id, "redispatch", {"lead": {"unit_id": units.street.pk}, "reason": "改由街道主办"}
    )
    assert moved.status_code == 200, moved.content
    rows = Assignment.objects.filter(case_id=case_id).order_by("pk")
    assert [(r.unit_id, r.role, r.status) for r in rows] == [
        (units.env.pk, "lead", "withdrawn"),
        (units.street.pk, "lead", "pending"),
    ]
    assert Case.objects.get(pk=case_id).lead_unit == units.street
    transition = CaseTransition.objects.get(case_id=case_id, action="redispatch")
    assert transition.data == {"from_unit": units.env.code, "to_unit": units.street.code}
    assert street.act(case_id, "sign").json()["status"] == "signed"
    assert Case.objects.get(pk=case_id).first_unit == units.street


def test_redispatch_to_a_co_unit_that_already_signed(
    ops: Api, env: Api, street: Api, units: Units
) -> None:
    """Bug fixed: a co-unit that had signed for its part and was then made the lead could not
    sign for the case (its assignment was no longer pending), leaving the case stuck."""
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    assert street.act(case_id, "sign").status_code == 200
    signed_at = Assignment.objects.get(case_id=case_id, unit=units.street).signed_at
    env.act(case_id, "object", {"reason": "属于街道综合执法"})
    moved = ops.act(
        case_id, "redispatch", {"lead": {"unit_id": units.street.pk}, "reason": "改由街道主办"}
    )
    assert moved.status_code == 200, moved.content
    signed = street.act(case_id, "sign")
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "signed"
    promoted = Assignment.objects.get(case_id=case_id, unit=units.street, role="lead")
    assert promoted.status == "signed" and promoted.signed_at == signed_at  # its own sign-for
    assert Case.objects.get(pk=case_id).first_unit == units.street
    assert street.act(case_id, "start").status_code == 200
    replied = street.act(case_id, "reply", {"reply": "已责令停工", "resolved": True})
    assert replied.json()["status"] == "replied"


def test_redispatch_to_a_co_unit_that_already_replied(
    ops: Api, env: Api, street: Api, units: Units
) -> None:
    """Bug fixed: the same for a co-unit that had replied on its part; it works on as lead."""
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    street.act(case_id, "sign")
    street.act(case_id, "reply", {"reply": "已配合劝导", "resolved": False})
    env.act(case_id, "object", {"reason": "属于街道综合执法"})
    moved = ops.act(
        case_id, "redispatch", {"lead": {"unit_id": units.street.pk}, "reason": "改由街道主办"}
    )
    assert moved.status_code == 200, moved.content
    assert street.act(case_id, "sign").json()["status"] == "signed"
    street.act(case_id, "start")
    replied = street.act(case_id, "reply", {"reply": "已责令停工", "resolved": True})
    assert replied.status_code == 200, replied.content
    lead = Assignment.objects.get(case_id=case_id, unit=units.street)
    assert (lead.role, lead.status, lead.reply) == ("lead", "replied", "已责令停工")


def test_redispatch_to_a_co_unit_with_a_pending_objection_is_refused(
    ops: Api, env: Api, street: Api, units: Units
) -> None:
    """Bug fixed: this was a 500 (a second active assignment for the same unit)."""
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    street.act(case_id, "object", {"reason": "街道无执法权"})
    env.act(case_id, "object", {"reason": "属于街道综合执法"})
    version = Case.objects.get(pk=case_id).version
    refused = ops.act(
        case_id, "redispatch", {"lead": {"unit_id": units.street.pk}, "reason": "改由街道主办"}
    )
    assert refused.status_code == 422, refused.content
    assert refused.json()["errors"][0]["field"] == "lead.unit_id"
    case = Case.objects.get(pk=case_id)
    assert (case.status, case.version, case.lead_unit) == ("objected", version, units.env)
    # once the co-unit's objection is ruled, the centre can decide again
    co = Assignment.objects.get(case_id=case_id, unit=units.street)
    url = f"/api/v1/cases/{case_id}/assignments/{co.pk}/objection-ruling"
    assert ops.post(url, {"accept": False, "reason": "须配合"}).status_code == 200
    moved = ops.act(
        case_id, "redispatch", {"lead": {"unit_id": units.street.pk}, "reason": "改由街道主办"}
    )
    assert moved.status_code == 200, moved.content


def test_redispatch_to_a_third_unit(ops: Api, env: Api, housing: Api, units: Units) -> None:
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    env.act(case_id, "object", {"reason": "属于物业"})
    moved = ops.act(
        case_id,
        "redispatch",
        {"lead": {"unit_id": units.housing.pk, "task": "物业整改"}, "reason": "改派住建"},
    )
    assert moved.status_code == 200
    new = Assignment.objects.get(case_id=case_id, unit=units.housing)
    assert (new.role, new.status, new.task) == ("lead", "pending", "物业整改")
    # the co-unit stays on the case; the withdrawn lead is gone
    co = Assignment.objects.get(case_id=case_id, unit=units.street)
    assert (co.role, co.status) == ("co", "pending")
    # the redispatched unit may itself object once (its own assignment is not locked)
    assert housing.act(case_id, "object", {"reason": "不属于住建"}).status_code == 200
    # the original unit cannot be chosen again by a redispatch... it objected and was withdrawn,
    # but the centre may still send it back: a new assignment, not the withdrawn one
    back = ops.act(case_id, "redispatch", {"lead": {"unit_id": units.env.pk}, "reason": "改回"})
    assert back.status_code == 200, back.content
    active = Assignment.objects.filter(case_id=case_id, role="lead").exclude(status="withdrawn")
    assert [(r.unit_id, r.status) for r in active] == [(units.env.pk, "pending")]


def test_redispatch_without_an_objecting_lead(ops: Api, env: Api, units: Units) -> None:
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    # not in 'objected': the table answers first
    response = ops.act(
        case_id, "redispatch", {"lead": {"unit_id": units.housing.pk}, "reason": "改派"}
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["allowed"] == ["sign", "object"]


BAD_DISPATCHES: dict[str, tuple[Any, str]] = {
    "lead again as co": (
        lambda u: {"lead": {"unit_id": u.env.pk}, "co_units": [{"unit_id": u.env.pk}]},
        "co_units.0.unit_id",
    ),
    "co twice": (
        lambda u: {
            "lead": {"unit_id": u.env.pk},
            "co_units": [{"unit_id": u.street.pk}, {"unit_id": u.street.pk}],
        },
        "co_units.1.unit_id",
    ),
    "unknown unit": (lambda u: {"lead": {"unit_id": 987654321}}, "lead.unit_id"),
    "id out of range": (lambda u: {"lead": {"unit_id": 2**70}}, "lead.unit_id"),
    "co of another county": (
        lambda u: {"lead": {"unit_id": u.env.pk}, "co_units": [{"unit_id": u.other.pk}]},
        "co_units.0.unit_id",
    ),
    "name for an id": (lambda u: {"lead": {"unit_id": "环保局"}}, "lead.unit_id"),
    "words for a date": (
        lambda u: {"lead": {"unit_id": u.env.pk, "due_at": "下周五"}},
        "lead.due_at",
    ),
    "unknown field": (lambda u: {"lead": {"unit_id": u.env.pk, "boss": True}}, "lead.boss"),
}


@pytest.mark.parametrize("name", sorted(BAD_DISPATCHES))
def test_dispatch_input_errors_name_the_field(ops: Api, units: Units, name: str) -> None:
    body, field = BAD_DISPATCHES[name]
    case_id = _pending_dispatch(ops)
    response = ops.act(case_id, "dispatch", body(units))
    assert response.status_code == 422, response.content
    error = response.json()
    assert error["detail"] and error["detail_en"]
    # schema errors and semantic errors name the field the same way
    fields = [e["field"] for e in error["errors"]]
    assert field in fields, fields
    assert all(e["message"] and e["message_en"] for e in error["errors"])
    case = Case.objects.get(pk=case_id)
    assert case.status == "pending_dispatch"
    assert not Assignment.objects.filter(case=case).exists()


def test_inactive_units_cannot_be_dispatched(ops: Api, units: Units) -> None:
    Unit.objects.filter(pk=units.street.pk).update(is_active=False)
    case_id = _pending_dispatch(ops)
    response = _dispatch(ops, case_id, units)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "co_units.0.unit_id"
    # the catalogue's suggestion skips the inactive co-unit
    auto = ops.act(case_id, "dispatch", {})
    assert auto.status_code == 200, auto.content
    units_on_case = set(Assignment.objects.filter(case_id=case_id).values_list("unit", flat=True))
    assert units_on_case == {units.env.pk}


def test_a_unit_below_the_region_may_serve_it(
    ops: Api, units: Units, territory: Any, api_for: Any
) -> None:
    # a village committee (below the town) may be a co-unit of a case in its grid
    committee = Unit.objects.create(
        name="秦安路社区居委会",
        code="CMT-620102001001",
        unit_type=UnitType.GOVERNMENT,
        region=territory.village,
    )
    case_id = _pending_dispatch(ops)
    response = ops.act(
        case_id,
        "dispatch",
        {"lead": {"unit_id": units.env.pk}, "co_units": [{"unit_id": committee.pk}]},
    )
    assert response.status_code == 200, response.content
    assert Assignment.objects.filter(case_id=case_id, unit=committee, role="co").exists()


def test_co_unit_cannot_act_for_the_lead(ops: Api, env: Api, street: Api, units: Units) -> None:
    case_id = _pending_dispatch(ops)
    _dispatch(ops, case_id, units)
    street.act(case_id, "sign")
    env.act(case_id, "sign")
    # start, pause, extension are the lead's: a co-unit gets 403, not a move
    before = Case.objects.get(pk=case_id).version
    response = street.act(case_id, "start")
    assert response.status_code == 403, response.content
    assert "主办单位" in response.json()["detail"]
    assert Case.objects.get(pk=case_id).version == before
    env.act(case_id, "start")
    for action, body in (
        ("pause", {"reason": "等待群众"}),
        ("extension", {"reason": "需要更多时间"}),
    ):
        before = Case.objects.get(pk=case_id).version
        response = street.act(case_id, action, body)
        assert response.status_code == 403, (action, response.content)
        assert Case.objects.get(pk=case_id).version == before
    assert not Case.objects.get(pk=case_id).extensions.exists()
    # and a co-unit's reply never stands in for the lead's
    street.act(case_id, "reply", {"reply": "已配合", "resolved": True})
    assert Case.objects.get(pk=case_id).status == "handling"
