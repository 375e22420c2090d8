"""Every write to accounts: users, role grants, login bookkeeping, passwords, unlocks, second
factors (AUTH-06).

Each action runs in one transaction and writes its audit row in it; refusals raise
`ActionError` and are audited as "denied" after the rollback (`refusals_audited`).
"""

from __future__ import annotations

import secrets
import string
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fengqiao.accounts import mfa, policy
from fengqiao.accounts.models import (
    ADMIN_ROLES,
    PasswordHistory,
    Role,
    RoleAssignment,
    User,
    sod_conflict,
)
from fengqiao.audit.actions import record, refusals_audited
from fengqiao.audit.models import AuditEntry, Outcome
from fengqiao.core import outbox
from fengqiao.core.errors import ActionError
from fengqiao.core.middleware import current_request
from fengqiao.core.pii import blind_index
from fengqiao.regions.models import Region
from fengqiao.units.models import Unit

ONE_TIME_PASSWORD_LENGTH = 16
USERNAME_MAX_LENGTH = 150


def one_time_password() -> str:
    """A random password that satisfies the 等保 profile: all four character classes."""
    alphabet = string.ascii_letters + string.digits + "!@#%^*-_=+"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(ONE_TIME_PASSWORD_LENGTH))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
            and any(not c.isalnum() for c in candidate)
        ):
            return candidate


def _check_username(username: str) -> None:
    try:
        if not 1 <= len(username) <= USERNAME_MAX_LENGTH:
            raise ValidationError("length")
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise ActionError(
            400,
            f"登录名须为 1–{USERNAME_MAX_LENGTH} 个字母、数字或 @/./+/-/_ 字符。",
            f"Login IDs are 1–{USERNAME_MAX_LENGTH} letters, digits or @/./+/-/_.",
            code="invalid",
            field="username",
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        # AUTH-01: login IDs are unique regardless of case.
        raise ActionError(
            409, "登录名已被使用。", "This login ID is taken.", code="taken", field="username"
        )


def _new_user(
    username: str, *, region: Region, full_name: str, unit: Unit | None
) -> tuple[User, str]:
    password = one_time_password()
    user = User(username=username, region=region, unit=unit, must_change_password=True)
    user.first_name = full_name[:150]
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same login ID, created concurrently
        raise ActionError(
            409, "登录名已被使用。", "This login ID is taken.", code="taken", field="username"
        ) from None
    return user, password


@refusals_audited("user.create")
def do_create_user(
    *,
    username: str,
    region: Region,
    actor: User,
    full_name: str = "",
    unit: Unit | None = None,
) -> tuple[User, str]:
    """AC-07: an account administrator creates an account homed in their subtree, with a
    one-time password that must be changed at first login (AUTH-01). Returns the user and
    the password, to be shown once."""
    check = policy.check_create_user(actor, region)
    if not check.allowed:
        raise ActionError(403, check.detail, check.detail_en, code=check.code)
    if unit is not None and not unit.region.path.startswith(region.path):
        raise ActionError(
            400,
            "所属单位不在账号所属区划内。",
            "The unit is outside the account's region.",
            code="unit_outside_region",
            field="unit_id",
        )
    _check_username(username)
    user, password = _new_user(username, region=region, full_name=full_name, unit=unit)
    record("user.create", actor=actor, obj=user, data={"region": region.code})
    return user, password


@transaction.atomic
def do_bootstrap_admin(*, username: str, role: str, region: Region) -> tuple[User, str]:
    """AUTH-01: the server operator creates a 等保 administrator from the command line
    (`fengqiao create-admin`); the only way to create the first holder of each such role.
    There is no signed-in actor: the audit rows say `via: cli`."""
    if role not in ADMIN_ROLES:
        raise ActionError(400, "只能创建三类管理员。", "Only the three admin roles.", field="role")
    _check_username(username)
    user, password = _new_user(username, region=region, full_name="", unit=None)
    assignment = RoleAssignment.objects.create(user=user, role=role, region=region, can_act=True)
    record("user.create", obj=user, data={"region": region.code, "via": "cli"})
    record(
        "role.grant",
        obj=assignment,
        data={"user": user.pk, "role": role, "region": region.code, "via": "cli"},
    )
    return user, password


def _refuse_grant(check: policy.GrantCheck, target: User) -> ActionError:
    return ActionError(403, check.detail, check.detail_en, code=check.code, target=target)


@refusals_audited("role.grant")
def do_grant_role(
    user: User,
    *,
    role: str,
    region: Region,
    unit: Unit | None = None,
    can_act: bool = True,
    expires_at: datetime | None = None,
    actor: User,
) -> RoleAssignment:
    """AC-07, SOD-02, SOD-04: grant `role` at `region` within the actor's own subtree, only a
    role the actor may delegate (policy.GRANTABLE), never to themselves, never breaking the
    separation of the administrator roles."""
    if role not in Role.values:
        raise ActionError(400, "未知角色。", "Unknown role.", code="invalid", field="role")
    if not policy.user_is_visible(actor, user) and user.pk != actor.pk:
        raise ActionError(404, "未找到。", "Not found.", code="out_of_scope", target=user)
    check = policy.check_grant(actor, user, role=role, region=region, unit=unit)
    if not check.allowed:
        raise _refuse_grant(check, user)
    held = RoleAssignment.objects.filter(user=user).values_list("role", flat=True)
    conflict = sod_conflict(held, role, strict=settings.FENGQIAO_SOD_STRICT)
    if conflict is not None:
        raise ActionError(
            403,
            f"职责分离：{conflict.label}。",
            "Separation of duties: this combination of roles is not allowed.",
            code=conflict.value,
            data={"role": role},
            target=user,
        )
    duplicate = RoleAssignment.objects.filter(user=user, role=role, region=region, unit=unit)
    if duplicate.exists():
        raise ActionError(
            409,
            "该用户已有相同的授权。",
            "The user already holds this role here.",
            code="duplicate",
            target=user,
        )
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user,
                role=role,
                region=region,
                unit=unit,
                can_act=can_act,
                expires_at=expires_at,
                granted_by=actor,
            )
    except IntegrityError:
        raise ActionError(
            409,
            "该用户已有相同或冲突的授权。",
            "The user already holds this or a conflicting role.",
            code="duplicate",
            target=user,
        ) from None
    record(
        "role.grant",
        actor=actor,
        obj=assignment,
        data={
            "user": user.pk,
            "role": role,
            "region": region.code,
            "unit": unit.pk if unit else None,
            "can_act": can_act,
        },
    )
    return assignment


@refusals_audited("role.revoke")
def do_revoke_role(assignment: RoleAssignment, *, actor: User) -> None:
    """AC-07, SOD-04: revoke an assignment the actor could have granted; never one's own.
    Revocation is immediate: scopes are read from the database on every request (AC-08)."""
    user = assignment.user
    if not policy.user_is_visible(actor, user) and user.pk != actor.pk:
        raise ActionError(404, "未找到。", "Not found.", code="out_of_scope", target=user)
    check = policy.check_grant(
        actor, user, role=assignment.role, region=assignment.region, unit=assignment.unit
    )
    if not check.allowed:
        raise _refuse_grant(check, user)
    data = {"user": user.pk, "role": assignment.role, "region": assignment.region.code}
    object_id = str(assignment.pk)
    assignment.delete()
    record(
        "role.revoke",
        actor=actor,
        object_type="accounts.roleassignment",
        object_id=object_id,
        data=data,
    )


# --- authentication -------------------------------------------------------------------


def _register_failure(user: User, now: datetime) -> bool:
    """Count one failed login inside the window; lock when the limit is reached (AUTH-04).
    Returns True when this failure locked the account."""
    window = timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    if user.first_failed_at is None or now - user.first_failed_at > window:
        user.failed_logins = 1
        user.first_failed_at = now
    else:
        user.failed_logins += 1
    locked = user.failed_logins >= settings.LOGIN_FAILURE_LIMIT
    if locked:
        user.locked_until = now + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    user.save(update_fields=["failed_logins", "first_failed_at", "locked_until"])
    return locked


def _address_throttled(now: datetime) -> bool:
    """AUTH-04: too many failed logins from this source address within the window, whatever
    login IDs they tried (the audit log is the counter)."""
    context = current_request.get()
    if context is None or not context.ip:
        return False
    since = now - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    failures = AuditEntry.objects.filter(
        action="login.failure", ip=context.ip, at__gte=since
    ).count()
    return failures >= settings.LOGIN_IP_FAILURE_LIMIT


@transaction.atomic
def do_login(request: HttpRequest, *, username: str, password: str) -> User | None:
    """AUTH-04, AUTH-05: check a login; count failures and lock after LOGIN_FAILURE_LIMIT
    within the window; the caller answers every failure identically (unknown user, wrong
    password, locked or disabled). Returns the signed-in user or None."""
    now = timezone.now()
    if _address_throttled(now):
        make_password(password)  # the same work and the same answer as any failure (AUTH-05)
        record("login.failure", outcome=Outcome.FAILURE, reason="address_throttled")
        return None
    user = User.objects.select_for_update().filter(username__iexact=username).first()
    if user is None:
        make_password(password)  # the same hashing work as a real check (timing, AUTH-05)
        # The attempted login ID may be a mistyped password: keep only a keyed digest of it.
        digest = blind_index(username)[:16]
        record(
            "login.failure",
            outcome=Outcome.FAILURE,
            reason="unknown_user",
            data={"username_digest": digest},
        )
        return None
    if user.locked_until is not None and not user.is_locked(now):
        user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    password_ok = user.check_password(password)
    if user.is_locked(now):
        record("login.failure", obj=user, outcome=Outcome.FAILURE, reason="locked")
        return None
    if not password_ok or not user.is_active:
        locked = _register_failure(user, now)
        reason = "wrong_password" if not password_ok else "inactive"
        record(
            "login.failure",
            obj=user,
            outcome=Outcome.FAILURE,
            reason=reason,
            data={"failures": user.failed_logins},
        )
        if locked:
            record(
                "login.lock",
                obj=user,
                data={"until": user.locked_until.isoformat() if user.locked_until else ""},
            )
        return None
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    user.save(update_fields=["failed_logins", "first_failed_at", "locked_until"])
    django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    record("login.success", actor=user, obj=user)
    return user


@transaction.atomic
def do_logout(request: HttpRequest, *, actor: User) -> None:
    """End the session and record it (AUD-01)."""
    record("logout", actor=actor, obj=actor)
    django_logout(request)


def _recently_used(user: User, candidate: str) -> bool:
    """AUTH-03: the candidate matches the current password or one of the PASSWORD_HISTORY - 1
    passwords before it."""
    earlier = list(
        user.password_history.order_by("-replaced_at", "-pk").values_list("password", flat=True)[
            : max(settings.PASSWORD_HISTORY - 1, 0)
        ]
    )
    return any(check_password(candidate, encoded) for encoded in [user.password, *earlier])


@refusals_audited("password.change")
def do_change_password(
    user: User, *, current: str, new: str, actor: User, request: HttpRequest | None = None
) -> None:
    """AUTH-03: self-service change that requires the current password and passes the
    configured validators; clears the forced change and keeps the session alive."""
    if actor.pk != user.pk:
        raise ActionError(
            403,
            "只能修改自己的密码。",
            "You can only change your own password.",
            code="not_self",
            target=user,
        )
    if not user.check_password(current):
        raise ActionError(
            400,
            "当前密码不正确。",
            "The current password is wrong.",
            code="wrong_password",
            field="current_password",
            audit=True,
            outcome=Outcome.FAILURE,
            target=user,
        )
    if new == current:
        raise ActionError(
            400,
            "新密码不能与当前密码相同。",
            "Choose a different password.",
            code="unchanged",
            field="new_password",
        )
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise ActionError(
            400,
            " ".join(exc.messages),
            "The new password is too weak.",
            code="weak",
            field="new_password",
        ) from None
    if _recently_used(user, new):
        raise ActionError(
            400,
            f"新密码不能与最近 {settings.PASSWORD_HISTORY} 次使用过的密码相同。",
            f"Choose a password not among the last {settings.PASSWORD_HISTORY}.",
            code="reused",
            field="new_password",
        )
    now = timezone.now()
    PasswordHistory.objects.create(user=user, password=user.password, replaced_at=now)
    user.set_password(new)
    user.password_changed_at = now
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    if request is not None:
        update_session_auth_hash(request, user)
    record("password.change", actor=actor, obj=user)


@refusals_audited("login.unlock")
def do_unlock(user: User, *, actor: User) -> None:
    """AUTH-04: a 安全管理员 unlocks an account of their subtree before the lock runs out."""
    if not policy.holds_any(actor, policy.UNLOCK_ROLES):
        raise ActionError(
            403,
            "您无权解锁账号。",
            "You may not unlock accounts.",
            code="no_permission",
            target=user,
        )
    if not policy.user_is_visible(actor, user, roles=policy.UNLOCK_ROLES):
        raise ActionError(404, "未找到。", "Not found.", code="out_of_scope", target=user)
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    user.save(update_fields=["failed_logins", "first_failed_at", "locked_until"])
    record("login.unlock", actor=actor, obj=user)


def _managed(user: User, actor: User) -> None:
    """AC-02, AC-07: the actor administers accounts (else 403), the target is visible to
    them (else 404, like a missing account) and they may manage it (else 403)."""
    if not policy.holds_any(actor, policy.ACCOUNT_MANAGE_ROLES):
        raise ActionError(
            403,
            "您无权管理账号。",
            "You may not administer accounts.",
            code="not_account_admin",
            target=user,
        )
    if user.pk != actor.pk and not policy.user_is_visible(
        actor, user, roles=policy.ACCOUNT_MANAGE_ROLES
    ):
        raise ActionError(404, "未找到。", "Not found.", code="out_of_scope", target=user)
    check = policy.check_manage_account(actor, user)
    if not check.allowed:
        raise ActionError(403, check.detail, check.detail_en, code=check.code, target=user)


@refusals_audited("user.set_active")
def do_set_active(user: User, *, active: bool, actor: User) -> User:
    """停用/启用 an account (等保 8.1.4.2 c). A disabled account cannot sign in and its live
    sessions end at their next request (AC-08: Django refuses inactive users' sessions)."""
    _managed(user, actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    record("user.enable" if active else "user.disable", actor=actor, obj=locked)
    return locked


@refusals_audited("password.reset")
def do_reset_password(user: User, *, actor: User) -> str:
    """AUTH-03: an administrator sets a new one-time password, shown once; the account must
    change it at its next sign-in, and its live sessions end (the session hash changes)."""
    _managed(user, actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    password = one_time_password()
    now = timezone.now()
    if locked.has_usable_password():
        PasswordHistory.objects.create(user=locked, password=locked.password, replaced_at=now)
    locked.set_password(password)
    locked.must_change_password = True
    locked.password_changed_at = now
    locked.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record("password.reset", actor=actor, obj=locked)
    return password


# --- second factor (AUTH-06, AUTH-09) ----------------------------------------------------


def _notify_account(user: User, event: str) -> None:
    """AUTH-09: tell the account holder that their sign-in factors changed, through the
    platform outbox (REL-04, in this transaction). The message holds no secret."""
    outbox.enqueue("account.mfa", recipient=f"user:{user.pk}", payload={"event": event})


def _mark_session_verified(request: HttpRequest, user: User, method: str, device: str) -> None:
    """The session passed the second step: a new session key (no fixation across the step)."""
    request.session.cycle_key()
    request.session.pop(mfa.CHALLENGE_KEY, None)
    request.session[mfa.SESSION_KEY] = {"user": user.pk, "method": method, "device": device}


@transaction.atomic
def do_start_totp_enrolment(user: User, *, actor: User) -> TOTPDevice:
    """AUTH-06: the unconfirmed TOTP device whose secret the enrolment page shows (created on
    the first visit, the same one on a reload). Refused once a device is confirmed: a second
    device only after a security administrator's reset."""
    if actor.pk != user.pk:
        raise ActionError(403, "只能为本人绑定。", "Only for yourself.", code="not_self")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ActionError(
            409,
            "已绑定动态口令；如需更换，请联系安全管理员重置。",
            "A device is already enrolled; ask the security administrator for a reset.",
            code="already_enrolled",
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=mfa.TOTP_DEVICE_NAME, confirmed=False)
        record("mfa.enrol.start", actor=actor, obj=user, data={"method": "totp"})
    return device


@refusals_audited("mfa.device.confirm")
def do_confirm_totp_device(request: HttpRequest, *, code: str, actor: User) -> list[str]:
    """AUTH-06: the first correct code from the authenticator app confirms the device, issues
    FENGQIAO_MFA_RECOVERY_CODES single-use recovery codes (returned to be shown once), and
    counts as the second step of this session. A wrong code is refused and audited."""
    if mfa.enrolled(actor) and not mfa.session_verified(request.session, actor):
        raise ActionError(
            403,
            "已绑定其他验证方式，请先完成第二步验证。",
            "Another factor is enrolled: pass the second step first.",
            code="mfa_required",
            field="code",
            target=actor,
        )
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
    if device is None:
        raise ActionError(
            409,
            "没有待确认的动态口令，请刷新页面重新绑定。",
            "No device awaits confirmation; reload the enrolment page.",
            code="no_pending_device",
            field="code",
        )
    result = mfa.verify_totp(device, code)
    if not result.ok:
        raise ActionError(
            400,
            "动态口令不正确，请核对手机上显示的 6 位数字后重试。",
            "The code is wrong; check the 6 digits in the authenticator app.",
            code=result.reason,
            field="code",
            target=actor,
            audit=True,
            outcome=Outcome.FAILURE,
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=actor).delete()
    recovery = StaticDevice.objects.create(
        user=actor, name=mfa.RECOVERY_DEVICE_NAME, confirmed=True
    )
    codes = [StaticToken.random_token() for _ in range(settings.FENGQIAO_MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    record(
        "mfa.device.confirm",
        actor=actor,
        obj=actor,
        data={"method": "totp", "device": device.persistent_id, "recovery_codes": len(codes)},
    )
    _notify_account(actor, "mfa.device.confirm")
    _mark_session_verified(request, actor, "totp", device.persistent_id)
    return codes


@transaction.atomic
def do_issue_mfa_challenge(request: HttpRequest, *, method: str, actor: User) -> str:
    """AUTH-06: a fresh challenge for a challenge-response factor (an SM2 certificate signs
    it), kept in the session for the one verification that follows."""
    backend = mfa.backend(method)
    if backend is None:
        raise ActionError(
            400, "不支持的验证方式。", "Unknown method.", code="unknown", field="method"
        )
    challenge = backend.challenge(actor)
    request.session[mfa.CHALLENGE_KEY] = {"method": method, "challenge": challenge}
    return challenge


@transaction.atomic
def do_verify_second_factor(
    request: HttpRequest, *, method: str, response: str, actor: User
) -> mfa.Verification:
    """AUTH-06: the second step. A success marks the session verified; every failure (a wrong,
    replayed or malformed code, too many attempts) is audited and returned, not raised, so
    that the device's throttling counter and the audit row are committed."""
    backend = mfa.backend(method)
    if backend is None:
        raise ActionError(
            400, "不支持的验证方式。", "Unknown method.", code="unknown", field="method"
        )
    pending = request.session.get(mfa.CHALLENGE_KEY)
    challenge = ""
    if isinstance(pending, dict) and pending.get("method") == method:
        challenge = str(pending.get("challenge") or "")
        request.session.pop(mfa.CHALLENGE_KEY, None)  # a challenge is answered once
    result = backend.verify(actor, response, challenge=challenge)
    if not result.ok:
        record(
            "mfa.verify",
            actor=actor,
            obj=actor,
            outcome=Outcome.FAILURE,
            reason=result.reason,
            data={"method": method},
        )
        return result
    record("mfa.verify", actor=actor, obj=actor, data={"method": method})
    if method == mfa.RecoveryCodeFactor.name:
        record(
            "mfa.recovery.use",
            actor=actor,
            obj=actor,
            data={"remaining": result.remaining},
        )
        _notify_account(actor, "mfa.recovery.use")
    _mark_session_verified(request, actor, method, result.device_id)
    return result


@refusals_audited("mfa.reset")
def do_reset_mfa(user: User, *, actor: User) -> None:
    """AUTH-06: a 安全管理员 of the user's subtree removes the user's devices and recovery
    codes (a lost phone); the user enrols again at the next sign-in, and sessions verified
    with the removed devices must pass the second step again. Never one's own. Who may:
    `policy.check_reset_mfa` (the API and the console ask the same function)."""
    check = policy.check_reset_mfa(actor, user)
    if not check.allowed:
        status = 404 if check.code == "out_of_scope" else 403
        raise ActionError(status, check.detail, check.detail_en, code=check.code, target=user)
    totp = TOTPDevice.objects.filter(user=user).delete()[1].get("otp_totp.TOTPDevice", 0)
    codes = StaticDevice.objects.filter(user=user).delete()[1].get("otp_static.StaticToken", 0)
    record("mfa.reset", actor=actor, obj=user, data={"devices": totp, "recovery_codes": codes})
    _notify_account(user, "mfa.reset")
