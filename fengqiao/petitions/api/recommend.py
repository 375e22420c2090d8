"""Recommendations made from a petition item and the answer of the unit they went to
(第四十一条, rule 22): GET/POST /petitions/{id}/recommendations and
POST /petitions/{id}/recommendations/{rid}/answer.

The item is found through the engine's scope (`get_petition`: out of view scope, or an
accusation shown to the accused unit → 404 exactly like missing, AC-02 / AC-10); recording
needs act scope and is the 信访部门's (`do_make_recommendation` / `do_answer_recommendation`
check it and answer 403 otherwise). The text is shown scrubbed, as notices are."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status

from fengqiao.accounts.scope import request_user
from fengqiao.audit.actions import scrub
from fengqiao.cases.api.schemas import ErrorOut
from fengqiao.cases.api.validate import Errors
from fengqiao.cases.errors import Invalid
from fengqiao.petitions import actions as p
from fengqiao.petitions.api import schemas as s
from fengqiao.petitions.api.access import get_petition, recommendations_for, unit_by_code
from fengqiao.petitions.models import Recommendation, RecommendationKind

router = Router(tags=["petitions-recommendations"])
WRITE: dict[int, Any] = {
    200: s.RecommendationOut,
    201: s.RecommendationOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def status_label(row: Recommendation) -> str:
    if row.adopted is None:
        return "待答复"
    return "已采纳" if row.adopted else "未采纳"


def recommendation_out(row: Recommendation) -> s.RecommendationOut:
    return s.RecommendationOut(
        id=row.pk,
        kind=row.kind,
        kind_label=RecommendationKind(row.kind).label,
        issuer=row.issuer.name,
        issuer_code=row.issuer.code,
        to_unit=row.to_unit.name,
        to_unit_code=row.to_unit.code,
        content=scrub(row.content),
        made_at=row.made_at,
        adopted=row.adopted,
        status_label=status_label(row),
        answered_at=row.answered_at,
        answer=scrub(row.answer),
    )


@router.get(
    "/{case_id}/recommendations",
    response={200: list[s.RecommendationOut], 404: ErrorOut},
    summary="信访事项提出的建议及采纳情况（第四十一条）",
)
def list_recommendations(request: HttpRequest, case_id: int) -> list[s.RecommendationOut]:
    user = request_user(request)
    case = get_petition(user, case_id)
    return [recommendation_out(r) for r in recommendations_for(user, case)]


@router.post(
    "/{case_id}/recommendations",
    response=WRITE,
    summary="提出改进工作、完善政策或追究责任的建议（信访部门）",
)
def make_recommendation(
    request: HttpRequest, case_id: int, payload: s.RecommendationIn
) -> Status[s.RecommendationOut]:
    user = request_user(request)
    case = get_petition(user, case_id, act=True)
    unit = unit_by_code(payload.to_unit_code)
    if unit is None:
        errors = Errors()
        errors.add("to_unit_code", "单位不存在或已停用", "unknown or inactive unit")
        errors.raise_if_any()
    assert unit is not None
    try:
        row = p.do_make_recommendation(
            case, actor=user, kind=payload.kind, to_unit=unit, content=payload.content
        )
    except Invalid as exc:
        for item in exc.errors:  # the action's `to_unit` is this endpoint's `to_unit_code`
            if item.get("field") == "to_unit":
                item["field"] = "to_unit_code"
        raise
    return Status(201, recommendation_out(row))


@router.post(
    "/{case_id}/recommendations/{recommendation_id}/answer",
    response=WRITE,
    summary="登记建议的采纳情况和答复单位的答复（信访部门）",
)
def answer_recommendation(
    request: HttpRequest, case_id: int, recommendation_id: int, payload: s.RecommendationAnswerIn
) -> s.RecommendationOut:
    user = request_user(request)
    case = get_petition(user, case_id, act=True)
    row = recommendations_for(user, case).filter(pk=recommendation_id).first()
    if row is None:
        raise Http404
    done = p.do_answer_recommendation(
        row, actor=user, adopted=payload.adopted, answer=payload.answer
    )
    return recommendation_out(
        Recommendation.objects.select_related("issuer", "to_unit").get(pk=done.pk)
    )
