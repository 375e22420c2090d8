"""The dispute actions one by one: own initiative, objection and re-dispatch, mediator checks
and workload, invited helpers, session checks, risks, partial settlement, failure, 三调联动
transfers (people's → administrative), signing, performance supervision, 司法确认 refusals and
the court referral's checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases.errors import CaseError, Invalid
from fengqiao.cases.models import Case, CaseTransition
from fengqiao.core.models import Outbox
from fengqiao.mediation import actions as m
from fengqiao.mediation.models import (
    Agreement,
    AgreementStatus,
    Dispute,
    InvitedParticipant,
    MediationRoom,
    MediationStage,
    Mediator,
    MediatorAssignment,
    MediatorKind,
    PerformanceCheck,
    Session,
    StageOutcome,
    StageVia,
)
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.mediation.tests.helpers import (
    accept,
    draft,
    intake,
    refused,
    settle,
    timer,
    to_mediating,
)
from fengqiao.procedures.testing import at, travel
from fengqiao.testing import Territory


def _errors(info: pytest.ExceptionInfo[Invalid]) -> set[str]:
    return {e["field"] for e in info.value.errors}


# ------------------------------------------------------------------ intake and acceptance


def test_own_initiative_takes_the_dispute_up_at_once(
    territory: Territory, villager: User, bodies: Bodies
) -> None:
    case = intake(
        villager, territory.grid_a1, bodies.village, at("2026-03-02", 9), source="initiative"
    )
    assert case.status == "accepted" and case.lead_unit_id == bodies.village.pk
    assert case.first_unit_id == bodies.village.pk
    stage = MediationStage.objects.get(case=case)
    assert stage.via == StageVia.INITIATIVE and stage.accepted_at == at("2026-03-02", 9)
    assert not stage.is_handoff
    assert Dispute.objects.get(case=case).source == "initiative"
    assert timer(case, "mediation.people").started_at == at("2026-03-02", 9)


def test_dispatch_by_the_grid_worker_opens_a_stage_and_waits_for_acceptance(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    assert case.status == "dispatched"
    assert timer(case, "mediation.people") is None  # the term starts at acceptance
    case = accept(case, villager, at("2026-03-03", 9))
    stage = MediationStage.objects.get(case=case)
    assert stage.via == StageVia.DISPATCH and stage.accepted_at == at("2026-03-03", 9)
    assert timer(case, "mediation.people").started_at == at("2026-03-03", 9)


def test_dispatch_only_to_a_mediation_body(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    with pytest.raises(Invalid) as info, travel(at("2026-03-02", 9)):
        m.do_intake_dispute(
            draft(territory.grid_a1), m.DisputeDraft(org=bodies.police), actor=grid_worker
        )
    assert _errors(info) == {"org_id"}
    assert not Case.objects.exists()  # the whole intake rolled back


def test_intake_refuses_another_kind(territory: Territory, grid_worker: User) -> None:
    d = draft(territory.grid_a1)
    d.kind = "petition"
    with pytest.raises(Invalid) as info:
        m.do_intake_dispute(d, m.DisputeDraft(), actor=grid_worker)
    assert _errors(info) == {"kind"}


def test_objection_then_redispatch_opens_a_new_stage(
    territory: Territory, grid_worker: User, county_operator: User, bodies: Bodies
) -> None:
    township = member("township_m", bodies.township)
    village_member = member("village_m2", bodies.village)
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    with travel(at("2026-03-02", 11)):
        case = m.do_object_dispute(case, actor=village_member, reason="涉及两个社区，不属本会")
    assert case.status == "objected"
    with travel(at("2026-03-02", 14)):
        case = m.do_redispatch_dispute(
            case, actor=county_operator, org=bodies.township, reason="改由街道调委会调解"
        )
    assert case.status == "dispatched" and case.lead_unit_id == bodies.township.pk
    stages = list(MediationStage.objects.filter(case=case).order_by("seq"))
    assert [(s.seq, s.via, s.outcome) for s in stages] == [
        (1, StageVia.DISPATCH, StageOutcome.OBJECTED),
        (2, StageVia.REDISPATCH, ""),
    ]
    assert not stages[1].is_handoff  # a correction of the dispatch, not a hand-off
    case = accept(case, township, at("2026-03-03", 9))
    assert case.status == "accepted"


def test_objection_upheld_keeps_the_body(
    territory: Territory, grid_worker: User, county_operator: User, bodies: Bodies
) -> None:
    village_member = member("village_m2", bodies.village)
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    with travel(at("2026-03-02", 11)):
        case = m.do_object_dispute(case, actor=village_member, reason="不属本会")
        case = m.do_uphold_dispute(case, actor=county_operator, reason="属本社区范围")
    assert case.status == "dispatched" and case.lead_unit_id == bodies.village.pk
    with refused("不得再次退回", CaseError), travel(at("2026-03-02", 12)):
        m.do_object_dispute(case, actor=village_member, reason="再次退回")


def test_redispatch_only_to_a_mediation_body(
    territory: Territory, grid_worker: User, county_operator: User, bodies: Bodies
) -> None:
    village_member = member("village_m2", bodies.village)
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    with travel(at("2026-03-02", 11)):
        case = m.do_object_dispute(case, actor=village_member, reason="不属本会")
    with pytest.raises(Invalid) as info, travel(at("2026-03-02", 12)):
        m.do_redispatch_dispute(case, actor=county_operator, org=bodies.police, reason="x")
    assert _errors(info) == {"org_id"}


def test_a_grid_worker_cannot_accept_for_the_committee(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    with pytest.raises(CaseError), travel(at("2026-03-02", 10)):
        m.do_accept_dispute(case, actor=grid_worker)
    assert Case.objects.get(pk=case.pk).status == "dispatched"


# ------------------------------------------------------------------ mediators and helpers


def test_mediator_checks(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = accept(
        intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9)),
        villager,
        at("2026-03-02", 10),
    )
    mine = bodies.mediators["village"]
    second = Mediator.objects.create(org=mine.org, name="第二调解员", kind=MediatorKind.PART_TIME)
    gone = Mediator.objects.create(
        org=mine.org, name="离任调解员", kind=MediatorKind.PART_TIME, is_active=False
    )
    with travel(at("2026-03-02", 11)):
        with pytest.raises(Invalid) as info:
            m.do_assign_mediators(case, actor=villager, picks=[], chosen_by="designated")
        assert _errors(info) == {"mediators"}
        with pytest.raises(Invalid) as info:
            m.do_assign_mediators(
                case,
                actor=villager,
                picks=[m.MediatorPick(mine, True), m.MediatorPick(second, True)],
                chosen_by="designated",
            )
        assert "只能有一名主持调解员" in info.value.errors[0]["message"]
        with pytest.raises(Invalid) as info:
            m.do_assign_mediators(
                case,
                actor=villager,
                picks=[
                    m.MediatorPick(mine, True),
                    m.MediatorPick(bodies.mediators["township"]),
                    m.MediatorPick(gone),
                ],
                chosen_by="parties",
            )
        assert _errors(info) == {"mediators.1", "mediators.2"}
        case = m.do_assign_mediators(
            case,
            actor=villager,
            picks=[m.MediatorPick(mine, True), m.MediatorPick(second)],
            chosen_by="parties",
        )
    assert case.status == "assigned"
    rows = list(MediatorAssignment.objects.filter(case=case).order_by("pk"))
    assert [(r.mediator_id, r.presiding, r.chosen_by) for r in rows] == [
        (mine.pk, True, "parties"),
        (second.pk, False, "parties"),
    ]
    assert m.workload(mine) == 1 and m.workload(second) == 1


def test_mediator_at_full_workload_is_refused(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    mine = bodies.mediators["village"]
    Mediator.objects.filter(pk=mine.pk).update(max_active=1)
    mine.refresh_from_db()
    first = accept(
        intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9)),
        villager,
        at("2026-03-02", 10),
    )
    second = accept(
        intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9, 5)),
        villager,
        at("2026-03-02", 10, 5),
    )
    with travel(at("2026-03-02", 11)):
        m.do_assign_mediators(
            first, actor=villager, picks=[m.MediatorPick(mine, True)], chosen_by="designated"
        )
        with pytest.raises(Invalid) as info:
            m.do_assign_mediators(
                second, actor=villager, picks=[m.MediatorPick(mine, True)], chosen_by="designated"
            )
    assert "上限（1件）" in info.value.errors[0]["message"]


def test_workload_counts_open_disputes_only(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    mine = bodies.mediators["village"]
    case = to_mediating(
        accept(
            intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9)),
            villager,
            at("2026-03-02", 10),
        ),
        villager,
        mine,
        at("2026-03-03"),
    )
    assert m.workload(mine) == 1
    with travel(at("2026-03-04")):
        case = m.do_record_outcome(case, actor=villager, outcome="failure", reason="分歧大")
        m.do_terminate(case, actor=villager, reason="调解不成", routes_told="诉讼")
    assert m.workload(mine) == 0


def test_invited_helpers_need_the_parties_consent(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = accept(
        intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9)),
        villager,
        at("2026-03-02", 10),
    )
    with refused("须经当事人同意"), travel(at("2026-03-02", 11)):
        m.do_invite(
            case, actor=villager, kind="relative", name="王叔", note_text="舅舅", consented=False
        )
    with travel(at("2026-03-02", 11)):
        row = m.do_invite(
            case, actor=villager, kind="expert", name="张工", note_text="建筑工程师", consented=True
        )
    stored = InvitedParticipant.objects.get(pk=row.pk)
    assert stored.name == "张工" and stored.consented and stored.invited_by == villager
    assert CaseTransition.objects.filter(case=case, action="invite").count() == 1
    assert "张工" not in str(
        CaseTransition.objects.get(case=case, action="invite").data
    )  # ids only on the timeline


def test_invite_only_while_mediating(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    with pytest.raises(CaseError), travel(at("2026-03-02", 11)):
        m.do_invite(case, actor=villager, kind="expert", name="张工", note_text="", consented=True)


def test_session_checks_and_records(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    mine = bodies.mediators["village"]
    case = accept(
        intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9)),
        villager,
        at("2026-03-02", 10),
    )
    with travel(at("2026-03-02", 11)):
        case = m.do_assign_mediators(
            case, actor=villager, picks=[m.MediatorPick(mine, True)], chosen_by="designated"
        )
    other = intake(grid_worker, territory.grid_a1, bodies.township, at("2026-03-02", 9, 30))
    foreign_room = MediationRoom.objects.create(org=bodies.mediators["township"].org, name="一室")
    own_room = MediationRoom.objects.create(org=mine.org, name="和事佬调解室", has_video=True)
    with travel(at("2026-03-03", 15)):
        with pytest.raises(Invalid) as info:
            m.do_hold_session(
                case,
                actor=villager,
                draft=m.SessionDraft(
                    held_at=at("2026-03-03", 14),
                    mode="on_site",
                    record="记录",
                    mediators=[bodies.mediators["township"]],
                    parties=list(other.parties.all()),
                    room=foreign_room,
                ),
            )
        assert _errors(info) == {"mediator_ids", "party_ids", "room_id"}
        session = m.do_hold_session(
            case,
            actor=villager,
            draft=m.SessionDraft(
                held_at=at("2026-03-03", 14),
                mode="video",
                record="双方同意视频调解；甲方陈述渗水经过。",
                mediators=[mine],
                parties=list(case.parties.all()),
                room=own_room,
            ),
        )
    stored = Session.objects.get(pk=session.pk)
    assert stored.seq == 1 and stored.mode == "video" and stored.room == own_room
    assert stored.record.startswith("双方同意视频调解")
    assert stored.parties.count() == 2 and list(stored.mediators.all()) == [mine]
    assert Case.objects.get(pk=case.pk).status == "mediating"


# ------------------------------------------------------------------ risk


def test_group_risk_alone_goes_to_the_region_not_the_police(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    with travel(at("2026-03-02", 9, 30)):
        case = m.do_flag_risk(
            case, actor=grid_worker, criminal=False, group=True, police_unit=None, reason="多户"
        )
    assert "group" in case.flags and "criminal_risk" not in case.flags
    assert not Outbox.objects.filter(case=case, topic="mediation.police_report").exists()
    assert Outbox.objects.get(case=case, topic="mediation.group_risk").recipient == (
        f"region:{territory.grid_a1.code}"
    )
    d = Dispute.objects.get(case=case)
    assert d.group_risk and not d.criminal_risk and d.police_reported_at is None


def test_risk_found_at_intake_is_reported_at_once(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    case = intake(
        grid_worker,
        territory.grid_a1,
        bodies.village,
        at("2026-03-02", 9),
        criminal_risk=True,
        police_unit=bodies.police,
        risk_note="一方持械威胁",
    )
    d = Dispute.objects.get(case=case)
    assert d.criminal_risk and d.police_unit_id == bodies.police.pk
    assert d.police_reported_at == at("2026-03-02", 9)
    report = Outbox.objects.get(case=case, topic="mediation.police_report")
    assert report.available_at == at("2026-03-02", 9)
    assert "第二十五条" in report.payload["basis"]
    flagged = CaseTransition.objects.get(case=case, action="flag_risk")
    assert flagged.reason == "一方持械威胁" and flagged.data["criminal"] is True


def test_failure_after_a_risk_is_not_counted_as_prevented(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(
        grid_worker,
        territory.grid_a1,
        bodies.village,
        at("2026-03-02", 9),
        criminal_risk=True,
        police_unit=bodies.police,
    )
    case = to_mediating(
        accept(case, villager, at("2026-03-02", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-03"),
    )
    with travel(at("2026-03-04")):
        m.do_record_outcome(case, actor=villager, outcome="failure", reason="分歧过大")
    d = Dispute.objects.get(case=case)
    assert d.criminal_risk and not d.prevented_criminal and d.prevented_criminal_people == 0


def test_prevention_head_counts_can_be_given(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(
        grid_worker,
        territory.grid_a1,
        bodies.village,
        at("2026-03-02", 9),
        criminal_risk=True,
        group_risk=True,
        police_unit=bodies.police,
    )
    case = to_mediating(
        accept(case, villager, at("2026-03-02", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-03"),
    )
    with travel(at("2026-03-04")):
        m.do_record_outcome(
            case,
            actor=villager,
            outcome="success",
            agreement=m.AgreementDraft(
                form="oral", facts="", disputed_points="", terms=["互相道歉"], performance_manner=""
            ),
            prevention=m.Prevention(criminal_people=3, group_people=12),
        )
    d = Dispute.objects.get(case=case)
    assert (d.prevented_criminal_people, d.prevented_group_petition_people) == (3, 12)


# ------------------------------------------------------------------ outcome


def _mediating(territory: Territory, grid_worker: User, villager: User, bodies: Bodies) -> Case:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    return to_mediating(
        accept(case, villager, at("2026-03-02", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-03"),
    )


def test_outcome_checks(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = _mediating(territory, grid_worker, villager, bodies)
    with travel(at("2026-03-04")):
        with pytest.raises(Invalid) as info:
            m.do_record_outcome(case, actor=villager, outcome="half")
        assert _errors(info) == {"outcome"}
        with pytest.raises(Invalid) as info:
            m.do_record_outcome(case, actor=villager, outcome="success")
        assert _errors(info) == {"agreement"}
        with pytest.raises(Invalid) as info:
            m.do_record_outcome(
                case,
                actor=villager,
                outcome="partial",
                agreement=m.AgreementDraft(
                    form="letter", facts="", disputed_points="", terms=[" "], performance_manner=""
                ),
            )
        assert {"agreement.form", "agreement.terms"} <= _errors(info)
    assert Case.objects.get(pk=case.pk).status == "mediating"


def test_partial_settlement_is_a_success_for_the_statistics(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = _mediating(territory, grid_worker, villager, bodies)
    with travel(at("2026-03-04", 10)):
        case = m.do_record_outcome(
            case,
            actor=villager,
            outcome="partial",
            agreement=m.AgreementDraft(
                form="written",
                facts="事实",
                disputed_points="渗水与赔偿",
                terms=["排水沟改道"],
                performance_manner="自行施工",
                performance_deadline=dt.date(2026, 4, 30),
            ),
        )
    assert case.status == "agreed" and case.resolved is True
    agreement = Agreement.objects.get(case=case)
    assert agreement.partial and agreement.amount is None
    assert agreement.number == f"（2026）{bodies.village.name}调字第1号"
    d = Dispute.objects.get(case=case)
    assert d.outcome == "partial" and d.succeeded
    stage = MediationStage.objects.get(case=case)
    assert stage.outcome == StageOutcome.PARTIAL and stage.ended_at == at("2026-03-04", 10)
    assert timer(case, "mediation.people").met is True


def test_agreement_numbers_run_per_body_and_year(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    numbers = []
    for day in ("2026-03-04", "2026-03-05"):
        case = _mediating(territory, grid_worker, villager, bodies)
        settle(case, villager, at(day))
        numbers.append(Agreement.objects.get(case=case).number)
    assert numbers == [
        f"（2026）{bodies.village.name}调字第1号",
        f"（2026）{bodies.village.name}调字第2号",
    ]


def test_failure_then_transfer_to_an_administrative_body(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = _mediating(territory, grid_worker, villager, bodies)
    with travel(at("2026-09-29", 10)):
        case = m.do_record_outcome(case, actor=villager, outcome="failure", reason="涉劳动报酬")
        assert case.status == "failed"
        with refused("请移交给其他调解组织"):
            m.do_transfer(case, actor=villager, to_org=bodies.village, reason="x")
        case = m.do_transfer(
            case, actor=villager, to_org=bodies.admin, reason="属劳动争议，移交行政调解"
        )
    assert case.status == "dispatched" and case.lead_unit_id == bodies.admin.pk
    stages = list(MediationStage.objects.filter(case=case).order_by("seq"))
    assert stages[0].outcome == StageOutcome.FAILED  # recorded before the hand-off
    assert stages[1].via == StageVia.TRANSFER and stages[1].previous_id == stages[0].pk
    assert stages[1].is_handoff and stages[1].mediation_type == "administrative"
    d = Dispute.objects.get(case=case)
    assert d.mediation_type == "administrative" and d.outcome == ""
    # the administrative body's clocks (rule 29) start on receipt
    assert timer(case, "admin_mediation.accept").started_at == at("2026-09-29", 10)
    assert timer(case, "admin_mediation.transfer").due_at == at("2026-10-09", 23, 59, 59)


def test_terminate_tells_the_other_routes(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = _mediating(territory, grid_worker, villager, bodies)
    with travel(at("2026-03-04")):
        case = m.do_record_outcome(case, actor=villager, outcome="failure", reason="分歧大")
        with pytest.raises(CaseError):  # only a failed mediation is terminated
            m.do_terminate(
                Case.objects.get(pk=_mediating(territory, grid_worker, villager, bodies).pk),
                actor=villager,
                reason="x",
                routes_told="诉讼",
            )
        case = m.do_terminate(case, actor=villager, reason="调解不成", routes_told="行政处理、诉讼")
    assert case.status == "terminated" and not case.is_open
    d = Dispute.objects.get(case=case)
    assert d.routes_told == "行政处理、诉讼" and d.declined_reason == "调解不成"
    told = Outbox.objects.get(case=case, topic="mediation.routes_told")
    assert (told.payload["routes"], told.payload["reason"]) == ("行政处理、诉讼", "failed")
    assert told.payload["receipt_no"] == case.receipt_no


# ------------------------------------------------------------------ agreement and performance


def test_signing_checks_the_times(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = settle(_mediating(territory, grid_worker, villager, bodies), villager, at("2026-03-04"))
    with travel(at("2026-03-05", 9)):
        for signed, sealed in (
            (at("2026-03-03"), at("2026-03-04", 11)),  # before the agreement
            (at("2026-03-04", 11), at("2026-03-06")),  # in the future
        ):
            with pytest.raises(Invalid) as info:
                m.do_sign_agreement(
                    case, actor=villager, parties_signed_at=signed, sealed_at=sealed
                )
            assert _errors(info) == {"sealed_at"}
        m.do_sign_agreement(
            case,
            actor=villager,
            parties_signed_at=at("2026-03-04", 12),
            sealed_at=at("2026-03-04", 11),
        )
        with refused("该协议已生效"):
            m.do_sign_agreement(
                case,
                actor=villager,
                parties_signed_at=at("2026-03-04", 12),
                sealed_at=at("2026-03-04", 12),
            )
    agreement = Agreement.objects.get(case=case)
    assert agreement.effective_at == at("2026-03-04", 12)  # the later of the two
    assert timer(case, "judicial_confirmation.apply").started_at == at("2026-03-04", 12)


def test_performance_supervised_then_performed(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = settle(
        _mediating(territory, grid_worker, villager, bodies), villager, at("2026-03-04"), "oral"
    )
    with travel(at("2026-03-20")):
        m.do_check_performance(case, actor=villager, status="partly", note_text="已付一半")
    with travel(at("2026-04-10")):
        m.do_check_performance(case, actor=villager, status="performed", note_text="已付清")
        case = m.do_close_performance(case, actor=villager, performed=True, note_text="履行完毕")
    assert case.status == "performed" and case.resolved is True and not case.is_open
    checks = list(PerformanceCheck.objects.order_by("checked_at").values_list("status", flat=True))
    assert checks == ["partly", "performed"]
    assert Agreement.objects.get(case=case).status == AgreementStatus.PERFORMED
    assert timer(case, "judicial_confirmation.apply").stop_reason == "履行监督结束"
    assert not Outbox.objects.filter(case=case, topic="mediation.routes_told").exists()


def test_unperformed_agreement_tells_the_parties_to_sue(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = settle(
        _mediating(territory, grid_worker, villager, bodies), villager, at("2026-03-04"), "oral"
    )
    with travel(at("2026-04-10")):
        m.do_check_performance(case, actor=villager, status="refused", note_text="拒不支付")
        case = m.do_close_performance(case, actor=villager, performed=False)
    assert case.status == "unperformed"
    assert Agreement.objects.get(case=case).status == AgreementStatus.UNPERFORMED
    told = Outbox.objects.get(case=case, topic="mediation.routes_told")
    assert "提起诉讼" in told.payload["routes"]


def test_performance_checks_only_after_an_agreement(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = _mediating(territory, grid_worker, villager, bodies)
    with pytest.raises(CaseError), travel(at("2026-03-05")):
        m.do_check_performance(case, actor=villager, status="pending")


def _confirmed(
    territory: Territory, grid_worker: User, villager: User, court_clerk: User, bodies: Bodies
) -> Case:
    case = settle(
        _mediating(territory, grid_worker, villager, bodies), villager, at("2026-03-04"), "oral"
    )
    with travel(at("2026-03-05", 9)):
        case = m.do_apply_confirmation(case, actor=villager, court=bodies.court, joint=True)
    with travel(at("2026-03-06", 9)):
        case = m.do_accept_confirmation(
            case, actor=court_clerk, court_case_no="（2026）甘0102民特1号"
        )
    with travel(at("2026-03-10", 9)):
        return m.do_confirm(case, actor=court_clerk, reason="协议合法有效")


def test_confirmed_then_unperformed_tells_enforcement(
    territory: Territory, grid_worker: User, villager: User, court_clerk: User, bodies: Bodies
) -> None:
    case = _confirmed(territory, grid_worker, villager, court_clerk, bodies)
    assert case.status == "confirmed" and case.lead_unit_id == bodies.village.pk
    assert timer(case, "judicial_confirmation.decide").met is True
    assert timer(case, "judicial_confirmation.accept").met is True
    assert Outbox.objects.get(case=case, topic="mediation.confirmed").payload["enforceable"]
    with travel(at("2026-05-01")):
        case = m.do_close_performance(case, actor=villager, performed=False)
    told = Outbox.objects.get(case=case, topic="mediation.routes_told")
    assert told.payload["routes"] == "向人民法院申请强制执行"


def test_apply_confirmation_only_to_a_court(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = settle(
        _mediating(territory, grid_worker, villager, bodies), villager, at("2026-03-04"), "oral"
    )
    with refused("请选择人民法院"), travel(at("2026-03-05")):
        m.do_apply_confirmation(case, actor=villager, court=bodies.police, joint=True)


def test_pending_written_agreement_cannot_be_confirmed(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = settle(_mediating(territory, grid_worker, villager, bodies), villager, at("2026-03-04"))
    with pytest.raises(Invalid), travel(at("2026-03-05")):
        m.do_apply_confirmation(case, actor=villager, court=bodies.court, joint=True)
    assert Case.objects.get(pk=case.pk).status == "agreed"


def test_rejected_confirmation_may_end_in_suit(
    territory: Territory, grid_worker: User, villager: User, court_clerk: User, bodies: Bodies
) -> None:
    case = settle(
        _mediating(territory, grid_worker, villager, bodies), villager, at("2026-03-04"), "oral"
    )
    with travel(at("2026-03-05", 9)):
        case = m.do_apply_confirmation(case, actor=villager, court=bodies.court, joint=True)
        case = m.do_accept_confirmation(case, actor=court_clerk, court_case_no="（2026）民特2号")
        case = m.do_reject_confirmation(case, actor=court_clerk, reason="损害案外人利益")
        told = Outbox.objects.get(case=case, topic="mediation.routes_told")
        assert told.payload["reason"] == "rejected"
        case = m.do_sue(case, actor=villager, reason="当事人选择起诉")
    assert case.status == "litigation" and not case.is_open
    assert Outbox.objects.filter(case=case, topic="mediation.routes_told").count() == 2


def test_remediation_keeps_the_mediators_and_restarts_the_term(
    territory: Territory, grid_worker: User, villager: User, court_clerk: User, bodies: Bodies
) -> None:
    case = settle(
        _mediating(territory, grid_worker, villager, bodies), villager, at("2026-03-04"), "oral"
    )
    with travel(at("2026-03-05", 9)):
        case = m.do_apply_confirmation(case, actor=villager, court=bodies.court, joint=True)
        case = m.do_accept_confirmation(case, actor=court_clerk, court_case_no="（2026）民特3号")
        case = m.do_reject_confirmation(case, actor=court_clerk, reason="内容不明确")
    with travel(at("2026-03-06", 9)):
        case = m.do_remediate(case, actor=villager, reason="重新调解")
    stages = list(MediationStage.objects.filter(case=case).order_by("seq"))
    assert stages[-1].via == StageVia.REMEDIATION and stages[-1].accepted_at == at("2026-03-06", 9)
    assert MediatorAssignment.objects.filter(stage=stages[-1]).count() == 1
    assert Dispute.objects.get(case=case).outcome == ""
    restarted = timer(case, "mediation.people")
    assert restarted.started_at == at("2026-03-06", 9) and restarted.running
    # mediate again to a new agreement; the old one stays superseded
    assert case.status == "assigned"  # the same mediators go on
    with travel(at("2026-03-07")):
        m.do_hold_session(
            case,
            actor=villager,
            draft=m.SessionDraft(
                held_at=at("2026-03-07"),
                mode="phone",
                record="重新调解",
                mediators=[bodies.mediators["village"]],
            ),
        )
    settle(Case.objects.get(pk=case.pk), villager, at("2026-03-08"), "oral")
    statuses = sorted(Agreement.objects.filter(case=case).values_list("status", flat=True))
    assert statuses == [AgreementStatus.EFFECTIVE, AgreementStatus.SUPERSEDED]


# ------------------------------------------------------------------ court referrals


@pytest.mark.parametrize(
    ("referral_type", "procedure", "fields"),
    [
        ("entrusted", "", {"procedure"}),
        ("delegated", "ordinary", {"procedure"}),
    ],
)
def test_referral_procedure_checks(
    territory: Territory,
    county_operator: User,
    bodies: Bodies,
    referral_type: str,
    procedure: str,
    fields: set[str],
) -> None:
    with pytest.raises(Invalid) as info:
        m.do_intake_court_referral(
            draft(territory.grid_a1),
            m.ReferralDraft(
                court=bodies.court,
                referral_type=referral_type,
                procedure=procedure,
                route=bodies.route,
            ),
            actor=county_operator,
        )
    assert _errors(info) == fields


def test_referral_needs_a_court_its_own_route_or_a_body(
    territory: Territory, county_operator: User, bodies: Bodies
) -> None:
    with pytest.raises(Invalid) as info:
        m.do_intake_court_referral(
            draft(territory.grid_a1),
            m.ReferralDraft(court=bodies.police, referral_type="delegated", route=bodies.route),
            actor=county_operator,
        )
    assert _errors(info) == {"court_unit_code", "route_id"}
    with pytest.raises(Invalid) as info:
        m.do_intake_court_referral(
            draft(territory.grid_a1),
            m.ReferralDraft(court=bodies.court, referral_type="delegated"),
            actor=county_operator,
        )
    assert _errors(info) == {"org_id"}


def test_referral_without_a_route_goes_to_the_named_body(
    territory: Territory, county_operator: User, villager: User, bodies: Bodies
) -> None:
    with travel(at("2026-03-02", 9)):
        case = m.do_intake_court_referral(
            draft(territory.grid_a1, amount=Decimal("8000")),
            m.ReferralDraft(
                court=bodies.court,
                referral_type="entrusted",
                procedure="simplified",
                court_case_no="（2026）甘0102民初88号",
                org=bodies.village,
            ),
            actor=county_operator,
        ).case
    assert case.kind == "court_referral" and case.lead_unit_id == bodies.village.pk
    d = Dispute.objects.get(case=case)
    assert d.source == "court" and d.referred_by_id == bodies.court.pk
    stage = MediationStage.objects.get(case=case)
    assert stage.via == StageVia.DISPATCH and stage.diversion_step is None
    case = accept(case, villager, at("2026-03-03", 9))
    clock = timer(case, "court.entrusted_mediation_simplified")
    assert clock.due_at == at("2026-03-10", 23, 59, 59)
    assert timer(case, "mediation.people") is None  # the court's term replaces it
    with travel(at("2026-03-04")):
        case = to_mediating(case, villager, bodies.mediators["village"], at("2026-03-04"))
        case = m.do_record_outcome(case, actor=villager, outcome="failure", reason="不成")
    # no route: back to the court at once, and the court is told
    assert case.status == "returned" and not case.is_open
    assert timer(case, "court.entrusted_mediation_simplified").stopped_at is not None
    assert Outbox.objects.filter(case=case, recipient=f"unit:{bodies.court.code}").exists()
