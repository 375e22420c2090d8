"""Creating many regions at once (division imports, file imports, the demo).

`tree.create_region` costs two statements per node; a province has about 19,000 nodes. Here
nodes are inserted level by level with `bulk_create`, and each level's paths are then set by
one UPDATE that appends the node's own pk to its parent's path (a correlated subquery, fine on
SQLite and PostgreSQL alike). Parents always sit at a lower level, so their paths are ready.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from fengqiao.regions.models import Region

BATCH_SIZE = 2000


@dataclass(frozen=True)
class NodeSpec:
    """One region to create; `parent_code` None only for a province."""

    code: str
    name: str
    level: int
    parent_code: str | None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class BuildResult:
    """What a bulk build did: created counts per level, nodes already present (unchanged),
    and nodes present with different data (left alone; change them with the do_* actions)."""

    created: Counter[int] = field(default_factory=Counter)
    unchanged: int = 0
    differing: list[str] = field(default_factory=list)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


class MissingParent(ValueError):
    """A spec names a parent that neither exists nor is being created."""


def _set_paths(level: int) -> None:
    # order_by() drops Meta.ordering: with "ORDER BY code LIMIT 1" PostgreSQL may walk the
    # whole code index for every row (minutes for a province) instead of one pkey lookup.
    parent = Region.objects.filter(pk=OuterRef("parent_id")).order_by()
    parent_path = Subquery(parent.values("path")[:1])
    Region.objects.filter(level=level, path="").update(
        path=Concat(
            Coalesce(parent_path, Value("/")),
            Cast("pk", output_field=CharField()),
            Value("/"),
            output_field=CharField(),
        )
    )


def _existing(codes: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(codes), BATCH_SIZE):
        rows = Region.objects.filter(code__in=codes[start : start + BATCH_SIZE]).values(
            "pk", "code", "name", "level", "parent__code"
        )
        found.update((row["code"], dict(row)) for row in rows)
    return found


@transaction.atomic
def bulk_build(
    specs: Iterable[NodeSpec], *, progress: Callable[[str], None] | None = None
) -> BuildResult:
    """Create every spec whose code does not exist yet; existing codes are compared, never
    rewritten, so running the same build twice changes nothing."""
    by_level: dict[int, list[NodeSpec]] = {}
    for spec in specs:
        by_level.setdefault(spec.level, []).append(spec)
    wanted = {spec.code for specs_ in by_level.values() for spec in specs_}
    parent_codes = {
        spec.parent_code for specs_ in by_level.values() for spec in specs_ if spec.parent_code
    }
    existing = _existing(sorted(wanted | parent_codes))
    pk_by_code: dict[str, int] = {code: row["pk"] for code, row in existing.items()}
    result = BuildResult()
    for level in sorted(by_level):
        new: list[Region] = []
        for spec in by_level[level]:
            row = existing.get(spec.code)
            if row is not None:
                same = (row["name"], row["level"], row["parent__code"]) == (
                    spec.name,
                    spec.level,
                    spec.parent_code,
                )
                if same:
                    result.unchanged += 1
                else:
                    result.differing.append(spec.code)
                continue
            parent_id = pk_by_code.get(spec.parent_code) if spec.parent_code else None
            if spec.parent_code and parent_id is None:
                raise MissingParent(f"“{spec.code}”的上级“{spec.parent_code}”不存在。")
            new.append(
                Region(
                    code=spec.code,
                    name=spec.name,
                    level=spec.level,
                    parent_id=parent_id,
                    path="",
                    **spec.fields,
                )
            )
        if not new:
            continue
        Region.objects.bulk_create(new, batch_size=BATCH_SIZE)
        _set_paths(level)
        created_codes = [node.code for node in new]
        for start in range(0, len(created_codes), BATCH_SIZE):
            chunk = created_codes[start : start + BATCH_SIZE]
            pk_by_code.update(Region.objects.filter(code__in=chunk).values_list("code", "pk"))
        result.created[level] += len(new)
        if progress:
            progress(f"  层级 {level}：新建 {len(new)} 个")
    return result


def refresh_statistics() -> None:
    """A bulk import changes the table by orders of magnitude: on PostgreSQL, refresh the
    planner's statistics at once instead of waiting for autovacuum, so that the first tree
    queries after an import do not run on plans made for an empty table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Region._meta.db_table}")
