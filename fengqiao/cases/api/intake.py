"""Intake: officials' submissions and the citizens' public door (submit, track, rate).

Creation is idempotent (REL-03, `fengqiao/cases/idempotency.py`) and the receipt number is
returned only after the registering transaction has committed (REL-01). Public endpoints need
no account and are rate-limited per IP and per phone (WEB-08).
"""

from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.params import HeaderEx, P

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import request_user, scope_paths
from fengqiao.api import ApiError
from fengqiao.audit.actions import record
from fengqiao.audit.models import Outcome
from fengqiao.cases import idempotency, ratelimit
from fengqiao.cases.actions import CaseDraft, Registered, do_callback, do_register
from fengqiao.cases.actions.intake import code_matches
from fengqiao.cases.api import routers
from fengqiao.cases.api import schemas as s
from fengqiao.cases.api.validate import citizen_draft, staff_draft
from fengqiao.cases.idempotency import HEADER
from fengqiao.cases.models import Case, Satisfaction
from fengqiao.cases.selectors import public_view
from fengqiao.core.pii import blind_index

router = routers.cases
public = Router(tags=["cases-public"], auth=None)

ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 409: s.ErrorOut, 422: s.ErrorOut}
IDEMPOTENCY_DOC = "REL-03：同一请求重试时使用同一个 UUID；保留至少 24 小时"


def _created_body(registered: Registered) -> dict[str, Any]:
    case = registered.case
    return {
        "id": case.pk,
        "receipt_no": case.receipt_no,
        "verification_code": registered.verification_code,
        "status": case.status,
        "status_label": case.status_label,
        "due_at": case.due_at.isoformat() if case.due_at else None,
    }


def _public_body(registered: Registered) -> dict[str, Any]:
    return {
        "receipt_no": registered.case.receipt_no,
        "verification_code": registered.verification_code,
        "status_label": registered.case.status_label,
    }


def _register_once(
    key: str | None,
    *,
    scope: str,
    endpoint: str,
    payload: dict[str, Any],
    draft: CaseDraft,
    actor: Any,
    public_body: bool,
) -> Status[Any]:
    outcome = idempotency.begin(key, scope=scope, endpoint=endpoint, payload=payload)
    if isinstance(outcome, idempotency.Replay):
        return Status(outcome.status, outcome.body)
    try:
        with transaction.atomic():
            registered = do_register(draft, actor=actor)
            body = _public_body(registered) if public_body else _created_body(registered)
            idempotency.complete(outcome, status=201, body=body, case=registered.case)
    except BaseException:
        idempotency.abandon(outcome)
        raise
    # REL-01: the atomic block has exited, so the commit is durable before anyone sees the number.
    return Status(201, body)


@router.post(
    "/",
    response={201: s.CreatedOut, 200: s.CreatedOut, **ERRORS},
    summary="登记事项（幂等，须带 Idempotency-Key）",
)
def create_case(
    request: HttpRequest,
    payload: s.CaseIn,
    idempotency_key: HeaderEx[str | None, P(alias=HEADER, description=IDEMPOTENCY_DOC)] = None,
) -> Status[Any]:
    """An official registers a matter; a grid worker's GPS point resolves to the grid."""
    user = request_user(request)
    draft = staff_draft(payload)
    _ensure_in_scope(user, draft)
    return _register_once(
        idempotency_key,
        scope=f"user:{user.pk}",
        endpoint="cases.create",
        payload=payload.model_dump(mode="json"),
        draft=draft,
        actor=user,
        public_body=False,
    )


def _ensure_in_scope(user: User, draft: CaseDraft) -> None:
    """AC-03: nobody files a case outside their act scope; the refusal is audited."""
    paths = scope_paths(user, act=True)
    if any(draft.region.path.startswith(p) for p in paths):
        return
    record(
        "case.register",
        actor=user,
        outcome=Outcome.DENIED,
        reason="区划不在办理范围内",
        data={"region": draft.region.code},
        region_code=draft.region.code,
    )
    raise ApiError(
        403,
        "所选区划不在您的办理范围内。",
        "The region is outside your scope.",
        [{"field": "region_code", "message": "不在办理范围内", "message_en": "outside scope"}],
    )


@public.post(
    "/submit",
    response={201: s.PublicCreatedOut, 200: s.PublicCreatedOut, 429: s.ErrorOut, **ERRORS},
    summary="群众提交诉求（免登录，限流，幂等）",
)
def public_submit(
    request: HttpRequest,
    payload: s.CitizenCaseIn,
    idempotency_key: HeaderEx[str | None, P(alias=HEADER, description=IDEMPOTENCY_DOC)] = None,
) -> Status[Any]:
    """A citizen submits without an account; the answer carries the receipt number and the
    verification code for tracking (shown once; only its hash is stored)."""
    ratelimit.check_ip(request, "submit")
    ratelimit.hit(f"submit:phone:{blind_index(payload.phone)}")
    draft = citizen_draft(payload)
    return _register_once(
        idempotency_key,
        scope=f"anon:{ratelimit.client_ip(request)}",
        endpoint="cases.public_submit",
        payload=payload.model_dump(mode="json"),
        draft=draft,
        actor=None,
        public_body=True,
    )


def _tracked(payload: s.TrackIn) -> Case:
    case = Case.objects.filter(receipt_no=payload.receipt_no.strip().upper()).first()
    if case is None or not code_matches(case, payload.code):
        raise Http404
    return case


@public.post(
    "/track",
    response={200: s.PublicCaseOut, 404: s.ErrorOut, 429: s.ErrorOut},
    summary="凭受理编号和查询码查询进度（免登录，限流）",
)
def public_track(request: HttpRequest, payload: s.TrackIn) -> s.PublicCaseOut:
    """Every key date of the citizen's matter, without officials' names or other parties."""
    ratelimit.check_ip(request, "track")
    return public_view(_tracked(payload))


@public.post(
    "/rate",
    response={200: s.PublicCaseOut, 404: s.ErrorOut, 409: s.ErrorOut, 429: s.ErrorOut},
    summary="群众评价办理结果（免登录，限流）",
)
def public_rate(request: HttpRequest, payload: s.RateIn) -> s.PublicCaseOut:
    """The citizen's own rating is the callback (rule 14): dissatisfied → back to handling."""
    ratelimit.check_ip(request, "rate")
    case = _tracked(payload)
    if payload.satisfaction == Satisfaction.UNREACHABLE:
        raise ApiError(
            422,
            "请选择满意、基本满意或不满意。",
            "Choose satisfied, basic or dissatisfied.",
            [{"field": "satisfaction", "message": "取值无效", "message_en": "invalid choice"}],
        )
    case = do_callback(
        case,
        actor=None,
        satisfaction=payload.satisfaction,
        resolved=payload.resolved,
        note_text=payload.comment,
        citizen=True,
    )
    return public_view(case)
