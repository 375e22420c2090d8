"""Demo history for the 统计看板 (DEMO ONLY): two years of cases in the demo grids, so the
dashboard has trends, 同比/环比 and rankings to show at first sight.

Made with the statistics benchmark's generator (`fengqiao.reports.bench.generate`: seasonal
category mix, skewed grid sizes, realistic handling times, some late, some merged), limited to
the demo grids and to units of the demo counties and townships. The generator writes the
cases, lead assignments, `CaseFact` rows and rollups together, exactly as the sync would count
them (its own test checks that), so the dashboard reads them like any other case. The cases
carry no parties and no personal information; their title is the category's name and the
description says they are generated. They end yesterday: today's cases are the hand-made ones
of `demo_cases.py`. Running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.db import connection
from django.utils import timezone

from fengqiao.cases.actions.intake import RECEIPT_PREFIX
from fengqiao.cases.models import Case
from fengqiao.cases.workflow import Kind
from fengqiao.regions.models import Level, Region
from fengqiao.reports.bench import generate
from fengqiao.reports.bench.territory import COUNTY_UNITS, TOWN_UNITS
from fengqiao.units.models import Category, Unit

DESCRIPTION = "演示历史数据（自动生成，仅供演示统计看板）"
CASES = 4000
YEARS = 2
SEED = 20261124
# Units the hand-made demo (demo_cases.py) already has: reuse them for the same tag.
ALIASES = {
    ("HB", "620102"): "DEMO-ENV-620102",
    ("ZJ", "620102"): "DEMO-HOUSE-620102",
    ("CG", "620102"): "DEMO-CITY-620102",
    ("ZF", "620102001"): "DEMO-GOV-620102001",
}


class DemoHistory(generate.Generator):
    """The benchmark generator on the demo grids only (no grids or units added elsewhere)."""

    def prepare(self) -> None:
        grids = list(
            Region.objects.filter(level=Level.GRID, source="demo", retired_on__isnull=True)
            .order_by("code")
            .values_list("pk", "path", "code", "households")
        )
        levels = dict(Region.objects.filter(level__lt=Level.GRID).values_list("pk", "level"))
        chains, county, town, weight = [], [], [], []
        rng = np.random.default_rng(self.o.seed + 1)
        for _pk, path, _code, households in grids:
            chain = [int(p) for p in path.strip("/").split("/")]
            by_level = {levels.get(r, Level.GRID): r for r in chain}
            county.append(by_level[Level.COUNTY])
            town.append(by_level[Level.TOWNSHIP])
            chains.append(chain[:6] + [0] * (6 - len(chain[:6])))
            weight.append(float(rng.lognormal(0, 0.6)) * (households or 300) / 300)
        self.grid_ids = np.array([g[0] for g in grids])
        self.chains = np.array(chains, dtype=np.int64)
        self.grid_county = np.array(county)
        self.grid_town = np.array(town)
        w = np.array(weight)
        self.grid_p = w / w.sum()
        self.units_by_county, self.units_by_town = _units(set(county), set(town))
        self.categories = generate.category_tables()
        days = [self.start + dt.timedelta(days=d) for d in range((self.end - self.start).days + 1)]
        p = np.array(
            [
                1.08 ** ((d - self.start).days / 365)
                * generate.SEASON[d.month - 1]
                * (0.6 if d.weekday() >= 5 else 1.0)
                for d in days
            ]
        )
        self.day_p = p / p.sum()
        self.month_of_day = np.array([d.month - 1 for d in days])

    def run(self) -> int:
        """A few thousand cases: plain row inserts on either database, never the bulk path
        that drops and rebuilds the tables' indexes."""
        self.prepare()
        return self._run_rows()


def _units(
    counties: set[int], towns: set[int]
) -> tuple[dict[tuple[int, str], list[int]], dict[int, list[int]]]:
    """Departments of each demo county and the government and mediation committee of each
    demo township (DEMO- codes), as the generator's unit tables."""
    by_county: dict[tuple[int, str], list[int]] = {}
    by_town: dict[int, list[int]] = defaultdict(list)
    for region in Region.objects.filter(pk__in=counties | towns).order_by("code"):
        is_county = region.level == Level.COUNTY
        prefix = region.code[:6] if is_county else region.code[:9]
        for tag, name, unit_type in COUNTY_UNITS if is_county else TOWN_UNITS:
            code = ALIASES.get((tag, prefix), f"DEMO-{tag}-{prefix}")
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                unit = Unit.objects.create(
                    code=code, name=f"{region.name}{name}", unit_type=unit_type, region=region
                )
            if is_county:
                by_county[(region.pk, tag)] = [unit.pk]
            else:
                by_town[region.pk].append(unit.pk)
    return by_county, dict(by_town)


def _dress(first_id: int) -> None:
    """Titles from the category, a demo description and receipt numbers like real ones
    (kind prefix, local date, a sequence from 90001 so they never meet the day's counter)."""
    rows = (
        Case.objects.filter(pk__gte=first_id)
        .order_by("pk")
        .values_list("pk", "kind", "received_at", "category__name")
    )
    sequence: dict[str, int] = defaultdict(lambda: 90000)
    values = []
    for pk, kind, received_at, category in rows:
        day = timezone.localtime(received_at).strftime("%Y%m%d")
        key = f"{RECEIPT_PREFIX.get(Kind(kind), 'QT')}{day}"
        sequence[key] += 1
        title = f"{category or '其他'}问题反映"
        values.append((f"{key}{sequence[key]:05d}", title, DESCRIPTION, pk))
    # one statement per row: the generated rows, like the generator's own writes, in raw SQL
    # (a bulk_update's CASE expressions are slow on SQLite)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Case._meta.db_table} SET receipt_no = %s, title = %s, description = %s "
            "WHERE id = %s",
            values,
        )


def populate_history(*, cases: int = CASES, today: dt.date | None = None) -> int:
    """Add the demo history; returns how many cases were added (0 when it exists already,
    or when the demo grids or the category taxonomies are missing)."""
    if Case.objects.filter(description=DESCRIPTION).exists():
        return 0
    if not Region.objects.filter(level=Level.GRID, source="demo").exists():
        return 0
    if not Category.objects.filter(taxonomy="hotline").exists():
        return 0
    end = (today or timezone.localdate()) - dt.timedelta(days=1)
    options = generate.Options(cases=cases, years=YEARS, end=end, seed=SEED, chunk=cases)
    history = DemoHistory(options, lambda text: None)
    first_id = int(Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    written = history.run()
    _dress(first_id)
    return written
