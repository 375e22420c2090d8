"""The 信访处理意见书 (and the 复查、复核意见书) as `fengqiao.documents` documents (第三十二条:
request, facts and reasons, outcome and basis). The petitioner's next step — 复查 after a
handling opinion, 复核 after a review opinion — prints its number of days from the clock rule
(第三十五、三十六条), never written here; a 复核意见 ends with the finality of 第三十六条."""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from fengqiao.cases.models import PartyRole
from fengqiao.documents.kinds.petition import (
    PetitionDecisionData,
    PetitionOutcome,
    ReviewRight,
    petition_decision,
)
from fengqiao.documents.model import Document, Paragraph
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
    DecisionLevel.HANDLING: "petition.review_request",
    DecisionLevel.REVIEW: "petition.recheck_request",
}
TITLES = {
    DecisionLevel.HANDLING: "信访事项处理意见书",
    DecisionLevel.REVIEW: "信访事项复查意见书",
    DecisionLevel.RECHECK: "信访事项复核意见书",
}
OUTCOMES = {
    DecisionOutcome.SUPPORT: PetitionOutcome.SUPPORT,
    DecisionOutcome.EXPLAIN: PetitionOutcome.EXPLAIN,
    DecisionOutcome.REJECT: PetitionOutcome.REJECT,
}
FINAL = (
    "本意见为复核意见。信访人对复核意见不服，仍以同一事实和理由提出信访事项的，"
    "不再受理（{source}）。"
)


def _body(decision: Decision) -> str:
    organ = decision.organ
    return organ.parent.name if organ.parent else "本机关的上一级行政机关"


def _right(decision: Decision) -> ReviewRight:
    level = DecisionLevel(decision.level)
    on = timezone.localtime(decision.decided_at).date()
    code = NEXT_STEP.get(level, "petition.recheck_request")
    try:
        rule = resolve_rule(code, region=decision.case.region, on=on)
    except RuleNotFound:
        return ReviewRight(days=1, body=_body(decision), source="《信访工作条例》")
    return ReviewRight(
        days=rule.duration,
        body=_body(decision),
        source=f"《{rule.source_document}》{rule.source_article}",
    )


def decision_data(decision: Decision) -> PetitionDecisionData:
    case = decision.case
    petition = Petition.objects.get(case=case)
    complainant = case.parties.filter(role=PartyRole.COMPLAINANT).order_by("pk").first()
    accepted = petition.accepted_at or case.received_at
    return PetitionDecisionData(
        organ=decision.organ.name,
        number=decision.number,
        petitioner=complainant.name if complainant else "信访人",
        matter=case.title,
        received_on=timezone.localtime(case.received_at).date(),
        channel=PetitionChannel(petition.channel).label,
        accepted_on=timezone.localtime(accepted).date(),
        request=decision.request,
        facts=decision.facts,
        outcome=OUTCOMES[DecisionOutcome(decision.outcome)],
        reasons=decision.reasons,
        basis=tuple(decision.basis),
        review=_right(decision),
        decided_on=timezone.localtime(decision.decided_at).date(),
    )


def decision_document(decision: Decision) -> Document:
    """The opinion as a document; a 复查 or 复核 opinion gets its own title, and a 复核
    opinion states that the matter is closed instead of a further right."""
    level = DecisionLevel(decision.level)
    document = petition_decision(decision_data(decision))
    document = replace(document, title=f"{decision.organ.name}\n{TITLES[level]}")
    if level == DecisionLevel.HANDLING:
        return document
    blocks = []
    for block in document.blocks:
        if isinstance(block, Paragraph) and block.text.startswith("根据"):
            if level == DecisionLevel.RECHECK:
                block = Paragraph(FINAL.format(source="《信访工作条例》第三十六条"))
            else:
                text = block.text.replace("本处理意见", "本复查意见").replace(
                    "复查请求", "复核请求"
                )
                block = replace(block, text=text)
        blocks.append(block)
    return replace(document, blocks=blocks)
