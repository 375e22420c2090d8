"""The bulk tree builder: paths, parents, batches, idempotence (fengqiao/regions/bulk.py)."""

from __future__ import annotations

import random

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.regions import bulk, codes
from fengqiao.regions.bulk import MissingParent, NodeSpec, bulk_build
from fengqiao.regions.models import Level, Region
from fengqiao.regions.tree import create_region

pytestmark = pytest.mark.django_db


def spec(code: str, name: str = "") -> NodeSpec:
    level = codes.level_of(code)
    assert level is not None
    return NodeSpec(code, name or f"单位{code}", level, codes.parent_code(code))


CHAIN = [
    "620000000000",
    "620100000000",
    "620102000000",
    "620102001000",
    "620102001001",
    "620102001201",
    "620102001001001",
    "620200000000",
    "620200001000",  # township directly under a city (嘉峪关 pattern)
    "620200001001",
]


def assert_consistent() -> None:
    """Paths extend the parent's path with the node's pk; parents match the codes."""
    by_pk = {r.pk: r for r in Region.objects.all()}
    for region in by_pk.values():
        parent = by_pk.get(region.parent_id) if region.parent_id else None
        expected = (parent.path if parent else "/") + f"{region.pk}/"
        assert region.path == expected, region
        assert codes.parent_code(region.code) == (parent.code if parent else None), region


def test_specs_in_any_order_build_a_consistent_tree() -> None:
    specs = [spec(code) for code in CHAIN]
    random.Random(7).shuffle(specs)
    result = bulk_build(specs)
    assert result.total_created == len(CHAIN)
    assert dict(result.created) == {1: 1, 2: 2, 3: 1, 4: 2, 5: 3, 6: 1}
    assert_consistent()
    township = Region.objects.get(code="620200001000")
    assert township.parent == Region.objects.get(code="620200000000")


def test_progress_reports_each_level() -> None:
    lines: list[str] = []
    bulk_build([spec(code) for code in CHAIN[:5]], progress=lines.append)
    assert lines == [f"  层级 {level}：新建 1 个" for level in (1, 2, 3, 4, 5)]


def test_missing_parent_rolls_everything_back() -> None:
    with pytest.raises(MissingParent, match="620102009000"):
        bulk_build([spec("620000000000"), spec("620102009001")])
    assert not Region.objects.exists()


def test_builds_under_existing_nodes() -> None:
    province = create_region(code="620000000000", name="甘肃省", level=Level.PROVINCE)
    result = bulk_build([spec("620100000000", "兰州市"), spec("620102000000", "城关区")])
    assert result.total_created == 2 and result.unchanged == 0
    city = Region.objects.get(code="620100000000")
    assert city.path == f"{province.path}{city.pk}/"
    assert_consistent()


def test_small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "BATCH_SIZE", 3)
    villages = [f"620102001{n:03d}" for n in range(1, 11)]
    grids = [f"{village}001" for village in villages]
    result = bulk_build([spec(c) for c in [*CHAIN[:4], *villages, *grids]])
    assert result.created[Level.VILLAGE] == 10 and result.created[Level.GRID] == 10
    assert_consistent()


def test_second_build_is_a_no_op_and_reports_differences() -> None:
    specs = [spec(code) for code in CHAIN]
    bulk_build(specs)
    paths = dict(Region.objects.values_list("code", "path"))
    again = bulk_build(specs)
    assert again.total_created == 0 and again.unchanged == len(CHAIN)
    assert dict(Region.objects.values_list("code", "path")) == paths
    renamed = [NodeSpec(s.code, "改名", s.level, s.parent_code) for s in specs[:2]]
    third = bulk_build(renamed)
    assert third.differing == [CHAIN[0], CHAIN[1]]
    assert Region.objects.get(code=CHAIN[0]).name == f"单位{CHAIN[0]}"


def test_extra_fields_are_stored() -> None:
    fields = {"source": "NBS2023", "admin_code": "620102", "urban_rural": "111"}
    bulk_build(
        [
            spec("620000000000"),
            spec("620100000000"),
            NodeSpec("620102000000", "城关区", Level.COUNTY, "620100000000", fields),
        ]
    )
    county = Region.objects.get(code="620102000000")
    assert (county.source, county.admin_code, county.urban_rural) == ("NBS2023", "620102", "111")


@st.composite
def random_trees(draw: st.DrawFn) -> list[str]:
    """A random set of codes closed under parents (every parent present)."""
    found: set[str] = set()
    for _ in range(draw(st.integers(1, 12))):
        city = draw(st.integers(1, 3))
        county = draw(st.integers(1, 3))
        town = draw(st.sampled_from([1, 2, 101, 201]))
        village = draw(st.sampled_from([1, 2, 201]))
        grid = draw(st.integers(1, 3))
        depth = draw(st.integers(1, 6))
        code = f"62{city:02d}{county:02d}{town:03d}{village:03d}{grid:03d}"
        cut = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12, 6: 15}[depth]
        padded = code[:cut].ljust(12, "0") if depth < 6 else code
        node: str | None = padded
        while node:
            found.add(node)
            node = codes.parent_code(node)
    return sorted(found)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(random_trees(), st.randoms(use_true_random=False))
def test_random_trees_build_consistently(tree: list[str], rnd: random.Random) -> None:
    with transaction.atomic():
        specs = [spec(code) for code in tree]
        rnd.shuffle(specs)
        result = bulk_build(specs)
        assert result.total_created == len(tree)
        assert_consistent()
        # subtree queries agree with code prefixes (the point of the materialized path)
        for region in Region.objects.all():
            by_path = set(Region.objects.subtree(region).values_list("code", flat=True))
            prefix = codes.significant_prefix(region.code)
            by_code = {c for c in tree if c.startswith(prefix) and c != region.code} | {region.code}
            assert by_path == by_code
        assert bulk_build(specs).total_created == 0
        transaction.set_rollback(True)
