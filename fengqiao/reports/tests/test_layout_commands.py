"""File layout (wide tables on landscape A4, one sheet per table, the bulletin in the
official-document frame), the pack download edge cases, and the bench command's arguments."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from docx import Document as DocxDocument
from docx.shared import Mm
from openpyxl import load_workbook

from fengqiao.accounts.models import Role, User
from fengqiao.reports import bulletin, exports, packs, periods, tables
from fengqiao.reports.definitions import REPORTS, TABLES
from fengqiao.reports.models import ReportPack, ReportSchedule
from fengqiao.reports.tests.desk import Desk, at
from fengqiao.testing import make_user

MARCH = periods.parse("2026-03")


def _some_orders(desk: Desk) -> None:
    for day, unit in (("2026-03-02", desk.env), ("2026-03-03", desk.housing)):
        case = desk.register(at(day))
        desk.finish_hotline(
            case, dispatched=at(day, "11:00"), signed=at(day, "12:00"), replied=at(day, "16:00"),
            unit=unit,
        )  # fmt: skip
    desk.sync()


@pytest.mark.django_db
def test_wide_tables_are_printed_landscape(desk: Desk) -> None:
    _some_orders(desk)
    wide = tables.build_for(TABLES["hotline_units"], desk.t.county, MARCH)
    narrow = tables.build_for(TABLES["petition_channels"], desk.t.county, MARCH)
    assert len(wide.to_datatable().leaves) > exports.WIDE >= len(narrow.to_datatable().leaves)
    for result, landscape in ((wide, True), (narrow, False)):
        file = exports.tables_file([result], "docx", "表")
        section = DocxDocument(io.BytesIO(file.content)).sections[0]
        assert section.page_width is not None and section.page_height is not None
        assert (section.page_width > section.page_height) is landscape
        expected = Mm(297) if landscape else Mm(210)
        assert abs(section.page_width - expected) < Mm(1)


@pytest.mark.django_db
def test_a_report_set_is_one_workbook_with_a_sheet_per_table(desk: Desk) -> None:
    _some_orders(desk)
    name, ids = REPORTS["hotline"]
    results = [tables.build_for(TABLES[i], desk.t.county, MARCH) for i in ids]
    file = exports.tables_file(results, "xlsx", f"城关区{name}")
    assert file.filename == "城关区12345热线“三率”通报表.xlsx"
    workbook = load_workbook(io.BytesIO(file.content))
    assert workbook.sheetnames == [TABLES[i].title[:28] for i in ids]
    units = workbook[TABLES["hotline_units"].title[:28]]
    rows = [list(r) for r in units.iter_rows(values_only=True)]
    by_unit = {r[0]: r for r in rows if r[0] in ("城关区生态环境分局", "城关区住建局")}
    assert by_unit["城关区生态环境分局"][1] == 1 and by_unit["城关区住建局"][1] == 1
    total = next(r for r in rows if r[0] == "全地区合计（含未派单事项）")
    assert total[1] == 2
    notes = [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("数据来源")]
    assert notes and "第三十二条" in notes[0]


@pytest.mark.django_db
def test_the_bulletin_document_is_an_official_one(desk: Desk) -> None:
    _some_orders(desk)
    result = bulletin.build(desk.t.county, MARCH, issuer="城关区综治中心")
    document = DocxDocument(io.BytesIO(exports.bulletin_file(result, "docx").content))
    section = document.sections[0]
    assert section.page_width is not None and abs(section.page_width - Mm(210)) < Mm(1)
    assert section.top_margin is not None and abs(section.top_margin - Mm(37)) < Mm(1)
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    title = texts.index(result.data.title)
    assert any("各乡镇（街道）" in t for t in texts[title:])  # the addressees follow the title
    assert any("城关区综治中心" in t for t in texts)
    assert any("全区共受理各类事项2件" in t for t in texts)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "酒泉路街道" in cells  # the children's table is attached


@pytest.mark.django_db
def test_pack_files_that_are_gone_answer_404(desk: Desk, county_leader: User) -> None:
    schedule = ReportSchedule.objects.create(
        region=desk.t.county, cadence="monthly", audience_roles=["leader"]
    )
    desk.sweep(at("2026-04-01", "02:00"))
    pack = ReportPack.objects.get(schedule=schedule)
    client = Client()
    client.force_login(county_leader)
    packs.file_path(pack.files[1]).unlink()
    assert client.get(f"/api/v1/reports/packs/{pack.pk}/files/1").status_code == 404
    assert client.get(f"/api/v1/reports/packs/{pack.pk}/files/0").status_code == 200
    detail = client.get(f"/api/v1/reports/packs/{pack.pk}").json()
    assert detail["cadence"] == "monthly" and detail["region"]["name"] == "城关区"
    assert [f["name"].rsplit(".", 1)[1] for f in detail["files"]] == ["docx", "pdf", "xlsx", "json"]
    assert str(schedule) == "城关区月报" and str(pack) == "城关区 2026年3月"


@pytest.mark.django_db
def test_a_leader_above_sees_packs_of_areas_below(desk: Desk) -> None:
    schedule = ReportSchedule.objects.create(
        region=desk.t.town, cadence="monthly", audience_roles=["leader"]
    )
    desk.sweep(at("2026-04-01", "02:00"))
    city_leader = make_user("city_leader", Role.LEADER, desk.t.city, can_act=False)
    client = Client()
    client.force_login(city_leader)
    listed = client.get("/api/v1/reports/packs").json()
    assert [p["region"]["name"] for p in listed["items"]] == ["酒泉路街道"]
    assert ReportPack.objects.get(schedule=schedule).period == "2026-03"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cases", "0"], "必须为正整数"),
        (["--cases", "10", "--years", "0"], "必须为正整数"),
        (["--cases", "10", "--end", "2026-13-01"], "YYYY-MM-DD"),
    ],
)
def test_bench_generate_refuses_bad_arguments(args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("bench", "generate", *args)
    assert message in str(caught.value)


@pytest.mark.django_db
def test_a_pack_made_meanwhile_by_another_run_is_not_made_twice(desk: Desk) -> None:
    from fengqiao.reports.actions import do_generate_pack

    schedule = ReportSchedule.objects.create(
        region=desk.t.county, cadence="monthly", audience_roles=["leader"]
    )
    first = do_generate_pack(schedule, MARCH)
    assert first is not None and len(first.files) == 4
    stored_before = sorted(p.name for p in packs.pack_dir().iterdir())
    assert do_generate_pack(schedule, MARCH) is None  # the unique period refuses the second
    assert sorted(p.name for p in packs.pack_dir().iterdir()) == stored_before  # files removed
    assert ReportPack.objects.filter(schedule=schedule).count() == 1
