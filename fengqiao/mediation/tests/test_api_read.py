"""Reading disputes through the API: the scoped list and its filters, the detail (every clock
on the case, stages with provenance), the agreement (JSON, .docx and .pdf read back, rule 25;
who may fetch it, audited), 繁简分流 suggestions, the statistics table (each dispute once) and
a route's share settled per step; plus the transitions not in the journeys."""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Case
from fengqiao.mediation.models import AverageWage
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.procedures.testing import Api, at, end_of, ok, travel
from fengqiao.testing import Territory

BASE = "/api/v1/mediation/disputes"
ROOT = "/api/v1/mediation"


def body(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "grid_patrol",
        "region_code": "620102001001001",
        "category_code": "TJ02",
        "description": "张三与李四因宅前空地停车发生争执",
        "amount": "2000.00",
        "parties": [
            {"role": "complainant", "name": "张三", "phone": "13911112222", "address": "某路1号"},
            {"role": "respondent", "name": "李四", "phone": "13833334444", "address": "某路3号"},
        ],
    }
    data.update(extra)
    return data


def create(api: Api, data: dict[str, Any], url: str = BASE) -> dict[str, Any]:
    created: dict[str, Any] = ok(api.post(url, data, **{"Idempotency-Key": str(uuid.uuid4())}), 201)
    return created


def fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def docx_text(data: bytes) -> str:
    doc = open_docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return re.sub(r"\s+", "", "".join(parts))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def mediate(committee: Api, case_id: int, mediator_id: int, day: str = "2026-03-03") -> None:
    with travel(at(day, 9)):
        ok(committee.act(BASE, case_id, "accept"))
        ok(
            committee.act(
                BASE,
                case_id,
                "assign-mediators",
                {"mediators": [{"mediator_id": mediator_id, "presiding": True}]},
            )
        )
        ok(
            committee.act(
                BASE,
                case_id,
                "sessions",
                {
                    "held_at": at(day, 8).isoformat(),
                    "record": "调解记录",
                    "mediator_ids": [mediator_id],
                },
            )
        )


AGREEMENT = {
    "form": "written",
    "facts": "李四长期占用张三宅前空地停车。",
    "disputed_points": "空地使用权及停车位置。",
    "responsibility": "李四负主要责任。",
    "terms": ["李四自2026年3月10日起不在张三宅前停车。", "李四一次性补偿张三人民币贰佰元。"],
    "performance_manner": "当面支付现金。",
    "performance_place": "社区调解室",
    "performance_deadline": "2026-03-31",
    "amount": "200.00",
}


def settled(
    worker: Api, committee: Api, bodies: Bodies, agreement: dict[str, Any] | None = None
) -> int:
    with travel(at("2026-03-02", 9)):
        case_id: int = create(worker, body(org_code=bodies.village.code))["id"]
    mediate(committee, case_id, bodies.mediators["village"].pk)
    with travel(at("2026-03-04", 10)):
        ok(
            committee.act(
                BASE,
                case_id,
                "outcome",
                {"outcome": "success", "agreement": agreement or AGREEMENT},
            )
        )
    return case_id


# ------------------------------------------------------------------ intake


def test_intake_field_errors(grid_worker: User, bodies: Bodies) -> None:
    api = Api(grid_worker)
    response = api.post(
        BASE,
        body(org_code="NOPE", police_unit_code="NOPE", referred_by_code="NOPE"),
        **{"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 422
    assert {"org_code", "police_unit_code", "referred_by_code"} <= fields(response)
    risky = api.post(BASE, body(criminal_risk=True), **{"Idempotency-Key": str(uuid.uuid4())})
    assert risky.status_code == 422
    assert not Case.objects.exists()


def test_intake_with_risk_reports_to_the_police(grid_worker: User, bodies: Bodies) -> None:
    with travel(at("2026-03-02", 9)):
        created = create(
            Api(grid_worker),
            body(
                org_code=bodies.village.code,
                criminal_risk=True,
                police_unit_code=bodies.police.code,
                risk_note="一方扬言报复",
            ),
        )
    detail = ok(Api(grid_worker).get(f"{BASE}/{created['id']}"))
    assert detail["dispute"]["criminal_risk"] is True
    assert datetime.fromisoformat(detail["dispute"]["police_reported_at"]) == at("2026-03-02", 9)
    assert "criminal_risk" in detail["case"]["flags"]


def test_court_referral_intake_via_the_api(county_operator: User, bodies: Bodies) -> None:
    api = Api(county_operator)
    bad = api.post(
        f"{ROOT}/court-referrals",
        body(court_code=bodies.court.code, referral_type="entrusted"),
        **{"Idempotency-Key": str(uuid.uuid4())},
    )
    assert bad.status_code == 422 and "procedure" in fields(bad)
    with travel(at("2026-03-02", 9)):
        created = create(
            api,
            body(
                court_code=bodies.court.code,
                referral_type="delegated",
                route_id=bodies.route.pk,
                court_case_no="（2026）甘0102诉前调1号",
            ),
            f"{ROOT}/court-referrals",
        )
    detail = ok(api.get(f"{BASE}/{created['id']}"))
    assert detail["case"]["kind"] == "court_referral"
    assert detail["referral"]["step"] == 1 and detail["referral"]["step_name"] == "综治中心"
    assert detail["referral"]["referral_type"] == "delegated"
    assert detail["stages"][0]["via"] == "diversion"


# ------------------------------------------------------------------ list and detail


def test_list_filters(
    territory: Territory, grid_worker: User, villager: User, outsider: User, bodies: Bodies
) -> None:
    worker, committee = Api(grid_worker), Api(villager)
    first = settled(worker, committee, bodies)
    with travel(at("2026-03-05", 9)):
        second = create(worker, body(category_code="TJ0101", org_code=bodies.township.code))["id"]
        listed = ok(worker.get(BASE))["items"]
        assert {i["id"] for i in listed} == {first, second}
        assert [i["id"] for i in ok(worker.get(BASE, status="agreed"))["items"]] == [first]
        assert [i["id"] for i in ok(worker.get(BASE, category="TJ01"))["items"]] == [second]
        assert [i["id"] for i in ok(worker.get(BASE, outcome="success"))["items"]] == [first]
        assert len(ok(worker.get(BASE, source="application"))["items"]) == 2
        assert ok(worker.get(BASE, kind="court_referral"))["items"] == []
        assert ok(worker.get(BASE, region="620103000000"))["items"] == []
        assert len(ok(worker.get(BASE, received_from="2026-03-05"))["items"]) == 1
        assert len(ok(worker.get(BASE, received_to="2026-03-04"))["items"]) == 1
        assert worker.get(BASE, kind="petition").status_code == 422
        assert ok(Api(outsider).get(BASE))["items"] == []
        assert Api(outsider).get(f"{BASE}/{first}").status_code == 404
    row = next(i for i in listed if i["id"] == first)
    assert row["outcome"] == "success" and row["mediation_type"] == "people"


def test_detail_shows_every_clock_and_masks_free_text(
    grid_worker: User, villager: User, bodies: Bodies
) -> None:
    worker, committee = Api(grid_worker), Api(villager)
    with travel(at("2026-03-02", 9)):
        case_id = create(worker, body(org_code=bodies.village.code))["id"]
    mediate(committee, case_id, bodies.mediators["village"].pk)
    with travel(at("2026-03-04", 9)):
        ok(
            committee.act(
                BASE,
                case_id,
                "sessions",
                {
                    "held_at": at("2026-03-04", 8).isoformat(),
                    "record": "张三称可拨打13911112222联系",
                    "mediator_ids": [bodies.mediators["village"].pk],
                },
            )
        )
        detail = ok(committee.get(f"{BASE}/{case_id}"))
    term = next(t for t in detail["timers"] if t["code"] == "mediation.people")
    assert term["primary"] and term["running"] and not term["overdue"]
    assert datetime.fromisoformat(term["due_at"]) == end_of("2026-04-03")
    assert datetime.fromisoformat(detail["case"]["due_at"]) == end_of("2026-04-03")
    assert "13911112222" not in detail["sessions"][1]["record"]
    assert [s["seq"] for s in detail["sessions"]] == [1, 2]
    assert detail["mediators"][0]["presiding"] is True


# ------------------------------------------------------------------ the agreement


def test_agreement_json_docx_pdf_carry_rule_25(
    grid_worker: User, villager: User, bodies: Bodies
) -> None:
    worker, committee = Api(grid_worker), Api(villager)
    case_id = settled(worker, committee, bodies)
    with travel(at("2026-03-04", 11)):
        data = ok(committee.get(f"{BASE}/{case_id}/agreement"))
        docx = committee.get(f"{BASE}/{case_id}/agreement.docx")
        pdf = committee.get(f"{BASE}/{case_id}/agreement.pdf")
        assert committee.get(f"{BASE}/{case_id}/agreement.txt").status_code == 404
    assert data["committee"] == bodies.village.name
    assert [p["name"] for p in data["parties"]] == ["张三", "李四"]
    assert [p["role"] for p in data["parties"]] == ["申请人", "被申请人"]
    assert data["parties"][0]["contact"] != "13911112222"  # masked on the printed copy
    assert data["copies"]["count"] == 3 and "第二十九条" in data["copies"]["source"]
    assert data["mediators"] == [bodies.mediators["village"].name]
    for text in (docx_text(docx.content), pdf_text(pdf.content)):
        for expected in (
            "人民调解协议书",
            "张三",
            "李四",
            "李四长期占用张三宅前空地停车",  # facts
            "空地使用权及停车位置",  # disputed points
            "李四负主要责任",  # responsibility
            "李四一次性补偿张三人民币贰佰元",  # terms
            "当面支付现金",  # manner
            "2026年3月31日",  # deadline
            "一式三份",
            f"{bodies.village.name}（印）",
            "人民调解员（签名）",
        ):
            assert expected in text, expected
        assert "13911112222" not in text
    assert AuditEntry.objects.filter(action="mediation.agreement_document").count() == 3


def test_oral_agreement_prints_as_its_record(
    grid_worker: User, villager: User, bodies: Bodies
) -> None:
    worker, committee = Api(grid_worker), Api(villager)
    oral = {"form": "oral", "terms": ["双方互相道歉，李四不再在张三宅前停车。"]}
    case_id = settled(worker, committee, bodies, oral)
    with travel(at("2026-03-04", 11)):
        detail = ok(committee.get(f"{BASE}/{case_id}"))
        pdf = committee.get(f"{BASE}/{case_id}/agreement.pdf")
    assert detail["agreements"][0]["effective_at"] is not None
    assert detail["agreements"][0]["status"] == "effective"
    text = pdf_text(pdf.content)
    assert "人民调解口头协议登记表" in text and "双方互相道歉" in text


def test_agreement_is_withheld_from_others_and_the_refusal_audited(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    worker, committee = Api(grid_worker), Api(villager)
    case_id = settled(worker, committee, bodies)
    with travel(at("2026-03-04", 11)):
        denied = worker.get(f"{BASE}/{case_id}/agreement.pdf")
        assert denied.status_code == 403
        assert worker.get(f"{BASE}/{case_id}/agreement").status_code == 403
    row = AuditEntry.objects.filter(action="mediation.agreement_document").order_by("-pk").first()
    assert row is not None and row.outcome == "denied"


def test_no_agreement_yet_is_a_clear_refusal(
    grid_worker: User, villager: User, bodies: Bodies
) -> None:
    with travel(at("2026-03-02", 9)):
        case_id = create(Api(grid_worker), body(org_code=bodies.village.code))["id"]
        response = Api(villager).get(f"{BASE}/{case_id}/agreement")
    assert response.status_code == 422
    assert "没有调解协议" in response.json()["detail"]


# ------------------------------------------------------------------ tracks, stats, report


def test_track_suggestion_endpoint(territory: Territory, grid_worker: User, bodies: Bodies) -> None:
    AverageWage.objects.create(
        province=territory.province,
        year=2025,
        amount=Decimal("90000.00"),
        source_document="测试数据（非真实统计数字）",
    )
    with travel(at("2026-03-02", 9)):
        case_id = create(Api(grid_worker), body(category_code="TJ04", amount="45000.00"))["id"]
        suggestion = ok(Api(grid_worker).get(f"{BASE}/{case_id}/tracks"))
    assert suggestion["threshold"] == "45000.00" and suggestion["wage_year"] == 2025
    assert [o["track"] for o in suggestion["options"]] == ["small_claims", "simplified", "ordinary"]
    small = suggestion["options"][0]
    assert not small["needs_consent"] and "一审终审" in small["reasons"][0]
    assert "民事诉讼法" in small["trial_limit"]


def test_stats_endpoint_counts_each_dispute_once(
    grid_worker: User, villager: User, bodies: Bodies
) -> None:
    worker, committee = Api(grid_worker), Api(villager)
    first = settled(worker, committee, bodies)
    with travel(at("2026-03-05", 9)):
        create(worker, body(category_code="TJ0101"))
        table = ok(worker.get(f"{ROOT}/stats"))
    assert table["disputes"] == 2 and table["handoffs"] == 0
    rows = {r["code"]: r for r in table["rows"]}
    assert rows["TJ02"]["succeeded"] == 1 and rows["TJ02"]["success_rate"] == 1.0
    assert Decimal(rows["TJ02"]["agreement_amount"]) == Decimal("200.00")
    assert rows["TJ01"]["succeeded"] == 0 and rows["TJ01"]["success_rate"] == 0.0
    assert table["by_source"] == {"主动调解": 0, "申请调解": 2, "接受委托移送调解": 0}
    only = ok(worker.get(f"{ROOT}/stats", status="agreed"))
    assert only["disputes"] == 1 and first


def test_route_report_endpoint(county_operator: User, outsider: User, bodies: Bodies) -> None:
    api = Api(county_operator)
    report = ok(api.get(f"{ROOT}/routes/{bodies.route.pk}/report"))
    assert report["referred"] == 0 and [s["order"] for s in report["steps"]] == [1, 2, 3]
    assert all(s["share_of_reached"] is None for s in report["steps"])
    assert Api(outsider).get(f"{ROOT}/routes/{bodies.route.pk}/report").status_code == 404
    assert api.get(f"{ROOT}/routes/999999/report").status_code == 404


# ------------------------------------------------------------------ transitions


def test_decline_through_the_api(grid_worker: User, villager: User, bodies: Bodies) -> None:
    with travel(at("2026-03-02", 9)):
        case_id = create(Api(grid_worker), body(org_code=bodies.village.code))["id"]
    committee = Api(villager)
    with travel(at("2026-03-02", 10)):
        short = committee.act(BASE, case_id, "decline", {"reason": "拒绝", "routes_told": ""})
        assert short.status_code == 422
        declined = ok(
            committee.act(
                BASE,
                case_id,
                "decline",
                {"reason": "被申请人明确拒绝调解", "routes_told": "可向人民法院起诉"},
            )
        )
    assert declined["case"]["status"] == "declined"
    assert declined["dispute"]["routes_told"] == "可向人民法院起诉"
    assert declined["stages"][0]["outcome"] == "declined"


def test_dispatch_object_redispatch_uphold_through_the_api(
    grid_worker: User, county_operator: User, bodies: Bodies
) -> None:
    worker, centre = Api(grid_worker), Api(county_operator)
    village = Api(member("village_m2", bodies.village))
    with travel(at("2026-03-02", 9)):
        case_id = create(worker, body())["id"]
        unknown = worker.act(BASE, case_id, "dispatch", {"org_code": "NOPE"})
        assert unknown.status_code == 422 and fields(unknown) == {"org_code"}
        ok(worker.act(BASE, case_id, "dispatch", {"org_code": bodies.village.code}))
        objected = ok(village.act(BASE, case_id, "object", {"reason": "不属本社区"}))
        assert objected["case"]["status"] == "objected"
        kept = ok(centre.act(BASE, case_id, "uphold", {"reason": "属本社区"}))
        assert kept["case"]["status"] == "dispatched"
        again = village.act(BASE, case_id, "object", {"reason": "再退"})
        assert again.status_code == 409


def test_risk_and_invite_through_the_api(grid_worker: User, villager: User, bodies: Bodies) -> None:
    with travel(at("2026-03-02", 9)):
        case_id = create(Api(grid_worker), body(org_code=bodies.village.code))["id"]
    committee = Api(villager)
    with travel(at("2026-03-02", 10)):
        ok(committee.act(BASE, case_id, "accept"))
        no_police = committee.post(
            f"{BASE}/{case_id}/risk", {"criminal": True, "reason": "有人扬言动手"}
        )
        assert no_police.status_code == 422 and fields(no_police) == {"police_unit_code"}
        flagged = ok(
            committee.post(
                f"{BASE}/{case_id}/risk",
                {"criminal": True, "police_unit_code": bodies.police.code, "reason": "扬言动手"},
            )
        )
        assert flagged["dispute"]["criminal_risk"] is True
        refused = committee.post(
            f"{BASE}/{case_id}/invite", {"kind": "relative", "name": "王叔", "consented": False}
        )
        assert refused.status_code == 422
        invited = ok(
            committee.post(
                f"{BASE}/{case_id}/invite",
                {"kind": "expert", "name": "陈律师", "note": "律师", "consented": True},
            )
        )
    assert invited["case"]["id"] == case_id
    from fengqiao.mediation.models import InvitedParticipant

    row = InvitedParticipant.objects.get(case_id=case_id)
    assert (row.kind, row.name, row.note, row.consented) == ("expert", "陈律师", "律师", True)


def test_session_ids_are_checked(grid_worker: User, villager: User, bodies: Bodies) -> None:
    with travel(at("2026-03-02", 9)):
        case_id = create(Api(grid_worker), body(org_code=bodies.village.code))["id"]
    committee = Api(villager)
    mediator = bodies.mediators["village"].pk
    with travel(at("2026-03-02", 10)):
        ok(committee.act(BASE, case_id, "accept"))
        ok(
            committee.act(
                BASE,
                case_id,
                "assign-mediators",
                {"mediators": [{"mediator_id": mediator, "presiding": True}]},
            )
        )
        response = committee.act(
            BASE,
            case_id,
            "sessions",
            {
                "held_at": at("2026-03-02", 9).isoformat(),
                "record": "记录",
                "mediator_ids": [999999],
                "party_ids": [999999],
                "invited_ids": [999999],
                "room_id": 999999,
            },
        )
    assert response.status_code == 422
    assert fields(response) == {"mediator_ids", "party_ids", "invited_ids", "room_id"}


def test_failure_terminate_and_transfer_through_the_api(
    grid_worker: User, villager: User, bodies: Bodies
) -> None:
    worker, committee = Api(grid_worker), Api(villager)
    with travel(at("2026-03-02", 9)):
        case_id = create(worker, body(org_code=bodies.village.code))["id"]
    mediate(committee, case_id, bodies.mediators["village"].pk)
    with travel(at("2026-03-04", 9)):
        failed = ok(
            committee.act(BASE, case_id, "outcome", {"outcome": "failure", "reason": "不成"})
        )
        assert failed["case"]["status"] == "failed"
        moved = ok(
            committee.act(
                BASE,
                case_id,
                "transfer",
                {"to_org_code": bodies.township.code, "reason": "移交街道调委会"},
            )
        )
    assert moved["case"]["lead_unit"] == bodies.township.name
    assert [s["via"] for s in moved["stages"]] == ["dispatch", "transfer"]
    assert moved["stages"][1]["previous_seq"] == 1
    township = Api(member("township_m", bodies.township))
    mediate(township, case_id, bodies.mediators["township"].pk, "2026-03-05")
    with travel(at("2026-03-06", 9)):
        ok(township.act(BASE, case_id, "outcome", {"outcome": "failure", "reason": "仍不成"}))
        ended = ok(
            township.act(
                BASE, case_id, "terminate", {"reason": "调解不成", "routes_told": "向人民法院起诉"}
            )
        )
    assert ended["case"]["status"] == "terminated"
    with travel(at("2026-03-06", 10)):
        table = ok(worker.get(f"{ROOT}/stats"))
    assert table["disputes"] == 1 and table["handoffs"] == 1


def test_performance_and_confirmation_refusals_through_the_api(
    grid_worker: User, villager: User, court_clerk: User, bodies: Bodies
) -> None:
    worker, committee, court = Api(grid_worker), Api(villager), Api(court_clerk)
    oral = {"form": "oral", "terms": ["李四当场赔礼道歉并付款贰佰元。"], "amount": "200.00"}
    case_id = settled(worker, committee, bodies, oral)
    with travel(at("2026-03-05", 9)):
        checked = ok(
            committee.post(f"{BASE}/{case_id}/performance", {"status": "partly", "note": "付一半"})
        )
        assert checked["case"]["status"] == "agreed"
        solo = committee.act(
            BASE, case_id, "confirmation/apply", {"court_code": bodies.court.code, "joint": False}
        )
        assert solo.status_code == 422 and "共同申请" in solo.json()["detail"]
        ok(
            committee.act(
                BASE,
                case_id,
                "confirmation/apply",
                {"court_code": bodies.court.code, "joint": True},
            )
        )
        refused = ok(court.act(BASE, case_id, "confirmation/refuse", {"reason": "不属本院管辖"}))
    assert refused["case"]["status"] == "agreed"
    assert refused["confirmations"][0]["result"] == "not_accepted"
    with travel(at("2026-03-20", 9)):
        closed = ok(committee.act(BASE, case_id, "performance/close", {"performed": True}))
    assert closed["case"]["status"] == "performed"
    assert closed["agreements"][0]["status"] == "performed"


def test_confirmation_extension_and_rejection_through_the_api(
    grid_worker: User, villager: User, court_clerk: User, bodies: Bodies
) -> None:
    worker, committee, court = Api(grid_worker), Api(villager), Api(court_clerk)
    oral = {"form": "oral", "terms": ["李四付款贰佰元。"]}
    case_id = settled(worker, committee, bodies, oral)
    with travel(at("2026-03-05", 9)):
        ok(
            committee.act(
                BASE,
                case_id,
                "confirmation/apply",
                {"court_code": bodies.court.code, "joint": True},
            )
        )
        ok(court.act(BASE, case_id, "confirmation/accept", {"court_case_no": "（2026）民特9号"}))
        no_approver = court.act(
            BASE, case_id, "confirmation/extend", {"reason": "需核实", "approved_by": ""}
        )
        assert no_approver.status_code == 422
        extended = ok(
            court.act(
                BASE, case_id, "confirmation/extend", {"reason": "需核实", "approved_by": "院长"}
            )
        )
    decide = next(t for t in extended["timers"] if t["code"] == "judicial_confirmation.decide")
    # accepted 03-05: 15 days → 03-20, +10 → 03-30
    assert decide["extended"] and datetime.fromisoformat(decide["due_at"]) == end_of("2026-03-30")
    with travel(at("2026-03-25", 9)):
        rejected = ok(court.act(BASE, case_id, "confirmation/reject", {"reason": "协议内容不明确"}))
        assert rejected["case"]["status"] == "confirmation_rejected"
        sued = ok(committee.act(BASE, case_id, "sue", {"reason": "当事人选择起诉"}))
    assert sued["case"]["status"] == "litigation"


@pytest.mark.parametrize("action", ["accept", "confirmation/confirm", "remediate"])
def test_transitions_refused_in_the_wrong_state_name_the_allowed_actions(
    grid_worker: User, villager: User, bodies: Bodies, action: str
) -> None:
    with travel(at("2026-03-02", 9)):
        case_id = create(Api(grid_worker), body(org_code=bodies.village.code))["id"]
    committee = Api(villager)
    with travel(at("2026-03-02", 10)):
        ok(committee.act(BASE, case_id, "accept"))
        payload = {"reason": "重新调解"} if action == "remediate" else {}
        response = committee.act(BASE, case_id, action, payload)
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["field"] == "status" and error["current"] == "accepted"
    assert "assign_mediator" in error["allowed"]
