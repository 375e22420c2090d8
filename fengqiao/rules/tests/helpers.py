"""Small builders for the clock tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fengqiao.rules.models import ClockRule, DurationUnit, RuleKind

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The official 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04, published by
# Xinhua, e.g. https://politics.gmw.cn/2025-11/04/content_38391083.htm): 中秋节 9月25日–27日;
# 国庆节 10月1日–7日; make-up workdays 9月20日（周日）and 10月10日（周六）; 春节 2月15日–23日
# with 2月14日、2月28日（周六）上班; 劳动节 5月1日–5日 with 5月9日（周六）上班; 清明 4月4日–6日;
# 端午 6月19日–21日; 元旦 1月1日–3日 with 1月4日（周日）上班.


def at(day: str, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    """A Shanghai-local aware datetime on an ISO date."""
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(hour, minute, second), tzinfo=SHANGHAI
    )


def end_of(day: str) -> dt.datetime:
    return at(day, 23, 59, 59)


def rule(
    duration: int,
    unit: str = DurationUnit.WORKING_DAYS,
    *,
    code: str = "test.clock",
    roll: bool = True,
) -> ClockRule:
    """An unsaved limit rule (no database needed)."""
    return ClockRule(
        code=code,
        name=code,
        kind=RuleKind.LIMIT,
        duration=duration,
        unit=unit,
        roll_forward_on_holiday=roll,
        version=1,
    )


def extension_rule(
    extends: str, duration: int, unit: str = DurationUnit.CALENDAR_DAYS, *, max_times: int = 1
) -> ClockRule:
    return ClockRule(
        code=f"{extends}.extension",
        name=f"{extends} 延长",
        kind=RuleKind.EXTENSION,
        extends_code=extends,
        duration=duration,
        unit=unit,
        max_times=max_times,
        version=1,
    )
