"""Rules 17–22 (信访工作条例 2022) pinned at their boundaries through the actions and the sweep:
the last day passes, the next day is overdue (or refused). Dates are 2026, on the official
calendar (国庆 10月1日–7日 with 10月10日 调休上班; 劳动节 5月1日–5日)."""

from __future__ import annotations

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases.errors import CaseError
from fengqiao.cases.models import Case, CaseTransition
from fengqiao.core.models import Outbox
from fengqiao.petitions import actions as p
from fengqiao.petitions.models import (
    Matter,
    MatterStage,
    Notice,
    NoticeKind,
    Petition,
)
from fengqiao.petitions.tests.conftest import Organs
from fengqiao.petitions.tests.helpers import (
    accept,
    decide,
    decision,
    overdue_after_sweep,
    refused,
    register,
    route,
    timer,
)
from fengqiao.procedures.testing import at, end_of, travel
from fengqiao.testing import Territory

# ------------------------------------------------------------------ rule 17: register and route


def test_rule17_route_within_fifteen_days_of_registration(
    territory: Territory, organs: Organs
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    clock = timer(case, "petition.register_route")
    assert clock.primary and clock.due_at == end_of("2026-03-17")
    assert "第二十二条" in clock.basis
    assert Case.objects.get(pk=case.pk).due_at == end_of("2026-03-17")
    assert not overdue_after_sweep(case, "petition.register_route", end_of("2026-03-17"))
    assert overdue_after_sweep(case, "petition.register_route", at("2026-03-18", 0, 0, 1))
    assert CaseTransition.objects.filter(case=case, action="timer_overdue").count() == 1


@pytest.mark.parametrize(
    ("when", "met"), [(end_of("2026-03-17"), True), (at("2026-03-18", 9), False)]
)
def test_rule17_routing_on_the_last_day_is_in_time(
    territory: Territory, organs: Organs, clerk: User, when: object, met: bool
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.housing, when)  # type: ignore[arg-type]
    assert case.status == "routed"
    stopped = timer(case, "petition.register_route")
    assert stopped.stopped_at == when and stopped.met is met
    assert Petition.objects.get(case=case).routing_mode == "assign"
    routed = Notice.objects.get(case=case, kind=NoticeKind.ROUTING)
    assert "交办至城关区住房和城乡建设局" in routed.content


def test_rule17_litigation_related_items_go_to_political_legal_organs(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    with refused("转送、交办的机关不符合规定") as _, travel(at("2026-03-03")):
        p.do_route(
            case,
            actor=clerk,
            organ=organs.housing,
            mode="transfer",
            petition_type="claim",
            route="litigation",
        )
    case = route(
        case, clerk, organs.court, at("2026-03-03"), claim_route="litigation", mode="transfer"
    )
    petition = Petition.objects.get(case=case)
    assert petition.litigation_related and petition.routing_mode == "transfer"
    assert case.lead_unit_id == organs.court.pk


def test_rule17_litigation_flag_alone_also_separates(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    with pytest.raises(Exception) as info, travel(at("2026-03-03")):
        p.do_route(
            case,
            actor=clerk,
            organ=organs.housing,
            mode="transfer",
            petition_type="suggestion",
            litigation_related=True,
        )
    errors = info.value.errors  # type: ignore[attr-defined]
    assert errors[0]["field"] == "organ_code" and "政法机关" in errors[0]["message"]


def test_rule17_accusations_go_to_discipline_and_never_to_the_accused(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10), about=organs.accused)
    # the accused unit is not on the case until routing decides it is an accusation
    assert Case.objects.get(pk=case.pk).respondent_unit_id is None
    for organ in (organs.housing, organs.accused):
        with refused("转送、交办的机关不符合规定"), travel(at("2026-03-03")):
            p.do_route(case, actor=clerk, organ=organ, mode="transfer", petition_type="accusation")
    case = route(case, clerk, organs.discipline, at("2026-03-03"), petition_type="accusation")
    assert Case.objects.get(pk=case.pk).respondent_unit_id == organs.accused.pk
    assert Petition.objects.get(case=case).petition_type == "accusation"


def test_rule17_accusation_about_the_discipline_body_itself_is_refused_there(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10), about=organs.discipline)
    with refused("转送、交办的机关不符合规定"), travel(at("2026-03-03")):
        p.do_route(
            case, actor=clerk, organ=organs.discipline, mode="transfer", petition_type="accusation"
        )


def test_rule17_routing_needs_a_mode_and_a_type(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    with pytest.raises(Exception) as info, travel(at("2026-03-03")):
        p.do_route(case, actor=clerk, organ=organs.housing, mode="post", petition_type="x")
    fields = {e["field"] for e in info.value.errors}  # type: ignore[attr-defined]
    assert fields == {"mode", "petition_type"}
    with pytest.raises(Exception) as info, travel(at("2026-03-03")):
        p.do_route(
            case,
            actor=clerk,
            organ=organs.housing,
            mode="assign",
            petition_type="suggestion",
            route="investigate",
        )
    assert info.value.errors[0]["field"] == "route"  # type: ignore[attr-defined]


def test_rule17_the_bureau_may_refuse_with_a_written_reason(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    with travel(at("2026-03-04", 9)):
        case = p.do_refuse(case, actor=clerk, reason="属于人大代表建议，不属于信访事项")
    assert case.status == "not_accepted" and case.resolved is False
    assert timer(case, "petition.register_route").met is True
    told = Notice.objects.get(case=case, kind=NoticeKind.NON_ACCEPTANCE)
    assert told.mode == "written" and "人大代表建议" in told.content
    assert Outbox.objects.filter(case=case, topic="petition.notice").exists()


# ------------------------------------------------------------------ rule 18: acceptance notice


def test_rule18_acceptance_notice_within_fifteen_days_of_receipt(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.housing, at("2026-03-03", 9))
    clock = timer(case, "petition.accept_notice")
    assert clock.primary and clock.due_at == end_of("2026-03-18")
    assert "第二十三条" in clock.basis
    assert not overdue_after_sweep(case, "petition.accept_notice", end_of("2026-03-18"))
    assert overdue_after_sweep(case, "petition.accept_notice", at("2026-03-19", 0, 0, 1))
    case = accept(case, housing_officer, at("2026-03-19", 9))
    assert timer(case, "petition.accept_notice").met is False  # told a day late
    told = Notice.objects.get(case=case, kind=NoticeKind.ACCEPTANCE)
    assert told.mode == "written" and "已受理" in told.content


def test_rule18_acceptance_on_the_spot_on_the_last_day(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.housing, at("2026-03-03", 9))
    case = accept(case, housing_officer, end_of("2026-03-18"), mode="on_the_spot")
    assert case.status == "accepted"
    assert timer(case, "petition.accept_notice").met is True
    assert timer(case, "petition.misroute_objection").stopped_at == end_of("2026-03-18")
    assert Notice.objects.get(case=case, kind=NoticeKind.ACCEPTANCE).mode == "on_the_spot"


def test_rule18_claims_name_their_route_and_notice_mode_is_checked(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.housing, at("2026-03-03", 9), claim_route="")
    with refused("申诉求决类事项请确定办理方式"), travel(at("2026-03-04")):
        p.do_accept_petition(case, actor=housing_officer, mode="written")
    with refused("请选择告知方式"), travel(at("2026-03-04")):
        p.do_accept_petition(case, actor=housing_officer, mode="sms", route="investigate")


def test_rule18_objection_within_five_working_days_across_national_day(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-09-29", 10))
    case = route(case, clerk, organs.housing, at("2026-09-30", 10))
    # Oct 8, 9, 10 (调休上班 Saturday), 12, 13
    clock = timer(case, "petition.misroute_objection")
    assert clock.due_at == end_of("2026-10-13") and not clock.primary
    # the calendar-day acceptance notice: 15 days from 09-30 is 10-15, a Thursday
    assert timer(case, "petition.accept_notice").due_at == end_of("2026-10-15")
    with travel(end_of("2026-10-13")):
        case = p.do_object_misrouted(case, actor=housing_officer, reason="属规划部门职责")
    assert case.status == "objected"
    assert timer(case, "petition.misroute_objection").met is True


def test_rule18_objection_on_the_sixth_working_day_is_refused(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-09-29", 10))
    case = route(case, clerk, organs.housing, at("2026-09-30", 10))
    with refused("5个工作日"), travel(at("2026-10-14", 0, 0, 1)):
        p.do_object_misrouted(case, actor=housing_officer, reason="属规划部门职责")
    assert Case.objects.get(pk=case.pk).status == "routed"


def test_rule18_objection_ruled_unfounded_cannot_be_repeated(
    territory: Territory,
    organs: Organs,
    clerk: User,
    housing_officer: User,
    city_clerk: User,
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.housing, at("2026-03-03", 9))
    with travel(at("2026-03-04", 9)):
        case = p.do_object_misrouted(case, actor=housing_officer, reason="不属本局职责")
        case = p.do_uphold_petition(case, actor=clerk, reason="属住建职责，应当办理")
    assert case.status == "routed" and case.lead_unit_id == organs.housing.pk
    with refused("不得再次提出异议", CaseError), travel(at("2026-03-05", 9)):
        p.do_object_misrouted(case, actor=housing_officer, reason="再次异议")


def test_rule18_objection_upheld_sends_the_item_to_the_right_organ(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.housing, at("2026-03-03", 9))
    with travel(at("2026-03-05", 9)):
        case = p.do_object_misrouted(case, actor=housing_officer, reason="属市场监管职责")
        case = p.do_redispatch_petition(
            case, actor=clerk, organ=organs.accused, reason="属市场监管职责"
        )
    assert case.lead_unit_id == organs.accused.pk
    # the new organ's clocks start afresh from the re-routing
    assert timer(case, "petition.accept_notice").started_at == at("2026-03-05", 9)
    assert timer(case, "petition.accept_notice").due_at == end_of("2026-03-20")
    assert timer(case, "petition.misroute_objection").started_at == at("2026-03-05", 9)
    assert Matter.objects.get(petitions__case=case).handling_region == organs.accused.region


def test_rule18_the_organ_may_decline_with_reasons(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.housing, at("2026-03-03", 9))
    with travel(at("2026-03-10", 9)):
        case = p.do_decline_petition(case, actor=housing_officer, reason="已通过诉讼解决")
    assert case.status == "not_accepted"
    assert timer(case, "petition.accept_notice").met is True
    assert Petition.objects.get(case=case).refusal_reason == "已通过诉讼解决"
    assert Notice.objects.get(case=case, kind=NoticeKind.NON_ACCEPTANCE).content == "已通过诉讼解决"


# ------------------------------------------------------------------ rule 19: handling limit


def _accepted(
    territory: Territory, organs: Organs, clerk: User, officer: User, day: str = "2026-06-01"
) -> Case:
    case = register(territory.village, at("2026-05-28", 10))
    case = route(case, clerk, organs.housing, at("2026-05-29", 10))
    return accept(case, officer, at(day, 10))


def test_rule19_handling_within_sixty_days_of_acceptance(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = _accepted(territory, organs, clerk, housing_officer)
    clock = timer(case, "petition.handling")
    assert clock.primary and clock.due_at == end_of("2026-07-31")
    assert "第三十四条" in clock.basis
    assert Case.objects.get(pk=case.pk).due_at == end_of("2026-07-31")
    assert not overdue_after_sweep(case, "petition.handling", end_of("2026-07-31"))
    assert overdue_after_sweep(case, "petition.handling", at("2026-08-01", 0, 0, 1))
    assert Outbox.objects.filter(
        case=case, topic="timer.overdue", recipient=f"unit:{organs.housing.code}"
    ).exists()


@pytest.mark.parametrize(
    ("when", "met"), [(end_of("2026-07-31"), True), (at("2026-08-01", 9), False)]
)
def test_rule19_decision_on_the_last_day_is_in_time(
    territory: Territory,
    organs: Organs,
    clerk: User,
    housing_officer: User,
    when: object,
    met: bool,
) -> None:
    case = _accepted(territory, organs, clerk, housing_officer)
    case = decide(case, housing_officer, when)  # type: ignore[arg-type]
    assert case.status == "decided"
    assert timer(case, "petition.handling").met is met


def test_rule19_extension_thirty_days_once_with_approval_and_notice(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = _accepted(territory, organs, clerk, housing_officer)
    with travel(at("2026-07-20", 9)):
        with refused("负责人批准"):
            p.do_extend(case, actor=housing_officer, reason="需要现场核查", approved_by=" ")
        case = p.do_extend(
            case, actor=housing_officer, reason="需要现场核查", approved_by="局长 王某"
        )
        # 07-31 + 30 days = 08-30, a Sunday → the next working day
        assert timer(case, "petition.handling").due_at == end_of("2026-08-31")
        with refused("1次"):
            p.do_extend(case, actor=housing_officer, reason="再延", approved_by="局长 王某")
    assert Petition.objects.get(case=case).extended
    told = Notice.objects.get(case=case, kind=NoticeKind.EXTENSION)
    assert "2026年08月31日" in told.content and "需要现场核查" in told.content
    assert not overdue_after_sweep(case, "petition.handling", end_of("2026-08-31"))
    assert overdue_after_sweep(case, "petition.handling", at("2026-09-01", 0, 0, 1))


def test_rule19_extension_cannot_exceed_thirty_days(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = _accepted(territory, organs, clerk, housing_officer)
    with travel(at("2026-07-20", 9)), pytest.raises(Exception) as info:
        p.do_extend(case, actor=housing_officer, reason="复杂", approved_by="局长", days=31)
    assert info.value.errors[0]["field"] == "extension"  # type: ignore[attr-defined]
    with travel(at("2026-07-20", 9)):
        case = p.do_extend(case, actor=housing_officer, reason="复杂", approved_by="局长", days=10)
    assert timer(case, "petition.handling").due_at == end_of("2026-08-10")


def test_rule19_redirect_routes_have_no_handling_clock(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    from fengqiao.petitions.tests.conftest import unit_user

    court_officer = unit_user("court_officer", organs.court)
    case = register(territory.village, at("2026-03-02", 10))
    case = route(
        case, clerk, organs.court, at("2026-03-03", 9), claim_route="litigation", mode="transfer"
    )
    case = accept(case, court_officer, at("2026-03-04", 9))
    assert timer(case, "petition.handling") is None
    with refused("应导入相应程序"), travel(at("2026-03-05")):
        p.do_decide(case, actor=court_officer, draft=decision())
    with travel(at("2026-03-05")):
        case = p.do_redirect(case, actor=court_officer, procedure="民事诉讼程序")
    assert case.status == "redirected"
    assert Matter.objects.get(petitions__case=case).stage == MatterStage.CLOSED
    assert "民事诉讼程序" in Notice.objects.get(case=case, kind=NoticeKind.REDIRECT).content


def test_rule19_only_claim_routes_one_to_four_are_redirected(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = _accepted(territory, organs, clerk, housing_officer)
    with refused("第（一）至（四）项"), travel(at("2026-06-02")):
        p.do_redirect(case, actor=housing_officer, procedure="行政复议")


# ------------------------------------------------------------------ rule 20: 复查 and 复核


def _decided(
    territory: Territory, organs: Organs, clerk: User, officer: User, delivered: str
) -> Case:
    case = _accepted(territory, organs, clerk, officer)
    with travel(at(delivered, 10)):
        return p.do_decide(case, actor=officer, draft=decision(delivered_at=at(delivered, 10)))


@pytest.mark.parametrize(
    ("when", "allowed"), [(end_of("2026-07-10"), True), (at("2026-07-11", 0, 0, 1), False)]
)
def test_rule20_review_request_within_thirty_days_of_the_reply(
    territory: Territory,
    organs: Organs,
    clerk: User,
    housing_officer: User,
    city_clerk: User,
    when: object,
    allowed: bool,
) -> None:
    case = _decided(territory, organs, clerk, housing_officer, "2026-06-10")
    window = timer(case, "petition.review_request")
    assert window.due_at == end_of("2026-07-10") and not window.primary
    with travel(when):  # type: ignore[arg-type]
        if allowed:
            case = p.do_request_review(
                case,
                actor=city_clerk,
                level="review",
                reviewing_unit=organs.city_housing,
                reason="不服",
            )
            assert case.status == "review" and case.lead_unit_id == organs.city_housing.pk
        else:
            with refused("30日内"):
                p.do_request_review(
                    case,
                    actor=city_clerk,
                    level="review",
                    reviewing_unit=organs.city_housing,
                    reason="不服",
                )


def test_rule20_review_goes_one_level_up(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User, city_clerk: User
) -> None:
    case = _decided(territory, organs, clerk, housing_officer, "2026-06-10")
    for unit in (organs.housing, organs.accused):  # same level: refused
        with refused("上一级机关"), travel(at("2026-06-15")):
            p.do_request_review(
                case, actor=city_clerk, level="review", reviewing_unit=unit, reason="不服"
            )


def test_rule20_review_answer_thirty_days_hearing_not_counted(
    territory: Territory,
    organs: Organs,
    clerk: User,
    housing_officer: User,
    city_clerk: User,
    city_officer: User,
) -> None:
    case = _decided(territory, organs, clerk, housing_officer, "2026-06-10")
    with travel(at("2026-07-08", 9)):
        case = p.do_request_review(
            case,
            actor=city_clerk,
            level="review",
            reviewing_unit=organs.city_housing,
            reason="不服",
        )
    answer = timer(case, "petition.review_answer")
    assert answer.primary and answer.due_at == end_of("2026-08-07")
    with travel(at("2026-07-15", 9)):
        case = p.do_start_hearing(case, actor=city_officer, level="review", note_text="公开听证")
    assert case.status == "review_hearing"
    # while the hearing lasts the clock does not run out, even past its old due date
    assert not overdue_after_sweep(case, "petition.review_answer", at("2026-08-08", 9))
    with travel(at("2026-08-08", 10)):
        case = p.do_end_hearing(case, actor=city_officer, level="review")
    resumed = timer(case, "petition.review_answer")
    assert resumed.paused_at is None and resumed.due_at > end_of("2026-08-08")
    assert len(resumed.pauses) == 1 and resumed.pauses[0][1] is not None
    # 07-15 … 08-08 is 25 dates not counted: 08-07 + 25 = 09-01
    assert resumed.due_at == end_of("2026-09-01")
    with travel(at("2026-09-01", 9)):
        case = p.do_review_decide(
            case, actor=city_officer, level="review", draft=decision("support")
        )
    assert timer(case, "petition.review_answer").met is True
    # 30 days from 09-01 is 10-01, 国庆: the window rolls to the first working day, 10-08
    assert timer(case, "petition.recheck_request").due_at == end_of("2026-10-08")


def test_rule20_recheck_within_thirty_days_then_final(
    territory: Territory,
    organs: Organs,
    clerk: User,
    housing_officer: User,
    city_clerk: User,
    city_officer: User,
    province_clerk: User,
    province_officer: User,
) -> None:
    case = _decided(territory, organs, clerk, housing_officer, "2026-06-10")
    with travel(at("2026-06-15", 9)):
        case = p.do_request_review(
            case, actor=city_clerk, level="review", reviewing_unit=organs.city_housing, reason="x"
        )
    with travel(at("2026-06-16", 10)):
        case = p.do_review_decide(
            case,
            actor=city_officer,
            level="review",
            draft=decision("reject", delivered_at=at("2026-06-16", 10)),
        )
    window = timer(case, "petition.recheck_request")
    assert window.due_at == end_of("2026-07-16")
    with refused("30日内"), travel(at("2026-07-17", 0, 0, 1)):
        p.do_request_review(
            case,
            actor=province_clerk,
            level="recheck",
            reviewing_unit=organs.province_housing,
            reason="仍不服",
        )
    with travel(end_of("2026-07-16")):
        case = p.do_request_review(
            case,
            actor=province_clerk,
            level="recheck",
            reviewing_unit=organs.province_housing,
            reason="仍不服",
        )
    answer = timer(case, "petition.recheck_answer")
    assert answer.due_at == end_of("2026-08-17")  # 08-15 is a Saturday → Monday 08-17
    assert not overdue_after_sweep(case, "petition.recheck_answer", end_of("2026-08-17"))
    assert overdue_after_sweep(case, "petition.recheck_answer", at("2026-08-18", 0, 0, 1))
    with travel(at("2026-08-18", 9)):
        case = p.do_review_decide(
            case, actor=province_officer, level="recheck", draft=decision("reject")
        )
    assert case.status == "rechecked" and not case.is_open
    assert Matter.objects.get(petitions__case=case).stage == MatterStage.FINAL
    assert timer(case, "petition.recheck_answer").met is False


def test_rule20_after_recheck_the_same_matter_is_not_accepted_again(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    first = register(territory.village, at("2026-03-02", 10))
    Matter.objects.filter(petitions__case=first).update(stage=MatterStage.FINAL)
    Case.objects.filter(pk=first.pk).update(is_open=False, status="rechecked")
    again = register(territory.village, at("2026-09-01", 10), channel="letter")
    assert again.status == "not_accepted" and not again.is_open
    reason = Petition.objects.get(case=again).refusal_reason
    assert "已经复核" in reason and "不再受理" in reason and "第三十六条" in reason
    assert Notice.objects.get(case=again, kind=NoticeKind.NON_ACCEPTANCE).content == reason
    assert Petition.objects.get(case=again).matter_id == Petition.objects.get(case=first).matter_id
    assert timer(again, "petition.register_route") is None


def test_rule20_window_expiry_concludes_the_item_once(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    from fengqiao.cases import sweep

    case = _decided(territory, organs, clerk, housing_officer, "2026-06-10")
    with travel(end_of("2026-07-10")):
        sweep.run(end_of("2026-07-10"))
    assert Case.objects.get(pk=case.pk).status == "decided"
    with travel(at("2026-07-11", 0, 0, 1)):
        first = sweep.run(at("2026-07-11", 0, 0, 1))
        second = sweep.run(at("2026-07-11", 0, 0, 1))
    case.refresh_from_db()
    assert case.status == "concluded" and not case.is_open
    assert first.extra["petition windows 信访复查期满办结"] == 1
    assert second.changes == 0
    assert Matter.objects.get(petitions__case=case).stage == MatterStage.CLOSED
    assert CaseTransition.objects.filter(case=case, action="window_expired").count() == 1


def test_rule20_petitioner_may_conclude_before_the_window_ends(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = _decided(territory, organs, clerk, housing_officer, "2026-06-10")
    with travel(at("2026-06-12")):
        case = p.do_conclude(case, actor=clerk, reason="信访人表示接受处理意见")
    assert case.status == "concluded"
    assert timer(case, "petition.review_request").stop_reason == "办结"


# ---------------------------------------------------------- rule 21: types, outcomes, limits


@pytest.mark.parametrize(("people", "ok"), [(5, True), (6, False)])
def test_rule21_group_visits_at_most_five_representatives(
    territory: Territory, organs: Organs, people: int, ok: bool
) -> None:
    if ok:
        case = register(territory.village, at("2026-03-02", 10), channel="visit", people=people)
        assert case.status == "registered"
        assert case.parties.count() == 5
    else:
        with refused("代表人数不超过5人"):
            register(territory.village, at("2026-03-02", 10), channel="visit", people=people)


def test_rule21_more_than_five_by_letter_is_not_a_visit(
    territory: Territory, organs: Organs
) -> None:
    case = register(territory.village, at("2026-03-02", 10), channel="letter", people=8)
    assert case.status == "registered" and case.parties.count() == 8


def test_rule21_the_representative_limit_is_data_with_its_source(territory: Territory) -> None:
    from fengqiao.procedures.numbers import statutory_number

    number = statutory_number(
        "petition.max_visit_representatives",
        region=territory.village,
        on=__import__("datetime").date(2026, 3, 2),
    )
    assert number.as_int == 5 and number.unit == "人"
    assert number.citation == "《信访工作条例》第二十条"


@pytest.mark.parametrize("outcome", ["support", "explain", "reject"])
def test_rule21_three_outcomes(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User, outcome: str
) -> None:
    case = _accepted(territory, organs, clerk, housing_officer)
    case = decide(case, housing_officer, at("2026-06-20"), outcome)
    assert case.resolved is (outcome == "support")
    written = case.petition_decisions.get()
    assert written.outcome == outcome and written.level == "handling"
    assert written.number.startswith("城关区住房和城乡建设局信访处理意见书〔2026〕")


def test_rule21_decision_needs_a_valid_outcome_and_contents(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = _accepted(territory, organs, clerk, housing_officer)
    bad = p.DecisionDraft(outcome="partly", request=" ", facts="", reasons="")
    with pytest.raises(Exception) as info, travel(at("2026-06-20")):
        p.do_decide(case, actor=housing_officer, draft=bad)
    fields = {e["field"] for e in info.value.errors}  # type: ignore[attr-defined]
    assert fields == {"outcome", "request", "facts", "reasons"}
    future = decision(delivered_at=at("2026-06-25"))
    with pytest.raises(Exception) as info, travel(at("2026-06-20")):
        p.do_decide(case, actor=housing_officer, draft=future)
    assert info.value.errors[0]["field"] == "delivered_at"  # type: ignore[attr-defined]


def test_rule21_same_matter_not_accepted_higher_up_while_handled_below(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    first = _accepted(territory, organs, clerk, housing_officer)
    higher = register(territory.village, at("2026-06-05", 10), received_by=organs.city_bureau)
    assert higher.status == "not_accepted"
    reason = Petition.objects.get(case=higher).refusal_reason
    assert "下级机关" in reason and "第十九条" in reason
    same_level = register(territory.village, at("2026-06-05", 11), received_by=organs.bureau)
    assert same_level.status == "not_accepted"
    assert "不重复受理" in Petition.objects.get(case=same_level).refusal_reason
    assert Case.objects.get(pk=first.pk).status == "accepted"  # the first one is untouched


def test_rule21_other_subjects_and_earlier_refusals_do_not_block(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    first = register(territory.village, at("2026-03-02", 10))
    with travel(at("2026-03-03")):
        p.do_refuse(first, actor=clerk, reason="材料不全")
    # an earlier submission that was not accepted, with nothing open, does not block
    again = register(territory.village, at("2026-03-10", 10))
    assert Petition.objects.get(case=again).refusal_reason == ""
    assert again.status == "registered"
    # another subject (category) of the same petitioner is another matter
    other = register(territory.village, at("2026-03-11", 10), category="TJ02")
    assert other.status == "registered"
    assert Petition.objects.get(case=other).matter_id != Petition.objects.get(case=again).matter_id


def test_rule21_decided_matter_is_not_a_new_item(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    _decided(territory, organs, clerk, housing_officer, "2026-06-10")
    again = register(territory.village, at("2026-06-20", 10))
    assert again.status == "not_accepted"
    assert "请求复查或复核" in Petition.objects.get(case=again).refusal_reason


# ------------------------------------------------------------------ rule 22: annual report


def test_rule22_annual_report_from_fields(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    from fengqiao.petitions.report import annual_report

    accepted = _accepted(territory, organs, clerk, housing_officer)
    decide(accepted, housing_officer, at("2026-06-20"), "support")
    transferred = register(
        territory.village,
        at("2026-06-02", 10),
        channel="letter",
        phone="13700000001",
        id_number="",
        about=organs.accused,
    )
    route(
        transferred,
        clerk,
        organs.discipline,
        at("2026-06-03"),
        petition_type="accusation",
        mode="transfer",
    )
    refused_item = register(
        territory.village,
        at("2026-06-04", 10),
        channel="visit",
        phone="13700000002",
        id_number="",
    )
    with travel(at("2026-06-05")):
        p.do_refuse(refused_item, actor=clerk, reason="不属于信访事项")
    register(territory.village, at("2025-12-31", 23), phone="13700000003", id_number="")
    report = annual_report(Case.objects.all(), 2026)
    assert report.year == 2026 and report.total == 3
    assert report.by_channel == {"信息网络": 1, "书信": 1, "走访": 1}
    assert report.by_type == {"申诉求决类": 1, "检举控告类": 1, "未分类": 1}
    assert report.transferred == 1 and report.assigned == 1 and report.not_accepted == 1
    assert report.most_complained_units[0] == {"unit": organs.accused.name, "count": 1}
    assert report.acceptance_on_time == 1.0 and report.handling_on_time == 1.0
    assert report.decisions_by_outcome == {"支持": 1}
    assert sum(report.by_category.values()) == 3
    assert annual_report(Case.objects.all(), 2025).total == 1
