"""Reading the audit log (审计管理员 only, SOD-01) and the generic unmask endpoint (PII-02).

/api/v1/audit/…  list and search, detail, chain verification. Everyone but an audit
                 administrator gets 403; the audit administrator gets nothing else.
/api/v1/pii/unmask  one field of one registered object, with a reason, in act scope.
"""

from datetime import datetime
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from fengqiao.accounts.policy import may_read_audit
from fengqiao.accounts.scope import request_user
from fengqiao.api import ApiError
from fengqiao.audit import unmask
from fengqiao.audit.actions import do_unmask, record, require_unmask_permission
from fengqiao.audit.models import AuditEntry, Outcome
from fengqiao.audit.verify import verify_chain

router = Router(tags=["audit"])
pii_router = Router(tags=["pii"])


class AuditEntryOut(Schema):
    id: int
    seq: int
    at: datetime
    actor_id: int | None
    actor_name: str
    actor_role: str
    actor_region: str
    ip: str
    user_agent: str
    request_id: str
    action: str
    object_type: str
    object_id: str
    outcome: str
    reason: str
    data: dict[str, Any]


class AuditFilters(Schema):
    action: str = Field("", description="事件类型；以 . 结尾时按前缀匹配，如 login.")
    actor_id: int | None = None
    actor: str = Field("", description="操作人登录名（包含）")
    object_type: str = ""
    object_id: str = ""
    outcome: Outcome | None = None
    since: datetime | None = None
    until: datetime | None = None

    def condition(self) -> Q:
        q = Q()
        if self.action:
            q &= (
                Q(action__startswith=self.action)
                if self.action.endswith(".")
                else Q(action=self.action)
            )
        if self.actor_id is not None:
            q &= Q(actor_id=self.actor_id)
        if self.actor:
            q &= Q(actor_name__icontains=self.actor)
        if self.object_type:
            q &= Q(object_type=self.object_type)
        if self.object_id:
            q &= Q(object_id=self.object_id)
        if self.outcome:
            q &= Q(outcome=self.outcome.value)
        if self.since:
            q &= Q(at__gte=self.since)
        if self.until:
            q &= Q(at__lt=self.until)
        return q


class VerifyOut(Schema):
    ok: bool
    count: int
    first_bad_seq: int | None
    problem: str


def _require_auditor(request: HttpRequest) -> None:
    if not may_read_audit(request_user(request)):
        raise ApiError(403, "仅审计管理员可查看审计日志。", "Only the audit administrator.")


@router.get("/", response=list[AuditEntryOut], summary="审计日志查询")
@paginate
def list_entries(request: HttpRequest, filters: Query[AuditFilters]) -> QuerySet[AuditEntry]:
    _require_auditor(request)
    # The search is itself audited (AUD-01); it lists what existed before it.
    upto = AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0
    record(
        "audit.search",
        actor=request_user(request),
        data={k: str(v) for k, v in filters.dict().items() if v not in (None, "")},
    )
    return AuditEntry.objects.filter(filters.condition(), seq__lte=upto).order_by("-seq")


@router.get("/verify", response=VerifyOut, summary="校验审计链")
def verify(request: HttpRequest) -> VerifyOut:
    _require_auditor(request)
    report = verify_chain()
    record("audit.verify", actor=request_user(request), data={"ok": report.ok})
    return VerifyOut(
        ok=report.ok,
        count=report.count,
        first_bad_seq=report.problem.seq if report.problem else None,
        problem=report.problem.message() if report.problem else "",
    )


@router.get("/{entry_id}", response=AuditEntryOut, summary="审计记录详情")
def get_entry(request: HttpRequest, entry_id: int) -> AuditEntry:
    _require_auditor(request)
    entry: AuditEntry = get_object_or_404(AuditEntry, pk=entry_id)
    return entry


class UnmaskIn(Schema):
    object_type: str = Field(min_length=1, max_length=60, examples=["regions.gridworker"])
    object_id: int
    field: str = Field(min_length=1, max_length=60, examples=["phone"])
    reason: str = Field(max_length=200, description="查看事由（必填）")


class UnmaskOut(Schema):
    object_type: str
    object_id: int
    field: str
    value: str


@pii_router.post("/unmask", response=UnmaskOut, summary="查看完整个人信息（须填写事由）")
def unmask_field(request: HttpRequest, payload: UnmaskIn) -> UnmaskOut:
    actor = request_user(request)
    entry = unmask.lookup(payload.object_type)
    if entry is None or payload.field not in entry.fields:
        raise ApiError(
            400,
            "该字段不支持查看完整信息。",
            "This field cannot be unmasked.",
            [{"field": "field", "message": "该字段不支持查看完整信息。", "type": "invalid"}],
        )
    if not payload.reason.strip():
        raise ApiError(
            400,
            "请填写查看完整信息的事由。",
            "A reason is required.",
            [{"field": "reason", "message": "请填写查看完整信息的事由。", "type": "required"}],
        )
    require_unmask_permission(
        actor=actor, object_type=entry.label, object_id=str(payload.object_id)
    )
    obj = get_object_or_404(unmask.objects_in_scope(actor, entry), pk=payload.object_id)
    value = do_unmask(obj, payload.field, actor=actor, reason=payload.reason)
    return UnmaskOut(
        object_type=entry.label, object_id=payload.object_id, field=payload.field, value=value
    )
