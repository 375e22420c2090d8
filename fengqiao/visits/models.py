"""走访任务: a visit a grid worker owes to a household or a place in their grid.

An operator (or region administrator) of the grid's area creates it, for the grid or for one
named worker of it, with a due date; a grid worker of that grid records the visit: the result,
an optional GPS point and a note. The household/place text and the note name people's
affairs, so they are encrypted at rest (PII-03).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from fengqiao.cases.models import Case
from fengqiao.core.fields import EncryptedTextField
from fengqiao.regions.models import GridWorker, Region


class VisitKind(models.TextChoices):
    KEY_PERSON = "key_person", "重点人员走访"
    KEY_HOUSEHOLD = "key_household", "重点户走访（独居老人、困难家庭等）"
    DISPUTE_FOLLOWUP = "dispute_followup", "矛盾纠纷回访"
    SAFETY = "safety", "安全隐患巡查"
    OTHER = "other", "其他走访"


class VisitStatus(models.TextChoices):
    PENDING = "pending", "待走访"
    DONE = "done", "已走访"


class VisitResult(models.TextChoices):
    MET = "met", "已见面，情况正常"
    ISSUE = "issue", "已见面，发现问题"
    ABSENT = "absent", "未遇到，需再次走访"


class VisitTask(models.Model):
    """One visit owed by a grid (or one worker of it) by a date, and, once made, its record."""

    grid = models.ForeignKey(
        Region, verbose_name="网格", on_delete=models.PROTECT, related_name="visit_tasks"
    )
    worker = models.ForeignKey(
        GridWorker,
        verbose_name="指定网格员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visit_tasks",
    )
    kind = models.CharField("走访类型", max_length=20, choices=VisitKind.choices)
    target = EncryptedTextField("走访对象（户或场所）")
    instructions = models.CharField("任务说明", max_length=300, blank=True)
    due_on = models.DateField("走访期限")
    case = models.ForeignKey(
        Case,
        verbose_name="相关事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit_tasks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    status = models.CharField(
        "状态", max_length=10, choices=VisitStatus.choices, default=VisitStatus.PENDING
    )
    result = models.CharField("走访结果", max_length=10, choices=VisitResult.choices, blank=True)
    note = EncryptedTextField("走访情况", blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    visited_at = models.DateTimeField("走访时间", null=True, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "走访任务"
        verbose_name_plural = "走访任务"
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["grid", "status", "due_on"], name="visit_grid_open_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == VisitStatus.PENDING

    def is_overdue(self, today: dt.date) -> bool:
        """Still owed after its due date (the due date itself is in time)."""
        return self.is_pending and today > self.due_on
