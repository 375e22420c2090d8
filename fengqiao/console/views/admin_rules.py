"""时限规则与工作日历: the clock rules in force with their legal source (statutory limits come
from law; a 系统管理员 adds or closes local versions of their subtree through
`admin_rule_versions`, national rows are never edited here), and the working-day
calendar overrides, which a 系统管理员 of the whole territory enters (e.g. the State Council's
2027 holiday schedule) through `fengqiao.rules.actions`, each date audited.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fengqiao.console.access import console_user, require_roles
from fengqiao.console.admin_forms import CalendarYearForm, OverrideDatesForm
from fengqiao.console.admin_scope import (
    CALENDAR_ROLES,
    RULE_VIEW_ROLES,
    edits_calendar,
    rules_in_scope,
)
from fengqiao.console.views.admin_rule_versions import (
    edit_paths,
    local_regions,
    may_close,
)
from fengqiao.rules.actions import (
    do_delete_calendar_override,
    do_record_calendar_year,
    do_set_calendar_override,
)
from fengqiao.rules.calendar import calendar_status
from fengqiao.rules.models import CalendarOverride, CalendarYear
from fengqiao.rules.resolve import in_force

CALENDAR_VIEW_ROLES = RULE_VIEW_ROLES | CALENDAR_ROLES


@require_roles(RULE_VIEW_ROLES)
def rule_list(request: HttpRequest) -> HttpResponse:
    user = console_user(request)
    today = timezone.localdate()
    show_all = request.GET.get("all") == "1"
    rules = rules_in_scope(user)
    if not show_all:
        rules = rules.filter(in_force(today))
    ordered = list(rules.order_by("rule_number", "code", "region__path", "-version"))
    # 系统管理员: 新增本地版本 on every rule, 停止适用 on the local versions of their subtree
    mine = edit_paths(user)
    adds_local = bool(mine) and local_regions(user).exists()
    closable = {rule.pk for rule in ordered if adds_local and may_close(user, rule, mine)}
    context = {
        "nav_active": "rules",
        "rules": ordered,
        "show_all": show_all,
        "today": today,
        "adds_local": adds_local,
        "closable": closable,
    }
    return render(request, "console/admin/rule_list.html", context)


def _calendar_context(request: HttpRequest, **forms: object) -> dict[str, object]:
    user = console_user(request)
    today = timezone.localdate()
    status = calendar_status(today)
    next_year = status.coverage_end.year + 1
    overrides = CalendarOverride.objects.filter(date__year__gte=today.year - 1).order_by("date")
    return {
        "nav_active": "calendar",
        "status": status,
        "next_year": next_year,
        "overrides": overrides,
        "years": CalendarYear.objects.order_by("year"),
        "can_edit": edits_calendar(user),
        "form": forms.get("form")
        or OverrideDatesForm(
            initial={
                "is_workday": "0",
                "source_document": _("国务院办公厅关于%(year)s年部分节假日安排的通知")
                % {"year": next_year},
            }
        ),
        "year_form": forms.get("year_form")
        or CalendarYearForm(
            initial={
                "year": next_year,
                "source_document": _("国务院办公厅关于%(year)s年部分节假日安排的通知")
                % {"year": next_year},
            }
        ),
    }


@require_roles(CALENDAR_VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """The coverage, the overrides and (for the calendar's administrator) the date-list form."""
    user = console_user(request)
    if request.method == "GET":
        return render(request, "console/admin/calendar.html", _calendar_context(request))
    if not edits_calendar(user):
        raise PermissionDenied
    form = OverrideDatesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        dates: list[dt.date] = data["dates"]
        try:
            with transaction.atomic():  # all dates or none
                for day in dates:
                    do_set_calendar_override(
                        actor=user,
                        day=day,
                        is_workday=data["is_workday"],
                        name=data["name"],
                        source_document=data["source_document"],
                    )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, _("已录入 %(n)s 个日期。") % {"n": len(dates)})
            return redirect("console:calendar")
    return render(request, "console/admin/calendar.html", _calendar_context(request, form=form))


@require_roles(CALENDAR_ROLES)
@require_POST
def calendar_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = console_user(request)
    if not edits_calendar(user):
        raise PermissionDenied
    override = get_object_or_404(CalendarOverride, pk=pk)
    day = override.date
    do_delete_calendar_override(override, actor=user)
    messages.success(request, _("已删除 %(day)s 的调整。") % {"day": day.isoformat()})
    return redirect("console:calendar")


@require_roles(CALENDAR_ROLES)
@require_POST
def calendar_year(request: HttpRequest) -> HttpResponse:
    """Declare a year's schedule entered in full (extends the coverage; clears rules.W001)."""
    user = console_user(request)
    if not edits_calendar(user):
        raise PermissionDenied
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        if CalendarYear.objects.filter(year=year).exists():
            form.add_error("year", _("%(year)s年已登记。") % {"year": year})
        else:
            try:
                do_record_calendar_year(
                    actor=user, year=year, source_document=form.cleaned_data["source_document"]
                )
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
            else:
                messages.success(request, _("已登记%(year)s年全年安排。") % {"year": year})
                return redirect("console:calendar")
    return render(
        request, "console/admin/calendar.html", _calendar_context(request, year_form=form)
    )
