"""Request and response schemas of the petitions API (unknown fields are refused, AC-11)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from fengqiao.cases.api.schemas import CaseListOut, CaseOut, LocationFields, PartyIn, VersionIn
from fengqiao.cases.models import Satisfaction
from fengqiao.petitions.models import (
    ClaimRoute,
    DecisionLevel,
    DecisionOutcome,
    NoticeMode,
    PetitionChannel,
    PetitionType,
    RecommendationKind,
    RoutingMode,
)
from fengqiao.procedures.api import TimerOut


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class PetitionIn(LocationFields):
    """An item the 信访部门 enters (letter, visit, phone, fax, or online on one's behalf)."""

    channel: PetitionChannel
    description: str = Field(min_length=2, max_length=5000)
    title: str = Field("", max_length=120)
    category_code: str | None = Field(None, max_length=20)
    people_count: int | None = Field(None, ge=1, le=100000)
    parties: list[PartyIn] = Field(min_length=1, max_length=50)
    about_unit_code: str | None = Field(
        None, max_length=40, description="涉及/被反映（被检举控告）单位"
    )
    petition_type: PetitionType | None = None
    received_by_code: str | None = Field(None, max_length=40, description="登记机关（信访部门）")
    same_matter_receipt_no: str | None = Field(
        None, max_length=32, description="与已登记事项为同一事项"
    )
    is_group: bool = False
    received_at: datetime | None = None


class CitizenPetitionIn(LocationFields):
    """网上信访: the petitioner's own submission, without an account."""

    description: str = Field(min_length=5, max_length=3000)
    title: str = Field("", max_length=120)
    category_code: str | None = Field(None, max_length=20)
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(min_length=5, max_length=20)
    id_number: str = Field("", max_length=18)
    about_unit_code: str | None = Field(None, max_length=40)
    petition_type: PetitionType | None = None
    to_bureau_code: str | None = Field(None, max_length=40, description="向哪一级信访部门提出")


class TrackIn(StrictIn):
    receipt_no: str = Field(min_length=6, max_length=32)
    code: str = Field(min_length=4, max_length=16)


class RateIn(TrackIn):
    satisfaction: Satisfaction
    comment: str = Field("", max_length=500)


class RouteIn(VersionIn):
    organ_code: str = Field(max_length=40)
    mode: RoutingMode
    petition_type: PetitionType
    route: ClaimRoute | None = None
    litigation_related: bool = False
    task: str = Field("", max_length=500)


class AcceptIn(VersionIn):
    mode: NoticeMode = NoticeMode.WRITTEN
    route: ClaimRoute | None = None


class ReasonIn(VersionIn):
    reason: str = Field(min_length=2, max_length=500)


class RedispatchIn(ReasonIn):
    organ_code: str = Field(max_length=40)


class RedirectIn(VersionIn):
    procedure: str = Field(min_length=2, max_length=200, description="导入的程序，如 行政复议")


class ExtendIn(ReasonIn):
    approved_by: str = Field(min_length=1, max_length=50)
    days: int | None = Field(None, ge=1, le=366, description="留空 = 规则允许的最长延期")


class DecisionIn(VersionIn):
    outcome: DecisionOutcome
    request: str = Field(min_length=2, max_length=5000)
    facts: str = Field(min_length=2, max_length=10000)
    reasons: str = Field(min_length=2, max_length=5000)
    basis: list[str] = Field(default_factory=list, max_length=20)
    delivered_at: datetime | None = None


class ReviewRequestIn(VersionIn):
    level: DecisionLevel = Field(description="review = 复查，recheck = 复核")
    reviewing_unit_code: str = Field(max_length=40)
    reason: str = Field(min_length=2, max_length=1000)


class HearingIn(VersionIn):
    level: DecisionLevel
    note: str = Field("", max_length=500)


class ReviewDecisionIn(DecisionIn):
    level: DecisionLevel


# ------------------------------------------------------------------ responses


class PetitionInfo(Schema):
    channel: str
    channel_label: str
    petition_type: str
    route: str
    litigation_related: bool
    received_by: str | None
    about_unit: str | None
    is_group: bool
    routing_mode: str
    routed_at: datetime | None
    accepted_at: datetime | None
    refusal_reason: str
    redirected_to: str
    extended: bool
    matter_id: int
    matter_stage: str


class NoticeOut(Schema):
    kind: str
    kind_label: str
    mode: str
    sent_at: datetime
    content: str


class DecisionOut(Schema):
    id: int
    level: str
    level_label: str
    organ: str
    number: str
    outcome: str
    outcome_label: str
    decided_at: datetime
    delivered_at: datetime


class ReviewOut(Schema):
    level: str
    requested_at: datetime
    reviewing_unit: str
    decision: str | None
    hearings: list[dict[str, Any]]


class PetitionOut(Schema):
    case: CaseOut
    petition: PetitionInfo
    notices: list[NoticeOut]
    decisions: list[DecisionOut]
    reviews: list[ReviewOut]
    timers: list[TimerOut]


class PetitionListOut(CaseListOut):
    channel_label: str
    petition_type: str


class CreatedOut(Schema):
    id: int | None = None
    receipt_no: str
    verification_code: str
    status: str
    status_label: str
    refusal_reason: str
    due_at: datetime | None = None


class KeyDateOut(Schema):
    at: datetime
    event: str


class DeadlineOut(Schema):
    name: str
    due_at: datetime
    running: bool
    met: bool | None
    basis: str


class PublicDecisionOut(Schema):
    level_label: str
    number: str
    outcome_label: str
    decided_at: datetime
    delivered_at: datetime


class PublicPetitionOut(Schema):
    receipt_no: str
    status_label: str
    received_at: datetime
    refusal_reason: str
    key_dates: list[KeyDateOut]
    deadlines: list[DeadlineOut]
    decisions: list[PublicDecisionOut]
    can_rate: bool
    satisfaction: str


class ReportOut(Schema):
    year: int
    total: int
    by_channel: dict[str, int]
    by_type: dict[str, int]
    by_category: dict[str, int]
    most_complained_units: list[dict[str, Any]]
    transferred: int
    assigned: int
    supervised: int
    not_accepted: int
    acceptance_on_time: float | None
    handling_on_time: float | None
    decisions_by_outcome: dict[str, int]
    recommendations: int = 0
    recommendations_adopted: int = 0


class DocumentDateOut(Schema):
    on: date


# ------------------------------------------------------------------ recommendations (rule 22)


class RecommendationIn(StrictIn):
    """提出建议: improve work, improve policy or hold to account, sent to a unit."""

    kind: RecommendationKind
    to_unit_code: str = Field(min_length=1, max_length=40, description="建议对象（单位代码）")
    content: str = Field(min_length=2, max_length=5000)


class RecommendationAnswerIn(StrictIn):
    """登记采纳情况: whether the unit adopted it, and its reply (required when not adopted)."""

    adopted: bool
    answer: str = Field("", max_length=5000, description="答复单位的答复情况")


class RecommendationOut(Schema):
    id: int
    kind: str
    kind_label: str
    issuer: str
    issuer_code: str
    to_unit: str
    to_unit_code: str
    content: str
    made_at: datetime
    adopted: bool | None
    status_label: str
    answered_at: datetime | None
    answer: str
