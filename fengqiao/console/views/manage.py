"""Administration within scope (区域管理员): regions, grids and grid workers of one's own subtree.

Lists filter with htmx (the same URL serves the full page or, for htmx, only the results);
edits are plain POST forms with the CSRF token; everything out of the subtree is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fengqiao.accounts.models import User
from fengqiao.console.access import (
    ADMIN_ROLES_FOR_REGIONS,
    administered_regions,
    administered_workers,
    console_user,
    covering_region_code,
    get_administered_region,
    get_administered_worker,
    require_roles,
)
from fengqiao.console.actions import (
    do_update_grid_worker,
    do_update_region_attributes,
    editable_fields,
)
from fengqiao.console.forms import (
    RegionEditForm,
    RegionFilterForm,
    WorkerEditForm,
    WorkerFilterForm,
    WorkerStatusForm,
)
from fengqiao.core.pii import mask_phone
from fengqiao.regions.models import GridWorker, Region

PAGE_SIZE = 50


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _render_list(
    request: HttpRequest, full: str, partial: str, target: str, context: dict[str, object]
) -> HttpResponse:
    """Only the results for htmx's filter requests (HX-Target names the results box); the
    whole page otherwise, history restores included."""
    template = partial if _is_htmx(request) and request.headers.get("HX-Target") == target else full
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_roles(ADMIN_ROLES_FOR_REGIONS)
def region_list(request: HttpRequest) -> HttpResponse:
    user = console_user(request)
    form = RegionFilterForm(request.GET or None)
    qs = administered_regions(user).select_related("parent").order_by("code")
    if form.is_valid():
        q = form.cleaned_data["q"]
        if q:
            qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
        if form.cleaned_data["level"] is not None:
            qs = qs.filter(level=form.cleaned_data["level"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"nav_active": "regions", "form": form, "page": page, "query": query.urlencode()}
    return _render_list(
        request,
        "console/manage/region_list.html",
        "console/manage/_region_results.html",
        "region-results",
        context,
    )


@require_roles(ADMIN_ROLES_FOR_REGIONS)
def region_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = console_user(request)
    region = get_administered_region(user, pk)
    children = Region.objects.filter(parent=region).order_by("code")
    assignments = region.worker_assignments.select_related("worker").order_by(
        "-is_chief", "worker__number"
    )
    context = {
        "nav_active": "regions",
        "region": region,
        "ancestors": administered_regions(user)
        .filter(pk__in=[r.pk for r in region.ancestors()])
        .exclude(pk=region.pk)
        .order_by("level"),
        "children": children,
        "assignments": [(a, mask_phone(a.worker.phone)) for a in assignments],
        "changes": region.changes.order_by("-effective_on", "-pk")[:20],
        "editable": bool(editable_fields(region)),
    }
    return render(request, "console/manage/region_detail.html", context)


@require_roles(ADMIN_ROLES_FOR_REGIONS)
@require_http_methods(["GET", "POST"])
def region_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = console_user(request)
    region = get_administered_region(user, pk)
    fields = editable_fields(region)
    if not fields:
        raise Http404
    initial = {name: getattr(region, name) for name in fields}
    form = RegionEditForm(request.POST or None, initial=initial, fields=fields)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in fields}
        if "urban_rural" in changes:
            changes["urban_rural"] = changes["urban_rural"] or ""
        do_update_region_attributes(
            region,
            actor=user,
            changes=changes,
            actor_region=covering_region_code(user, region.path, ADMIN_ROLES_FOR_REGIONS),
        )
        messages.success(request, _("已保存「%(name)s」的修改。") % {"name": region.name})
        return redirect("console:region_detail", pk=region.pk)
    context = {"nav_active": "regions", "region": region, "form": form}
    return render(request, "console/manage/region_edit.html", context)


@require_roles(ADMIN_ROLES_FOR_REGIONS)
def worker_list(request: HttpRequest) -> HttpResponse:
    user = console_user(request)
    form = WorkerFilterForm(request.GET or None)
    qs = administered_workers(user).order_by("number")
    if form.is_valid():
        q = form.cleaned_data["q"]
        if q:
            qs = qs.filter(Q(name__contains=q) | Q(number__startswith=q))
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
    page = Paginator(qs.prefetch_related("grids"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"nav_active": "workers", "form": form, "page": page, "query": query.urlencode()}
    return _render_list(
        request,
        "console/manage/worker_list.html",
        "console/manage/_worker_results.html",
        "worker-results",
        context,
    )


def _worker_context(worker: GridWorker) -> dict[str, object]:
    assignments = worker.assignments.select_related("grid").order_by("grid__code")
    return {
        "nav_active": "workers",
        "worker": worker,
        "masked_phone": mask_phone(worker.phone),
        "assignments": assignments,
        "status_form": WorkerStatusForm(initial={"status": worker.status}),
    }


@require_roles(ADMIN_ROLES_FOR_REGIONS)
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = console_user(request)
    worker = get_administered_worker(user, pk)
    return render(request, "console/manage/worker_detail.html", _worker_context(worker))


def _worker_actor_region(user: User, worker: GridWorker) -> str:
    grid = worker.grids.order_by("code").first()
    if grid is None:
        return ""
    return covering_region_code(user, grid.path, ADMIN_ROLES_FOR_REGIONS)


@require_roles(ADMIN_ROLES_FOR_REGIONS)
@require_http_methods(["GET", "POST"])
def worker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = console_user(request)
    worker = get_administered_worker(user, pk)
    initial = {"status": worker.status, "is_full_time": worker.is_full_time}
    form = WorkerEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        do_update_grid_worker(
            worker,
            actor=user,
            changes={
                "status": form.cleaned_data["status"],
                "is_full_time": form.cleaned_data["is_full_time"],
            },
            phone=form.cleaned_data["phone"],
            actor_region=_worker_actor_region(user, worker),
        )
        messages.success(request, _("已保存网格员 %(number)s 的修改。") % {"number": worker.number})
        return redirect("console:worker_detail", pk=worker.pk)
    context = {
        "nav_active": "workers",
        "worker": worker,
        "masked_phone": mask_phone(worker.phone),
        "form": form,
    }
    return render(request, "console/manage/worker_edit.html", context)


@require_roles(ADMIN_ROLES_FOR_REGIONS)
@require_POST
def worker_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One-click status change; htmx swaps in the status panel, a plain POST redirects."""
    user = console_user(request)
    worker = get_administered_worker(user, pk)
    form = WorkerStatusForm(request.POST)
    if form.is_valid():
        worker = do_update_grid_worker(
            worker,
            actor=user,
            changes={"status": form.cleaned_data["status"]},
            actor_region=_worker_actor_region(user, worker),
        )
    if not _is_htmx(request):
        return redirect("console:worker_detail", pk=worker.pk)
    context = _worker_context(worker)
    context["status_saved"] = form.is_valid()
    return render(request, "console/manage/_worker_status.html", context, status=200)
