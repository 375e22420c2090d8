"""Local versions of clock rules (新增本地版本, 停止适用) and a rule's history.

Who (三权分立, docs/administration.md): the 系统管理员 configures the system, so a 系统管理员
acting in a subtree adds and closes the local versions of that subtree's provinces, cities and
counties. Statutory numbers come from a local regulation with its source (domain-rules §10):
the form takes the number, unit, dates and source, the rest of the rule is copied from the
version it starts from, and `rules.actions.validate_new_rule` refuses a local version that
would lengthen a statutory limit. National rows are never edited or closed here.

Scope: a rule the user cannot see (another region's) is 404 like a missing one (AC-02); a
visible rule that is not theirs to change (national, or a region above them) is 403, as is a
role without the job (the 区域管理员 reads, the 审计管理员 and 安全管理员 have no business here).
The history is also open to leaders, in their view scope, to see which version applied when.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fengqiao.accounts import policy
from fengqiao.accounts.models import Role, User
from fengqiao.accounts.scope import path_condition, scope_paths
from fengqiao.audit.models import AuditEntry
from fengqiao.console.access import console_user, require_roles
from fengqiao.console.admin_scope import RULE_VIEW_ROLES, regions_in, rules_in_scope
from fengqiao.console.rule_forms import AppliedOnForm, CloseRuleForm, LocalRuleForm
from fengqiao.regions.models import Level, Region
from fengqiao.rules.actions import do_add_clock_rule, do_close_clock_rule
from fengqiao.rules.errors import RuleNotFound
from fengqiao.rules.models import ClockRule
from fengqiao.rules.resolve import resolve_rule

# The 系统管理员 changes configuration (docs/security.md, SOD-01); the 区域管理员 reads rules.
RULE_EDIT_ROLES = frozenset({Role.SYSTEM_ADMIN})
# Leaders read a rule's history (which version applied when) in their view scope.
HISTORY_ROLES = RULE_VIEW_ROLES | {Role.LEADER}
# Local regulations and normative documents come from provinces, cities and counties.
LOCAL_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)
AUDITED_ACTIONS = ("rules.clock_rule.add", "rules.clock_rule.close")


def edit_paths(user: User) -> list[str]:
    """The subtrees in which the user adds and closes local rule versions."""
    return policy.admin_paths(user, RULE_EDIT_ROLES)


def local_regions(user: User) -> QuerySet[Region]:
    """The provinces, cities and counties of the user's editing subtrees, in tree order."""
    return regions_in(edit_paths(user)).filter(level__in=LOCAL_LEVELS)


def may_close(user: User, rule: ClockRule, paths: list[str] | None = None) -> bool:
    """A local version inside the user's editing subtree (`paths`, default: looked up) that
    still applies today or later."""
    if rule.region is None:
        return False
    if paths is None:
        paths = edit_paths(user)
    if not any(rule.region.path.startswith(path) for path in paths):
        return False
    return rule.effective_to is None or rule.effective_to >= timezone.localdate()


def _visible_rule(user: User, pk: int) -> ClockRule:
    rule = rules_in_scope(user).filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def _apply_errors(form: LocalRuleForm | CloseRuleForm, error: ValidationError) -> None:
    """The action's messages on the fields they name (or above the form)."""
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@require_roles(RULE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def rule_add_local(request: HttpRequest, pk: int) -> HttpResponse:
    """新增本地版本: a new version of the rule for one region of the administrator's subtree."""
    user = console_user(request)
    base = _visible_rule(user, pk)
    regions = local_regions(user)
    if not regions.exists():
        raise PermissionDenied
    form = LocalRuleForm(request.POST or None, base=base, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            rule = do_add_clock_rule(form.build(), actor=user)
        except ValidationError as error:
            _apply_errors(form, error)
        except IntegrityError:
            # another administrator saved a version of the same rule and region at the same
            # moment: the version numbers or dates collided in the database
            form.add_error(None, _("同一时间有其他人新增了该规则的版本，请查看版本历史后重试。"))
        else:
            messages.success(
                request,
                _("已新增“%(name)s”的本地版本 v%(version)s（%(region)s），自%(day)s起适用。")
                % {
                    "name": rule.name,
                    "version": rule.version,
                    "region": rule.region.name if rule.region else "",
                    "day": rule.effective_from.isoformat(),
                },
            )
            return redirect("console:rule_history", code=rule.code)
    return render(
        request,
        "console/admin/rule_local.html",
        {"nav_active": "rules", "base": base, "form": form},
    )


@require_roles(RULE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def rule_close(request: HttpRequest, pk: int) -> HttpResponse:
    """停止适用: the last day a local version of the administrator's subtree applies."""
    user = console_user(request)
    rule = _visible_rule(user, pk)
    if not may_close(user, rule):
        raise PermissionDenied
    form = CloseRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_close_clock_rule(rule, actor=user, effective_to=form.cleaned_data["effective_to"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(name)s” v%(version)s（%(region)s）适用至%(day)s。")
                % {
                    "name": rule.name,
                    "version": rule.version,
                    "region": rule.region.name if rule.region else "",
                    "day": form.cleaned_data["effective_to"].isoformat(),
                },
            )
            return redirect("console:rule_history", code=rule.code)
    return render(
        request,
        "console/admin/rule_close.html",
        {"nav_active": "rules", "rule": rule, "form": form},
    )


@dataclass(frozen=True)
class VersionRow:
    """One version of the history with the audit rows of its addition and closing."""

    rule: ClockRule
    added: AuditEntry | None
    closed: list[AuditEntry]
    closable: bool


def _history_scope(user: User) -> tuple[QuerySet[ClockRule], list[str]]:
    """The rules the user sees, and the subtrees their lookup regions come from: an
    administrator's act scope, a leader's view scope."""
    paths = policy.admin_paths(user, RULE_VIEW_ROLES)
    if paths:
        return rules_in_scope(user), paths
    paths = scope_paths(user, roles=frozenset({Role.LEADER}))
    if not paths:
        return ClockRule.objects.none(), []
    above = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    rules = ClockRule.objects.select_related("region").filter(
        Q(region__isnull=True) | Q(region_id__in=above) | path_condition(paths)
    )
    return rules, paths


@require_roles(HISTORY_ROLES)
def rule_history(request: HttpRequest, code: str) -> HttpResponse:
    """Every version of one rule code in the user's scope: region, source, effective period,
    who added and who closed it (from the audit rows of those two actions), and which version
    applied in a region on a date."""
    user = console_user(request)
    rules, paths = _history_scope(user)
    versions = list(
        rules.filter(code=code).order_by(
            F("region__path").asc(nulls_first=True), "category", "effective_from", "version"
        )
    )
    if not versions:
        raise Http404
    entries: dict[str, list[AuditEntry]] = {}
    for entry in AuditEntry.objects.filter(
        object_type="rules.clockrule",
        object_id__in=[str(v.pk) for v in versions],
        action__in=AUDITED_ACTIONS,
    ).order_by("seq"):
        entries.setdefault(entry.object_id, []).append(entry)
    rows = []
    mine = edit_paths(user)
    for version in versions:
        own = entries.get(str(version.pk), [])
        rows.append(
            VersionRow(
                rule=version,
                added=next((e for e in own if e.action == AUDITED_ACTIONS[0]), None),
                closed=[e for e in own if e.action == AUDITED_ACTIONS[1]],
                closable=may_close(user, version, mine),
            )
        )
    with_rules = {v.region_id for v in versions if v.region_id is not None}
    lookup_regions = regions_in(paths).filter(Q(level__in=LOCAL_LEVELS) | Q(pk__in=with_rules))
    lookup = AppliedOnForm(request.GET or None, regions=lookup_regions)
    applied: ClockRule | None = None
    applied_error = ""
    if request.GET and lookup.is_valid():
        try:
            applied = resolve_rule(
                code, region=lookup.cleaned_data["region"], on=lookup.cleaned_data["on"]
            )
        except RuleNotFound as error:
            applied_error = error.message
    editable = bool(mine) and local_regions(user).exists()
    current = next(
        (
            v
            for v in reversed(versions)
            if v.region_id is None and v.is_effective_on(timezone.localdate())
        ),
        versions[-1],
    )
    return render(
        request,
        "console/admin/rule_history.html",
        {
            "nav_active": "rules",
            "code": code,
            "name": current.name,
            "rows": rows,
            "lookup": lookup,
            "applied": applied,
            "applied_error": applied_error,
            "can_add": editable,
            "base": current,
            "today": timezone.localdate(),
        },
    )
