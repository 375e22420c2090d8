"""Property tests: on random trees, the overview figures equal an oracle computed in Python,
and every overview URL answers 200 exactly for the regions inside the viewer's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.console.selectors import children_figures
from fengqiao.regions.models import GridAssignment, GridWorker, GridWorkerStatus, Level, Region
from fengqiao.regions.tree import create_region

LEVELS = [Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE, Level.GRID]


@dataclass(frozen=True)
class Node:
    """A region of the generated tree in plain Python, for the oracle."""

    pk: int
    parent_pk: int | None
    level: int
    retired: bool
    households: int


# A tree: for each new node, the index of its parent among the nodes made so far (-1: root's
# child), whether it is retired, and its households.
node_specs = st.lists(
    st.tuples(st.integers(min_value=-1, max_value=30), st.booleans(), st.integers(0, 600)),
    min_size=1,
    max_size=14,
)
worker_specs = st.lists(
    st.tuples(st.lists(st.integers(0, 30), min_size=1, max_size=3), st.booleans()),
    max_size=6,
)


def _build(specs: list[tuple[int, bool, int]]) -> tuple[Region, list[Node]]:
    root = create_region(code="620000000000", name="甘肃省", level=Level.PROVINCE)
    nodes: list[Node] = []
    regions: list[Region] = []
    for index, (parent_index, retired, households) in enumerate(specs):
        candidates = [r for r in regions if r.level < Level.GRID]
        parent = root
        if parent_index >= 0 and candidates:
            parent = candidates[parent_index % len(candidates)]
        level = parent.level + 1
        region = create_region(
            code=f"6{index:011d}" if level < Level.GRID else f"6{index:014d}",
            name=f"区域{index}",
            level=level,
            parent=parent,
            households=households if level == Level.GRID else None,
        )
        if retired:
            Region.objects.filter(pk=region.pk).update(retired_on="2024-01-01")
        regions.append(region)
        nodes.append(Node(region.pk, parent.pk, level, retired, households))
    return root, nodes


def _descendants(nodes: list[Node], pk: int) -> list[Node]:
    """Active descendants of pk, itself included (an active region under a retired one still
    counts: retirement is a property of the node, as in the selectors)."""
    by_parent: dict[int | None, list[Node]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_pk, []).append(node)
    found: list[Node] = []
    stack = [pk]
    while stack:
        current = stack.pop()
        for child in by_parent.get(current, []):
            found.append(child)
            stack.append(child.pk)
    own = [n for n in nodes if n.pk == pk]
    return [n for n in own + found if not n.retired]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=node_specs, workers=worker_specs)
def test_figures_match_the_oracle(
    db: None, specs: list[tuple[int, bool, int]], workers: list[tuple[list[int], bool]]
) -> None:
    with transaction.atomic():
        root, nodes = _build(specs)
        grids = [n for n in nodes if n.level == Level.GRID]
        served: dict[int, set[int]] = {}
        for number, (grid_indexes, has_left) in enumerate(workers):
            if not grids:
                break
            worker = GridWorker.objects.create(
                number=f"W{number}",
                name=f"网格员{number}",
                status=GridWorkerStatus.LEFT if has_left else GridWorkerStatus.ACTIVE,
            )
            for grid_pk in {grids[i % len(grids)].pk for i in grid_indexes}:
                GridAssignment.objects.create(worker=worker, grid_id=grid_pk)
                if not has_left:
                    served.setdefault(grid_pk, set()).add(worker.pk)
        for row in children_figures(root):
            inside = _descendants(nodes, row.pk)
            inside_grids = [n for n in inside if n.level == Level.GRID]
            expected_workers = set().union(*(served.get(n.pk, set()) for n in inside_grids))
            assert row.grids == len(inside_grids)
            assert row.households == sum(n.households for n in inside_grids)
            assert row.workers == len(expected_workers)
            assert row.child_regions == len(
                [n for n in nodes if n.parent_pk == row.pk and not n.retired]
            )
        transaction.set_rollback(True)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=node_specs, picks=st.lists(st.integers(0, 30), min_size=1, max_size=3))
def test_overview_answers_200_exactly_inside_the_scope(
    db: None, specs: list[tuple[int, bool, int]], picks: list[int]
) -> None:
    with transaction.atomic():
        root, nodes = _build(specs)
        user = User.objects.create_user(username="viewer", password=None)
        granted = {nodes[i % len(nodes)].pk for i in picks}
        for pk in granted:
            RoleAssignment.objects.create(user=user, role=Role.LEADER, region_id=pk, can_act=False)
        client = Client()
        client.force_login(user)
        parent_of = {n.pk: n.parent_pk for n in nodes}
        for node in [Node(root.pk, None, Level.PROVINCE, False, 0), *nodes]:
            chain: set[int] = set()
            current: int | None = node.pk
            while current is not None:
                chain.add(current)
                current = parent_of.get(current)
            expected = 200 if chain & granted else 404
            url = reverse("console:overview_region", args=[node.pk])
            assert client.get(url).status_code == expected, (node, granted)
        transaction.set_rollback(True)
