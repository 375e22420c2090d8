"""Statistics periods and their comparison periods (同比: the same period a year earlier;
环比: the period just before, of the same length).

Codes: `2026-03` (month), `2026-Q1` (quarter), `2026` (year), `2026-01..2026-03` (months),
`2026-W12` (ISO week, Monday–Sunday), `2026-03-01..2026-03-15` (days). Month-based periods
read the monthly rollups (every level); week and day periods read the daily rollup, which
stops at county level (docs/reports.md §2).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTH, DAY = "month", "day"
QUARTERS = "一二三四"


class PeriodError(ValueError):
    """A period code that cannot be read (message in Chinese)."""


@dataclass(frozen=True)
class Period:
    code: str
    label: str
    grain: str  # MONTH or DAY
    start: date
    end: date  # inclusive
    shape: str  # month | quarter | year | months | week | days

    @property
    def buckets(self) -> list[date]:
        """First days of the months (month grain) or every day (day grain)."""
        if self.grain == DAY:
            return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]
        out, current = [], self.start
        while current <= self.end:
            out.append(current)
            current = add_months(current, 1)
        return out


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month(year: int, month_no: int) -> Period:
    start = date(year, month_no, 1)
    return Period(
        f"{year}-{month_no:02d}", f"{year}年{month_no}月", MONTH, start, _month_end(start), "month"
    )


def quarter(year: int, q: int) -> Period:
    start = date(year, 3 * q - 2, 1)
    end = _month_end(date(year, 3 * q, 1))
    return Period(f"{year}-Q{q}", f"{year}年第{QUARTERS[q - 1]}季度", MONTH, start, end, "quarter")


def year(y: int) -> Period:
    return Period(str(y), f"{y}年", MONTH, date(y, 1, 1), date(y, 12, 31), "year")


def months(first: date, last: date) -> Period:
    if last < first:
        raise PeriodError("结束月份早于开始月份。")
    code = f"{first:%Y-%m}..{last:%Y-%m}"
    label = f"{first.year}年{first.month}月至{last.year}年{last.month}月"
    if first.year == last.year:
        label = f"{first.year}年{first.month}—{last.month}月"
    return Period(code, label, MONTH, first, _month_end(last), "months")


def week(y: int, w: int) -> Period:
    try:
        start = date.fromisocalendar(y, w, 1)
    except ValueError as exc:
        raise PeriodError(f"{y}年没有第{w}周。") from exc
    end = start + timedelta(days=6)
    label = f"{y}年第{w}周（{start.month}月{start.day}日—{end.month}月{end.day}日）"
    return Period(f"{y}-W{w:02d}", label, DAY, start, end, "week")


def days(first: date, last: date) -> Period:
    if (last - first).days > 400:
        raise PeriodError("按日统计的区间不能超过400天，请按月份统计。")
    return _days(first, last)


def _days(first: date, last: date) -> Period:
    """A day range without the length limit: a 同比 period may be one day longer than the
    period itself when it crosses 29 February."""
    if last < first:
        raise PeriodError("结束日期早于开始日期。")
    label = f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日"
    return Period(f"{first:%Y-%m-%d}..{last:%Y-%m-%d}", label, DAY, first, last, "days")


def parse(code: str) -> Period:
    """The period a code names; PeriodError with a Chinese message otherwise."""
    text = (code or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            return month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            return quarter(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})", text):
            return year(int(m[1]))
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", text):
            return week(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})", text):
            return months(date(int(m[1]), int(m[2]), 1), date(int(m[3]), int(m[4]), 1))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
            return days(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
    except ValueError as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError("统计期中的年月日无效。") from exc
    raise PeriodError(
        "统计期格式应为 2026-03（月）、2026-Q1（季）、2026（年）、2026-W12（周）、"
        "2026-01..2026-03 或 2026-03-01..2026-03-15。"
    )


def _shift_year(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def year_before(p: Period) -> Period:
    """同比: the same period one year earlier."""
    if p.shape == "month":
        return month(p.start.year - 1, p.start.month)
    if p.shape == "quarter":
        return quarter(p.start.year - 1, (p.start.month + 2) // 3)
    if p.shape == "year":
        return year(p.start.year - 1)
    if p.shape == "months":
        return months(_shift_year(p.start, -1), _shift_year(p.end.replace(day=1), -1))
    if p.shape == "week":
        iso_year, iso_week, _ = p.start.isocalendar()
        weeks = date(iso_year - 1, 12, 28).isocalendar()[1]
        return week(iso_year - 1, min(iso_week, weeks))
    return _days(_shift_year(p.start, -1), _shift_year(p.end, -1))


def before(p: Period) -> Period | None:
    """环比: the period just before, of the same length (none for a whole year)."""
    if p.shape == "month":
        first = add_months(p.start, -1)
        return month(first.year, first.month)
    if p.shape == "quarter":
        first = add_months(p.start, -3)
        return quarter(first.year, (first.month + 2) // 3)
    if p.shape == "year":
        return None
    if p.shape == "months":
        count = len(p.buckets)
        return months(add_months(p.start, -count), add_months(p.start, -1))
    length = (p.end - p.start).days + 1
    first = p.start - timedelta(days=length)
    if p.shape == "week":
        iso = first.isocalendar()
        return week(iso[0], iso[1])
    return days(first, p.start - timedelta(days=1))


def current_month(today: date) -> Period:
    return month(today.year, today.month)


def last_finished(cadence: str, today: date) -> Period:
    """The latest period of a cadence that has ended before `today`."""
    if cadence == "weekly":
        last_week_day = today - timedelta(days=today.isoweekday())
        iso = last_week_day.isocalendar()
        return week(iso[0], iso[1])
    first = add_months(today.replace(day=1), -1)
    return month(first.year, first.month)
