"""The 信访处理意见书 (and 复查/复核意见书) contents as plain data, in the shape of the documents
app's `PetitionDecisionData` (field for field): request, facts and reasons, outcome and basis
(第三十二条), and the petitioner's next step with its number of days taken from the clock rule
(第三十五、三十六条), never written here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from fengqiao.cases.models import PartyRole
from fengqiao.petitions.models import (
    Decision,
    DecisionLevel,
    DecisionOutcome,
    Petition,
    PetitionChannel,
)
from fengqiao.rules.errors import RuleNotFound
from fengqiao.rules.resolve import resolve_rule

NEXT_STEP = {
    DecisionLevel.HANDLING: ("petition.review_request", "复查"),
    DecisionLevel.REVIEW: ("petition.recheck_request", "复核"),
}
TITLES = {
    DecisionLevel.HANDLING: "信访处理意见书",
    DecisionLevel.REVIEW: "信访事项复查意见书",
    DecisionLevel.RECHECK: "信访事项复核意见书",
}


@dataclass(frozen=True)
class ReviewRightData:
    days: int
    body: str
    source: str
    word: str = "复查"


@dataclass(frozen=True)
class DecisionData:
    """Mirrors `fengqiao.documents.kinds.petition.PetitionDecisionData` (plus the title and,
    for a 复核意见, no further right: `review` is None)."""

    title: str
    organ: str
    number: str
    petitioner: str
    matter: str
    received_on: date
    channel: str
    accepted_on: date
    request: str
    facts: str
    outcome: str
    reasons: str
    basis: list[str]
    review: ReviewRightData | None
    decided_on: date


def _local(value: object) -> date:
    return timezone.localtime(value).date()  # type: ignore[arg-type]


def decision_data(decision: Decision) -> DecisionData:
    case = decision.case
    petition = Petition.objects.select_related("case").get(case=case)
    complainant = case.parties.filter(role=PartyRole.COMPLAINANT).order_by("pk").first()
    review = None
    if decision.level in NEXT_STEP:
        code, word = NEXT_STEP[DecisionLevel(decision.level)]
        try:
            rule = resolve_rule(code, region=case.region, on=_local(decision.decided_at))
            body = (
                decision.organ.parent.name
                if decision.organ.parent
                else "原办理机关的上一级行政机关"
            )
            review = ReviewRightData(
                days=rule.duration,
                body=body,
                source=f"《{rule.source_document}》{rule.source_article}",
                word=word,
            )
        except RuleNotFound:
            review = None
    return DecisionData(
        title=TITLES[DecisionLevel(decision.level)],
        organ=decision.organ.name,
        number=decision.number,
        petitioner=complainant.name if complainant else "信访人",
        matter=case.title,
        received_on=_local(case.received_at),
        channel=PetitionChannel(petition.channel).label,
        accepted_on=_local(petition.accepted_at or case.received_at),
        request=decision.request,
        facts=decision.facts,
        outcome=DecisionOutcome(decision.outcome).label,
        reasons=decision.reasons,
        basis=list(decision.basis),
        review=review,
        decided_on=_local(decision.decided_at),
    )
