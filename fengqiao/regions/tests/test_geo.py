"""Point → grid lookup with hand-made polygons (fengqiao/regions/geo.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.regions import actions, geo
from fengqiao.regions.actions import RegionChangeError
from fengqiao.regions.models import GridType, Region
from fengqiao.testing import Territory

DAY = date(2026, 1, 1)


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def drawn(territory: Territory) -> Territory:
    """A1 = [0,1]×[0,1] and A2 = [1,2]×[0,1] share the edge x = 1; the other county's grid
    is [5,6]×[5,6]; everything else is outside every grid."""
    actions.do_set_boundary(territory.grid_a1, boundary=square(0, 0, 1, 1), actor=None)
    actions.do_set_boundary(territory.grid_a2, boundary=square(1, 0, 2, 1), actor=None)
    actions.do_set_boundary(territory.other_grid, boundary=square(5, 5, 6, 6), actor=None)
    return territory


def test_point_inside_one_grid(drawn: Territory) -> None:
    found = geo.locate(0.5, 0.5)
    assert found.inside and found.grid == drawn.grid_a1
    assert found.candidates == ("620102001001001",) and not found.tie
    assert geo.locate(1.5, 0.2).grid == drawn.grid_a2


def test_point_outside_every_grid(drawn: Territory) -> None:
    found = geo.locate(3.0, 3.0)
    assert not found.inside and found.grid is None and found.candidates == ()


def test_shared_edge_goes_to_the_lower_code(drawn: Territory) -> None:
    found = geo.locate(1.0, 0.5)
    assert found.grid == drawn.grid_a1  # 620102001001001 < 620102001001002
    assert found.candidates == ("620102001001001", "620102001001002") and found.tie
    # a shared corner behaves the same; a grid's own outer boundary counts as inside
    assert geo.locate(1.0, 1.0).grid == drawn.grid_a1
    assert geo.locate(2.0, 0.5).grid == drawn.grid_a2


def test_dedicated_grid_wins_over_basic(drawn: Territory) -> None:
    school = actions.do_create_region(
        code="620102001001009",
        name="学校专属网格",
        parent=drawn.village,
        actor=None,
        effective_on=DAY,
        grid_type=GridType.DEDICATED,
        boundary=square(0.2, 0.2, 0.4, 0.4),
    )
    assert geo.locate(0.3, 0.3).grid == school
    assert geo.locate(0.3, 0.3).candidates == ("620102001001009", "620102001001001")
    assert geo.locate(0.8, 0.8).grid == drawn.grid_a1


def test_scope_hides_grids_outside_it(drawn: Territory) -> None:
    assert geo.locate(5.5, 5.5).grid == drawn.other_grid
    hidden = geo.locate(5.5, 5.5, within=[drawn.county.path])
    assert not hidden.inside
    # on the shared edge, a caller who sees only A2 gets A2
    assert geo.locate(1.0, 0.5, within=[drawn.grid_a2.path]).grid == drawn.grid_a2


def test_tree_is_rebuilt_when_boundaries_change(drawn: Territory) -> None:
    assert geo.locate(10.5, 10.5).grid is None
    actions.do_set_boundary(drawn.grid_a2, boundary=square(10, 10, 11, 11), actor=None)
    assert geo.locate(10.5, 10.5).grid == drawn.grid_a2
    assert geo.locate(1.5, 0.5).grid is None


def test_tree_notices_changes_made_elsewhere(drawn: Territory) -> None:
    """Another process changes a boundary (bumping the revision) without our invalidate()."""
    assert geo.locate(0.5, 0.5).grid == drawn.grid_a1
    Region.objects.filter(pk=drawn.grid_a1.pk).update(
        boundary=square(20, 20, 21, 21), boundary_rev=7
    )
    assert geo.locate(20.5, 20.5).grid == drawn.grid_a1
    # a retired grid leaves the tree
    Region.objects.filter(pk=drawn.grid_a1.pk).update(retired_on=DAY)
    assert geo.locate(20.5, 20.5).grid is None


def test_no_boundaries_at_all(territory: Territory) -> None:
    geo.invalidate()
    assert not geo.locate(0.5, 0.5).inside


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [1, 1]}, "Polygon"),
        ("not a dict", "Polygon"),
        ({"type": "Polygon", "coordinates": "x"}, "格式错误"),
        (square(200, 0, 201, 1), "经纬度范围"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "无效",
        ),
    ],
)
def test_bad_geometries_are_refused(territory: Territory, geometry: Any, message: str) -> None:
    assert message in geo.check_geometry(geometry)
    with pytest.raises(RegionChangeError, match=message):
        actions.do_set_boundary(territory.grid_a1, boundary=geometry, actor=None)


def test_set_boundary_audits_and_can_clear(drawn: Territory) -> None:
    assert AuditEntry.objects.filter(action="region.boundary").count() == 3
    actions.do_set_boundary(drawn.grid_a1, boundary=None, actor=None)
    assert geo.locate(0.5, 0.5).grid is None


# ------------------------------------------------------------------ API


def test_locate_api_is_scoped(client: Client, drawn: Territory, town_operator: User) -> None:
    client.force_login(town_operator)
    inside = client.get("/api/v1/regions/locate?lat=0.5&lon=0.5").json()
    assert inside["inside"] and inside["grid"]["code"] == "620102001001001"
    assert inside["message"] == ""
    outside = client.get("/api/v1/regions/locate?lat=3&lon=3").json()
    assert outside == {
        "inside": False,
        "grid": None,
        "candidates": [],
        "message": "该位置不在任何网格内。",
    }
    # the other county's grid answers exactly like no grid at all (AC-02)
    assert client.get("/api/v1/regions/locate?lat=5.5&lon=5.5").json() == outside


def test_locate_api_rejects_bad_coordinates(
    client: Client, drawn: Territory, town_operator: User
) -> None:
    client.force_login(town_operator)
    response = client.get("/api/v1/regions/locate?lat=95&lon=0.5")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lat"
    response = client.get("/api/v1/regions/locate?lat=1&lon=-181")
    assert response.json()["errors"][0]["field"] == "lon"
    assert client.get("/api/v1/regions/locate?lat=abc&lon=1").status_code == 422
    assert client.get("/api/v1/regions/locate").status_code == 422
    client.logout()
    assert client.get("/api/v1/regions/locate?lat=1&lon=1").status_code == 401
