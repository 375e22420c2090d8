"""Numbers the statistics use, read from `ReportSetting` rows (data with their source,
shipped by migration 0002; changed by a data migration, not in code); the defaults cover a
database where the row was deleted, and say so in the setting's label."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fengqiao.reports.models import ReportSetting

# key → (default, label, source). Migration 0002 writes these rows.
DEFAULTS: dict[str, tuple[Any, str, str]] = {
    "response_window_hours": (
        24,
        "响应时限（小时）：派单后主办单位在此时限内签收即计为响应",
        "设计取值：北京市接诉即办工作条例第三十二条以响应率考核，但未给出定义"
        "（domain-rules §10 规则16，(U)）；可按地方考核办法修改",
    ),
    "ranking_min_sample": (
        30,
        "排名最小样本量：分母少于此数的单位或区划不参与排名",
        "设计取值：2025年国办《关于进一步规范和提升12345热线服务的意见》要求分档分类评价、"
        "不片面追求排名（domain-rules §2.1）；样本过小的比率不可比",
    ),
    "pack_keep_days": (
        730,
        "定期报表包保存天数",
        "设计取值：保存两个年度，便于同比；可按档案管理规定修改",
    ),
}


def setting(key: str) -> Any:
    row = ReportSetting.objects.filter(key=key).values_list("value", flat=True).first()
    return DEFAULTS[key][0] if row is None else row


def response_window() -> timedelta:
    return timedelta(hours=float(setting("response_window_hours")))


def ranking_min_sample() -> int:
    return int(setting("ranking_min_sample"))
