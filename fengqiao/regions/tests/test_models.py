"""Model predicates and the tree helpers (models.py, tree.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from fengqiao.regions.models import (
    ChangeKind,
    GridAssignment,
    GridWorker,
    Level,
    Region,
    RegionChange,
)
from fengqiao.regions.tree import create_region, move_subtree
from fengqiao.testing import Territory

pytestmark = pytest.mark.django_db


def test_ancestors_run_from_the_root(territory: Territory) -> None:
    chain = list(territory.grid_a1.ancestors().values_list("code", flat=True))
    assert chain == [
        "620000000000",
        "620100000000",
        "620102000000",
        "620102001000",
        "620102001001",
        "620102001001001",
    ]
    assert list(territory.province.ancestors()) == [territory.province]


def test_subtree_and_within_paths(territory: Territory) -> None:
    town = set(Region.objects.subtree(territory.town).values_list("code", flat=True))
    assert town == {"620102001000", "620102001001", "620102001001001", "620102001001002"}
    both = Region.objects.within_paths([territory.grid_a1.path, territory.other_village.path])
    assert set(both.values_list("code", flat=True)) == {
        "620102001001001",
        "620103001001",
        "620103001001001",
    }
    assert not Region.objects.within_paths([]).exists()


def test_active_excludes_retired(territory: Territory) -> None:
    Region.objects.filter(pk=territory.grid_a2.pk).update(retired_on=date(2026, 1, 1))
    assert not Region.objects.active().filter(pk=territory.grid_a2.pk).exists()
    assert Region.objects.active().filter(pk=territory.grid_a1.pk).exists()


def test_predicates_and_labels(territory: Territory) -> None:
    assert territory.grid_a1.is_grid and not territory.village.is_grid
    assert str(territory.town) == "酒泉路街道（620102001000）"
    assert Level(territory.village.level).label == "村（社区）"
    change = RegionChange.objects.create(
        kind=ChangeKind.RETIRE, region=territory.grid_a2, effective_on=date(2026, 1, 1)
    )
    assert str(change) == "撤销 620102001001002 @ 2026-01-01"


def test_codes_are_unique(territory: Territory) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create_region(
            code="620102001001001", name="重复", level=Level.GRID, parent=territory.village
        )


def test_regions_in_use_cannot_be_deleted(territory: Territory) -> None:
    with pytest.raises(ProtectedError):
        territory.village.delete()
    worker = GridWorker.objects.create(number="W-DEL-01", name="甲")
    GridAssignment.objects.create(worker=worker, grid=territory.other_grid)
    with pytest.raises(ProtectedError):
        Region.objects.filter(pk=territory.other_grid.pk).delete()


def test_move_subtree_rewrites_every_path(territory: Territory) -> None:
    move_subtree(territory.village, territory.other_town)
    for region in Region.objects.subtree(territory.village):
        assert region.path.startswith(territory.other_town.path)
    village = Region.objects.get(pk=territory.village.pk)
    assert village.parent == territory.other_town
    grid = Region.objects.get(pk=territory.grid_a1.pk)
    assert grid.path == f"{territory.other_town.path}{village.pk}/{grid.pk}/"


def test_worker_string_and_assignment_string(territory: Territory) -> None:
    worker = GridWorker.objects.create(number="W-STR-01", name="乙")
    assignment = GridAssignment.objects.create(worker=worker, grid=territory.grid_a1)
    assert str(worker) == "W-STR-01"
    assert str(assignment) == f"{worker.pk} → {territory.grid_a1.pk}"
    with pytest.raises(IntegrityError), transaction.atomic():
        GridAssignment.objects.create(worker=worker, grid=territory.grid_a1)
