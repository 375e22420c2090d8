from django.urls import path

from fengqiao.accounts import mfa_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("otp/", mfa_views.otp_verify_view, name="otp_verify"),
    path("otp/setup/", mfa_views.otp_setup_view, name="otp_setup"),
]
