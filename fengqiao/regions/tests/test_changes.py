"""Versioned territory changes: create, rename, re-parent, split, merge, retire."""

from __future__ import annotations

from datetime import date

import pytest

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.regions import actions, codes
from fengqiao.regions.actions import RegionChangeError
from fengqiao.regions.models import (
    ChangeKind,
    GridAssignment,
    GridWorker,
    Level,
    Region,
    RegionChange,
)
from fengqiao.testing import Territory, make_user

DAY = date(2026, 1, 1)
LATER = date(2026, 7, 1)


@pytest.fixture
def admin(territory: Territory) -> User:
    return make_user("region_admin", Role.SYSTEM_ADMIN, territory.province)


def fresh(region: Region) -> Region:
    return Region.objects.get(pk=region.pk)


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.values_list("action", flat=True))


def assert_tree_consistent() -> None:
    """Every path extends its parent's, every code carries its parent's prefix (rule 1)."""
    for region in Region.objects.select_related("parent"):
        if region.parent is None:
            assert region.path == f"/{region.pk}/"
            continue
        assert region.path == f"{region.parent.path}{region.pk}/", region
        assert codes.parent_code(region.code) == region.parent.code, region


def test_create_region_validates_code_and_writes_change_and_audit(
    territory: Territory, admin: User
) -> None:
    grid = actions.do_create_region(
        code="620102001001003",
        name="第三网格",
        parent=territory.village,
        actor=admin,
        effective_on=DAY,
        grid_type="basic",
    )
    assert grid.level == Level.GRID and grid.path == f"{territory.village.path}{grid.pk}/"
    change = RegionChange.objects.get(region=grid)
    assert change.kind == ChangeKind.CREATE and change.actor == admin
    assert audit_actions() == ["region.create"]
    with pytest.raises(RegionChangeError, match="前缀"):
        actions.do_create_region(
            code="620103001001004",
            name="错挂网格",
            parent=territory.village,
            actor=admin,
            effective_on=DAY,
        )
    with pytest.raises(RegionChangeError, match="已被使用"):
        actions.do_create_region(
            code="620102001001003",
            name="重复",
            parent=territory.village,
            actor=admin,
            effective_on=DAY,
        )
    with pytest.raises(RegionChangeError, match="格式错误"):
        actions.do_create_region(
            code="12345", name="坏", parent=territory.village, actor=admin, effective_on=DAY
        )


def test_rename_keeps_history(territory: Territory, admin: User) -> None:
    actions.do_rename(territory.town, name="酒泉路新街道", actor=admin, effective_on=DAY)
    actions.do_rename(territory.town, name="酒泉街道", actor=admin, effective_on=LATER)
    town = fresh(territory.town)
    assert town.name == "酒泉街道"
    assert actions.name_on(town, date(2025, 12, 31)) == "酒泉路街道"
    assert actions.name_on(town, DAY) == "酒泉路新街道"
    assert actions.name_on(town, LATER) == "酒泉街道"
    history = list(town.changes.values_list("before__name", "after__name"))
    assert history == [("酒泉路街道", "酒泉路新街道"), ("酒泉路新街道", "酒泉街道")]
    assert audit_actions() == ["region.rename", "region.rename"]
    with pytest.raises(RegionChangeError):
        actions.do_rename(town, name="酒泉街道", actor=admin, effective_on=LATER)


def test_reparent_without_recoding(territory: Territory, admin: User) -> None:
    # a grid filed under the wrong village is moved where its code says it belongs
    stray = Region.objects.create(
        code="620103001001002",
        name="错挂网格",
        level=Level.GRID,
        parent=territory.village,
        path=f"{territory.village.path}999999/",
    )
    Region.objects.filter(pk=stray.pk).update(path=f"{territory.village.path}{stray.pk}/")
    stray.refresh_from_db()
    actions.do_reparent(stray, new_parent=territory.other_village, actor=admin, effective_on=DAY)
    stray = fresh(stray)
    assert stray.code == "620103001001002"
    assert stray.path == f"{territory.other_village.path}{stray.pk}/"
    assert stray.changes.get().after["recoded"] == {}


def test_reparent_recodes_the_subtree_and_old_codes_resolve(
    territory: Territory, admin: User
) -> None:
    worker = GridWorker.objects.create(number="W0001", name="张三")
    GridAssignment.objects.create(worker=worker, grid=territory.grid_a1, is_chief=True)
    # 秦安路社区 moves from 城关区 酒泉路街道 to 七里河区 西园街道
    actions.do_reparent(
        territory.village, new_parent=territory.other_town, actor=admin, effective_on=DAY
    )
    village, grid = fresh(territory.village), fresh(territory.grid_a1)
    # 620103001001 is taken by 西园社区: the next free 居委会 code is used
    assert village.code == "620103001002"
    assert grid.code == "620103001002001"
    assert grid.path.startswith(territory.other_town.path)
    assert actions.resolve_code("620102001001001") == grid
    assert actions.resolve_code("620102001001") == village
    assert actions.resolve_code("620199999999") is None
    # the worker's record follows the grid (rolls up to the new county)
    in_new_county = GridAssignment.objects.filter(
        grid__path__startswith=territory.other_county.path
    )
    assert list(in_new_county.values_list("worker__number", flat=True)) == ["W0001"]
    assert_tree_consistent()
    with pytest.raises(RegionChangeError, match="自己的下级"):
        actions.do_reparent(
            fresh(territory.other_town),
            new_parent=village,
            actor=admin,
            effective_on=DAY,
        )


def test_reparent_refuses_bad_levels_and_explicit_bad_codes(
    territory: Territory, admin: User
) -> None:
    with pytest.raises(RegionChangeError, match="层级"):
        actions.do_reparent(
            territory.town, new_parent=territory.other_village, actor=admin, effective_on=DAY
        )
    with pytest.raises(RegionChangeError, match="前缀"):
        actions.do_reparent(
            territory.village,
            new_parent=territory.other_town,
            new_code="620102001009",
            actor=admin,
            effective_on=DAY,
        )
    with pytest.raises(RegionChangeError, match="相同"):
        actions.do_reparent(
            territory.village, new_parent=territory.town, actor=admin, effective_on=DAY
        )
    assert not RegionChange.objects.exists()


def test_records_under_a_retired_region_still_roll_up(territory: Territory, admin: User) -> None:
    # given a grid worker's assignment filed under grid A2
    worker = GridWorker.objects.create(number="W0002", name="李四")
    GridAssignment.objects.create(worker=worker, grid=territory.grid_a2)
    # when the grid retires with A1 as successor
    actions.do_retire(territory.grid_a2, successor=territory.grid_a1, actor=admin, effective_on=DAY)
    grid = fresh(territory.grid_a2)
    assert grid.retired_on == DAY and grid.successor == territory.grid_a1
    # then it is still in the tree, and the record rolls up to every ancestor
    for ancestor in (territory.village, territory.town, territory.county, territory.province):
        subtree = Region.objects.subtree(ancestor)
        assert subtree.filter(pk=grid.pk).exists()
        assert GridAssignment.objects.filter(
            grid__path__startswith=ancestor.path, worker=worker
        ).exists()
    assert not Region.objects.active().filter(pk=grid.pk).exists()
    assert audit_actions() == ["region.retire"]
    with pytest.raises(RegionChangeError, match="已于"):
        actions.do_rename(grid, name="新名", actor=admin, effective_on=LATER)


def test_retire_with_active_children_needs_cascade(territory: Territory, admin: User) -> None:
    with pytest.raises(RegionChangeError, match="未撤销的下级"):
        actions.do_retire(territory.village, actor=admin, effective_on=DAY)
    actions.do_retire(territory.village, actor=admin, effective_on=DAY, cascade=True)
    assert not Region.objects.subtree(territory.village).active().exists()
    change = RegionChange.objects.get(kind=ChangeKind.RETIRE)
    assert change.after["cascaded"] == ["620102001001001", "620102001001002"]


def test_merge_moves_children_and_retires_sources(territory: Territory, admin: User) -> None:
    # 撤并: 西园街道 merges into 酒泉路街道 (across counties, to exercise re-coding)
    other_grid_record = GridWorker.objects.create(number="W0003", name="王五")
    GridAssignment.objects.create(worker=other_grid_record, grid=territory.other_grid)
    actions.do_merge([territory.other_town], into=territory.town, actor=admin, effective_on=DAY)
    source = fresh(territory.other_town)
    moved = fresh(territory.other_village)
    assert source.retired_on == DAY and source.successor == territory.town
    assert moved.parent == territory.town and moved.code == "620102001002"
    assert fresh(territory.other_grid).code == "620102001002001"
    # the retired township stays where it was; the moved records now roll up to 城关区
    assert Region.objects.subtree(territory.other_county).filter(pk=source.pk).exists()
    assert GridAssignment.objects.filter(grid__path__startswith=territory.county.path).count() == 1
    change = RegionChange.objects.get(kind=ChangeKind.MERGE)
    assert change.region == territory.town
    assert list(change.related.all()) == [source]
    assert change.after["recoded"]["620103001001001"] == "620102001002001"
    assert_tree_consistent()
    with pytest.raises(RegionChangeError):
        actions.do_merge([territory.village], into=territory.town, actor=admin, effective_on=DAY)


def test_split_assigns_every_child(territory: Territory, admin: User) -> None:
    parts = [("620102001003", "秦安路东社区"), ("620102001004", "秦安路西社区")]
    with pytest.raises(RegionChangeError, match="未指定归属"):
        actions.do_split(
            territory.village,
            parts=parts,
            assign={"620102001001001": "620102001003"},
            actor=admin,
            effective_on=DAY,
        )
    assert not Region.objects.filter(code="620102001003").exists()  # all or nothing
    east, west = actions.do_split(
        territory.village,
        parts=parts,
        assign={"620102001001001": "620102001003", "620102001001002": "620102001004"},
        actor=admin,
        effective_on=DAY,
    )
    village = fresh(territory.village)
    assert village.retired_on == DAY and village.successor == east
    assert fresh(territory.grid_a1).code == "620102001003001"
    assert fresh(territory.grid_a2).parent == west
    split = RegionChange.objects.get(kind=ChangeKind.SPLIT)
    assert set(split.related.all()) == {east, west}
    assert audit_actions().count("region.split") == 1
    assert audit_actions().count("region.create") == 2
    assert_tree_consistent()
    with pytest.raises(RegionChangeError, match="两个"):
        actions.do_split(east, parts=parts[:1], assign={}, actor=admin, effective_on=DAY)


def test_failed_change_writes_nothing(territory: Territory, admin: User) -> None:
    with pytest.raises(RegionChangeError):
        actions.do_retire(territory.town, actor=admin, effective_on=DAY)
    assert not RegionChange.objects.exists() and not AuditEntry.objects.exists()


def test_next_free_code_stays_in_its_segment_range(territory: Territory, admin: User) -> None:
    # a 村委会 (segment 201) moved under a township whose 201 is taken keeps the 村委会 range
    village = actions.do_create_region(
        code="620102001201",
        name="甲村村民委员会",
        parent=territory.town,
        actor=admin,
        effective_on=DAY,
    )
    actions.do_create_region(
        code="620103001201",
        name="乙村村民委员会",
        parent=territory.other_town,
        actor=admin,
        effective_on=DAY,
    )
    actions.do_reparent(village, new_parent=territory.other_town, actor=admin, effective_on=DAY)
    assert fresh(village).code == "620103001202"
    assert codes.village_kind(fresh(village).code) == "村民委员会"
