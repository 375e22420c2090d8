"""The petition flow through the actions (the API journey is in test_journey_api.py)."""

from __future__ import annotations

from fengqiao.accounts.models import User
from fengqiao.cases.actions import CaseDraft, PartyDraft
from fengqiao.cases.models import Case, PartyRole
from fengqiao.cases.workflow import Kind
from fengqiao.petitions import actions as p
from fengqiao.petitions.models import Petition
from fengqiao.petitions.tests.conftest import Organs
from fengqiao.procedures.models import CaseTimer
from fengqiao.procedures.testing import VALID_ID, at, travel
from fengqiao.testing import Territory
from fengqiao.units.models import Category


def draft(territory: Territory, organs: Organs) -> CaseDraft:
    return CaseDraft(
        kind=Kind.PETITION,
        channel="online_petition",
        description="小区加装电梯补贴未按规定发放",
        region=territory.village,
        category=Category.objects.get(code="RX02"),
        respondent_unit=organs.housing,
        parties=[
            PartyDraft(
                role=PartyRole.COMPLAINANT, name="赵四", phone="13912345678", id_number=VALID_ID
            )
        ],
    )


def decision() -> p.DecisionDraft:
    return p.DecisionDraft(
        outcome="explain",
        request="发放补贴",
        facts="经核实……",
        reasons="依据……",
        basis=["甘肃省既有住宅加装电梯办法"],
    )


def test_flow(
    territory: Territory,
    organs: Organs,
    clerk: User,
    housing_officer: User,
    city_clerk: User,
    city_officer: User,
    province_clerk: User,
    province_officer: User,
) -> None:
    with travel(at("2026-08-03", 9)):
        reg = p.do_register_petition(
            draft(territory, organs), p.PetitionDraft(channel="online"), actor=None
        )
    case = reg.case
    assert case.status == "registered"
    assert CaseTimer.objects.get(case=case, code="petition.register_route").primary
    with travel(at("2026-08-04", 9)):
        case = p.do_route(
            case,
            actor=clerk,
            organ=organs.housing,
            mode="assign",
            petition_type="claim",
            route="investigate",
        )
    with travel(at("2026-08-05", 9)):
        case = p.do_accept_petition(case, actor=housing_officer, mode="written")
        case = p.do_decide(case, actor=housing_officer, draft=decision())
    with travel(at("2026-08-10", 9)):
        case = p.do_request_review(
            case,
            actor=city_clerk,
            level="review",
            reviewing_unit=organs.city_housing,
            reason="不服",
        )
        case = p.do_start_hearing(case, actor=city_officer, level="review")
    with travel(at("2026-08-12", 9)):
        case = p.do_end_hearing(case, actor=city_officer, level="review")
        case = p.do_review_decide(case, actor=city_officer, level="review", draft=decision())
        case = p.do_request_review(
            case,
            actor=province_clerk,
            level="recheck",
            reviewing_unit=organs.province_housing,
            reason="仍不服",
        )
        case = p.do_review_decide(case, actor=province_officer, level="recheck", draft=decision())
    assert case.status == "rechecked"
    with travel(at("2026-09-01", 9)):
        again = p.do_register_petition(
            draft(territory, organs), p.PetitionDraft(channel="online"), actor=None
        )
    refused = Case.objects.get(pk=again.case.pk)
    assert refused.status == "not_accepted"
    assert "第三十六条" in Petition.objects.get(case=refused).refusal_reason
