"""The 信访处理意见书 and the 复查、复核意见书 (第三十二、三十五、三十六条) read back from the
rendered .docx (python-docx) and .pdf (pypdf): the request, facts, reasons, outcome and basis in
Chinese; the petitioner's next right with its number of days taken from the clock rule and the
body one level up; a 复核意见 closes the matter instead."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.documents.kinds.petition import PetitionOutcome
from fengqiao.documents.render import render_docx, render_pdf
from fengqiao.petitions import actions as p
from fengqiao.petitions.documents import decision_data, decision_document
from fengqiao.petitions.models import Decision
from fengqiao.petitions.tests.conftest import Organs
from fengqiao.petitions.tests.helpers import accept, decision, register, route
from fengqiao.procedures.testing import at, travel
from fengqiao.testing import Territory


def docx_text(data: bytes) -> str:
    doc = open_docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return re.sub(r"\s+", "", "".join(parts))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def texts(decision_row: Decision) -> list[str]:
    document = decision_document(decision_row)
    return [docx_text(render_docx(document)), pdf_text(render_pdf(document))]


def _decided(
    territory: Territory, organs: Organs, clerk: User, officer: User, outcome: str
) -> Case:
    case = register(territory.village, at("2026-06-01", 10), channel="letter")
    case = route(case, clerk, organs.housing, at("2026-06-02", 10))
    case = accept(case, officer, at("2026-06-03", 10))
    with travel(at("2026-06-20", 10)):
        return p.do_decide(case, actor=officer, draft=decision(outcome))


@pytest.mark.parametrize(
    ("outcome", "label"), [("support", "支持"), ("explain", "解释说明"), ("reject", "不予支持")]
)
def test_handling_opinion_prints_every_part(
    territory: Territory,
    organs: Organs,
    clerk: User,
    housing_officer: User,
    outcome: str,
    label: str,
) -> None:
    case = _decided(territory, organs, clerk, housing_officer, outcome)
    row = Decision.objects.get(case=case)
    data = decision_data(row)
    assert data.petitioner == "赵四" and data.channel == "书信"
    assert data.outcome == PetitionOutcome(label)
    assert data.review.days == 30 and data.review.source == "《信访工作条例》第三十五条"
    assert str(data.accepted_on) == "2026-06-03" and str(data.received_on) == "2026-06-01"
    for text in texts(row):
        for expected in (
            "城关区住房和城乡建设局",
            "信访事项处理意见书",
            re.sub(r"\s+", "", row.number),
            "赵四：",
            "2026年6月1日",
            "2026年6月3日",
            "一、信访请求",
            "请求发放加装电梯财政补贴",
            "二、调查核实的事实",
            "补贴申请材料缺少业主同意书",
            "三、处理意见及依据",
            f"处理意见：{label}",
            "理由：补齐材料后可按程序发放",
            "依据：兰州市既有住宅加装电梯实施办法第十二条",
            "《信访工作条例》第三十五条",
            "30日内",
            "复查请求",
        ):
            assert expected in text, expected


def test_the_reviewing_body_is_the_organ_one_level_up(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    organs.housing.parent = organs.city_housing
    organs.housing.save(update_fields=["parent"])
    case = _decided(territory, organs, clerk, housing_officer, "explain")
    row = Decision.objects.get(case=case)
    assert decision_data(row).review.body == organs.city_housing.name
    for text in texts(row):
        assert f"向{organs.city_housing.name}书面提出复查请求" in text


def test_without_a_parent_the_body_is_described(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = _decided(territory, organs, clerk, housing_officer, "explain")
    assert decision_data(Decision.objects.get(case=case)).review.body == "本机关的上一级行政机关"


def test_review_and_recheck_opinions(
    territory: Territory,
    organs: Organs,
    clerk: User,
    housing_officer: User,
    city_clerk: User,
    city_officer: User,
    province_clerk: User,
    province_officer: User,
) -> None:
    case = _decided(territory, organs, clerk, housing_officer, "reject")
    with travel(at("2026-06-25", 10)):
        case = p.do_request_review(
            case, actor=city_clerk, level="review", reviewing_unit=organs.city_housing, reason="x"
        )
        case = p.do_review_decide(
            case, actor=city_officer, level="review", draft=decision("reject")
        )
        case = p.do_request_review(
            case,
            actor=province_clerk,
            level="recheck",
            reviewing_unit=organs.province_housing,
            reason="y",
        )
        case = p.do_review_decide(
            case, actor=province_officer, level="recheck", draft=decision("reject")
        )
    review, recheck = Decision.objects.filter(case=case, level__in=["review", "recheck"]).order_by(
        "decided_at", "pk"
    )
    assert review.number.startswith(f"{organs.city_housing.name}复查意见书〔2026〕")
    assert recheck.number.startswith(f"{organs.province_housing.name}复核意见书〔2026〕")
    for text in texts(review):
        assert "信访事项复查意见书" in text and organs.city_housing.name in text
        assert "本复查意见" in text and "复核请求" in text
        assert "《信访工作条例》第三十六条" in text and "30日内" in text
    for text in texts(recheck):
        assert "信访事项复核意见书" in text and organs.province_housing.name in text
        assert "不再受理" in text and "《信访工作条例》第三十六条" in text
        assert "复查请求" not in text and "复核请求" not in text


def test_document_numbers_run_per_organ_and_year(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    first = _decided(territory, organs, clerk, housing_officer, "explain")
    second = register(
        territory.village, at("2026-06-01", 11), channel="phone", phone="13700000009", id_number=""
    )
    second = route(second, clerk, organs.housing, at("2026-06-02", 11))
    second = accept(second, housing_officer, at("2026-06-03", 11))
    with travel(at("2026-06-21", 10)):
        p.do_decide(second, actor=housing_officer, draft=decision("support"))
    numbers = [Decision.objects.get(case=c).number for c in (first, second)]
    assert numbers == [
        f"{organs.housing.name}信访处理意见书〔2026〕1号",
        f"{organs.housing.name}信访处理意见书〔2026〕2号",
    ]


def test_decision_texts_are_encrypted_at_rest(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    from django.db import connection

    case = _decided(territory, organs, clerk, housing_officer, "explain")
    row = Decision.objects.get(case=case)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT request, facts, reasons FROM petitions_decision WHERE id = %s", [row.pk]
        )
        stored = cursor.fetchone()
    assert stored is not None
    assert all("补贴" not in str(value) for value in stored)
    assert row.request == "请求发放加装电梯财政补贴"
