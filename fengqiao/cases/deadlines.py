"""Every deadline the cases app needs, computed in one place.

The clocks themselves — the working-day calendar with its override table, the versioned,
region-scoped clock rules with their statutory sources, the resolver — belong to the rules
app (`fengqiao.rules`, issue 3 §4). This module is the only caller: when the rules app is not
installed, no deadline is computed (``None``: "时限未配置") rather than a number invented here.
Hours and calendar days are plain arithmetic and need no calendar; working days always go
through the rules app.

Clock keys asked of the rules app: ``<kind>.handling`` (the whole case), ``<kind>.sign``
(an assignment's sign-for limit), refined by request type (``hotline.handling.complaint``)
when a rule for it exists — the resolver picks the most specific rule for the region.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any, Protocol

from django.apps import apps

from fengqiao.regions.models import Region

RULES_APP = "fengqiao.rules"


@dataclass(frozen=True)
class Due:
    """A computed deadline and the rule it came from (shown on the case as 时限依据)."""

    at: datetime
    basis: str


class _HasClock(Protocol):
    kind: str
    request_type: str
    region: Region


def _rules() -> ModuleType | None:
    if not apps.is_installed(RULES_APP):
        return None
    try:
        return importlib.import_module(f"{RULES_APP}.clocks")
    except ImportError:
        return None


def rules_available() -> bool:
    return _rules() is not None


def _clock_keys(case: _HasClock, event: str) -> list[str]:
    keys = [f"{case.kind}.{event}"]
    if case.request_type:
        keys.insert(0, f"{case.kind}.{event}.{case.request_type}")
    return keys


def _compute(case: _HasClock, event: str, start: datetime) -> Due | None:
    rules = _rules()
    if rules is None:
        return None
    for key in _clock_keys(case, event):
        try:
            result: Any = rules.due_for(key, start, region=case.region)
        except LookupError:  # fengqiao.rules.errors.RuleNotFound: no rule for this key
            continue
        return Due(at=result.due_at, basis=str(result.rule_code))
    return None


def due_for_case(case: _HasClock, *, start: datetime) -> Due | None:
    """The handling deadline of a case whose clock starts at `start` (registration)."""
    return _compute(case, "handling", start)


def due_for_assignment(case: _HasClock, *, start: datetime) -> Due | None:
    """The default deadline of a new assignment when the dispatcher names none."""
    return _compute(case, "handling", start)


def add_duration(start: datetime, amount: int, unit: str, region: Region) -> datetime | None:
    """`start` plus `amount` hours, calendar days or working days (None: no calendar)."""
    if unit == "hours":
        return start + timedelta(hours=amount)
    if unit == "calendar_days":
        return start + timedelta(days=amount)
    rules = _rules()
    if rules is None:
        return None
    result: datetime | None = rules.add_working_days(start, amount, region=region)
    return result


def elapsed(since: datetime, until: datetime, unit: str, region: Region) -> int | None:
    """Whole units between two instants (how long a case has been overdue)."""
    if until <= since:
        return 0
    if unit == "hours":
        return int((until - since).total_seconds() // 3600)
    if unit == "calendar_days":
        return (until - since).days
    rules = _rules()
    if rules is None:
        return None
    result: int = rules.working_days_between(since, until, region=region)
    return result


def shift_for_pause(
    due_at: datetime, *, paused_at: datetime, resumed_at: datetime, region: Region
) -> datetime:
    """The deadline after a pause: the paused span does not count. With the rules app the span
    is measured in working time; without it, in elapsed time (no day is counted twice)."""
    rules = _rules()
    if rules is not None and hasattr(rules, "shift_for_pause"):
        shifted: datetime = rules.shift_for_pause(
            due_at, paused_at=paused_at, resumed_at=resumed_at, region=region
        )
        return shifted
    return due_at + max(resumed_at - paused_at, timedelta(0))
