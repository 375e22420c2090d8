"""Clock rules and the working-day calendar, as data.

A `ClockRule` is one time limit (时限) or one extension (延长) with its legal source: code,
what it applies to, duration and unit, the region whose subtree it governs (null = national),
its effective dates, issuing authority, document and article, the rule number of
domain-rules §10, whether it is statutory, and a version. Rules are never edited in place:
a new version closes the previous one (see `actions.do_add_clock_rule`).

`CalendarOverride` rows are consulted before the `chinesecalendar` package; `CalendarYear`
rows record that a year's official schedule (国务院办公厅 节假日安排通知) has been entered in full,
so that a date in that year without an override is a certain weekday-rule day rather than a
guess (docs/clocks.md §2).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from fengqiao.regions.models import Region


class DurationUnit(models.TextChoices):
    HOURS = "hours", "小时"
    CALENDAR_DAYS = "calendar_days", "日（自然日）"
    WORKING_DAYS = "working_days", "工作日"
    MONTHS = "months", "月"


class RuleKind(models.TextChoices):
    LIMIT = "limit", "时限"
    EXTENSION = "extension", "延长"


class SourceGrade(models.TextChoices):
    """The grade used in domain-rules §10: V = read in the original text, S = secondary source,
    U = unverified."""

    VERIFIED = "V", "已核对原文（V）"
    SECONDARY = "S", "二手来源（S）"
    UNVERIFIED = "U", "未核实（U）"


class ClockRule(models.Model):
    """One versioned, region-scoped time limit or extension with its legal source."""

    code = models.CharField("规则代码", max_length=64, db_index=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=RuleKind.choices, default=RuleKind.LIMIT)
    extends_code = models.CharField(
        "所延长的规则代码", max_length=64, blank=True, help_text="仅延长规则填写"
    )
    max_times = models.PositiveSmallIntegerField(
        "最多延长次数", default=1, help_text="仅延长规则使用"
    )
    requires_approval = models.BooleanField("须经批准", default=False)
    approver = models.CharField("批准人", max_length=100, blank=True)
    case_kind = models.CharField(
        "案件类型", max_length=32, help_text="如 hotline、petition、dispute"
    )
    category = models.CharField(
        "类别", max_length=64, blank=True, help_text="空 = 该类型的全部类别"
    )
    stage = models.CharField("环节", max_length=64, blank=True)
    start_event = models.CharField("起算事件", max_length=64)
    duration = models.PositiveIntegerField("期限数值")
    unit = models.CharField("单位", max_length=16, choices=DurationUnit.choices)
    roll_forward_on_holiday = models.BooleanField(
        "届满日遇法定休假日顺延",
        default=True,
        help_text="自然日和月的期限：最后一日是法定休假日的，以休假日后的第一日为届满日",
    )
    region = models.ForeignKey(
        Region,
        verbose_name="适用区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clock_rules",
        help_text="空 = 全国；否则适用于该区域及其下级",
    )
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True, help_text="含当日")
    issuing_authority = models.CharField("制定机关", max_length=200)
    source_document = models.CharField("依据文件", max_length=300)
    source_article = models.CharField("条款", max_length=200, blank=True)
    source_grade = models.CharField(
        "来源等级", max_length=1, choices=SourceGrade.choices, default=SourceGrade.VERIFIED
    )
    rule_number = models.PositiveSmallIntegerField(
        "规则编号（domain-rules §10）", null=True, blank=True
    )
    is_statutory = models.BooleanField("法定时限", default=False)
    version = models.PositiveIntegerField("版本", default=1)
    notes = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "时限规则"
        verbose_name_plural = "时限规则"
        ordering = ["code", "region_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region", "category", "version"], name="clock_rule_version_unique"
            ),
            models.UniqueConstraint(
                fields=["code", "category", "version"],
                condition=Q(region__isnull=True),
                name="clock_rule_national_version_unique",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="clock_rule_effective_range",
            ),
            models.CheckConstraint(
                condition=Q(kind=RuleKind.LIMIT, extends_code="")
                | (Q(kind=RuleKind.EXTENSION) & ~Q(extends_code="")),
                name="clock_rule_extension_target",
            ),
        ]
        indexes = [models.Index(fields=["code", "effective_from"])]

    def __str__(self) -> str:
        scope = self.region.name if self.region_id and self.region else "全国"
        return f"{self.code} v{self.version}（{scope}）"

    @property
    def is_extension(self) -> bool:
        return self.kind == RuleKind.EXTENSION

    def is_effective_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def describe(self) -> str:
        """'15日', '5个工作日', '2小时', '1个月' — for messages and documents."""
        unit = {
            DurationUnit.HOURS: "小时",
            DurationUnit.CALENDAR_DAYS: "日",
            DurationUnit.WORKING_DAYS: "个工作日",
            DurationUnit.MONTHS: "个月",
        }.get(DurationUnit(self.unit), self.unit)
        return f"{self.duration}{unit}"

    @property
    def citation(self) -> str:
        return f"{self.source_document}{self.source_article}"


class CalendarOverride(models.Model):
    """One date whose working status an administrator sets, consulted before the package:
    the State Council's schedule for a year the package does not cover yet, or a correction."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("工作日", help_text="勾选 = 上班（含调休上班）；不勾选 = 放假")
    name = models.CharField("名称", max_length=50, blank=True, help_text="如 元旦、春节、调休上班")
    source_document = models.CharField(
        "依据文件", max_length=300, help_text="如 国务院办公厅关于2027年部分节假日安排的通知"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作日历调整"
        verbose_name_plural = "工作日历调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.name}".strip()


class CalendarYear(models.Model):
    """A year whose official holiday schedule has been entered in full as overrides: its other
    dates follow the weekday rule with certainty, and coverage extends through it."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source_document = models.CharField("依据文件", max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "已录入全年安排的年份"
        verbose_name_plural = "已录入全年安排的年份"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年"
