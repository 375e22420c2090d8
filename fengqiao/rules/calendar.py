"""The working-day calendar (工作日历): overrides, then `chinesecalendar`, then the weekday rule.

For one date the answer comes from, in this order:

1. a `CalendarOverride` row (an administrator entered it: certain);
2. the `chinesecalendar` package (official 调休 data for the years it covers: certain);
3. the weekday rule (Monday–Friday work), which is *certain* only for a year recorded in
   `CalendarYear` (its schedule was entered in full as overrides) and otherwise *uncertain*:
   the computation that used it is flagged and a warning is logged, never silently trusted.

`coverage_end()` is the last date known with certainty: the package's last year, extended by
consecutive `CalendarYear` rows. `coverage_warning(today)` warns, in Chinese, when that date is
within `settings.CALENDAR_COVERAGE_WARNING_DAYS` or already past.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import chinese_calendar
from chinese_calendar.constants import holidays as package_holidays
from django.conf import settings

logger = logging.getLogger(__name__)

_PACKAGE_YEARS = sorted({day.year for day in package_holidays})
PACKAGE_START = dt.date(_PACKAGE_YEARS[0], 1, 1)
PACKAGE_END = dt.date(_PACKAGE_YEARS[-1], 12, 31)


class DaySource(StrEnum):
    OVERRIDE = "override"
    PACKAGE = "package"
    PUBLISHED_YEAR = "published_year"
    WEEKDAY_FALLBACK = "weekday_fallback"


@dataclass(frozen=True)
class DayStatus:
    """Whether one date is a working day, and how we know."""

    day: dt.date
    is_workday: bool
    source: DaySource
    name: str = ""

    @property
    def uncertain(self) -> bool:
        return self.source is DaySource.WEEKDAY_FALLBACK


@dataclass(frozen=True)
class CoverageStatus:
    """What the console and the sweep show about the calendar's reach."""

    today: dt.date
    package_end: dt.date
    coverage_end: dt.date
    days_left: int
    warning_days: int
    published_years: list[int] = field(default_factory=list)
    warning: str | None = None


def warning_days() -> int:
    """The warning window in days (setting `CALENDAR_COVERAGE_WARNING_DAYS`)."""
    return int(settings.CALENDAR_COVERAGE_WARNING_DAYS)


def _fmt(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class WorkCalendar:
    """Answers "is this a working day?" for clock computations; one instance per computation
    batch (it holds the overrides in memory and remembers which answers were guesses)."""

    def __init__(
        self,
        overrides: Mapping[dt.date, tuple[bool, str]] | None = None,
        published_years: Iterable[int] = (),
    ) -> None:
        self.overrides: dict[dt.date, tuple[bool, str]] = dict(overrides or {})
        self.published_years: frozenset[int] = frozenset(published_years)

    @classmethod
    def from_db(cls) -> WorkCalendar:
        from fengqiao.rules.models import CalendarOverride, CalendarYear

        overrides = {
            day: (is_workday, name)
            for day, is_workday, name in CalendarOverride.objects.values_list(
                "date", "is_workday", "name"
            )
        }
        years = CalendarYear.objects.values_list("year", flat=True)
        return cls(overrides, years)

    def status(self, day: dt.date) -> DayStatus:
        if day in self.overrides:
            is_workday, name = self.overrides[day]
            return DayStatus(day, is_workday, DaySource.OVERRIDE, name)
        if PACKAGE_START <= day <= PACKAGE_END:
            is_workday = bool(chinese_calendar.is_workday(day))
            _on_holiday, name = chinese_calendar.get_holiday_detail(day)
            return DayStatus(day, is_workday, DaySource.PACKAGE, name or "")
        source = (
            DaySource.PUBLISHED_YEAR
            if day.year in self.published_years
            else DaySource.WEEKDAY_FALLBACK
        )
        return DayStatus(day, day.weekday() < 5, source)

    def is_workday(self, day: dt.date) -> bool:
        return self.status(day).is_workday

    def coverage_end(self) -> dt.date:
        end = PACKAGE_END
        while end.year + 1 in self.published_years:
            end = dt.date(end.year + 1, 12, 31)
        return end

    def uncertain_warning(self, first_uncertain: dt.date) -> str:
        return (
            f"期限计算用到了{_fmt(first_uncertain)}，超出工作日历覆盖范围（截至"
            f"{_fmt(self.coverage_end())}），且该年节假日安排尚未录入：已按周一至周五推算，"
            "结果待核实。"
        )

    def coverage_warning(
        self, today: dt.date, *, needed_until: dt.date | None = None
    ) -> str | None:
        """A Chinese warning for operators, or None when the calendar reaches far enough."""
        end = self.coverage_end()
        next_year = end.year + 1
        how = (
            f"请系统管理员依据国务院办公厅关于{next_year}年部分节假日安排的通知，"
            "在“工作日历调整”中逐日录入放假和调休上班日期，并登记该年为已录入全年安排。"
        )
        if today > end:
            return (
                f"工作日历已于{_fmt(end)}到期：{next_year}年的法定节假日和调休安排尚未录入，"
                "此后按工作日计算的期限只能按周一至周五推算并标记为“待核实”。" + how
            )
        if needed_until is not None and needed_until > end:
            return f"期限计算需要用到{_fmt(needed_until)}，但工作日历只覆盖至{_fmt(end)}。" + how
        days_left = (end - today).days
        if days_left <= warning_days():
            return (
                f"工作日历将于{_fmt(end)}到期（还剩{days_left}天）。国务院办公厅通常在每年"
                f"11月前后公布次年节假日安排。" + how
            )
        return None

    def coverage_status(self, today: dt.date) -> CoverageStatus:
        end = self.coverage_end()
        return CoverageStatus(
            today=today,
            package_end=PACKAGE_END,
            coverage_end=end,
            days_left=(end - today).days,
            warning_days=warning_days(),
            published_years=sorted(self.published_years),
            warning=self.coverage_warning(today),
        )


class DayTracker:
    """Asks a calendar about days during one computation and remembers the guessed ones."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.guessed: list[dt.date] = []

    def is_workday(self, day: dt.date) -> bool:
        status = self.calendar.status(day)
        if status.uncertain and day not in self.guessed:
            self.guessed.append(day)
        return status.is_workday

    def warnings(self) -> tuple[str, ...]:
        if not self.guessed:
            return ()
        message = self.calendar.uncertain_warning(min(self.guessed))
        logger.warning("clock computed beyond calendar coverage: %s", min(self.guessed))
        return (message,)


def coverage_end() -> dt.date:
    """The last date the stored calendar knows with certainty."""
    return WorkCalendar.from_db().coverage_end()


def coverage_warning(today: dt.date, *, needed_until: dt.date | None = None) -> str | None:
    """The operator warning for `today` (None when coverage reaches far enough)."""
    return WorkCalendar.from_db().coverage_warning(today, needed_until=needed_until)


def calendar_status(today: dt.date) -> CoverageStatus:
    """Everything the console, the sweep and the API show about calendar coverage."""
    return WorkCalendar.from_db().coverage_status(today)
