"""Finding a dispute for a user: the cases engine's scope (404 out of view scope, AC-02;
403 visible but not workable), then the kind (any other kind answers 404 here)."""

from __future__ import annotations

from django.http import Http404

from fengqiao.accounts.models import User
from fengqiao.cases.access import get_case_for_user
from fengqiao.cases.models import Case
from fengqiao.mediation.machine import DISPUTE_KINDS
from fengqiao.units.models import Unit


def get_dispute(user: User, case_id: int, *, act: bool = False) -> Case:
    case = get_case_for_user(user, case_id, act=act)
    if case.kind not in DISPUTE_KINDS:
        raise Http404
    return case


def unit_by_code(code: str | None) -> Unit | None:
    if not code:
        return None
    return Unit.objects.filter(code=code, is_active=True).select_related("region").first()
