"""诉调对接 through the API, two more shapes: an entrusted (filed, simplified procedure) referral
settled at the first step with a written agreement — the court is told once, the 7-day clock
met — and a pre-filing referral that fails at every step of the route and goes back to the
court, with each step's result reported."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.core.models import Outbox
from fengqiao.mediation.models import CourtReferral
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.procedures.testing import Api, at, end_of, ok, travel

BASE = "/api/v1/mediation/disputes"
REFERRALS = "/api/v1/mediation/court-referrals"


def referral(bodies: Bodies, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "court",
        "region_code": "620102001001001",
        "category_code": "TJ04",
        "description": "买卖合同货款纠纷，原告诉请支付货款一万二千元",
        "amount": "12000.00",
        "court_code": bodies.court.code,
        "parties": [
            {"role": "complainant", "name": "吴某", "phone": "13900000011"},
            {"role": "respondent", "name": "郑某", "phone": "13900000022"},
        ],
    }
    data.update(extra)
    return data


def mediate(api: Api, case_id: int, mediator_id: int, day: str) -> None:
    with travel(at(day, 9)):
        ok(api.act(BASE, case_id, "accept"))
        ok(
            api.act(
                BASE,
                case_id,
                "assign-mediators",
                {"mediators": [{"mediator_id": mediator_id, "presiding": True}]},
            )
        )
        ok(
            api.act(
                BASE,
                case_id,
                "sessions",
                {
                    "held_at": at(day, 9).isoformat(),
                    "record": "调解",
                    "mediator_ids": [mediator_id],
                },
            )
        )


def test_entrusted_simplified_referral_settles_at_the_first_step(
    county_operator: User, bodies: Bodies
) -> None:
    centre = Api(member("centre_m", bodies.centre))
    with travel(at("2026-03-02", 9)):
        created = ok(
            Api(county_operator).post(
                REFERRALS,
                referral(
                    bodies,
                    referral_type="entrusted",
                    procedure="simplified",
                    court_case_no="（2026）甘0102民初321号",
                    route_id=bodies.route.pk,
                ),
                **{"Idempotency-Key": str(uuid.uuid4())},
            ),
            201,
        )
    case_id = created["id"]
    mediate(centre, case_id, bodies.mediators["centre"].pk, "2026-03-03")
    with travel(at("2026-03-06", 9)):
        settled = ok(
            centre.act(
                BASE,
                case_id,
                "outcome",
                {
                    "outcome": "success",
                    "agreement": {
                        "form": "written",
                        "facts": "郑某欠吴某货款一万二千元。",
                        "disputed_points": "货款数额。",
                        "terms": ["郑某于2026年3月20日前支付吴某货款一万元，吴某放弃其余请求。"],
                        "performance_manner": "银行转账",
                        "performance_deadline": "2026-03-20",
                        "amount": "10000.00",
                    },
                },
            )
        )
    clock = next(
        t for t in settled["timers"] if t["code"] == "court.entrusted_mediation_simplified"
    )
    assert clock["met"] is True and not clock["running"]
    assert datetime.fromisoformat(clock["due_at"]) == end_of("2026-03-10")
    assert settled["referral"]["result_sent_at"] is not None
    results = Outbox.objects.filter(case_id=case_id, topic="court.referral_result")
    assert results.count() == 1
    payload = results.get().payload
    assert payload["settled"] is True and payload["step"] == 1
    assert payload["court_case_no"] == "（2026）甘0102民初321号"
    assert CourtReferral.objects.get(case_id=case_id).result_sent_at is not None


def test_pre_filing_referral_fails_everywhere_and_goes_back_to_court(
    county_operator: User, bodies: Bodies
) -> None:
    centre = Api(member("centre_m", bodies.centre))
    pretrial = Api(member("pretrial_m", bodies.pretrial))
    team = Api(member("team_m", bodies.team))
    with travel(at("2026-03-02", 9)):
        created = ok(
            Api(county_operator).post(
                REFERRALS,
                referral(bodies, referral_type="delegated", route_id=bodies.route.pk),
                **{"Idempotency-Key": str(uuid.uuid4())},
            ),
            201,
        )
    case_id = created["id"]
    for api, key, day in (
        (centre, "centre", "2026-03-03"),
        (pretrial, "pretrial", "2026-03-05"),
        (team, "team", "2026-03-09"),
    ):
        mediate(api, case_id, bodies.mediators[key].pk, day)
        with travel(at(day, 15)):
            after = ok(api.act(BASE, case_id, "outcome", {"outcome": "failure", "reason": "不成"}))
    assert after["case"]["status"] == "returned"
    assert not Case.objects.get(pk=case_id).is_open
    assert [s["diversion_step"] for s in after["stages"]] == [1, 2, 3]
    assert [s["outcome"] for s in after["stages"]] == ["failed", "failed", "failed"]
    results = list(
        Outbox.objects.filter(case_id=case_id, topic="court.referral_result").order_by("created_at")
    )
    assert [r.payload["step"] for r in results] == [1, 2, 3]
    assert all(r.payload["settled"] is False for r in results)
    assert results[-1].recipient == f"unit:{bodies.court.code}"
    clock = next(t for t in after["timers"] if t["code"] == "court.delegated_mediation")
    assert not clock["running"] and clock["met"] is True
    with travel(at("2026-03-10", 9)):
        report = ok(Api(county_operator).get(f"/api/v1/mediation/routes/{bodies.route.pk}/report"))
    assert report["referred"] == 1
    assert [(s["reached"], s["settled"]) for s in report["steps"]] == [(1, 0), (1, 0), (1, 0)]
