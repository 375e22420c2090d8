"""Sign-in, second factor, sign-out and password change over the API (AUTH-01…06), under
/api/v1/auth/."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema

from fengqiao.accounts import mfa
from fengqiao.accounts.actions import (
    do_change_password,
    do_issue_mfa_challenge,
    do_login,
    do_logout,
    do_verify_second_factor,
)
from fengqiao.accounts.models import User
from fengqiao.accounts.passwords import MAX_LENGTH
from fengqiao.accounts.scope import request_user
from fengqiao.api import ApiError

router = Router(tags=["auth"])


class LoginIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=MAX_LENGTH)


class LoginOut(Schema):
    username: str
    must_change_password: bool
    otp_required: bool = Field(description="还须第二步验证：POST /api/v1/auth/otp（AUTH-06）")


class PasswordIn(Schema):
    current_password: str = Field(min_length=1, max_length=MAX_LENGTH)
    new_password: str = Field(min_length=1, max_length=MAX_LENGTH)


class OkOut(Schema):
    ok: bool = True


def login_failed() -> ApiError:
    """AUTH-05: the same status and body for unknown user, wrong password, locked account."""
    return ApiError(
        401,
        "登录名或密码错误，或账号暂时被锁定。",
        "Wrong login ID or password, or the account is temporarily locked.",
    )


@router.post("/login", auth=None, response=LoginOut, summary="登录")
def login(request: HttpRequest, payload: LoginIn) -> LoginOut:
    # No session yet, hence no CSRF token: insisting on JSON keeps cross-site forms (which
    # cannot send application/json without a CORS preflight) from signing a victim in.
    if request.content_type != "application/json":
        raise ApiError(415, "请以 JSON 格式提交。", "Send the credentials as application/json.")
    user = do_login(request, username=payload.username, password=payload.password)
    if user is None:
        raise login_failed()
    return LoginOut(
        username=user.get_username(),
        must_change_password=user.must_change_password,
        otp_required=settings.FENGQIAO_MFA_REQUIRED
        and not mfa.session_verified(request.session, user),
    )


@router.post("/logout", response=OkOut, summary="退出登录")
def logout(request: HttpRequest) -> OkOut:
    do_logout(request, actor=request_user(request))
    return OkOut()


@router.post("/password", response=OkOut, summary="修改密码")
def change_password(request: HttpRequest, payload: PasswordIn) -> OkOut:
    user = request_user(request)
    do_change_password(
        user,
        current=payload.current_password,
        new=payload.new_password,
        actor=user,
        request=request,
    )
    return OkOut()


class OtpIn(Schema):
    code: str = Field(min_length=1, max_length=1024, description="动态口令、恢复码或签名值")
    method: str = Field("totp", min_length=1, max_length=40, description="totp / recovery / …")


class OtpOut(Schema):
    ok: bool = True
    method: str
    recovery_codes_left: int | None = Field(None, description="使用恢复码后剩余的个数")


class ChallengeIn(Schema):
    method: str = Field(min_length=1, max_length=40)


class ChallengeOut(Schema):
    method: str
    challenge: str = Field(description="待签名的挑战值（仅对证书类验证方式；动态口令为空）")


def _enrolled_user(request: HttpRequest) -> User:
    user = request_user(request)
    if not mfa.enrolled(user):
        message = "尚未绑定第二因素，请先在网页上完成动态口令绑定。"
        raise ApiError(
            403,
            message,
            "No second factor is enrolled; enrol on the web page first.",
            [{"field": "", "message": message, "type": "mfa_enrolment_required"}],
        )
    return user


@router.post("/otp", response=OtpOut, summary="第二步验证（AUTH-06）")
def verify_otp(request: HttpRequest, payload: OtpIn) -> OtpOut:
    user = _enrolled_user(request)
    result = do_verify_second_factor(
        request, method=payload.method, response=payload.code, actor=user
    )
    if not result.ok:
        message, message_en = mfa.reason_message(result.reason)
        raise ApiError(
            429 if result.reason == mfa.Reason.THROTTLED else 400,
            message,
            message_en,
            [{"field": "code", "message": message, "type": result.reason}],
        )
    return OtpOut(method=payload.method, recovery_codes_left=result.remaining)


@router.post("/otp/challenge", response=ChallengeOut, summary="获取第二步验证的挑战值")
def otp_challenge(request: HttpRequest, payload: ChallengeIn) -> ChallengeOut:
    user = _enrolled_user(request)
    challenge = do_issue_mfa_challenge(request, method=payload.method, actor=user)
    return ChallengeOut(method=payload.method, challenge=challenge)
