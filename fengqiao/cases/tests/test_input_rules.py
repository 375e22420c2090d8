"""Input rules that the schema's lengths alone do not catch: a reason made of spaces is no
reason (rule 10, rule 11: 不予受理 and 派单异议 must give one), a description made of spaces is
no description, and the lead unit's reply carries the version it saw (WEB-10)."""

from __future__ import annotations

from typing import Any

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases.models import Assignment, Case
from fengqiao.cases.tests.conftest import Api, Units


@pytest.fixture
def ops(api_for: Any, town_operator: User) -> Api:
    result: Api = api_for(town_operator)
    return result


@pytest.mark.parametrize("blank", ["  ", "\u3000\u3000", " \n\t "])
def test_a_reason_of_blanks_is_no_reason(ops: Api, units: Units, blank: str) -> None:
    """Bug fixed: blanks passed the minimum length and were stored as the reason."""
    case_id = ops.create().json()["id"]
    refused = ops.act(case_id, "reject", {"reason": blank})
    assert refused.status_code == 422, refused.content
    error = refused.json()["errors"][0]
    assert error["field"] == "reason" and error["message"]
    assert Case.objects.get(pk=case_id).status == "registered"


def test_an_objection_needs_a_real_reason(
    ops: Api, units: Units, api_for: Any, env_handler: User
) -> None:
    case_id = ops.create().json()["id"]
    ops.act(case_id, "accept")
    ops.act(case_id, "dispatch", {"lead": {"unit_id": units.env.pk}})
    env = api_for(env_handler)
    assert env.act(case_id, "object", {"reason": "   "}).status_code == 422
    assert Assignment.objects.get(case_id=case_id).status == "pending"
    # a real reason keeps its inner spacing; only the ends are trimmed
    ok = env.act(case_id, "object", {"reason": "  不属于 本单位职责  "})
    assert ok.status_code == 200
    assert Assignment.objects.get(case_id=case_id).objection_reason == "不属于 本单位职责"


def test_a_description_of_blanks_is_refused(ops: Api, units: Units) -> None:
    response = ops.create(description="    \n   ")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "description"
    assert Case.objects.count() == 0


def test_the_leads_reply_must_carry_its_version(
    ops: Api, units: Units, api_for: Any, env_handler: User, street_handler: User
) -> None:
    """Bug fixed: the schema documents the version as required for the lead's reply, but a
    reply without one skipped the optimistic check and could overwrite a newer state."""
    case_id = ops.create().json()["id"]
    ops.act(case_id, "accept")
    ops.act(
        case_id,
        "dispatch",
        {"lead": {"unit_id": units.env.pk}, "co_units": [{"unit_id": units.street.pk}]},
    )
    env, street = api_for(env_handler), api_for(street_handler)
    env.act(case_id, "sign")
    env.act(case_id, "start")
    street.act(case_id, "sign")
    url = f"/api/v1/cases/{case_id}/reply"
    missing = env.post(url, {"reply": "已处理", "resolved": True})
    assert missing.status_code == 422, missing.content
    assert missing.json()["errors"][0]["field"] == "version"
    assert Case.objects.get(pk=case_id).status == "handling"
    # a co-unit's reply does not move the case and needs no version
    assert street.post(url, {"reply": "已配合", "resolved": True}).status_code == 200
    # with the version it saw, the lead's reply goes through; a stale one is a 409
    version = Case.objects.get(pk=case_id).version
    stale = env.post(url, {"reply": "已处理", "resolved": True, "version": version - 1})
    assert stale.status_code == 409
    done = env.post(url, {"reply": "已处理", "resolved": True, "version": version})
    assert done.status_code == 200 and done.json()["status"] == "replied"
