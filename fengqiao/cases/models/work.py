"""Who works on a case (assignments, extension requests) and what happened (the timeline)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fengqiao.cases.models.case import Case
from fengqiao.units.models import Unit


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "主办"
    CO = "co", "协办"


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", "待签收"
    SIGNED = "signed", "已签收"
    OBJECTED = "objected", "异议待审核"
    REPLIED = "replied", "已反馈"
    WITHDRAWN = "withdrawn", "已撤回（改派）"


# Assignments that still bind their unit to the case (and grant it access).
ACTIVE_ASSIGNMENT = (
    AssignmentStatus.PENDING,
    AssignmentStatus.SIGNED,
    AssignmentStatus.OBJECTED,
    AssignmentStatus.REPLIED,
)


class Assignment(models.Model):
    """A unit's part in a case: 主办 (one active per case) or 协办, each with its own task,
    deadline, sign-for and reply (中心吹哨、部门报到). `objection_locked` is set when an
    objection was ruled against the unit: it may not return the case again (rule 11)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="case_assignments")
    role = models.CharField("角色", max_length=4, choices=AssignmentRole.choices)
    task = models.CharField("任务", max_length=500, blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PENDING,
    )
    due_at = models.DateTimeField("办理时限", null=True, blank=True)
    due_basis = models.CharField("时限依据", max_length=200, blank=True)
    assigned_at = models.DateTimeField("派单时间", auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField("反馈时间", null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply = models.TextField("办理结果/反馈", blank=True)
    reply_resolved = models.BooleanField("反馈称已解决", null=True, blank=True)
    objection_reason = models.CharField("异议理由", max_length=500, blank=True)
    objection_locked = models.BooleanField("异议已裁定维持，不得再退", default=False)

    class Meta:
        verbose_name = "派单（主办/协办）"
        verbose_name_plural = "派单（主办/协办）"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(role="lead", status__in=["pending", "signed", "objected", "replied"]),
                name="one_active_lead_per_case",
            ),
            models.UniqueConstraint(
                fields=["case", "unit"],
                condition=Q(status__in=["pending", "signed", "objected", "replied"]),
                name="one_active_assignment_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.unit_id} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "已驳回"


class ExtensionRequest(models.Model):
    """延期申请: the lead unit asks, with a reason that is also told to the citizen (Beijing
    条例 第十五条); the centre approves with the new deadline or refuses."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("延期理由", max_length=500)
    requested_due_at = models.DateTimeField("申请延至", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    previous_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"延期申请 #{self.pk}（{self.get_status_display()}）"


class CaseTransition(models.Model):
    """One row per action on a case: the timeline, the input of reports and alerts
    (style-anchors §3 example 4). `from_status == to_status` for actions that do not move
    the case (a co-unit signing, the sweep marking it overdue)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("操作", max_length=40)
    from_status = models.CharField("原状态", max_length=40)
    to_status = models.CharField("新状态", max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    reason = models.CharField("说明", max_length=500, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "流转记录"
        verbose_name_plural = "流转记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"]), models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status} ({self.action})"
