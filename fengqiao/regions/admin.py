"""Internal admin for regions (read-only: changes are versioned actions) and grid workers.

Grid-worker phones are never shown in clear: the list and the form show the masked number,
and a new number is typed into a write-only field. Saves go through the actions, so they are
audited like any other write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from fengqiao.accounts.models import User
from fengqiao.core.admin import ReadOnlyAdmin
from fengqiao.core.pii import blind_index, mask_phone
from fengqiao.regions import actions
from fengqiao.regions.models import GridAssignment, GridWorker, Region, RegionChange


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "source", "admin_code", "retired_on")
    list_filter = ("level", "source", "grid_type", "boundary_is_demo")
    search_fields = ("code", "name", "admin_code")
    show_full_result_count = False


@admin.register(RegionChange)
class RegionChangeAdmin(ReadOnlyAdmin):
    list_display = ("kind", "region", "effective_on", "document", "recorded_at")
    list_filter = ("kind",)
    search_fields = ("region__code", "region__name", "document")


class GridWorkerForm(forms.ModelForm):  # type: ignore[type-arg]
    new_phone = forms.CharField(
        label="新手机号", required=False, help_text="留空则不修改；已存号码只以脱敏形式显示。"
    )

    class Meta:
        model = GridWorker
        fields = ("number", "name", "status", "is_full_time")

    def clean_new_phone(self) -> str:
        value: str = self.cleaned_data["new_phone"].strip()
        if value and not actions.is_valid_phone(value):
            raise forms.ValidationError("电话号码格式不正确（手机号 11 位或带区号座机）。")
        return value


class GridAssignmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = GridAssignment
    fields = ("grid", "is_chief", "since")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GridWorker)
class GridWorkerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = GridWorkerForm
    list_display = ("number", "name", "masked_phone", "status", "is_full_time")
    list_filter = ("status", "is_full_time")
    search_fields = ("number", "name")
    readonly_fields = ("masked_phone",)
    inlines = (GridAssignmentInline,)

    @admin.display(description="手机号")
    def masked_phone(self, obj: GridWorker) -> str:
        return mask_phone(obj.phone or "")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[GridWorker], search_term: str
    ) -> tuple[QuerySet[GridWorker], bool]:
        """A full phone number finds its worker through the blind index (no decryption)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term and actions.is_valid_phone(term):
            found = found | queryset.filter(phone_index=blind_index(term))
        return found, duplicates

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a worker who leaves is set to 离岗, never deleted

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # the unified number is the worker's identity: set once, never edited
        return ("masked_phone", "number") if obj is not None else ("masked_phone",)

    def save_model(self, request: HttpRequest, obj: GridWorker, form: Any, change: bool) -> None:
        actor = request.user if isinstance(request.user, User) else None
        new_phone: str = form.cleaned_data.get("new_phone", "")
        if not change:
            spec = actions.WorkerSpec(
                number=obj.number,
                name=obj.name,
                phone=new_phone,
                grid_codes=(),
                status=obj.status,
                is_full_time=obj.is_full_time,
            )
            (created,) = actions.do_import_grid_workers([spec], actor=actor, source="admin")
            obj.pk = created.pk
            return
        changes: dict[str, Any] = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in actions.WORKER_FIELDS
        }
        if new_phone:
            changes["phone"] = new_phone
        if changes:
            actions.do_update_grid_worker(obj, actor=actor, changes=changes)
