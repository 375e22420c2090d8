"""Which visit tasks a user may see (AC-01): grid workers the tasks of the grids they act in,
officials the tasks in their view scope. Out of scope → 404 like missing (AC-02)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from fengqiao.accounts.models import Role, User
from fengqiao.accounts.scope import path_condition, scope_paths
from fengqiao.visits.models import VisitTask

GRID_ROLES = frozenset({Role.GRID_WORKER})
# Who creates visit tasks: the centre's operators and the region's administrators.
CREATOR_ROLES = frozenset({Role.OPERATOR, Role.REGION_ADMIN})


def visible_tasks(user: User) -> QuerySet[VisitTask]:
    return VisitTask.objects.filter(path_condition(scope_paths(user), field="grid__path"))


def my_tasks(user: User) -> QuerySet[VisitTask]:
    """A grid worker's tasks: in the grids they act in, for the grid or for themselves."""
    paths = scope_paths(user, act=True, roles=GRID_ROLES)
    mine = Q(worker__isnull=True) | Q(worker__user=user)
    return VisitTask.objects.filter(path_condition(paths, field="grid__path")).filter(mine)


def get_my_task(user: User, pk: int) -> VisitTask:
    task = my_tasks(user).select_related("grid", "worker", "case").filter(pk=pk).first()
    if task is None:
        raise Http404
    return task
