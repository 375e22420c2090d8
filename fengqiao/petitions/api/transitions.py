"""Every petition transition as its own endpoint: POST /petitions/{id}/<action>, with the
version the client saw (WEB-10); refusals name the rule (第…条) in Chinese and English."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import request_user
from fengqiao.cases.api.schemas import ErrorOut
from fengqiao.cases.api.validate import Errors
from fengqiao.cases.models import Case
from fengqiao.petitions import actions as p
from fengqiao.petitions.api import schemas as s
from fengqiao.petitions.api.access import get_petition, unit_by_code
from fengqiao.petitions.api.present import petition_out
from fengqiao.units.models import Unit

router = Router(tags=["petitions-transitions"])
OUT: dict[int, Any] = {
    200: s.PetitionOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _open(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    user = request_user(request)
    return user, get_petition(user, case_id, act=True)


def _unit(code: str, field: str) -> Unit:
    unit = unit_by_code(code)
    if unit is None:
        errors = Errors()
        errors.add(field, "单位不存在或已停用", "unknown or inactive unit")
        errors.raise_if_any()
    assert unit is not None
    return unit


def _draft(payload: s.DecisionIn) -> p.DecisionDraft:
    return p.DecisionDraft(
        outcome=payload.outcome,
        request=payload.request,
        facts=payload.facts,
        reasons=payload.reasons,
        basis=payload.basis,
        delivered_at=payload.delivered_at,
    )


@router.post("/{case_id}/route", response=OUT, summary="转送/交办（登记之日起15日内）")
def route(request: HttpRequest, case_id: int, payload: s.RouteIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    organ = _unit(payload.organ_code, "organ_code")
    done = p.do_route(
        case,
        actor=user,
        organ=organ,
        mode=payload.mode,
        petition_type=payload.petition_type,
        route=payload.route or "",
        litigation_related=payload.litigation_related,
        task=payload.task,
        version=payload.version,
    )
    return petition_out(done, user)


@router.post("/{case_id}/refuse", response=OUT, summary="信访部门不予受理（告知理由）")
def refuse(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    return petition_out(
        p.do_refuse(case, actor=user, reason=payload.reason, version=payload.version), user
    )


@router.post("/{case_id}/accept", response=OUT, summary="受理并告知信访人（收到之日起15日内）")
def accept(request: HttpRequest, case_id: int, payload: s.AcceptIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    done = p.do_accept_petition(
        case, actor=user, mode=payload.mode, route=payload.route or "", version=payload.version
    )
    return petition_out(done, user)


@router.post("/{case_id}/decline", response=OUT, summary="有权处理机关不予受理（告知理由）")
def decline(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    return petition_out(
        p.do_decline_petition(case, actor=user, reason=payload.reason, version=payload.version),
        user,
    )


@router.post(
    "/{case_id}/object", response=OUT, summary="异议：不属本机关处理（收到之日起5个工作日内）"
)
def object_(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    return petition_out(
        p.do_object_misrouted(case, actor=user, reason=payload.reason, version=payload.version),
        user,
    )


@router.post("/{case_id}/redispatch", response=OUT, summary="异议成立·重新转送/交办")
def redispatch(request: HttpRequest, case_id: int, payload: s.RedispatchIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    organ = _unit(payload.organ_code, "organ_code")
    done = p.do_redispatch_petition(
        case, actor=user, organ=organ, reason=payload.reason, version=payload.version
    )
    return petition_out(done, user)


@router.post("/{case_id}/uphold", response=OUT, summary="异议不成立·维持")
def uphold(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    return petition_out(
        p.do_uphold_petition(case, actor=user, reason=payload.reason, version=payload.version), user
    )


@router.post(
    "/{case_id}/redirect", response=OUT, summary="导入相应法定程序（第三十一条第一至四项）"
)
def redirect(request: HttpRequest, case_id: int, payload: s.RedirectIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    return petition_out(
        p.do_redirect(case, actor=user, procedure=payload.procedure, version=payload.version), user
    )


@router.post("/{case_id}/extend", response=OUT, summary="延长办理期限（负责人批准，告知信访人）")
def extend(request: HttpRequest, case_id: int, payload: s.ExtendIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    done = p.do_extend(
        case,
        actor=user,
        reason=payload.reason,
        approved_by=payload.approved_by,
        days=payload.days,
        version=payload.version,
    )
    return petition_out(done, user)


@router.post(
    "/{case_id}/decide", response=OUT, summary="出具信访处理意见书（支持、解释说明、不予支持）"
)
def decide(request: HttpRequest, case_id: int, payload: s.DecisionIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    return petition_out(
        p.do_decide(case, actor=user, draft=_draft(payload), version=payload.version), user
    )


@router.post(
    "/{case_id}/review-request", response=OUT, summary="请求复查/复核（收到意见之日起30日内）"
)
def review_request(request: HttpRequest, case_id: int, payload: s.ReviewRequestIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    unit = _unit(payload.reviewing_unit_code, "reviewing_unit_code")
    done = p.do_request_review(
        case,
        actor=user,
        level=payload.level,
        reviewing_unit=unit,
        reason=payload.reason,
        version=payload.version,
    )
    return petition_out(done, user)


@router.post("/{case_id}/hearing/start", response=OUT, summary="复查/复核听证（不计入期限）")
def hearing_start(request: HttpRequest, case_id: int, payload: s.HearingIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    done = p.do_start_hearing(
        case, actor=user, level=payload.level, note_text=payload.note, version=payload.version
    )
    return petition_out(done, user)


@router.post("/{case_id}/hearing/end", response=OUT, summary="听证结束")
def hearing_end(request: HttpRequest, case_id: int, payload: s.HearingIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    return petition_out(
        p.do_end_hearing(case, actor=user, level=payload.level, version=payload.version), user
    )


@router.post("/{case_id}/review-decision", response=OUT, summary="出具复查/复核意见")
def review_decision(
    request: HttpRequest, case_id: int, payload: s.ReviewDecisionIn
) -> s.PetitionOut:
    user, case = _open(request, case_id)
    done = p.do_review_decide(
        case, actor=user, level=payload.level, draft=_draft(payload), version=payload.version
    )
    return petition_out(done, user)


@router.post("/{case_id}/conclude", response=OUT, summary="办结")
def conclude(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.PetitionOut:
    user, case = _open(request, case_id)
    return petition_out(
        p.do_conclude(case, actor=user, reason=payload.reason, version=payload.version), user
    )
