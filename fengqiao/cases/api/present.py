"""Turning cases into API responses: personal information masked by default (PII-01), the
complainant withheld from the unit complained about (AC-10), free text scrubbed of
phone- and ID-shaped strings."""

from __future__ import annotations

from typing import Any

from fengqiao.accounts.models import User
from fengqiao.audit.actions import scrub
from fengqiao.cases.access import redacts_complainants
from fengqiao.cases.api import schemas as s
from fengqiao.cases.models import Case, Party, PartyRole, PartyType
from fengqiao.cases.workflow import MERGED, UNMERGE_LABEL, machine_for
from fengqiao.core.pii import mask_id_number, mask_name, mask_phone

WITHHELD = "（保密）"


def mask_address(value: str) -> str:
    """Keep the first 6 characters (province/city/district in practice), mask the rest."""
    if not value:
        return ""
    keep = min(6, max(len(value) - 2, 0))
    return value[:keep] + "*" * min(len(value) - keep, 8)


def party_out(party: Party, *, withhold: bool) -> s.PartyOut:
    if withhold and party.role == PartyRole.COMPLAINANT:
        return s.PartyOut(
            id=party.pk,
            role=party.role,
            party_type=party.party_type,
            name=WITHHELD,
            phone="",
            id_number="",
            address="",
            masked=True,
            withheld=True,
        )
    is_org = party.party_type == PartyType.ORGANISATION
    return s.PartyOut(
        id=party.pk,
        role=party.role,
        party_type=party.party_type,
        name=party.name if is_org else mask_name(party.name),
        phone=mask_phone(party.phone),
        id_number=mask_id_number(party.id_number),
        address=mask_address(party.address),
        masked=True,
        withheld=False,
    )


def caller_label(case: Case, *, withhold: bool) -> str:
    """The first complainant as a list shows them: 张* 138****5678."""
    complainant = next((p for p in case.parties.all() if p.role == PartyRole.COMPLAINANT), None)
    if complainant is None:
        return ""
    if withhold:
        return WITHHELD
    out = party_out(complainant, withhold=False)
    return " ".join(part for part in (out.name, out.phone) if part)


def list_out(case: Case, user: User | None, units: set[int] | None = None) -> s.CaseListOut:
    withhold = user is not None and redacts_complainants(case, user, units)
    return s.CaseListOut(
        id=case.pk,
        receipt_no=case.receipt_no,
        kind=case.kind,
        channel=case.channel,
        status=case.status,
        status_label=case.status_label,
        title=scrub(case.title),
        category=case.category.name if case.category else None,
        region_code=case.region.code,
        region_name=case.region.name,
        urgency=case.urgency,
        risk_colour=case.risk_colour,
        supervision_level=case.supervision_level,
        is_overdue=case.is_overdue,
        due_at=case.due_at,
        due_uncertain=case.due_uncertain,
        received_at=case.received_at,
        closed_at=case.closed_at,
        resolved=case.resolved,
        lead_unit=case.lead_unit.name if case.lead_unit else None,
        caller=caller_label(case, withhold=withhold),
        version=case.version,
    )


def _allowed(case: Case) -> list[s.Label]:
    if case.status == MERGED:  # no machine row leaves MERGED; the engine's unmerge does
        return [s.Label(value="unmerge", label=UNMERGE_LABEL)]
    machine = machine_for(case.kind)
    if machine is None:
        return []
    return [s.Label(value=a.name, label=a.label) for a in machine.actions_from(case.status)]


def _data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = scrub(data)
    return cleaned if isinstance(cleaned, dict) else {}


def detail_out(case: Case, user: User) -> s.CaseOut:
    withhold = redacts_complainants(case, user)
    base = list_out(case, user).model_dump()
    transitions = case.transitions.select_related("actor", "actor_unit").order_by("at", "pk")
    return s.CaseOut(
        **base,
        request_type=case.request_type,
        description=scrub(case.description),
        address=case.address,
        latitude=case.latitude,
        longitude=case.longitude,
        people_count=case.people_count,
        amount=case.amount,
        flags=list(case.flags or []),
        due_basis=case.due_basis,
        due_warning=case.due_warning,
        paused_at=case.paused_at,
        satisfaction=case.satisfaction,
        escalated_to=case.escalated_to.name if case.escalated_to else None,
        parent=case.parent.receipt_no if case.parent else None,
        merged_children=list(case.merged_children.values_list("receipt_no", flat=True)),
        created_at=case.created_at,
        allowed_actions=_allowed(case),
        parties=[party_out(p, withhold=withhold) for p in case.parties.all()],
        assignments=[
            s.AssignmentOut(
                id=a.pk,
                unit_id=a.unit_id,
                unit_name=a.unit.name,
                role=a.role,
                status=a.status,
                status_label=a.get_status_display(),
                task=scrub(a.task),
                due_at=a.due_at,
                signed_at=a.signed_at,
                replied_at=a.replied_at,
                reply=scrub(a.reply),
                reply_resolved=a.reply_resolved,
                objection_reason=scrub(a.objection_reason),
                objection_locked=a.objection_locked,
            )
            for a in case.assignments.select_related("unit").order_by("pk")
        ],
        timeline=[
            s.TransitionOut(
                action=t.action,
                from_status=t.from_status,
                to_status=t.to_status,
                at=t.at,
                actor=t.actor.get_username() if t.actor else "系统",
                actor_unit=t.actor_unit.name if t.actor_unit else "",
                reason=scrub(t.reason),
                data=_data(t.data),
            )
            for t in transitions
        ],
        attachments=[
            s.AttachmentOut(
                id=f.pk,
                name=f.original_name,
                content_type=f.content_type,
                size=f.size,
                uploaded_at=f.uploaded_at,
                url=f"/api/v1/cases/{case.pk}/attachments/{f.pk}",
            )
            for f in case.attachments.order_by("pk")
        ],
    )
