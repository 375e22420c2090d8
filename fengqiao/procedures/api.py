"""The timers of a case as the dispute and petition APIs show them (every clock visible on
the case: what runs, since when, until when, by which rule, paused, extended, met)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from ninja import Schema

from fengqiao.cases.models import Case
from fengqiao.procedures.timers import views


class TimerOut(Schema):
    code: str
    name: str
    basis: str
    primary: bool
    started_at: datetime
    due_at: datetime
    running: bool
    paused: bool
    overdue: bool
    met: bool | None
    stopped_at: datetime | None
    extended: bool
    uncertain: bool
    warnings: list[str]


def timers_out(case: Case) -> list[TimerOut]:
    return [TimerOut(**view.__dict__) for view in views(case, timezone.now())]
