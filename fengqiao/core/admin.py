"""Shared pieces of the internal Django admin (an internal tool, not the product UI)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fengqiao.core.models import Outbox


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Records that change only through `do_*` actions: the admin may look, never write."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Outbox)
class OutboxAdmin(ReadOnlyAdmin):
    """The platform outbox (REL-04): read-only, rows change only through the sweep."""

    list_display = ("topic", "recipient", "created_at", "attempts", "delivered_at", "last_error")
    list_filter = ("topic",)
