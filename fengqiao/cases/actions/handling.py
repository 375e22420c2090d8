"""Handling, clocks (pause, extension), reply, review, callback, closing and archiving."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases import deadlines
from fengqiao.cases.actions.dispatch import _lead_or_co, _own_assignment, _set_assignment
from fengqiao.cases.actions.engine import active_lead, enqueue, move, note, require
from fengqiao.cases.errors import CaseError, Invalid, field_error
from fengqiao.cases.models import (
    AssignmentRole,
    AssignmentStatus,
    Case,
    ExtensionRequest,
    ExtensionStatus,
    Satisfaction,
)


@transaction.atomic
def do_start(case: Case, *, actor: User, version: int | None = None) -> Case:
    """开始办理: the lead unit starts work on a signed order."""
    return move(case, "start", actor=actor, version=version)


# ------------------------------------------------------------------ clocks


@transaction.atomic
def do_pause(case: Case, *, actor: User, reason: str, version: int | None = None) -> Case:
    """暂停计时: the clock stops while the unit waits for the citizen (materials, access)."""
    return move(case, "pause", actor=actor, version=version, reason=reason)


@transaction.atomic
def do_resume(case: Case, *, actor: User, version: int | None = None) -> Case:
    """恢复计时: the paused span is added back to the deadline (counted by deadlines.py)."""
    now = timezone.now()
    fields: dict[str, object] = {"paused_at": None}
    data: dict[str, object] = {}
    if case.due_at is not None and case.paused_at is not None:
        new_due = deadlines.shift_for_pause(
            case.due_at,
            paused_at=case.paused_at,
            resumed_at=now,
            rule=case.clock_rule,
            started_at=case.clock_started_at,
        )
        fields["due_at"] = new_due
        data = {"due_at": new_due.isoformat(), "paused_since": case.paused_at.isoformat()}
    return move(case, "resume", actor=actor, version=version, fields=fields, data=data)


@transaction.atomic
def do_request_extension(
    case: Case,
    *,
    actor: User,
    reason: str,
    requested_due_at: datetime | None = None,
    version: int | None = None,
) -> Case:
    """申请延期: the lead unit asks for more time with a reason (Beijing 条例 第十五条)."""
    require(case, "request_extension")
    assignment = _own_assignment(case, actor)
    if requested_due_at is not None and case.due_at is not None and requested_due_at <= case.due_at:
        raise Invalid(
            "申请延至的时间须晚于当前时限。",
            "The requested deadline must be later than the current one.",
            [field_error("requested_due_at", "须晚于当前时限", "must be later")],
        )
    case = move(
        case,
        "request_extension",
        actor=actor,
        version=version,
        reason=reason,
        actor_unit=assignment.unit,
    )
    ExtensionRequest.objects.create(
        case=case,
        assignment=assignment,
        reason=reason[:500],
        requested_due_at=requested_due_at,
        requested_by=actor,
        previous_due_at=case.due_at,
    )
    enqueue("extension.requested", case=case, recipient=f"region:{case.region.code}")
    return case


def _pending_extension(case: Case) -> ExtensionRequest:
    row = case.extensions.filter(status=ExtensionStatus.PENDING).order_by("-pk").first()
    if row is None:
        raise CaseError("没有待审批的延期申请。", "No extension request is pending.")
    return row


@transaction.atomic
def do_approve_extension(
    case: Case,
    *,
    actor: User,
    new_due_at: datetime | None = None,
    extra: tuple[int, str] | None = None,
    note_text: str = "",
    version: int | None = None,
) -> Case:
    """批准延期: the new deadline is named, taken from the request, or counted from the old
    one by `extra` = (amount, unit) through the rules app; the citizen is told (第十五条)."""
    require(case, "approve_extension")
    request = _pending_extension(case)
    due = new_due_at or request.requested_due_at
    if due is None and case.due_at is not None:
        amount, unit = extra if extra is not None else (None, None)
        due = deadlines.extended_due(case.clock_rule, case.due_at, amount=amount, unit=unit)
    if due is None:
        raise Invalid(
            "请指定延期后的办理时限。",
            "Name the new deadline.",
            [field_error("new_due_at", "请指定新的时限", "new deadline required")],
        )
    if case.due_at is not None and due <= case.due_at:
        raise Invalid(
            "延期后的时限须晚于当前时限。",
            "The new deadline must be later than the current one.",
            [field_error("new_due_at", "须晚于当前时限", "must be later")],
        )
    now = timezone.now()
    case = move(
        case,
        "approve_extension",
        actor=actor,
        version=version,
        reason=note_text,
        data={"previous_due_at": _iso(case.due_at), "due_at": due.isoformat()},
        fields={"due_at": due, "is_overdue": due <= now},
    )
    ExtensionRequest.objects.filter(pk=request.pk).update(
        status=ExtensionStatus.APPROVED,
        decided_by=actor,
        decided_at=now,
        decision_note=note_text[:500],
        new_due_at=due,
    )
    lead = active_lead(case)
    if lead is not None:
        type(lead).objects.filter(pk=lead.pk).update(due_at=due, due_basis="批准延期")
    enqueue("extension.approved", case=case, recipient=f"unit:{request.assignment.unit.code}")
    enqueue("citizen.extension_notice", case=case, recipient=f"complainants:{case.pk}")
    return case


@transaction.atomic
def do_refuse_extension(
    case: Case, *, actor: User, note_text: str, version: int | None = None
) -> Case:
    """驳回延期: the deadline stands."""
    require(case, "refuse_extension")
    request = _pending_extension(case)
    case = move(case, "refuse_extension", actor=actor, version=version, reason=note_text)
    ExtensionRequest.objects.filter(pk=request.pk).update(
        status=ExtensionStatus.REFUSED,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note_text[:500],
    )
    enqueue("extension.refused", case=case, recipient=f"unit:{request.assignment.unit.code}")
    return case


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# ------------------------------------------------------------------ reply and review


@transaction.atomic
def do_reply(
    case: Case, *, actor: User, reply: str, resolved: bool, version: int | None = None
) -> Case:
    """答复/处置反馈: the lead unit's reply moves the case to review; a co-unit's reply goes on
    the timeline for the lead (中心吹哨、部门报到)."""
    assignment = _lead_or_co(case, actor, "reply")
    if assignment.status != AssignmentStatus.SIGNED:
        raise CaseError("请先签收再反馈。", "Sign for the assignment before replying.")
    if assignment.role == AssignmentRole.LEAD:
        case = move(
            case,
            "reply",
            actor=actor,
            version=version,
            reason=reply,
            actor_unit=assignment.unit,
            data={"resolved": resolved},
        )
        enqueue("case.replied", case=case, recipient=f"region:{case.region.code}")
    else:
        if not case.is_open:
            raise CaseError("事项已办结。", "The case is closed.")
        note(
            case,
            "co_reply",
            actor=actor,
            reason=reply,
            actor_unit=assignment.unit,
            data={"resolved": resolved},
        )
        enqueue("assignment.co_replied", case=case, recipient=f"unit:{case.lead_unit_id}")
    _set_assignment(
        assignment,
        AssignmentStatus.SIGNED,
        status=AssignmentStatus.REPLIED,
        replied_at=timezone.now(),
        replied_by=actor,
        reply=reply,
        reply_resolved=resolved,
    )
    return case


def _reopen_lead(case: Case) -> None:
    lead = active_lead(case)
    if lead is not None and lead.status == AssignmentStatus.REPLIED:
        _set_assignment(lead, AssignmentStatus.REPLIED, status=AssignmentStatus.SIGNED)
        enqueue(
            "assignment.returned",
            case=case,
            recipient=f"unit:{lead.unit.code}",
            payload={"assignment_id": lead.pk},
        )


@transaction.atomic
def do_return_for_rework(
    case: Case, *, actor: User, reason: str, version: int | None = None
) -> Case:
    """审核退回重办: the reply does not hold up; back to the lead unit (§2.2 step 7)."""
    case = move(case, "return_for_rework", actor=actor, version=version, reason=reason)
    _reopen_lead(case)
    return case


@transaction.atomic
def do_approve_reply(
    case: Case, *, actor: User, note_text: str = "", version: int | None = None
) -> Case:
    """审核通过: the reply is accepted and the order waits for its callback."""
    return move(case, "approve_reply", actor=actor, version=version, reason=note_text)


def _lead_claims_resolved(case: Case) -> bool | None:
    lead = active_lead(case)
    return lead.reply_resolved if lead is not None else None


@transaction.atomic
def do_close(case: Case, *, actor: User, note_text: str = "", version: int | None = None) -> Case:
    """核查结案: the centre checks the unit's handling of a grid event and closes it."""
    return move(
        case,
        "close",
        actor=actor,
        version=version,
        reason=note_text,
        fields={"resolved": _lead_claims_resolved(case)},
    )


@transaction.atomic
def do_callback(
    case: Case,
    *,
    actor: User | None,
    satisfaction: str,
    resolved: bool | None,
    acted: bool = True,
    note_text: str = "",
    version: int | None = None,
    citizen: bool = False,
) -> Case:
    """回访 (rule 14): record outcome and satisfaction. Dissatisfied, or the unit should have
    acted but did not → back to handling (退回重办); otherwise the case is closed, and whether
    the problem was resolved is kept as its own fact."""
    back = satisfaction == Satisfaction.DISSATISFIED or not acted
    now = timezone.now()
    fields: dict[str, object] = {"satisfaction": satisfaction, "callback_at": now}
    if not back:
        fields["resolved"] = resolved if resolved is not None else _lead_claims_resolved(case)
    case = move(
        case,
        "callback",
        actor=actor,
        version=version,
        target="handling" if back else "closed",
        reason=note_text,
        data={"satisfaction": satisfaction, "resolved": resolved, "acted": acted},
        fields=fields,
        citizen=citizen,
    )
    if back:
        _reopen_lead(case)
    else:
        enqueue("case.closed", case=case, recipient=f"region:{case.region.code}")
    return case


@transaction.atomic
def do_archive(case: Case, *, actor: User, version: int | None = None) -> Case:
    """归档: a closed order goes to the archive (§2.2 step 9)."""
    return move(case, "archive", actor=actor, version=version)
