"""Request and response schemas of the cases API. Requests forbid unknown fields (AC-11):
status, scope, assignees and the creator can only change through the transition endpoints."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from fengqiao.cases.models import (
    Channel,
    Flag,
    PartyRole,
    PartyType,
    RequestType,
    RiskColour,
    Satisfaction,
    SupervisionLevel,
    Urgency,
)
from fengqiao.cases.workflow import Kind

# ------------------------------------------------------------------ requests


class StrictIn(Schema):
    # Blanks at either end are trimmed before the length checks: a reason or description
    # made of spaces is missing, not given (rules 10 and 11 require a reason).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PartyIn(StrictIn):
    role: PartyRole
    party_type: PartyType = PartyType.PERSON
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=18)
    address: str = Field("", max_length=200)


class LocationFields(StrictIn):
    region_code: str | None = Field(None, max_length=15, description="区划或网格代码")
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    address: str = Field("", max_length=200)


class CaseIn(LocationFields):
    """An official's intake (operator, grid worker)."""

    kind: Kind
    channel: Channel
    description: str = Field(min_length=2, max_length=5000)
    title: str = Field("", max_length=120)
    request_type: RequestType | None = None
    category_code: str | None = Field(None, max_length=20)
    people_count: int | None = Field(None, ge=0, le=10_000_000)
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    urgency: Urgency = Urgency.NORMAL
    risk_colour: RiskColour = RiskColour.NONE
    flags: list[Flag] = Field(default_factory=list, max_length=10)
    respondent_unit_code: str | None = Field(None, max_length=40)
    parties: list[PartyIn] = Field(default_factory=list, max_length=50)
    received_at: datetime | None = None
    external_ref: str = Field("", max_length=64)


class CitizenCaseIn(LocationFields):
    """A citizen's own submission (no account): one complainant, who can be called back."""

    description: str = Field(min_length=5, max_length=3000)
    title: str = Field("", max_length=120)
    request_type: RequestType | None = None
    category_code: str | None = Field(None, max_length=20)
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(min_length=5, max_length=20)
    confidential: bool = False
    respondent_unit_code: str | None = Field(None, max_length=40)


class DraftIn(LocationFields):
    """The intake screen's draft, for the possible-duplicates query."""

    description: str = Field(min_length=2, max_length=5000)
    category_code: str | None = Field(None, max_length=20)
    received_at: datetime | None = None


class VersionIn(StrictIn):
    version: int = Field(ge=1, description="乐观锁：客户端看到的版本号 (WEB-10)")


class ReasonIn(VersionIn):
    reason: str = Field(min_length=2, max_length=500)


class OptionalReasonIn(VersionIn):
    reason: str = Field("", max_length=500)


class AnswerIn(VersionIn):
    answer: str = Field(min_length=2, max_length=2000)


class TransferIn(VersionIn):
    service: str = Field(pattern=r"^(110|119|120|122)$")
    reason: str = Field("", max_length=500)


class ReferIn(VersionIn):
    channel: str = Field(
        min_length=2, max_length=100, description="告知的途径，如 诉讼、仲裁、信访"
    )
    reason: str = Field("", max_length=500)


class ResultIn(VersionIn):
    result: str = Field(min_length=2, max_length=2000)


class UnitTaskIn(StrictIn):
    unit_id: int
    task: str = Field("", max_length=500)
    due_at: datetime | None = None


class DispatchIn(VersionIn):
    lead: UnitTaskIn | None = Field(None, description="留空则按派单目录推荐")
    co_units: list[UnitTaskIn] = Field(default_factory=list, max_length=20)
    reason: str = Field("", max_length=500)


class RedispatchIn(VersionIn):
    lead: UnitTaskIn
    reason: str = Field(min_length=2, max_length=500)


class CoRulingIn(StrictIn):
    accept: bool
    reason: str = Field(min_length=2, max_length=500)


class ExtensionIn(VersionIn):
    reason: str = Field(min_length=2, max_length=500)
    requested_due_at: datetime | None = None


class ApproveExtensionIn(VersionIn):
    new_due_at: datetime | None = None
    extra_amount: int | None = Field(None, ge=1, le=365)
    extra_unit: str | None = Field(None, pattern=r"^(hours|calendar_days|working_days)$")
    note: str = Field("", max_length=500)


class RefuseExtensionIn(VersionIn):
    note: str = Field(min_length=2, max_length=500)


class ReplyIn(StrictIn):
    version: int | None = Field(None, ge=1, description="主办单位答复时必填")
    reply: str = Field(min_length=2, max_length=5000)
    resolved: bool


class NoteIn(VersionIn):
    note: str = Field("", max_length=500)


class CallbackIn(VersionIn):
    satisfaction: Satisfaction
    resolved: bool | None = None
    acted: bool = Field(True, description="false：应办未办（规则14，退回重办）")
    note: str = Field("", max_length=500)


class SuperviseIn(StrictIn):
    level: SupervisionLevel
    reason: str = Field(min_length=2, max_length=500)


class MergeIn(VersionIn):
    into_id: int
    reason: str = Field("", max_length=500)


class RevealIn(StrictIn):
    reason: str = Field(min_length=4, max_length=200)


class TrackIn(StrictIn):
    receipt_no: str = Field(min_length=6, max_length=32)
    code: str = Field(min_length=4, max_length=16)


class RateIn(TrackIn):
    satisfaction: Satisfaction
    resolved: bool | None = None
    comment: str = Field("", max_length=500)


# ------------------------------------------------------------------ responses


class ErrorOut(Schema):
    detail: str
    detail_en: str
    errors: list[dict[str, Any]]


class Label(Schema):
    value: str
    label: str


class PartyOut(Schema):
    id: int
    role: str
    party_type: str
    name: str
    phone: str
    id_number: str
    address: str
    masked: bool
    withheld: bool


class RevealOut(Schema):
    id: int
    name: str
    phone: str
    id_number: str
    address: str


class AssignmentOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    role: str
    status: str
    status_label: str
    task: str
    due_at: datetime | None
    signed_at: datetime | None
    replied_at: datetime | None
    reply: str
    reply_resolved: bool | None
    objection_reason: str
    objection_locked: bool


class TransitionOut(Schema):
    action: str
    from_status: str
    to_status: str
    at: datetime
    actor: str
    actor_unit: str
    reason: str
    data: dict[str, Any]


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime
    url: str


class CaseListOut(Schema):
    id: int
    receipt_no: str
    kind: str
    channel: str
    status: str
    status_label: str
    title: str
    category: str | None
    region_code: str
    region_name: str
    urgency: str
    risk_colour: str
    supervision_level: int
    is_overdue: bool
    due_at: datetime | None
    due_uncertain: bool
    received_at: datetime
    closed_at: datetime | None
    resolved: bool | None
    lead_unit: str | None
    caller: str
    version: int


class CaseOut(CaseListOut):
    request_type: str
    description: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    people_count: int | None
    amount: Decimal | None
    flags: list[str]
    due_basis: str
    due_warning: str
    paused_at: datetime | None
    satisfaction: str
    escalated_to: str | None
    parent: str | None
    merged_children: list[str]
    created_at: datetime
    allowed_actions: list[Label]
    parties: list[PartyOut]
    assignments: list[AssignmentOut]
    timeline: list[TransitionOut]
    attachments: list[AttachmentOut]


class CreatedOut(Schema):
    id: int
    receipt_no: str
    verification_code: str
    status: str
    status_label: str
    due_at: datetime | None


class PublicCreatedOut(Schema):
    receipt_no: str
    verification_code: str
    status_label: str


class PublicStepOut(Schema):
    at: datetime
    step: str


class PublicCaseOut(Schema):
    receipt_no: str
    status_label: str
    received_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    resolved: bool | None
    reply: str
    can_rate: bool
    steps: list[PublicStepOut]


class DuplicateOut(Schema):
    case: CaseListOut
    score: float
    similarity: float
    distance_m: float | None


class SuggestionOut(Schema):
    lead_unit_id: int | None
    lead_unit_name: str | None
    co_unit_ids: list[int]
    basis: str


class MachineOut(Schema):
    kind: str
    initial: str
    states: list[Label]
    terminal: list[str]
    actions: list[dict[str, Any]]
