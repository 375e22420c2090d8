"""区域概览 through the test client: drill-down, scope (out of scope is 404), role gate (403),
the JSON that feeds the chart, and the grid page with masked phones."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fengqiao.accounts.models import Role, User
from fengqiao.console.tests.conftest import Workers
from fengqiao.testing import Territory, make_user


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def region_url(pk: int) -> str:
    return reverse("console:overview_region", kwargs={"pk": pk})


def data_url(pk: int) -> str:
    return reverse("console:overview_region_data", kwargs={"pk": pk})


def test_anonymous_is_sent_to_login(db: None) -> None:
    response = Client().get(reverse("console:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_single_scope_root_opens_directly(territory: Territory, county_leader: User) -> None:
    response = _client(county_leader).get(reverse("console:overview"))
    assert response.status_code == 302
    assert response["Location"] == region_url(territory.county.pk)


def test_several_roots_are_listed(territory: Territory, workers: Workers) -> None:
    user = make_user("two_towns", Role.LEADER, territory.town, can_act=False)
    user.assignments.create(role=Role.LEADER, region=territory.other_town, can_act=False)
    response = _client(user).get(reverse("console:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "酒泉路街道" in page and "西园街道" in page
    data = _client(user).get(reverse("console:overview_roots_data")).json()
    assert data["categories"] == ["酒泉路街道", "西园街道"]
    assert data["links"] == [region_url(territory.town.pk), region_url(territory.other_town.pk)]


def test_county_page_shows_children_with_figures(
    territory: Territory, county_leader: User, workers: Workers
) -> None:
    response = _client(county_leader).get(region_url(territory.county.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "酒泉路街道" in page
    assert region_url(territory.town.pk) in page
    assert f'data-chart-url="{data_url(territory.county.pk)}"' in page
    rows = response.context["rows"]
    assert [(r.name, r.grids, r.workers, r.households) for r in rows] == [("酒泉路街道", 2, 2, 730)]


def test_chart_data_matches_the_table(
    territory: Territory, county_leader: User, workers: Workers
) -> None:
    data = _client(county_leader).get(data_url(territory.village.pk)).json()
    assert data["categories"] == ["第一网格", "第二网格"]
    assert data["series"][0]["data"] == [1, 1]
    assert data["series"][1]["data"] == [2, 1]
    assert data["links"] == [region_url(territory.grid_a1.pk), region_url(territory.grid_a2.pk)]


def test_grid_page_lists_workers_with_masked_phones(
    territory: Territory, county_leader: User, workers: Workers
) -> None:
    response = _client(county_leader).get(region_url(territory.grid_a1.pk))
    page = response.content.decode()
    assert "马小红" in page and "李建国" in page
    assert "139****5678" in page
    assert "13912345678" not in page
    assert "data-chart-url" not in page


def test_breadcrumb_stays_inside_the_scope(territory: Territory, county_leader: User) -> None:
    response = _client(county_leader).get(region_url(territory.grid_a1.pk))
    crumbs = [r.name for r in response.context["breadcrumb"]]
    assert crumbs == ["城关区", "酒泉路街道", "秦安路社区"]


@pytest.mark.parametrize("url_of", [region_url, data_url])
def test_township_user_cannot_open_another_township(
    territory: Territory, town_operator: User, url_of: object
) -> None:
    assert callable(url_of)
    client = _client(town_operator)
    assert client.get(url_of(territory.town.pk)).status_code == 200
    assert client.get(url_of(territory.other_town.pk)).status_code == 404
    assert client.get(url_of(territory.county.pk)).status_code == 404  # the parent, too
    assert client.get(url_of(999_999)).status_code == 404


def test_audit_admin_gets_no_overview(territory: Territory, auditor: User) -> None:
    client = _client(auditor)
    denied = client.get(reverse("console:overview"))
    assert denied.status_code == 403
    assert "无权访问此页面" in denied.content.decode()
    assert "no-store" in denied["Cache-Control"]
    assert client.get(region_url(territory.province.pk)).status_code == 403
    assert client.get(data_url(territory.province.pk)).status_code == 403


def test_grid_worker_is_not_an_overview_role(territory: Territory, grid_worker: User) -> None:
    assert _client(grid_worker).get(reverse("console:overview")).status_code == 403


def test_expired_assignment_gives_no_access(territory: Territory) -> None:
    from datetime import timedelta

    from django.utils import timezone

    user = make_user("expired", Role.LEADER, territory.county, can_act=False)
    user.assignments.update(expires_at=timezone.now() - timedelta(days=1))
    assert _client(user).get(region_url(territory.county.pk)).status_code == 403
