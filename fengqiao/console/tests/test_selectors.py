"""The overview figures: counted inside each subtree, retired regions and departed workers out,
a worker serving two grids counted once."""

from __future__ import annotations

import datetime as dt

from fengqiao.console.selectors import children_figures, region_figures, roots_figures
from fengqiao.console.tests.conftest import Workers
from fengqiao.regions.models import Level, Region
from fengqiao.regions.tree import create_region
from fengqiao.testing import Territory


def test_county_children_figures(territory: Territory, workers: Workers) -> None:
    rows = {row.name: row for row in children_figures(territory.city)}
    assert set(rows) == {"城关区", "七里河区"}
    chengguan = rows["城关区"]
    assert (chengguan.child_regions, chengguan.grids, chengguan.workers) == (1, 2, 2)
    assert chengguan.households == 320 + 410
    qilihe = rows["七里河区"]
    assert (qilihe.child_regions, qilihe.grids, qilihe.workers, qilihe.households) == (1, 1, 1, 0)


def test_grid_level_figures(territory: Territory, workers: Workers) -> None:
    rows = {row.name: row for row in children_figures(territory.village)}
    assert rows["第一网格"].workers == 2
    assert rows["第二网格"].workers == 1  # 王秀兰 has left
    assert rows["第一网格"].grids == 1 and rows["第一网格"].child_regions == 0


def test_province_counts_every_grid_once(territory: Territory, workers: Workers) -> None:
    figures = region_figures(territory.province)
    assert (figures.child_regions, figures.grids, figures.workers) == (1, 3, 3)
    assert figures.households == 730


def test_retired_regions_are_left_out(territory: Territory, workers: Workers) -> None:
    retired = create_region(
        code="620102001001003", name="撤销网格", level=Level.GRID, parent=territory.village
    )
    Region.objects.filter(pk=retired.pk).update(retired_on=dt.date(2025, 1, 1), households=99)
    names = [row.name for row in children_figures(territory.village)]
    assert "撤销网格" not in names
    assert region_figures(territory.village).grids == 2
    assert region_figures(territory.village).households == 730


def test_roots_figures_follow_the_scope_paths(territory: Territory, workers: Workers) -> None:
    rows = roots_figures([territory.town.path, territory.other_town.path])
    assert [row.name for row in rows] == ["酒泉路街道", "西园街道"]
    assert [row.workers for row in rows] == [2, 1]


def test_empty_subtree_gives_zeros(territory: Territory) -> None:
    figures = region_figures(territory.other_village)
    assert (figures.grids, figures.workers, figures.households) == (1, 0, 0)
