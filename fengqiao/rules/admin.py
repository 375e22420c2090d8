"""Admin for clock rules and the working-day calendar; every save goes through an action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from fengqiao.rules import actions
from fengqiao.rules.models import CalendarOverride, CalendarYear, ClockRule

WEEKDAYS = "一二三四五六日"

# django-stubs makes these generic for mypy only; at runtime they are plain classes.
if TYPE_CHECKING:
    RuleFormBase = forms.ModelForm[ClockRule]
    YearFormBase = forms.ModelForm[CalendarYear]
    RuleAdminBase = admin.ModelAdmin[ClockRule]
    OverrideAdminBase = admin.ModelAdmin[CalendarOverride]
    YearAdminBase = admin.ModelAdmin[CalendarYear]
else:
    RuleFormBase = YearFormBase = forms.ModelForm
    RuleAdminBase = OverrideAdminBase = YearAdminBase = admin.ModelAdmin


class ClockRuleForm(RuleFormBase):
    class Meta:
        model = ClockRule
        exclude = ["version", "created_by"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and not self.errors:
            candidate = ClockRule(**{k: v for k, v in data.items() if k != "id"})
            try:
                actions.validate_new_rule(candidate)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
        return data


@admin.register(ClockRule)
class ClockRuleAdmin(RuleAdminBase):
    """Rules are versioned: adding a rule for an existing code and region makes a new version;
    an existing version can only be given an end date."""

    form = ClockRuleForm
    list_display = [
        "code",
        "name",
        "version",
        "duration",
        "unit",
        "region",
        "is_statutory",
        "rule_number",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["is_statutory", "kind", "case_kind", "unit", "rule_number"]
    search_fields = ["code", "name", "source_document"]
    ordering = ["code", "-version"]

    def get_readonly_fields(self, request: HttpRequest, obj: ClockRule | None = None) -> list[str]:
        if obj is None:
            return []
        return [f.name for f in ClockRule._meta.fields if f.name != "effective_to"]

    def has_delete_permission(self, request: HttpRequest, obj: ClockRule | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ClockRule, form: Any, change: bool) -> None:
        if change:
            if obj.effective_to is not None:
                actions.do_close_clock_rule(obj, actor=request.user, effective_to=obj.effective_to)
            return
        actions.do_add_clock_rule(obj, actor=request.user)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(OverrideAdminBase):
    """The State Council's schedule for a year the package does not cover, one date per row."""

    list_display = ["date", "weekday", "is_workday", "name", "source_document", "created_by"]
    list_filter = ["is_workday"]
    search_fields = ["name", "source_document"]
    date_hierarchy = "date"
    readonly_fields = ["created_by", "created_at"]

    @admin.display(description="星期")
    def weekday(self, obj: CalendarOverride) -> str:
        return f"星期{WEEKDAYS[obj.date.weekday()]}"

    def get_readonly_fields(
        self, request: HttpRequest, obj: CalendarOverride | None = None
    ) -> list[str]:
        return ["date", *self.readonly_fields] if obj is not None else list(self.readonly_fields)

    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool
    ) -> None:
        saved = actions.do_set_calendar_override(
            actor=request.user,
            day=obj.date,
            is_workday=obj.is_workday,
            name=obj.name,
            source_document=obj.source_document,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        actions.do_delete_calendar_override(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for override in queryset:
            actions.do_delete_calendar_override(override, actor=request.user)


class CalendarYearForm(YearFormBase):
    class Meta:
        model = CalendarYear
        fields = ["year", "source_document"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year = data.get("year")
        if year and not CalendarOverride.objects.filter(date__year=year, is_workday=False):
            self.add_error("year", f"请先录入{year}年的放假日期，再登记该年为已录入全年安排。")
        return data


@admin.register(CalendarYear)
class CalendarYearAdmin(YearAdminBase):
    """Declare a year complete once all its overrides are in (coverage then extends through it)."""

    form = CalendarYearForm
    list_display = ["year", "source_document", "created_by", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: CalendarYear | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        saved = actions.do_record_calendar_year(
            actor=request.user, year=obj.year, source_document=obj.source_document
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        actions.do_delete_calendar_year(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> None:
        for entry in queryset:
            actions.do_delete_calendar_year(entry, actor=request.user)
