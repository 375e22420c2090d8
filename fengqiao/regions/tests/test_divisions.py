"""The real division import: MCA levels 1–4 joined with the vendored NBS 2023 villages."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from django.core.management import call_command

from fengqiao.audit.models import AuditEntry
from fengqiao.regions import codes, divisions
from fengqiao.regions.bulk import NodeSpec, bulk_build
from fengqiao.regions.divisions import SOURCE_MCA, SOURCE_NBS
from fengqiao.regions.models import Level, Region

# Gansu after the import, per level: (from MCA, NBS-only statistical units).
GANSU = {
    Level.PROVINCE: (1, 0),
    Level.CITY: (14, 0),
    Level.COUNTY: (86, 2),  # + 兰州新区 620171 and the 嘉峪关 placeholder 620201
    Level.TOWNSHIP: (1356, 48),  # + 开发区, 农场 and townships gone since 2023
    Level.VILLAGE: (0, 17718),
}


def run_import(*args: str) -> str:
    out = io.StringIO()
    call_command("import_regions", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_gansu_import_counts_codes_paths_and_idempotence() -> None:
    # given an empty territory, when the real data is imported
    output = run_import()

    # then the counts per level are exact
    for level, (mca, nbs) in GANSU.items():
        rows = Region.objects.filter(level=level)
        assert rows.filter(source=SOURCE_MCA).count() == mca, level
        assert rows.filter(source=SOURCE_NBS).count() == nbs, level
    assert Region.objects.count() == 1 + 14 + 88 + 1404 + 17718

    # every code validates, with its level and its parent's prefix (rule 1)
    regions = list(Region.objects.values_list("pk", "code", "name", "level", "parent_id", "path"))
    by_pk = {row[0]: row for row in regions}
    for pk, code, name, row_level, parent_id, path in regions:
        parent = by_pk[parent_id] if parent_id else None
        issues = codes.validate_code(
            code, level=row_level, parent=parent[1] if parent else None, name=name
        )
        assert not codes.errors(issues), (code, issues)
        assert codes.parent_code(code) == (parent[1] if parent else None)
        assert path == (parent[5] if parent else "/") + f"{pk}/"

    # the summary is printed, and one audit row records the bulk operation
    assert "村（社区）：17718" in output and "乡镇（街道）：1404（其中仅统计用 48）" in output
    entry = AuditEntry.objects.get(action="region.import")
    assert entry.data["created"] == {"1": 1, "2": 14, "3": 88, "4": 1404, "5": 17718}

    # when it runs again, nothing changes
    paths_before = dict(Region.objects.values_list("code", "path"))
    again = run_import()
    assert "新建：无（已是最新）" in again and "已存在且一致：19225" in again
    assert dict(Region.objects.values_list("code", "path")) == paths_before
    assert AuditEntry.objects.filter(action="region.import").count() == 1
    check_township_matching()


def check_township_matching() -> None:
    """Townships take NBS statistical codes and current MCA names (divisions.py)."""
    # MCA numbers 七里河区's streets differently from NBS; the communities stay with the right
    # street because townships are matched by name.
    xiyuan = Region.objects.get(code="620103001000")
    assert (xiyuan.name, xiyuan.admin_code, xiyuan.source) == ("西园街道", "620103002", "MCA2025")
    assert xiyuan.children.count() == 10
    assert Region.objects.get(code="620103009000").name == "秀川街道"
    # renamed in place: the MCA name wins, the NBS code stays
    assert Region.objects.get(code="620105002000").name == "安宁西路街道"
    # 兰州新区 and 嘉峪关: NBS statistical parents, flagged
    zhongchuan = Region.objects.get(code="620171101000")
    assert zhongchuan.admin_code == "620122108"
    assert zhongchuan.parent is not None and zhongchuan.parent.source == SOURCE_NBS
    assert Region.objects.get(code="620200001000").parent == Region.objects.get(code="620200000000")
    # an NBS-only unit still carries its villages
    farm = Region.objects.get(code="620723500000")
    assert farm.source == SOURCE_NBS and farm.children.count() == 1


@pytest.mark.django_db
def test_levels_one_to_four_only_and_unknown_province() -> None:
    output = run_import("--no-villages")
    assert Region.objects.filter(level=Level.VILLAGE).count() == 0
    # without villages, NBS-only townships still come from the slice
    assert Region.objects.filter(level=Level.TOWNSHIP).count() == 1404
    assert "村（社区）" not in output.split("汇总")[1]


def test_matching_passes() -> None:
    mca = {
        "620103001": "秀川街道",
        "620103002": "西园街道",
        "620105002": "安宁西路街道",
        "620122108": "中川镇",
        "620802209": "大秦回族乡",
        "620902001": "东北街道",
    }
    nbs = {
        "620103001": "西园街道",
        "620103009": "秀川街道",
        "620105002": "西路街道",
        "620171101": "中川镇",
        "620802206": "大秦乡",
        "620902001": "东北街街道",
        "620503400": "天水经济开发区",
    }
    assert divisions.match_townships(mca, nbs) == {
        "620103001": "620103009",  # same county, same name
        "620103002": "620103001",
        "620105002": "620105002",  # renamed in place: same code
        "620122108": "620171101",  # moved within the city
        "620802209": "620802206",  # ethnic suffix added
        "620902001": "620902001",  # 街街道 → 街道
    }


def test_names_are_normalised_for_matching() -> None:
    assert divisions.normalise_name("西阳回族乡") == "西阳乡"
    assert divisions.normalise_name("祁丰蔵族乡") == "祁丰乡"
    same = divisions.normalise_name
    assert same("北街办事处街道") == same("北街街道")  # NBS vs MCA 西峰区
    assert same("东北街街道") == same("东北街道")  # NBS vs MCA 肃州区
    assert same("西园街道") != same("西湖街道")


def test_plan_reports_a_code_collision_and_a_missing_parent() -> None:
    mca = {
        1: [("990000", "", "测试省")],
        2: [("990100", "990000", "测试市")],
        3: [("990102", "990100", "测试区")],
        4: [("990102001", "990102", "新设街道"), ("990102002", "990102", "甲街道")],
    }
    nbs = {
        "990102001000": "甲街道",  # MCA's 新设街道 wants this code, NBS's 甲街道 holds it
        "990102001001": "甲社区居委会",
        "990202001000": "孤立街道",  # county 990202 is in neither source
        "990202001001": "孤立社区居委会",
    }
    plan = divisions.plan_divisions("99", mca=mca, nbs=nbs)
    planned = {spec.code: spec for spec in plan.specs}
    assert planned["990102001000"].name == "甲街道"
    assert planned["990102001000"].fields["admin_code"] == "990102002"
    assert "990102001001" in planned
    assert not any(code.startswith("990202") for code in planned)
    assert any("新设街道" in note and "占用" in note for note in plan.notes)
    assert any("990202000000" in note for note in plan.notes)


def test_plan_without_the_province() -> None:
    plan = divisions.plan_divisions("98", mca={1: [], 2: [], 3: [], 4: []}, nbs={})
    assert plan.specs == [] and "98" in plan.notes[0]


def test_vendored_slice_matches_its_documentation() -> None:
    path = divisions.slice_path("62")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    levels = Counter(codes.level_of(row["code"]) for row in rows)
    assert levels == {1: 1, 2: 14, 3: 88, 4: 1403, 5: 17718}
    assert [row["code"] for row in rows] == sorted(row["code"] for row in rows)
    source = (path.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert "2.7.0" in source and "2023-06-30" in source and "WTFPL" in source


@pytest.mark.django_db
def test_bulk_build_reports_differences_without_rewriting() -> None:
    specs = [
        NodeSpec("620000000000", "甘肃省", Level.PROVINCE, None),
        NodeSpec("620100000000", "兰州市", Level.CITY, "620000000000"),
    ]
    bulk_build(specs)
    result = bulk_build([*specs[:1], NodeSpec("620100000000", "金城市", 2, "620000000000")])
    assert result.unchanged == 1 and result.differing == ["620100000000"]
    assert Region.objects.get(code="620100000000").name == "兰州市"
