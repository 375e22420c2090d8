"""The frame every page shares: role-based nav, top bar, security headers (WEB-02, PII-09),
CSRF on every form (AC-12) and the zh-hans / English switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fengqiao.accounts.models import User
from fengqiao.console.tests.conftest import Workers
from fengqiao.testing import Territory

CONSOLE_DIR = Path(__file__).resolve().parent.parent


def _client(user: User | None = None, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks, HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None:
        client.force_login(user)
    return client


def _nav(response: object) -> list[str]:
    console = response.context["console"]  # type: ignore[attr-defined]
    return [link.key for link in console.nav]


def test_nav_depends_on_roles(
    territory: Territory,
    grid_worker: User,
    county_leader: User,
    town_admin: User,
    auditor: User,
) -> None:
    home = reverse("console:home")
    assert _nav(_client(grid_worker).get(home)) == ["home", "report", "tasks", "visits"]
    assert _nav(_client(county_leader).get(home)) == ["home", "overview", "dashboard", "cases"]
    assert _nav(_client(town_admin).get(home)) == [
        "home",
        "overview",
        "dashboard",
        "cases",
        "visit_tasks",
        "regions",
        "workers",
        "units",
        "catalogue",
        "rules",
        "calendar",
        "users",
    ]
    assert _nav(_client(auditor).get(home)) == ["home", "audit"]


def test_top_bar_shows_name_role_and_scope(territory: Territory, county_leader: User) -> None:
    county_leader.first_name = "赵振华"
    county_leader.save(update_fields=["first_name"])
    page = _client(county_leader).get(reverse("console:home")).content.decode()
    assert "赵振华" in page and "领导（只读）" in page and "城关区" in page
    assert 'aria-current="page"' in page
    assert 'class="skip-link" href="#main"' in page and '<main id="main"' in page


def test_audit_admin_home_has_no_business_data(
    territory: Territory, auditor: User, workers: Workers
) -> None:
    page = _client(auditor).get(reverse("console:home")).content.decode()
    assert "三权分立" in page
    for business in ("马小红", "第一网格", "区域概览"):
        assert business not in page


def test_grid_worker_home_shows_the_grid_and_colleagues(
    territory: Territory, grid_worker: User, workers: Workers
) -> None:
    workers.chief_a1.user = grid_worker
    workers.chief_a1.save(update_fields=["user"])
    page = _client(grid_worker).get(reverse("console:home")).content.decode()
    assert "第一网格" in page and "第二网格" not in page
    assert "马小红（我）" in page and "李建国" in page
    assert "138****5679" in page and "13812345679" not in page


def test_anonymous_landing_page(db: None) -> None:
    response = _client().get(reverse("console:home"))
    assert response.status_code == 200
    assert "/accounts/login/" in response.content.decode()


def _signed_in_pages(territory: Territory, workers: Workers) -> list[str]:
    return [
        reverse("console:home"),
        reverse("console:overview_region", args=[territory.town.pk]),
        reverse("console:overview_region_data", args=[territory.town.pk]),
        reverse("console:overview_region", args=[territory.grid_a1.pk]),
        reverse("console:region_list"),
        reverse("console:region_detail", args=[territory.grid_a1.pk]),
        reverse("console:region_edit", args=[territory.grid_a1.pk]),
        reverse("console:worker_list"),
        reverse("console:worker_detail", args=[workers.chief_a1.pk]),
        reverse("console:worker_edit", args=[workers.chief_a1.pk]),
    ]


def _assert_csp_without_external_hosts(csp: str) -> None:
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for token in csp.replace(";", " ").split():
        assert "://" not in token and token != "*" and not token.startswith("*."), token


def test_every_signed_in_page_is_no_store_with_a_strict_csp(
    territory: Territory, town_admin: User, workers: Workers
) -> None:
    client = _client(town_admin)
    for url in _signed_in_pages(territory, workers):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        _assert_csp_without_external_hosts(response["Content-Security-Policy"])
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"


def test_error_pages_carry_the_headers_too(territory: Territory, town_admin: User) -> None:
    client = _client(town_admin)
    missing = client.get(reverse("console:region_detail", args=[999_999]))
    assert missing.status_code == 404 and "no-store" in missing["Cache-Control"]
    _assert_csp_without_external_hosts(missing["Content-Security-Policy"])
    assert "未找到该页面或记录" in missing.content.decode()
    anonymous = _client().get(reverse("console:home"))
    _assert_csp_without_external_hosts(anonymous["Content-Security-Policy"])


def test_pages_load_nothing_from_another_host(
    territory: Territory, town_admin: User, workers: Workers
) -> None:
    client = _client(town_admin)
    for url in _signed_in_pages(territory, workers):
        page = client.get(url).content.decode()
        assert "http://" not in page and "https://" not in page and "//cdn" not in page, url
        assert "<script>" not in page and " style=" not in page, url


@pytest.mark.parametrize(
    "name,data",
    [
        ("console:region_edit", {"households": "5", "grid_type": "basic"}),
        ("console:worker_edit", {"status": "active"}),
        ("console:worker_status", {"status": "leave"}),
    ],
)
def test_posts_without_a_csrf_token_are_refused(
    territory: Territory, town_admin: User, workers: Workers, name: str, data: dict[str, str]
) -> None:
    pk = territory.grid_a1.pk if name == "console:region_edit" else workers.chief_a1.pk
    client = _client(town_admin, enforce_csrf_checks=True)
    assert client.post(reverse(name, args=[pk]), data).status_code == 403
    client.get(reverse("console:home"))  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(reverse(name, args=[pk]), data, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 302


def test_language_switch_needs_csrf_and_switches(territory: Territory, county_leader: User) -> None:
    client = _client(county_leader, enforce_csrf_checks=True)
    setlang = reverse("set_language")
    assert client.post(setlang, {"language": "en", "next": "/"}).status_code == 403
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.post(setlang, {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "Area overview" in page and 'lang="en"' in page


def test_chinese_is_the_default(territory: Territory, county_leader: User) -> None:
    client = Client()
    client.force_login(county_leader)
    page = client.get("/").content.decode()
    assert 'lang="zh-Hans"' in page and "区域概览" in page


def test_english_catalog_is_compiled_and_complete() -> None:
    po = (CONSOLE_DIR / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    assert (CONSOLE_DIR / "locale/en/LC_MESSAGES/django.mo").exists()
    assert '\nmsgstr ""\n\n' not in po.split("\n\n", 1)[1] + "\n"
    with translation.override("en"):
        assert translation.gettext("区域概览") == "Area overview"
        assert translation.gettext("乡镇（街道）") == "Township (subdistrict)"


def test_compiled_catalog_matches_the_po_file() -> None:
    """Every single-line entry of the .po translates through the .mo: the .mo is current."""
    po = (CONSOLE_DIR / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = re.findall(
        r'^(?:msgctxt "(.+)"\n)?msgid "(.+)"\nmsgstr "(.+)"$', po, flags=re.MULTILINE
    )
    assert len(entries) > 150
    with translation.override("en"):
        for context, msgid, msgstr in entries:
            msgid, expected = msgid.replace('\\"', '"'), msgstr.replace('\\"', '"')
            if context:
                assert translation.pgettext(context, msgid) == expected, msgid
            else:
                assert translation.gettext(msgid) == expected, msgid
