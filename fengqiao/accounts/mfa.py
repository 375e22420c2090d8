"""AUTH-06: second factors (多因素认证) behind one small interface, so that a deployment can add
an SM2 certificate / USB key (UKey) back end or the provincial 政务统一身份认证 SSO beside
the baseline TOTP and recovery codes (django-otp).

A back end is any class with the `SecondFactor` shape, named by dotted path in the setting
FENGQIAO_MFA_BACKENDS. The actions in `fengqiao.accounts.actions` call it; the back end never
writes audit rows or session state itself (the actions do, in one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from fengqiao.accounts.models import User

# Where a verified session keeps its second factor: {"user": pk, "method": name, "device": id}.
SESSION_KEY = "fengqiao_mfa"
# A pending challenge of a challenge-response back end: {"method": name, "challenge": text}.
CHALLENGE_KEY = "fengqiao_mfa_challenge"
RECOVERY_DEVICE_NAME = "恢复码"
TOTP_DEVICE_NAME = "动态口令"


class Reason:
    """Why a verification failed (the audit row's `reason`, the API error's `type`)."""

    FORMAT = "format"  # not the shape of a code of this factor (empty, letters, too long)
    INVALID = "invalid"  # a well-formed code that is wrong
    REPLAYED = "replayed"  # a code that was right but has been used already (single use)
    THROTTLED = "throttled"  # too many recent failures: wait before the next attempt
    NOT_ENROLLED = "not_enrolled"  # the user has no device of this factor
    NO_CHALLENGE = "no_challenge"  # challenge-response without a pending challenge


# What the page and the API say for each failure (Chinese, English).
REASON_MESSAGES: dict[str, tuple[str, str]] = {
    Reason.FORMAT: (
        "格式不正确：动态口令为 6 位数字，恢复码为 8 位字母或数字。",
        "Malformed code.",
    ),
    Reason.INVALID: ("验证码不正确。", "The code is wrong."),
    Reason.REPLAYED: (
        "该动态口令已使用过，请等待手机上出现新的口令后再输入。",
        "This code has been used already; wait for the next one.",
    ),
    Reason.THROTTLED: ("尝试次数过多，请稍后再试。", "Too many attempts; try again later."),
    Reason.NOT_ENROLLED: ("尚未绑定该验证方式。", "This factor is not enrolled."),
    Reason.NO_CHALLENGE: ("请先获取挑战码。", "Request a challenge first."),
}


def reason_message(reason: str) -> tuple[str, str]:
    return REASON_MESSAGES.get(reason, REASON_MESSAGES[Reason.INVALID])


@dataclass(frozen=True)
class Verification:
    """The answer of a back end: `device_id` (a django-otp persistent id, or "" for a back end
    without devices) ties the verified session to a device that a reset removes."""

    ok: bool
    reason: str = ""
    device_id: str = ""
    remaining: int | None = None  # recovery codes left after this one


class SecondFactor(Protocol):
    """The plug point. `name` is the API's `method`; `cryptographic` says whether the factor is
    a cryptographic one in the sense of 等保 8.1.4.1 d / GB/T 39786 (TOTP and SM2 are)."""

    name: str
    label: str
    cryptographic: bool

    def enrolled(self, user: User) -> bool:
        """The user has a confirmed device (certificate, secret, code list) of this factor."""
        ...

    def challenge(self, user: User) -> str:
        """A fresh challenge to sign, or "" for a factor that needs none (TOTP)."""
        ...

    def verify(self, user: User, response: str, *, challenge: str) -> Verification:
        """Check the response. Called inside the action's transaction: lock what you update."""
        ...


def backends() -> list[SecondFactor]:
    """The configured back ends, in the order the sign-in page offers them."""
    return [import_string(path)() for path in settings.FENGQIAO_MFA_BACKENDS]


def backend(name: str) -> SecondFactor | None:
    return next((b for b in backends() if b.name == name), None)


def enrolled(user: User) -> bool:
    """AUTH-06: the user can complete the second step (otherwise: enrol first)."""
    return any(b.enrolled(user) for b in backends())


@dataclass(frozen=True)
class MfaStatus:
    """What an administrator's account page shows about a user's second factor: which
    factors are enrolled, since when, and when one was last used. Never a secret or a code."""

    methods: tuple[str, ...]  # labels of the enrolled factors, in the configured order
    enrolled_at: datetime | None  # the earliest confirmed device
    last_used_at: datetime | None  # the latest successful verification by any device
    recovery_codes_left: int

    @property
    def enrolled(self) -> bool:
        return bool(self.methods)


def status(user: User) -> MfaStatus:
    """The user's second-factor status (django-otp devices and the configured back ends)."""
    devices = list(devices_for_user(user, confirmed=True))
    created = [d.created_at for d in devices if getattr(d, "created_at", None)]
    used = [d.last_used_at for d in devices if getattr(d, "last_used_at", None)]
    codes = sum(d.token_set.count() for d in devices if isinstance(d, StaticDevice))
    return MfaStatus(
        methods=tuple(b.label for b in backends() if b.enrolled(user)),
        enrolled_at=min(created) if created else None,
        last_used_at=max(used) if used else None,
        recovery_codes_left=codes,
    )


def session_verified(session: SessionBase, user: User) -> bool:
    """This session passed the second step for this user, with a device that still exists
    (a security administrator's reset removes the devices and so ends the verification)."""
    marker = session.get(SESSION_KEY)
    if not isinstance(marker, dict) or marker.get("user") != user.pk:
        return False
    device_id = str(marker.get("device") or "")
    if not device_id:
        return True
    device = Device.from_persistent_id(device_id)
    return device is not None and device.user_id == user.pk and device.confirmed


class TotpFactor:
    """The baseline: RFC 6238 codes from an authenticator app (django-otp `TOTPDevice`). A code
    is accepted once: `last_t` refuses a replay within the window."""

    name = "totp"
    label = "动态口令"
    cryptographic = True

    def enrolled(self, user: User) -> bool:
        return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())

    def challenge(self, user: User) -> str:
        return ""

    def verify(self, user: User, response: str, *, challenge: str) -> Verification:
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return Verification(False, Reason.NOT_ENROLLED)
        return verify_totp(device, response)


def verify_totp(device: TOTPDevice, code: str) -> Verification:
    """One attempt at a TOTP device (locked by the caller), telling a replayed code apart."""
    code = code.strip()
    if not (code.isascii() and code.isdigit() and len(code) == device.digits):
        return Verification(False, Reason.FORMAT)
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return Verification(False, Reason.THROTTLED)
    if device.verify_token(code):
        return Verification(True, device_id=device.persistent_id)
    return Verification(False, Reason.REPLAYED if _used_before(device, code) else Reason.INVALID)


def _used_before(device: TOTPDevice, code: str) -> bool:
    """The refused code is the one of a time step at or just before the last accepted one: a
    replay, not a typo (the audit row says which)."""
    steps = range(max(device.last_t - device.tolerance, 0), device.last_t + 1)  # -1: never used
    return any(hotp(device.bin_key, t, digits=device.digits) == int(code) for t in steps)


class RecoveryCodeFactor:
    """Single-use recovery codes (恢复码), for a lost phone (django-otp `StaticDevice`: a
    matching code is deleted as it is accepted)."""

    name = "recovery"
    label = "恢复码"
    cryptographic = False

    def enrolled(self, user: User) -> bool:
        codes = StaticDevice.objects.filter(user=user, confirmed=True, token_set__isnull=False)
        return bool(codes.exists())

    def challenge(self, user: User) -> str:
        return ""

    def verify(self, user: User, response: str, *, challenge: str) -> Verification:
        code = response.strip().lower().replace("-", "").replace(" ", "")
        if not (code.isascii() and code.isalnum() and 1 <= len(code) <= 16):
            return Verification(False, Reason.FORMAT)
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return Verification(False, Reason.NOT_ENROLLED)
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return Verification(False, Reason.THROTTLED)
        if not device.verify_token(code):
            return Verification(False, Reason.INVALID)
        return Verification(
            True, device_id=device.persistent_id, remaining=device.token_set.count()
        )
