"""人民调解协议书 (people's mediation agreement), domain-rules rule 25.

Contents follow 人民调解法 第二十九条 (parties; main facts, disputed points and each party's
responsibility; the agreed terms and how and by when they are performed; signatures or
fingerprints of the parties, the mediator's signature and the committee seal; one copy per
party and one kept by the committee) and 人民调解工作若干规定 第三十五条 (also the place of
performance). The layout follows the 司法部 sample form as it is described publicly (see
docs/documents.md): title, 编号 at the right, a bordered block per party, then 纠纷主要事实、
争议事项, 经调解自愿达成如下协议, 履行方式、时限, the copies note, the signature places and the
committee seal over the date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from fengqiao.documents.model import (
    Block,
    CopiesNote,
    Document,
    KeyValue,
    KeyValueTable,
    Paragraph,
    SignatureBlock,
    SignaturePlace,
)
from fengqiao.documents.text import chinese_count, format_date


@dataclass(frozen=True)
class Party:
    """A party as printed on the agreement. The caller decides what is shown in full (the
    signing copy) and what is masked (copies shown on screen)."""

    name: str
    role: str = "当事人"
    gender: str = ""
    ethnicity: str = ""
    age: str = ""
    occupation: str = ""  # 职业或职务
    contact: str = ""  # 联系方式
    address: str = ""  # 单位或住址
    id_number: str = ""  # 身份证件号码 (optional)
    representative: str = ""  # 法定代表人 / 委托代理人, for organisations


@dataclass(frozen=True)
class Copies:
    """份数 with its rule: one per party and one kept by the committee."""

    count: int
    source: str = "人民调解法 第二十九条（domain-rules 规则25）"


@dataclass(frozen=True)
class MediationAgreementData:
    """Everything the agreement prints; plain values, no model instances."""

    number: str  # 编号, e.g. "（2026）酒人调字第12号"
    committee: str  # e.g. "酒泉路街道人民调解委员会"
    parties: Sequence[Party]
    facts: str  # 纠纷主要事实
    disputed_points: str  # 争议事项
    responsibility: str  # 各方当事人的责任
    terms: Sequence[str]  # 达成的协议内容, one item each
    performance_manner: str  # 履行方式
    performance_deadline: date | str  # 履行期限
    copies: Copies
    signed_on: date
    performance_place: str = ""  # 履行地点
    mediators: Sequence[str] = field(default_factory=lambda: ("",))
    with_recorder: bool = True


def _party_table(party: Party) -> KeyValueTable:
    items = [
        KeyValue("姓名" if not party.representative else "名称", party.name),
        KeyValue("性别", party.gender),
        KeyValue("民族", party.ethnicity),
        KeyValue("年龄", party.age),
        KeyValue("职业或职务", party.occupation),
        KeyValue("联系方式", party.contact),
    ]
    if party.representative:
        items.append(KeyValue("代表人或代理人", party.representative, span=2))
    if party.id_number:
        items.append(KeyValue("身份证件号码", party.id_number, span=2))
    items.append(KeyValue("单位或住址", party.address, span=2))
    return KeyValueTable(items=items, per_row=2, caption=party.role)


def mediation_agreement(data: MediationAgreementData) -> Document:
    """The 人民调解协议书 for `data`."""
    if len(data.parties) < 2:
        raise ValueError("调解协议书至少需要两方当事人。")
    if not data.terms:
        raise ValueError("调解协议书须载明协议内容。")
    if data.copies.count < len(data.parties) + 1:
        raise ValueError(
            f"调解协议书份数（{data.copies.count}）少于当事人各执一份、调解委员会留存一份"
            f"所需的 {len(data.parties) + 1} 份（{data.copies.source}）。"
        )
    blocks: list[Block] = [_party_table(party) for party in data.parties]
    blocks += [
        Paragraph("", lead="纠纷主要事实、争议事项：", indent=False),
        Paragraph(data.facts),
        Paragraph(data.disputed_points, lead="争议事项："),
        Paragraph(data.responsibility, lead="各方责任："),
        Paragraph("", lead="经调解，自愿达成如下协议：", indent=False),
    ]
    blocks += [
        Paragraph(f"{chinese_count(number)}、{term}") for number, term in enumerate(data.terms, 1)
    ]
    deadline = data.performance_deadline
    blocks += [
        Paragraph("", lead="履行方式、时限：", indent=False),
        Paragraph(data.performance_manner, lead="履行方式："),
    ]
    if data.performance_place:
        blocks.append(Paragraph(data.performance_place, lead="履行地点："))
    blocks += [
        Paragraph(
            f"{format_date(deadline) if isinstance(deadline, date) else deadline}前履行完毕。",
            lead="履行期限：",
        ),
        Paragraph(
            "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起"
            "生效。人民调解委员会对协议的履行情况进行监督。"
        ),
        CopiesNote(
            count=data.copies.count,
            noun="协议",
            holders="当事人各执一份，人民调解委员会留存一份",
        ),
    ]
    places = [SignaturePlace(f"{party.role}（签名盖章或按指印）") for party in data.parties]
    places += [SignaturePlace("人民调解员（签名）") for _ in data.mediators or ("",)]
    if data.with_recorder:
        places.append(SignaturePlace("记录人（签名）"))
    blocks.append(
        SignatureBlock(places=places, seal=f"{data.committee}（印）", signed_on=data.signed_on)
    )
    return Document(
        title="人民调解协议书",
        number=f"编号：{data.number}",
        blocks=blocks,
        subject=f"{data.committee} 人民调解协议书",
    )
