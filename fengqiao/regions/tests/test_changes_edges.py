"""Edge cases of the versioned changes: provinces, chains of re-codings, multi-way merges."""

from __future__ import annotations

from datetime import date

import pytest

from fengqiao.accounts.models import Role
from fengqiao.audit.models import AuditEntry
from fengqiao.regions import actions
from fengqiao.regions.actions import RegionChangeError
from fengqiao.regions.models import ChangeKind, Level, Region, RegionChange
from fengqiao.testing import Territory, make_user

DAY = date(2026, 1, 1)
LATER = date(2026, 6, 1)

pytestmark = pytest.mark.django_db


def fresh(region: Region) -> Region:
    return Region.objects.get(pk=region.pk)


def test_create_a_province_and_a_city() -> None:
    province = actions.do_create_region(
        code="630000000000", name="青海省", parent=None, actor=None, effective_on=DAY
    )
    assert province.level == Level.PROVINCE and province.path == f"/{province.pk}/"
    city = actions.do_create_region(
        code="630100000000", name="西宁市", parent=province, actor=None, effective_on=DAY
    )
    assert city.valid_from == DAY and city.path.startswith(province.path)
    change = RegionChange.objects.get(region=province)
    assert change.after == {"code": "630000000000", "name": "青海省", "parent": None}


def test_create_needs_the_exact_parent(territory: Territory) -> None:
    # a village code carries the province prefix too, but its parent is the township
    with pytest.raises(RegionChangeError, match="上级应为“620102001000”"):
        actions.do_create_region(
            code="620102001009", name="甲", parent=territory.county, actor=None, effective_on=DAY
        )


def test_create_under_a_retired_parent_is_refused(territory: Territory) -> None:
    actions.do_retire(territory.other_village, actor=None, effective_on=DAY, cascade=True)
    with pytest.raises(RegionChangeError, match="上级"):
        actions.do_create_region(
            code="620103001001009",
            name="新网格",
            parent=fresh(territory.other_village),
            actor=None,
            effective_on=LATER,
        )


def test_name_on_without_renames(territory: Territory) -> None:
    assert actions.name_on(territory.town, DAY) == "酒泉路街道"


def test_rename_strips_and_refuses_blank(territory: Territory) -> None:
    actions.do_rename(territory.town, name="  新名街道  ", actor=None, effective_on=DAY)
    assert fresh(territory.town).name == "新名街道"
    with pytest.raises(RegionChangeError, match="不能为空"):
        actions.do_rename(territory.town, name="   ", actor=None, effective_on=DAY)


def test_resolve_code_follows_a_chain_of_recodings(territory: Territory) -> None:
    # the village moves to 西园街道 (→ 620103001002) and then back (→ 620102001001 again free)
    village = territory.village
    actions.do_reparent(village, new_parent=territory.other_town, actor=None, effective_on=DAY)
    moved = fresh(village)
    assert moved.code == "620103001002"
    third_town = actions.do_create_region(
        code="620103002000",
        name="西湖街道",
        parent=territory.other_county,
        actor=None,
        effective_on=DAY,
    )
    actions.do_reparent(moved, new_parent=third_town, actor=None, effective_on=LATER)
    final = fresh(village)
    assert final.code == "620103002002"
    # both historical codes lead to the same region
    assert actions.resolve_code("620102001001") == final
    assert actions.resolve_code("620103001002") == final
    assert actions.resolve_code("620102001001002") == fresh(territory.grid_a2)
    changes = RegionChange.objects.filter(kind=ChangeKind.REPARENT, region=village)
    assert [c.before["code"] for c in changes] == ["620102001001", "620103001002"]


def test_explicit_new_code_is_used(territory: Territory) -> None:
    actions.do_reparent(
        territory.village,
        new_parent=territory.other_town,
        new_code="620103001050",
        actor=None,
        effective_on=DAY,
    )
    assert fresh(territory.village).code == "620103001050"
    assert fresh(territory.grid_a1).code == "620103001050001"
    actions.do_create_region(
        code="620102001002", name="乙社区", parent=territory.town, actor=None, effective_on=DAY
    )
    with pytest.raises(RegionChangeError, match="已被使用"):
        actions.do_reparent(
            territory.other_village,
            new_parent=territory.town,
            new_code="620102001002",
            actor=None,
            effective_on=DAY,
        )


def test_moving_a_county_to_another_city(territory: Territory) -> None:
    city = actions.do_create_region(
        code="620200000000",
        name="嘉峪关市",
        parent=territory.province,
        actor=None,
        effective_on=DAY,
    )
    actions.do_reparent(territory.other_county, new_parent=city, actor=None, effective_on=DAY)
    county = fresh(territory.other_county)
    assert county.code == "620203000000"
    assert fresh(territory.other_grid).code == "620203001001001"
    recoded = RegionChange.objects.get(kind=ChangeKind.REPARENT).after["recoded"]
    assert len(recoded) == 4  # county, township, village, grid


def test_merge_several_sources(territory: Territory) -> None:
    second = actions.do_create_region(
        code="620103002000",
        name="西湖街道",
        parent=territory.other_county,
        actor=None,
        effective_on=DAY,
    )
    village = actions.do_create_region(
        code="620103002001", name="西湖社区", parent=second, actor=None, effective_on=DAY
    )
    target = actions.do_create_region(
        code="620103003000",
        name="新街道",
        parent=territory.other_county,
        actor=None,
        effective_on=DAY,
    )
    actions.do_merge([territory.other_town, second], into=target, actor=None, effective_on=LATER)
    children = list(fresh(target).children.order_by("code").values_list("code", "name"))
    assert children == [("620103003001", "西园社区"), ("620103003002", "西湖社区")]
    assert fresh(village).parent == target
    for source in (territory.other_town, second):
        assert fresh(source).successor == target and fresh(source).retired_on == LATER
    with pytest.raises(RegionChangeError, match="至少"):
        actions.do_merge([], into=target, actor=None, effective_on=LATER)


def test_merge_refuses_retired_target_and_mixed_levels(territory: Territory) -> None:
    with pytest.raises(RegionChangeError, match="同级"):
        actions.do_merge(
            [territory.village], into=territory.other_town, actor=None, effective_on=DAY
        )
    actions.do_retire(territory.grid_a2, actor=None, effective_on=DAY)
    with pytest.raises(RegionChangeError, match="已于"):
        actions.do_merge(
            [territory.grid_a1], into=fresh(territory.grid_a2), actor=None, effective_on=DAY
        )


def test_retire_refuses_a_retired_successor(territory: Territory) -> None:
    actions.do_retire(territory.grid_a2, actor=None, effective_on=DAY)
    with pytest.raises(RegionChangeError, match="承继区划"):
        actions.do_retire(
            territory.grid_a1, successor=fresh(territory.grid_a2), actor=None, effective_on=LATER
        )
    with pytest.raises(RegionChangeError, match="已于"):
        actions.do_retire(fresh(territory.grid_a2), actor=None, effective_on=LATER)


def test_split_refuses_bad_part_codes_and_unknown_targets(territory: Territory) -> None:
    with pytest.raises(RegionChangeError):
        actions.do_split(
            territory.village,
            parts=[("620103001009", "错县社区"), ("620102001010", "乙")],
            assign={},
            actor=None,
            effective_on=DAY,
        )
    with pytest.raises(RegionChangeError, match="620102001001002"):
        actions.do_split(
            territory.village,
            parts=[("620102001009", "甲"), ("620102001010", "乙")],
            assign={"620102001001001": "620102001009", "620102001001002": "620102009999"},
            actor=None,
            effective_on=DAY,
        )
    assert not Region.objects.filter(code__in=["620102001009", "620102001010"]).exists()
    assert not AuditEntry.objects.exists()


def test_split_of_a_leaf_needs_no_assignment(territory: Territory) -> None:
    parts = actions.do_split(
        territory.grid_a2,
        parts=[("620102001001005", "东半"), ("620102001001006", "西半")],
        assign={},
        actor=None,
        effective_on=DAY,
    )
    assert [p.code for p in parts] == ["620102001001005", "620102001001006"]
    assert fresh(territory.grid_a2).successor == parts[0]
    assert all(p.parent == territory.village for p in parts)


def test_changes_record_the_actor_and_document(territory: Territory) -> None:
    admin = make_user("doc_admin", Role.SYSTEM_ADMIN, territory.province)
    actions.do_rename(
        territory.town, name="新街道", actor=admin, effective_on=DAY, document="兰政发〔2026〕1号"
    )
    change = RegionChange.objects.get()
    assert (change.actor, change.document) == (admin, "兰政发〔2026〕1号")
    entry = AuditEntry.objects.get()
    assert entry.actor_id == admin.pk and entry.data["document"] == "兰政发〔2026〕1号"
    assert entry.object_type == "regions.region" and entry.object_id == str(territory.town.pk)
    assert str(change).startswith("更名 620102001000")
