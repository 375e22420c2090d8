"""Forms of the sign-in pages (validation only; the actions do the work)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts

from fengqiao.accounts.passwords import MAX_LENGTH


class LoginForm(forms.Form):
    username = forms.CharField(label="登录名", max_length=150)
    password = forms.CharField(label="密码", max_length=MAX_LENGTH, widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label="当前密码", max_length=MAX_LENGTH, widget=forms.PasswordInput
    )
    new_password = forms.CharField(
        label="新密码",
        max_length=MAX_LENGTH,
        widget=forms.PasswordInput,
        help_text=" ".join(password_validators_help_texts()),
    )
    new_password_again = forms.CharField(
        label="再次输入新密码", max_length=MAX_LENGTH, widget=forms.PasswordInput
    )

    def clean(self) -> dict[str, str]:
        data: dict[str, str] = super().clean() or {}
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", "两次输入的新密码不一致。")
        return data


class OtpForm(forms.Form):
    """AUTH-06: the second step: a 6-digit code from the app, or a recovery code."""

    method = forms.ChoiceField(
        label="验证方式",
        choices=[("totp", "动态口令"), ("recovery", "恢复码")],
        initial="totp",
    )
    code = forms.CharField(
        label="验证码",
        max_length=64,
        error_messages={"required": "请输入验证码。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean(self) -> dict[str, str]:
        data: dict[str, str] = super().clean() or {}
        code = data.get("code", "").replace(" ", "").replace("-", "")
        method = data.get("method")
        if method == "totp" and code and not (code.isascii() and code.isdigit() and len(code) == 6):
            self.add_error("code", "动态口令为 6 位数字。")
        if method == "recovery" and code and not (code.isascii() and code.isalnum()):
            self.add_error("code", "恢复码由字母和数字组成。")
        data["code"] = code
        return data


class TotpConfirmForm(forms.Form):
    """AUTH-06: enrolment: the first code the authenticator app shows."""

    code = forms.CharField(
        label="手机上显示的 6 位动态口令",
        max_length=16,
        error_messages={"required": "请输入动态口令。"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("动态口令为 6 位数字。")
        return code
