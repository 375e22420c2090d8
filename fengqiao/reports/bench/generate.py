"""`fengqiao bench generate --cases N`: a realistic province of cases, fast.

Cases are drawn in chunks with numpy: grid (skewed area sizes), day (three years by default,
8 % yearly growth, the Spring Festival dip and the summer peak, fewer on weekends), kind and
channel, a seasonal category mix (heating in winter, noise and construction in summer, wage
arrears before the Spring Festival, land disputes in spring), then each case's life: answered
at once or dispatched, signed, handled for a random time (late for some), open if that time
has not come yet, rated, resolved or not, merged into an earlier case now and then.

On PostgreSQL each chunk goes in with one binary COPY into an unlogged stage and `INSERT …
SELECT` into the cases, their lead assignments and their `CaseFact` rows (pgload.py); the
rollups (`rollup_np.py`, the vectorised form of `measures.contribution`; a test checks the two
agree) are added up in memory across the chunks and written once at the end; a large load
drops the secondary indexes and constraints first and rebuilds them after.
SQLite gets plain INSERTs and upserts per chunk (small test provinces). No timeline rows are
written: the facts fall back to the case's own columns (facts.py).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection

from fengqiao.cases.models import Assignment, Case
from fengqiao.reports import upsert
from fengqiao.reports.bench import pgload, rollup_np, territory, writer
from fengqiao.reports.models import CaseFact
from fengqiao.units.models import Category

CST = ZoneInfo("Asia/Shanghai")
KINDS = ["hotline", "grid_event", "dispute", "petition", "police_referral"]
KIND_P = [0.55, 0.25, 0.12, 0.05, 0.03]
CHANNELS = {
    "hotline": (["hotline_phone", "hotline_web"], [0.7, 0.3]),
    "grid_event": (["grid_patrol"], [1.0]),
    "dispute": (["walk_in", "grid_patrol", "court", "police"], [0.4, 0.3, 0.15, 0.15]),
    "petition": (["online_petition", "letter", "petition_visit"], [0.5, 0.25, 0.25]),
    "police_referral": (["police"], [1.0]),
}
CHANNEL_NAMES = sorted({name for names, _ in CHANNELS.values() for name in names})
# Monthly volume (Jan … Dec): the Spring Festival dip, the summer peak.
SEASON = [0.85, 0.7, 1.0, 1.0, 1.05, 1.1, 1.2, 1.2, 1.05, 0.95, 1.0, 1.05]
# Seasonal categories: code → month multipliers (others 1.0 all year).
SEASONAL = {
    "RX0304": [3, 2.5, 1.5, 0.3, 0.1, 0.1, 0.1, 0.1, 0.2, 1, 3, 3.5],  # 供暖
    "RX0102": [0.3, 0.2, 0.8, 1.2, 1.5, 1.8, 2, 2, 1.5, 1, 0.5, 0.3],  # 施工扰民
    "RX0501": [0.5, 0.5, 0.8, 1, 1.3, 1.8, 2.2, 2.2, 1.4, 1, 0.7, 0.5],  # 噪声污染
    "RX0701": [3, 2, 0.8, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 1, 1.5, 3],  # 拖欠工资
    "TJ10": [2.5, 2, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.8, 1, 1.3, 2.5],  # 劳动争议
    "TJ07": [0.5, 0.6, 2, 2.5, 2, 1.2, 0.8, 0.8, 1, 1, 0.6, 0.5],  # 山林土地
    "TJ01": [1.3, 1.5, 1, 1, 1, 1, 1, 1, 1, 1.1, 1, 1.2],  # 婚姻家庭
}
TAXONOMY = {"hotline": "hotline", "grid_event": "grid", "dispute": "dispute",
            "petition": "hotline", "police_referral": "hotline"}  # fmt: skip
# (share answered/resolved on the spot, share ended otherwise and its state, share merged)
FATE = {
    "hotline": (0.18, 0.04, "rejected", 0.02),
    "grid_event": (0.55, 0.0, "", 0.01),
    "dispute": (0.0, 0.03, "declined", 0.02),
    "petition": (0.0, 0.10, "not_accepted", 0.02),
    "police_referral": (0.10, 0.05, "referred", 0.0),
}
DIRECT_STATE = {"hotline": "answered", "grid_event": "closed", "police_referral": "answered"}
CLOSED_STATE = {"hotline": "closed", "grid_event": "closed", "dispute": "performed",
                "petition": "concluded", "police_referral": "closed"}  # fmt: skip
OPEN_STATE = {"hotline": "handling", "grid_event": "handling", "dispute": "mediating",
              "petition": "accepted", "police_referral": "handling"}  # fmt: skip
# median handling days, and the deadline in calendar days from dispatch (None: no clock)
HANDLING = {"hotline": (3.0, 7), "grid_event": (2.0, None), "dispute": (10.0, 30),
            "petition": (25.0, 60), "police_referral": (2.0, 7)}  # fmt: skip
RESOLVED_P = {"hotline": 0.9, "grid_event": 0.95, "dispute": 0.9736, "petition": 0.8,
              "police_referral": 0.9}  # fmt: skip
COUNTY_TAG = {"hotline": "ZJ", "petition": "XF", "police_referral": "CG"}


@dataclass
class Options:
    cases: int
    years: int = 3
    end: dt.date | None = None
    seed: int = 20260301
    chunk: int = 200_000


def category_tables(months: int = 12) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per kind: leaf category ids, their top-level ids, and a 12 × n probability table."""
    out = {}
    for kind, taxonomy in TAXONOMY.items():
        rows = list(
            Category.objects.filter(taxonomy=taxonomy)
            .exclude(children__isnull=False)
            .values_list("pk", "parent_id", "code", "parent__code")
        )
        ids = np.array([r[0] for r in rows])
        top = np.array([r[1] or r[0] for r in rows])
        table = np.ones((months, len(rows)))
        for j, (_, _, code, parent_code) in enumerate(rows):
            season = SEASONAL.get(code) or SEASONAL.get(parent_code or "")
            if season:
                table[:, j] = season
        table /= table.sum(axis=1, keepdims=True)
        out[kind] = (ids, top, table)
    return out


class Generator:
    """Draws and writes the cases; `run()` returns the number written."""

    def __init__(self, options: Options, say: Callable[[str], None]) -> None:
        self.o, self.say = options, say
        self.rng = np.random.default_rng(options.seed)
        self.end = options.end or dt.datetime.now(CST).date()
        self.start = self.end.replace(year=self.end.year - options.years) + dt.timedelta(days=1)
        self.now = dt.datetime.combine(self.end, dt.time(23, 0), CST)
        self._lead_cache: dict[str, np.ndarray] = {}

    def prepare(self) -> None:
        territory.ensure_regions(self.say)
        grids = territory.ensure_grids(self.say, self.o.seed)
        territory.ensure_units()
        self.say(f"网格 {grids} 个；读取区划链与单位…")
        g = territory.load_grids(self.o.seed)
        self.grid_ids = np.array(g.ids)
        width = 6
        self.chains = np.zeros((len(g.ids), width), dtype=np.int64)
        for i, chain in enumerate(g.chains):
            self.chains[i, : len(chain)] = chain[:width]
        self.grid_county = np.array(g.county)
        self.grid_town = np.array(g.township)
        weight = np.array(g.weight)
        self.grid_p = weight / weight.sum()
        self.units_by_county, self.units_by_town = territory.unit_table()
        self.categories = category_tables()
        days = np.arange((self.end - self.start).days + 1)
        dates = [self.start + dt.timedelta(days=int(d)) for d in days]
        growth = np.array([1.08 ** ((d - self.start).days / 365) for d in dates])
        season = np.array([SEASON[d.month - 1] for d in dates])
        weekday = np.array([0.6 if d.weekday() >= 5 else 1.0 for d in dates])
        p = growth * season * weekday
        self.day_p = p / p.sum()
        self.month_of_day = np.array([d.month - 1 for d in dates])

    def run(self) -> int:
        self.prepare()
        if connection.vendor == "postgresql":
            return self._run_pg()
        return self._run_rows()

    def _run_rows(self) -> int:
        """Row inserts through the ORM's connection, on either database: SQLite, and small
        loads that should not touch the tables' indexes (the demo history)."""
        out = writer.Writer(self.say)
        first_id = out.next_case_id()
        done = 0
        while done < self.o.cases:
            n = min(self.o.chunk, self.o.cases - done)
            batch = self.draw(n, first_id + done)
            rollup_np.flush(batch, out.write(batch))
            done += n
            self.say(f"  已生成 {done}/{self.o.cases} 件")
        out.finish()
        return done

    def _run_pg(self) -> int:
        """PostgreSQL: binary COPY per chunk, partial rollup sums staged and added up once at
        the end; for a load at least as large as what is there, the loaded tables' secondary
        indexes and constraints are dropped first and rebuilt after (pgload.Deferred)."""
        pgload.session_settings()
        deferred = pgload.Deferred(self.say)
        deferred.restore()  # an interrupted earlier load
        rollup_np.clear_staged()
        out = writer.Writer(self.say)
        first_id = out.next_case_id()
        # inside a transaction (tests) the pending FK checks forbid ALTER TABLE
        bulk = self.o.cases >= first_id - 1 and not connection.in_atomic_block
        fresh = {c for c, cube in upsert.CUBES.items() if not cube.model._default_manager.exists()}
        if bulk:
            tables = [Case._meta.db_table, Assignment._meta.db_table, CaseFact._meta.db_table]
            tables += [upsert.CUBES[c].table for c in sorted(fresh)]
            deferred.drop(tables)
        sums = rollup_np.Accumulator()
        level_of = rollup_np.level_table()
        started = time.monotonic()
        done = 0
        while done < self.o.cases:
            n = min(self.o.chunk, self.o.cases - done)
            batch = self.draw(n, first_id + done)
            facts = out.write(batch)
            rollup_np.flush(batch, facts, into=sums, level_of=level_of)
            done += n
            rate = done / (time.monotonic() - started)
            self.say(f"  已生成 {done}/{self.o.cases} 件（{rate:.0f} 件/秒）")
        out.finish()
        self.say("汇总表：合并各批的部分和…")
        sums.write()
        for table, rows in rollup_np.merge_staged(fresh=fresh if bulk else set()).items():
            self.say(f"  {table}: {rows} 行")
        self.say("重建索引与约束…")
        deferred.restore()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return done

    # ------------------------------------------------------------------ drawing

    def _lognormal_days(self, median: float, n: int) -> np.ndarray:
        return self.rng.lognormal(np.log(median), 0.8, n)

    def draw(self, n: int, first_id: int) -> writer.Batch:
        rng = self.rng
        b = writer.Batch.empty(n, first_id)
        grid = rng.choice(len(self.grid_ids), n, p=self.grid_p)
        b.grid = self.grid_ids[grid]
        b.chain = self.chains[grid]
        day = rng.choice(len(self.day_p), n, p=self.day_p)
        seconds = rng.normal(14 * 3600, 3.5 * 3600, n).clip(0, 86399).astype(np.int64)
        base = dt.datetime.combine(self.start, dt.time(0), CST).timestamp()
        b.received = base + day * 86400 + seconds
        b.kind = rng.choice(len(KINDS), n, p=KIND_P)
        month = self.month_of_day[day]
        for k, kind in enumerate(KINDS):
            idx = np.nonzero(b.kind == k)[0]
            if not len(idx):
                continue
            names, probs = CHANNELS[kind]
            b.channel[idx] = rng.choice(names, len(idx), p=probs)
            ids, top, table = self.categories[kind]
            for m in range(12):
                sub = idx[month[idx] == m]
                if len(sub):
                    pick = rng.choice(len(ids), len(sub), p=table[m])
                    b.category[sub], b.category_top[sub] = ids[pick], top[pick]
            self._fate(b, idx, kind, grid[idx])
        return b

    def _fate(self, b: writer.Batch, idx: np.ndarray, kind: str, grid: np.ndarray) -> None:
        rng, n = self.rng, len(idx)
        direct_p, other_p, other_state, merged_p = FATE[kind]
        u = rng.random(n)
        merged = u < merged_p
        direct = (u >= merged_p) & (u < merged_p + direct_p)
        other = (u >= merged_p + direct_p) & (u < merged_p + direct_p + other_p)
        handled = ~(merged | direct | other)
        received = b.received[idx]
        now = self.now.timestamp()
        b.status[idx] = "found" if kind == "grid_event" else "registered"
        # merged into an earlier case of the same chunk, counted as 并单
        merged &= idx > 0
        sel = idx[merged]
        back = rng.integers(1, 500, len(sel))
        b.status[sel] = "merged"
        b.is_open[sel] = False
        b.parent[sel] = b.id[np.maximum(sel - back, 0)]
        # answered at once / resolved on site, or ended otherwise
        quick = received + rng.integers(120, 1800, n)
        ends = ((direct, DIRECT_STATE.get(kind, ""), 1), (other, other_state, -1))
        for mask, state, resolved in ends:
            sel = idx[mask & (quick <= now)]
            b.status[sel] = state
            b.closed[sel] = quick[mask & (quick <= now)]
            b.resolved[sel] = resolved
            b.is_open[sel] = False
        # dispatched: a lead unit, a deadline, a sign-for, handling time
        assigned = received + rng.uniform(0.2, 3, n) * 3600
        signed = assigned + rng.exponential(6 * 3600, n)
        median, limit = HANDLING[kind]
        closed = signed + self._lognormal_days(median, n) * 86400
        disp = handled & (assigned <= now)
        sel = idx[disp]
        b.assigned[sel] = assigned[disp]
        b.signed[sel] = np.where(signed[disp] <= now, signed[disp], np.nan)
        b.lead[sel] = self._leads(kind, grid[disp])
        if kind == "petition":
            complained = disp & (rng.random(n) < 0.6)
            b.respondent[idx[complained]] = self._leads("hotline", grid[complained])
        if limit is not None:
            due_day = np.floor((assigned[disp] + 8 * 3600) / 86400) + limit
            b.due[sel] = due_day * 86400 - 8 * 3600 + 86399  # 23:59:59 local on the last day
        finished = disp & (closed <= now)
        fin = idx[finished]
        b.closed[fin] = closed[finished]
        b.status[fin] = CLOSED_STATE[kind]
        b.is_open[fin] = False
        r = rng.random(n)[finished]
        b.resolved[fin] = np.where(r < RESOLVED_P[kind], 1, np.where(r < 0.98, 0, -1))
        if kind == "dispute":
            b.status[fin[b.resolved[fin] != 1]] = "terminated"
            b.resolved[fin[b.resolved[fin] == -1]] = 0
        if kind in ("hotline", "police_referral", "petition"):
            b.callback[fin] = b.closed[fin]
            rating = rng.choice(["satisfied", "basic", "dissatisfied", "unreachable"],
                                len(fin), p=[0.8, 0.12, 0.05, 0.03])  # fmt: skip
            b.satisfaction[fin] = rating
        still = idx[disp & ~finished]
        b.status[still] = np.where(np.isnan(b.signed[still]), "dispatched", OPEN_STATE[kind])
        waiting = idx[handled & ~disp]
        b.status[waiting] = "registered" if kind != "grid_event" else "reported"
        late_open = b.is_open[idx] & (b.due[idx] < now)
        b.overdue_open[idx[late_open]] = True
        b.supervision[idx[late_open]] = np.minimum(
            3, 1 + ((now - b.due[idx[late_open]]) // (7 * 86400)).astype(np.int64)
        )
        b.repeat[idx[(rng.random(n) < 0.03) & (kind == "hotline")]] = True

    def _lead_table(self, key: str) -> np.ndarray:
        """Per grid index: the lead unit for `key` ("grid_event", "dispute" or a county
        department tag), falling back to the township's first unit, else 0."""
        cached = self._lead_cache.get(key)
        if cached is not None:
            return cached
        out = np.zeros(len(self.grid_ids), dtype=np.int64)
        for g in range(len(self.grid_ids)):
            county, town = int(self.grid_county[g]), int(self.grid_town[g])
            if key == "grid_event":
                units = self.units_by_town.get(town, [])[:1]
            elif key == "dispute":
                units = self.units_by_town.get(town, [])[1:]
            else:
                units = self.units_by_county.get((county, key), [])
            if not units:
                units = self.units_by_town.get(town, [0])
            out[g] = units[0]
        self._lead_cache[key] = out
        return out

    def _leads(self, kind: str, grid: np.ndarray) -> np.ndarray:
        if kind in ("grid_event", "dispute"):
            picked: np.ndarray = self._lead_table(kind)[grid]
            return picked
        tags = [COUNTY_TAG.get(kind, "ZJ"), "HB", "CG", "SJ", "RS", "JT"]
        out = np.zeros(len(grid), dtype=np.int64)
        turn = np.arange(len(grid)) % len(tags)
        for t, tag in enumerate(tags):
            sel = turn == t
            out[sel] = self._lead_table(tag)[grid[sel]]
        return out
