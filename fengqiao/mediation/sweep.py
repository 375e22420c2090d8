"""The mediation sweep step (rule 30): when a labour dispute's mediation term ran out with no
agreement, the parties are told — once — that they may now apply for labour arbitration
(劳动争议调解仲裁法 第十四条). The term's rule (`labour.mediation`) names the source; the
message carries it, never a number written here. A second run finds nothing to do."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from fengqiao.cases.actions.engine import note
from fengqiao.cases.models import Case, CaseTransition
from fengqiao.mediation.actions.common import tell_parties
from fengqiao.mediation.clocks import LABOUR_TERM
from fengqiao.mediation.machine import DISPUTE_KINDS
from fengqiao.procedures.models import CaseTimer

ACTION = "labour_arbitration_open"
ROUTES = "可以依法向劳动争议仲裁委员会申请仲裁"


def tell_arbitration_open(now: dt.datetime) -> int:
    """Running labour mediation terms past their due instant whose parties were not told."""
    expired = CaseTimer.objects.filter(
        code=LABOUR_TERM,
        stopped_at__isnull=True,
        paused_at__isnull=True,
        due_at__lt=now,
        case__kind__in=DISPUTE_KINDS,
        case__is_open=True,
    ).select_related("case__region")
    return sum(_tell(timer) for timer in expired)


@transaction.atomic
def _tell(timer: CaseTimer) -> int:
    case = Case.objects.select_for_update().get(pk=timer.case_id)
    if CaseTransition.objects.filter(case=case, action=ACTION, data__timer=timer.pk).exists():
        return 0
    basis = timer.basis
    note(
        case,
        ACTION,
        actor=None,
        reason=f"劳动争议调解期满未达成调解协议，当事人{ROUTES}（{basis}）",
        data={"timer": timer.pk, "basis": basis},
    )
    tell_parties(case, "mediation.routes_told", {"routes": ROUTES, "reason": "labour_term_expired"})
    return 1
