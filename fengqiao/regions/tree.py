"""Building and moving nodes of the region tree while keeping `path` right."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from fengqiao.regions.models import Region


@transaction.atomic
def create_region(
    *, code: str, name: str, level: int, parent: Region | None = None, **fields: Any
) -> Region:
    """Insert a node and set its materialized path from its parent's."""
    region = Region.objects.create(
        code=code, name=name, level=level, parent=parent, path="", **fields
    )
    region.path = f"{parent.path if parent else '/'}{region.pk}/"
    Region.objects.filter(pk=region.pk).update(path=region.path)
    return region


@transaction.atomic
def move_subtree(region: Region, new_parent: Region) -> None:
    """Re-point `region` under `new_parent` and rewrite the paths of its whole subtree."""
    old_prefix = region.path
    new_prefix = f"{new_parent.path}{region.pk}/"
    Region.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr(F("path"), len(old_prefix) + 1))
    )
    Region.objects.filter(pk=region.pk).update(parent=new_parent)
    region.refresh_from_db()
