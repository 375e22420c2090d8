"""Shared test data: a small territory and named personas (style-anchors §3.12).

    甘肃省 62 → 兰州市 6201 → 城关区 620102 → 酒泉路街道 620102001 → 社区 620102001001 → 2 grids
                           → 七里河区 620103 → 西园街道 620103001 → 社区 620103001001 → 1 grid

Personas, each with the reason it exists:
- grid_worker: acts in grid A1 only.
- town_operator: acts in 酒泉路街道 (its villages and grids).
- county_leader: views all of 城关区, acts nowhere.
- outsider: acts in 七里河区, must never see 城关区 records.
- auditor: the 审计管理员; no business scope at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.regions.models import Level, Region
from fengqiao.regions.tree import create_region

PASSWORD = "Test-Passw0rd-2026"


@dataclass
class Territory:
    province: Region
    city: Region
    county: Region
    town: Region
    village: Region
    grid_a1: Region
    grid_a2: Region
    other_county: Region
    other_town: Region
    other_village: Region
    other_grid: Region


def build_territory() -> Territory:
    province = create_region(code="620000000000", name="甘肃省", level=Level.PROVINCE)
    city = create_region(code="620100000000", name="兰州市", level=Level.CITY, parent=province)
    county = create_region(code="620102000000", name="城关区", level=Level.COUNTY, parent=city)
    town = create_region(
        code="620102001000", name="酒泉路街道", level=Level.TOWNSHIP, parent=county
    )
    village = create_region(
        code="620102001001", name="秦安路社区", level=Level.VILLAGE, parent=town
    )
    grid_a1 = create_region(
        code="620102001001001", name="第一网格", level=Level.GRID, parent=village
    )
    grid_a2 = create_region(
        code="620102001001002", name="第二网格", level=Level.GRID, parent=village
    )
    other_county = create_region(
        code="620103000000", name="七里河区", level=Level.COUNTY, parent=city
    )
    other_town = create_region(
        code="620103001000", name="西园街道", level=Level.TOWNSHIP, parent=other_county
    )
    other_village = create_region(
        code="620103001001", name="西园社区", level=Level.VILLAGE, parent=other_town
    )
    other_grid = create_region(
        code="620103001001001", name="西园第一网格", level=Level.GRID, parent=other_village
    )
    return Territory(
        province,
        city,
        county,
        town,
        village,
        grid_a1,
        grid_a2,
        other_county,
        other_town,
        other_village,
        other_grid,
    )


def make_user(username: str, role: Role, region: Region, *, can_act: bool = True) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=role, region=region, can_act=can_act)
    return user
