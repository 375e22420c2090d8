"""PII-02: which fields of which models may be unmasked, and where each object lives in the
territory so that unmasking is scoped like everything else.

An app whose model holds personal information registers it with one line, e.g.

    register("regions.gridworker", fields=("phone",), region_path="grids__path")

`region_path` is the ORM lookup from the model to `Region.path` (through a foreign key or a
many-to-many relation). The generic endpoint `POST /api/v1/pii/unmask` and the action
`fengqiao.audit.actions.do_unmask` use this registry and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import QuerySet

from fengqiao.accounts.models import User
from fengqiao.accounts.policy import UNMASK_ROLES, admin_paths
from fengqiao.accounts.scope import path_condition


@dataclass(frozen=True)
class Unmaskable:
    """A model with personal-information fields that may be shown in full on request."""

    label: str
    fields: frozenset[str]
    region_path: str

    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)


REGISTRY: dict[str, Unmaskable] = {}


def register(label: str, *, fields: Iterable[str], region_path: str) -> None:
    label = label.lower()
    REGISTRY[label] = Unmaskable(label, frozenset(fields), region_path)


def lookup(label: str) -> Unmaskable | None:
    return REGISTRY.get(label.lower())


def unmask_paths(user: User) -> list[str]:
    """The subtrees in which the user may unmask: act scope of an unmasking role."""
    return admin_paths(user, UNMASK_ROLES)


def objects_in_scope(user: User, entry: Unmaskable) -> QuerySet[models.Model]:
    """The entry's objects lying in the user's unmask scope (404 for everything else)."""
    condition = path_condition(unmask_paths(user), field=entry.region_path)
    return entry.model()._default_manager.filter(condition).distinct()


register("regions.gridworker", fields=("phone",), region_path="grids__path")
