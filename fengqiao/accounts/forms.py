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
