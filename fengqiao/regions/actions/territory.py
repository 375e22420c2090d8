"""Writes to the territory: imports, versioned changes and boundaries.

Territory changes are versioned, never silent rewrites: each writes a `RegionChange` with the
state before and after. Regions are never deleted; a retired region keeps `retired_on`, its
`successor` and its place in the tree, so records filed under it still roll up to the
ancestors they had. When a move makes a code break the child-prefix invariant (rule 1), the
moved subtree is re-coded and the old → new codes are kept in the change (`resolve_code`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F

from fengqiao.accounts.models import User
from fengqiao.audit.actions import record
from fengqiao.regions import codes, geo
from fengqiao.regions.bulk import BuildResult, NodeSpec, bulk_build
from fengqiao.regions.models import ChangeKind, Level, Region, RegionChange
from fengqiao.regions.tree import create_region, move_subtree


class RegionChangeError(ValueError):
    """A territory change that the rules refuse (message in Chinese, for the caller)."""


# ---------------------------------------------------------------- imports


@transaction.atomic
def do_import_regions(
    specs: Sequence[NodeSpec],
    *,
    actor: User | None,
    source: str,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Create the regions not present yet (imports are idempotent: existing codes are left as
    they are) and audit the import as one bulk operation; nothing created, nothing written."""
    result = bulk_build(specs, progress=progress)
    if result.total_created:
        record(
            "region.import",
            actor=actor,
            object_type="regions.region",
            data={
                "source": source,
                "created": {str(level): n for level, n in sorted(result.created.items())},
                "unchanged": result.unchanged,
                "differing": len(result.differing),
            },
        )
        if Level.GRID in result.created:
            geo.invalidate()
    return result


# ---------------------------------------------------------------- versioned changes


def _change(
    kind: ChangeKind,
    region: Region,
    *,
    actor: User | None,
    effective_on: date,
    document: str,
    before: dict[str, Any],
    after: dict[str, Any],
    related: Sequence[Region] = (),
) -> RegionChange:
    change = RegionChange.objects.create(
        kind=kind,
        region=region,
        effective_on=effective_on,
        document=document,
        before=before,
        after=after,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    if related:
        change.related.set(related)
    record(
        f"region.{kind}",
        actor=actor,
        obj=region,
        data={"code": region.code, "before": before, "after": after, "document": document},
    )
    return change


def _require_active(region: Region, what: str = "该区划") -> None:
    if region.retired_on is not None:
        raise RegionChangeError(f"{what}“{region.name}”已于 {region.retired_on} 撤销。")


def _check_code(code: str, *, level: int, parent: Region | None) -> None:
    try:
        codes.ensure_valid(code, level=level, parent=parent.code if parent else None)
    except codes.CodeError as exc:
        raise RegionChangeError(str(exc)) from exc
    if parent is not None and codes.parent_code(code) != parent.code:
        raise RegionChangeError(f"代码“{code}”的上级应为“{codes.parent_code(code)}”。")
    if Region.objects.filter(code=code).exists():
        raise RegionChangeError(f"代码“{code}”已被使用（含已撤销的区划）。")


@transaction.atomic
def do_create_region(
    *,
    code: str,
    name: str,
    parent: Region | None,
    actor: User | None,
    effective_on: date,
    document: str = "",
    **fields: Any,
) -> Region:
    """Create one region whose code is valid for its parent (rules 1 and 3)."""
    level = codes.level_of(code)
    if level is None:
        raise RegionChangeError(f"代码“{code}”格式错误。")
    if parent is not None:
        _require_active(parent, "上级")
    _check_code(code, level=level, parent=parent)
    region = create_region(
        code=code, name=name, level=level, parent=parent, valid_from=effective_on, **fields
    )
    _change(
        ChangeKind.CREATE,
        region,
        actor=actor,
        effective_on=effective_on,
        document=document,
        before={},
        after={"code": code, "name": name, "parent": parent.code if parent else None},
    )
    if region.is_grid and region.boundary:
        geo.invalidate()
    return region


@transaction.atomic
def do_rename(
    region: Region, *, name: str, actor: User | None, effective_on: date, document: str = ""
) -> Region:
    """Rename; the old name stays in the change history (`name_on`)."""
    _require_active(region)
    name = name.strip()
    if not name or name == region.name:
        raise RegionChangeError("新名称不能为空，也不能与原名称相同。")
    before = {"name": region.name}
    Region.objects.filter(pk=region.pk).update(name=name)
    region.name = name
    _change(
        ChangeKind.RENAME,
        region,
        actor=actor,
        effective_on=effective_on,
        document=document,
        before=before,
        after={"name": name},
    )
    return region


def name_on(region: Region, day: date) -> str:
    """The region's name as it was on `day`, read back from the rename history."""
    renames = region.changes.filter(kind=ChangeKind.RENAME).order_by("effective_on", "pk")
    later = [change for change in renames if change.effective_on > day]
    return str(later[0].before["name"]) if later else region.name


def _free_code(code: str, parent: Region) -> str:
    """`code` re-prefixed under `parent`, or a free sequence in the same segment range."""
    prefix = codes.significant_prefix(parent.code)
    level = codes.level_of(code)
    assert level is not None
    width = codes.PREFIX_LENGTH[level] - len(prefix)
    if level == Level.VILLAGE:
        ranges: Sequence[codes.SegmentRange] = codes.VILLAGE_SEGMENT_RANGES
    elif level == Level.TOWNSHIP and width == 3:
        ranges = codes.TOWNSHIP_SEGMENT_RANGES
    else:
        ranges = (codes.SegmentRange(1, 10**width - 1, "", None, ""),)
    sequence = int(code[len(prefix) : codes.PREFIX_LENGTH[level]])
    entry = codes.find_range(ranges, sequence) or ranges[0]
    tail = code[codes.PREFIX_LENGTH[level] :]
    taken = set(
        Region.objects.filter(code__startswith=prefix, level=level).values_list("code", flat=True)
    )
    used = [
        int(other[len(prefix) : codes.PREFIX_LENGTH[level]])
        for other in taken
        if other.endswith(tail)
    ]
    in_range = [n for n in used if entry.covers(n)]
    after_last = max(in_range, default=entry.low - 1) + 1
    # Like NBS: keep the sequence if free, else append after the last one used, else fill a gap.
    for candidate in [
        sequence,
        *range(after_last, entry.high + 1),
        *range(entry.low, entry.high + 1),
    ]:
        new = f"{prefix}{candidate:0{width}d}{tail}"
        if new not in taken:
            return new
    raise RegionChangeError(f"“{parent.name}”下已无可用的{entry.kind}代码。")


def _move(region: Region, new_parent: Region, new_code: str | None) -> dict[str, str]:
    """Move a subtree under `new_parent`, re-coding it if rule 1 requires; old → new codes."""
    _require_active(new_parent, "新上级")
    if new_parent.path.startswith(region.path):
        raise RegionChangeError("不能把区划移到它自己的下级之下。")
    if new_parent.level >= region.level:
        raise RegionChangeError(f"新上级的层级（{new_parent.get_level_display()}）不高于本区划。")
    if new_code is None:
        fits = codes.parent_code(region.code) == new_parent.code
        new_code = region.code if fits else _free_code(region.code, new_parent)
    if new_code != region.code:
        _check_code(new_code, level=region.level, parent=new_parent)
    elif codes.parent_code(new_code) != new_parent.code:
        raise RegionChangeError(f"代码“{new_code}”与新上级“{new_parent.code}”的前缀不符。")
    move_subtree(region, new_parent)
    if new_code == region.code:
        return {}
    old_prefix = codes.significant_prefix(region.code)
    new_prefix = codes.significant_prefix(new_code)
    recoded: dict[str, str] = {}
    for pk, code in Region.objects.filter(path__startswith=region.path).values_list("pk", "code"):
        new = new_prefix + code[len(old_prefix) :]
        recoded[code] = new
        if Region.objects.filter(code=new).exclude(pk=pk).exists():
            raise RegionChangeError(f"重新编码后的代码“{new}”已被使用。")
        Region.objects.filter(pk=pk).update(code=new)
    region.refresh_from_db()
    return recoded


@transaction.atomic
def do_reparent(
    region: Region,
    *,
    new_parent: Region,
    actor: User | None,
    effective_on: date,
    new_code: str | None = None,
    document: str = "",
) -> Region:
    """Change 隶属: the subtree's paths are rewritten (`tree.move_subtree`) and, where the
    code no longer carries the new parent's prefix, the subtree is re-coded."""
    _require_active(region)
    if region.parent_id == new_parent.pk:
        raise RegionChangeError("新上级与原上级相同。")
    before = {"parent": region.parent.code if region.parent else None, "code": region.code}
    recoded = _move(region, new_parent, new_code)
    _change(
        ChangeKind.REPARENT,
        region,
        actor=actor,
        effective_on=effective_on,
        document=document,
        before=before,
        after={"parent": new_parent.code, "code": region.code, "recoded": recoded},
        related=[new_parent],
    )
    return region


def _retire_row(region: Region, effective_on: date, successor: Region | None) -> None:
    Region.objects.filter(pk=region.pk).update(retired_on=effective_on, successor=successor)
    region.retired_on, region.successor = effective_on, successor


@transaction.atomic
def do_retire(
    region: Region,
    *,
    actor: User | None,
    effective_on: date,
    successor: Region | None = None,
    cascade: bool = False,
    document: str = "",
) -> Region:
    """Retire (撤销) a region; it stays in the tree. Active descendants must be moved first,
    or retired with it (`cascade=True`)."""
    _require_active(region)
    if successor is not None:
        _require_active(successor, "承继区划")
    active = Region.objects.subtree(region).active().exclude(pk=region.pk)
    if active.exists() and not cascade:
        raise RegionChangeError(f"“{region.name}”还有 {active.count()} 个未撤销的下级。")
    cascaded = sorted(active.values_list("code", flat=True))
    active.update(retired_on=effective_on)
    _retire_row(region, effective_on, successor)
    _change(
        ChangeKind.RETIRE,
        region,
        actor=actor,
        effective_on=effective_on,
        document=document,
        before={"retired_on": None},
        after={
            "retired_on": effective_on.isoformat(),
            "successor": successor.code if successor else None,
            "cascaded": cascaded,
        },
        related=[successor] if successor else [],
    )
    if region.level >= Level.VILLAGE:
        geo.invalidate()
    return region


@transaction.atomic
def do_merge(
    sources: Sequence[Region],
    *,
    into: Region,
    actor: User | None,
    effective_on: date,
    document: str = "",
) -> Region:
    """Merge (撤并) `sources` into `into`: their active children move under `into` (re-coded
    where needed) and the sources retire with `into` as successor."""
    _require_active(into, "合并目标")
    if not sources:
        raise RegionChangeError("至少需要一个被合并的区划。")
    recoded: dict[str, str] = {}
    for source in sources:
        _require_active(source)
        if source.pk == into.pk or source.level != into.level:
            raise RegionChangeError(f"“{source.name}”不能并入“{into.name}”（同级且不同）。")
        for child in source.children.filter(retired_on__isnull=True).order_by("code"):
            recoded.update(_move(child, into, None))
        _retire_row(source, effective_on, into)
    _change(
        ChangeKind.MERGE,
        into,
        actor=actor,
        effective_on=effective_on,
        document=document,
        before={"sources": [source.code for source in sources]},
        after={"into": into.code, "recoded": recoded},
        related=list(sources),
    )
    geo.invalidate()
    return into


@transaction.atomic
def do_split(
    region: Region,
    *,
    parts: Sequence[tuple[str, str]],
    assign: Mapping[str, str],
    actor: User | None,
    effective_on: date,
    document: str = "",
) -> list[Region]:
    """Split (拆分) a region into new `parts` (code, name) under the same parent; every active
    child is assigned to a part by code (`assign`: child code → part code). The region retires
    with the first part as its principal successor; all parts are in the change."""
    _require_active(region)
    if len(parts) < 2:
        raise RegionChangeError("拆分至少需要两个新区划。")
    parent = region.parent
    created = [
        do_create_region(
            code=code,
            name=name,
            parent=parent,
            actor=actor,
            effective_on=effective_on,
            document=document,
        )
        for code, name in parts
    ]
    by_code = {part.code: part for part in created}
    children = list(region.children.filter(retired_on__isnull=True).order_by("code"))
    unassigned = [child.code for child in children if assign.get(child.code) not in by_code]
    if unassigned:
        raise RegionChangeError(f"以下下级未指定归属或归属无效：{'、'.join(unassigned)}。")
    recoded: dict[str, str] = {}
    for child in children:
        recoded.update(_move(child, by_code[assign[child.code]], None))
    _retire_row(region, effective_on, created[0])
    _change(
        ChangeKind.SPLIT,
        region,
        actor=actor,
        effective_on=effective_on,
        document=document,
        before={"code": region.code, "name": region.name},
        after={"parts": [part.code for part in created], "recoded": recoded},
        related=created,
    )
    geo.invalidate()
    return created


def resolve_code(code: str) -> Region | None:
    """The region carrying `code` now, or the one it was re-coded to by a later change."""
    seen: set[str] = set()
    while code not in seen:
        region = Region.objects.filter(code=code).first()
        if region is not None:
            return region
        seen.add(code)
        change = RegionChange.objects.filter(after__recoded__has_key=code).order_by("-pk").first()
        if change is None:
            return None
        code = str(change.after["recoded"][code])
    return None


# ---------------------------------------------------------------- geometry


@transaction.atomic
def do_set_boundary(
    region: Region, *, boundary: dict[str, Any] | None, actor: User | None, is_demo: bool = False
) -> Region:
    """Set or clear a region's GeoJSON boundary (validated by `geo.check_geometry`)."""
    if boundary is not None:
        problem = geo.check_geometry(boundary)
        if problem:
            raise RegionChangeError(problem)
    Region.objects.filter(pk=region.pk).update(
        boundary=boundary, boundary_is_demo=is_demo, boundary_rev=F("boundary_rev") + 1
    )
    region.refresh_from_db()
    record("region.boundary", actor=actor, obj=region, data={"code": region.code})
    geo.invalidate()
    return region
