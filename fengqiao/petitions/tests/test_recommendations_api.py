"""The recommendations of a petition item through the API (第四十一条, rule 22): the
信访部门 makes one and records the unit's answer; refusals are per-field 422s, a second
answer is a 409, a unit that only holds the item reads the ones sent to it and records none
(403), and a user of another township — or of another county — gets 404 exactly as for a
missing item (AC-02), as does the accused unit of an accusation (AC-10)."""

from __future__ import annotations

import uuid
from typing import Any

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import CaseTransition
from fengqiao.petitions.models import Recommendation
from fengqiao.petitions.tests.conftest import Organs, unit_user
from fengqiao.procedures.testing import Api, at, ok, travel
from fengqiao.testing import Territory, make_user

BASE = "/api/v1/petitions"


def letter(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "letter",
        "region_code": "620102001001",
        "category_code": "RX02",
        "description": "来信反映小区加装电梯补贴未发放，联系电话13912340000。",
        "parties": [{"role": "complainant", "name": "钱五", "phone": "13912340000"}],
        "about_unit_code": "ZJ-620102",
    }
    body.update(extra)
    return body


def routed(clerk: User, organ_code: str, body: dict[str, Any] | None = None, **route: Any) -> int:
    api = Api(clerk)
    with travel(at("2026-03-02", 9)):
        created = api.post(f"{BASE}/", body or letter(), **{"Idempotency-Key": str(uuid.uuid4())})
        case_id: int = ok(created, 201)["id"]
        payload = {"organ_code": organ_code, "mode": "assign", "petition_type": "claim"}
        payload.update(route)
        ok(api.act(BASE, case_id, "route", payload))
    return case_id


def url(case_id: int, rest: str = "") -> str:
    return f"{BASE}/{case_id}/recommendations{rest}"


def make(api: Api, case_id: int, **body: Any) -> Any:
    payload = {"kind": "improve_policy", "to_unit_code": "ZJ-620102", "content": "建议完善补贴办法"}
    payload.update(body)
    return api.post(url(case_id), payload)


def test_make_list_and_answer(organs: Organs, clerk: User) -> None:
    case_id = routed(clerk, organs.housing.code)
    api = Api(clerk)
    with travel(at("2026-03-10", 9)):
        made = ok(make(api, case_id, content="建议完善补贴办法，经办人电话13912340000"), 201)
    assert made["kind"] == "improve_policy" and made["kind_label"] == "完善政策建议"
    assert made["issuer_code"] == organs.bureau.code and made["to_unit"] == organs.housing.name
    assert made["adopted"] is None and made["status_label"] == "待答复"
    assert "13912340000" not in made["content"]  # scrubbed like the notices
    assert made["made_at"] == "2026-03-10T01:00:00Z"
    with travel(at("2026-03-20", 9)):
        answered = ok(
            api.post(url(case_id, f"/{made['id']}/answer"), {"adopted": True, "answer": "已修订"})
        )
    assert answered["adopted"] is True and answered["status_label"] == "已采纳"
    assert answered["answer"] == "已修订" and answered["answered_at"] == "2026-03-20T01:00:00Z"
    listed = ok(api.get(url(case_id)))
    assert [(r["id"], r["status_label"]) for r in listed] == [(made["id"], "已采纳")]
    actions = list(
        CaseTransition.objects.filter(case_id=case_id)
        .filter(action__startswith="recommend")
        .values_list("action", flat=True)
    )
    assert actions == ["recommend", "recommendation_answer"]
    assert AuditEntry.objects.filter(action="case.recommend").count() == 1
    assert AuditEntry.objects.filter(action="case.recommendation_answer").count() == 1
    with travel(at("2026-03-21", 9)):
        again = api.post(url(case_id, f"/{made['id']}/answer"), {"adopted": False, "answer": "x"})
    assert again.status_code == 409
    assert "已登记" in again.json()["detail"] and again.json()["detail_en"]


def test_refusals_are_per_field(organs: Organs, clerk: User) -> None:
    case_id = routed(clerk, organs.housing.code)
    api = Api(clerk)
    with travel(at("2026-03-10", 9)):
        bad_kind = make(api, case_id, kind="praise")
        unknown = make(api, case_id, to_unit_code="NO-SUCH")
        itself = make(api, case_id, to_unit_code=organs.bureau.code)
        extra = make(api, case_id, issuer_code=organs.city_bureau.code)
        made = ok(make(api, case_id), 201)
        no_reason = api.post(url(case_id, f"/{made['id']}/answer"), {"adopted": False})
        not_json = api.client.post(url(case_id), "{", content_type="application/json")
    assert bad_kind.status_code == 422 and bad_kind.json()["errors"][0]["field"] == "kind"
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"field": "to_unit_code", "message": "单位不存在或已停用",
         "message_en": "unknown or inactive unit"}
    ]  # fmt: skip
    assert itself.status_code == 422
    assert itself.json()["errors"][0]["field"] == "to_unit_code"
    assert itself.json()["errors"][0]["message"] == "建议对象不能是提出建议的机关"
    assert extra.status_code == 422 and extra.json()["errors"][0]["field"] == "issuer_code"
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "answer"
    assert not_json.status_code == 400
    assert Recommendation.objects.get().adopted is None


def test_a_unit_reads_what_was_sent_to_it_and_records_nothing(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case_id = routed(clerk, organs.housing.code)
    bureau, officer = Api(clerk), Api(housing_officer)
    leader = Api(make_user("county_leader", Role.LEADER, territory.county))
    with travel(at("2026-03-10", 9)):
        to_housing = ok(make(bureau, case_id), 201)
        ok(make(bureau, case_id, kind="accountability", to_unit_code=organs.discipline.code,
                content="建议追究经办人责任"), 201)  # fmt: skip
        seen = ok(officer.get(url(case_id)))
        assert [r["id"] for r in seen] == [to_housing["id"]]
        assert len(ok(leader.get(url(case_id)))) == 2
        refused = make(officer, case_id)
        assert refused.status_code == 403 and refused.json()["detail_en"]
        answer = officer.post(url(case_id, f"/{to_housing['id']}/answer"), {"adopted": True})
        assert answer.status_code == 403
        assert make(leader, case_id).status_code == 403
    assert Recommendation.objects.count() == 2


def test_another_township_gets_404_like_missing(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case_id = routed(clerk, organs.housing.code)
    with travel(at("2026-03-10", 9)):
        made = ok(make(Api(clerk), case_id), 201)
    town_clerk = make_user("town_clerk", Role.OPERATOR, territory.town)
    for username, region in (("west_town", territory.other_town), ("west", territory.other_county)):
        api = Api(make_user(username, Role.OPERATOR, region))
        with travel(at("2026-03-11", 9)):
            missing = api.get(url(999999))
            assert missing.status_code == 404
            for response in (
                api.get(url(case_id)),
                make(api, case_id),
                api.post(url(case_id, f"/{made['id']}/answer"), {"adopted": True}),
            ):
                assert response.status_code == 404, username
                assert response.content == missing.content
    # the item's own township acts in its region: it may record, and sees the bureau's
    with travel(at("2026-03-11", 9)):
        own = Api(town_clerk)
        assert [r["id"] for r in ok(own.get(url(case_id)))] == [made["id"]]
        ok(own.post(url(case_id, f"/{made['id']}/answer"), {"adopted": False, "answer": "不采纳"}))
    assert Recommendation.objects.get().adopted is False


def test_a_recommendation_of_another_item_is_404(organs: Organs, clerk: User) -> None:
    other = letter(
        description="来信反映道路积水。",
        parties=[{"role": "complainant", "name": "孙六", "phone": "13912341111"}],
    )
    first, second = routed(clerk, organs.housing.code), routed(clerk, organs.housing.code, other)
    api = Api(clerk)
    with travel(at("2026-03-10", 9)):
        made = ok(make(api, first), 201)
        wrong = api.post(url(second, f"/{made['id']}/answer"), {"adopted": True})
        assert wrong.status_code == 404
        assert ok(api.get(url(second))) == []
    assert Recommendation.objects.get().adopted is None


def test_the_accused_unit_never_sees_an_accusations_recommendations(
    organs: Organs, clerk: User
) -> None:
    body = letter(about_unit_code=organs.accused.code, petition_type="accusation")
    case_id = routed(
        clerk, organs.discipline.code, body, petition_type="accusation", mode="transfer"
    )
    accused = Api(unit_user("accused_officer", organs.accused))
    with travel(at("2026-03-10", 9)):
        ok(make(Api(clerk), case_id, kind="accountability", to_unit_code=organs.accused.code), 201)
        assert accused.get(url(case_id)).status_code == 404
        assert make(accused, case_id).status_code == 404
