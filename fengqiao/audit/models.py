"""The append-only, SM3 hash-chained audit log (AUD-02, AUD-03, AUD-04).

Rows are only ever inserted, by `fengqiao.audit.actions.record` inside the caller's
transaction. Triggers installed by the migrations refuse UPDATE and DELETE on both databases.
"""

from __future__ import annotations

from django.db import models


class Outcome(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    DENIED = "denied", "拒绝"


class AuditEntry(models.Model):
    """One audited event. `hash = SM3(prev_hash ‖ canonical bytes of this row)`."""

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间（UTC）")
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    actor_role = models.CharField("角色", max_length=40, blank=True)
    actor_region = models.CharField("区划", max_length=15, blank=True)
    ip = models.CharField("来源IP", max_length=45, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    action = models.CharField("事件类型", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    outcome = models.CharField(
        "结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    reason = models.CharField("事由", max_length=200, blank=True)
    data = models.JSONField("详情（已脱敏）", default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """A single row holding the chain head; locking it serialises appends on PostgreSQL."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"head #{self.seq}"
