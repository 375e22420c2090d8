"""The demo territory: real Gansu divisions plus generated grids and grid workers.

Everything generated here is marked: grids carry `source="demo"` and `boundary_is_demo=True`
(their rectangles are invented, not surveyed), and grid workers have invented names and
phone numbers in the 199-0931 block. Running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from fengqiao.regions import actions, codes, divisions
from fengqiao.regions.bulk import NodeSpec, refresh_statistics
from fengqiao.regions.models import GridType, GridWorker, Level, Region

DEMO_SOURCE = "demo"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "桂兰", "海燕", "志强", "丽娟", "永福", "晓东", "秀英", "国华", "春梅", "文斌")


class Writer(Protocol):
    def write(self, msg: str, /) -> Any: ...


@dataclass(frozen=True)
class DemoArea:
    """Villages of one township that get `grids_per_village` generated grids each, drawn as
    equal columns west→east inside a block per village (rule 3 numbering)."""

    township: str
    villages: tuple[str, ...]
    grids_per_village: int
    west: float  # longitude of the first block's west edge
    north: float  # latitude of the blocks' north edge
    block: tuple[float, float]  # (width, height) of one village block, degrees


AREAS = (
    # 城关区 酒泉路街道 (urban): five communities, three grids each.
    DemoArea(
        "620102001000",
        ("620102001001", "620102001002", "620102001003", "620102001004", "620102001005"),
        3,
        103.8200,
        36.0620,
        (0.0060, 0.0040),
    ),
    # 榆中县 城关镇 (rural): four 村委会, two grids each.
    DemoArea(
        "620123100000",
        ("620123100201", "620123100202", "620123100203", "620123100204"),
        2,
        104.0900,
        35.8600,
        (0.0300, 0.0200),
    ),
)
# A 专属网格 (a school) drawn inside the first community's first basic grid.
DEDICATED = ("620102001001", 9, "畅家巷小学专属网格", (103.8205, 36.0615, 103.8215, 36.0605))


def rectangle(west: float, north: float, east: float, south: float) -> dict[str, Any]:
    ring = [[west, north], [east, north], [east, south], [west, south], [west, north]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def grid_specs() -> list[NodeSpec]:
    """The generated grids (only under villages that exist in the imported data)."""
    present = set(
        Region.objects.filter(code__in=[v for a in AREAS for v in a.villages]).values_list(
            "code", flat=True
        )
    )
    specs: list[NodeSpec] = []
    for area in AREAS:
        width, height = area.block
        for index, village in enumerate(area.villages):
            if village not in present:
                continue
            west = area.west + index * width * 1.05
            column = width / area.grids_per_village
            for seq in range(1, area.grids_per_village + 1):
                left = west + (seq - 1) * column
                boundary = rectangle(left, area.north, left + column, area.north - height)
                specs.append(_grid(village, seq, f"第{seq}网格", GridType.BASIC, boundary))
    village, seq, name, (west, north, east, south) = DEDICATED
    if village in present:
        boundary = rectangle(west, north, east, south)
        specs.append(_grid(village, seq, name, GridType.DEDICATED, boundary))
    return specs


def _grid(village: str, seq: int, name: str, grid_type: str, boundary: dict[str, Any]) -> NodeSpec:
    code = codes.grid_code(village, seq)
    households = 300 + (int(code) % 7) * 30  # 300–480, the usual urban norm (rule 5)
    fields = {
        "grid_type": grid_type,
        "boundary": boundary,
        "boundary_is_demo": True,
        "households": households,
        "source": DEMO_SOURCE,
    }
    return NodeSpec(code, name, Level.GRID, village, fields)


def worker_specs(grids: list[str]) -> list[actions.WorkerSpec]:
    """A chief for every grid, and a second worker on every other grid."""
    specs: list[actions.WorkerSpec] = []
    for index, grid in enumerate(sorted(grids)):
        members = 2 if index % 2 == 0 else 1
        for member in range(members):
            serial = index * 2 + member
            name = SURNAMES[serial % len(SURNAMES)] + GIVEN[serial % len(GIVEN)]
            specs.append(
                actions.WorkerSpec(
                    number=f"{grid}{member + 1:02d}",
                    name=name,
                    phone=f"1990931{serial:04d}",
                    grid_codes=(grid,),
                    is_chief=member == 0,
                    is_full_time=member == 0,
                )
            )
    return specs


def build_demo_territory(stdout: Writer) -> None:
    """Import Gansu (levels 1–5) and add the demo grids and grid workers; idempotent."""
    stdout.write("导入甘肃省区划（民政部 1–4 级 + 国家统计局 2023 村级）…")
    plan = divisions.plan_divisions("62")
    result = actions.do_import_regions(
        plan.specs, actor=None, source="MCA2025+NBS2023:62", progress=stdout.write
    )
    stdout.write(f"  新建 {result.total_created} 个，已存在 {result.unchanged} 个")
    grids = grid_specs()
    made = actions.do_import_regions(grids, actor=None, source="demo grids")
    stdout.write(f"演示网格（边界为生成的矩形，仅供演示）：新建 {made.total_created} 个")
    refresh_statistics()
    existing = set(GridWorker.objects.values_list("number", flat=True))
    workers = [w for w in worker_specs([g.code for g in grids]) if w.number not in existing]
    if workers:
        actions.do_import_grid_workers(workers, actor=None, source="demo")
    stdout.write(f"演示网格员（姓名、电话均为虚构）：新建 {len(workers)} 名")
