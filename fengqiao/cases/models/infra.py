"""Plumbing around cases: attachments, idempotency keys, the in-app inbox, receipt counters and
the sweep's thresholds (supervision and escalation rules, kept as data with their source). The
outbox itself is a platform model: `fengqiao.core.models.Outbox`."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fengqiao.cases.models.case import Case, RiskColour, SupervisionLevel
from fengqiao.cases.workflow import Kind
from fengqiao.core.fields import EncryptedTextField
from fengqiao.regions.models import Level


class Attachment(models.Model):
    """A file on a case. Stored under DATA_DIR with a random name (never under a web root),
    typed by its magic bytes, served only through the authorised download view (WEB-05)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=60)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["pk"]
        constraints = [
            # A re-sent upload after a lost connection links the same file once (REL-06).
            models.UniqueConstraint(fields=["case", "sha256"], name="attachment_once_per_case")
        ]

    def __str__(self) -> str:
        return self.original_name


class KeyState(models.TextChoices):
    IN_FLIGHT = "in_flight", "处理中"
    DONE = "done", "已完成"


class IdempotencyKey(models.Model):
    """REL-03: one row per (scope, endpoint, key). `scope` is `user:<id>` or `anon:<ip>`;
    `fingerprint` is the SHA-256 of the canonical payload. The stored response is encrypted
    because a citizen's response carries the tracking code."""

    key = models.UUIDField()
    scope = models.CharField(max_length=80)
    endpoint = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=KeyState.choices, default=KeyState.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = EncryptedTextField(blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "幂等键"
        verbose_name_plural = "幂等键"
        constraints = [
            models.UniqueConstraint(fields=["scope", "endpoint", "key"], name="idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key} ({self.state})"


class Notification(models.Model):
    """What the database delivery backend writes: an inbox row per outbox message
    (`fengqiao.core.models.Outbox`, not a foreign key: the outbox may be pruned). The unique
    `outbox_id` is the consumer-side dedupe, so a redelivery never makes a second row."""

    outbox_id = models.UUIDField(unique=True)
    topic = models.CharField(max_length=60)
    recipient = models.CharField(max_length=80, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.topic} → {self.recipient}"


class ReceiptCounter(models.Model):
    """The daily sequence behind receipt numbers, one row per prefix and day."""

    key = models.CharField(max_length=20, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "受理编号计数器"
        verbose_name_plural = "受理编号计数器"

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class DurationUnit(models.TextChoices):
    HOURS = "hours", "小时"
    CALENDAR_DAYS = "calendar_days", "自然日"
    WORKING_DAYS = "working_days", "工作日"


class SupervisionRule(models.Model):
    """Rule 15 as data: how long past its deadline a case is stepped up to each level.
    A blank `kind` applies to every kind; a kind-specific row wins over the blank one."""

    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    level = models.PositiveSmallIntegerField(choices=SupervisionLevel.choices)
    overdue_by = models.PositiveIntegerField("超期达到")
    unit = models.CharField(max_length=16, choices=DurationUnit.choices)
    source = models.CharField("依据", max_length=300)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "督办升级规则"
        verbose_name_plural = "督办升级规则"
        ordering = ["kind", "level"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "level"], name="supervision_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：超期 {self.overdue_by} {self.get_unit_display()}"


class EscalationRule(models.Model):
    """When the sweep lifts an open case's supervision to a higher region level: a red risk
    colour (rule 8: report at once) or a supervision level reached (rule 15)."""

    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    risk_colour = models.CharField(max_length=6, choices=RiskColour.choices, blank=True)
    min_supervision_level = models.PositiveSmallIntegerField(
        choices=SupervisionLevel.choices, null=True, blank=True
    )
    target_level = models.PositiveSmallIntegerField("提级至", choices=Level.choices)
    source = models.CharField("依据", max_length=300)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "提级规则"
        verbose_name_plural = "提级规则"
        ordering = ["target_level"]

    def __str__(self) -> str:
        return f"提级至{self.get_target_level_display()}"
