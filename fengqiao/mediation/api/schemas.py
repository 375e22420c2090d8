"""Request and response schemas of the mediation API. Requests forbid unknown fields (AC-11);
units are named by their code, mediators, rooms, parties and routes by id."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from fengqiao.cases.api.schemas import CaseIn, CaseListOut, CaseOut, VersionIn
from fengqiao.cases.workflow import Kind
from fengqiao.mediation.models import (
    AgreementForm,
    ChosenBy,
    IntakeSource,
    InvitedKind,
    MediatorKind,
    OrgKind,
    Outcome,
    PerformanceStatus,
    Procedure,
    ReferralType,
    SessionMode,
)
from fengqiao.procedures.api import TimerOut


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class DisputeIn(CaseIn):
    """A dispute's intake: the case fields of the cases API plus where it came from."""

    kind: Kind = Kind.DISPUTE
    source: IntakeSource = IntakeSource.APPLICATION
    referred_by_code: str | None = Field(None, max_length=40, description="移送单位编码")
    org_code: str | None = Field(None, max_length=40, description="直接分派（或本组织主动受理）")
    is_complex: bool = Field(False, description="复杂或涉及多部门（行政调解受理期限10个工作日）")
    criminal_risk: bool = Field(
        False, description="有转化为治安、刑事案件的可能（立即报告公安机关）"
    )
    group_risk: bool = False
    police_unit_code: str | None = Field(None, max_length=40)
    risk_note: str = Field("", max_length=500)


class CourtReferralIn(CaseIn):
    kind: Kind = Kind.COURT_REFERRAL
    court_code: str = Field(max_length=40)
    referral_type: ReferralType
    procedure: Procedure | None = None
    court_case_no: str = Field("", max_length=60)
    route_id: int | None = None
    org_code: str | None = Field(None, max_length=40)


class OrgIn(VersionIn):
    org_code: str = Field(max_length=40)


class ReasonIn(VersionIn):
    reason: str = Field(min_length=2, max_length=500)


class RoutesIn(ReasonIn):
    routes_told: str = Field(min_length=2, max_length=300, description="已告知的其他途径")


class RedispatchIn(ReasonIn):
    org_code: str = Field(max_length=40)


class TransferIn(ReasonIn):
    to_org_code: str = Field(max_length=40)


class PickIn(StrictIn):
    mediator_id: int
    presiding: bool = False


class AssignIn(VersionIn):
    mediators: list[PickIn] = Field(min_length=1, max_length=10)
    chosen_by: ChosenBy = ChosenBy.DESIGNATED


class InviteIn(StrictIn):
    kind: InvitedKind
    name: str = Field(min_length=1, max_length=50)
    note: str = Field("", max_length=100)
    consented: bool


class SessionIn(VersionIn):
    held_at: datetime
    mode: SessionMode = SessionMode.ON_SITE
    record: str = Field(min_length=2, max_length=20000)
    mediator_ids: list[int] = Field(min_length=1, max_length=10)
    party_ids: list[int] = Field(default_factory=list, max_length=50)
    invited_ids: list[int] = Field(default_factory=list, max_length=20)
    room_id: int | None = None
    place: str = Field("", max_length=200)


class RiskIn(StrictIn):
    criminal: bool = False
    group: bool = False
    police_unit_code: str | None = Field(None, max_length=40)
    reason: str = Field(min_length=2, max_length=500)


class AgreementIn(StrictIn):
    form: AgreementForm
    facts: str = Field("", max_length=5000)
    disputed_points: str = Field("", max_length=2000)
    responsibility: str = Field("", max_length=2000)
    terms: list[str] = Field(min_length=1, max_length=30)
    performance_manner: str = Field("", max_length=300)
    performance_place: str = Field("", max_length=200)
    performance_deadline: date | None = None
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class OutcomeIn(VersionIn):
    outcome: Outcome
    reason: str = Field("", max_length=500)
    agreement: AgreementIn | None = None
    prevented_criminal_people: int | None = Field(None, ge=0, le=100000)
    prevented_group_people: int | None = Field(None, ge=0, le=100000)


class SignIn(StrictIn):
    parties_signed_at: datetime
    sealed_at: datetime


class PerformanceIn(StrictIn):
    status: PerformanceStatus
    note: str = Field("", max_length=500)


class ClosePerformanceIn(VersionIn):
    performed: bool
    note: str = Field("", max_length=500)


class ApplyIn(VersionIn):
    court_code: str = Field(max_length=40)
    joint: bool = Field(description="双方当事人共同申请")


class CourtCaseIn(VersionIn):
    court_case_no: str = Field(min_length=2, max_length=60)


class ExtendIn(ReasonIn):
    approved_by: str = Field(min_length=1, max_length=50, description="批准的院长")


class OptionalReasonIn(VersionIn):
    reason: str = Field("", max_length=500)


# ------------------------------------------------------------------ configuration


class OrgSaveIn(StrictIn):
    unit_code: str = Field(max_length=40)
    kind: OrgKind
    mediation_type: str = Field("", pattern=r"^(|people|administrative|judicial)$")
    sector: str = Field("", max_length=60)
    invited_by_code: str | None = Field(None, max_length=40)
    address: str = Field("", max_length=200)


class RoomIn(StrictIn):
    name: str = Field(min_length=1, max_length=60)
    location: str = Field("", max_length=200)
    capacity: int | None = Field(None, ge=1, le=1000)
    has_video: bool = False


class MediatorIn(StrictIn):
    org_code: str = Field(max_length=40)
    name: str = Field(min_length=1, max_length=50)
    kind: MediatorKind
    phone: str = Field("", max_length=20)
    speciality_codes: list[str] = Field(default_factory=list, max_length=20)
    invited_by_code: str | None = Field(None, max_length=40)
    max_active: int | None = Field(None, ge=1, le=500)
    username: str | None = Field(None, max_length=150)


class StepIn(StrictIn):
    name: str = Field(min_length=1, max_length=60)
    unit_code: str = Field(max_length=40)


class RouteIn(StrictIn):
    court_code: str = Field(max_length=40)
    name: str = Field(min_length=2, max_length=100)
    effective_from: date
    steps: list[StepIn] = Field(min_length=1, max_length=10)
    note: str = Field("", max_length=300)


class WageIn(StrictIn):
    province_code: str = Field(max_length=15)
    year: int = Field(ge=2000, le=2100)
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    source_document: str = Field(min_length=4, max_length=300)
    published_on: date | None = None


# ------------------------------------------------------------------ responses


class OrgOut(Schema):
    id: int
    unit_code: str
    name: str
    kind: str
    kind_label: str
    mediation_type: str
    region_code: str
    sector: str
    invited_by: str | None
    rooms: list[dict[str, Any]]


class MediatorOut(Schema):
    id: int
    name: str
    org_code: str
    org_name: str
    kind: str
    kind_label: str
    phone: str
    specialities: list[str]
    invited_by: str | None
    max_active: int | None
    workload: int


class DisputeInfo(Schema):
    source: str
    source_label: str
    referred_by: str | None
    mediation_type: str
    is_labour: bool
    is_complex: bool
    outcome: str
    outcome_at: datetime | None
    agreement_amount: Decimal | None
    criminal_risk: bool
    police_reported_at: datetime | None
    prevented_criminal: bool
    prevented_criminal_people: int
    group_risk: bool
    prevented_group_petition: bool
    prevented_group_petition_people: int
    declined_reason: str
    routes_told: str


class StageOut(Schema):
    seq: int
    org: str
    org_code: str
    mediation_type: str
    via: str
    via_label: str
    previous_seq: int | None
    diversion_step: int | None
    started_at: datetime
    accepted_at: datetime | None
    ended_at: datetime | None
    outcome: str


class SessionOut(Schema):
    seq: int
    held_at: datetime
    mode: str
    room: str | None
    place: str
    mediators: list[str]
    party_ids: list[int]
    invited_ids: list[int]
    record: str


class AgreementOut(Schema):
    id: int
    number: str
    form: str
    partial: bool
    status: str
    reached_at: datetime
    effective_at: datetime | None
    performance_deadline: date | None
    amount: Decimal | None
    copies: int
    terms: list[str]


class ConfirmationOut(Schema):
    court: str
    applied_at: datetime
    accepted_at: datetime | None
    court_case_no: str
    extended: bool
    decided_at: datetime | None
    result: str
    reason: str


class ReferralOut(Schema):
    court: str
    referral_type: str
    procedure: str
    court_case_no: str
    route: str | None
    step: int | None
    step_name: str
    result_sent_at: datetime | None


class DisputeOut(Schema):
    case: CaseOut
    dispute: DisputeInfo
    referral: ReferralOut | None
    stages: list[StageOut]
    mediators: list[dict[str, Any]]
    sessions: list[SessionOut]
    agreements: list[AgreementOut]
    confirmations: list[ConfirmationOut]
    timers: list[TimerOut]


class DisputeListOut(CaseListOut):
    source: str
    outcome: str
    mediation_type: str


class DisputeCreatedOut(Schema):
    id: int
    receipt_no: str
    verification_code: str
    status: str
    status_label: str
    due_at: datetime | None
