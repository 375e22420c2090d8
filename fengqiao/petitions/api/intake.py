"""Building a validated CaseDraft and PetitionDraft from a petition submission, with the cases
API's own checks (region, category, parties' phones and ID numbers) — never a 500."""

from __future__ import annotations

from typing import Any

from fengqiao.cases.actions import CaseDraft
from fengqiao.cases.api.schemas import CaseIn, PartyIn
from fengqiao.cases.api.validate import Errors, staff_draft
from fengqiao.cases.models import Case, PartyRole
from fengqiao.petitions.actions import PetitionDraft
from fengqiao.petitions.api import schemas as s
from fengqiao.petitions.api.access import unit_by_code
from fengqiao.petitions.models import CASE_CHANNEL, PetitionChannel
from fengqiao.units.models import UnitType


def _case_in(
    payload: Any, *, channel: str, parties: list[PartyIn], people: int | None, received: Any
) -> CaseIn:
    return CaseIn.model_validate(
        {
            "kind": "petition",
            "channel": CASE_CHANNEL[PetitionChannel(channel)],
            "description": payload.description,
            "title": payload.title,
            "category_code": payload.category_code,
            "region_code": payload.region_code,
            "latitude": payload.latitude,
            "longitude": payload.longitude,
            "address": payload.address,
            "people_count": people,
            "respondent_unit_code": payload.about_unit_code,
            "parties": [party.model_dump() for party in parties],
            "received_at": received,
        }
    )


def _bureau(errors: Errors, field: str, code: str | None) -> Any:
    unit = unit_by_code(code)
    if code and (unit is None or unit.unit_type != UnitType.PETITION_BUREAU):
        errors.add(field, "须为信访部门", "must be a petition bureau")
        return None
    return unit


def staff_drafts(payload: s.PetitionIn) -> tuple[CaseDraft, PetitionDraft]:
    errors = Errors()
    received_by = _bureau(errors, "received_by_code", payload.received_by_code)
    same = None
    if payload.same_matter_receipt_no:
        same = Case.objects.filter(
            receipt_no=payload.same_matter_receipt_no.strip().upper(), kind="petition"
        ).first()
        if same is None:
            errors.add("same_matter_receipt_no", "受理编号不存在", "unknown receipt number")
    if not any(p.role == PartyRole.COMPLAINANT for p in payload.parties):
        errors.add("parties", "请填写信访人", "a petitioner is required")
    errors.raise_if_any()
    draft = staff_draft(
        _case_in(
            payload,
            channel=payload.channel,
            parties=payload.parties,
            people=payload.people_count,
            received=payload.received_at,
        )
    )
    details = PetitionDraft(
        channel=payload.channel,
        petition_type=payload.petition_type or "",
        received_by=received_by,
        same_matter_as=same,
        is_group=payload.is_group or (payload.people_count or 1) > 1,
    )
    return draft, details


def citizen_drafts(payload: s.CitizenPetitionIn) -> tuple[CaseDraft, PetitionDraft]:
    errors = Errors()
    bureau = _bureau(errors, "to_bureau_code", payload.to_bureau_code)
    errors.raise_if_any()
    party = PartyIn.model_validate(
        {
            "role": PartyRole.COMPLAINANT,
            "name": payload.name,
            "phone": payload.phone,
            "id_number": payload.id_number,
        }
    )
    draft = staff_draft(
        _case_in(
            payload, channel=PetitionChannel.ONLINE, parties=[party], people=None, received=None
        )
    )
    details = PetitionDraft(
        channel=PetitionChannel.ONLINE,
        petition_type=payload.petition_type or "",
        received_by=bureau,
    )
    return draft, details


def created_body(case: Case, code: str) -> dict[str, Any]:
    petition = getattr(case, "petition", None)
    return {
        "id": case.pk,
        "receipt_no": case.receipt_no,
        "verification_code": code,
        "status": case.status,
        "status_label": case.status_label,
        "refusal_reason": petition.refusal_reason if petition else "",
        "due_at": case.due_at.isoformat() if case.due_at else None,
    }
