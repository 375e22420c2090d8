"""Property test: any sequence of versioned changes keeps the tree and its history sound.

After every step: paths extend the parent's path, codes carry the parent's prefix (rule 1),
a refused change writes nothing, every change has exactly one audit row, every code that
ever existed still resolves, and a record filed under any region (retired or not) rolls up
to exactly the ancestors its path names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fengqiao.audit.models import AuditEntry
from fengqiao.regions import actions, codes
from fengqiao.regions.actions import RegionChangeError
from fengqiao.regions.models import Level, Region, RegionChange
from fengqiao.testing import Territory

START = date(2026, 1, 1)


def active(level: int) -> list[Region]:
    return list(Region.objects.active().filter(level=level).order_by("code"))


class Empty(Exception):
    """Nothing left to pick (e.g. every grid retired): the step is skipped."""


def pick(data: st.DataObject, items: list[Region]) -> Region:
    if not items:
        raise Empty
    return data.draw(st.sampled_from(items))


def check_invariants(seen_codes: set[str]) -> None:
    regions = {r.pk: r for r in Region.objects.all()}
    for region in regions.values():
        parent = regions.get(region.parent_id) if region.parent_id else None
        assert region.path == (parent.path if parent else "/") + f"{region.pk}/", region
        assert codes.parent_code(region.code) == (parent.code if parent else None), region
        assert not codes.errors(codes.validate_code(region.code, level=region.level))
        # the ancestors named by the path are exactly the chain of parents
        chain: list[int] = []
        node: Region | None = region
        while node is not None:
            chain.append(node.pk)
            node = regions.get(node.parent_id) if node.parent_id else None
        assert [int(p) for p in region.path.strip("/").split("/")] == chain[::-1]
        if region.retired_on is not None and region.level > Level.TOWNSHIP:
            assert region.successor_id is None or region.successor_id in regions
    assert AuditEntry.objects.count() == RegionChange.objects.count()
    for code in seen_codes:
        assert actions.resolve_code(code) is not None, code


Step = Callable[[st.DataObject, date], None]


def rename(data: st.DataObject, day: date) -> None:
    region = pick(data, list(Region.objects.active()))
    actions.do_rename(region, name=f"{region.name}新", actor=None, effective_on=day)


def move_village(data: st.DataObject, day: date) -> None:
    village = pick(data, active(Level.VILLAGE))
    town = pick(data, active(Level.TOWNSHIP))
    actions.do_reparent(village, new_parent=town, actor=None, effective_on=day)


def move_grid(data: st.DataObject, day: date) -> None:
    grid = pick(data, active(Level.GRID))
    village = pick(data, active(Level.VILLAGE))
    actions.do_reparent(grid, new_parent=village, actor=None, effective_on=day)


def retire_grid(data: st.DataObject, day: date) -> None:
    grids = active(Level.GRID)
    grid = pick(data, grids)
    successor = data.draw(st.sampled_from([None, *[g for g in grids if g != grid]]))
    actions.do_retire(grid, successor=successor, actor=None, effective_on=day)


def merge_towns(data: st.DataObject, day: date) -> None:
    towns = active(Level.TOWNSHIP)
    source = pick(data, towns)
    into = pick(data, towns)
    actions.do_merge([source], into=into, actor=None, effective_on=day)


def add_grid(data: st.DataObject, day: date) -> None:
    village = pick(data, active(Level.VILLAGE))
    taken = set(Region.objects.filter(parent=village).values_list("code", flat=True))
    seq = next(n for n in range(1, 1000) if codes.grid_code(village.code, n) not in taken)
    actions.do_create_region(
        code=codes.grid_code(village.code, seq),
        name=f"新网格{seq}",
        parent=village,
        actor=None,
        effective_on=day,
    )


def add_village(data: st.DataObject, day: date) -> None:
    town = pick(data, active(Level.TOWNSHIP))
    kind = data.draw(st.sampled_from([1, 201]))
    taken = set(
        Region.objects.filter(code__startswith=town.code[:9]).values_list("code", flat=True)
    )
    seq = next(n for n in range(kind, kind + 199) if f"{town.code[:9]}{n:03d}" not in taken)
    actions.do_create_region(
        code=f"{town.code[:9]}{seq:03d}", name="新社区", parent=town, actor=None, effective_on=day
    )


STEPS: list[Step] = [
    rename,
    move_village,
    move_grid,
    retire_grid,
    merge_towns,
    add_grid,
    add_village,
]


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_random_change_sequences_keep_the_tree_sound(
    territory: Territory, data: st.DataObject
) -> None:
    with transaction.atomic():
        seen = set(Region.objects.values_list("code", flat=True))
        for number in range(data.draw(st.integers(1, 8))):
            step = data.draw(st.sampled_from(STEPS))
            before = (RegionChange.objects.count(), AuditEntry.objects.count())
            snapshot = list(Region.objects.order_by("pk").values())
            try:
                step(data, START + timedelta(days=number))
                event(f"{step.__name__} done")
            except Empty:
                event(f"{step.__name__} skipped")
            except RegionChangeError:
                event(f"{step.__name__} refused")
                # a refused change leaves no trace at all
                assert (RegionChange.objects.count(), AuditEntry.objects.count()) == before
                assert list(Region.objects.order_by("pk").values()) == snapshot
            seen |= set(Region.objects.values_list("code", flat=True))
            check_invariants(seen)
        transaction.set_rollback(True)
