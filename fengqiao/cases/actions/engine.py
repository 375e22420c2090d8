"""The one way a case changes state: check the table, check who acts, conditional UPDATE,
then the timeline row, the audit row and any outbox rows — all in the caller's transaction.

Every `do_*` action is built on :func:`move` (state changes) or :func:`note` (timeline rows
that leave the state alone, such as a co-unit signing).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F
from django.utils import timezone

from fengqiao.accounts.models import Role, User
from fengqiao.accounts.scope import scope_paths
from fengqiao.audit.actions import record
from fengqiao.cases.errors import CaseError, ConcurrentUpdate, NotAllowed, TransitionRefused
from fengqiao.cases.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    AssignmentRole,
    Case,
    CaseTransition,
    user_unit_ids,
)
from fengqiao.cases.workflow import MERGED, ActionSpec, By, Machine, machine_for
from fengqiao.core import outbox
from fengqiao.core.models import Outbox
from fengqiao.units.models import Unit

CENTRE_ROLES = frozenset({Role.OPERATOR, Role.REGION_ADMIN})
FIELD_ROLES = CENTRE_ROLES | {Role.GRID_WORKER}


def machine_of(case: Case) -> Machine:
    machine = machine_for(case.kind)
    if machine is None:
        raise CaseError(
            f"「{case.get_kind_display()}」类事项的流程尚未配置。",
            f"No workflow is registered for kind '{case.kind}'.",
        )
    return machine


def acts_in_region(actor: User | None, case: Case, roles: frozenset[str]) -> bool:
    """Does the actor hold one of `roles`, with act scope, over the case's region?"""
    if actor is None:
        return False
    path = case.region.path
    return any(path.startswith(p) for p in scope_paths(actor, act=True, roles=roles))


def active_lead(case: Case) -> Assignment | None:
    return (
        Assignment.objects.filter(case=case, role=AssignmentRole.LEAD, status__in=ACTIVE_ASSIGNMENT)
        .select_related("unit")
        .first()
    )


def actor_assignment(case: Case, actor: User | None) -> Assignment | None:
    """The active assignment the actor's unit holds on the case (the lead one first)."""
    if actor is None:
        return None
    units = user_unit_ids(actor, act=True)
    rows = Assignment.objects.filter(case=case, unit_id__in=units, status__in=ACTIVE_ASSIGNMENT)
    # "lead" sorts after "co": descending puts the lead assignment first.
    return rows.order_by("-role", "pk").select_related("unit").first()


def check_performer(case: Case, spec: ActionSpec, actor: User | None, *, citizen: bool) -> None:
    """Who may do what: centre roles in the region, field roles, the lead unit, the sweep."""
    if citizen or (spec.by == By.SYSTEM and actor is None):
        return
    if spec.by == By.CENTRE and acts_in_region(actor, case, CENTRE_ROLES):
        return
    if spec.by == By.FIELD and acts_in_region(actor, case, FIELD_ROLES):
        return
    if spec.by == By.LEAD and actor is not None:
        lead = active_lead(case)
        if lead is not None and lead.unit_id in user_unit_ids(actor, act=True):
            return
    who = {
        By.CENTRE: ("受理/调度人员", "an operator of the case's region"),
        By.FIELD: ("网格员或受理人员", "a grid worker or operator of the case's region"),
        By.LEAD: ("主办单位人员", "a member of the lead unit"),
        By.SYSTEM: ("系统", "the system"),
    }[spec.by]
    raise NotAllowed(
        f"「{spec.label}」只能由{who[0]}办理。",
        f"'{spec.name}' can only be done by {who[1]}.",
    )


def _refused(machine: Machine, case: Case, label: str) -> TransitionRefused:
    allowed = [(a.name, a.label) for a in machine.actions_from(case.status)]
    return TransitionRefused(
        action_label=label,
        current=case.status,
        current_label=machine.label(case.status),
        allowed=allowed,
    )


def require(case: Case, action: str) -> ActionSpec:
    """The table check alone: refuse (409) unless `action` leaves from the current state.
    Actions call it first, so a wrong state is reported before anything else."""
    machine = machine_of(case)
    spec = machine.action(action)
    if spec is None:
        raise _refused(machine, case, action)
    if case.status not in spec.sources:
        raise _refused(machine, case, spec.label)
    return spec


def move(
    case: Case,
    action: str,
    *,
    actor: User | None,
    version: int | None = None,
    target: str | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
    actor_unit: Unit | None = None,
    citizen: bool = False,
) -> Case:
    """Move `case` by `action` (a row of its machine) with a conditional UPDATE.

    Raises TransitionRefused when the table forbids it, NotAllowed when the actor may not
    perform it, ConcurrentUpdate when the row moved under us (zero rows updated)."""
    machine = machine_of(case)
    spec = require(case, action)
    check_performer(case, spec, actor, citizen=citizen)
    if target is None:
        if len(spec.targets) != 1:
            raise ValueError(f"{action} needs an explicit target among {sorted(spec.targets)}")
        (target,) = spec.targets
    if target not in spec.targets or target not in machine.transitions[case.status]:
        raise ValueError(f"{action}: {case.status} → {target} is not in the table")
    return _update(
        case,
        machine,
        action=action,
        target=target,
        actor=actor,
        version=version,
        reason=reason,
        data=data,
        fields=fields,
        actor_unit=actor_unit,
        citizen=citizen,
    )


def _update(
    case: Case,
    machine: Machine,
    *,
    action: str,
    target: str,
    actor: User | None,
    version: int | None,
    reason: str,
    data: dict[str, Any] | None,
    fields: dict[str, Any] | None,
    actor_unit: Unit | None,
    citizen: bool,
) -> Case:
    now = timezone.now()
    current = case.status
    expected = case.version if version is None else version
    values: dict[str, Any] = {
        "status": target,
        "version": F("version") + 1,
        "is_open": target != MERGED and target not in machine.terminal,
        "updated_at": now,
    }
    if target in machine.terminal and case.closed_at is None:
        values["closed_at"] = now
    if target in machine.paused:
        values["paused_at"] = now
    values.update(fields or {})
    updated = Case.objects.filter(pk=case.pk, status=current, version=expected).update(**values)
    if updated != 1:
        row = Case.objects.filter(pk=case.pk).values("status", "version").first()
        fresh: dict[str, Any] = dict(row) if row else {}
        raise ConcurrentUpdate(
            current_status=str(fresh.get("status", "")),
            current_version=int(fresh.get("version", 0)),
        )
    case.refresh_from_db()
    _timeline_and_audit(
        case,
        action=action,
        from_status=current,
        actor=actor,
        reason=reason,
        data=data or {},
        actor_unit=actor_unit,
        citizen=citizen,
    )
    return case


def force_state(
    case: Case,
    action: str,
    *,
    target: str,
    actor: User | None,
    version: int | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> Case:
    """The engine-level merge/unmerge moves, which are not rows of any one machine."""
    return _update(
        case,
        machine_of(case),
        action=action,
        target=target,
        actor=actor,
        version=version,
        reason=reason,
        data=data,
        fields=fields,
        actor_unit=None,
        citizen=False,
    )


def note(
    case: Case,
    action: str,
    *,
    actor: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    actor_unit: Unit | None = None,
) -> CaseTransition:
    """A timeline row (and audit row) for an action that leaves the case's state alone."""
    return _timeline_and_audit(
        case,
        action=action,
        from_status=case.status,
        actor=actor,
        reason=reason,
        data=data or {},
        actor_unit=actor_unit,
        citizen=False,
    )


def _timeline_and_audit(
    case: Case,
    *,
    action: str,
    from_status: str,
    actor: User | None,
    reason: str,
    data: dict[str, Any],
    actor_unit: Unit | None,
    citizen: bool,
) -> CaseTransition:
    if citizen:
        data = {**data, "by": "citizen"}
    row = CaseTransition.objects.create(
        case=case,
        action=action,
        from_status=from_status,
        to_status=case.status,
        actor=actor,
        actor_unit=actor_unit,
        reason=reason[:500],
        data=data,
    )
    record(
        f"case.{action}",
        actor=actor,
        obj=case,
        reason=reason,
        data={"receipt_no": case.receipt_no, "from": from_status, "to": case.status, **data},
        region_code=case.region.code,
    )
    return row


def enqueue(
    topic: str,
    *,
    case: Case | None,
    recipient: str,
    payload: dict[str, Any] | None = None,
    available_at: datetime | None = None,
) -> Outbox:
    """Queue a case's side effect in the current transaction (REL-04): a rollback leaves
    nothing. The platform outbox (`fengqiao.core.outbox`), with the case's receipt number."""
    body = {"receipt_no": case.receipt_no, "case_id": case.pk} if case else {}
    body.update(payload or {})
    return outbox.enqueue(
        topic,
        recipient=recipient,
        payload=body,
        available_at=available_at,
        case_id=case.pk if case else None,
    )
