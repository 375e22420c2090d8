"""Finding a petition for a user: the engine's scope (404 out of view scope, AC-02), the
kind, and AC-10: an accusation is never shown to the users of the unit it accuses."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import scope_paths
from fengqiao.cases.access import cases_for, get_case_for_user
from fengqiao.cases.actions.engine import CENTRE_ROLES, acts_in_region
from fengqiao.cases.models import Case, CaseQuerySet, user_unit_ids
from fengqiao.cases.workflow import Kind
from fengqiao.petitions.models import PetitionType, Recommendation
from fengqiao.units.models import Unit


def accused_condition(user: User) -> Q:
    """Accusations about one of the user's units."""
    units = user_unit_ids(user)
    if not units:
        return Q(pk__in=[])
    return Q(petition__petition_type=PetitionType.ACCUSATION) & (
        Q(respondent_unit_id__in=units) | Q(petition__about_unit_id__in=units)
    )


def petitions_for(user: User) -> CaseQuerySet:
    return cases_for(user).filter(kind=Kind.PETITION).exclude(accused_condition(user))


def get_petition(user: User, case_id: int, *, act: bool = False) -> Case:
    case = get_case_for_user(user, case_id, act=act)
    if (
        case.kind != Kind.PETITION
        or Case.objects.filter(pk=case.pk).filter(accused_condition(user)).exists()
    ):
        raise Http404
    return case


def unit_by_code(code: str | None) -> Unit | None:
    if not code:
        return None
    return Unit.objects.filter(code=code, is_active=True).select_related("region").first()


def region_reader(user: User, case: Case) -> bool:
    """Sees the item through a region role (not only as a member of a unit that holds it)."""
    path = case.region.path
    return any(path.startswith(p) for p in scope_paths(user))


def recommendations_for(user: User, case: Case) -> QuerySet[Recommendation]:
    """The recommendations made from an item that the user may read: all of them for a reader
    of the item's region; for a member of a unit that only holds the item, those addressed to
    one of the user's units (an accountability recommendation about a unit's staff is not
    shown to that unit unless it was sent to it)."""
    qs = Recommendation.objects.filter(case=case).select_related("issuer", "to_unit")
    if region_reader(user, case):
        return qs
    return qs.filter(to_unit_id__in=user_unit_ids(user))


def may_record_recommendations(user: User, case: Case) -> bool:
    """提出建议 and 登记采纳情况 are the 信访部门's (an operator or region administrator acting
    in the item's region), exactly as `do_make_recommendation` checks."""
    return acts_in_region(user, case, CENTRE_ROLES)
