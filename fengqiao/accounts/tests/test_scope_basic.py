from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.testing import Territory


def ids(client: Client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_region_list_and_detail_are_scoped(
    client: Client, territory: Territory, town_operator: User
) -> None:
    client.force_login(town_operator)
    visible = ids(client, "/api/v1/regions/?limit=100")
    assert visible == {
        territory.town.pk,
        territory.village.pk,
        territory.grid_a1.pk,
        territory.grid_a2.pk,
    }
    assert client.get(f"/api/v1/regions/{territory.grid_a1.pk}").status_code == 200
    # AC-02: out of scope looks exactly like missing.
    out = client.get(f"/api/v1/regions/{territory.other_grid.pk}")
    missing = client.get("/api/v1/regions/999999")
    assert out.status_code == missing.status_code == 404
    assert out.json() == missing.json()


def test_anonymous_gets_401(client: Client, territory: Territory) -> None:
    assert client.get("/api/v1/regions/").status_code == 401
