"""AUTH-03 (the last five passwords cannot be chosen again; a warning before expiry) and the
per-address part of AUTH-04 (too many failures from one address, whatever login IDs)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from fengqiao.accounts.models import PasswordHistory, User
from fengqiao.audit.models import AuditEntry
from fengqiao.testing import PASSWORD

PASSWORDS = [f"Rotation-{n}-Passw0rd!" for n in range(8)]


def change(client: Client, current: str, new: str) -> Any:
    return client.post(
        "/api/v1/auth/password",
        {"current_password": current, "new_password": new},
        content_type="application/json",
    )


def login(client: Client, username: str, password: str, ip: str = "10.1.1.1") -> Any:
    return client.post(
        "/api/v1/auth/login",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def rotate(client: Client, user: User, passwords: list[str]) -> str:
    current = PASSWORD
    for new in passwords:
        assert change(client, current, new).status_code == 200, new
        current = new
    return current


def test_none_of_the_last_five_passwords_may_be_chosen_again(
    client: Client, grid_worker: User
) -> None:
    client.force_login(grid_worker)
    current = rotate(client, grid_worker, PASSWORDS[:5])  # PASSWORD, then 0..4; current = 4
    for reused in PASSWORDS[:4]:
        response = change(client, current, reused)
        assert response.status_code == 400
        body = response.json()
        assert body["errors"][0] == {
            "field": "new_password",
            "message": body["detail"],
            "type": "reused",
        }
        assert "最近 5 次" in body["detail"]
    # PASSWORD is six passwords back: allowed again; then PASSWORDS[0] drops out of the five.
    assert change(client, current, PASSWORD).status_code == 200
    assert change(client, PASSWORD, PASSWORDS[0]).status_code == 200


def test_history_keeps_only_hashes(client: Client, grid_worker: User) -> None:
    client.force_login(grid_worker)
    rotate(client, grid_worker, PASSWORDS[:2])
    stored = list(
        PasswordHistory.objects.filter(user=grid_worker).values_list("password", flat=True)
    )
    assert len(stored) == 2
    assert all(PASSWORD not in h and PASSWORDS[0] not in h for h in stored)
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM accounts_passwordhistory")
        dumped = " ".join(row[0] for row in cursor.fetchall())
    assert PASSWORD not in dumped


def test_a_shorter_history_setting_is_honoured(
    client: Client, grid_worker: User, settings: Any
) -> None:
    settings.PASSWORD_HISTORY = 1  # only the current password is refused
    client.force_login(grid_worker)
    current = rotate(client, grid_worker, PASSWORDS[:1])
    assert change(client, current, PASSWORD).status_code == 200


def test_the_own_account_warns_in_the_week_before_expiry(client: Client, grid_worker: User) -> None:
    changed = timezone.now()
    User.objects.filter(pk=grid_worker.pk).update(password_changed_at=changed)
    max_age, warning = settings.PASSWORD_MAX_AGE_DAYS, settings.PASSWORD_EXPIRY_WARNING_DAYS
    for day, warned in [(1, False), (max_age - warning - 1, False), (max_age - warning + 1, True)]:
        with time_machine.travel(changed + timedelta(days=day), tick=False):
            client.force_login(grid_worker)
            body = client.get("/api/v1/accounts/me").json()
            assert body["password_expiry_warning"] is warned, day
    assert body["password_expires_at"].startswith(
        (changed + timedelta(days=max_age)).date().isoformat()
    )


def test_no_expiry_without_a_maximum_age(grid_worker: User, settings: Any) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 0
    grid_worker.password_changed_at = timezone.now() - timedelta(days=5000)
    assert grid_worker.password_expires_at() is None
    assert not grid_worker.needs_password_change(timezone.now())
    assert not grid_worker.password_expiry_warning(timezone.now())


@pytest.mark.django_db
def test_an_address_with_too_many_failures_is_refused_like_any_failure(
    client: Client, grid_worker: User, settings: Any
) -> None:
    settings.LOGIN_IP_FAILURE_LIMIT = 4
    for n in range(4):  # different, unknown login IDs: no account lock would ever trigger
        assert login(client, f"guess{n}", "whatever").status_code == 401
    wrong = login(client, "nobody", "whatever")
    throttled = login(client, grid_worker.username, PASSWORD)
    assert throttled.status_code == wrong.status_code == 401
    assert throttled.json() == wrong.json()  # AUTH-05: nothing tells the two apart
    assert AuditEntry.objects.filter(reason="address_throttled").count() == 2
    grid_worker.refresh_from_db()
    assert grid_worker.failed_logins == 0  # the account itself was never tried
    assert login(client, grid_worker.username, PASSWORD, ip="10.2.2.2").status_code == 200


def test_the_address_window_passes(client: Client, grid_worker: User, settings: Any) -> None:
    settings.LOGIN_IP_FAILURE_LIMIT = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(2):
            login(client, f"guess{n}", "whatever")
        assert login(client, grid_worker.username, PASSWORD).status_code == 401
    later = start + timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        assert login(client, grid_worker.username, PASSWORD).status_code == 200
