"""三调联动 through the API: a village committee takes up a wage dispute on its own initiative,
finds it is a labour dispute for the administrative mediation centre and hands it over; the
centre (rule 29 clocks) accepts, mediates and settles; the parties are told in time; statistics
count one dispute, one hand-off, one settlement, under 劳动争议; and the provenance is visible
on the case."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fengqiao.accounts.models import User
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.procedures.testing import Api, at, end_of, ok, travel

BASE = "/api/v1/mediation/disputes"


def wage_dispute(org_code: str) -> dict[str, Any]:
    return {
        "channel": "walk_in",
        "region_code": "620102001001001",
        "category_code": "TJ1001",
        "description": "务工人员孙某反映某装修队拖欠工资八千元",
        "amount": "8000.00",
        "source": "initiative",
        "org_code": org_code,
        "parties": [
            {"role": "complainant", "name": "孙某", "phone": "13911223344"},
            {"role": "respondent", "name": "某装修队", "party_type": "organisation"},
        ],
    }


def test_village_takes_up_then_hands_over_to_administrative_mediation(
    villager: User, bodies: Bodies
) -> None:
    committee = Api(villager)
    centre_user = member("labour_officer", bodies.admin)
    centre = Api(centre_user)
    # given the committee takes a wage dispute up on its own initiative
    with travel(at("2026-09-28", 9)):
        created = ok(
            committee.post(
                BASE,
                wage_dispute(bodies.village.code),
                **{"Idempotency-Key": str(uuid.uuid4())},
            ),
            201,
        )
        case_id = created["id"]
        taken = ok(committee.get(f"{BASE}/{case_id}"))
    assert taken["case"]["status"] == "accepted"
    assert taken["dispute"]["source"] == "initiative" and taken["dispute"]["is_labour"] is True
    labour = next(t for t in taken["timers"] if t["code"] == "labour.mediation")
    assert labour["running"] and "劳动争议调解仲裁法" in labour["basis"]
    assert datetime.fromisoformat(labour["due_at"]) == end_of("2026-10-13")  # 10-13, after 国庆

    # when it hands the dispute over to the administrative mediation centre
    with travel(at("2026-09-29", 9)):
        moved = ok(
            committee.act(
                BASE,
                case_id,
                "transfer",
                {"to_org_code": bodies.admin.code, "reason": "属劳动争议，移交劳动争议调解中心"},
            )
        )
    assert moved["case"]["status"] == "dispatched"
    assert moved["dispute"]["mediation_type"] == "administrative"
    assert [(s["via"], s["previous_seq"]) for s in moved["stages"]] == [
        ("initiative", None),
        ("transfer", 1),
    ]
    running = {t["code"]: t for t in moved["timers"] if t["running"]}
    # 5 working days across 国庆 (10-10 调休上班): 09-30, 10-08, 09, 10, 12
    assert datetime.fromisoformat(running["admin_mediation.accept"]["due_at"]) == end_of(
        "2026-10-12"
    )
    assert datetime.fromisoformat(running["admin_mediation.transfer"]["due_at"]) == end_of(
        "2026-10-09"
    )
    assert committee.act(BASE, case_id, "accept").status_code in (403, 404)

    # then the centre accepts within its working days, mediates and settles
    with travel(at("2026-10-09", 9)):
        accepted = ok(centre.act(BASE, case_id, "accept"))
    stopped = {t["code"]: t for t in accepted["timers"] if not t["running"]}
    assert stopped["admin_mediation.accept"]["met"] is True
    mediator = bodies.mediators["admin"].pk
    with travel(at("2026-10-09", 10)):
        ok(
            centre.act(
                BASE,
                case_id,
                "assign-mediators",
                {"mediators": [{"mediator_id": mediator, "presiding": True}]},
            )
        )
        ok(
            centre.act(
                BASE,
                case_id,
                "sessions",
                {
                    "held_at": at("2026-10-09", 10).isoformat(),
                    "mode": "video",
                    "record": "视频调解：装修队同意分期支付",
                    "mediator_ids": [mediator],
                },
            )
        )
        settled = ok(
            centre.act(
                BASE,
                case_id,
                "outcome",
                {
                    "outcome": "success",
                    "agreement": {
                        "form": "written",
                        "facts": "某装修队拖欠孙某工资八千元。",
                        "disputed_points": "欠薪数额及支付期限。",
                        "terms": ["某装修队于2026年10月31日前支付孙某工资八千元。"],
                        "performance_manner": "银行转账",
                        "performance_deadline": "2026-10-31",
                        "amount": "8000.00",
                    },
                },
            )
        )
    assert settled["case"]["status"] == "agreed"
    assert settled["stages"][-1]["outcome"] == "settled"
    assert settled["agreements"][0]["number"].startswith(f"（2026）{bodies.admin.name}调字第")
    with travel(at("2026-10-09", 11)):
        table = ok(committee.get("/api/v1/mediation/stats"))
    assert table["disputes"] == 1 and table["handoffs"] == 1
    assert table["by_source"]["主动调解"] == 1
    row = next(r for r in table["rows"] if r["code"] == "TJ10")
    assert row["succeeded"] == 1 and row["agreement_amount"] == "8000.00"
