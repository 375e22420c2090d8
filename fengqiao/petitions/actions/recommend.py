"""Recommendations made from petition items and the answer of the unit they went to
(第四十一条, rule 22: the annual report states the recommendations made and whether they were
adopted). Each write is a timeline note (so the statistics follow) with its audit row."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.actions.engine import CENTRE_ROLES, acts_in_region, note
from fengqiao.cases.errors import CaseError, Invalid, NotAllowed, field_error
from fengqiao.cases.models import Case
from fengqiao.petitions.actions.common import bureau_for, petition_of
from fengqiao.petitions.models import Recommendation, RecommendationKind
from fengqiao.units.models import Unit


def _check_centre(case: Case, actor: User) -> None:
    if not acts_in_region(actor, case, CENTRE_ROLES):
        raise NotAllowed(
            "工作建议只能由信访事项所在地区的信访部门（受理/调度人员）提出和登记答复。",
            "Only an operator of the item's region may record recommendations.",
        )


@transaction.atomic
def do_make_recommendation(
    case: Case,
    *,
    actor: User,
    kind: str,
    to_unit: Unit,
    content: str,
    issuer: Unit | None = None,
    at: datetime | None = None,
) -> Recommendation:
    """提出建议: an improve-work, improve-policy or accountability recommendation from the
    item to a unit; the issuer defaults to the nearest 信访部门 of the item's region."""
    petition_of(case)
    _check_centre(case, actor)
    errors = []
    if kind not in RecommendationKind.values:
        errors.append(field_error("kind", "请选择建议类型", "invalid kind"))
    if not content.strip():
        errors.append(field_error("content", "请填写建议内容", "content is required"))
    if not to_unit.is_active:
        errors.append(field_error("to_unit", "单位已停用", "inactive unit"))
    issuer = issuer or bureau_for(case.region)
    if issuer is None:
        errors.append(field_error("issuer", "未找到提出建议的信访部门", "no petition bureau"))
    elif to_unit.pk == issuer.pk:
        errors.append(field_error("to_unit", "建议对象不能是提出建议的机关", "must differ"))
    if errors:
        raise Invalid("工作建议信息有误。", "Invalid recommendation.", errors)
    assert issuer is not None
    row = Recommendation.objects.create(
        case=case,
        kind=kind,
        issuer=issuer,
        to_unit=to_unit,
        content=content.strip(),
        made_at=at or timezone.now(),
        made_by=actor,
    )
    note(
        case,
        "recommend",
        actor=actor,
        reason=RecommendationKind(kind).label,
        data={"recommendation": row.pk, "kind": kind, "to_unit": to_unit.code},
        actor_unit=issuer,
    )
    return row


@transaction.atomic
def do_answer_recommendation(
    row: Recommendation,
    *,
    actor: User,
    adopted: bool,
    answer: str = "",
    at: datetime | None = None,
) -> Recommendation:
    """登记采纳情况: the unit's answer — adopted or not — recorded once by the 信访部门."""
    row = Recommendation.objects.select_for_update().select_related("case__region").get(pk=row.pk)
    case = row.case
    _check_centre(case, actor)
    if row.adopted is not None:
        raise CaseError(
            "该建议的采纳情况已登记。", "The answer to this recommendation is already recorded."
        )
    if not adopted and not answer.strip():
        raise Invalid(
            "未采纳的，请登记答复情况。",
            "Say why it was not adopted.",
            [field_error("answer", "请填写未采纳的理由", "a reason is required")],
        )
    when = at or timezone.now()
    if when < row.made_at:
        raise Invalid(
            "答复时间不能早于提出时间。",
            "The answer cannot precede the recommendation.",
            [field_error("at", "早于提出时间", "before the recommendation")],
        )
    Recommendation.objects.filter(pk=row.pk).update(
        adopted=adopted, answered_at=when, answer=answer.strip()
    )
    row.refresh_from_db()
    note(
        case,
        "recommendation_answer",
        actor=actor,
        reason="已采纳" if adopted else "未采纳",
        data={"recommendation": row.pk, "adopted": adopted},
        actor_unit=row.issuer,
    )
    return row
