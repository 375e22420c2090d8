"""Admin: the sweep's thresholds are editable data (audited); cases are read-only here —
every change to a case goes through its actions. (The outbox's admin: fengqiao.core.admin.)"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest

from fengqiao.audit.actions import record
from fengqiao.cases.models import Case, EscalationRule, SupervisionRule
from fengqiao.core.admin import ReadOnlyAdmin


class AuditedRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Each save or delete of a threshold writes an audit row in the same transaction."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record(
                f"cases.{obj._meta.model_name}.{'change' if change else 'add'}",
                actor=request.user,
                obj=obj,
                data={"fields": sorted(form.changed_data)},
            )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        with transaction.atomic():
            record(f"cases.{obj._meta.model_name}.delete", actor=request.user, obj=obj)
            super().delete_model(request, obj)


@admin.register(SupervisionRule)
class SupervisionRuleAdmin(AuditedRuleAdmin):
    list_display = ("level", "kind", "overdue_by", "unit", "is_active", "source")
    list_filter = ("kind", "is_active")


@admin.register(EscalationRule)
class EscalationRuleAdmin(AuditedRuleAdmin):
    list_display = (
        "target_level",
        "kind",
        "risk_colour",
        "min_supervision_level",
        "is_active",
        "source",
    )
    list_filter = ("kind", "is_active")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("receipt_no", "kind", "status", "region", "due_at", "is_overdue")
    list_filter = ("kind", "is_open", "is_overdue", "supervision_level")
    search_fields = ("receipt_no",)
    exclude = ("verification_hash",)
