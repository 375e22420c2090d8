"""The petitions API beyond the journey: staff registration (idempotent, validated), the
scoped list and detail (AC-02: 404 out of scope; AC-10: an accusation is never shown to the
accused unit), each transition's refusals in the standard error shape, decision documents
(audited), the petitioner's door (submit, track, rate) and the annual report."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Case
from fengqiao.petitions.models import Petition
from fengqiao.petitions.tests.conftest import Organs, unit_user
from fengqiao.procedures.testing import VALID_ID, Api, at, end_of, ok, travel
from fengqiao.testing import Territory, make_user

BASE = "/api/v1/petitions"
PUBLIC = f"{BASE}/public"


def letter(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "letter",
        "region_code": "620102001001",
        "category_code": "RX02",
        "description": "来信反映小区加装电梯补贴未发放。",
        "parties": [
            {"role": "complainant", "name": "钱五", "phone": "13912340000", "id_number": VALID_ID}
        ],
        "about_unit_code": "ZJ-620102",
    }
    body.update(extra)
    return body


def register(api: Api, body: dict[str, Any], key: str | None = None) -> Any:
    return api.post(f"{BASE}/", body, **{"Idempotency-Key": key or str(uuid.uuid4())})


def fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def routed(clerk: User, organ_code: str, body: dict[str, Any] | None = None, **route: Any) -> int:
    api = Api(clerk)
    with travel(at("2026-03-02", 9)):
        case_id: int = ok(register(api, body or letter()), 201)["id"]
    payload = {"organ_code": organ_code, "mode": "assign", "petition_type": "claim"}
    payload.update(route)
    if payload["petition_type"] == "claim":
        payload.setdefault("route", "investigate")
    with travel(at("2026-03-03", 9)):
        ok(api.act(BASE, case_id, "route", payload))
    return case_id


# ------------------------------------------------------------------ staff registration


def test_staff_registration_is_idempotent(organs: Organs, clerk: User) -> None:
    api, key = Api(clerk), str(uuid.uuid4())
    with travel(at("2026-03-02", 9)):
        first = ok(register(api, letter(), key), 201)
        again = register(api, letter(), key)
    assert again.status_code == 201 and again.json() == first
    assert Case.objects.filter(kind="petition").count() == 1
    petition = Petition.objects.get(case_id=first["id"])
    assert petition.channel == "letter" and petition.received_by_id == organs.bureau.pk
    assert first["status"] == "registered" and first["due_at"].startswith("2026-03-17")
    assert first["refusal_reason"] == ""


def test_staff_registration_needs_a_key(organs: Organs, clerk: User) -> None:
    response = Api(clerk).post(f"{BASE}/", letter())
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]


def test_staff_registration_checks_its_fields(organs: Organs, clerk: User) -> None:
    api = Api(clerk)
    response = register(
        api,
        letter(
            received_by_code=organs.housing.code,
            same_matter_receipt_no="XF2099010100001",
            parties=[{"role": "respondent", "name": "某某"}],
        ),
    )
    assert response.status_code == 422
    assert fields(response) == {"received_by_code", "same_matter_receipt_no", "parties"}
    body = response.json()
    assert body["detail"] and body["detail_en"]
    assert register(api, letter(channel="pigeon")).status_code == 422
    assert "channel" in str(register(api, letter(channel="pigeon")).json()["errors"])
    assert register(api, letter(unknown_field=1)).status_code == 422
    assert not Case.objects.exists()


def test_group_visit_above_five_representatives_is_refused(organs: Organs, clerk: User) -> None:
    parties = [
        {"role": "complainant", "name": f"代表{i}", "phone": f"1391234{i:04d}"} for i in range(6)
    ]
    response = register(Api(clerk), letter(channel="visit", parties=parties, people_count=40))
    assert response.status_code == 422
    assert fields(response) == {"parties"}
    assert "5人" in response.json()["detail"]
    ok_body = letter(channel="visit", parties=parties[:5], people_count=40)
    with travel(at("2026-03-02", 9)):
        created = ok(register(Api(clerk), ok_body), 201)
    petition = Petition.objects.get(case_id=created["id"])
    assert petition.is_group and petition.channel == "visit"


def test_same_matter_named_explicitly(organs: Organs, clerk: User, housing_officer: User) -> None:
    api = Api(clerk)
    case_id = routed(clerk, organs.housing.code)
    receipt = Case.objects.get(pk=case_id).receipt_no
    other_person = letter(
        parties=[{"role": "complainant", "name": "钱五之子", "phone": "13700001111"}],
        same_matter_receipt_no=receipt.lower(),
    )
    with travel(at("2026-03-05", 9)):
        created = ok(register(api, other_person), 201)
    assert created["status"] == "not_accepted"
    assert "不重复受理" in created["refusal_reason"]
    assert (
        Petition.objects.get(case_id=created["id"]).matter_id
        == Petition.objects.get(case_id=case_id).matter_id
    )


# ------------------------------------------------------------------ list, detail, scope


def test_list_filters_and_scope(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    first = routed(clerk, organs.housing.code)
    api = Api(clerk)
    with travel(at("2026-03-04", 9)):
        second = ok(
            register(
                api,
                letter(
                    channel="phone",
                    parties=[{"role": "complainant", "name": "孙六", "phone": "13600000000"}],
                ),
            ),
            201,
        )["id"]
        items = ok(api.get(f"{BASE}/"))["items"]
        assert {i["id"] for i in items} == {first, second}
        assert {i["id"] for i in ok(api.get(f"{BASE}/", status="routed"))["items"]} == {first}
        assert {i["id"] for i in ok(api.get(f"{BASE}/", channel="phone"))["items"]} == {second}
        assert {i["id"] for i in ok(api.get(f"{BASE}/", petition_type="claim"))["items"]} == {first}
        assert ok(api.get(f"{BASE}/", region="620103000000"))["items"] == []
        assert len(ok(api.get(f"{BASE}/", region="620102001001"))["items"]) == 2
        assert ok(api.get(f"{BASE}/", region="999999999999"))["items"] == []
        assert len(ok(api.get(f"{BASE}/", overdue=False))["items"]) == 2
        # the organ sees only what was routed to it
        officer = Api(housing_officer)
        assert [i["id"] for i in ok(officer.get(f"{BASE}/"))["items"]] == [first]
        assert officer.get(f"{BASE}/{second}").status_code == 404
        detail = ok(officer.get(f"{BASE}/{first}"))
    assert detail["petition"]["channel_label"] == "书信"
    assert detail["petition"]["routing_mode"] == "assign"
    assert {t["code"] for t in detail["timers"]} >= {
        "petition.register_route",
        "petition.accept_notice",
        "petition.misroute_objection",
    }


def test_out_of_scope_is_404_like_missing(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case_id = routed(clerk, organs.housing.code)
    stranger = make_user("other_operator", Role.OPERATOR, territory.other_county)
    api = Api(stranger)
    with travel(at("2026-03-04", 9)):
        assert api.get(f"{BASE}/{case_id}").status_code == 404
        assert api.get(f"{BASE}/999999").status_code == 404
        assert ok(api.get(f"{BASE}/"))["items"] == []
        assert api.act(BASE, case_id, "refuse", {"reason": "不属于信访"}).status_code == 404


def test_accusation_is_never_shown_to_the_accused_unit(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    body = letter(about_unit_code=organs.accused.code, petition_type="accusation")
    case_id = routed(
        clerk, organs.discipline.code, body, petition_type="accusation", mode="transfer"
    )
    accused = Api(unit_user("accused_officer", organs.accused))
    discipline = Api(unit_user("discipline_officer", organs.discipline))
    with travel(at("2026-03-04", 9)):
        assert accused.get(f"{BASE}/{case_id}").status_code == 404
        assert ok(accused.get(f"{BASE}/"))["items"] == []
        assert accused.act(BASE, case_id, "accept", {"mode": "written"}).status_code == 404
        seen = ok(discipline.get(f"{BASE}/{case_id}"))
    assert seen["petition"]["petition_type"] == "accusation"
    assert seen["petition"]["about_unit"] == organs.accused.name


def test_accusation_cannot_be_routed_to_the_accused(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    api = Api(clerk)
    with travel(at("2026-03-02", 9)):
        case_id = ok(register(api, letter(about_unit_code=organs.accused.code)), 201)["id"]
        response = api.act(
            BASE,
            case_id,
            "route",
            {"organ_code": organs.accused.code, "mode": "transfer", "petition_type": "accusation"},
        )
    assert response.status_code == 422
    messages = [e["message"] for e in response.json()["errors"]]
    assert any("纪检监察" in x for x in messages) and any("被检举控告" in x for x in messages)


# ------------------------------------------------------------------ transitions


def test_route_refusals(organs: Organs, clerk: User) -> None:
    api = Api(clerk)
    with travel(at("2026-03-02", 9)):
        case_id = ok(register(api, letter()), 201)["id"]
        unknown = api.act(
            BASE,
            case_id,
            "route",
            {"organ_code": "NOPE", "mode": "assign", "petition_type": "claim"},
        )
        assert unknown.status_code == 422 and fields(unknown) == {"organ_code"}
        stale = api.post(
            f"{BASE}/{case_id}/route",
            {
                "organ_code": organs.housing.code,
                "mode": "assign",
                "petition_type": "claim",
                "route": "investigate",
                "version": 999,
            },
        )
        assert stale.status_code == 409
        wrong_mode = api.act(
            BASE,
            case_id,
            "route",
            {"organ_code": organs.housing.code, "mode": "post", "petition_type": "claim"},
        )
        assert wrong_mode.status_code == 422
    assert Case.objects.get(pk=case_id).status == "registered"


def test_accept_object_and_rulings_through_the_api(
    organs: Organs, clerk: User, housing_officer: User
) -> None:
    case_id = routed(clerk, organs.housing.code)
    officer, bureau = Api(housing_officer), Api(clerk)
    with travel(at("2026-03-04", 9)):
        assert bureau.act(BASE, case_id, "accept", {"mode": "written"}).status_code == 403
        objected = ok(officer.act(BASE, case_id, "object", {"reason": "属规划部门职责"}))
        assert objected["case"]["status"] == "objected"
        moved = ok(
            bureau.act(
                BASE,
                case_id,
                "redispatch",
                {"organ_code": organs.accused.code, "reason": "改交市场监管"},
            )
        )
    assert moved["case"]["lead_unit"] == organs.accused.name
    # the first organ no longer holds the item: out of its scope, like missing (AC-02)
    with travel(at("2026-03-04", 10)):
        assert officer.act(BASE, case_id, "accept", {"mode": "written"}).status_code == 404


def test_late_objection_is_422_with_the_field(
    organs: Organs, clerk: User, housing_officer: User
) -> None:
    case_id = routed(clerk, organs.housing.code)
    with travel(at("2026-03-11", 9)):  # 03-03 + 5 working days = 03-10
        response = Api(housing_officer).act(BASE, case_id, "object", {"reason": "不属本局"})
    assert response.status_code == 422 and fields(response) == {"reason"}
    assert "5个工作日" in response.json()["detail"]


def test_extend_decide_and_documents_through_the_api(
    organs: Organs, clerk: User, housing_officer: User
) -> None:
    case_id = routed(clerk, organs.housing.code)
    officer = Api(housing_officer)
    with travel(at("2026-03-04", 9)):
        ok(officer.act(BASE, case_id, "accept", {"mode": "on_the_spot"}))
    with travel(at("2026-04-20", 9)):
        missing = officer.act(BASE, case_id, "extend", {"reason": "复杂", "approved_by": ""})
        assert missing.status_code == 422
        extended = ok(
            officer.act(
                BASE,
                case_id,
                "extend",
                {"reason": "需要现场核查", "approved_by": "局长", "days": 20},
            )
        )
    assert extended["petition"]["extended"] is True
    handling = next(t for t in extended["timers"] if t["code"] == "petition.handling")
    # 60 days from 03-04 end on 05-03 (劳动节) → 05-06; +20 days → 05-26
    assert handling["extended"]
    assert datetime.fromisoformat(handling["due_at"]) == end_of("2026-05-26")
    with travel(at("2026-04-25", 9)):
        bad = officer.act(BASE, case_id, "decide", {"outcome": "maybe", "request": "x"})
        assert bad.status_code == 422
        decided = ok(
            officer.act(
                BASE,
                case_id,
                "decide",
                {
                    "outcome": "support",
                    "request": "请求发放补贴",
                    "facts": "材料齐全，符合条件",
                    "reasons": "应予发放",
                    "basis": ["实施办法第十二条"],
                },
            )
        )
        decision_id = decided["decisions"][0]["id"]
        data = ok(officer.get(f"{BASE}/{case_id}/decisions/{decision_id}"))
        assert officer.get(
            f"{BASE}/{case_id}/decisions/{decision_id}/document.txt"
        ).status_code == (404)
        assert officer.get(f"{BASE}/{case_id}/decisions/999999/document.pdf").status_code == 404
    assert decided["case"]["status"] == "decided" and decided["case"]["resolved"] is True
    assert data["petitioner"] == "钱五"  # the organ's own document names the petitioner
    assert data["organ"] == organs.housing.name and data["channel"] == "书信"
    assert data["basis"] == ["实施办法第十二条"] and data["review"]["days"] == 30
    assert data["review"]["source"] == "《信访工作条例》第三十五条"
    audited = AuditEntry.objects.filter(action="petition.decision_document").count()
    assert audited >= 1


def test_conclude_and_refuse_need_a_reason(organs: Organs, clerk: User) -> None:
    api = Api(clerk)
    with travel(at("2026-03-02", 9)):
        case_id = ok(register(api, letter()), 201)["id"]
        short = api.act(BASE, case_id, "refuse", {"reason": "x"})
        assert short.status_code == 422 and fields(short) == {"reason"}
        done = ok(api.act(BASE, case_id, "refuse", {"reason": "属于诉讼程序"}))
    assert done["case"]["status"] == "not_accepted"
    assert done["notices"][-1]["kind"] == "non_acceptance"


# ------------------------------------------------------------------ the petitioner's door


def citizen(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": "620102001001",
        "category_code": "RX02",
        "description": "网上反映：小区电梯补贴未发放。",
        "name": "李七",
        "phone": "13512345678",
    }
    body.update(extra)
    return body


def submit(body: dict[str, Any]) -> Any:
    return Api(None).post(f"{PUBLIC}/submit", body, **{"Idempotency-Key": str(uuid.uuid4())})


def test_submit_validates_without_a_500(organs: Organs) -> None:
    bad_phone = submit(citizen(phone="12345"))
    assert bad_phone.status_code == 422 and "phone" in str(bad_phone.json()["errors"])
    bad_id = submit(citizen(id_number="110105194912310021"))
    assert bad_id.status_code == 422
    assert submit(citizen(description="短")).status_code == 422
    assert submit(citizen(to_bureau_code=organs.housing.code)).status_code == 422
    assert submit(citizen(region_code="999999999999")).status_code == 422
    assert submit(citizen(extra="x")).status_code == 422
    assert not Case.objects.exists()


def test_submit_to_a_named_bureau(organs: Organs) -> None:
    with travel(at("2026-03-02", 20)):
        created = ok(submit(citizen(to_bureau_code=organs.city_bureau.code)), 201)
    assert created["id"] is None and created["verification_code"]  # no internal id outside
    petition = Petition.objects.get(case__receipt_no=created["receipt_no"])
    assert petition.received_by_id == organs.city_bureau.pk and petition.channel == "online"
    assert Case.objects.get(pk=petition.case_id).channel == "online_petition"


def test_track_and_rate_need_the_right_code(organs: Organs, clerk: User) -> None:
    with travel(at("2026-03-02", 20)):
        created = ok(submit(citizen()), 201)
    public = Api(None)
    receipt, code = created["receipt_no"], created["verification_code"]
    with travel(at("2026-03-03", 9)):
        wrong = public.post(f"{PUBLIC}/track", {"receipt_no": receipt, "code": "000000"})
        assert wrong.status_code == 404
        unknown = public.post(f"{PUBLIC}/track", {"receipt_no": "XF2099010199999", "code": code})
        assert unknown.status_code == 404
        tracked = ok(public.post(f"{PUBLIC}/track", {"receipt_no": receipt.lower(), "code": code}))
        assert tracked["can_rate"] is False and tracked["key_dates"][0]["event"] == "登记"
        assert tracked["deadlines"][0]["running"] is True
        assert "李七" not in str(tracked) and "13512345678" not in str(tracked)
        early = public.post(
            f"{PUBLIC}/rate", {"receipt_no": receipt, "code": code, "satisfaction": "satisfied"}
        )
        assert early.status_code == 409
        invalid = public.post(
            f"{PUBLIC}/rate", {"receipt_no": receipt, "code": code, "satisfaction": "meh"}
        )
        assert invalid.status_code == 422


def test_online_submission_reaches_the_bureau_list(organs: Organs, clerk: User) -> None:
    with travel(at("2026-03-02", 20)):
        created = ok(submit(citizen()), 201)
    with travel(at("2026-03-03", 9)):
        items = ok(Api(clerk).get(f"{BASE}/", channel="online"))["items"]
    assert [i["receipt_no"] for i in items] == [created["receipt_no"]]
    assert items[0]["channel_label"] == "信息网络"


# ------------------------------------------------------------------ report


def test_report_endpoint_is_scoped(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    routed(clerk, organs.housing.code)
    with travel(at("2026-03-04", 9)):
        mine = ok(Api(clerk).get(f"{BASE}/report", year=2026))
        stranger = make_user("far_operator", Role.OPERATOR, territory.other_county)
        theirs = ok(Api(stranger).get(f"{BASE}/report", year=2026))
        last_year = ok(Api(clerk).get(f"{BASE}/report", year=2025))
    assert mine["total"] == 1 and mine["assigned"] == 1
    assert mine["by_channel"] == {"书信": 1}
    assert mine["most_complained_units"] == [{"unit": organs.housing.name, "count": 1}]
    assert theirs["total"] == 0 and last_year["total"] == 0


@pytest.mark.parametrize("path", ["/", "/report", "/1"])
def test_anonymous_staff_endpoints_are_refused(organs: Organs, path: str) -> None:
    assert Api(None).get(f"{BASE}{path}").status_code in (401, 403)
