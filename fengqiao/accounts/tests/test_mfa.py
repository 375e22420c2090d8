"""AUTH-06 (多因素认证): password plus a second factor for every account; AUTH-09: MFA changes
write an outbox notification row.

Codes are computed from the device key at a frozen time (time-machine), as an authenticator
app would; django-otp's throttling (one failure → wait 1 s, two → 2 s …) is stepped over by
moving the clock where a test makes several failed attempts.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.core import checks
from django.test import Client, RequestFactory, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from gmssl import sm2

from fengqiao.accounts import mfa
from fengqiao.accounts.actions import (
    do_confirm_totp_device,
    do_reset_mfa,
    do_start_totp_enrolment,
)
from fengqiao.accounts.middleware import MFA_API_EXEMPT
from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry, Outcome
from fengqiao.core.checks import check_production_settings
from fengqiao.core.endpoints import endpoints
from fengqiao.core.errors import ActionError
from fengqiao.core.models import Outbox
from fengqiao.testing import PASSWORD, Territory, make_user

T0 = datetime(2026, 11, 24, 8, 0, 5, tzinfo=UTC)
RECOVERY = [f"rc{i:02d}x{i * 7 % 10}k9" for i in range(10)]


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def enrol(user: User) -> TOTPDevice:
    """A confirmed TOTP device and ten known recovery codes, as after an enrolment."""
    device = TOTPDevice.objects.create(user=user, name=mfa.TOTP_DEVICE_NAME, confirmed=True)
    codes = StaticDevice.objects.create(user=user, name=mfa.RECOVERY_DEVICE_NAME, confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=codes, token=c) for c in RECOVERY)
    return device


def code_now(device: TOTPDevice) -> str:
    """What the authenticator app shows now (the clock may be frozen)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_now(device)) + 1) % 10**6:06d}"


def api_login(client: Client, user: User) -> Any:
    return client.post(
        "/api/v1/auth/login",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )


def api_otp(client: Client, code: str, method: str = "totp") -> Any:
    return client.post(
        "/api/v1/auth/otp", {"code": code, "method": method}, content_type="application/json"
    )


def mfa_rows(action: str, **filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("seq"))


def notifications(user: User) -> list[str]:
    rows = Outbox.objects.filter(topic="account.mfa", recipient=f"user:{user.pk}")
    return [str(row.payload["event"]) for row in rows.order_by("created_at")]


# --- the gate -----------------------------------------------------------------------------

EXEMPT_ROUTES = {
    "accounts/login/",
    "accounts/logout/",
    "accounts/password/",
    "accounts/otp/",
    "accounts/otp/setup/",
    *(path.removeprefix("/") for path in MFA_API_EXEMPT),
}


@pytest.mark.mfa
def test_password_only_session_reaches_only_the_second_step(
    client: Client, grid_worker: User
) -> None:
    """AUTH-06: after the password alone, every authenticated URL sends the user to the OTP
    step (pages 302, API 403 `mfa_required`): here enrolment, as the user has no device."""
    response = api_login(client, grid_worker)
    assert response.json()["otp_required"] is True
    checked = 0
    for endpoint in endpoints():
        if endpoint.route in EXEMPT_ROUTES:
            continue
        response = client.get(endpoint.url)
        if endpoint.url.startswith("/api/"):
            assert response.status_code == 403, endpoint
            assert response.json()["errors"][0]["type"] == "mfa_required", endpoint
        else:
            assert response.status_code == 302, endpoint
            assert response["Location"].startswith("/accounts/otp/setup/?next="), endpoint
        checked += 1
    assert checked >= 20
    assert client.get("/accounts/otp/setup/").status_code == 200
    assert client.get("/api/v1/health").status_code == 200


@pytest.mark.mfa
def test_enrolled_user_is_sent_to_the_code_page_with_the_way_back(
    client: Client, grid_worker: User
) -> None:
    """AUTH-06: with a device, pages redirect to the code page and remember where to return."""
    enrol(grid_worker)
    client.force_login(grid_worker)
    for url in ("/", "/cases/", "/internal-admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/otp/?next=" + quote(url, safe=""), url
    # The enrolment page itself sends an enrolled user to the code page.
    assert client.get("/accounts/otp/setup/")["Location"] == "/accounts/otp/?next=%2F"
    response = client.post("/")  # a POST is not replayed after the step: no `next`
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/"
    assert client.get("/api/v1/accounts/me").status_code == 403


@pytest.mark.mfa
def test_the_gate_opens_with_a_correct_code_and_comes_after_the_password_change(
    client: Client, grid_worker: User, clock: time_machine.Traveller
) -> None:
    """AUTH-06 after AUTH-01: a forced password change comes first, then the second step."""
    device = enrol(grid_worker)
    User.objects.filter(pk=grid_worker.pk).update(must_change_password=True)
    api_login(client, grid_worker)
    assert client.get("/").headers["Location"] == "/accounts/password/"
    User.objects.filter(pk=grid_worker.pk).update(must_change_password=False)
    assert client.get("/").headers["Location"].startswith("/accounts/otp/")
    response = api_otp(client, code_now(device))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "method": "totp", "recovery_codes_left": None}
    assert client.get("/api/v1/accounts/me").json()["username"] == "grid_worker"
    assert client.get("/").status_code == 200
    row = mfa_rows("mfa.verify")[-1]
    assert row.outcome == Outcome.SUCCESS and row.data == {"method": "totp"}


def test_with_the_setting_off_the_password_is_enough(client: Client, grid_worker: User) -> None:
    """The demo and the other tests run with FENGQIAO_MFA_REQUIRED off (conftest)."""
    enrol(grid_worker)
    assert api_login(client, grid_worker).json()["otp_required"] is False
    assert client.get("/api/v1/accounts/me").status_code == 200
    assert client.get("/").status_code == 200


# --- TOTP: single use ------------------------------------------------------------------------


@pytest.mark.mfa
def test_a_replayed_code_is_rejected_and_logged(
    grid_worker: User, clock: time_machine.Traveller
) -> None:
    """AUTH-06: a TOTP used once is refused within its window, in another session too, and
    the refusal is audited as a replay."""
    device = enrol(grid_worker)
    first, second = Client(), Client()
    api_login(first, grid_worker)
    api_login(second, grid_worker)
    code = code_now(device)
    assert api_otp(first, code).status_code == 200
    clock.shift(10)  # still inside the same 30-second step
    response = api_otp(second, code)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "code", "message": mfa.REASON_MESSAGES["replayed"][0], "type": "replayed"}
    ]
    assert second.get("/api/v1/accounts/me").status_code == 403
    refused = mfa_rows("mfa.verify", outcome=Outcome.FAILURE)
    assert [(r.reason, r.actor_id) for r in refused] == [("replayed", grid_worker.pk)]
    # Once the app shows the next code, it is accepted.
    clock.shift(30)
    assert api_otp(second, code_now(device)).status_code == 200
    assert second.get("/api/v1/accounts/me").status_code == 200


@pytest.mark.mfa
def test_wrong_codes_are_throttled_then_accepted_again(
    client: Client, grid_worker: User, clock: time_machine.Traveller
) -> None:
    """AUTH-06 with AUTH-04 in mind: after a failure django-otp makes the device wait (1 s,
    then 2 s, 4 s …); an attempt during the wait is refused (429) even with the right code."""
    device = enrol(grid_worker)
    api_login(client, grid_worker)
    assert api_otp(client, wrong_code(device)).json()["errors"][0]["type"] == "invalid"
    throttled = api_otp(client, code_now(device))
    assert throttled.status_code == 429
    assert throttled.json()["errors"][0]["type"] == "throttled"
    clock.shift(31)
    assert api_otp(client, code_now(device)).status_code == 200
    reasons = [r.reason for r in mfa_rows("mfa.verify", outcome=Outcome.FAILURE)]
    assert reasons == ["invalid", "throttled"]


@pytest.mark.mfa
@pytest.mark.parametrize(
    ("payload", "status", "kind"),
    [
        ({"code": "abcdef"}, 400, "format"),
        ({"code": "12345"}, 400, "format"),
        ({"code": "１２３４５６"}, 400, "format"),  # full-width digits
        ({"code": ""}, 422, None),  # schema errors: 422 with the field named
        ({"code": "x" * 2000}, 422, None),
        ({}, 422, None),
        ({"code": "123456", "method": "sms"}, 400, "unknown"),
    ],
)
def test_malformed_codes_answer_400_never_500(
    client: Client, grid_worker: User, payload: dict[str, str], status: int, kind: str | None
) -> None:
    """AUTH-06: bad input is a per-field error, never a 500, and opens nothing."""
    enrol(grid_worker)
    api_login(client, grid_worker)
    response = client.post("/api/v1/auth/otp", payload, content_type="application/json")
    assert response.status_code == status
    errors = response.json()["errors"]
    assert errors and all(e["message"] for e in errors)
    if kind is not None:
        assert errors[0]["type"] == kind
    assert client.get("/api/v1/accounts/me").status_code == 403


@pytest.mark.mfa
def test_api_step_needs_an_enrolled_factor(client: Client, grid_worker: User) -> None:
    api_login(client, grid_worker)
    response = api_otp(client, "123456")
    assert response.status_code == 403
    assert response.json()["errors"][0]["type"] == "mfa_enrolment_required"
    assert Client().post("/api/v1/auth/otp", {"code": "1"}).status_code == 401


# --- recovery codes ------------------------------------------------------------------------


@pytest.mark.mfa
def test_each_recovery_code_works_once(
    client: Client, grid_worker: User, clock: time_machine.Traveller
) -> None:
    """AUTH-06: single-use recovery codes: each opens one session, never a second; each use
    is audited and notified (AUTH-09)."""
    enrol(grid_worker)
    for left, code in reversed(list(enumerate(RECOVERY))):
        other = Client()
        api_login(other, grid_worker)
        response = api_otp(other, code.upper(), method="recovery")  # case does not matter
        assert response.status_code == 200, code
        assert response.json()["recovery_codes_left"] == left
        assert other.get("/api/v1/accounts/me").status_code == 200
    api_login(client, grid_worker)
    for failures, code in enumerate(RECOVERY):
        clock.shift(2 ** (failures - 1) + 1 if failures else 0)  # past the throttling wait
        response = api_otp(client, code, method="recovery")
        assert response.status_code == 400, code
        assert response.json()["errors"][0]["type"] == "invalid"
    assert client.get("/api/v1/accounts/me").status_code == 403
    used = mfa_rows("mfa.recovery.use")
    assert [r.data["remaining"] for r in used] == list(range(9, -1, -1))
    assert notifications(grid_worker) == ["mfa.recovery.use"] * 10
    assert len(mfa_rows("mfa.verify", outcome=Outcome.FAILURE)) == 10


# --- enrolment end to end -------------------------------------------------------------------


@pytest.mark.mfa
def test_enrolment_end_to_end(
    client: Client, grid_worker: User, clock: time_machine.Traveller
) -> None:
    """AUTH-06: sign in → enrolment page (secret + inline QR code) → confirm with a code →
    ten recovery codes shown once → the console; next sign-in asks for a code."""
    response = client.post("/accounts/login/", {"username": "grid_worker", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == "/accounts/otp/setup/?next=%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "绑定动态口令" in html and "<svg" in html and "https://" not in html
    device = TOTPDevice.objects.get(user=grid_worker, confirmed=False)
    assert page.context["secret"].replace(" ", "") in device.config_url
    assert client.get("/accounts/otp/setup/").context["secret"] == page.context["secret"]
    assert len(mfa_rows("mfa.enrol.start")) == 1  # the reload shows the same secret

    for bad, message in [("", "请输入动态口令。"), ("12ab56", "动态口令为 6 位数字。")]:
        response = client.post("/accounts/otp/setup/", {"code": bad, "next": "/"})
        assert response.status_code == 400 and message in response.content.decode()
    response = client.post("/accounts/otp/setup/", {"code": wrong_code(device), "next": "/"})
    assert response.status_code == 400 and "动态口令不正确" in response.content.decode()
    refused = mfa_rows("mfa.device.confirm")
    assert [(r.outcome, r.reason[:5]) for r in refused] == [(Outcome.FAILURE, "动态口令不")]

    response = client.post("/accounts/otp/setup/", {"code": code_now(device), "next": "/"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200  # this session passed the step while enrolling
    confirmed = mfa_rows("mfa.device.confirm", outcome=Outcome.SUCCESS)
    assert len(confirmed) == 1 and confirmed[0].data["recovery_codes"] == 10
    assert codes[0] not in str(confirmed[0].data)  # no secret in the log
    assert notifications(grid_worker) == ["mfa.device.confirm"]
    # The enrolment page is closed now: no second device without a reset.
    assert client.get("/accounts/otp/setup/")["Location"] == "/"

    again = Client()
    again.post("/accounts/login/", {"username": "grid_worker", "password": PASSWORD})
    assert again.get("/cases/")["Location"] == "/accounts/otp/?next=%2Fcases%2F"
    assert again.get("/accounts/otp/setup/")["Location"].startswith("/accounts/otp/?next=")
    form = again.get("/accounts/otp/?next=%2Fcases%2F")
    assert form.status_code == 200 and "第二步验证" in form.content.decode()
    response = again.post("/accounts/otp/", {"method": "totp", "code": "abc", "next": "/cases/"})
    assert response.status_code == 400 and "动态口令为 6 位数字。" in response.content.decode()
    response = again.post("/accounts/otp/", {"method": "totp", "code": "", "next": "/cases/"})
    assert response.status_code == 400 and "请输入验证码。" in response.content.decode()
    response = again.post("/accounts/otp/", {"method": "sms", "code": "1", "next": "/cases/"})
    assert response.status_code == 400
    clock.shift(30)
    fresh = {"method": "totp", "code": code_now(device), "next": "https://evil.example/"}
    response = again.post("/accounts/otp/", fresh)
    assert response.status_code == 302 and response["Location"] == "/"  # no open redirect
    assert again.get("/api/v1/accounts/me").status_code == 200


@pytest.mark.mfa
def test_recovery_code_on_the_page(
    client: Client, grid_worker: User, clock: time_machine.Traveller
) -> None:
    enrol(grid_worker)
    client.force_login(grid_worker)
    response = client.post(
        "/accounts/otp/", {"method": "recovery", "code": RECOVERY[3], "next": "/cases/"}
    )
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert StaticToken.objects.filter(token=RECOVERY[3]).count() == 0


@pytest.mark.mfa
def test_otp_pages_need_csrf(grid_worker: User) -> None:
    enrol(grid_worker)
    client = Client(enforce_csrf_checks=True)
    client.force_login(grid_worker)
    assert client.post("/accounts/otp/", {"method": "totp", "code": "123456"}).status_code == 403
    assert client.post("/accounts/otp/setup/", {"code": "123456"}).status_code == 403


# --- reset by the security administrator -------------------------------------------------


def verified(client: Client, user: User, device: TOTPDevice) -> Client:
    api_login(client, user)
    assert api_otp(client, code_now(device)).status_code == 200
    return client


@pytest.mark.mfa
def test_security_admin_resets_a_lost_device(
    grid_worker: User, security_admin: User, clock: time_machine.Traveller
) -> None:
    """AUTH-06: the 安全管理员 removes the devices; the user's verified sessions lose the
    second step and the next sign-in enrols again; audited and notified (AUTH-09)."""
    device = enrol(grid_worker)
    worker = verified(Client(), grid_worker, device)
    admin = verified(Client(), security_admin, enrol(security_admin))
    response = admin.post(f"/api/v1/accounts/users/{grid_worker.pk}/mfa/reset")
    assert response.status_code == 200 and response.json()["username"] == "grid_worker"
    assert not TOTPDevice.objects.filter(user=grid_worker).exists()
    assert not StaticDevice.objects.filter(user=grid_worker).exists()
    assert worker.get("/api/v1/accounts/me").json()["errors"][0]["type"] == "mfa_required"
    assert worker.get("/")["Location"] == "/accounts/otp/setup/?next=%2F"
    row = mfa_rows("mfa.reset")[0]
    assert row.actor_id == security_admin.pk and row.object_id == str(grid_worker.pk)
    assert row.data == {"devices": 1, "recovery_codes": 10}
    assert notifications(grid_worker) == ["mfa.reset"]


def test_only_a_security_admin_of_the_subtree_resets_and_never_their_own(
    territory: Territory,
    grid_worker: User,
    security_admin: User,
    county_admin: User,
    system_admin: User,
) -> None:
    enrol(grid_worker)
    enrol(security_admin)
    faraway = make_user("faraway_security", Role.SECURITY_ADMIN, territory.other_county)
    for actor, status in [(county_admin, 403), (system_admin, 403), (faraway, 404)]:
        with pytest.raises(ActionError) as refused:
            do_reset_mfa(grid_worker, actor=actor)
        assert refused.value.status == status, actor
    with pytest.raises(ActionError) as refused:
        do_reset_mfa(security_admin, actor=security_admin)
    assert refused.value.code == "self"
    assert TOTPDevice.objects.count() == 2
    denied = mfa_rows("mfa.reset", outcome=Outcome.DENIED)
    assert [r.actor_id for r in denied] == [
        county_admin.pk,
        system_admin.pk,
        faraway.pk,
        security_admin.pk,
    ]
    client = Client()
    client.force_login(county_admin)
    assert client.post(f"/api/v1/accounts/users/{grid_worker.pk}/mfa/reset").status_code == 403


# --- the plug point: a fake SM2 certificate back end ----------------------------------------


def sm2_key_pair() -> tuple[str, str]:
    private = secrets.token_hex(32)
    signer = sm2.CryptSM2(private_key=private, public_key="")
    public = signer._kg(int(private, 16), sm2.default_ecc_table["g"])
    return private, public


def sm2_sign(private: str, public: str, message: str) -> str:
    signature: str = sm2.CryptSM2(private_key=private, public_key=public).sign_with_sm3(
        message.encode()
    )
    return signature


class FakeSm2Factor:
    """A USB key (UKey) holding an SM2 certificate, as a deployment would plug it in: the
    server issues a challenge, the key signs it with SM3withSM2, the back end verifies against
    the user's registered public key (here a class-level table instead of a certificate store)."""

    name = "sm2"
    label = "数字证书（SM2）"
    cryptographic = True
    public_keys: dict[int, str] = {}

    def enrolled(self, user: User) -> bool:
        return user.pk in self.public_keys

    def challenge(self, user: User) -> str:
        return secrets.token_hex(16)

    def verify(self, user: User, response: str, *, challenge: str) -> mfa.Verification:
        if not challenge:
            return mfa.Verification(False, mfa.Reason.NO_CHALLENGE)
        public = self.public_keys.get(user.pk)
        if public is None:
            return mfa.Verification(False, mfa.Reason.NOT_ENROLLED)
        try:
            good = sm2.CryptSM2(private_key="", public_key=public).verify_with_sm3(
                response, challenge.encode()
            )
        except (ValueError, TypeError, IndexError):
            good = False
        return mfa.Verification(True) if good else mfa.Verification(False, mfa.Reason.INVALID)


SM2_BACKENDS = [
    "fengqiao.accounts.mfa.TotpFactor",
    "fengqiao.accounts.mfa.RecoveryCodeFactor",
    f"{__name__}.FakeSm2Factor",
]


@pytest.mark.mfa
@override_settings(FENGQIAO_MFA_BACKENDS=SM2_BACKENDS)
def test_a_certificate_back_end_plugs_in(client: Client, grid_worker: User) -> None:
    """AUTH-06: the plug point for SM2 certificates / USB keys: challenge, signature with a
    test key (gmssl), verification; a wrong key, a missing or reused challenge are refused."""
    private, public = sm2_key_pair()
    FakeSm2Factor.public_keys = {grid_worker.pk: public}
    assert [b.name for b in mfa.backends()] == ["totp", "recovery", "sm2"]
    assert mfa.enrolled(grid_worker)  # by the certificate alone: no TOTP device
    api_login(client, grid_worker)

    response = api_otp(client, "00" * 64, method="sm2")
    assert response.json()["errors"][0]["type"] == "no_challenge"
    challenge = client.post(
        "/api/v1/auth/otp/challenge", {"method": "sm2"}, content_type="application/json"
    ).json()["challenge"]
    other_private, other_public = sm2_key_pair()
    forged = sm2_sign(other_private, other_public, challenge)
    assert api_otp(client, forged, method="sm2").json()["errors"][0]["type"] == "invalid"

    challenge = client.post(
        "/api/v1/auth/otp/challenge", {"method": "sm2"}, content_type="application/json"
    ).json()["challenge"]
    signature = sm2_sign(private, public, challenge)
    assert api_otp(client, "not-hex", method="sm2").status_code == 400  # challenge now spent
    assert api_otp(client, signature, method="sm2").json()["errors"][0]["type"] == "no_challenge"

    challenge = client.post(
        "/api/v1/auth/otp/challenge", {"method": "sm2"}, content_type="application/json"
    ).json()["challenge"]
    response = api_otp(client, sm2_sign(private, public, challenge), method="sm2")
    assert response.status_code == 200 and response.json()["method"] == "sm2"
    assert client.get("/api/v1/accounts/me").status_code == 200
    assert mfa_rows("mfa.verify", outcome=Outcome.SUCCESS)[-1].data == {"method": "sm2"}
    reasons = [r.reason for r in mfa_rows("mfa.verify", outcome=Outcome.FAILURE)]
    assert reasons == ["no_challenge", "invalid", "invalid", "no_challenge"]


@pytest.mark.mfa
@override_settings(FENGQIAO_MFA_BACKENDS=SM2_BACKENDS)
def test_enrolment_cannot_bypass_another_enrolled_factor(
    client: Client, grid_worker: User, clock: time_machine.Traveller
) -> None:
    """AUTH-06: a user with a certificate cannot add a TOTP device from a password-only
    session (that would skip the second step)."""
    FakeSm2Factor.public_keys = {grid_worker.pk: sm2_key_pair()[1]}
    client.force_login(grid_worker)
    assert client.get("/accounts/otp/setup/")["Location"] == "/accounts/otp/?next=%2F"
    device = TOTPDevice.objects.create(user=grid_worker, confirmed=False)
    response = client.post("/accounts/otp/setup/", {"code": code_now(device)})
    assert response.status_code == 302  # sent to the code page, nothing confirmed
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/api/v1/accounts/me").status_code == 403
    # The action refuses it too, whatever page calls it.
    request = RequestFactory().post("/accounts/otp/setup/")
    request.session = SessionStore()
    with pytest.raises(ActionError) as refused:
        do_confirm_totp_device(request, code=code_now(device), actor=grid_worker)
    assert refused.value.status == 403 and refused.value.code == "mfa_required"
    device.refresh_from_db()
    assert not device.confirmed


def test_the_baseline_factors_say_what_they_are() -> None:
    """AUTH-06: at least one factor is cryptographic (TOTP is; recovery codes are not)."""
    assert [(b.name, b.cryptographic) for b in mfa.backends()] == [
        ("totp", True),
        ("recovery", False),
    ]
    assert mfa.backend("sms") is None


# --- deployment check ---------------------------------------------------------------------


@pytest.mark.django_db
def test_production_refuses_mfa_off() -> None:
    """AUTH-06: `check --deploy` errors (fengqiao.E007) when MFA is off with DEBUG off."""

    def ids() -> set[str]:
        return {m.id for m in check_production_settings() if m.level >= checks.ERROR and m.id}

    with override_settings(DEBUG=False, FENGQIAO_MFA_REQUIRED=False):
        assert "fengqiao.E007" in ids()
    with override_settings(DEBUG=False, FENGQIAO_MFA_REQUIRED=True):
        assert "fengqiao.E007" not in ids()
    with override_settings(DEBUG=True, FENGQIAO_MFA_REQUIRED=False):
        assert "fengqiao.E007" not in ids()


@pytest.mark.mfa
def test_the_marker_turns_the_setting_on(settings: Any) -> None:
    assert settings.FENGQIAO_MFA_REQUIRED is True
    assert TOTPDevice().step == 30 and TOTPDevice().digits == 6


# --- the pieces ---------------------------------------------------------------------------


def test_verify_totp_tells_the_reasons_apart(
    grid_worker: User, clock: time_machine.Traveller
) -> None:
    """AUTH-06: malformed, wrong, right, replayed, throttled, in that order of checks."""
    device = enrol(grid_worker)
    for malformed in ["", "12345", "1234567", "12 456", "abcdef", "١٢٣٤٥٦", "-12345"]:
        assert mfa.verify_totp(device, malformed) == mfa.Verification(False, "format")
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # malformed input costs no attempt
    assert mfa.verify_totp(device, wrong_code(device)).reason == "invalid"  # never used yet
    clock.shift(2)
    code = code_now(device)
    ok = mfa.verify_totp(device, f" {code} ")
    assert ok.ok and ok.device_id == device.persistent_id
    clock.shift(1)
    assert mfa.verify_totp(device, code).reason == "replayed"
    assert mfa.verify_totp(device, code).reason == "throttled"  # within a second of a failure


def test_session_verification_follows_user_and_device(
    grid_worker: User, town_operator: User
) -> None:
    """AUTH-06: the session marker counts only for its user and while its device exists."""
    device = enrol(grid_worker)
    session = SessionStore()
    assert not mfa.session_verified(session, grid_worker)
    for garbage in ["yes", 1, [], {"user": str(grid_worker.pk)}]:
        session[mfa.SESSION_KEY] = garbage
        assert not mfa.session_verified(session, grid_worker), garbage
    session[mfa.SESSION_KEY] = {"user": grid_worker.pk, "method": "totp", "device": "x/1"}
    assert not mfa.session_verified(session, grid_worker)  # no such device
    marker = {"user": grid_worker.pk, "method": "totp", "device": device.persistent_id}
    session[mfa.SESSION_KEY] = marker
    assert mfa.session_verified(session, grid_worker)
    assert not mfa.session_verified(session, town_operator)
    other = enrol(town_operator)
    session[mfa.SESSION_KEY] = {**marker, "device": other.persistent_id}
    assert not mfa.session_verified(session, grid_worker)  # someone else's device
    session[mfa.SESSION_KEY] = {"user": grid_worker.pk, "method": "sm2", "device": ""}
    assert mfa.session_verified(session, grid_worker)  # a back end without devices
    session[mfa.SESSION_KEY] = marker
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    assert not mfa.session_verified(session, grid_worker)


@pytest.mark.mfa
def test_a_pending_session_may_sign_out_or_change_its_password(
    client: Client, grid_worker: User
) -> None:
    """AUTH-06: the exempt endpoints work before the second step."""
    enrol(grid_worker)
    api_login(client, grid_worker)
    assert client.get("/accounts/password/").status_code == 200
    assert client.get("/accounts/otp/").status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 200
    assert client.get("/api/v1/accounts/me").status_code == 401


@pytest.mark.mfa
def test_signing_out_ends_the_verification(
    client: Client, grid_worker: User, clock: time_machine.Traveller
) -> None:
    device = enrol(grid_worker)
    verified(client, grid_worker, device)
    assert client.get("/api/v1/accounts/me").status_code == 200
    client.post("/api/v1/auth/logout")
    assert api_login(client, grid_worker).json()["otp_required"] is True
    assert client.get("/api/v1/accounts/me").status_code == 403


@pytest.mark.mfa
def test_verification_gives_a_new_session_key(
    client: Client, grid_worker: User, clock: time_machine.Traveller
) -> None:
    """AUTH-06: no session fixation across the second step."""
    device = enrol(grid_worker)
    api_login(client, grid_worker)
    before = client.cookies["sessionid"].value
    assert api_otp(client, code_now(device)).status_code == 200
    assert client.cookies["sessionid"].value != before


@pytest.mark.mfa
def test_reenrolment_after_a_reset_issues_new_recovery_codes(
    client: Client, grid_worker: User, security_admin: User, clock: time_machine.Traveller
) -> None:
    enrol(grid_worker)
    do_reset_mfa(grid_worker, actor=security_admin)
    client.force_login(grid_worker)
    client.get("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=grid_worker)
    codes = client.post("/accounts/otp/setup/", {"code": code_now(device)}).context["codes"]
    assert set(codes).isdisjoint(RECOVERY)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    assert notifications(grid_worker) == ["mfa.reset", "mfa.device.confirm"]


@pytest.mark.mfa
def test_the_pages_speak_english_too(client: Client, grid_worker: User) -> None:
    client.force_login(grid_worker)
    client.cookies["django_language"] = "en"
    assert "Set up one-time codes" in client.get("/accounts/otp/setup/").content.decode()
    enrol(grid_worker)
    TOTPDevice.objects.filter(user=grid_worker, confirmed=False).delete()
    page = client.get("/accounts/otp/").content.decode()
    assert "Second step" in page and "The 6-digit code" not in page


@pytest.mark.mfa
def test_codes_travel_only_in_post_bodies(
    client: Client, grid_worker: User, clock: time_machine.Traveller
) -> None:
    """AUTH-06 with AUTH-08: a code in the URL is ignored; the API step is POST only."""
    device = enrol(grid_worker)
    client.force_login(grid_worker)
    page = client.get(f"/accounts/otp/?method=totp&code={code_now(device)}&next=/")
    assert page.status_code == 200 and not page.context["form"].is_bound
    assert client.get("/api/v1/auth/otp", {"code": code_now(device)}).status_code == 405
    assert client.get("/api/v1/accounts/me").status_code == 403
    assert not mfa_rows("mfa.verify")


def test_enrolment_is_for_oneself_and_only_once(grid_worker: User, town_operator: User) -> None:
    """AUTH-06: nobody starts an enrolment for someone else; a second device needs a reset."""
    with pytest.raises(ActionError) as refused:
        do_start_totp_enrolment(grid_worker, actor=town_operator)
    assert refused.value.status == 403
    first = do_start_totp_enrolment(grid_worker, actor=grid_worker)
    assert do_start_totp_enrolment(grid_worker, actor=grid_worker) == first
    TOTPDevice.objects.filter(pk=first.pk).update(confirmed=True)
    with pytest.raises(ActionError) as refused:
        do_start_totp_enrolment(grid_worker, actor=grid_worker)
    assert refused.value.status == 409 and refused.value.code == "already_enrolled"
    assert len(mfa_rows("mfa.enrol.start")) == 1


@pytest.mark.mfa
def test_challenges_for_unknown_or_challenge_free_methods(
    client: Client, grid_worker: User
) -> None:
    enrol(grid_worker)
    api_login(client, grid_worker)
    url = "/api/v1/auth/otp/challenge"
    response = client.post(url, {"method": "sms"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "method"
    response = client.post(url, {"method": "totp"}, content_type="application/json")
    assert response.json() == {"method": "totp", "challenge": ""}
    assert client.post(url, {}, content_type="application/json").status_code == 422
