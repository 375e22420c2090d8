"""URLs of the administration pages (units, 派单目录, clock rules, calendar, accounts, audit
export); `console/urls.py` appends them, inside the `console` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from fengqiao.console.views import (
    admin_rule_versions,
    admin_rules,
    admin_units,
    admin_users,
    audit_export,
)

urlpatterns: list[URLPattern] = [
    path("console/audit/export/", audit_export.audit_export, name="audit_export"),
    path("console/manage/units/", admin_units.unit_list, name="unit_list"),
    path("console/manage/units/new/", admin_units.unit_create, name="unit_create"),
    path("console/manage/units/<int:pk>/", admin_units.unit_detail, name="unit_detail"),
    path("console/manage/units/<int:pk>/edit/", admin_units.unit_edit, name="unit_edit"),
    path("console/manage/catalogue/", admin_units.catalogue_list, name="catalogue_list"),
    path("console/manage/catalogue/entry/", admin_units.catalogue_entry, name="catalogue_entry"),
    path(
        "console/manage/catalogue/<int:pk>/", admin_units.catalogue_detail, name="catalogue_detail"
    ),
    path(
        "console/manage/catalogue/<int:pk>/entries/<int:entry_pk>/remove/",
        admin_units.catalogue_remove,
        name="catalogue_remove",
    ),
    path("console/manage/rules/", admin_rules.rule_list, name="rule_list"),
    path("console/manage/calendar/", admin_rules.calendar, name="calendar"),
    path("console/manage/calendar/year/", admin_rules.calendar_year, name="calendar_year"),
    path(
        "console/manage/calendar/<int:pk>/delete/",
        admin_rules.calendar_delete,
        name="calendar_delete",
    ),
    path("console/manage/users/", admin_users.user_list, name="user_list"),
    path("console/manage/users/new/", admin_users.user_create, name="user_create"),
    path("console/manage/users/<int:pk>/", admin_users.user_detail, name="user_detail"),
    path("console/manage/users/<int:pk>/grant/", admin_users.user_grant, name="user_grant"),
    path(
        "console/manage/users/<int:pk>/roles/<int:assignment_pk>/revoke/",
        admin_users.user_revoke,
        name="user_revoke",
    ),
    path("console/manage/users/<int:pk>/<str:op>/", admin_users.user_account, name="user_account"),
    path(
        "console/manage/rules/<int:pk>/local/",
        admin_rule_versions.rule_add_local,
        name="rule_add_local",
    ),
    path("console/manage/rules/<int:pk>/close/", admin_rule_versions.rule_close, name="rule_close"),
    path(
        "console/manage/rules/history/<str:code>/",
        admin_rule_versions.rule_history,
        name="rule_history",
    ),
    path(
        "console/manage/users/<int:pk>/mfa/reset/",
        admin_users.user_mfa_reset,
        name="user_mfa_reset",
    ),
]
