"""The three templates as Document models: what they contain for each variant of their data,
checked on the model and on the rendered .docx."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from docx import Document as open_docx

from fengqiao.documents.kinds.bulletin import BulletinSection, bulletin
from fengqiao.documents.kinds.mediation import Copies, Party, mediation_agreement
from fengqiao.documents.kinds.petition import (
    OUTCOME_WORDING,
    PetitionOutcome,
    ReviewRight,
    petition_decision,
)
from fengqiao.documents.model import (
    CopiesNote,
    DataTable,
    Document,
    Heading,
    KeyValueTable,
    Paragraph,
    RedHeader,
    SignatureBlock,
)
from fengqiao.documents.tests import samples
from fengqiao.documents.to_docx import render_docx


def docx_text(doc: Document) -> str:
    opened = open_docx(io.BytesIO(render_docx(doc)))
    parts = [p.text for p in opened.paragraphs]
    for table in opened.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def blocks_of(doc: Document, kind: type) -> list:  # type: ignore[type-arg]
    return [block for block in doc.blocks if isinstance(block, kind)]


# ------------------------------------------------------------------ 人民调解协议书


def test_agreement_structure() -> None:
    doc = mediation_agreement(samples.agreement_data())
    assert doc.title == "人民调解协议书" and doc.number == "编号：（2026）酒人调字第12号"
    assert doc.red_header is None and doc.imprint is None
    parties = blocks_of(doc, KeyValueTable)
    assert [table.caption for table in parties] == ["当事人", "当事人"]
    labels = [item.label for item in parties[0].items]
    assert labels == ["姓名", "性别", "民族", "年龄", "职业或职务", "联系方式", "单位或住址"]
    [copies] = blocks_of(doc, CopiesNote)
    assert copies.count == 3
    [signature] = blocks_of(doc, SignatureBlock)
    assert [place.label for place in signature.places] == [
        "当事人（签名盖章或按指印）",
        "当事人（签名盖章或按指印）",
        "人民调解员（签名）",
        "记录人（签名）",
    ]
    assert signature.seal == "酒泉路街道人民调解委员会（印）"
    # the signature block closes the document, after the copies note
    assert doc.blocks[-1] is signature and doc.blocks.index(copies) < doc.blocks.index(signature)


def test_agreement_with_three_parties_needs_four_copies() -> None:
    third = Party("王某某", role="第三人", address="兰州市城关区")
    data = replace(samples.agreement_data(), parties=[*samples.agreement_data().parties, third])
    with pytest.raises(ValueError, match="4 份"):
        mediation_agreement(data)
    doc = mediation_agreement(replace(data, copies=Copies(4)))
    text = docx_text(doc)
    assert "本协议一式四份" in text and "第三人（签名盖章或按指印）" in text and "王某某" in text


def test_agreement_for_an_organisation_and_several_mediators() -> None:
    company = Party(
        "兰州某某物业服务有限公司",
        role="被申请人",
        representative="刘某（法定代表人）",
        address="兰州市城关区某路1号",
    )
    data = replace(
        samples.agreement_data(),
        parties=[samples.agreement_data().parties[0], company],
        mediators=("王调解", "陈调解"),
        with_recorder=False,
    )
    doc = mediation_agreement(data)
    labels = [item.label for item in blocks_of(doc, KeyValueTable)[1].items]
    assert labels[0] == "名称" and "代表人或代理人" in labels
    [signature] = blocks_of(doc, SignatureBlock)
    assert [p.label for p in signature.places].count("人民调解员（签名）") == 2
    assert "记录人（签名）" not in [p.label for p in signature.places]
    assert "被申请人（签名盖章或按指印）" in docx_text(doc)


def test_agreement_prints_an_id_number_only_when_given() -> None:
    data = samples.agreement_data()
    with_id = replace(data.parties[0], id_number="620102********1234")
    doc = mediation_agreement(replace(data, parties=[with_id, data.parties[1]]))
    assert "620102********1234" in docx_text(doc)
    assert "身份证件号码" not in docx_text(mediation_agreement(data))


def test_agreement_needs_two_parties_and_terms() -> None:
    data = samples.agreement_data()
    with pytest.raises(ValueError, match="两方"):
        mediation_agreement(replace(data, parties=data.parties[:1]))
    with pytest.raises(ValueError, match="协议内容"):
        mediation_agreement(replace(data, terms=()))


def test_agreement_deadline_may_be_text() -> None:
    doc = mediation_agreement(
        replace(samples.agreement_data(), performance_deadline="协议签订当日")
    )
    assert "协议签订当日前履行完毕" in docx_text(doc)


# ------------------------------------------------------------------ 信访事项处理意见书


@pytest.mark.parametrize("outcome", list(PetitionOutcome))
def test_decision_wording_per_outcome(outcome: PetitionOutcome) -> None:
    doc = petition_decision(samples.decision_data(outcome))
    text = docx_text(doc)
    assert f"处理意见：{outcome.value}。{OUTCOME_WORDING[outcome]}" in text
    others = [wording for key, wording in OUTCOME_WORDING.items() if key != outcome]
    assert not any(wording in text for wording in others)


def test_decision_structure() -> None:
    doc = petition_decision(samples.decision_data())
    assert doc.title == "兰州市城关区住房和城乡建设局\n信访事项处理意见书"
    assert doc.recipient == "赵信访：" and doc.number == "城建信处〔2026〕15号"
    assert [h.text for h in blocks_of(doc, Heading)] == [
        "一、信访请求",
        "二、调查核实的事实",
        "三、处理意见及依据",
    ]
    first = blocks_of(doc, Paragraph)[0].text
    assert "2026年1月5日通过网上信访提出的反映小区电梯长期停运信访事项" in first
    assert "2026年1月8日依法受理" in first
    [signature] = blocks_of(doc, SignatureBlock)
    assert signature.seal == "兰州市城关区住房和城乡建设局" and signature.places == ()


def test_decision_without_basis_and_with_a_bad_window() -> None:
    doc = petition_decision(replace(samples.decision_data(), basis=()))
    assert not any(p.lead == "依据：" for p in blocks_of(doc, Paragraph))
    with pytest.raises(ValueError):
        petition_decision(replace(samples.decision_data(), review=ReviewRight(0, "某", "某")))


# ------------------------------------------------------------------ 通报


def test_bulletin_structure() -> None:
    doc = bulletin(samples.bulletin_data())
    assert doc.red_header == RedHeader("兰州市平安建设领导小组办公室", "兰平安办〔2026〕7号")
    assert doc.recipient == "各县（区）平安建设领导小组办公室，市直有关单位："
    assert len(blocks_of(doc, DataTable)) == 1
    assert doc.imprint is not None and doc.imprint.cc == "市委政法委"
    assert doc.imprint.printer == "兰州市平安建设领导小组办公室"
    assert doc.imprint.printed_on == samples.bulletin_data().issued_on


def test_bulletin_without_cc_and_with_deep_sections() -> None:
    deep = BulletinSection(
        "工作开展情况",
        subsections=[
            BulletinSection("排查", paragraphs=["甲"]),
            BulletinSection("化解", paragraphs=["乙"]),
        ],
    )
    data = replace(samples.bulletin_data(), sections=[deep], cc="", closing=["特此通报。"])
    doc = bulletin(data)
    assert [h.text for h in blocks_of(doc, Heading)] == [
        "一、工作开展情况",
        "（一）排查",
        "（二）化解",
    ]
    text = docx_text(doc)
    assert "抄送" not in text and "特此通报。" in text and "2026年4月3日印发" in text
