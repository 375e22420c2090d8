"""Petitions, the remaining paths: 复查/复核 and hearings through the API with their refusals,
the petition record of an item registered through the generic intake, matters without an
identifier, AC-10 through the generic cases API, routing notices, and the same matter named
across levels."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases.actions import CaseDraft, PartyDraft, do_register
from fengqiao.cases.errors import CaseError, Invalid
from fengqiao.cases.models import Case, PartyRole
from fengqiao.petitions import actions as p
from fengqiao.petitions.actions.common import bureau_for, is_above, petition_of
from fengqiao.petitions.actions.intake import matter_key
from fengqiao.petitions.models import Hearing, Matter, Petition, ReviewRequest
from fengqiao.petitions.tests.conftest import Organs, unit_user
from fengqiao.petitions.tests.helpers import (
    accept,
    decision,
    draft,
    refused,
    register,
    route,
    timer,
)
from fengqiao.procedures.testing import Api, at, ok, travel
from fengqiao.testing import Territory
from fengqiao.units.models import Category

BASE = "/api/v1/petitions"


def decision_body(**extra: Any) -> dict[str, Any]:
    return {
        "outcome": "explain",
        "request": "请求发放补贴",
        "facts": "经核实材料不全",
        "reasons": "补齐后发放",
        "basis": ["实施办法"],
        **extra,
    }


def _decided(territory: Territory, organs: Organs, clerk: User, officer: User) -> Case:
    case = register(territory.village, at("2026-06-01", 10))
    case = route(case, clerk, organs.housing, at("2026-06-02", 10))
    case = accept(case, officer, at("2026-06-03", 10))
    with travel(at("2026-06-10", 10)):
        return p.do_decide(case, actor=officer, draft=decision())


# ------------------------------------------------------------------ 复查/复核 through the API


def test_review_and_hearing_through_the_api(
    territory: Territory,
    organs: Organs,
    clerk: User,
    housing_officer: User,
    city_clerk: User,
    city_officer: User,
) -> None:
    case = _decided(territory, organs, clerk, housing_officer)
    city, reviewer = Api(city_clerk), Api(city_officer)
    with travel(at("2026-06-15", 9)):
        same_level = city.act(
            BASE,
            case.pk,
            "review-request",
            {"level": "review", "reviewing_unit_code": organs.housing.code, "reason": "不服意见"},
        )
        assert same_level.status_code == 422
        assert same_level.json()["errors"][0]["field"] == "reviewing_unit_code"
        unknown = city.act(
            BASE,
            case.pk,
            "review-request",
            {"level": "review", "reviewing_unit_code": "NOPE", "reason": "不服意见"},
        )
        assert unknown.status_code == 422
        skipped = city.act(
            BASE,
            case.pk,
            "review-request",
            {
                "level": "recheck",
                "reviewing_unit_code": organs.province_housing.code,
                "reason": "不服意见",
            },
        )
        assert skipped.status_code == 409  # 复核 only after 复查
        ok(
            city.act(
                BASE,
                case.pk,
                "review-request",
                {
                    "level": "review",
                    "reviewing_unit_code": organs.city_housing.code,
                    "reason": "不服意见",
                },
            )
        )
        started = ok(
            reviewer.act(BASE, case.pk, "hearing/start", {"level": "review", "note": "听证"})
        )
    assert started["case"]["status"] == "review_hearing"
    answer = next(t for t in started["timers"] if t["code"] == "petition.review_answer")
    assert answer["paused"] is True
    with travel(at("2026-06-17", 9)):
        ended = ok(reviewer.act(BASE, case.pk, "hearing/end", {"level": "review"}))
        decided = ok(reviewer.act(BASE, case.pk, "review-decision", decision_body(level="review")))
    assert ended["reviews"][0]["hearings"][0]["ended_at"] is not None
    assert decided["case"]["status"] == "reviewed"
    assert decided["reviews"][0]["decision"] == decided["decisions"][-1]["number"]
    assert decided["decisions"][-1]["level_label"] == "复查意见"


def test_hearing_actions_need_an_open_request(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = _decided(territory, organs, clerk, housing_officer)
    with pytest.raises(CaseError), travel(at("2026-06-15")):
        p.do_start_hearing(case, actor=housing_officer, level="review")
    with pytest.raises(CaseError), travel(at("2026-06-15")):
        p.do_review_decide(case, actor=housing_officer, level="review", draft=decision())
    assert not Hearing.objects.exists() and not ReviewRequest.objects.exists()


def test_petitioner_may_request_review_through_the_bureau(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User, city_clerk: User
) -> None:
    case = _decided(territory, organs, clerk, housing_officer)
    with travel(at("2026-06-15", 9)):
        case = p.do_request_review(
            case,
            actor=None,
            level="review",
            reviewing_unit=organs.city_housing,
            reason="信访人来信请求复查",
            citizen=True,
        )
    request = ReviewRequest.objects.get(case=case)
    assert request.reviewing_unit_id == organs.city_housing.pk and request.decision is None
    assert (
        Matter.objects.get(petitions__case=case).handling_region_id == organs.city_housing.region_id
    )
    assert timer(case, "petition.review_request").stop_reason == "已请求复查"


# ------------------------------------------------------------------ records and matters


def test_generic_intake_gets_a_petition_record(territory: Territory) -> None:
    case = do_register(
        CaseDraft(
            kind="petition",
            channel="letter",
            description="来信",
            region=territory.village,
            category=Category.objects.get(code="RX02"),
        ),
        actor=None,
    ).case
    assert not Petition.objects.filter(case=case).exists()
    record = petition_of(case)
    assert record.channel == "letter" and record.matter.stage == "open"
    assert petition_of(case).pk == record.pk


def test_petition_record_only_for_petitions(territory: Territory) -> None:
    case = do_register(
        CaseDraft(
            kind="dispute",
            channel="grid_patrol",
            description="纠纷",
            region=territory.grid_a1,
            category=Category.objects.get(code="TJ02"),
        ),
        actor=None,
    ).case
    with pytest.raises(Invalid) as info:
        petition_of(case)
    assert info.value.errors[0]["field"] == "kind"


def test_matter_key_needs_an_identifier(territory: Territory, organs: Organs) -> None:
    anonymous = draft(territory.village, phone="", id_number="")
    assert matter_key(anonymous) == ""
    first = register(territory.village, at("2026-03-02", 10), phone="", id_number="")
    second = register(territory.village, at("2026-03-03", 10), phone="", id_number="")
    assert second.status == "registered"  # no identifier: not recognised as the same matter
    assert Petition.objects.get(case=first).matter_id != Petition.objects.get(case=second).matter_id


def test_matter_key_is_keyed_and_depends_on_the_subject(
    territory: Territory, organs: Organs
) -> None:
    base = matter_key(draft(territory.village))
    assert base and "13912345678" not in base and len(base) >= 32
    assert matter_key(draft(territory.village)) == base
    assert matter_key(draft(territory.village, category="TJ02")) != base
    assert matter_key(draft(territory.village, about=organs.housing)) != base
    # the ID number wins over the phone
    assert matter_key(draft(territory.village, phone="13700000000")) == base


def test_invalid_channel_is_refused(territory: Territory) -> None:
    with pytest.raises(Invalid) as info:
        p.do_register_petition(
            draft(territory.village), p.PetitionDraft(channel="pigeon"), actor=None
        )
    assert info.value.errors[0]["field"] == "channel"


def test_bureau_for_is_the_nearest_on_the_line(territory: Territory, organs: Organs) -> None:
    assert bureau_for(territory.grid_a1) == organs.bureau
    assert bureau_for(territory.city) == organs.city_bureau
    assert bureau_for(territory.other_village) == organs.city_bureau  # no county bureau there
    assert bureau_for(territory.province) is None
    assert is_above(territory.city, territory.county) and not is_above(
        territory.county, territory.county
    )
    assert not is_above(territory.county, territory.city)


# ------------------------------------------------------------------ AC-10 through the cases API


def test_accused_unit_cannot_read_the_accusers_details_through_the_cases_api(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10), about=organs.accused)
    case = route(
        case,
        clerk,
        organs.discipline,
        at("2026-03-03"),
        petition_type="accusation",
        mode="transfer",
    )
    accused = Api(unit_user("accused_officer", organs.accused))
    with travel(at("2026-03-04", 9)):
        via_cases = accused.get(f"/api/v1/cases/{case.pk}")
        via_petitions = accused.get(f"{BASE}/{case.pk}")
    assert via_petitions.status_code == 404
    assert via_cases.status_code == 404  # not the accused unit's case at all


def test_non_accusation_keeps_the_unit_for_statistics_only(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10), about=organs.housing)
    assert Case.objects.get(pk=case.pk).respondent_unit_id is None
    assert Petition.objects.get(case=case).about_unit_id == organs.housing.pk
    case = route(case, clerk, organs.housing, at("2026-03-03"))
    with travel(at("2026-03-04")):
        detail = ok(Api(housing_officer).get(f"{BASE}/{case.pk}"))
    names = [party["name"] for party in detail["case"]["parties"]]
    assert names == ["赵*"]  # the organ handling a claim sees who asks (masked by default)


# ------------------------------------------------------------------ staff registration details


def test_staff_registered_visit_counts_people_as_a_group(organs: Organs, clerk: User) -> None:
    body = {
        "channel": "visit",
        "region_code": "620102001001",
        "category_code": "RX02",
        "description": "多名业主来访反映电梯补贴",
        "people_count": 12,
        "parties": [{"role": "complainant", "name": "代表甲", "phone": "13900000001"}],
    }
    with travel(at("2026-03-02", 9)):
        created = ok(
            Api(clerk).post(f"{BASE}/", body, **{"Idempotency-Key": str(uuid.uuid4())}), 201
        )
    petition = Petition.objects.get(case_id=created["id"])
    assert petition.is_group and petition.channel == "visit"
    assert Case.objects.get(pk=created["id"]).people_count == 12


def test_routing_tells_the_petitioner_without_naming_staff(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    from fengqiao.core.models import Outbox
    from fengqiao.petitions.models import Notice

    case = register(territory.village, at("2026-03-02", 10))
    route(case, clerk, organs.housing, at("2026-03-03"), mode="transfer")
    notice = Notice.objects.get(case=case, kind="routing")
    assert notice.content == f"您的信访事项已转送至{organs.housing.name}。"
    message = (
        Outbox.objects.filter(case=case, topic="petition.notice").order_by("created_at").last()
    )
    assert message is not None and message.recipient == f"petitioner:{case.receipt_no}"
    assert set(message.payload) >= {"notice_id", "kind"} and "赵四" not in str(message.payload)


def test_same_matter_while_open_below_refused_at_the_province(
    territory: Territory, organs: Organs, clerk: User, province_clerk: User
) -> None:
    first = register(territory.village, at("2026-03-02", 10))
    route(first, clerk, organs.housing, at("2026-03-03"))
    province_bureau = province_clerk.unit
    assert province_bureau is not None
    again = register(territory.village, at("2026-03-05", 10), received_by=province_bureau)
    assert again.status == "not_accepted"
    assert "第十九条" in Petition.objects.get(case=again).refusal_reason
    assert timer(again, "petition.register_route") is None


def test_group_limit_message_names_its_source(territory: Territory) -> None:
    parties = [PartyDraft(role=PartyRole.COMPLAINANT, name=f"人{i}") for i in range(7)]
    d = draft(territory.village)
    d.parties = parties
    with refused("《信访工作条例》第二十条"):
        p.do_register_petition(d, p.PetitionDraft(channel="visit"), actor=None)
