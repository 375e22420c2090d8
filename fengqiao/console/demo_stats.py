"""Demo history for the 统计看板 (DEMO ONLY): two years of cases in the demo grids, so the
dashboard has trends, 同比/环比 and rankings to show at first sight.

Made with the statistics benchmark's generator (`fengqiao.reports.bench.generate`: seasonal
category mix, skewed grid sizes, realistic handling times, some late, some merged), limited to
the demo grids and to units of the demo counties and townships. The generator writes the
cases, lead assignments, `CaseFact` rows and rollups together, exactly as the sync would count
them (its own test checks that), so the dashboard reads them like any other case. Cases
received more than `OPEN_DAYS` before the end that the draw left open are closed before they
are written (`DemoHistory.settle`), so the operator's worklists hold the hand-made cases and a
handful of recent generated ones, while 办结量, 按期办结率 and 满意率 stay realistic. Their title
is the category's name and the description says they are generated; `demo_history.py` gives
each an invented, encrypted party, a timeline and the lead unit's reply. They end yesterday:
today's cases are the hand-made ones of `demo_cases.py`. Running it twice adds nothing.
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
from fengqiao.console import demo_history
from fengqiao.regions.models import Level, Region
from fengqiao.reports.bench import generate, writer
from fengqiao.reports.bench.territory import COUNTY_UNITS, TOWN_UNITS
from fengqiao.units.models import Category, Unit

DESCRIPTION = "演示历史数据（自动生成，仅供演示统计看板）"
CASES = 4000
YEARS = 2
# Generated cases received more than this many days before the end are closed (`settle`):
# the worklists keep the hand-made cases and a handful of recent generated ones.
OPEN_DAYS = 30
SEED = 20261124
# Units the hand-made demo (demo_cases.py) already has: reuse them for the same tag.
ALIASES = {
    ("HB", "620102"): "DEMO-ENV-620102",
    ("ZJ", "620102"): "DEMO-HOUSE-620102",
    ("CG", "620102"): "DEMO-CITY-620102",
    ("ZF", "620102001"): "DEMO-GOV-620102001",
}
# The department a 12345 order, a referral or a petition goes to, by its top-level hotline
# category (the hand-made demo's 派单目录: 城乡建设 → 城管, 住房与物业 → 住建, 噪声 → 环保);
# the others go to the township's government (ZF is no county tag: the generator's lead
# table falls back to the township's first unit).
LEAD_OF_CATEGORY = {
    "RX01": "CG", "RX02": "ZJ", "RX03": "ZJ", "RX04": "JT", "RX05": "HB", "RX06": "SJ",
    "RX07": "RS", "RX09": "SJ",
}  # fmt: skip


class DemoHistory(generate.Generator):
    """The benchmark generator on the demo grids only (no grids or units added elsewhere),
    with the demo's settling of old cases (`settle`) applied to every drawn batch before it
    is written and counted, so the rollups count the settled cases."""

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
        self.grid_index = {int(pk): i for i, pk in enumerate(self.grid_ids)}
        self.top_codes = dict(
            Category.objects.filter(parent__isnull=True).values_list("pk", "code")
        )
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

    def draw(self, n: int, first_id: int) -> writer.Batch:
        batch = super().draw(n, first_id)
        self.settle(batch)
        return batch

    def settle(self, b: writer.Batch) -> None:
        """Cases received more than `OPEN_DAYS` before the end that the draw left open are
        closed as a centre closes its old cases: dispatched (if they were not), signed,
        closed between their sign-for and a few days before the end, with a result and —
        where the kind has a callback — a rating, exactly as the generator closes the others.
        Then, so that every case can have a timeline in its own machine: open petitions
        waiting for the organ's sign-for are `routed` (the petition machine's name for it),
        orders, referrals and petitions go to the department of their category, and a
        declined dispute was declined by the committee it was sent to."""
        rng = self.rng
        now = self.now.timestamp()
        old = np.flatnonzero(b.is_open & (b.received < now - OPEN_DAYS * 86400))
        waiting = old[np.isnan(b.assigned[old])]
        for k, kind in enumerate(generate.KINDS):
            sel = waiting[b.kind[waiting] == k]
            if not len(sel):
                continue
            grid = np.array([self.grid_index[int(g)] for g in b.grid[sel]], dtype=np.int64)
            b.assigned[sel] = b.received[sel] + rng.uniform(0.2, 3, len(sel)) * 3600
            b.lead[sel] = self._leads(kind, grid)
            limit = generate.HANDLING[kind][1]
            if limit is not None:
                due_day = np.floor((b.assigned[sel] + 8 * 3600) / 86400) + limit
                b.due[sel] = due_day * 86400 - 8 * 3600 + 86399
        unsigned = old[np.isnan(b.signed[old])]
        b.signed[unsigned] = b.assigned[unsigned] + rng.exponential(6 * 3600, len(unsigned))
        signed = b.signed[old]
        cut = now - rng.uniform(1, 5, len(old)) * 86400
        closed = signed + (cut - signed) * rng.uniform(0.6, 1.0, len(old))
        b.closed[old] = np.minimum(np.maximum(closed, signed + 3600), now)
        b.is_open[old] = False
        b.overdue_open[old] = False
        b.supervision[old] = 0
        for k, kind in enumerate(generate.KINDS):
            sel = old[b.kind[old] == k]
            if not len(sel):
                continue
            b.status[sel] = generate.CLOSED_STATE[kind]
            resolved = rng.random(len(sel)) < generate.RESOLVED_P[kind]
            b.resolved[sel] = resolved.astype(np.int64)
            if kind == "dispute":
                b.status[sel[~resolved]] = "terminated"
            if kind in ("hotline", "police_referral", "petition"):
                b.callback[sel] = b.closed[sel]
                b.satisfaction[sel] = rng.choice(
                    ["satisfied", "basic", "dissatisfied", "unreachable"],
                    len(sel),
                    p=[0.8, 0.12, 0.05, 0.03],
                )
        petition = generate.KINDS.index("petition")
        b.status[(b.kind == petition) & (b.status == "dispatched")] = "routed"
        self._leads_by_category(b)
        self._declined_by_committee(b)

    def _declined_by_committee(self, b: writer.Batch) -> None:
        """A dispute is declined by the mediation committee it was sent to (the machine's
        `decline` leaves from 已分派): dispatched half-way to its end, and the committee's
        decline is its response."""
        dispute = generate.KINDS.index("dispute")
        rows = np.flatnonzero((b.kind == dispute) & (b.status == "declined") & (b.lead == 0))
        if not len(rows):
            return
        grid = np.array([self.grid_index[int(g)] for g in b.grid[rows]], dtype=np.int64)
        b.lead[rows] = self._leads("dispute", grid)
        b.assigned[rows] = b.received[rows] + (b.closed[rows] - b.received[rows]) / 2
        b.signed[rows] = b.closed[rows]

    def _leads_by_category(self, b: writer.Batch) -> None:
        """The lead of a dispatched order, referral or petition: the department of its
        category in the case's county (`LEAD_OF_CATEGORY`), not the generator's turn."""
        kinds = [generate.KINDS.index(k) for k in ("hotline", "police_referral", "petition")]
        rows = np.flatnonzero(np.isin(b.kind, kinds) & (b.lead != 0))
        if not len(rows):
            return
        grid = np.array([self.grid_index[int(g)] for g in b.grid[rows]], dtype=np.int64)
        tags = np.array(
            [LEAD_OF_CATEGORY.get(self.top_codes.get(int(c), ""), "ZF") for c in
             b.category_top[rows]]
        )  # fmt: skip
        for tag in np.unique(tags):
            sel = tags == tag
            b.lead[rows[sel]] = self._lead_table(str(tag))[grid[sel]]


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


def _address(village: str | None, pk: int) -> str:
    """An invented place in the grid's village: 畅家巷社区12号楼, 李家庄村3组."""
    base = (village or "").removesuffix("居民委员会").removesuffix("居委会")
    base = base.removesuffix("村民委员会").removesuffix("村委会")
    if not base:
        return ""
    if base.endswith("社区"):
        return f"{base}{pk % 24 + 1}号楼"
    return f"{base}{'' if base.endswith('村') else '村'}{pk % 8 + 1}组"


def _dress(first_id: int) -> None:
    """Titles from the category, a demo description, an address in the grid's village and
    receipt numbers like real ones (kind prefix, local date, a sequence from 90001 so they
    never meet the day's counter)."""
    rows = (
        Case.objects.filter(pk__gte=first_id)
        .order_by("pk")
        .values_list("pk", "kind", "received_at", "category__name", "grid__parent__name")
    )
    sequence: dict[str, int] = defaultdict(lambda: 90000)
    values = []
    for pk, kind, received_at, category, village in rows:
        day = timezone.localtime(received_at).strftime("%Y%m%d")
        key = f"{RECEIPT_PREFIX.get(Kind(kind), 'QT')}{day}"
        sequence[key] += 1
        title = f"{category or '其他'}问题反映"
        receipt = f"{key}{sequence[key]:05d}"
        values.append((receipt, title, DESCRIPTION, _address(village, pk), pk))
    # one statement per row: the generated rows, like the generator's own writes, in raw SQL
    # (a bulk_update's CASE expressions are slow on SQLite)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Case._meta.db_table} SET receipt_no = %s, title = %s, description = %s, "
            "address = %s WHERE id = %s",
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
    demo_history.add_history_rows(first_id)
    return written
