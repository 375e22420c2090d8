"""Reading files (fengqiao/regions/fileimport.py): headings, encodings, flags, row numbers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from fengqiao.accounts.models import Role
from fengqiao.audit.models import AuditEntry
from fengqiao.regions import fileimport
from fengqiao.regions.bulk import NodeSpec
from fengqiao.regions.fileimport import FileRejected, RowError
from fengqiao.regions.models import GridType, GridWorkerStatus, Level, Region
from fengqiao.testing import Territory, make_user


def test_chinese_and_english_headings_map_to_the_same_fields() -> None:
    rows = fileimport.read_csv("区划代码,名称,城乡分类代码\n620102001009,甲,111\n")
    assert rows == [(2, {"code": "620102001009", "name": "甲", "urban_rural": "111"})]
    rows = fileimport.read_csv("\ufeffCODE , Name\n1,2\n")
    assert rows == [(2, {"code": "1", "name": "2"})]


def test_row_numbers_follow_the_file_lines() -> None:
    rows = fileimport.read_csv("code,name\n\n620102001009,甲\n ,  \n620102001010,乙\n")
    assert [number for number, _ in rows] == [3, 5]


def test_short_rows_are_padded_with_nothing() -> None:
    rows = fileimport.read_csv("code,name,urban_rural\n620102001009,甲\n")
    assert rows == [(2, {"code": "620102001009", "name": "甲"})]


def test_quoted_fields_with_commas_and_newlines() -> None:
    rows = fileimport.read_csv('code,name\n620102001009,"甲,乙\n丙"\n')
    assert rows == [(2, {"code": "620102001009", "name": "甲,乙\n丙"})]


def test_decoding_utf8_bom_and_gbk() -> None:
    assert fileimport._decode("代码".encode("utf-8-sig")) == "代码"
    assert fileimport._decode("代码".encode("gbk")) == "代码"
    assert fileimport._decode("代码".encode("gb18030")) == "代码"


def test_geojson_rows_keep_geometry_and_stringify_properties() -> None:
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": 620102001001003, "名称": "第三网格", "户数": None},
                    "geometry": {"type": "Polygon", "coordinates": []},
                }
            ],
        }
    )
    ((number, row),) = fileimport.read_geojson(text)
    assert number == 1
    assert row == {
        "code": "620102001001003",
        "name": "第三网格",
        "households": "",
        "boundary": {"type": "Polygon", "coordinates": []},
    }
    assert fileimport.read_geojson('{"type": "FeatureCollection"}') == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("是", True), ("1", True), ("TRUE", True), ("y", True), (" 否 ", False), ("", False),
     ("no", False), ("也许", None), ("2", None)],
)  # fmt: skip
def test_flags(value: str, expected: bool | None) -> None:
    assert fileimport._flag(value) is expected


def test_grid_types_and_statuses_accept_both_languages() -> None:
    assert fileimport.GRID_TYPES["专属网格"] == fileimport.GRID_TYPES["dedicated"]
    assert fileimport.GRID_TYPES[""] == GridType.BASIC
    assert fileimport.STATUSES["请假"] == fileimport.STATUSES["leave"] == GridWorkerStatus.LEAVE
    assert fileimport.STATUSES[""] == GridWorkerStatus.ACTIVE


def test_code_lists_split_on_common_separators() -> None:
    assert fileimport._split_codes("1;2；3,4，5、6|7 8\t9") == list("123456789")
    assert fileimport._split_codes("") == []


def test_row_error_text() -> None:
    assert str(RowError(3, "代码为空。")) == "第 3 行：代码为空。"
    assert str(RowError(2, "格式错误。", "个要素")) == "第 2 个要素：格式错误。"
    assert str(RowError(0, "文件为空。")) == "文件为空。"
    rejected = FileRejected([RowError(0, "甲"), RowError(2, "乙")])
    assert str(rejected) == "甲\n第 2 行：乙"


def test_read_file_dispatches_on_suffix(tmp_path: Path) -> None:
    csv_path = tmp_path / "a.CSV"
    csv_path.write_text("code,name\n1,2\n", encoding="utf-8")
    assert fileimport.read_file(csv_path) == ([(2, {"code": "1", "name": "2"})], "行")
    geo_path = tmp_path / "a.json"
    geo_path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert fileimport.read_file(geo_path) == ([], "个要素")
    with pytest.raises(FileRejected, match="无法读取"):
        fileimport.read_file(tmp_path)  # a directory


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(FileRejected, match="编码无法识别"):
        fileimport._decode(b"\xff\xfe\xfa\x80\x81\xff")


def test_summarise_counts_levels() -> None:
    counts = fileimport.summarise(
        [
            NodeSpec("620102001009", "甲", Level.VILLAGE, "620102001000"),
            NodeSpec("620102001010", "乙", Level.VILLAGE, "620102001000"),
            NodeSpec("620102002000", "丙", Level.TOWNSHIP, "620102000000"),
        ]
    )
    assert counts == {Level.VILLAGE: 2, Level.TOWNSHIP: 1}


@pytest.mark.django_db
def test_nine_digit_township_codes_and_the_actor(territory: Territory, tmp_path: Path) -> None:
    admin = make_user("importer", Role.SYSTEM_ADMIN, territory.province)
    path = tmp_path / "t.csv"
    path.write_text("code,name\n620102100,青白石镇\n", encoding="utf-8")
    call_command(
        "import_regions", "--file", str(path), "--kind", "township", "--actor", "importer",
        stdout=io.StringIO(),
    )  # fmt: skip
    town = Region.objects.get(code="620102100000")
    assert town.level == Level.TOWNSHIP and town.source == fileimport.SOURCE_FILE
    entry = AuditEntry.objects.get(action="region.import")
    assert entry.actor_id == admin.pk
    assert entry.data["source"].startswith("t.csv sha256:")


@pytest.mark.django_db
def test_nine_digits_only_for_townships(territory: Territory) -> None:
    with pytest.raises(FileRejected) as caught:
        fileimport.check_regions("village", [(2, {"code": "620102001", "name": "甲"})])
    assert "12 位" in str(caught.value)
