"""Staff intake: the 信访部门 registers a letter, visit, call or fax (idempotent, REL-03)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.params import HeaderEx, P

from fengqiao.accounts.scope import request_user
from fengqiao.cases.api.schemas import ErrorOut
from fengqiao.cases.idempotency import HEADER
from fengqiao.cases.models import Case
from fengqiao.petitions.actions import do_register_petition
from fengqiao.petitions.api import schemas as s
from fengqiao.petitions.api.intake import created_body, staff_drafts
from fengqiao.procedures.intake import register_once

router = Router(tags=["petitions"])


@router.post(
    "/",
    response={
        201: s.CreatedOut,
        200: s.CreatedOut,
        400: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="登记信访事项（幂等，须带 Idempotency-Key）",
)
def register(
    request: HttpRequest,
    payload: s.PetitionIn,
    idempotency_key: HeaderEx[str | None, P(alias=HEADER, description="REL-03")] = None,
) -> Status[Any]:
    user = request_user(request)
    draft, details = staff_drafts(payload)
    if details.received_by is None and user.unit is not None and user.unit.unit_type == "petition":
        details.received_by = user.unit

    def create() -> tuple[Case, dict[str, Any]]:
        registered = do_register_petition(draft, details, actor=user)
        case = Case.objects.select_related("petition").get(pk=registered.case.pk)
        return case, created_body(case, registered.verification_code)

    return register_once(
        idempotency_key,
        scope=f"user:{user.pk}",
        endpoint="petitions.register",
        payload=payload.model_dump(mode="json"),
        create=create,
    )
