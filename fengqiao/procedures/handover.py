"""Handing a case's lead (主办) from one unit to another inside a case action.

The engine lets a machine say "the lead unit acts" (`By.LEAD`). Several steps of the dispute
and petition procedures are done by a different body than the one mediating or handling: the
court during 司法确认, the next mediation body after a 三调联动 transfer, the organ one level
up for 复查 and 复核. This helper moves the active lead assignment there (the previous lead is
withdrawn, or kept as 协办) so that the engine's own checks apply unchanged.
"""

from __future__ import annotations

from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.actions.engine import active_lead, enqueue
from fengqiao.cases.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
)
from fengqiao.units.models import Unit


def hand_lead(
    case: Case,
    unit: Unit,
    *,
    actor: User | None,
    task: str = "",
    signed: bool = False,
    keep_previous: bool = False,
) -> Assignment:
    """Make `unit` the case's lead. Call inside the action's transaction, after `move`."""
    current = active_lead(case)
    if current is not None and current.unit_id == unit.pk:
        return current
    now = timezone.now()
    if current is not None:
        if keep_previous:
            Assignment.objects.filter(pk=current.pk).update(role=AssignmentRole.CO)
        else:
            Assignment.objects.filter(pk=current.pk).update(status=AssignmentStatus.WITHDRAWN)
    existing = Assignment.objects.filter(case=case, unit=unit, status__in=ACTIVE_ASSIGNMENT).first()
    status = AssignmentStatus.SIGNED if signed else AssignmentStatus.PENDING
    if existing is not None:
        existing.role = AssignmentRole.LEAD
        existing.task = task[:500] or existing.task
        existing.save(update_fields=["role", "task"])
        assignment = existing
    else:
        assignment = Assignment.objects.create(
            case=case,
            unit=unit,
            role=AssignmentRole.LEAD,
            task=task[:500],
            status=status,
            assigned_by=actor,
            signed_at=now if signed else None,
            signed_by=actor if signed else None,
        )
    Case.objects.filter(pk=case.pk).update(lead_unit=unit)
    case.lead_unit = unit
    enqueue(
        "assignment.new",
        case=case,
        recipient=f"unit:{unit.code}",
        payload={"assignment_id": assignment.pk, "role": AssignmentRole.LEAD},
    )
    return assignment


def sign_lead(case: Case, *, actor: User) -> Assignment | None:
    """Mark the active lead assignment signed for (the body accepted the matter)."""
    lead = active_lead(case)
    if lead is None or lead.status != AssignmentStatus.PENDING:
        return lead
    Assignment.objects.filter(pk=lead.pk, status=AssignmentStatus.PENDING).update(
        status=AssignmentStatus.SIGNED, signed_at=timezone.now(), signed_by=actor
    )
    lead.refresh_from_db()
    return lead
