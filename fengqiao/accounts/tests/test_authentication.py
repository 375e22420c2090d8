"""AUTH-01, AUTH-03, AUTH-04, AUTH-05: sign-in, lockout, unlock, password change."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.audit.models import AuditEntry
from fengqiao.testing import PASSWORD, Territory

NEW_PASSWORD = "Neues-Passw0rt-2026!"


def login(client: Client, username: str, password: str) -> Any:
    return client.post(
        "/api/v1/auth/login",
        {"username": username, "password": password},
        content_type="application/json",
    )


def actions(*names: str) -> list[str]:
    return list(
        AuditEntry.objects.filter(action__in=names).order_by("seq").values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_migrations_create_no_accounts() -> None:
    # AUTH-01: a freshly migrated database has no user at all, hence no default account.
    assert User.objects.count() == 0
    assert RoleAssignment.objects.count() == 0


@pytest.mark.django_db
def test_login_ids_are_unique_regardless_of_case() -> None:
    User.objects.create_user(username="admin", password=PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="Admin", password=PASSWORD)


def test_login_success_starts_a_session_and_is_audited(client: Client, grid_worker: User) -> None:
    response = login(client, "GRID_WORKER", PASSWORD)  # login IDs are case-insensitive
    assert response.status_code == 200
    assert response.json() == {
        "username": "grid_worker",
        "must_change_password": False,
        "otp_required": False,
    }
    assert client.get("/api/v1/accounts/me").json()["username"] == "grid_worker"
    entry = AuditEntry.objects.get(action="login.success")
    assert entry.actor_id == grid_worker.pk and entry.object_id == str(grid_worker.pk)


def test_login_accepts_json_only(client: Client, grid_worker: User) -> None:
    # A cross-site form can send JSON-looking text/plain without a preflight.
    body = json.dumps({"username": "grid_worker", "password": PASSWORD})
    plain = client.post("/api/v1/auth/login", body, content_type="text/plain")
    assert plain.status_code == 415
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_control_characters_are_encoded_in_the_audit_log(grid_worker: User) -> None:
    # AUD-10: a forged log line cannot be smuggled in through a header.
    client = Client(HTTP_USER_AGENT="ok\r\nFAKE audit line <script>")
    login(client, "grid_worker", PASSWORD)
    entry = AuditEntry.objects.get(action="login.success")
    assert "\r" not in entry.user_agent and "\n" not in entry.user_agent
    assert entry.user_agent.startswith("ok\\x0d\\x0aFAKE")


def test_five_failures_lock_the_account_for_thirty_minutes(
    client: Client, grid_worker: User
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            assert login(client, "grid_worker", "wrong-Passw0rd!").status_code == 401
        grid_worker.refresh_from_db()
        assert grid_worker.is_locked(timezone.now())
        # Locked: the right password is refused too.
        assert login(client, "grid_worker", PASSWORD).status_code == 401
        assert actions("login.failure", "login.lock") == [
            *["login.failure"] * settings.LOGIN_FAILURE_LIMIT,
            "login.lock",
            "login.failure",
        ]
        traveller.shift(timedelta(minutes=settings.LOGIN_LOCK_MINUTES - 1))
        assert login(client, "grid_worker", PASSWORD).status_code == 401
        traveller.shift(timedelta(minutes=2))
        assert login(client, "grid_worker", PASSWORD).status_code == 200
    grid_worker.refresh_from_db()
    assert (grid_worker.failed_logins, grid_worker.locked_until) == (0, None)


def test_failures_spread_beyond_the_window_do_not_lock(client: Client, grid_worker: User) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
            login(client, "grid_worker", "wrong-Passw0rd!")
        traveller.shift(timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES + 1))
        for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
            login(client, "grid_worker", "wrong-Passw0rd!")
        assert login(client, "grid_worker", PASSWORD).status_code == 200


def test_success_resets_the_failure_count(client: Client, grid_worker: User) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        login(client, "grid_worker", "wrong-Passw0rd!")
    assert login(client, "grid_worker", PASSWORD).status_code == 200
    grid_worker.refresh_from_db()
    assert grid_worker.failed_logins == 0


def test_unknown_user_wrong_password_and_locked_answer_identically(
    grid_worker: User, town_operator: User
) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(Client(), "town_operator", "wrong-Passw0rd!")
    answers = [
        login(Client(), "nobody_here", PASSWORD),
        login(Client(), "grid_worker", "wrong-Passw0rd!"),
        login(Client(), "town_operator", PASSWORD),  # locked, right password
    ]
    statuses = {r.status_code for r in answers}
    bodies = {r.content for r in answers}
    cookies = {tuple(sorted(r.cookies.keys())) for r in answers}
    assert statuses == {401} and len(bodies) == 1 and len(cookies) == 1
    assert "sessionid" not in answers[0].cookies
    # The unknown login ID is not stored as typed (it may be a password typed in the wrong box).
    failure = AuditEntry.objects.filter(action="login.failure", reason="unknown_user").get()
    assert "nobody_here" not in str(failure.data) and failure.data["username_digest"]


def test_disabled_account_cannot_sign_in(client: Client, grid_worker: User) -> None:
    User.objects.filter(pk=grid_worker.pk).update(is_active=False)
    response = login(client, "grid_worker", PASSWORD)
    assert response.status_code == 401
    assert response.content == login(Client(), "nobody", PASSWORD).content


def test_security_admin_unlocks_and_it_is_audited(
    client: Client, grid_worker: User, security_admin: User, county_admin: User
) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(Client(), "grid_worker", "wrong-Passw0rd!")
    url = f"/api/v1/accounts/users/{grid_worker.pk}/unlock"
    client.force_login(county_admin)
    assert client.post(url).status_code == 403  # a region admin may not unlock
    client.force_login(security_admin)
    response = client.post(url)
    assert response.status_code == 200 and response.json()["locked"] is False
    assert login(Client(), "grid_worker", PASSWORD).status_code == 200
    unlock = AuditEntry.objects.get(action="login.unlock", outcome="success")
    assert unlock.actor_id == security_admin.pk and unlock.object_id == str(grid_worker.pk)
    assert AuditEntry.objects.filter(action="login.unlock", outcome="denied").count() == 1


def test_security_admin_outside_the_subtree_gets_404(
    client: Client, territory: Territory, outsider: User
) -> None:
    from fengqiao.testing import make_user

    remote = make_user("remote_security", Role.SECURITY_ADMIN, territory.other_county)
    client.force_login(remote)
    town_user = make_user("town_user", Role.OPERATOR, territory.town)
    assert client.post(f"/api/v1/accounts/users/{town_user.pk}/unlock").status_code == 404
    assert client.post(f"/api/v1/accounts/users/{outsider.pk}/unlock").status_code == 200


def test_logout_ends_the_session(client: Client, grid_worker: User) -> None:
    login(client, "grid_worker", PASSWORD)
    assert client.post("/api/v1/auth/logout").status_code == 200
    assert client.get("/api/v1/accounts/me").status_code == 401
    assert actions("logout") == ["logout"]


def change(client: Client, current: str, new: str) -> Any:
    return client.post(
        "/api/v1/auth/password",
        {"current_password": current, "new_password": new},
        content_type="application/json",
    )


def test_password_change_requires_the_current_password(client: Client, grid_worker: User) -> None:
    client.force_login(grid_worker)
    response = change(client, "not-the-Passw0rd!", NEW_PASSWORD)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "current_password"
    assert AuditEntry.objects.get(action="password.change").outcome == "failure"
    grid_worker.refresh_from_db()
    assert grid_worker.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "fragment"),
    [
        ("Short1!", "至少 12 位"),
        ("alllowercaseletters", "至少三类"),
        (PASSWORD, "不能与当前密码相同"),
    ],
)
def test_weak_or_unchanged_passwords_are_refused(
    client: Client, grid_worker: User, new: str, fragment: str
) -> None:
    client.force_login(grid_worker)
    response = change(client, PASSWORD, new)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "new_password" and fragment in body["detail"]


def test_password_change_clears_the_forced_change_and_keeps_the_session(
    client: Client, grid_worker: User
) -> None:
    User.objects.filter(pk=grid_worker.pk).update(must_change_password=True)
    client.force_login(grid_worker)
    assert client.get("/api/v1/regions/").status_code == 403
    assert change(client, PASSWORD, NEW_PASSWORD).status_code == 200
    grid_worker.refresh_from_db()
    assert not grid_worker.must_change_password and grid_worker.password_changed_at
    assert client.get("/api/v1/regions/").status_code == 200
    assert AuditEntry.objects.get(action="password.change").outcome == "success"


def test_forced_change_blocks_api_and_redirects_pages(client: Client, grid_worker: User) -> None:
    User.objects.filter(pk=grid_worker.pk).update(must_change_password=True)
    client.force_login(grid_worker)
    api = client.get("/api/v1/accounts/me")
    assert api.status_code == 403 and api.json()["errors"][0]["type"] == "password_change"
    page = client.get("/")
    assert page.status_code == 302 and page["Location"] == "/accounts/password/"
    assert client.get("/accounts/password/").status_code == 200


def test_passwords_expire_after_the_maximum_age(client: Client, grid_worker: User) -> None:
    # AUTH-03: day 91 after the last change → every URL leads to the change page.
    User.objects.filter(pk=grid_worker.pk).update(password_changed_at=timezone.now())
    client.force_login(grid_worker)
    assert client.get("/").status_code == 200
    later = timezone.now() + timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)
    with time_machine.travel(later, tick=False):
        client.force_login(grid_worker)  # the old session has long timed out
        assert client.get("/")["Location"] == "/accounts/password/"


def test_create_admin_prints_a_one_time_password(client: Client, territory: Territory) -> None:
    out = StringIO()
    call_command("create_admin", "root_sys", role="system_admin", region="620000000000", stdout=out)
    password = next(
        line.split("：", 1)[1] for line in out.getvalue().splitlines() if "一次性密码" in line
    )
    user = User.objects.get(username="root_sys")
    assert user.must_change_password and user.check_password(password)
    assert list(user.assignments.values_list("role", flat=True)) == [Role.SYSTEM_ADMIN]
    assert actions("user.create", "role.grant") == ["user.create", "role.grant"]
    # First login: the page flow leads straight to the forced change.
    response = client.post("/accounts/login/", {"username": "root_sys", "password": password})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"


def test_create_admin_refuses_bad_input(territory: Territory) -> None:
    with pytest.raises(CommandError, match="区划代码不存在"):
        call_command("create_admin", "a1", role="audit_admin", region="999999999999")
    call_command("create_admin", "a1", role="audit_admin", region="620000000000", stdout=StringIO())
    with pytest.raises(CommandError, match="登录名已被使用"):
        call_command("create_admin", "A1", role="audit_admin", region="620000000000")
    with pytest.raises(CommandError, match="登录名须为"):
        call_command("create_admin", "x" * 151, role="system_admin", region="620000000000")
    # The refused commands created nothing.
    assert User.objects.count() == 1


def test_login_page_flow(client: Client, grid_worker: User) -> None:
    assert "登录" in client.get("/accounts/login/").content.decode()
    failed = client.post("/accounts/login/", {"username": "grid_worker", "password": "x"})
    assert failed.status_code == 200 and "登录名或密码错误" in failed.content.decode()
    ok = client.post(
        "/accounts/login/?next=/api/v1/docs",
        {"username": "grid_worker", "password": PASSWORD},
    )
    assert ok.status_code == 302 and ok["Location"] == "/api/v1/docs"
    offsite = Client().post(
        "/accounts/login/",
        {"username": "grid_worker", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert offsite["Location"] == "/"
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_password_change_page(client: Client, grid_worker: User) -> None:
    client.force_login(grid_worker)
    mismatch = client.post(
        "/accounts/password/",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD + "x",
        },
    )
    assert mismatch.status_code == 400 and "不一致" in mismatch.content.decode()
    wrong = client.post(
        "/accounts/password/",
        {
            "current_password": "nope",
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 400 and "当前密码不正确" in wrong.content.decode()
    done = client.post(
        "/accounts/password/",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert done.status_code == 200 and "密码已修改" in done.content.decode()
    grid_worker.refresh_from_db()
    assert grid_worker.check_password(NEW_PASSWORD)
