"""Every dispute transition as its own endpoint: POST /mediation/disputes/{id}/<action>, with
the version the client saw (WEB-10). 404 out of view scope, 403 visible but not workable, 409
wrong state or stale version (naming the allowed actions), 422 a rule of the procedure."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import request_user
from fengqiao.cases.api.schemas import ErrorOut
from fengqiao.cases.api.validate import Errors
from fengqiao.cases.models import Case, Party
from fengqiao.mediation import actions as m
from fengqiao.mediation.api import schemas as s
from fengqiao.mediation.api.access import get_dispute, unit_by_code
from fengqiao.mediation.api.present import dispute_out
from fengqiao.mediation.models import InvitedParticipant, MediationRoom, Mediator
from fengqiao.units.models import Unit

router = Router(tags=["mediation-transitions"])
OUT: dict[int, Any] = {
    200: s.DisputeOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _open(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    user = request_user(request)
    return user, get_dispute(user, case_id, act=True)


def _unit(code: str, field: str) -> Unit:
    unit = unit_by_code(code)
    if unit is None:
        errors = Errors()
        errors.add(field, "单位不存在或已停用", "unknown or inactive unit")
        errors.raise_if_any()
    assert unit is not None
    return unit


@router.post("/disputes/{case_id}/dispatch", response=OUT, summary="分派调解组织")
def dispatch(request: HttpRequest, case_id: int, payload: s.OrgIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    org = _unit(payload.org_code, "org_code")
    return dispute_out(
        m.do_dispatch_dispute(case, actor=user, org=org, version=payload.version), user
    )


@router.post("/disputes/{case_id}/accept", response=OUT, summary="调解组织受理")
def accept(request: HttpRequest, case_id: int, payload: s.OptionalReasonIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    return dispute_out(m.do_accept_dispute(case, actor=user, version=payload.version), user)


@router.post(
    "/disputes/{case_id}/decline", response=OUT, summary="当事人明确拒绝·不予调解（告知其他途径）"
)
def decline(request: HttpRequest, case_id: int, payload: s.RoutesIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    done = m.do_decline(
        case,
        actor=user,
        reason=payload.reason,
        routes_told=payload.routes_told,
        version=payload.version,
    )
    return dispute_out(done, user)


@router.post("/disputes/{case_id}/object", response=OUT, summary="不属本组织调解范围·退回")
def object_(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    return dispute_out(
        m.do_object_dispute(case, actor=user, reason=payload.reason, version=payload.version), user
    )


@router.post("/disputes/{case_id}/redispatch", response=OUT, summary="退回成立·改派")
def redispatch(request: HttpRequest, case_id: int, payload: s.RedispatchIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    org = _unit(payload.org_code, "org_code")
    done = m.do_redispatch_dispute(
        case, actor=user, org=org, reason=payload.reason, version=payload.version
    )
    return dispute_out(done, user)


@router.post("/disputes/{case_id}/uphold", response=OUT, summary="退回不成立·维持")
def uphold(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    return dispute_out(
        m.do_uphold_dispute(case, actor=user, reason=payload.reason, version=payload.version), user
    )


@router.post(
    "/disputes/{case_id}/assign-mediators", response=OUT, summary="指派调解员（指定或当事人选择）"
)
def assign(request: HttpRequest, case_id: int, payload: s.AssignIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    errors = Errors()
    picks = []
    for i, pick in enumerate(payload.mediators):
        mediator = Mediator.objects.filter(pk=pick.mediator_id).select_related("org").first()
        if mediator is None:
            errors.add(f"mediators.{i}.mediator_id", "调解员不存在", "unknown mediator")
        else:
            picks.append(m.MediatorPick(mediator, pick.presiding))
    errors.raise_if_any()
    done = m.do_assign_mediators(
        case, actor=user, picks=picks, chosen_by=payload.chosen_by, version=payload.version
    )
    return dispute_out(done, user)


@router.post(
    "/disputes/{case_id}/invite",
    response=OUT,
    summary="邀请亲属、邻里或专业人员参与调解（须当事人同意）",
)
def invite(request: HttpRequest, case_id: int, payload: s.InviteIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    m.do_invite(
        case,
        actor=user,
        kind=payload.kind,
        name=payload.name,
        note_text=payload.note,
        consented=payload.consented,
    )
    return dispute_out(case, user)


@router.post(
    "/disputes/{case_id}/sessions", response=OUT, summary="调解（记录本次调解过程和参加人员）"
)
def session(request: HttpRequest, case_id: int, payload: s.SessionIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    errors = Errors()
    mediators = list(Mediator.objects.filter(pk__in=payload.mediator_ids).select_related("org"))
    if len(mediators) != len(set(payload.mediator_ids)):
        errors.add("mediator_ids", "调解员不存在", "unknown mediator")
    parties = list(Party.objects.filter(pk__in=payload.party_ids, case=case))
    if len(parties) != len(set(payload.party_ids)):
        errors.add("party_ids", "当事人不属于本案", "party of another case")
    invited = list(InvitedParticipant.objects.filter(pk__in=payload.invited_ids, case=case))
    if len(invited) != len(set(payload.invited_ids)):
        errors.add("invited_ids", "受邀人员不属于本案", "invited to another case")
    room = (
        MediationRoom.objects.filter(pk=payload.room_id).select_related("org").first()
        if payload.room_id
        else None
    )
    if payload.room_id and room is None:
        errors.add("room_id", "调解室不存在", "unknown room")
    errors.raise_if_any()
    draft = m.SessionDraft(
        held_at=payload.held_at,
        mode=payload.mode,
        record=payload.record,
        mediators=mediators,
        parties=parties,
        invited=invited,
        room=room,
        place=payload.place,
    )
    m.do_hold_session(case, actor=user, draft=draft, version=payload.version)
    return dispute_out(case, user)


@router.post(
    "/disputes/{case_id}/risk",
    response=OUT,
    summary="风险报告（可能转化为治安、刑事案件的立即报告公安机关）",
)
def risk(request: HttpRequest, case_id: int, payload: s.RiskIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    police = unit_by_code(payload.police_unit_code)
    done = m.do_flag_risk(
        case,
        actor=user,
        criminal=payload.criminal,
        group=payload.group,
        police_unit=police,
        reason=payload.reason,
    )
    return dispute_out(done, user)


@router.post(
    "/disputes/{case_id}/outcome", response=OUT, summary="调解结果（成功、部分成功、不成）"
)
def outcome(request: HttpRequest, case_id: int, payload: s.OutcomeIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    agreement = None
    if payload.agreement is not None:
        a = payload.agreement
        agreement = m.AgreementDraft(
            form=a.form,
            facts=a.facts,
            disputed_points=a.disputed_points,
            terms=a.terms,
            performance_manner=a.performance_manner,
            responsibility=a.responsibility,
            performance_place=a.performance_place,
            performance_deadline=a.performance_deadline,
            amount=a.amount,
        )
    prevention = m.Prevention(
        criminal_people=payload.prevented_criminal_people,
        group_people=payload.prevented_group_people,
    )
    done = m.do_record_outcome(
        case,
        actor=user,
        outcome=payload.outcome,
        reason=payload.reason,
        agreement=agreement,
        prevention=prevention,
        version=payload.version,
    )
    return dispute_out(done, user)


@router.post(
    "/disputes/{case_id}/terminate", response=OUT, summary="终止调解（告知仲裁、行政、司法途径）"
)
def terminate(request: HttpRequest, case_id: int, payload: s.RoutesIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    done = m.do_terminate(
        case,
        actor=user,
        reason=payload.reason,
        routes_told=payload.routes_told,
        version=payload.version,
    )
    return dispute_out(done, user)


@router.post("/disputes/{case_id}/transfer", response=OUT, summary="三调联动·移交其他调解组织")
def transfer(request: HttpRequest, case_id: int, payload: s.TransferIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    org = _unit(payload.to_org_code, "to_org_code")
    done = m.do_transfer(
        case, actor=user, to_org=org, reason=payload.reason, version=payload.version
    )
    return dispute_out(done, user)


@router.post(
    "/disputes/{case_id}/agreement/sign", response=OUT, summary="调解协议签名、盖章（书面协议生效）"
)
def sign(request: HttpRequest, case_id: int, payload: s.SignIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    m.do_sign_agreement(
        case, actor=user, parties_signed_at=payload.parties_signed_at, sealed_at=payload.sealed_at
    )
    return dispute_out(case, user)


@router.post("/disputes/{case_id}/performance", response=OUT, summary="履行回访（监督履行）")
def performance(request: HttpRequest, case_id: int, payload: s.PerformanceIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    m.do_check_performance(case, actor=user, status=payload.status, note_text=payload.note)
    return dispute_out(case, user)


@router.post("/disputes/{case_id}/performance/close", response=OUT, summary="履行监督结束")
def close_performance(
    request: HttpRequest, case_id: int, payload: s.ClosePerformanceIn
) -> s.DisputeOut:
    user, case = _open(request, case_id)
    done = m.do_close_performance(
        case,
        actor=user,
        performed=payload.performed,
        note_text=payload.note,
        version=payload.version,
    )
    return dispute_out(done, user)


@router.post(
    "/disputes/{case_id}/confirmation/apply",
    response=OUT,
    summary="申请司法确认（双方共同申请，协议生效后30日内）",
)
def apply_confirmation(request: HttpRequest, case_id: int, payload: s.ApplyIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    court = _unit(payload.court_code, "court_code")
    done = m.do_apply_confirmation(
        case, actor=user, court=court, joint=payload.joint, version=payload.version
    )
    return dispute_out(done, user)


@router.post(
    "/disputes/{case_id}/confirmation/refuse", response=OUT, summary="法院不予受理司法确认申请"
)
def refuse_application(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    return dispute_out(
        m.do_refuse_application(case, actor=user, reason=payload.reason, version=payload.version),
        user,
    )


@router.post(
    "/disputes/{case_id}/confirmation/accept", response=OUT, summary="法院受理司法确认申请"
)
def accept_confirmation(request: HttpRequest, case_id: int, payload: s.CourtCaseIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    done = m.do_accept_confirmation(
        case, actor=user, court_case_no=payload.court_case_no, version=payload.version
    )
    return dispute_out(done, user)


@router.post(
    "/disputes/{case_id}/confirmation/extend",
    response=OUT,
    summary="延长司法确认审查期限（院长批准）",
)
def extend_confirmation(request: HttpRequest, case_id: int, payload: s.ExtendIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    done = m.do_extend_confirmation(
        case,
        actor=user,
        approved_by=payload.approved_by,
        reason=payload.reason,
        version=payload.version,
    )
    return dispute_out(done, user)


@router.post("/disputes/{case_id}/confirmation/confirm", response=OUT, summary="裁定调解协议有效")
def confirm(request: HttpRequest, case_id: int, payload: s.OptionalReasonIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    return dispute_out(
        m.do_confirm(case, actor=user, reason=payload.reason, version=payload.version), user
    )


@router.post(
    "/disputes/{case_id}/confirmation/reject", response=OUT, summary="裁定驳回司法确认申请"
)
def reject_confirmation(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    return dispute_out(
        m.do_reject_confirmation(case, actor=user, reason=payload.reason, version=payload.version),
        user,
    )


@router.post("/disputes/{case_id}/remediate", response=OUT, summary="司法确认驳回后重新调解")
def remediate(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    return dispute_out(
        m.do_remediate(case, actor=user, reason=payload.reason, version=payload.version), user
    )


@router.post("/disputes/{case_id}/sue", response=OUT, summary="告知向人民法院起诉")
def sue(request: HttpRequest, case_id: int, payload: s.OptionalReasonIn) -> s.DisputeOut:
    user, case = _open(request, case_id)
    return dispute_out(
        m.do_sue(case, actor=user, reason=payload.reason, version=payload.version), user
    )
