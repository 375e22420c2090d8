"""The demo territory: real Gansu data, generated grids and workers, idempotent."""

from __future__ import annotations

import io

import pytest
from shapely.geometry import shape

from fengqiao.regions import codes, demo, geo
from fengqiao.regions.models import GridAssignment, GridType, GridWorker, Level, Region


def test_generated_grids_tile_each_village_west_to_east() -> None:
    # pure geometry: no database needed for the layout itself
    area = demo.AREAS[0]
    width, height = area.block
    column = width / area.grids_per_village
    boxes = [
        shape(
            demo.rectangle(
                area.west + i * column,
                area.north,
                area.west + (i + 1) * column,
                area.north - height,
            )
        )
        for i in range(area.grids_per_village)
    ]
    xs = [box.bounds[0] for box in boxes]
    assert xs == sorted(xs)
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left.touches(right) and not left.overlaps(right)


def test_worker_specs_give_every_grid_one_chief() -> None:
    grids = ["620102001001001", "620102001001002", "620102001001003"]
    specs = demo.worker_specs(grids)
    chiefs = [spec.grid_codes for spec in specs if spec.is_chief]
    assert sorted(code for (code,) in chiefs) == grids
    assert len({spec.number for spec in specs}) == len(specs) == 5
    assert all(len(spec.phone) == 11 and spec.phone.startswith("1990931") for spec in specs)


@pytest.mark.django_db
def test_build_demo_territory_is_complete_and_idempotent() -> None:
    out = io.StringIO()
    demo.build_demo_territory(out)

    # the codes the demo logins use exist at the right levels
    for code, level in [
        ("620000000000", Level.PROVINCE),
        ("620102000000", Level.COUNTY),
        ("620102001000", Level.TOWNSHIP),
        ("620102001001001", Level.GRID),
    ]:
        assert Region.objects.get(code=code).level == level
    grids = Region.objects.filter(level=Level.GRID)
    assert grids.count() == 5 * 3 + 4 * 2 + 1
    assert not grids.filter(boundary_is_demo=False).exists()
    assert grids.filter(grid_type=GridType.DEDICATED).count() == 1
    rural = Region.objects.get(code="620123100000")
    assert Region.objects.subtree(rural).filter(level=Level.GRID).count() == 8
    for grid in grids:
        assert codes.is_valid(
            grid.code, level=Level.GRID, parent=grid.parent.code if grid.parent else None
        )
        assert GridAssignment.objects.filter(grid=grid, is_chief=True).count() == 1
    assert GridWorker.objects.count() == 36
    assert "演示网格员（姓名、电话均为虚构）：新建 36 名" in out.getvalue()

    # the generated boundaries work with the point lookup: west→east numbering
    first = Region.objects.get(code="620102001001001")
    west, south, east, north = shape(first.boundary).bounds
    inside = geo.locate((west + east) / 2 + 0.0008, (south + north) / 2 - 0.0001)
    assert inside.grid == first
    school = geo.locate(103.8210, 36.0610)
    assert school.grid is not None and school.grid.code == "620102001001009"
    assert not geo.locate(100.0, 30.0).inside

    # running it again changes nothing
    again = io.StringIO()
    demo.build_demo_territory(again)
    assert "新建 0 个，已存在 19225 个" in again.getvalue()
    assert Region.objects.filter(level=Level.GRID).count() == 24
    assert GridWorker.objects.count() == 36
