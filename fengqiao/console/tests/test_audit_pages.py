"""审计日志 pages: the 审计管理员 only (SOD-01), every search and check audited, filters
validated, and nothing for anyone else."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from fengqiao.accounts.models import User
from fengqiao.audit.actions import record
from fengqiao.audit.models import AuditEntry, Outcome
from fengqiao.testing import Territory


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _seed(actor: User) -> None:
    record("login.success", actor=actor)
    record("login.failure", actor=None, outcome=Outcome.FAILURE, reason="bad password")
    record("region.update", actor=actor, object_type="regions.region", object_id="7")


def test_audit_admin_searches_and_the_search_is_audited(
    territory: Territory, auditor: User, county_leader: User
) -> None:
    _seed(county_leader)
    client = _client(auditor)
    response = client.get(reverse("console:audit_list"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    actions = [e.action for e in response.context["page"]]
    assert actions == ["region.update", "login.failure", "login.success"]  # newest first
    assert AuditEntry.objects.filter(action="audit.search", actor_id=auditor.pk).count() == 1
    by_prefix = client.get(reverse("console:audit_list"), {"action": "login."})
    assert [e.action for e in by_prefix.context["page"]] == ["login.failure", "login.success"]
    failed = client.get(reverse("console:audit_list"), {"outcome": "failure"})
    assert [e.action for e in failed.context["page"]] == ["login.failure"]
    search = AuditEntry.objects.filter(action="audit.search").order_by("-seq").first()
    assert search is not None and search.data == {"outcome": "failure"}


def test_dates_are_whole_local_days_and_checked(territory: Territory, auditor: User) -> None:
    client = _client(auditor)
    bad = client.get(reverse("console:audit_list"), {"since": "2026-05-02", "until": "2026-05-01"})
    assert bad.status_code == 200 and "until" in bad.context["form"].errors
    junk = client.get(reverse("console:audit_list"), {"since": "yesterday", "page": "x"})
    assert junk.status_code == 200 and "since" in junk.context["form"].errors


def test_detail_and_chain_check(territory: Territory, auditor: User, county_leader: User) -> None:
    _seed(county_leader)
    client = _client(auditor)
    entry = AuditEntry.objects.get(action="login.failure")
    page = client.get(reverse("console:audit_detail", args=[entry.pk])).content.decode()
    assert "login.failure" in page and "bad password" in page and entry.hash in page
    assert client.get(reverse("console:audit_detail", args=[999_999])).status_code == 404
    verified = client.get(reverse("console:audit_verify"))
    assert "审计链完整" in verified.content.decode()
    assert AuditEntry.objects.filter(action="audit.verify", actor_id=auditor.pk).exists()


def test_nobody_else_reads_the_audit_log(
    territory: Territory, county_leader: User, town_operator: User
) -> None:
    for user in (county_leader, town_operator):
        client = _client(user)
        for url in (
            reverse("console:audit_list"),
            reverse("console:audit_verify"),
            reverse("console:audit_detail", args=[1]),
        ):
            assert client.get(url).status_code == 403, (user, url)
    assert not AuditEntry.objects.filter(action__startswith="audit.").exists()
