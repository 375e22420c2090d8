"""WEB-02 headers on every response; WEB-03 error pages."""

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from fengqiao.accounts.models import User
from fengqiao.core.middleware import client_ip


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", boom)]
handler500 = "fengqiao.core.views.server_error"


@pytest.mark.django_db
def test_security_headers_on_public_and_api_pages(client: Client) -> None:
    for url in ("/", "/api/v1/health", "/api/v1/docs", "/no-such-page/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "http" not in csp  # no external host is ever allowed
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached(client: Client) -> None:
    client.force_login(User.objects.create_user("someone", password="x"))
    assert client.get("/")["Cache-Control"] == "no-store"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_page_has_request_id_and_no_traceback() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_X_REQUEST_ID="req-12345")
    body = response.content.decode()
    assert response.status_code == 500
    assert "req-12345" in body
    assert "secret internal detail" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_every_response_names_its_request(client: Client) -> None:
    generated = client.get("/api/v1/health")["X-Request-ID"]
    assert len(generated) == 32 and int(generated, 16) >= 0
    assert client.get("/api/v1/health")["X-Request-ID"] != generated
    echoed = client.get("/api/v1/health", HTTP_X_REQUEST_ID="gateway-7")["X-Request-ID"]
    assert echoed == "gateway-7"
    long_id = client.get("/api/v1/health", HTTP_X_REQUEST_ID="x" * 500)["X-Request-ID"]
    assert long_id == "x" * 64  # a caller cannot flood the audit log through the header


@pytest.mark.django_db
def test_anonymous_pages_may_be_cached_by_the_browser(client: Client) -> None:
    assert "no-store" not in client.get("/accounts/login/").get("Cache-Control", "")


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", "", "203.0.113.9"),  # no proxy configured for this address
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # untrusted peers cannot claim an address
        ("10.0.0.2", "198.51.100.7", "198.51.100.7"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a client-prepended lie
        ("10.0.0.2", "198.51.100.7, 10.0.0.3", "198.51.100.7"),  # two proxy hops
        ("10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_client_address_behind_trusted_proxies(
    settings: Any, remote: str, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXIES = frozenset({"10.0.0.2", "10.0.0.3"})
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
