"""信访事项处理意见书 (written decision on a petition), domain-rules rules 19–21.

信访工作条例 第三十二条: the decision states the petitioner's request, the facts and reasons,
the decision and its legal basis; the outcome is 支持, 解释说明 or 不予支持. 第三十五条: the
petitioner may ask the next level up for 复查 within a number of days of receiving it; that
number and its source come from the caller's data (rule 20), never from this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fengqiao.documents.model import Block, Document, Heading, Paragraph, SignatureBlock
from fengqiao.documents.text import format_date


class PetitionOutcome(StrEnum):
    SUPPORT = "支持"
    EXPLAIN = "解释说明"
    REJECT = "不予支持"


# 信访工作条例 第三十二条, in the words a decision uses for each outcome.
OUTCOME_WORDING: dict[PetitionOutcome, str] = {
    PetitionOutcome.SUPPORT: (
        "你反映的问题事实清楚，请求符合法律、法规、规章或者其他有关规定，本机关予以支持。"
    ),
    PetitionOutcome.EXPLAIN: (
        "你的请求事出有因，但无法律、法规、规章或者其他有关规定支持，本机关向你作出解释说明。"
    ),
    PetitionOutcome.REJECT: (
        "你的请求缺乏事实根据或者不符合法律、法规、规章或者其他有关规定，本机关不予支持。"
    ),
}


@dataclass(frozen=True)
class ReviewRight:
    """The 复查 window: days and reviewing body, with the rule they come from."""

    days: int
    body: str
    source: str  # e.g. "《信访工作条例》第三十五条"


@dataclass(frozen=True)
class PetitionDecisionData:
    """Everything the decision prints; plain values, no model instances."""

    organ: str  # 处理机关
    number: str  # 文号
    petitioner: str  # 信访人 (称谓)
    matter: str  # 信访事项 in a few words
    received_on: date
    channel: str  # 网上信访 / 来信 / 来访 / 电话 / 传真
    accepted_on: date
    request: str  # 信访请求
    facts: str  # 调查核实的事实
    outcome: PetitionOutcome
    reasons: str  # 理由
    basis: Sequence[str]  # 法律、法规、政策依据
    review: ReviewRight
    decided_on: date


def petition_decision(data: PetitionDecisionData) -> Document:
    """The 信访事项处理意见书 for `data`."""
    if data.review.days < 1:
        raise ValueError("复查期限须为正数。")
    basis = "；".join(item.rstrip("。；;") for item in data.basis)
    blocks: list[Block] = [
        Paragraph(
            f"你于{format_date(data.received_on)}通过{data.channel}提出的{data.matter}信访事项，"
            f"本机关已于{format_date(data.accepted_on)}依法受理。经调查核实，现将处理意见告知如下："
        ),
        Heading("一、信访请求", 1),
        Paragraph(data.request),
        Heading("二、调查核实的事实", 1),
        Paragraph(data.facts),
        Heading("三、处理意见及依据", 1),
        Paragraph(f"{data.outcome.value}。{OUTCOME_WORDING[data.outcome]}", lead="处理意见："),
        Paragraph(data.reasons, lead="理由："),
    ]
    if basis:
        blocks.append(Paragraph(f"{basis}。", lead="依据："))
    blocks += [
        Paragraph(
            f"根据{data.review.source}的规定，如你对本处理意见不服，可以自收到本意见书之日起"
            f"{data.review.days}日内，向{data.review.body}书面提出复查请求。"
        ),
        SignatureBlock(seal=data.organ, signed_on=data.decided_on),
    ]
    return Document(
        title=f"{data.organ}\n信访事项处理意见书",
        number=data.number,
        recipient=f"{data.petitioner}：",
        blocks=blocks,
        subject="信访事项处理意见书",
    )
