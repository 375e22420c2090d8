"""The petition journey of issue 4 through the API: online submission → routing → acceptance
notice → decision document (.docx and .pdf read back) → 复查 → 复核 → a repeat submission of
the same matter refused with a clear reason; the petitioner follows every key date with the
query code and rates the result."""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

from docx import Document as open_docx
from pypdf import PdfReader

from fengqiao.accounts.models import User
from fengqiao.core.models import Outbox
from fengqiao.petitions.tests.conftest import Organs
from fengqiao.procedures.testing import VALID_ID, Api, at, ok, travel

PUBLIC = "/api/v1/petitions/public"
BASE = "/api/v1/petitions"


def submission() -> dict[str, Any]:
    return {
        "region_code": "620102001001",
        "category_code": "RX02",
        "title": "加装电梯补贴未发放",
        "description": "本单元2025年完成加装电梯，按规定应发放的财政补贴至今未发放。",
        "name": "赵四",
        "phone": "13912345678",
        "id_number": VALID_ID,
        "about_unit_code": "ZJ-620102",
    }


def submit(body: dict[str, Any]) -> dict[str, Any]:
    response = Api(None).post(f"{PUBLIC}/submit", body, **{"Idempotency-Key": str(uuid.uuid4())})
    created: dict[str, Any] = ok(response, 201)
    return created


def decision(outcome: str, **extra: Any) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "request": "请求发放加装电梯财政补贴。",
        "facts": "经核实，该单元加装电梯于2025年竣工，补贴申请材料缺少业主同意书。",
        "reasons": "补贴须以材料齐全为前提，补齐材料后可按程序发放。",
        "basis": ["兰州市既有住宅加装电梯实施办法第十二条"],
        **extra,
    }


def text_of(response: Any, kind: str) -> str:
    if kind == "docx":
        doc = open_docx(io.BytesIO(response.content))
        return re.sub(r"\s+", "", "".join(p.text for p in doc.paragraphs))
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_online_petition_to_recheck_and_refused_repeat(
    organs: Organs,
    clerk: User,
    housing_officer: User,
    city_clerk: User,
    city_officer: User,
    province_clerk: User,
    province_officer: User,
) -> None:
    bureau, housing = Api(clerk), Api(housing_officer)
    city, city_housing = Api(city_clerk), Api(city_officer)
    province, province_housing = Api(province_clerk), Api(province_officer)

    # given an online petition: the petitioner gets a receipt number and a query code
    with travel(at("2026-08-03", 20)):
        created = submit(submission())
    receipt, code = created["receipt_no"], created["verification_code"]
    assert receipt.startswith("XF") and created["status_label"].startswith("已登记")
    case_id = ok(bureau.get(f"{BASE}/", q="")).get("items")[0]["id"]

    # when the 信访部门 assigns it to the housing bureau within 15 days
    with travel(at("2026-08-04", 9)):
        routed = ok(
            bureau.act(
                BASE,
                case_id,
                "route",
                {
                    "organ_code": organs.housing.code,
                    "mode": "assign",
                    "petition_type": "claim",
                    "route": "investigate",
                },
            )
        )
    assert routed["case"]["status"] == "routed"
    assert {t["code"] for t in routed["timers"] if t["running"]} == {
        "petition.accept_notice",
        "petition.misroute_objection",
    }

    # and the housing bureau accepts it and tells the petitioner in writing
    with travel(at("2026-08-05", 9)):
        accepted = ok(housing.act(BASE, case_id, "accept", {"mode": "written"}))
    assert accepted["case"]["status"] == "accepted"
    assert [n["kind"] for n in accepted["notices"]] == ["routing", "acceptance"]
    handling = next(t for t in accepted["timers"] if t["code"] == "petition.handling")
    assert handling["running"] and "第三十四条" in handling["basis"]

    # and decides within 60 days, issuing the 信访处理意见书
    with travel(at("2026-09-10", 9)):
        decided = ok(housing.act(BASE, case_id, "decide", decision("explain")))
    assert decided["case"]["status"] == "decided"
    first = decided["decisions"][0]
    assert first["outcome_label"] == "解释说明"
    with travel(at("2026-09-10", 10)):
        for kind in ("docx", "pdf"):
            response = housing.get(f"{BASE}/{case_id}/decisions/{first['id']}/document.{kind}")
            assert response.status_code == 200, response.content[:200]
            text = text_of(response, kind)
            for field in (
                "信访事项处理意见书",
                "城关区住房和城乡建设局",
                "赵四",
                "信访请求",
                "请求发放加装电梯财政补贴",
                "调查核实的事实",
                "解释说明",
                "兰州市既有住宅加装电梯实施办法",
                "《信访工作条例》第三十五条",
                "30日内",
                "复查请求",
            ):
                assert field in text, (kind, field)

    # then 复查 one level up (with a hearing) and 复核 one more level up
    with travel(at("2026-09-20", 9)):
        review = ok(
            city.act(
                BASE,
                case_id,
                "review-request",
                {
                    "level": "review",
                    "reviewing_unit_code": organs.city_housing.code,
                    "reason": "不服处理意见",
                },
            )
        )
    assert (
        review["case"]["status"] == "review"
        and review["case"]["lead_unit"] == organs.city_housing.name
    )
    with travel(at("2026-09-22", 9)):
        ok(city_housing.act(BASE, case_id, "hearing/start", {"level": "review"}))
    with travel(at("2026-09-24", 9)):
        ok(city_housing.act(BASE, case_id, "hearing/end", {"level": "review"}))
    with travel(at("2026-10-12", 9)):
        reviewed = ok(
            city_housing.act(BASE, case_id, "review-decision", decision("explain", level="review"))
        )
    assert reviewed["case"]["status"] == "reviewed"
    answer = next(t for t in reviewed["timers"] if t["code"] == "petition.review_answer")
    assert answer["met"] is True
    with travel(at("2026-10-20", 9)):
        ok(
            province.act(
                BASE,
                case_id,
                "review-request",
                {
                    "level": "recheck",
                    "reviewing_unit_code": organs.province_housing.code,
                    "reason": "仍不服",
                },
            )
        )
    with travel(at("2026-11-05", 9)):
        rechecked = ok(
            province_housing.act(
                BASE, case_id, "review-decision", decision("reject", level="recheck")
            )
        )
    assert rechecked["case"]["status"] == "rechecked"
    assert rechecked["petition"]["matter_stage"] == "final"
    last = rechecked["decisions"][-1]
    with travel(at("2026-11-05", 10)):
        text = text_of(
            province_housing.get(f"{BASE}/{case_id}/decisions/{last['id']}/document.pdf"), "pdf"
        )
    assert "信访事项复核意见书" in text and "不再受理" in text and "不予支持" in text

    # and the petitioner follows every key date with the query code, and rates the result
    with travel(at("2026-11-06", 9)):
        tracked = ok(Api(None).post(f"{PUBLIC}/track", {"receipt_no": receipt, "code": code}))
        events = [d["event"] for d in tracked["key_dates"]]
        for event in (
            "登记",
            "转送/交办",
            "受理",
            "受理告知",
            "出具信访处理意见书",
            "请求复查",
            "出具复查意见",
            "请求复核",
            "出具复核意见",
        ):
            assert event in events, event
        assert [d["outcome_label"] for d in tracked["decisions"]] == [
            "解释说明",
            "解释说明",
            "不予支持",
        ]
        assert all(d["met"] is not False for d in tracked["deadlines"])
        rated = ok(
            Api(None).post(
                f"{PUBLIC}/rate",
                {"receipt_no": receipt, "code": code, "satisfaction": "dissatisfied"},
            )
        )
    assert rated["satisfaction"] == "dissatisfied"
    assert "赵四" not in str(tracked) and "住房和城乡建设" not in str(tracked["key_dates"])
    assert Outbox.objects.filter(case_id=case_id, topic="petition.notice").count() >= 4

    # when the same matter is submitted again, it is registered and refused with the reason
    with travel(at("2026-11-20", 9)):
        again = submit(submission())
    assert again["status"] == "not_accepted"
    assert "已经复核" in again["refusal_reason"] and "不再受理" in again["refusal_reason"]
    assert "第三十六条" in again["refusal_reason"]
    with travel(at("2026-11-20", 10)):
        shown = ok(
            Api(None).post(
                f"{PUBLIC}/track",
                {"receipt_no": again["receipt_no"], "code": again["verification_code"]},
            )
        )
    assert shown["refusal_reason"] == again["refusal_reason"]
    assert "不予受理告知" in [d["event"] for d in shown["key_dates"]]
