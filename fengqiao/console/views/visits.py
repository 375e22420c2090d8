"""走访任务: the grid worker's phone pages (my visit tasks, record a visit) and the operator's
page to send one. Tasks are found through `fengqiao.visits.selectors` (out of scope → 404
like missing); writes are its `do_*` actions. Recording twice answers 409 with the first
record shown, so a retry on a weak connection is safe.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from fengqiao.console.access import console_user, require_roles
from fengqiao.console.visit_forms import VisitRecordForm, VisitTaskForm
from fengqiao.core.errors import ActionError
from fengqiao.visits.actions import VisitDraft, do_create_visit_task, do_record_visit
from fengqiao.visits.models import VisitStatus, VisitTask
from fengqiao.visits.selectors import (
    CREATOR_ROLES,
    GRID_ROLES,
    get_my_task,
    my_tasks,
    visible_tasks,
)

FIELDS = {"grid", "worker", "kind", "target", "due_on", "case", "result", "note"}


def _place(form: Any, exc: ActionError) -> None:
    placed = False
    for item in exc.errors:
        name = str(item.get("field", ""))
        if name in ("latitude", "longitude"):
            form.add_error(None, str(item.get("message") or exc.detail))
            placed = True
        elif name in FIELDS and name in form.fields:
            form.add_error(name, str(item.get("message") or exc.detail))
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


@require_roles(GRID_ROLES)
@never_cache
def my_visits(request: HttpRequest) -> HttpResponse:
    """我的走访任务: owed ones first by due date, then the last ones done."""
    user = console_user(request)
    today = timezone.localdate()
    tasks = my_tasks(user).select_related("grid", "worker")
    pending = list(tasks.filter(status=VisitStatus.PENDING).order_by("due_on", "pk")[:100])
    done = list(tasks.filter(status=VisitStatus.DONE).order_by("-visited_at", "-pk")[:20])
    context = {
        "nav_active": "visits",
        "pending": [(t, t.is_overdue(today), (t.due_on - today).days) for t in pending],
        "done": done,
    }
    return render(request, "console/grid/visits.html", context)


def _record_context(task: VisitTask, form: VisitRecordForm, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "nav_active": "visits",
        "task": task,
        "form": form,
        "overdue": task.is_overdue(today),
        **extra,
    }


@require_roles(GRID_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def record_visit(request: HttpRequest, pk: int) -> HttpResponse:
    user = console_user(request)
    task = get_my_task(user, pk)
    template = "console/grid/visit_record.html"
    if request.method == "GET":
        return render(request, template, _record_context(task, VisitRecordForm()))
    form = VisitRecordForm(request.POST)
    if not form.is_valid():
        return render(request, template, _record_context(task, form), status=422)
    d = form.cleaned_data
    try:
        do_record_visit(
            task,
            actor=user,
            result=d["result"],
            note_text=d["note"],
            latitude=d["latitude"],
            longitude=d["longitude"],
        )
    except ActionError as exc:
        _place(form, exc)
        task.refresh_from_db()
        context = _record_context(task, form, error=exc.detail)
        return render(request, template, context, status=exc.status)
    messages.success(request, _("走访已记录。"))
    return redirect("console:grid_visits")


@require_roles(CREATOR_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def new_task(request: HttpRequest) -> HttpResponse:
    """派发走访任务, with the latest tasks of the user's area below."""
    user = console_user(request)
    template = "console/visits/tasks.html"
    recent = visible_tasks(user).select_related("grid", "worker").order_by("-pk")[:50]
    today = timezone.localdate()

    def context(form: VisitTaskForm, **extra: Any) -> dict[str, Any]:
        rows = [(t, t.is_overdue(today)) for t in recent]
        return {"nav_active": "visit_tasks", "form": form, "rows": rows, **extra}

    if request.method == "GET":
        return render(request, template, context(VisitTaskForm(user=user)))
    form = VisitTaskForm(request.POST, user=user)
    if not form.is_valid():
        return render(request, template, context(form), status=422)
    d = form.cleaned_data
    draft = VisitDraft(
        grid=d["grid"],
        kind=d["kind"],
        target=d["target"],
        due_on=d["due_on"],
        instructions=d["instructions"],
        worker=d["worker"],
    )
    try:
        do_create_visit_task(draft, actor=user)
    except ActionError as exc:
        _place(form, exc)
        return render(request, template, context(form, error=exc.detail), status=exc.status)
    messages.success(request, _("走访任务已派发。"))
    return redirect("console:visit_tasks")
