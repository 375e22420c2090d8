"""Property test: the STRtree lookup agrees with a brute-force oracle on random grid layouts.

The oracle is written independently of geo.py: a point is in an axis-aligned rectangle when
its coordinates are within the bounds (edges included); among the covering grids, 专属 before
基础, then the lowest code (the documented tie rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.regions import actions, geo
from fengqiao.regions.models import GridType, Level, Region
from fengqiao.testing import Territory

DAY = date(2026, 1, 1)


@dataclass(frozen=True)
class Rect:
    seq: int
    west: int
    south: int
    east: int
    north: int
    dedicated: bool

    def covers(self, x: float, y: float) -> bool:
        return self.west <= x <= self.east and self.south <= y <= self.north

    @property
    def code(self) -> str:
        return f"620102001001{self.seq:03d}"


@st.composite
def layouts(draw: st.DrawFn) -> list[Rect]:
    """Up to eight rectangles on a 10×10 integer lattice, so edges and corners are often
    shared exactly and the tie rule is exercised."""
    count = draw(st.integers(1, 8))
    seqs = draw(st.lists(st.integers(3, 999), min_size=count, max_size=count, unique=True))
    rects = []
    for seq in seqs:
        west = draw(st.integers(0, 8))
        south = draw(st.integers(0, 8))
        east = draw(st.integers(west + 1, 10))
        north = draw(st.integers(south + 1, 10))
        rects.append(Rect(seq, west, south, east, north, draw(st.booleans())))
    return rects


# points on the lattice (edges, corners), at half steps (interiors) and outside the lattice
points = st.tuples(
    st.sampled_from([x / 2 for x in range(-2, 23)]),
    st.sampled_from([y / 2 for y in range(-2, 23)]),
)


def oracle(rects: list[Rect], x: float, y: float) -> tuple[str, ...]:
    covering = [r for r in rects if r.covers(x, y)]
    covering.sort(key=lambda r: (not r.dedicated, r.code))
    return tuple(r.code for r in covering)


def polygon(rect: Rect) -> dict[str, object]:
    w, s, e, n = rect.west, rect.south, rect.east, rect.north
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(layouts(), st.lists(points, min_size=1, max_size=12))
def test_lookup_matches_the_oracle(
    territory: Territory, rects: list[Rect], probes: list[tuple[float, float]]
) -> None:
    with transaction.atomic():
        geo.invalidate()
        for rect in rects:
            actions.do_create_region(
                code=rect.code,
                name=f"网格{rect.seq}",
                parent=territory.village,
                actor=None,
                effective_on=DAY,
                grid_type=GridType.DEDICATED if rect.dedicated else GridType.BASIC,
                boundary=polygon(rect),
            )
        for x, y in probes:
            expected = oracle(rects, x, y)
            found = geo.locate(x, y)
            assert found.candidates == expected, (x, y)
            assert (found.grid.code if found.grid else None) == (expected[0] if expected else None)
            assert found.inside == bool(expected)
        transaction.set_rollback(True)
    geo.invalidate()


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(layouts(), points, st.data())
def test_scope_filter_matches_the_oracle(
    territory: Territory, rects: list[Rect], probe: tuple[float, float], data: st.DataObject
) -> None:
    """Grids are spread over two villages; a caller seeing one village gets the oracle's
    answer restricted to that village's grids."""
    with transaction.atomic():
        geo.invalidate()
        other = Region.objects.create(
            code="620102001002",
            name="第二社区",
            level=Level.VILLAGE,
            parent=territory.town,
            path="",
        )
        Region.objects.filter(pk=other.pk).update(path=f"{territory.town.path}{other.pk}/")
        other.refresh_from_db()
        in_other: set[int] = set()
        for rect in rects:
            parent = other if data.draw(st.booleans()) else territory.village
            code = f"{parent.code}{rect.seq:03d}"
            if parent == other:
                in_other.add(rect.seq)
            actions.do_create_region(
                code=code,
                name=f"网格{rect.seq}",
                parent=parent,
                actor=None,
                effective_on=DAY,
                grid_type=GridType.DEDICATED if rect.dedicated else GridType.BASIC,
                boundary=polygon(rect),
            )
        x, y = probe
        visible = [r for r in rects if r.seq in in_other]
        expected = oracle(visible, x, y)
        found = geo.locate(x, y, within=[other.path])
        assert tuple(code[-3:] for code in found.candidates) == tuple(c[-3:] for c in expected)
        transaction.set_rollback(True)
    geo.invalidate()
