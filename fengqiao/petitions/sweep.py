"""The petitions' sweep step: an item whose 30-day window for 复查 (or 复核) has run out with
no request is concluded (办结). A second run finds nothing to do."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from fengqiao.cases.actions.engine import move
from fengqiao.cases.errors import CaseError
from fengqiao.cases.models import Case
from fengqiao.cases.workflow import Kind
from fengqiao.procedures.actions import do_stop_timer
from fengqiao.procedures.models import CaseTimer

WINDOWS = {"decided": "petition.review_request", "reviewed": "petition.recheck_request"}


def conclude_expired(now: dt.datetime) -> int:
    changed = 0
    for state, code in WINDOWS.items():
        expired = CaseTimer.objects.filter(
            code=code,
            stopped_at__isnull=True,
            due_at__lt=now,
            case__kind=Kind.PETITION,
            case__status=state,
        ).select_related("case__region")
        for timer in expired:
            changed += _conclude(timer.case, code, now)
    return changed


@transaction.atomic
def _conclude(case: Case, code: str, now: dt.datetime) -> int:
    try:
        move(case, "expire", actor=None, reason="请求期满，信访人未请求复查/复核")
    except CaseError:
        return 0  # someone moved it first (a request came in): nothing to conclude
    do_stop_timer(case, code, at=now, actor=None, reason="期满")
    from fengqiao.petitions.actions.common import close_matter

    close_matter(case)
    return 1
