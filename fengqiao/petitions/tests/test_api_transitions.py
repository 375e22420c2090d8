"""The remaining petition transitions through the API — decline, uphold, redirect, conclude,
extension refusals — each answered with the whole petition (notices, timers) or a field error,
and a property test of the group-visit limit."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.petitions.tests.conftest import Organs, unit_user
from fengqiao.procedures.testing import Api, at, ok, travel

BASE = "/api/v1/petitions"


def letter() -> dict[str, Any]:
    return {
        "channel": "letter",
        "region_code": "620102001001",
        "category_code": "RX02",
        "description": "来信反映物业收费问题。",
        "parties": [{"role": "complainant", "name": "冯九", "phone": "13912349999"}],
    }


def routed(clerk: User, organ_code: str, **route: Any) -> int:
    api = Api(clerk)
    with travel(at("2026-03-02", 9)):
        case_id: int = ok(
            api.post(f"{BASE}/", letter(), **{"Idempotency-Key": str(uuid.uuid4())}), 201
        )["id"]
        body = {"organ_code": organ_code, "mode": "transfer", "petition_type": "claim"}
        body.update(route)
        ok(api.act(BASE, case_id, "route", body))
    return case_id


def test_decline_through_the_api(organs: Organs, clerk: User, housing_officer: User) -> None:
    case_id = routed(clerk, organs.housing.code, route="investigate")
    with travel(at("2026-03-03", 9)):
        declined = ok(
            Api(housing_officer).act(BASE, case_id, "decline", {"reason": "已经法院判决"})
        )
    assert declined["case"]["status"] == "not_accepted"
    assert declined["petition"]["refusal_reason"] == "已经法院判决"
    assert [n["kind"] for n in declined["notices"]] == ["routing", "non_acceptance"]
    accept_notice = next(t for t in declined["timers"] if t["code"] == "petition.accept_notice")
    assert accept_notice["met"] is True


def test_uphold_through_the_api(organs: Organs, clerk: User, housing_officer: User) -> None:
    case_id = routed(clerk, organs.housing.code, route="investigate")
    officer, bureau = Api(housing_officer), Api(clerk)
    with travel(at("2026-03-03", 9)):
        ok(officer.act(BASE, case_id, "object", {"reason": "不属本局职责"}))
        kept = ok(bureau.act(BASE, case_id, "uphold", {"reason": "属本局职责"}))
        again = officer.act(BASE, case_id, "object", {"reason": "仍不属"})
        accepted = ok(officer.act(BASE, case_id, "accept", {"mode": "written"}))
    assert kept["case"]["status"] == "routed"
    assert again.status_code == 409 and "不得再次提出异议" in again.json()["detail"]
    assert accepted["case"]["status"] == "accepted"


def test_redirect_through_the_api(organs: Organs, clerk: User) -> None:
    court_officer = unit_user("court_officer", organs.court)
    case_id = routed(clerk, organs.court.code, route="litigation")
    court = Api(court_officer)
    with travel(at("2026-03-03", 9)):
        ok(court.act(BASE, case_id, "accept", {"mode": "written"}))
        short = court.act(BASE, case_id, "redirect", {"procedure": "x"})
        assert short.status_code == 422
        done = ok(court.act(BASE, case_id, "redirect", {"procedure": "民事诉讼程序"}))
    assert done["case"]["status"] == "redirected"
    assert done["petition"]["redirected_to"] == "民事诉讼程序"
    assert done["petition"]["matter_stage"] == "closed"


def test_conclude_through_the_api(organs: Organs, clerk: User, housing_officer: User) -> None:
    case_id = routed(clerk, organs.housing.code, route="investigate")
    officer, bureau = Api(housing_officer), Api(clerk)
    with travel(at("2026-03-03", 9)):
        ok(officer.act(BASE, case_id, "accept", {"mode": "written"}))
        early = bureau.act(BASE, case_id, "conclude", {"reason": "信访人撤回"})
        assert early.status_code == 409  # only after a written opinion
        ok(
            officer.act(
                BASE,
                case_id,
                "decide",
                {
                    "outcome": "support",
                    "request": "退还多收费用",
                    "facts": "确有多收",
                    "reasons": "应退还",
                },
            )
        )
        done = ok(bureau.act(BASE, case_id, "conclude", {"reason": "信访人接受处理意见"}))
    assert done["case"]["status"] == "concluded"
    assert not Case.objects.get(pk=case_id).is_open
    window = next(t for t in done["timers"] if t["code"] == "petition.review_request")
    assert window["running"] is False


def test_extension_is_refused_twice_and_outside_handling(
    organs: Organs, clerk: User, housing_officer: User
) -> None:
    case_id = routed(clerk, organs.housing.code, route="investigate")
    officer = Api(housing_officer)
    with travel(at("2026-03-03", 9)):
        before = officer.act(BASE, case_id, "extend", {"reason": "复杂", "approved_by": "局长"})
        assert before.status_code == 409  # not accepted yet
        ok(officer.act(BASE, case_id, "accept", {"mode": "written"}))
        ok(officer.act(BASE, case_id, "extend", {"reason": "复杂", "approved_by": "局长"}))
        twice = officer.act(BASE, case_id, "extend", {"reason": "再延", "approved_by": "局长"})
        too_long = officer.act(
            BASE, case_id, "extend", {"reason": "再延", "approved_by": "局长", "days": 400}
        )
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "extension"
    assert too_long.status_code == 422
    assert Case.objects.get(pk=case_id).status == "accepted"


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.integers(min_value=1, max_value=8))
def test_group_visit_limit_property(organs: Organs, clerk: User, people: int) -> None:
    parties = [
        {"role": "complainant", "name": f"代表{i}", "phone": f"1380000{people:02d}{i:02d}"}
        for i in range(people)
    ]
    body = {**letter(), "channel": "visit", "parties": parties}
    with travel(at("2026-03-02", 9)):
        response = Api(clerk).post(f"{BASE}/", body, **{"Idempotency-Key": str(uuid.uuid4())})
    if people <= 5:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "parties"
