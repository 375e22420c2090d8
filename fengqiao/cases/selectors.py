"""Read-side selectors of the cases app shared by its API and the console."""

from __future__ import annotations

from fengqiao.cases.api import schemas as s
from fengqiao.cases.models import AssignmentRole, Case
from fengqiao.cases.workflow import machine_for


def public_view(case: Case) -> s.PublicCaseOut:
    """What the citizen sees of their matter on the public door (API and portal): key dates,
    the status in words, the reply once review passed it, whether it may be rated — never
    officials' names or other parties."""
    steps = [
        s.PublicStepOut(at=t.at, step=_public_step(case, t.action, t.to_status))
        for t in case.transitions.order_by("at", "pk")
        if t.action in PUBLIC_STEPS or t.from_status != t.to_status
    ]
    lead = case.assignments.filter(role=AssignmentRole.LEAD).order_by("-pk").first()
    return s.PublicCaseOut(
        receipt_no=case.receipt_no,
        status_label=case.status_label,
        received_at=case.received_at,
        due_at=case.due_at,
        closed_at=case.closed_at,
        resolved=case.resolved,
        # only a reply that passed review: one returned for rework stays internal
        reply=lead.reply if lead and case.status in REVIEWED_STATES else "",
        # every callback leaves 'reviewed', so a reviewed case awaits a rating (again after a
        # rework round that followed a dissatisfied one)
        can_rate=case.status == "reviewed",
        steps=steps,
    )


PUBLIC_STEPS = {"register": "已受理"}
REVIEWED_STATES = frozenset({"reviewed", "closed", "archived"})


def _public_step(case: Case, action: str, to_status: str) -> str:
    if action in PUBLIC_STEPS:
        return PUBLIC_STEPS[action]
    machine = machine_for(case.kind)
    return machine.label(to_status) if machine else to_status
