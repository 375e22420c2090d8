"""CSV and GeoJSON imports: all-or-nothing, one Chinese message per bad row, no traceback."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fengqiao.audit.models import AuditEntry
from fengqiao.core.pii import blind_index
from fengqiao.regions import geo
from fengqiao.regions.models import GridAssignment, GridType, GridWorker, Level, Region
from fengqiao.testing import Territory


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path: Path, kind: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = ["--file", str(path)] + (["--kind", kind] if kind else [])
    call_command("import_regions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rejected(path: Path, kind: str | None = None) -> tuple[str, str]:
    """Run an import that must fail; return the command error and the per-row messages."""
    err = io.StringIO()
    args = ["--file", str(path)] + (["--kind", kind] if kind else [])
    with pytest.raises(CommandError) as caught:
        call_command("import_regions", *args, stdout=io.StringIO(), stderr=err)
    return str(caught.value), err.getvalue()


def test_townships_and_villages_import(territory: Territory, tmp_path: Path) -> None:
    towns = write(tmp_path, "towns.csv", "代码,名称\n620102002000,张掖路街道\n620102101,青白石镇\n")
    out, _ = run(towns, "township")
    assert "乡镇（街道） 2" in out
    assert Region.objects.get(code="620102101000").parent == territory.county
    villages = write(
        tmp_path,
        "villages.csv",
        "code,name,urban_rural\n620102002001,中山林社区居委会,111\n620102101201,石门沟村村民委员会,220\n",
    )
    run(villages, "village")
    village = Region.objects.get(code="620102101201")
    assert village.urban_rural == "220" and village.level == Level.VILLAGE
    assert village.path.startswith(Region.objects.get(code="620102101000").path)
    assert AuditEntry.objects.filter(action="region.import").count() == 2


def test_bad_rows_are_all_reported_and_nothing_is_written(
    territory: Territory, tmp_path: Path
) -> None:
    text = (
        "code,name,urban_rural\n"
        "620102001002,好社区居委会,111\n"  # row 2: fine on its own
        "62010200100A,坏代码,\n"  # row 3: bad code
        "620102009001,无上级社区,\n"  # row 4: missing parent
        "620102001002,重复社区,\n"  # row 5: duplicate of row 2
        "620102001001,已有社区,\n"  # row 6: already in the database
        "620102001000,是乡镇,\n"  # row 7: level mismatch
        "620102001003,,\n"  # row 8: no name
        "620102001004,城乡码错,999\n"  # row 9: bad urban-rural code
    )
    error, messages = rejected(write(tmp_path, "v.csv", text), "village")
    assert "有 7 处错误，未导入任何数据" in error
    lines = messages.strip().splitlines()
    assert [line.split("：")[0] for line in lines] == [
        "第 3 行",
        "第 4 行",
        "第 5 行",
        "第 6 行",
        "第 7 行",
        "第 8 行",
        "第 9 行",
    ]
    assert "只能由数字组成" in lines[0]
    assert "上级区划“620102009000”不存在" in lines[1]
    assert "与第 2 行重复" in lines[2]
    assert "已存在（秦安路社区）" in lines[3]
    assert "乡镇（街道）代码" in lines[4]
    assert "名称为空" in lines[5]
    assert "城乡分类代码“999”无效" in lines[6]
    assert not Region.objects.filter(code="620102001002").exists()
    assert not AuditEntry.objects.exists()


def test_retired_parent_and_file_level_problems(territory: Territory, tmp_path: Path) -> None:
    Region.objects.filter(pk=territory.town.pk).update(retired_on="2026-01-01")
    _, messages = rejected(write(tmp_path, "v.csv", "code,name\n620102001009,甲社区\n"), "village")
    assert "已撤销" in messages
    error, _ = rejected(write(tmp_path, "x.csv", "code\n620102001009\n"), "village")
    assert "1 处错误" in error
    _, messages = rejected(write(tmp_path, "y.csv", "code\n620102001009\n"), "village")
    assert "缺少必需的列：name" in messages
    _, messages = rejected(write(tmp_path, "empty.csv", ""), "village")
    assert "文件为空" in messages
    _, messages = rejected(write(tmp_path, "header.csv", "code,name\n"), "village")
    assert "没有数据行" in messages
    _, messages = rejected(tmp_path / "missing.csv", "village")
    assert "找不到文件" in messages
    _, messages = rejected(write(tmp_path, "a.xlsx", "x"), "village")
    assert "只支持" in messages
    with pytest.raises(CommandError, match="--kind"):
        call_command("import_regions", "--file", str(write(tmp_path, "k.csv", "code,name\n")))


def test_gbk_csv_and_extra_columns(territory: Territory, tmp_path: Path) -> None:
    gbk = write(tmp_path, "gbk.csv", "代码,名称\n620102001005,新建社区居委会\n", "gbk")
    run(gbk, "village")
    assert Region.objects.filter(code="620102001005", name="新建社区居委会").exists()
    _, messages = rejected(
        write(tmp_path, "wide.csv", "code,name\n620102001006,甲,多余\n"), "village"
    )
    assert "第 2 行：列数多于表头" in messages


def grid_feature(code: str, name: str, geometry: Any, **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, **props},
        "geometry": geometry,
    }


def square(x0: float, y0: float) -> dict[str, Any]:
    ring = [[x0, y0], [x0 + 1, y0], [x0 + 1, y0 + 1], [x0, y0 + 1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_geojson_grids_with_boundaries(territory: Territory, tmp_path: Path) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            grid_feature(
                "620102001001003", "第三网格", square(0, 0), grid_type="基础网格", households=420
            ),
            grid_feature("620102001001004", "学校网格", square(1, 0), grid_type="专属网格"),
        ],
    }
    path = write(tmp_path, "grids.geojson", json.dumps(collection, ensure_ascii=False))
    run(path)  # .geojson defaults to --kind grid
    third = Region.objects.get(code="620102001001003")
    assert third.households == 420 and third.grid_type == GridType.BASIC
    assert Region.objects.get(code="620102001001004").grid_type == GridType.DEDICATED
    assert geo.locate(0.5, 0.5).grid == third


def test_geojson_errors_are_numbered_by_feature(territory: Territory, tmp_path: Path) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            grid_feature("620102001001005", "好网格", square(0, 0)),
            grid_feature("620102001001006", "点网格", {"type": "Point", "coordinates": [1, 1]}),
            grid_feature("620102001001007", "类型错", square(2, 2), grid_type="特殊"),
            grid_feature("620102001001008", "户数错", square(3, 3), households="很多"),
            "not a feature",
        ],
    }
    path = write(tmp_path, "bad.geojson", json.dumps(collection, ensure_ascii=False))
    _, messages = rejected(path, "grid")
    lines = messages.strip().splitlines()
    assert lines[0].startswith("第 2 个要素：") and "Polygon" in lines[0]
    assert "网格类型“特殊”无效" in lines[1]
    assert "户数“很多”不是非负整数" in lines[2]
    assert lines[3] == "第 5 个要素：要素格式错误。"
    assert not Region.objects.filter(code="620102001001005").exists()
    _, messages = rejected(write(tmp_path, "broken.geojson", "{not json"), "grid")
    assert "GeoJSON 解析失败" in messages
    _, messages = rejected(write(tmp_path, "list.geojson", "[]"), "grid")
    assert "FeatureCollection" in messages


def test_grid_csv_with_boundary_column(territory: Territory, tmp_path: Path) -> None:
    boundary = json.dumps(square(0, 0)).replace('"', '""')
    text = f'code,name,grid_type,boundary\n620102001001003,第三网格,basic,"{boundary}"\n'
    run(write(tmp_path, "g.csv", text), "grid")
    assert Region.objects.get(code="620102001001003").boundary == square(0, 0)
    text = 'code,name,boundary\n620102001001004,坏边界,"{oops"\n'
    _, messages = rejected(write(tmp_path, "g2.csv", text), "grid")
    assert "边界不是有效的 GeoJSON" in messages


WORKERS = (
    "网格员编号,姓名,手机号,服务网格,网格长,状态,专职\n"
    "620102001001001-01,张三,13812345678,620102001001001,是,在岗,是\n"
    "620102001001002-01,李四,0931-8123456,620102001001001;620102001001002,否,,否\n"
)


def test_grid_workers_import(territory: Territory, tmp_path: Path) -> None:
    out, _ = run(write(tmp_path, "w.csv", WORKERS), "grid_worker")
    assert "已导入网格员 2 名" in out
    zhang = GridWorker.objects.get(number="620102001001001-01")
    assert zhang.phone == "13812345678" and zhang.phone_index == blind_index("13812345678")
    assert GridAssignment.objects.get(worker=zhang).is_chief
    li = GridWorker.objects.get(number="620102001001002-01")
    assert not li.is_full_time and li.status == "active"
    assert sorted(li.grids.values_list("code", flat=True)) == [
        "620102001001001",
        "620102001001002",
    ]
    entry = AuditEntry.objects.get(action="grid_worker.import")
    assert "13812345678" not in json.dumps(entry.data)
    # the phone is encrypted at rest
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM regions_gridworker WHERE id = %s", [zhang.pk])
        (stored,) = cursor.fetchone()
    assert "13812345678" not in stored


def test_grid_worker_rows_are_checked(territory: Territory, tmp_path: Path) -> None:
    run(write(tmp_path, "w.csv", WORKERS), "grid_worker")
    text = (
        "number,name,phone,grid_codes,is_chief\n"
        "W-0001,王五,12345,620102001001001,否\n"  # 2: bad phone
        "620102001001001-01,赵六,13912345678,620102001001002,否\n"  # 3: number taken
        "W-0002,钱七,13912345679,620102001001001,是\n"  # 4: grid already has a chief
        "W-0003,孙八,13912345680,620102001001002,是\n"  # 5: fine, chief of A2
        "W-0004,周九,13912345681,620102001001002,是\n"  # 6: A2's chief already on row 5
        "W-0003,吴十,13912345682,620102001001002,否\n"  # 7: duplicate number
        "W-0005,郑一,13912345683,620102001001,否\n"  # 8: not a grid code
        "W-0006,冯二,13912345684,620102001001099,否\n"  # 9: grid does not exist
        "W-0007,,13912345685,,也许\n"  # 10: no name, no grid, bad flag
        "!!,陈三,13912345686,620103001001001,否\n"  # 11: bad number format
    )
    error, messages = rejected(write(tmp_path, "bad.csv", text), "grid_worker")
    assert "有 11 处错误" in error  # nine bad rows, row 10 with three problems
    by_row: dict[str, list[str]] = {}
    for line in messages.strip().splitlines():
        row, message = line.split("：", 1)
        by_row.setdefault(row, []).append(message)
    assert "电话号码“***45”格式不正确" in by_row["第 2 行"][0]
    assert "已存在" in by_row["第 3 行"][0]
    assert "已有网格长" in by_row["第 4 行"][0]
    assert "第 5 行" not in by_row
    assert "已在第 5 行指定" in by_row["第 6 行"][0]
    assert "与第 5 行重复" in by_row["第 7 行"][0]
    assert "不是网格代码" in by_row["第 8 行"][0]
    assert "不存在" in by_row["第 9 行"][0]
    assert len(by_row["第 10 行"]) == 3
    assert "4–24 位" in by_row["第 11 行"][0]
    assert GridWorker.objects.count() == 2


def test_unknown_actor_is_refused(territory: Territory, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_regions", "--actor", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="两位数字"):
        call_command("import_regions", "--province", "6", stdout=io.StringIO())
    with pytest.raises(CommandError, match="98"):
        call_command("import_regions", "--province", "98", stdout=io.StringIO())
