"""Building blocks shared by the dispute and petition kinds.

- `CaseTimer`: one statutory clock running on a case. A dispute or petition has several at
  once (the petitioner's 30-day window for 复查 runs while nothing is owed by the organ; the
  司法确认 application window runs beside performance supervision), so one `Case.due_at` is not
  enough. Each timer pins the `fengqiao.rules.ClockRule` version it started under, keeps its
  pauses and extensions, and is recomputed only on an event. A *primary* timer is an
  obligation of the officials and drives `Case.due_at` (so the engine's overdue flag and
  supervision steps apply to it).
- `StatutoryNumber`: a statutory number that is not a time limit (at most 5 visit
  representatives; the small-claims ceiling of 50 % of the provincial average wage), kept as
  versioned data with its source, never as a literal in code.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from fengqiao.cases.models import Case
from fengqiao.regions.models import Region
from fengqiao.rules.models import ClockRule, SourceGrade


class CaseTimer(models.Model):
    """One statutory clock on a case: started by an action, stopped by another, paused for a
    hearing, extended with approval, marked overdue once by the sweep. `met` records whether
    it was stopped in time — the input of "未按期告知/未按期办结" statistics."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timers")
    code = models.CharField("规则代码", max_length=64)
    name = models.CharField("时限名称", max_length=200)
    rule = models.ForeignKey(ClockRule, on_delete=models.PROTECT, related_name="+")
    rule_version = models.PositiveIntegerField("规则版本")
    basis = models.CharField("依据", max_length=300)
    primary = models.BooleanField("办理机关的时限（驱动事项办理时限）", default=False)
    context = models.CharField("环节", max_length=64, blank=True)
    started_at = models.DateTimeField("起算时间")
    due_at = models.DateTimeField("届满时间")
    uncertain = models.BooleanField("工作日历待核实", default=False)
    warnings = models.JSONField("提示", default=list, blank=True)
    pauses = models.JSONField("暂停（不计入期限）", default=list, blank=True)
    extensions = models.JSONField("延长", default=list, blank=True)
    paused_at = models.DateTimeField("暂停于", null=True, blank=True)
    stopped_at = models.DateTimeField("停止于", null=True, blank=True)
    stop_reason = models.CharField("停止原因", max_length=200, blank=True)
    met = models.BooleanField("按期完成", null=True, blank=True)
    overdue_at = models.DateTimeField("超期标记于", null=True, blank=True)

    class Meta:
        verbose_name = "法定时限计时"
        verbose_name_plural = "法定时限计时"
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "code"],
                condition=Q(stopped_at__isnull=True),
                name="one_running_timer_per_code",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(stopped_at__isnull=True, overdue_at__isnull=True),
                name="timer_running_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.code} → {self.due_at:%Y-%m-%d}"

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    def is_overdue(self, now: dt.datetime) -> bool:
        """Stopped after the due instant, or running (not paused) past it."""
        if self.stopped_at is not None:
            return self.stopped_at > self.due_at
        return self.paused_at is None and now > self.due_at


class StatutoryNumber(models.Model):
    """A non-time statutory number, versioned and region-scoped like `ClockRule`."""

    code = models.CharField("代码", max_length=64, db_index=True)
    name = models.CharField("名称", max_length=200)
    value = models.DecimalField("数值", max_digits=12, decimal_places=2)
    unit = models.CharField("单位", max_length=20, help_text="如 人、%")
    region = models.ForeignKey(
        Region,
        verbose_name="适用区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空 = 全国",
    )
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    issuing_authority = models.CharField("制定机关", max_length=200)
    source_document = models.CharField("依据文件", max_length=300)
    source_article = models.CharField("条款", max_length=200, blank=True)
    source_grade = models.CharField(
        "来源等级", max_length=1, choices=SourceGrade.choices, default=SourceGrade.VERIFIED
    )
    rule_number = models.PositiveSmallIntegerField("规则编号（domain-rules §10）", null=True)
    version = models.PositiveIntegerField("版本", default=1)
    notes = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "法定数值"
        verbose_name_plural = "法定数值"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region", "version"], name="statutory_number_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}：{self.value.normalize()}{self.unit}"

    @property
    def citation(self) -> str:
        return f"《{self.source_document}》{self.source_article}"
