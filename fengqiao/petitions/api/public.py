"""The petitioner's door, no account needed (rate-limited per IP and phone, WEB-08): online
submission (idempotent), tracking every key date by receipt number and query code, rating."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.params import HeaderEx, P

from fengqiao.cases import ratelimit
from fengqiao.cases.actions.intake import code_matches
from fengqiao.cases.api.schemas import ErrorOut
from fengqiao.cases.idempotency import HEADER
from fengqiao.cases.models import Case
from fengqiao.cases.workflow import Kind
from fengqiao.core.pii import blind_index
from fengqiao.petitions.actions import do_rate, do_register_petition
from fengqiao.petitions.api import schemas as s
from fengqiao.petitions.api.intake import citizen_drafts, created_body
from fengqiao.petitions.api.present import public_out
from fengqiao.procedures.intake import register_once

router = Router(tags=["petitions-public"], auth=None)
KEY_DOC = "REL-03：同一请求重试时使用同一个 UUID"


@router.post(
    "/submit",
    response={
        201: s.CreatedOut,
        200: s.CreatedOut,
        400: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="网上信访（免登录，限流，幂等）",
)
def submit(
    request: HttpRequest,
    payload: s.CitizenPetitionIn,
    idempotency_key: HeaderEx[str | None, P(alias=HEADER, description=KEY_DOC)] = None,
) -> Status[Any]:
    """The answer carries the receipt number and the query code (shown once); a matter that
    may not be accepted again is registered and refused at once, with the reason."""
    ratelimit.check_ip(request, "petition_submit")
    ratelimit.hit(f"petition_submit:phone:{blind_index(payload.phone)}")
    draft, details = citizen_drafts(payload)

    def create() -> tuple[Case, dict[str, Any]]:
        registered = do_register_petition(draft, details, actor=None)
        case = Case.objects.select_related("petition").get(pk=registered.case.pk)
        body = created_body(case, registered.verification_code)
        body.pop("id")
        return case, body

    return register_once(
        idempotency_key,
        scope=f"anon:{ratelimit.client_ip(request)}",
        endpoint="petitions.public_submit",
        payload=payload.model_dump(mode="json"),
        create=create,
    )


def _tracked(payload: s.TrackIn) -> Case:
    case = Case.objects.filter(
        receipt_no=payload.receipt_no.strip().upper(), kind=Kind.PETITION
    ).first()
    if case is None or not code_matches(case, payload.code):
        raise Http404
    return case


@router.post(
    "/track",
    response={200: s.PublicPetitionOut, 404: ErrorOut, 429: ErrorOut},
    summary="凭受理编号和查询码查询办理过程",
)
def track(request: HttpRequest, payload: s.TrackIn) -> s.PublicPetitionOut:
    ratelimit.check_ip(request, "petition_track")
    return public_out(_tracked(payload))


@router.post(
    "/rate",
    response={200: s.PublicPetitionOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="评价办理结果",
)
def rate(request: HttpRequest, payload: s.RateIn) -> s.PublicPetitionOut:
    ratelimit.check_ip(request, "petition_rate")
    case = _tracked(payload)
    return public_out(do_rate(case, satisfaction=payload.satisfaction, comment=payload.comment))
