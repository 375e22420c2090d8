"""The mediation journeys of issue 4 through the API:

1. a grid worker's intake → acceptance → two sessions → success → agreement generated
   (.docx and .pdf read back, Chinese fields present) → 司法确认 confirmed;
2. a court referral that fails at the first diversion step and settles at the second, with
   the result reported to the court each time and the share settled at each step.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime
from typing import Any

from docx import Document as open_docx
from pypdf import PdfReader

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Case
from fengqiao.core.models import Outbox
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.procedures.testing import Api, at, end_of, ok, travel

BASE = "/api/v1/mediation/disputes"


def dispute_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "grid_patrol",
        "region_code": "620102001001001",
        "category_code": "TJ02",
        "description": "王大明与李小红因院墙排水沟渗水发生争执，多次争吵",
        "amount": "3000.00",
        "parties": [
            {
                "role": "complainant",
                "name": "王大明",
                "phone": "13912345678",
                "address": "兰州市城关区秦安路12号",
            },
            {
                "role": "respondent",
                "name": "李小红",
                "phone": "13812345678",
                "address": "兰州市城关区秦安路14号",
            },
        ],
    }
    body.update(extra)
    return body


def create(api: Api, url: str, body: dict[str, Any]) -> dict[str, Any]:
    created: dict[str, Any] = ok(api.post(url, body, **{"Idempotency-Key": str(uuid.uuid4())}), 201)
    return created


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


AGREEMENT = {
    "form": "written",
    "facts": "李小红家排水沟渗水至王大明院内，双方多次争吵。",
    "disputed_points": "排水沟改道及损失补偿。",
    "responsibility": "李小红承担主要责任。",
    "terms": [
        "李小红于2026年9月30日前将排水沟改道至街面雨水井。",
        "李小红补偿王大明损失人民币伍佰元。",
    ],
    "performance_manner": "自行施工改道；现金当面支付。",
    "performance_place": "秦安路12号与14号之间",
    "performance_deadline": "2026-09-30",
    "amount": "500.00",
}


def test_grid_intake_to_judicial_confirmation(
    grid_worker: User, villager: User, court_clerk: User, bodies: Bodies
) -> None:
    worker, committee, court = Api(grid_worker), Api(villager), Api(court_clerk)
    mediator = bodies.mediators["village"]

    # given a grid worker's intake, sent straight to the village committee
    with travel(at("2026-09-01", 9)):
        created = create(worker, BASE, dispute_body(org_code=bodies.village.code))
    case_id = created["id"]
    assert created["receipt_no"].startswith("TJ") and created["status"] == "dispatched"

    # when the committee accepts it, assigns a mediator and holds two sessions
    with travel(at("2026-09-01", 10)):
        accepted = ok(committee.act(BASE, case_id, "accept"))
    assert accepted["case"]["status"] == "accepted"
    term = next(t for t in accepted["timers"] if t["code"] == "mediation.people")
    assert term["running"] and term["basis"].startswith("人民调解工作若干规定")
    ok(
        committee.act(
            BASE,
            case_id,
            "assign-mediators",
            {"mediators": [{"mediator_id": mediator.pk, "presiding": True}]},
        )
    )
    party_ids = [p["id"] for p in accepted["case"]["parties"]]
    for n, day in ((1, "2026-09-02"), (2, "2026-09-04")):
        with travel(at(day, 15)):
            detail = ok(
                committee.act(
                    BASE,
                    case_id,
                    "sessions",
                    {
                        "held_at": at(day, 14).isoformat(),
                        "record": f"第{n}次调解：双方陈述意见",
                        "mediator_ids": [mediator.pk],
                        "party_ids": party_ids,
                    },
                )
            )
    assert [s["seq"] for s in detail["sessions"]] == [1, 2]
    assert detail["case"]["status"] == "mediating"

    # and records success with a written agreement, which the parties sign
    with travel(at("2026-09-04", 16)):
        agreed = ok(
            committee.act(BASE, case_id, "outcome", {"outcome": "success", "agreement": AGREEMENT})
        )
    assert agreed["case"]["status"] == "agreed"
    assert (
        agreed["dispute"]["outcome"] == "success"
        and agreed["dispute"]["agreement_amount"] == "500.00"
    )
    number = agreed["agreements"][0]["number"]
    assert agreed["agreements"][0]["copies"] == 3
    with travel(at("2026-09-05", 9)):
        ok(
            committee.post(
                f"{BASE}/{case_id}/agreement/sign",
                {
                    "parties_signed_at": at("2026-09-04", 17).isoformat(),
                    "sealed_at": at("2026-09-04", 17, 30).isoformat(),
                },
            )
        )

    # then the agreement is generated as .docx and .pdf with its Chinese fields
    with travel(at("2026-09-05", 10)):
        docx = committee.get(f"{BASE}/{case_id}/agreement.docx")
        pdf = committee.get(f"{BASE}/{case_id}/agreement.pdf")
    assert docx.status_code == 200 and pdf.status_code == 200
    assert (
        docx["Content-Type"].endswith("wordprocessingml.document")
        and pdf["Content-Type"] == "application/pdf"
    )
    for text in (docx_text(docx.content), pdf_text(pdf.content)):
        for field in (
            "人民调解协议书",
            re.sub(r"\s+", "", number),
            "王大明",
            "李小红",
            "纠纷主要事实",
            "排水沟改道及损失补偿",
            "李小红补偿王大明损失人民币伍佰元",
            "履行期限",
            "2026年9月30日",
            "一式三份",
            "秦安路人民调解委员会（印）".replace("秦安路", "秦安路社区"),
            "人民调解员（签名）",
        ):
            assert field in text, field
    assert AuditEntry.objects.filter(action="mediation.agreement_document").count() == 2

    # and the parties jointly apply for 司法确认, which the court accepts and confirms
    with travel(at("2026-09-07", 9)):
        applied = ok(
            committee.act(
                BASE,
                case_id,
                "confirmation/apply",
                {"court_code": bodies.court.code, "joint": True},
            )
        )
    assert applied["case"]["status"] == "confirmation_applied"
    assert applied["case"]["lead_unit"] == bodies.court.name
    with travel(at("2026-09-08", 9)):
        ok(
            court.act(
                BASE, case_id, "confirmation/accept", {"court_case_no": "（2026）甘0102民特12号"}
            )
        )
    with travel(at("2026-09-15", 9)):
        confirmed = ok(court.act(BASE, case_id, "confirmation/confirm"))
    assert confirmed["case"]["status"] == "confirmed"
    assert confirmed["confirmations"][0]["result"] == "confirmed"
    timers = {t["code"]: t for t in confirmed["timers"]}
    assert timers["judicial_confirmation.apply"]["met"] is True
    assert timers["judicial_confirmation.accept"]["met"] is True
    assert timers["judicial_confirmation.decide"]["met"] is True
    assert Outbox.objects.filter(case_id=case_id, topic="mediation.confirmed").exists()
    # the committee supervises performance again; the court no longer holds the case
    assert Case.objects.get(pk=case_id).lead_unit_id == bodies.village.pk
    assert court.get(f"{BASE}/{case_id}").status_code == 404


def test_court_referral_fails_at_first_step_and_settles_at_second(
    county_operator: User, bodies: Bodies
) -> None:
    centre = Api(member("centre_mediator", bodies.centre))
    pretrial = Api(member("pretrial_mediator", bodies.pretrial))
    operator = Api(county_operator)

    # given the court's pre-filing referral on its three-step route (seed 003)
    with travel(at("2026-09-01", 9)):
        created = create(
            operator,
            "/api/v1/mediation/court-referrals",
            dispute_body(
                channel="court",
                category_code="TJ04",
                court_code=bodies.court.code,
                referral_type="delegated",
                court_case_no="（2026）甘0102诉前调1号",
                route_id=bodies.route.pk,
            ),
        )
    case_id = created["id"]
    assert created["receipt_no"].startswith("SF") and created["status"] == "dispatched"

    # when step 1 (the 综治中心) accepts, mediates and fails
    with travel(at("2026-09-02", 9)):
        step1 = ok(centre.act(BASE, case_id, "accept"))
    clock = next(t for t in step1["timers"] if t["code"] == "court.delegated_mediation")
    assert datetime.fromisoformat(clock["due_at"]) == end_of("2026-10-08")  # 10-02 is a holiday
    ok(
        centre.act(
            BASE,
            case_id,
            "assign-mediators",
            {"mediators": [{"mediator_id": bodies.mediators["centre"].pk}]},
        )
    )
    ok(
        centre.act(
            BASE,
            case_id,
            "sessions",
            {
                "held_at": at("2026-09-03").isoformat(),
                "record": "双方分歧较大",
                "mediator_ids": [bodies.mediators["centre"].pk],
            },
        )
    )
    with travel(at("2026-09-05", 9)):
        failed = ok(
            centre.act(
                BASE, case_id, "outcome", {"outcome": "failure", "reason": "对欠款金额分歧大"}
            )
        )

    # then it moves on to step 2 (审前调解中心) by itself, and the court is told
    assert failed["case"]["status"] == "dispatched"
    assert failed["referral"]["step"] == 2 and failed["referral"]["step_name"] == "审前调解中心"
    assert [s["via"] for s in failed["stages"]] == ["diversion", "diversion"]
    assert failed["stages"][1]["previous_seq"] == 1
    assert centre.act(BASE, case_id, "accept").status_code == 403  # no longer the centre's

    # when step 2 accepts and settles it with an oral agreement (effective at once)
    with travel(at("2026-09-06", 9)):
        ok(pretrial.act(BASE, case_id, "accept"))
        ok(
            pretrial.act(
                BASE,
                case_id,
                "assign-mediators",
                {"mediators": [{"mediator_id": bodies.mediators["pretrial"].pk}]},
            )
        )
        ok(
            pretrial.act(
                BASE,
                case_id,
                "sessions",
                {
                    "held_at": at("2026-09-06").isoformat(),
                    "record": "达成一致",
                    "mediator_ids": [bodies.mediators["pretrial"].pk],
                },
            )
        )
        settled = ok(
            pretrial.act(
                BASE,
                case_id,
                "outcome",
                {
                    "outcome": "success",
                    "agreement": {
                        "form": "oral",
                        "terms": ["被申请人于2026年9月20日前一次性还款8000元"],
                        "amount": "8000.00",
                    },
                },
            )
        )
    assert settled["case"]["status"] == "agreed"
    assert settled["agreements"][0]["effective_at"] is not None  # oral: in effect at once
    # the referral clock ran once for the whole referral, and stopped in time
    clocks = [t for t in settled["timers"] if t["code"] == "court.delegated_mediation"]
    assert len(clocks) == 1 and clocks[0]["met"] is True

    # then each result went back to the court, and the route reports the share per step
    results = Outbox.objects.filter(case_id=case_id, topic="court.referral_result").order_by(
        "created_at"
    )
    assert [(r.payload["step"], r.payload["settled"]) for r in results] == [(1, False), (2, True)]
    assert {r.recipient for r in results} == {f"unit:{bodies.court.code}"}
    report = ok(operator.get(f"/api/v1/mediation/routes/{bodies.route.pk}/report"))
    assert report["referred"] == 1
    assert [(s["reached"], s["settled"], s["share_of_reached"]) for s in report["steps"]] == [
        (1, 0, 0.0),
        (1, 1, 1.0),
        (0, 0, None),
    ]
    stats = ok(operator.get("/api/v1/mediation/stats"))
    assert stats["disputes"] == 1 and stats["handoffs"] == 1
    assert stats["by_source"]["接受委托移送调解"] == 1
    row = next(r for r in stats["rows"] if r["code"] == "TJ04")
    assert row["succeeded"] == 1 and row["agreement_amount"] == "8000.00"
