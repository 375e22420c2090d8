"""单位与派单目录 (units and the dispatch catalogue) for the 区域管理员 and 系统管理员, limited to
their own subtree. Writes go through `fengqiao.units.actions`; an `ActionError` about a field
becomes that field's message, anything out of scope is 404 (AC-02), a wrong role 403.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fengqiao.console.access import console_user, require_roles
from fengqiao.console.admin_forms import (
    CatalogueEntryForm,
    CatalogueRemoveForm,
    UnitFilterForm,
    UnitForm,
)
from fengqiao.console.admin_scope import (
    UNIT_ADMIN_ROLES,
    catalogues_in_scope,
    get_catalogue,
    get_unit,
    regions_in,
    units_in_scope,
)
from fengqiao.console.views.manage import PAGE_SIZE, _render_list
from fengqiao.core.errors import ActionError
from fengqiao.units.actions import (
    EntryChange,
    do_create_unit,
    do_publish_catalogue,
    do_update_unit,
    latest_version,
    unit_admin_paths,
)
from fengqiao.units.models import CatalogueEntry, CatalogueVersion


def form_error(form: forms.Form, error: ActionError) -> None:
    """Show an action's refusal on its field (or above the form); 404 stays a 404."""
    if error.status == 404:
        raise Http404
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.detail)


@require_roles(UNIT_ADMIN_ROLES)
def unit_list(request: HttpRequest) -> HttpResponse:
    user = console_user(request)
    form = UnitFilterForm(request.GET or None)
    qs = units_in_scope(user).select_related("region", "parent").order_by("code")
    if form.is_valid():
        q = form.cleaned_data["q"]
        if q:
            qs = qs.filter(Q(name__contains=q) | Q(code__istartswith=q))
        if form.cleaned_data["unit_type"]:
            qs = qs.filter(unit_type=form.cleaned_data["unit_type"])
        if form.cleaned_data["active"]:
            qs = qs.filter(is_active=form.cleaned_data["active"] == "1")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"nav_active": "units", "form": form, "page": page, "query": query.urlencode()}
    return _render_list(
        request,
        "console/admin/unit_list.html",
        "console/admin/_unit_results.html",
        "unit-results",
        context,
    )


@require_roles(UNIT_ADMIN_ROLES)
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = console_user(request)
    unit = get_unit(user, pk)
    lead = CatalogueEntry.objects.filter(lead_unit=unit).select_related(
        "catalogue__region", "category", "region"
    )
    context = {
        "nav_active": "units",
        "unit": unit,
        "children": units_in_scope(user).filter(parent=unit).order_by("code"),
        "lead_entries": lead.order_by("-catalogue__version")[:20],
    }
    return render(request, "console/admin/unit_detail.html", context)


def _unit_form(user: Any, data: Any, *, creating: bool, **kwargs: Any) -> UnitForm:
    return UnitForm(
        data,
        regions=regions_in(unit_admin_paths(user)),
        units=units_in_scope(user),
        creating=creating,
        **kwargs,
    )


@require_roles(UNIT_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    user = console_user(request)
    form = _unit_form(user, request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = do_create_unit(
                actor=user,
                code=data["code"],
                name=data["name"],
                unit_type=data["unit_type"],
                region=data["region"],
                parent=data["parent"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
            )
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("已创建单位「%(name)s」。") % {"name": unit.name})
            return redirect("console:unit_detail", pk=unit.pk)
    return render(
        request, "console/admin/unit_form.html", {"nav_active": "units", "form": form, "unit": None}
    )


@require_roles(UNIT_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = console_user(request)
    unit = get_unit(user, pk)
    initial = {
        "name": unit.name,
        "unit_type": unit.unit_type,
        "region": unit.region,
        "parent": unit.parent,
        "contact_name": unit.contact_name,
        "contact_phone": unit.contact_phone,
        "is_active": unit.is_active,
    }
    form = _unit_form(user, request.POST or None, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in initial}
        try:
            do_update_unit(unit, actor=user, changes=changes)
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("已保存「%(name)s」的修改。") % {"name": unit.name})
            return redirect("console:unit_detail", pk=unit.pk)
    return render(
        request, "console/admin/unit_form.html", {"nav_active": "units", "form": form, "unit": unit}
    )


@require_roles(UNIT_ADMIN_ROLES)
def catalogue_list(request: HttpRequest) -> HttpResponse:
    """Every catalogue version in scope, the latest of each region marked."""
    user = console_user(request)
    versions = (
        catalogues_in_scope(user)
        .select_related("region")
        .annotate(entry_count=Count("entries"))
        .order_by("region__path", "-version")
    )
    today = timezone.localdate()
    rows = []
    seen: set[int] = set()
    for version in versions:
        rows.append(
            {
                "version": version,
                "latest": version.region_id not in seen,
                "future": version.effective_from > today,
            }
        )
        seen.add(version.region_id)
    return render(
        request, "console/admin/catalogue_list.html", {"nav_active": "catalogue", "rows": rows}
    )


def _grouped(version: CatalogueVersion) -> list[dict[str, Any]]:
    """category → [(region, lead, co-units, entry)], categories in code order."""
    entries = (
        version.entries.select_related("category", "region", "lead_unit")
        .prefetch_related("co_units")
        .order_by("category__code", "region__path")
    )
    groups: dict[int, dict[str, Any]] = {}
    rows: dict[int, list[CatalogueEntry]] = defaultdict(list)
    for entry in entries:
        groups.setdefault(entry.category_id, {"category": entry.category})
        rows[entry.category_id].append(entry)
    return [{**group, "entries": rows[key]} for key, group in groups.items()]


@require_roles(UNIT_ADMIN_ROLES)
def catalogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = console_user(request)
    version = get_catalogue(user, pk)
    latest = latest_version(version.region)
    context = {
        "nav_active": "catalogue",
        "version": version,
        "is_latest": latest is not None and latest.pk == version.pk,
        "groups": _grouped(version),
        "remove_form": CatalogueRemoveForm(initial={"effective_from": timezone.localdate()}),
        "history": CatalogueVersion.objects.filter(region=version.region).order_by("-version"),
    }
    return render(request, "console/admin/catalogue_detail.html", context)


def _entry_form(user: Any, data: Any, **kwargs: Any) -> CatalogueEntryForm:
    paths = unit_admin_paths(user)
    return CatalogueEntryForm(data, regions=regions_in(paths), units=units_in_scope(user), **kwargs)


@require_roles(UNIT_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def catalogue_entry(request: HttpRequest) -> HttpResponse:
    """Add or change one entry: the next version of that region's catalogue."""
    user = console_user(request)
    initial: dict[str, Any] = {"effective_from": timezone.localdate()}
    region_pk = request.GET.get("region", "")
    if region_pk.isdigit():
        region = regions_in(unit_admin_paths(user)).filter(pk=int(region_pk)).first()
        if region is not None:
            initial.update(catalogue_region=region, region=region)
    form = _entry_form(user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = EntryChange(
            data["category"], data["region"], data["lead_unit"], list(data["co_units"])
        )
        try:
            version = do_publish_catalogue(
                actor=user,
                region=data["catalogue_region"],
                effective_from=data["effective_from"],
                changes=[change],
                issued_by=data["issued_by"],
                note=data["note"],
            )
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("已发布「%(region)s」派单目录 v%(version)s。")
                % {"region": version.region.name, "version": version.version},
            )
            return redirect("console:catalogue_detail", pk=version.pk)
    return render(
        request, "console/admin/catalogue_entry.html", {"nav_active": "catalogue", "form": form}
    )


@require_roles(UNIT_ADMIN_ROLES)
@require_POST
def catalogue_remove(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """Remove one entry of the latest version: the next version without it."""
    user = console_user(request)
    version = get_catalogue(user, pk)
    entry = version.entries.select_related("category", "region").filter(pk=entry_pk).first()
    if entry is None:
        raise Http404
    form = CatalogueRemoveForm(request.POST)
    if form.is_valid():
        try:
            new = do_publish_catalogue(
                actor=user,
                region=version.region,
                effective_from=form.cleaned_data["effective_from"],
                changes=[EntryChange(entry.category, entry.region, None)],
                note=_("删除条目：%(category)s") % {"category": entry.category.name},
            )
        except ActionError as error:
            if error.status == 404:
                raise Http404 from None
            messages.error(request, error.detail)
        else:
            messages.success(
                request, _("已发布 v%(version)s（删除该条目）。") % {"version": new.version}
            )
            return redirect("console:catalogue_detail", pk=new.pk)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    return redirect("console:catalogue_detail", pk=version.pk)
