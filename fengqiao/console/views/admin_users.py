"""账号与角色授权: accounts of the administrator's subtree and their role assignments.

What each role may do is `fengqiao.accounts.policy`'s decision, applied by the accounts actions
(`do_create_user`, `do_grant_role`, `do_revoke_role`, `do_set_active`, `do_reset_password`,
`do_unlock`), which audit successes and refusals. The page only offers what policy allows:
the 区域管理员 and 系统管理员 create accounts, grant business roles, disable and reset; the
安全管理员 unlocks, resets a second factor (`do_reset_mfa`, AUTH-06, after a confirmation
page) and grants 安全管理员; nobody changes their own account here; the 审计管理员 gets 403.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fengqiao.accounts import mfa, policy
from fengqiao.accounts.actions import (
    do_create_user,
    do_grant_role,
    do_reset_mfa,
    do_reset_password,
    do_revoke_role,
    do_set_active,
    do_unlock,
)
from fengqiao.accounts.models import RoleAssignment, User
from fengqiao.accounts.scope import path_condition
from fengqiao.console.access import console_user, require_roles
from fengqiao.console.admin_forms import GrantForm, UserCreateForm, UserFilterForm
from fengqiao.console.admin_scope import (
    get_account,
    grant_paths,
    grantable_roles,
    regions_in,
    users_in_scope,
)
from fengqiao.console.views.admin_units import form_error
from fengqiao.console.views.manage import PAGE_SIZE, _render_list
from fengqiao.core.errors import ActionError
from fengqiao.units.models import Unit

VIEW_ROLES = policy.ACCOUNT_VIEW_ROLES


@require_roles(VIEW_ROLES)
def user_list(request: HttpRequest) -> HttpResponse:
    user = console_user(request)
    form = UserFilterForm(request.GET or None)
    qs = users_in_scope(user).select_related("region").order_by("username")
    if form.is_valid():
        q = form.cleaned_data["q"]
        if q:
            qs = qs.filter(Q(username__icontains=q) | Q(first_name__contains=q))
        if form.cleaned_data["role"]:
            holders = RoleAssignment.objects.filter(role=form.cleaned_data["role"])
            qs = qs.filter(pk__in=holders.values("user_id"))
    page = Paginator(qs.prefetch_related("assignments__region"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav_active": "users",
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_create": policy.holds_any(user, policy.ACCOUNT_CREATE_ROLES),
        "now": timezone.now(),
    }
    return _render_list(
        request,
        "console/admin/user_list.html",
        "console/admin/_user_results.html",
        "user-results",
        context,
    )


def _grant_form(actor: User, data: object = None) -> GrantForm:
    paths = grant_paths(actor)
    return GrantForm(
        data,
        roles=grantable_roles(actor),
        regions=regions_in(paths),
        units=Unit.objects.filter(path_condition(paths), is_active=True),
        initial={"can_act": True},
    )


def _detail(
    request: HttpRequest, target: User, *, grant_form: GrantForm | None = None, status: int = 200
) -> HttpResponse:
    actor = console_user(request)
    manage = policy.check_manage_account(actor, target)
    now = timezone.now()
    assignments = target.assignments.select_related("region", "unit", "granted_by").order_by(
        "role", "region__path"
    )
    rows = [
        (
            a,
            policy.check_grant(actor, target, role=a.role, region=a.region, unit=a.unit).allowed,
            a.is_active_at(now),
        )
        for a in assignments
    ]
    context = {
        "nav_active": "users",
        "target": target,
        "is_self": target.pk == actor.pk,
        "locked": target.is_locked(now),
        "rows": rows,
        "can_manage": manage.allowed,
        "manage_reason": manage.detail,
        "can_unlock": policy.holds_any(actor, policy.UNLOCK_ROLES)
        and policy.user_is_visible(actor, target, roles=policy.UNLOCK_ROLES),
        "grant_form": grant_form or _grant_form(actor),
        "can_grant": bool(grantable_roles(actor)) and target.pk != actor.pk,
        "mfa": mfa.status(target),
        "can_reset_mfa": policy.check_reset_mfa(actor, target).allowed,
    }
    return render(request, "console/admin/user_detail.html", context, status=status)


@require_roles(VIEW_ROLES)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_account(console_user(request), pk)
    return _detail(request, target)


@require_roles(policy.ACCOUNT_CREATE_ROLES)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    actor = console_user(request)
    paths = policy.admin_paths(actor, policy.ACCOUNT_CREATE_ROLES)
    form = UserCreateForm(
        request.POST or None,
        regions=regions_in(paths),
        units=Unit.objects.filter(path_condition(paths), is_active=True),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created, password = do_create_user(
                actor=actor,
                username=data["username"].strip(),
                full_name=data["full_name"].strip(),
                region=data["region"],
                unit=data["unit"],
            )
        except ActionError as error:
            if error.field == "unit_id":
                error.field = "unit"
            form_error(form, error)
        else:
            # The one-time password is shown once, on this response only (no-store).
            return render(
                request,
                "console/admin/user_password.html",
                {"nav_active": "users", "target": created, "password": password, "created": True},
            )
    return render(request, "console/admin/user_create.html", {"nav_active": "users", "form": form})


@require_roles(VIEW_ROLES)
@require_POST
def user_grant(request: HttpRequest, pk: int) -> HttpResponse:
    actor = console_user(request)
    target = get_account(actor, pk)
    form = _grant_form(actor, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        expires_on: dt.date | None = data["expires_on"]
        expires_at = (
            timezone.make_aware(dt.datetime.combine(expires_on, dt.time.min))
            if expires_on
            else None
        )
        try:
            assignment = do_grant_role(
                target,
                actor=actor,
                role=data["role"],
                region=data["region"],
                unit=data["unit"],
                can_act=data["can_act"],
                expires_at=expires_at,
            )
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("已授予「%(role)s」（%(region)s）。")
                % {"role": assignment.get_role_display(), "region": assignment.region.name},
            )
            return redirect("console:user_detail", pk=target.pk)
    return _detail(request, target, grant_form=form, status=400)


@require_roles(VIEW_ROLES)
@require_POST
def user_revoke(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    actor = console_user(request)
    target = get_account(actor, pk)
    assignment = (
        RoleAssignment.objects.select_related("user", "region", "unit__region")
        .filter(pk=assignment_pk, user=target)
        .first()
    )
    if assignment is None:
        raise Http404
    try:
        do_revoke_role(assignment, actor=actor)
    except ActionError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, error.detail)
    else:
        messages.success(request, _("已撤销该授权。"))
    return redirect("console:user_detail", pk=target.pk)


@require_roles(VIEW_ROLES)
@require_POST
def user_account(request: HttpRequest, pk: int, op: str) -> HttpResponse:
    """停用 / 启用 / 重置密码 / 解锁 one account, as policy allows."""
    actor = console_user(request)
    target = get_account(actor, pk)
    try:
        if op == "disable":
            do_set_active(target, active=False, actor=actor)
            messages.success(request, _("已停用该账号。"))
        elif op == "enable":
            do_set_active(target, active=True, actor=actor)
            messages.success(request, _("已启用该账号。"))
        elif op == "unlock":
            do_unlock(target, actor=actor)
            messages.success(request, _("已解锁该账号。"))
        elif op == "reset":
            password = do_reset_password(target, actor=actor)
            return render(
                request,
                "console/admin/user_password.html",
                {"nav_active": "users", "target": target, "password": password, "created": False},
            )
        else:
            raise Http404
    except ActionError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, error.detail)
        return _detail(request, target, status=error.status)
    return redirect("console:user_detail", pk=target.pk)


@require_roles(VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def user_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """重置双因素认证 (AUTH-06): GET asks to confirm, POST resets through `do_reset_mfa`, the
    action the API calls (same policy, same audit action `mfa.reset`, refusals audited).
    Outside the 安全管理员's subtree → 404; another role or one's own account → 403."""
    actor = console_user(request)
    target = get_account(actor, pk)
    if request.method == "POST":
        try:
            do_reset_mfa(target, actor=actor)
        except ActionError as error:
            if error.status == 404:
                raise Http404 from None
            raise PermissionDenied(error.detail) from None
        messages.success(request, _("已重置该账号的双因素认证；用户下次登录时须重新绑定。"))
        return redirect("console:user_detail", pk=target.pk)
    check = policy.check_reset_mfa(actor, target)
    if not check.allowed:
        if check.code == "out_of_scope":
            raise Http404
        raise PermissionDenied(check.detail)
    context = {"nav_active": "users", "target": target, "mfa": mfa.status(target)}
    return render(request, "console/admin/user_mfa_reset.html", context)
