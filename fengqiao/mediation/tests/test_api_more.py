"""More of the dispute API: signing with bad times, performance statuses, invalid invitations,
prevention head counts given with the outcome, a committee member's own intake (主动调解) —
and a property test that the statistics count each dispute once whatever the outcomes."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.mediation import actions as m
from fengqiao.mediation.models import Dispute, PerformanceCheck
from fengqiao.mediation.stats import dispute_table
from fengqiao.mediation.tests.conftest import Bodies
from fengqiao.mediation.tests.helpers import accept, intake, settle, to_mediating
from fengqiao.procedures.testing import Api, at, ok, travel
from fengqiao.testing import Territory

BASE = "/api/v1/mediation/disputes"


def body(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "walk_in",
        "region_code": "620102001001001",
        "category_code": "TJ03",
        "description": "两户因宅基地界址发生争执",
        "parties": [
            {"role": "complainant", "name": "褚某", "phone": "13911110000"},
            {"role": "respondent", "name": "卫某", "phone": "13922220000"},
        ],
    }
    data.update(extra)
    return data


def mediating(villager: User, bodies: Bodies, **extra: Any) -> int:
    committee = Api(villager)
    mediator = bodies.mediators["village"].pk
    with travel(at("2026-03-02", 9)):
        created = ok(
            committee.post(
                BASE,
                body(org_code=bodies.village.code, source="initiative", **extra),
                **{"Idempotency-Key": str(uuid.uuid4())},
            ),
            201,
        )
        case_id = int(created["id"])
        ok(
            committee.act(
                BASE,
                case_id,
                "assign-mediators",
                {
                    "mediators": [{"mediator_id": mediator, "presiding": True}],
                    "chosen_by": "parties",
                },
            )
        )
        ok(
            committee.act(
                BASE,
                case_id,
                "sessions",
                {
                    "held_at": at("2026-03-02", 9).isoformat(),
                    "record": "记录",
                    "mediator_ids": [mediator],
                },
            )
        )
    return case_id


AGREEMENT = {
    "form": "written",
    "facts": "界址不清。",
    "disputed_points": "界桩位置。",
    "terms": ["双方按1985年宅基地证确定界址。"],
    "performance_manner": "共同埋设界桩",
    "performance_deadline": "2026-04-30",
}


def test_committee_members_own_intake_is_taken_up(villager: User, bodies: Bodies) -> None:
    case_id = mediating(villager, bodies)
    with travel(at("2026-03-02", 10)):
        detail = ok(Api(villager).get(f"{BASE}/{case_id}"))
    assert detail["dispute"]["source"] == "initiative"
    assert detail["stages"][0]["via"] == "initiative"
    assert detail["mediators"][0]["chosen_by"] == "parties"
    assert detail["case"]["status"] == "mediating"


def test_prevention_counts_given_with_the_outcome(villager: User, bodies: Bodies) -> None:
    case_id = mediating(
        villager,
        bodies,
        criminal_risk=True,
        group_risk=True,
        police_unit_code=bodies.police.code,
        people_count=9,
    )
    with travel(at("2026-03-03", 9)):
        done = ok(
            Api(villager).act(
                BASE,
                case_id,
                "outcome",
                {
                    "outcome": "success",
                    "agreement": AGREEMENT,
                    "prevented_criminal_people": 2,
                    "prevented_group_people": 9,
                },
            )
        )
    info = done["dispute"]
    assert info["prevented_criminal"] and info["prevented_criminal_people"] == 2
    assert info["prevented_group_petition"] and info["prevented_group_petition_people"] == 9


def test_default_prevention_counts_are_the_people_involved(villager: User, bodies: Bodies) -> None:
    case_id = mediating(villager, bodies, group_risk=True, people_count=14)
    with travel(at("2026-03-03", 9)):
        ok(
            Api(villager).act(
                BASE, case_id, "outcome", {"outcome": "success", "agreement": AGREEMENT}
            )
        )
    assert Dispute.objects.get(case_id=case_id).prevented_group_petition_people == 14


def test_outcome_schema_refusals(villager: User, bodies: Bodies) -> None:
    case_id = mediating(villager, bodies)
    api = Api(villager)
    with travel(at("2026-03-03", 9)):
        assert api.act(BASE, case_id, "outcome", {"outcome": "maybe"}).status_code == 422
        negative = api.act(
            BASE,
            case_id,
            "outcome",
            {"outcome": "success", "agreement": {**AGREEMENT, "amount": "-1"}},
        )
        assert negative.status_code == 422
        no_terms = api.act(
            BASE,
            case_id,
            "outcome",
            {"outcome": "success", "agreement": {**AGREEMENT, "terms": []}},
        )
        assert no_terms.status_code == 422
        missing = api.act(
            BASE,
            case_id,
            "outcome",
            {"outcome": "success", "agreement": {**AGREEMENT, "facts": "", "disputed_points": ""}},
        )
    assert missing.status_code == 422
    fields = {e["field"] for e in missing.json()["errors"]}
    assert {"agreement.facts", "agreement.disputed_points"} <= fields
    assert Case.objects.get(pk=case_id).status == "mediating"


def test_signing_and_performance_through_the_api(villager: User, bodies: Bodies) -> None:
    case_id = mediating(villager, bodies)
    api = Api(villager)
    with travel(at("2026-03-03", 9)):
        ok(api.act(BASE, case_id, "outcome", {"outcome": "success", "agreement": AGREEMENT}))
    with travel(at("2026-03-04", 9)):
        future = api.post(
            f"{BASE}/{case_id}/agreement/sign",
            {
                "parties_signed_at": at("2026-03-05").isoformat(),
                "sealed_at": at("2026-03-03", 10).isoformat(),
            },
        )
        assert future.status_code == 422
        signed = ok(
            api.post(
                f"{BASE}/{case_id}/agreement/sign",
                {
                    "parties_signed_at": at("2026-03-03", 10).isoformat(),
                    "sealed_at": at("2026-03-03", 11).isoformat(),
                },
            )
        )
        assert signed["agreements"][0]["status"] == "effective"
        bad_status = api.post(f"{BASE}/{case_id}/performance", {"status": "maybe"})
        assert bad_status.status_code == 422
        for status in ("pending", "partly", "refused"):
            ok(api.post(f"{BASE}/{case_id}/performance", {"status": status, "note": status}))
    statuses = list(PerformanceCheck.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["pending", "partly", "refused"]
    with travel(at("2026-05-01", 9)):
        closed = ok(api.act(BASE, case_id, "performance/close", {"performed": False}))
    assert closed["case"]["status"] == "unperformed"


def test_invitation_schema_refusals(villager: User, bodies: Bodies) -> None:
    case_id = mediating(villager, bodies)
    api = Api(villager)
    with travel(at("2026-03-03", 9)):
        assert (
            api.post(
                f"{BASE}/{case_id}/invite", {"kind": "boss", "name": "某", "consented": True}
            ).status_code
            == 422
        )
        assert (
            api.post(
                f"{BASE}/{case_id}/invite", {"kind": "expert", "name": "", "consented": True}
            ).status_code
            == 422
        )
        assert (
            api.post(
                f"{BASE}/{case_id}/invite",
                {"kind": "expert", "name": "某", "consented": True, "extra": 1},
            ).status_code
            == 422
        )


OUTCOMES = st.lists(
    st.sampled_from(["success", "partial", "failure", None]), min_size=1, max_size=4
)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(outcomes=OUTCOMES)
def test_each_dispute_counted_once_whatever_the_outcomes(
    territory: Territory,
    grid_worker: User,
    villager: User,
    bodies: Bodies,
    outcomes: list[str | None],
) -> None:
    made: list[int] = []
    for n, outcome in enumerate(outcomes):
        case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9, n))
        made.append(case.pk)
        if outcome is None:
            continue
        case = to_mediating(
            accept(case, villager, at("2026-03-02", 10, n)),
            villager,
            bodies.mediators["village"],
            at("2026-03-02", 11, n),
        )
        if outcome == "failure":
            with travel(at("2026-03-02", 12, n)):
                m.do_record_outcome(case, actor=villager, outcome="failure", reason="不成")
        elif outcome == "success":
            settle(case, villager, at("2026-03-02", 12, n))
        else:
            with travel(at("2026-03-02", 12, n)):
                m.do_record_outcome(
                    case,
                    actor=villager,
                    outcome="partial",
                    agreement=m.AgreementDraft(
                        form="oral",
                        facts="",
                        disputed_points="",
                        terms=["部分和解"],
                        performance_manner="",
                        amount=Decimal("50"),
                    ),
                )
    table = dispute_table(Case.objects.filter(pk__in=made))
    settled = sum(1 for o in outcomes if o in ("success", "partial"))
    assert table.disputes == len(outcomes) and table.handoffs == 0
    assert sum(r.succeeded for r in table.rows) == settled
    expected = 100 * outcomes.count("success") + 50 * outcomes.count("partial")
    assert sum(r.agreement_amount for r in table.rows) == Decimal(expected)
