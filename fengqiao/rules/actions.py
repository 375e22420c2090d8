"""Every write to clock rules and the working-day calendar, each audited in its transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q

from fengqiao.audit.actions import record
from fengqiao.rules.bounds import never_later
from fengqiao.rules.models import (
    CalendarOverride,
    CalendarYear,
    ClockRule,
    DurationUnit,
    RuleKind,
)
from fengqiao.rules.resolve import ancestor_ids


def _overlaps(rule: ClockRule) -> Q:
    """Rules whose effective period overlaps the new rule's."""
    condition = Q(effective_to__isnull=True) | Q(effective_to__gte=rule.effective_from)
    if rule.effective_to is not None:
        condition &= Q(effective_from__lte=rule.effective_to)
    return condition


def validate_new_rule(rule: ClockRule) -> None:
    """Refuse a rule that could never apply or would break versioning; per-field messages."""
    errors: dict[str, list[str]] = {}
    if rule.kind == RuleKind.EXTENSION and not rule.extends_code:
        errors.setdefault("extends_code", []).append("延长规则必须注明所延长的规则代码。")
    if rule.kind == RuleKind.LIMIT and rule.extends_code:
        errors.setdefault("extends_code", []).append("时限规则不填写所延长的规则代码。")
    if rule.effective_to is not None and rule.effective_to < rule.effective_from:
        errors.setdefault("effective_to", []).append("失效日期不能早于生效日期。")
    if rule.unit == DurationUnit.MONTHS and rule.duration > 120:
        errors.setdefault("duration", []).append("以月计算的期限不应超过120个月。")
    if rule.unit != DurationUnit.HOURS and rule.duration > 3660:
        errors.setdefault("duration", []).append("期限数值过大，请检查单位。")
    if rule.unit == DurationUnit.HOURS and rule.duration > 3660 * 24:
        errors.setdefault("duration", []).append("期限数值过大，请检查单位。")
    for name, label in (("issuing_authority", "制定机关"), ("source_document", "依据文件")):
        if not str(getattr(rule, name) or "").strip():
            errors.setdefault(name, []).append(f"请填写{label}：时限规则必须注明来源。")
    chain = ancestor_ids(rule.region)
    governing = (
        ClockRule.objects.filter(
            code=rule.code, is_statutory=True, category__in={"", rule.category}
        )
        .filter(Q(region__isnull=True) | Q(region_id__in=chain))
        .filter(_overlaps(rule))
        .order_by("duration")
    )
    if rule.is_statutory and rule.region is not None:
        for ceiling in governing.exclude(region=rule.region):
            if never_later(rule, ceiling):
                continue
            if ceiling.unit == rule.unit:
                errors.setdefault("duration", []).append(
                    f"期限数值超过上级法定时限：上级法定时限为{ceiling.describe()}"
                    f"（{ceiling.citation}），地方规定不得延长上位法规定的时限。"
                )
            else:
                errors.setdefault("unit", []).append(
                    f"单位与上级法定时限不同：按{rule.describe()}计算，在节假日前后可能超过"
                    f"上级法定时限{ceiling.describe()}（{ceiling.citation}），地方规定不得延长"
                    f"上位法规定的时限。请按“{DurationUnit(ceiling.unit).label}”填写。"
                )
            break
    if not rule.is_statutory:
        statutory = governing.first()
        if statutory is not None:
            errors.setdefault("is_statutory", []).append(
                f"“{rule.code}”已有法定时限（{statutory.describe()}，{statutory.citation}），"
                "法定时限优先，地方规则不会被采用。如需内部提醒，请使用另一个规则代码。"
            )
    later = ClockRule.objects.filter(
        code=rule.code,
        region=rule.region,
        category=rule.category,
        effective_from__gte=rule.effective_from,
    ).first()
    if later is not None:
        errors.setdefault("effective_from", []).append(
            f"已有自{later.effective_from.isoformat()}起生效的版本（v{later.version}），"
            "新版本的生效日期必须晚于它。"
        )
    if errors:
        raise ValidationError(errors)


def _rule_data(rule: ClockRule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "version": rule.version,
        "duration": rule.duration,
        "unit": rule.unit,
        "region": rule.region.code if rule.region is not None else "",
        "category": rule.category,
        "effective_from": rule.effective_from.isoformat(),
        "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
        "is_statutory": rule.is_statutory,
        "source": rule.citation,
    }


@transaction.atomic
def do_add_clock_rule(rule: ClockRule, *, actor: Any) -> ClockRule:
    """Save a new rule, or a new version of an existing one: the version in force for the same
    code, region and category is closed the day before the new one takes effect."""
    validate_new_rule(rule)
    same = ClockRule.objects.select_for_update().filter(
        code=rule.code, region=rule.region, category=rule.category
    )
    latest = same.aggregate(v=Max("version"))["v"]
    rule.version = (latest or 0) + 1
    closed = []
    for previous in same.filter(_overlaps(rule)):
        previous.effective_to = rule.effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
        closed.append(previous.pk)
    rule.created_by = actor if getattr(actor, "is_authenticated", False) else None
    rule.full_clean()
    rule.save()
    record(
        "rules.clock_rule.add",
        actor=actor,
        obj=rule,
        data={**_rule_data(rule), "closed_versions": closed},
    )
    return rule


@transaction.atomic
def do_close_clock_rule(rule: ClockRule, *, actor: Any, effective_to: dt.date) -> ClockRule:
    """Stop a rule applying after `effective_to` (the rule itself stays, for past cases).
    A version can only be ended earlier, never extended: a later version may follow it."""
    if effective_to < rule.effective_from:
        raise ValidationError({"effective_to": ["失效日期不能早于生效日期。"]})
    before = rule.effective_to
    if before is not None and effective_to > before:
        raise ValidationError(
            {
                "effective_to": [
                    f"失效日期不能晚于该版本原定的失效日期（{before.isoformat()}）："
                    "停止适用只能提前结束一个版本，不能延长它。"
                ]
            }
        )
    rule.effective_to = effective_to
    rule.save(update_fields=["effective_to"])
    record(
        "rules.clock_rule.close",
        actor=actor,
        obj=rule,
        data={
            "code": rule.code,
            "version": rule.version,
            "before": before.isoformat() if before else None,
            "after": effective_to.isoformat(),
        },
    )
    return rule


@transaction.atomic
def do_set_calendar_override(
    *, actor: Any, day: dt.date, is_workday: bool, name: str, source_document: str
) -> CalendarOverride:
    """Set one date's working status (creates or replaces the override for that date)."""
    if not source_document.strip():
        raise ValidationError({"source_document": ["请填写依据文件（如国务院办公厅通知）。"]})
    existing = CalendarOverride.objects.select_for_update().filter(date=day).first()
    before = {"is_workday": existing.is_workday, "name": existing.name} if existing else None
    override, _ = CalendarOverride.objects.update_or_create(
        date=day,
        defaults={
            "is_workday": is_workday,
            "name": name,
            "source_document": source_document,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    record(
        "rules.calendar_override.set",
        actor=actor,
        obj=override,
        data={
            "date": day.isoformat(),
            "is_workday": is_workday,
            "name": name,
            "source": source_document,
            "before": before,
        },
    )
    return override


@transaction.atomic
def do_delete_calendar_override(override: CalendarOverride, *, actor: Any) -> None:
    """Remove one override; the date falls back to the package or the weekday rule."""
    data = {
        "date": override.date.isoformat(),
        "is_workday": override.is_workday,
        "name": override.name,
    }
    object_id = str(override.pk)
    override.delete()
    record(
        "rules.calendar_override.delete",
        actor=actor,
        object_type="rules.calendaroverride",
        object_id=object_id,
        data=data,
    )


@transaction.atomic
def do_record_calendar_year(*, actor: Any, year: int, source_document: str) -> CalendarYear:
    """Declare that `year`'s official schedule has been entered in full as overrides."""
    holidays = CalendarOverride.objects.filter(date__year=year, is_workday=False).count()
    if holidays == 0:
        raise ValidationError(
            {"year": [f"请先录入{year}年的放假日期（工作日历调整），再登记该年为已录入全年安排。"]}
        )
    if not source_document.strip():
        raise ValidationError({"source_document": ["请填写依据文件（如国务院办公厅通知）。"]})
    entry = CalendarYear.objects.create(
        year=year,
        source_document=source_document,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        "rules.calendar_year.record",
        actor=actor,
        obj=entry,
        data={"year": year, "source": source_document, "holiday_overrides": holidays},
    )
    return entry


@transaction.atomic
def do_delete_calendar_year(entry: CalendarYear, *, actor: Any) -> None:
    """Withdraw the declaration: that year's unlisted dates become uncertain again."""
    data = {"year": entry.year, "source": entry.source_document}
    object_id = str(entry.pk)
    entry.delete()
    record(
        "rules.calendar_year.delete",
        actor=actor,
        object_type="rules.calendaryear",
        object_id=object_id,
        data=data,
    )
