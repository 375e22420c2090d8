"""The monthly 通报's 信访工作 paragraph quotes the rule-22 routing figures — 转送 and 交办 on
the routing date (the petition provider), 督办 of the items received — each traced to its
indicator with the area, the period and the kind, defined under 数据说明, and read back from
the .docx. Without the petition provider the paragraph keeps 督办 only.

The data are the rule-22 tests' (`test_wired_petitions`): in March 2026 城关区 received P2
(交办 03-05, 督办) and 七里河区 W1 (转送 03-02, 督办); in February 城关区 P1 (转送 02-08)."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from docx import Document as DocxDocument

from fengqiao.reports import bulletin, exports, periods
from fengqiao.reports.facts import PROVIDERS
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.test_wired_petitions import _data

MARCH, FEBRUARY = periods.parse("2026-03"), periods.parse("2026-02")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture
def data(desk: Desk) -> dict[str, Any]:
    return _data(desk)


def paragraph(result: bulletin.BulletinResult) -> str:
    section = next(s for s in result.data.sections if s.heading == "信访工作")
    assert len(section.paragraphs) == 1
    return section.paragraphs[0]


def traced(result: bulletin.BulletinResult, indicator: str) -> list[dict[str, Any]]:
    return [t for t in result.traces if t.get("indicator") == indicator]


@pytest.mark.django_db
def test_the_city_paragraph_quotes_transfer_assign_and_supervision(
    desk: Desk, data: dict[str, Any]
) -> None:
    city = desk.t.city
    result = bulletin.build(city, MARCH, issued_on=date(2026, 4, 5))
    text = paragraph(result)
    assert text.startswith("本期受理信访事项2件，")
    assert text.endswith("转送有权处理机关1件，交办下级机关1件，督办2件。"), text
    for indicator, shown in (("routed_transfer", "1件"), ("routed_assign", "1件"),
                             ("supervised", "2件")):  # fmt: skip
        [trace] = traced(result, indicator)
        assert trace["text"] == shown and trace["kind"] == "value"
        assert trace["params"]["region"] == city.code
        assert trace["params"]["period"] == "2026-03"
        assert trace["params"]["kinds"] == ["petition"]
    definitions = next(s for s in result.data.sections if s.heading == "数据说明").paragraphs
    assert "转送：统计期内转送有权处理机关的信访事项数。" in definitions
    assert "交办：统计期内交办下级机关的信访事项数。" in definitions
    assert any(p.startswith("督办件：") for p in definitions)
    # every number of the paragraph is one of the traced texts
    quoted = {n for t in result.traces for n in NUMBER.findall(t["text"])}
    assert set(NUMBER.findall(text)) <= quoted


@pytest.mark.django_db
def test_the_county_figures_follow_the_routing_date(desk: Desk, data: dict[str, Any]) -> None:
    march = paragraph(bulletin.build(desk.t.county, MARCH))
    assert march.endswith("转送有权处理机关0件，交办下级机关1件，督办1件。"), march
    february = paragraph(bulletin.build(desk.t.county, FEBRUARY))
    assert february.startswith("本期受理信访事项1件，")
    assert february.endswith("转送有权处理机关1件，交办下级机关0件，督办0件。"), february


@pytest.mark.django_db
def test_the_docx_reads_back(desk: Desk, data: dict[str, Any]) -> None:
    result = bulletin.build(desk.t.city, MARCH, issued_on=date(2026, 4, 5))
    docx = exports.bulletin_file(result, "docx")
    document = DocxDocument(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "信访工作" in text
    line = next(p.text for p in document.paragraphs if p.text.startswith("本期受理信访事项"))
    assert line == paragraph(result)
    assert "转送有权处理机关1件，交办下级机关1件，督办2件。" in line
    assert "转送：统计期内转送有权处理机关的信访事项数。" in text


@pytest.mark.django_db
def test_without_the_petition_provider_only_supervision_is_quoted(
    desk: Desk, data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(PROVIDERS, "petition")
    result = bulletin.build(desk.t.city, MARCH)
    text = paragraph(result)
    assert "转送" not in text and "交办" not in text
    assert text.endswith("按期办结率" + traced(result, "on_time_rate")[-1]["text"] + "；督办2件。")
    assert not traced(result, "routed_transfer")
    definitions = next(s for s in result.data.sections if s.heading == "数据说明").paragraphs
    assert not any(p.startswith("转送：") for p in definitions)
