"""System check fengqiao.rules.W001: the working-day calendar is about to run out (or has).

Tagged `database`: Django runs it on `migrate` and `manage.py check --database default`, not on
a plain `check`, so the code's CI does not depend on the date; operators see it when they deploy
(docs/clocks.md §2.3). The console and the sweep call `calendar.calendar_status` directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

from fengqiao.rules.calendar import WorkCalendar


@checks.register(checks.Tags.database)
def calendar_coverage_check(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    if not databases:
        return []
    try:
        calendar = WorkCalendar.from_db()
    except DatabaseError:  # tables not migrated yet: the package alone decides
        calendar = WorkCalendar()
    warning = calendar.coverage_warning(timezone.localdate())
    if warning is None:
        return []
    return [
        checks.Warning(
            warning,
            hint="后台：时限规则与工作日历 → 工作日历调整；说明见 docs/clocks.md §2。",
            id="fengqiao.rules.W001",
        )
    ]
