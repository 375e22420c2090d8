"""Access to one case for one user (style-anchors §3 example 10).

Out of view scope → Http404, exactly like a missing case (AC-02). In view scope but not
workable → NotAllowed (403): the user already knows the case exists.
"""

from __future__ import annotations

from django.http import Http404

from fengqiao.accounts.models import User
from fengqiao.cases.errors import NotAllowed
from fengqiao.cases.models import Case, CaseQuerySet, user_unit_ids
from fengqiao.regions.models import Region
from fengqiao.units.models import Unit


def cases_for(user: User, *, units: set[int] | None = None) -> CaseQuerySet:
    """The starting queryset of every case read path; `units` as in `visible_to`."""
    return Case.objects.visible_to(user, units=units)


def get_case_for_user(user: User, pk: int, *, act: bool = False) -> Case:
    """The case if the user may see it (and work on it, with act=True); 404 otherwise."""
    case = (
        cases_for(user)
        .select_related("region", "category", "lead_unit", "respondent_unit", "parent")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    if act and not Case.objects.workable_by(user).filter(pk=pk).exists():
        raise NotAllowed("您对该事项没有办理权限。", "You may view this case but not act on it.")
    return case


def redacts_complainants(case: Case, user: User, units: set[int] | None = None) -> bool:
    """AC-10: users of the unit complained about never see who complained. Pass the user's
    `user_unit_ids` when presenting many cases, to ask the database once."""
    if case.respondent_unit_id is None:
        return False
    return case.respondent_unit_id in (user_unit_ids(user) if units is None else units)


def unit_may_serve(unit: Unit, region: Region) -> bool:
    """A unit may be dispatched a case in `region` if it sits on the region's line (an
    ancestor or descendant of the region, or the region itself) or explicitly serves it."""
    if region.path.startswith(unit.region.path) or unit.region.path.startswith(region.path):
        return True
    return any(region.path.startswith(r.path) for r in unit.serves.all())
