"""The regions API through each persona: lists, details, locate, all scoped (AC-01, AC-02)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.regions import actions
from fengqiao.regions.models import Level, Region
from fengqiao.testing import Territory

DAY = date(2026, 1, 1)


def get(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.content
    return response.json()


def codes_of(client: Client, url: str) -> list[str]:
    return [item["code"] for item in get(client, url)["items"]]


def square(x0: float, y0: float) -> dict[str, Any]:
    ring = [[x0, y0], [x0 + 1, y0], [x0 + 1, y0 + 1], [x0, y0 + 1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def drawn(territory: Territory) -> Territory:
    actions.do_set_boundary(territory.grid_a1, boundary=square(0, 0), actor=None)
    actions.do_set_boundary(territory.grid_a2, boundary=square(1, 0), actor=None)
    actions.do_set_boundary(territory.other_grid, boundary=square(5, 5), actor=None)
    return territory


def test_grid_worker_sees_only_their_grid(
    client: Client, territory: Territory, grid_worker: User
) -> None:
    client.force_login(grid_worker)
    assert codes_of(client, "/api/v1/regions/") == ["620102001001001"]
    get(client, f"/api/v1/regions/{territory.grid_a2.pk}", 404)
    get(client, f"/api/v1/regions/{territory.village.pk}", 404)


def test_county_leader_sees_the_county_and_filters(
    client: Client, territory: Territory, county_leader: User
) -> None:
    client.force_login(county_leader)
    assert codes_of(client, "/api/v1/regions/?limit=100") == [
        "620102000000",
        "620102001000",
        "620102001001",
        "620102001001001",
        "620102001001002",
    ]
    assert codes_of(client, f"/api/v1/regions/?level={Level.GRID}") == [
        "620102001001001",
        "620102001001002",
    ]
    assert codes_of(client, f"/api/v1/regions/?parent={territory.town.pk}") == ["620102001001"]
    # a parent out of scope yields nothing, not an error
    assert codes_of(client, f"/api/v1/regions/?parent={territory.other_town.pk}") == []
    detail = get(client, f"/api/v1/regions/{territory.village.pk}")
    assert detail["parent_id"] == territory.town.pk and detail["retired_on"] is None


def test_retired_regions_stay_visible_with_their_date(
    client: Client, territory: Territory, town_operator: User
) -> None:
    actions.do_retire(territory.grid_a2, successor=territory.grid_a1, actor=None, effective_on=DAY)
    client.force_login(town_operator)
    detail = get(client, f"/api/v1/regions/{territory.grid_a2.pk}")
    assert detail["retired_on"] == "2026-01-01"
    assert "620102001001002" in codes_of(client, "/api/v1/regions/")


def test_outsider_sees_only_the_other_county(
    client: Client, territory: Territory, outsider: User
) -> None:
    client.force_login(outsider)
    assert all(code.startswith("620103") for code in codes_of(client, "/api/v1/regions/"))
    missing = get(client, "/api/v1/regions/999999", 404)
    assert get(client, f"/api/v1/regions/{territory.county.pk}", 404) == missing


def test_auditor_has_no_business_scope(client: Client, territory: Territory, auditor: User) -> None:
    client.force_login(auditor)
    assert codes_of(client, "/api/v1/regions/") == []
    get(client, f"/api/v1/regions/{territory.province.pk}", 404)


@pytest.mark.parametrize(
    ("persona", "point", "expected"),
    [
        ("grid_worker", (0.5, 0.5), "620102001001001"),
        ("grid_worker", (1.5, 0.5), None),  # A2 exists but is out of this worker's scope
        ("grid_worker", (1.0, 0.5), "620102001001001"),  # shared edge, only A1 visible
        ("town_operator", (1.0, 0.5), "620102001001001"),  # shared edge: lower code
        ("town_operator", (1.5, 0.5), "620102001001002"),
        ("town_operator", (5.5, 5.5), None),  # other county
        ("outsider", (5.5, 5.5), "620103001001001"),
        ("outsider", (0.5, 0.5), None),
        ("county_leader", (9.0, 9.0), None),  # outside every grid
        ("auditor", (0.5, 0.5), None),
    ],
)
def test_locate_per_persona(
    client: Client,
    drawn: Territory,
    request: pytest.FixtureRequest,
    persona: str,
    point: tuple[float, float],
    expected: str | None,
) -> None:
    user: User = request.getfixturevalue(persona)
    client.force_login(user)
    lon, lat = point
    body = get(client, f"/api/v1/regions/locate?lat={lat}&lon={lon}")
    assert body["inside"] == (expected is not None)
    assert (body["grid"]["code"] if body["grid"] else None) == expected
    if expected is None:
        assert body["candidates"] == [] and body["message"] == "该位置不在任何网格内。"


def test_locate_shared_edge_lists_both_candidates(
    client: Client, drawn: Territory, town_operator: User
) -> None:
    client.force_login(town_operator)
    body = get(client, "/api/v1/regions/locate?lat=0.5&lon=1.0")
    assert body["candidates"] == ["620102001001001", "620102001001002"]


def test_locate_ignores_retired_grids(
    client: Client, drawn: Territory, town_operator: User
) -> None:
    actions.do_retire(drawn.grid_a1, actor=None, effective_on=DAY)
    client.force_login(town_operator)
    body = get(client, "/api/v1/regions/locate?lat=0.5&lon=0.5")
    assert not body["inside"]
    assert get(client, "/api/v1/regions/locate?lat=0.5&lon=1.0")["grid"]["code"] == (
        "620102001001002"
    )


def test_error_bodies_are_bilingual(client: Client, drawn: Territory, town_operator: User) -> None:
    client.force_login(town_operator)
    body = get(client, "/api/v1/regions/locate?lat=91&lon=0", 422)
    assert body["detail"].startswith("经纬度超出范围") and body["detail_en"]
    assert body["errors"] == [{"field": "lat", "message": "超出范围", "type": "range"}]


def test_openapi_lists_the_new_endpoints(client: Client, territory: Territory) -> None:
    schema = get(client, "/api/v1/openapi.json")
    paths = set(schema["paths"])
    assert {
        "/api/v1/regions/locate",
        "/api/v1/regions/grid-workers/",
        "/api/v1/regions/grid-workers/{worker_id}",
    } <= paths


def test_region_list_is_ordered_by_code_and_paginated(
    client: Client, territory: Territory, county_leader: User
) -> None:
    for seq in range(3, 13):
        actions.do_create_region(
            code=f"620102001001{seq:03d}",
            name=f"网格{seq}",
            parent=territory.village,
            actor=None,
            effective_on=DAY,
        )
    client.force_login(county_leader)
    page = get(client, f"/api/v1/regions/?level={Level.GRID}&limit=5&offset=5")
    assert page["count"] == 12
    assert [item["code"] for item in page["items"]] == [
        f"620102001001{seq:03d}" for seq in range(6, 11)
    ]
    assert Region.objects.filter(level=Level.GRID).count() == 13
