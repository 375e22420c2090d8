"""The benchmark province: the real Gansu division codes (`fengqiao import-regions`), grids
under every village (rule 3 codes: village code + 3-digit sequence; more grids in urban
communities), and the units that handle cases (county departments, township governments and
mediation committees, county courts and petition bureaux). Idempotent: existing codes stay.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management import call_command

from fengqiao.regions.bulk import NodeSpec, bulk_build
from fengqiao.regions.models import GridType, Level, Region
from fengqiao.units.models import Unit, UnitType

PROVINCE_CODE = "620000000000"
COUNTY_UNITS = [
    ("ZJ", "住房和城乡建设局", UnitType.DEPARTMENT),
    ("HB", "生态环境分局", UnitType.DEPARTMENT),
    ("CG", "城市管理局", UnitType.DEPARTMENT),
    ("SJ", "市场监督管理局", UnitType.DEPARTMENT),
    ("RS", "人力资源和社会保障局", UnitType.DEPARTMENT),
    ("JT", "交通运输局", UnitType.DEPARTMENT),
    ("FY", "人民法院", UnitType.COURT),
    ("XF", "信访局", UnitType.PETITION_BUREAU),
]
TOWN_UNITS = [
    ("ZF", "人民政府（办事处）", UnitType.GOVERNMENT),
    ("TW", "人民调解委员会", UnitType.MEDIATION_COMMITTEE),
]


def ensure_regions(say: Callable[[str], None]) -> Region:
    province = Region.objects.filter(code=PROVINCE_CODE).first()
    if province is None or not Region.objects.filter(level=Level.VILLAGE).exists():
        say("导入甘肃省区划（fengqiao import-regions）…")
        call_command("import_regions")
        province = Region.objects.get(code=PROVINCE_CODE)
    return province


def grids_for(village: Region, rng: random.Random) -> int:
    """Urban communities (village segment 001–199, rule 1) get 3–6 grids, villages 1–3."""
    segment = int(village.code[9:12])
    return rng.randint(3, 6) if segment < 200 else rng.randint(1, 3)


def ensure_grids(say: Callable[[str], None], seed: int) -> int:
    if Region.objects.filter(level=Level.GRID, source="bench").exists():
        return Region.objects.filter(level=Level.GRID).count()
    rng = random.Random(seed)
    specs = []
    villages = Region.objects.filter(level=Level.VILLAGE, retired_on__isnull=True).order_by("code")
    for village in villages.only("code"):
        for seq in range(1, grids_for(village, rng) + 1):
            specs.append(
                NodeSpec(
                    f"{village.code}{seq:03d}",
                    f"第{seq}网格",
                    Level.GRID,
                    village.code,
                    {
                        "grid_type": GridType.BASIC,
                        "households": rng.randint(250, 500),
                        "source": "bench",
                    },
                )  # fmt: skip
            )
    say(f"新建网格 {len(specs)} 个…")
    bulk_build(specs)
    return Region.objects.filter(level=Level.GRID).count()


def ensure_units() -> None:
    if Unit.objects.filter(code__startswith="BENCH-").exists():
        return
    rows: list[Unit] = []
    for county in Region.objects.filter(level=Level.COUNTY).only("pk", "code", "name"):
        for tag, name, kind in COUNTY_UNITS:
            rows.append(
                Unit(code=f"BENCH-{tag}-{county.code[:6]}", name=f"{county.name}{name}",
                     unit_type=kind, region=county)
            )  # fmt: skip
    for town in Region.objects.filter(level=Level.TOWNSHIP).only("pk", "code", "name"):
        for tag, name, kind in TOWN_UNITS:
            rows.append(
                Unit(code=f"BENCH-{tag}-{town.code[:9]}", name=f"{town.name}{name}",
                     unit_type=kind, region=town)
            )  # fmt: skip
    Unit.objects.bulk_create(rows, batch_size=2000)


@dataclass
class Grids:
    """Every grid with its chain (region ids from the province down), its county and
    township, and a weight that skews case volume (urban, Lanzhou and Tianshui larger)."""

    ids: list[int]
    chains: list[list[int]]
    county: list[int]
    township: list[int]
    weight: list[float]


def load_grids(seed: int) -> Grids:
    rng = random.Random(seed + 1)
    levels = dict(Region.objects.values_list("pk", "level"))
    out = Grids([], [], [], [], [])
    big_cities = {"620100000000": 3.0, "620500000000": 1.6, "620200000000": 1.4}
    city_codes = dict(Region.objects.filter(level=Level.CITY).values_list("pk", "code"))
    rows = Region.objects.filter(level=Level.GRID).values_list("pk", "path", "code")
    for pk, path, code in rows:
        chain = [int(p) for p in path.strip("/").split("/")]
        by_level = {levels[r]: r for r in chain}
        county = by_level.get(Level.COUNTY) or by_level[Level.CITY]
        township = by_level.get(Level.TOWNSHIP, county)
        city = city_codes.get(by_level.get(Level.CITY, 0), "")
        urban = 2.5 if int(code[9:12]) < 200 else 1.0
        out.ids.append(pk)
        out.chains.append(chain)
        out.county.append(county)
        out.township.append(township)
        out.weight.append(rng.lognormvariate(0, 0.9) * urban * big_cities.get(city, 1.0))
    return out


def unit_table() -> tuple[dict[tuple[int, str], list[int]], dict[int, list[int]]]:
    """(county id, tag) → unit ids, and township id → [government, mediation committee]."""
    by_county: dict[tuple[int, str], list[int]] = {}
    by_town: dict[int, list[int]] = {}
    for pk, code, region_id in Unit.objects.filter(code__startswith="BENCH-").values_list(
        "pk", "code", "region_id"
    ):
        tag = code.split("-")[1]
        if tag in ("ZF", "TW"):
            by_town.setdefault(region_id, []).append(pk)
        else:
            by_county.setdefault((region_id, tag), []).append(pk)
    return by_county, by_town
