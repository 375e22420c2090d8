"""Sign-in, sign-out and password change over the API (AUTH-01…05), under /api/v1/auth/."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from fengqiao.accounts.actions import do_change_password, do_login, do_logout
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
    return LoginOut(username=user.get_username(), must_change_password=user.must_change_password)


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
