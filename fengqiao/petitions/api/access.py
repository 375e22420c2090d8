"""Finding a petition for a user: the engine's scope (404 out of view scope, AC-02), the
kind, and AC-10: an accusation is never shown to the users of the unit it accuses."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from fengqiao.accounts.models import User
from fengqiao.cases.access import cases_for, get_case_for_user
from fengqiao.cases.models import Case, CaseQuerySet, user_unit_ids
from fengqiao.cases.workflow import Kind
from fengqiao.petitions.models import PetitionType
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
