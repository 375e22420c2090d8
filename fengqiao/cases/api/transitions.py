"""Every transition as its own endpoint: POST /cases/{id}/<action>.

Each endpoint validates its body, finds the case through the caller's scope (404 when out of
view scope, 403 when visible but not workable) and calls one `do_*` action with the version
the client saw (WEB-10). Refusals map to 409 (wrong state, stale version), 403 (wrong person)
and 422 (a rule of the case); the body names the current state and the allowed actions.
"""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import request_user
from fengqiao.cases import actions as a
from fengqiao.cases.access import get_case_for_user, unit_may_serve
from fengqiao.cases.actions.engine import actor_assignment
from fengqiao.cases.api import schemas as s
from fengqiao.cases.api.present import detail_out
from fengqiao.cases.api.validate import Errors
from fengqiao.cases.errors import CaseError
from fengqiao.cases.models import Assignment, AssignmentRole, Case
from fengqiao.units.models import Unit

router = Router(tags=["cases-transitions"])

OUT: dict[int, Any] = {
    200: s.CaseOut,
    403: s.ErrorOut,
    404: s.ErrorOut,
    409: s.ErrorOut,
    422: s.ErrorOut,
}


def _open(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    user = request_user(request)
    return user, get_case_for_user(user, case_id, act=True)


def _out(case: Case, user: User) -> s.CaseOut:
    fresh = Case.objects.select_related("region", "category", "lead_unit", "parent").get(pk=case.pk)
    return detail_out(fresh, user)


def _drafts(case: Case, rows: list[tuple[str, s.UnitTaskIn]]) -> list[a.AssignmentDraft]:
    errors = Errors()
    drafts = []
    for field, row in rows:
        unit = Unit.objects.filter(pk=row.unit_id, is_active=True).select_related("region").first()
        if unit is None:
            errors.add(field, "单位不存在或已停用", "unknown or inactive unit")
        elif not unit_may_serve(unit, case.region):
            errors.add(field, "该单位不服务于事项所在区划", "the unit does not serve this region")
        else:
            drafts.append(a.AssignmentDraft(unit=unit, task=row.task, due_at=row.due_at))
    errors.raise_if_any()
    return drafts


@router.post("/{case_id}/accept", response=OUT, summary="受理·转派单")
def accept(request: HttpRequest, case_id: int, payload: s.VersionIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    return _out(a.do_accept(case, actor=user, version=payload.version), user)


@router.post("/{case_id}/answer", response=OUT, summary="即时办结")
def answer(request: HttpRequest, case_id: int, payload: s.AnswerIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_answer_directly(case, actor=user, answer=payload.answer, version=payload.version)
    return _out(done, user)


@router.post("/{case_id}/transfer-emergency", response=OUT, summary="转110/119/120/122")
def transfer_emergency(request: HttpRequest, case_id: int, payload: s.TransferIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_transfer_emergency(
        case, actor=user, service=payload.service, reason=payload.reason, version=payload.version
    )
    return _out(done, user)


@router.post("/{case_id}/refer-channel", response=OUT, summary="告知其他途径")
def refer_channel(request: HttpRequest, case_id: int, payload: s.ReferIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_refer_channel(
        case, actor=user, channel=payload.channel, reason=payload.reason, version=payload.version
    )
    return _out(done, user)


@router.post("/{case_id}/reject", response=OUT, summary="不予受理（须说明理由）")
def reject(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_reject(case, actor=user, reason=payload.reason, version=payload.version)
    return _out(done, user)


@router.post("/{case_id}/report", response=OUT, summary="网格事件上报")
def report(request: HttpRequest, case_id: int, payload: s.OptionalReasonIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_report(case, actor=user, reason=payload.reason, version=payload.version)
    return _out(done, user)


@router.post("/{case_id}/resolve-on-site", response=OUT, summary="网格事件就地化解结案")
def resolve_on_site(request: HttpRequest, case_id: int, payload: s.ResultIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_resolve_on_site(case, actor=user, result=payload.result, version=payload.version)
    return _out(done, user)


@router.post("/{case_id}/dispatch", response=OUT, summary="派单（主办+协办，留空主办则按派单目录）")
def dispatch(request: HttpRequest, case_id: int, payload: s.DispatchIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    rows = [("lead.unit_id", payload.lead)] if payload.lead else []
    rows += [(f"co_units.{i}.unit_id", row) for i, row in enumerate(payload.co_units)]
    drafts = _drafts(case, rows)
    lead = drafts.pop(0) if payload.lead else None
    done = a.do_dispatch(
        case,
        actor=user,
        lead=lead,
        co_units=drafts,
        reason=payload.reason,
        version=payload.version,
    )
    return _out(done, user)


@router.post("/{case_id}/sign", response=OUT, summary="签收（主办或协办单位）")
def sign(request: HttpRequest, case_id: int, payload: s.VersionIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    return _out(a.do_sign(case, actor=user, version=payload.version), user)


@router.post("/{case_id}/object", response=OUT, summary="派单异议（签收前，须说明理由）")
def object_(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_object(case, actor=user, reason=payload.reason, version=payload.version)
    return _out(done, user)


@router.post("/{case_id}/redispatch", response=OUT, summary="异议成立·改派")
def redispatch(request: HttpRequest, case_id: int, payload: s.RedispatchIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    (lead,) = _drafts(case, [("lead.unit_id", payload.lead)])
    done = a.do_redispatch(
        case, actor=user, lead=lead, reason=payload.reason, version=payload.version
    )
    return _out(done, user)


@router.post("/{case_id}/uphold", response=OUT, summary="异议不成立·维持派单")
def uphold(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_uphold(case, actor=user, reason=payload.reason, version=payload.version)
    return _out(done, user)


@router.post(
    "/{case_id}/assignments/{assignment_id}/objection-ruling",
    response=OUT,
    summary="协办单位异议审核",
)
def rule_co_objection(
    request: HttpRequest, case_id: int, assignment_id: int, payload: s.CoRulingIn
) -> s.CaseOut:
    user, case = _open(request, case_id)
    assignment = get_object_or_404(Assignment, pk=assignment_id, case=case)
    done = a.do_rule_co_objection(
        case, assignment, actor=user, accept=payload.accept, reason=payload.reason
    )
    return _out(done, user)


@router.post("/{case_id}/start", response=OUT, summary="开始办理")
def start(request: HttpRequest, case_id: int, payload: s.VersionIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    return _out(a.do_start(case, actor=user, version=payload.version), user)


@router.post("/{case_id}/pause", response=OUT, summary="暂停计时（等待群众）")
def pause(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_pause(case, actor=user, reason=payload.reason, version=payload.version)
    return _out(done, user)


@router.post("/{case_id}/resume", response=OUT, summary="恢复计时")
def resume(request: HttpRequest, case_id: int, payload: s.VersionIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    return _out(a.do_resume(case, actor=user, version=payload.version), user)


@router.post("/{case_id}/extension", response=OUT, summary="申请延期")
def request_extension(request: HttpRequest, case_id: int, payload: s.ExtensionIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_request_extension(
        case,
        actor=user,
        reason=payload.reason,
        requested_due_at=payload.requested_due_at,
        version=payload.version,
    )
    return _out(done, user)


@router.post("/{case_id}/extension/approve", response=OUT, summary="批准延期")
def approve_extension(
    request: HttpRequest, case_id: int, payload: s.ApproveExtensionIn
) -> s.CaseOut:
    user, case = _open(request, case_id)
    extra = None
    if payload.extra_amount is not None:
        if payload.extra_unit is None:
            errors = Errors()
            errors.add("extra_unit", "请指定延期单位", "extra_unit is required with extra_amount")
            errors.raise_if_any()
        extra = (payload.extra_amount, str(payload.extra_unit))
    done = a.do_approve_extension(
        case,
        actor=user,
        new_due_at=payload.new_due_at,
        extra=extra,
        note_text=payload.note,
        version=payload.version,
    )
    return _out(done, user)


@router.post("/{case_id}/extension/refuse", response=OUT, summary="驳回延期")
def refuse_extension(request: HttpRequest, case_id: int, payload: s.RefuseExtensionIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_refuse_extension(case, actor=user, note_text=payload.note, version=payload.version)
    return _out(done, user)


@router.post("/{case_id}/reply", response=OUT, summary="答复/处置反馈（主办或协办单位）")
def reply(request: HttpRequest, case_id: int, payload: s.ReplyIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    own = actor_assignment(case, user)
    if payload.version is None and own is not None and own.role == AssignmentRole.LEAD:
        # the lead's reply moves the case: it carries the version the unit saw (WEB-10)
        errors = Errors()
        errors.add(
            "version", "主办单位答复须提供版本号", "version is required for the lead's reply"
        )
        errors.raise_if_any()
    done = a.do_reply(
        case, actor=user, reply=payload.reply, resolved=payload.resolved, version=payload.version
    )
    return _out(done, user)


@router.post("/{case_id}/return", response=OUT, summary="审核退回重办")
def return_for_rework(request: HttpRequest, case_id: int, payload: s.ReasonIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_return_for_rework(case, actor=user, reason=payload.reason, version=payload.version)
    return _out(done, user)


@router.post("/{case_id}/approve-reply", response=OUT, summary="审核通过")
def approve_reply(request: HttpRequest, case_id: int, payload: s.NoteIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_approve_reply(case, actor=user, note_text=payload.note, version=payload.version)
    return _out(done, user)


@router.post("/{case_id}/close", response=OUT, summary="核查结案（网格事件）")
def close(request: HttpRequest, case_id: int, payload: s.NoteIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_close(case, actor=user, note_text=payload.note, version=payload.version)
    return _out(done, user)


@router.post("/{case_id}/callback", response=OUT, summary="回访（不满意或应办未办→退回重办）")
def callback(request: HttpRequest, case_id: int, payload: s.CallbackIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_callback(
        case,
        actor=user,
        satisfaction=payload.satisfaction,
        resolved=payload.resolved,
        acted=payload.acted,
        note_text=payload.note,
        version=payload.version,
    )
    return _out(done, user)


@router.post("/{case_id}/archive", response=OUT, summary="归档")
def archive(request: HttpRequest, case_id: int, payload: s.VersionIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    return _out(a.do_archive(case, actor=user, version=payload.version), user)


@router.post("/{case_id}/supervise", response=OUT, summary="督办（催办/督办/挂牌督办，只升不降）")
def supervise(request: HttpRequest, case_id: int, payload: s.SuperviseIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    if not a.do_raise_supervision(case, level=payload.level, actor=user, reason=payload.reason):
        raise CaseError("督办级别只能提高。", "Supervision can only be raised.")
    return _out(case, user)


@router.post("/{case_id}/merge", response=OUT, summary="并单（并入另一事项）")
def merge(request: HttpRequest, case_id: int, payload: s.MergeIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    into = get_case_for_user(user, payload.into_id, act=True)
    done = a.do_merge(case, into=into, actor=user, reason=payload.reason, version=payload.version)
    return _out(done, user)


@router.post("/{case_id}/unmerge", response=OUT, summary="撤销并单")
def unmerge(request: HttpRequest, case_id: int, payload: s.OptionalReasonIn) -> s.CaseOut:
    user, case = _open(request, case_id)
    done = a.do_unmerge(case, actor=user, reason=payload.reason, version=payload.version)
    return _out(done, user)
