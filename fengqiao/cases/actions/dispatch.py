"""Triage at intake, dispatch to lead and co-units, sign-for, objection and its ruling.

Rule 11 (Beijing 条例 第十二—十四条, Weifang 第二十二条): dispatch follows the 派单目录; the unit
that receives an order may object only before signing for it and only with a reason (首接负责制:
once signed, it is the unit's to handle); after an objection is ruled against the unit it may
not return the order again (`Assignment.objection_locked`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases import deadlines, routing
from fengqiao.cases.actions.engine import (
    CENTRE_ROLES,
    active_lead,
    actor_assignment,
    acts_in_region,
    enqueue,
    move,
    note,
    require,
)
from fengqiao.cases.errors import CaseError, Invalid, NotAllowed, field_error
from fengqiao.cases.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
)
from fengqiao.units.models import Unit


@dataclass
class AssignmentDraft:
    """One unit to dispatch to, with its own task and (optional) deadline."""

    unit: Unit
    task: str = ""
    due_at: datetime | None = None


# ------------------------------------------------------------------ triage at intake


@transaction.atomic
def do_accept(case: Case, *, actor: User, version: int | None = None) -> Case:
    """受理后转派单: the order needs a unit (domain-rules §2.2 step 2)."""
    return move(case, "accept", actor=actor, version=version)


@transaction.atomic
def do_answer_directly(case: Case, *, actor: User, answer: str, version: int | None = None) -> Case:
    """即时办结: a consultation answered on the spot (Beijing 条例 第十一条)."""
    return move(
        case,
        "answer_directly",
        actor=actor,
        version=version,
        reason=answer,
        fields={"resolved": True},
    )


@transaction.atomic
def do_transfer_emergency(
    case: Case, *, actor: User, service: str, reason: str = "", version: int | None = None
) -> Case:
    """转紧急热线: emergencies go to 110/119/120/122 at once (rule 10)."""
    return move(
        case,
        "transfer_emergency",
        actor=actor,
        version=version,
        reason=reason,
        data={"service": service},
    )


@transaction.atomic
def do_refer_channel(
    case: Case, *, actor: User, channel: str, reason: str = "", version: int | None = None
) -> Case:
    """告知其他途径: legal-procedure or 信访 matters — the caller is told the channel (rule 10)."""
    return move(
        case, "refer_channel", actor=actor, version=version, reason=reason, data={"to": channel}
    )


@transaction.atomic
def do_reject(case: Case, *, actor: User, reason: str, version: int | None = None) -> Case:
    """不予受理, with the reason given to the caller (rule 10; Weifang 第十九条 list)."""
    return move(case, "reject", actor=actor, version=version, reason=reason)


@transaction.atomic
def do_report(case: Case, *, actor: User, reason: str = "", version: int | None = None) -> Case:
    """上报: a grid worker passes a found event up for dispatch (rule 6)."""
    return move(case, "report", actor=actor, version=version, reason=reason)


@transaction.atomic
def do_resolve_on_site(case: Case, *, actor: User, result: str, version: int | None = None) -> Case:
    """就地化解: the grid worker settles the event on the spot and closes it (rule 6)."""
    return move(
        case,
        "resolve_on_site",
        actor=actor,
        version=version,
        reason=result,
        fields={"resolved": True},
    )


# ------------------------------------------------------------------ dispatch


def _create_assignment(
    case: Case, draft: AssignmentDraft, *, role: str, actor: User, now: datetime
) -> Assignment:
    due_at, basis = draft.due_at, "派单人指定" if draft.due_at else ""
    if due_at is None and case.due_at is not None:
        due_at, basis = case.due_at, case.due_basis
    assignment = Assignment.objects.create(
        case=case,
        unit=draft.unit,
        role=role,
        task=draft.task[:500],
        due_at=due_at,
        due_basis=basis[:200],
        assigned_by=actor,
    )
    enqueue(
        "assignment.new",
        case=case,
        recipient=f"unit:{draft.unit.code}",
        payload={"assignment_id": assignment.pk, "role": role},
    )
    return assignment


def _validate_units(lead: AssignmentDraft, co: list[AssignmentDraft]) -> None:
    seen = {lead.unit.pk}
    for i, draft in enumerate(co):
        if draft.unit.pk in seen:
            raise Invalid(
                "同一单位不能重复派单。",
                "A unit appears twice in the dispatch.",
                [field_error(f"co_units.{i}.unit_id", "单位重复", "duplicate unit")],
            )
        seen.add(draft.unit.pk)
    for field, draft in [("lead.unit_id", lead)] + [
        (f"co_units.{i}.unit_id", d) for i, d in enumerate(co)
    ]:
        if not draft.unit.is_active:
            raise Invalid(
                "所选单位已停用。",
                "The unit is inactive.",
                [field_error(field, "单位已停用", "inactive unit")],
            )


def suggested_lead(case: Case) -> AssignmentDraft | None:
    """The 派单目录's lead unit for the case, as a draft the dispatcher may accept."""
    suggestion = routing.suggest(case.category, case.region)
    return AssignmentDraft(unit=suggestion.lead_unit) if suggestion else None


@transaction.atomic
def do_dispatch(
    case: Case,
    *,
    actor: User,
    lead: AssignmentDraft | None,
    co_units: list[AssignmentDraft] | None = None,
    reason: str = "",
    version: int | None = None,
) -> Case:
    """派单 to one lead unit (主办) and any co-units (协办), each with its own task and deadline;
    without a named lead the 派单目录's suggestion is used (rule 11)."""
    require(case, "dispatch")
    co_units = co_units or []
    basis = "调度员指定"
    if lead is None:
        suggestion = routing.suggest(case.category, case.region)
        if suggestion is None:
            raise Invalid(
                "派单目录中没有该分类和区划的主办单位，请指定主办单位。",
                "The dispatch catalogue has no lead unit for this case; name one.",
                [field_error("lead", "请指定主办单位", "lead unit required")],
            )
        lead, basis = AssignmentDraft(unit=suggestion.lead_unit), suggestion.basis
        if not co_units:
            co_units = [AssignmentDraft(unit=u) for u in suggestion.co_units]
    _validate_units(lead, co_units)
    now = timezone.now()
    fields: dict[str, object] = {"lead_unit": lead.unit}
    clock = None
    if case.clock_started_at is None:
        # e.g. 12345 orders: the work-order clock starts at dispatch (hotline.default)
        clock = deadlines.start_clock(case, event="dispatched", at=now)
        fields.update(clock.fields() if clock else {})
    case = move(
        case,
        "dispatch",
        actor=actor,
        version=version,
        reason=reason,
        data={
            "lead": lead.unit.code,
            "co": [d.unit.code for d in co_units],
            "basis": basis,
            "due_at": clock.at.isoformat() if clock else None,
        },
        fields=fields,
    )
    lead_row = _create_assignment(case, lead, role=AssignmentRole.LEAD, actor=actor, now=now)
    for draft in co_units:
        _create_assignment(case, draft, role=AssignmentRole.CO, actor=actor, now=now)
    if case.due_at is None and lead_row.due_at is not None:
        # no clock rule applies: the dispatcher's deadline for the lead unit is the case's
        Case.objects.filter(pk=case.pk).update(due_at=lead_row.due_at, due_basis="派单人指定")
        case.refresh_from_db()
    return case


def _own_assignment(case: Case, actor: User) -> Assignment:
    assignment = actor_assignment(case, actor)
    if assignment is None:
        raise NotAllowed(
            "您所在单位没有该事项的派单。",
            "Your unit holds no assignment on this case.",
        )
    return assignment


def _lead_or_co(case: Case, actor: User, action: str) -> Assignment:
    """The actor's assignment for a sign/object/reply: a co-unit's goes its own way; anyone
    else is held to the case's table first (409 before 403)."""
    assignment = actor_assignment(case, actor)
    if assignment is None or assignment.role == AssignmentRole.LEAD:
        require(case, action)
    return _own_assignment(case, actor)


def _set_assignment(assignment: Assignment, expected: str, **values: object) -> None:
    if not Assignment.objects.filter(pk=assignment.pk, status=expected).update(**values):
        raise CaseError(
            "派单状态已变化，请刷新后重试。",
            "The assignment changed; reload and try again.",
            [field_error("assignment", "状态已变化", "assignment state changed")],
        )


@transaction.atomic
def do_sign(case: Case, *, actor: User, version: int | None = None) -> Case:
    """签收: the lead unit's sign-for moves the case; a co-unit's is noted on the timeline.
    The first unit to sign as lead becomes the case's 首接单位 (首接负责制)."""
    assignment = _lead_or_co(case, actor, "sign")
    now = timezone.now()
    if assignment.role == AssignmentRole.LEAD:
        fields: dict[str, object] = {}
        if case.first_unit_id is None:
            fields["first_unit"] = assignment.unit
        case = move(
            case, "sign", actor=actor, version=version, actor_unit=assignment.unit, fields=fields
        )
        if assignment.status == AssignmentStatus.SIGNED:
            return case  # a co-unit promoted to lead keeps the sign-for it already gave
    else:
        note(case, "co_sign", actor=actor, actor_unit=assignment.unit)
    _set_assignment(
        assignment,
        AssignmentStatus.PENDING,
        status=AssignmentStatus.SIGNED,
        signed_at=now,
        signed_by=actor,
    )
    return case


def _check_may_object(assignment: Assignment) -> None:
    if assignment.objection_locked:
        raise CaseError(
            "异议已裁定维持原派单，不得再次退回（首接负责制）。",
            "An objection was already ruled against this unit; it may not return the case again.",
        )
    if assignment.status != AssignmentStatus.PENDING:
        raise CaseError(
            "已签收的派单不能再提出异议（首接负责制）。",
            "A signed assignment cannot be objected to.",
        )


@transaction.atomic
def do_object(case: Case, *, actor: User, reason: str, version: int | None = None) -> Case:
    """派单异议: a unit says the matter is clearly outside its remit, with its reason."""
    assignment = _lead_or_co(case, actor, "object")
    _check_may_object(assignment)
    if assignment.role == AssignmentRole.LEAD:
        case = move(
            case, "object", actor=actor, version=version, reason=reason, actor_unit=assignment.unit
        )
    else:
        note(case, "co_object", actor=actor, reason=reason, actor_unit=assignment.unit)
    _set_assignment(
        assignment,
        AssignmentStatus.PENDING,
        status=AssignmentStatus.OBJECTED,
        objection_reason=reason[:500],
    )
    enqueue(
        "assignment.objected",
        case=case,
        recipient=f"region:{case.region.code}",
        payload={"assignment_id": assignment.pk, "unit": assignment.unit.code},
    )
    return case


def _objected_lead(case: Case) -> Assignment:
    lead = active_lead(case)
    if lead is None or lead.status != AssignmentStatus.OBJECTED:
        raise CaseError("没有待审核的主办单位异议。", "No lead objection awaits a ruling.")
    return lead


@transaction.atomic
def do_redispatch(
    case: Case,
    *,
    actor: User,
    lead: AssignmentDraft,
    reason: str,
    version: int | None = None,
) -> Case:
    """异议成立·改派: the objecting lead is withdrawn and the case goes to another unit."""
    require(case, "redispatch")
    old = _objected_lead(case)
    if lead.unit.pk == old.unit_id:
        raise Invalid(
            "改派须指定其他单位。",
            "Re-dispatch to a different unit.",
            [field_error("lead.unit_id", "须为其他单位", "must differ from the objecting unit")],
        )
    _validate_units(lead, [])
    existing = case.assignments.filter(unit=lead.unit, status__in=ACTIVE_ASSIGNMENT).first()
    if existing is not None and existing.status == AssignmentStatus.OBJECTED:
        # its own objection to co-handling is still open: rule on that first
        raise Invalid(
            "该单位对协办的异议尚待审核，请先裁定后再改派。",
            "The unit's objection to its co-assignment awaits a ruling.",
            [field_error("lead.unit_id", "该单位的异议尚待审核", "objection pending")],
        )
    case = move(
        case,
        "redispatch",
        actor=actor,
        version=version,
        reason=reason,
        data={"from_unit": old.unit.code, "to_unit": lead.unit.code},
        fields={"lead_unit": lead.unit},
    )
    _set_assignment(old, AssignmentStatus.OBJECTED, status=AssignmentStatus.WITHDRAWN)
    if existing is not None:
        # A co-unit promoted to lead keeps its own sign-for; the catalogue entry is not reused.
        # One that had replied on its part works on as the lead (its reply stays on the
        # timeline as a co_reply).
        existing.role = AssignmentRole.LEAD
        existing.task = lead.task or existing.task
        if existing.status == AssignmentStatus.REPLIED:
            existing.status = AssignmentStatus.SIGNED
        existing.save(update_fields=["role", "task", "status"])
    else:
        _create_assignment(case, lead, role=AssignmentRole.LEAD, actor=actor, now=timezone.now())
    return case


@transaction.atomic
def do_uphold(case: Case, *, actor: User, reason: str, version: int | None = None) -> Case:
    """异议不成立·维持派单: the unit must sign for it and may not return it again (rule 11)."""
    require(case, "uphold")
    old = _objected_lead(case)
    case = move(
        case, "uphold", actor=actor, version=version, reason=reason, data={"unit": old.unit.code}
    )
    _set_assignment(
        old, AssignmentStatus.OBJECTED, status=AssignmentStatus.PENDING, objection_locked=True
    )
    enqueue(
        "assignment.upheld",
        case=case,
        recipient=f"unit:{old.unit.code}",
        payload={"assignment_id": old.pk},
    )
    return case


@transaction.atomic
def do_rule_co_objection(
    case: Case, assignment: Assignment, *, actor: User, accept: bool, reason: str
) -> Case:
    """A co-unit's objection ruled by the centre: accepted → the co-assignment is withdrawn;
    refused → the unit stays on the case and may not object again (rule 11)."""
    if not acts_in_region(actor, case, CENTRE_ROLES):
        raise NotAllowed("异议审核只能由受理/调度人员办理。", "Only an operator rules objections.")
    if assignment.role != AssignmentRole.CO or assignment.status != AssignmentStatus.OBJECTED:
        raise CaseError("该协办单位没有待审核的异议。", "No co-unit objection awaits a ruling.")
    if accept:
        _set_assignment(assignment, AssignmentStatus.OBJECTED, status=AssignmentStatus.WITHDRAWN)
    else:
        _set_assignment(
            assignment,
            AssignmentStatus.OBJECTED,
            status=AssignmentStatus.PENDING,
            objection_locked=True,
        )
    note(
        case,
        "co_objection_accepted" if accept else "co_objection_refused",
        actor=actor,
        reason=reason,
        data={"unit": assignment.unit.code},
    )
    enqueue(
        "assignment.objection_ruled",
        case=case,
        recipient=f"unit:{assignment.unit.code}",
        payload={"assignment_id": assignment.pk, "accepted": accept},
    )
    return case
