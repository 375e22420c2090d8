"""AC-04: every URL is public by decision or closed to anonymous clients; AUTH-01: a user who
must change their password reaches nothing but the change and sign-out endpoints."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import resolve

from fengqiao.accounts.models import User
from fengqiao.core.endpoints import LOGIN_PAGES, PUBLIC, Endpoint, endpoints

METHODS = ("get", "post", "put", "patch", "delete")
INVENTORY = list(endpoints())
PROTECTED = [e for e in INVENTORY if not e.public]


def test_inventory_is_complete_and_the_allowlist_is_current() -> None:
    routes = {e.route for e in INVENTORY}
    assert set(PUBLIC) <= routes, f"stale allowlist entries: {set(PUBLIC) - routes}"
    assert len(PROTECTED) >= 20
    for endpoint in INVENTORY:
        # The sample URL really reaches the pattern it stands for.
        assert resolve(endpoint.url).route == endpoint.route, endpoint


def _refused(status: int, location: str | None) -> bool:
    if status == 401:
        return True
    return status == 302 and location is not None and location.startswith(LOGIN_PAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", PROTECTED, ids=lambda e: e.route or "/")
def test_anonymous_clients_are_refused(client: Client, endpoint: Endpoint) -> None:
    answers = {}
    for method in METHODS:
        response = getattr(client, method)(endpoint.url)
        answers[method] = (response.status_code, response.get("Location"))
    # Each method is refused or not offered at all, and at least one is offered.
    assert all(_refused(*a) or a[0] == 405 for a in answers.values()), answers
    assert any(_refused(*a) for a in answers.values()), answers


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(PUBLIC), ids=lambda r: r or "/")
def test_public_endpoints_answer_without_error(client: Client, route: str) -> None:
    endpoint = next(e for e in INVENTORY if e.route == route)
    assert client.get(endpoint.url).status_code < 500


EXEMPT_FROM_FORCED_CHANGE = {
    "accounts/password/",
    "accounts/logout/",
    "api/v1/auth/password",
    "api/v1/auth/logout",
}


def test_forced_password_change_blocks_every_other_url(client: Client, grid_worker: User) -> None:
    User.objects.filter(pk=grid_worker.pk).update(must_change_password=True)
    client.force_login(grid_worker)
    for endpoint in INVENTORY:
        if endpoint.route in EXEMPT_FROM_FORCED_CHANGE:
            continue
        response = client.get(endpoint.url)
        if endpoint.url.startswith("/api/"):
            assert response.status_code == 403, endpoint
            assert response.json()["errors"][0]["type"] == "password_change"
        else:
            assert response.status_code == 302, endpoint
            assert response["Location"] == "/accounts/password/", endpoint
    assert client.get("/accounts/password/").status_code == 200
