"""A dispute's mediation record beside its `cases.Case`: the statistics fields (rule 27), the
stages it went through (one per body: 三调联动 hand-offs and court diversion steps), the
mediators, invited participants and sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fengqiao.cases.models import Case, Party
from fengqiao.core.fields import EncryptedTextField
from fengqiao.mediation.models.orgs import MediationRoom, MediationType, Mediator
from fengqiao.units.models import Unit


class IntakeSource(models.TextChoices):
    """来源 (rule 27): 主动调解 / 申请调解 / 接受委托移送调解, the last split by who referred it."""

    INITIATIVE = "initiative", "主动调解"
    APPLICATION = "application", "申请调解"
    COURT = "court", "法院委派/委托调解"
    POLICE = "police", "公安机关移送"
    PETITION = "petition", "信访部门移送"
    OTHER_REFERRAL = "other_referral", "其他部门移送"


REFERRED_SOURCES = frozenset(
    {IntakeSource.COURT, IntakeSource.POLICE, IntakeSource.PETITION, IntakeSource.OTHER_REFERRAL}
)


class Outcome(models.TextChoices):
    SUCCESS = "success", "调解成功"
    PARTIAL = "partial", "部分达成协议"
    FAILURE = "failure", "调解不成"


class Dispute(models.Model):
    """The mediation side of a dispute case, every statistics field a standard table needs
    (rule 27: category on the case, source, outcome, agreement amount, 防止民转刑 and
    防止群体性上访 with their head counts) as data, never free text."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="dispute")
    source = models.CharField("来源", max_length=16, choices=IntakeSource.choices)
    referred_by = models.ForeignKey(
        Unit,
        verbose_name="移送/委派单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mediation_type = models.CharField(
        "当前调解类型", max_length=16, choices=MediationType.choices, default=MediationType.PEOPLE
    )
    is_labour = models.BooleanField("劳动争议", default=False)
    is_complex = models.BooleanField("复杂或涉及多部门", default=False)
    outcome = models.CharField("调解结果", max_length=10, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField("结果时间", null=True, blank=True)
    agreement_amount = models.DecimalField(
        "协议金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    criminal_risk = models.BooleanField("有民转刑风险", default=False)
    risk_found_at = models.DateTimeField("发现风险时间", null=True, blank=True)
    police_unit = models.ForeignKey(
        Unit,
        verbose_name="报告的公安机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    police_reported_at = models.DateTimeField("报告公安机关时间", null=True, blank=True)
    prevented_criminal = models.BooleanField("防止民转刑", default=False)
    prevented_criminal_people = models.PositiveIntegerField("防止民转刑（人）", default=0)
    group_risk = models.BooleanField("有群体性上访风险", default=False)
    prevented_group_petition = models.BooleanField("防止群体性上访", default=False)
    prevented_group_petition_people = models.PositiveIntegerField("防止群体性上访（人）", default=0)
    declined_reason = models.CharField("不予调解/终止原因", max_length=500, blank=True)
    routes_told = models.CharField("已告知的其他途径", max_length=300, blank=True)

    class Meta:
        verbose_name = "纠纷调解"
        verbose_name_plural = "纠纷调解"

    def __str__(self) -> str:
        return f"调解 {self.case.receipt_no}"

    @property
    def succeeded(self) -> bool:
        return self.outcome in (Outcome.SUCCESS, Outcome.PARTIAL)


class StageVia(models.TextChoices):
    DISPATCH = "dispatch", "分派"
    REDISPATCH = "redispatch", "退回后改派"
    TRANSFER = "transfer", "三调联动移交"
    DIVERSION = "diversion", "诉调对接分流"
    INITIATIVE = "initiative", "本组织主动受理"
    REMEDIATION = "remediation", "司法确认驳回后重新调解"


HANDOFF_VIAS = frozenset({StageVia.TRANSFER, StageVia.DIVERSION})


class StageOutcome(models.TextChoices):
    SETTLED = "settled", "调解成功"
    PARTIAL = "partial", "部分达成协议"
    FAILED = "failed", "调解不成"
    TRANSFERRED = "transferred", "移交其他组织"
    DECLINED = "declined", "不予调解"
    OBJECTED = "objected", "退回（不属本组织）"


class MediationStage(models.Model):
    """The time a dispute spent with one body. The dispute is counted once (its case); every
    stage reached by a transfer or a diversion step is counted as one hand-off, with the stage
    it came from (provenance)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediation_stages")
    seq = models.PositiveSmallIntegerField("序号")
    org = models.ForeignKey(
        Unit, verbose_name="调解组织", on_delete=models.PROTECT, related_name="+"
    )
    mediation_type = models.CharField("调解类型", max_length=16, choices=MediationType.choices)
    via = models.CharField("来由", max_length=12, choices=StageVia.choices)
    previous = models.ForeignKey(
        "self", verbose_name="上一环节", null=True, blank=True, on_delete=models.PROTECT
    )
    diversion_step = models.ForeignKey(
        "mediation.DiversionStep",
        verbose_name="分流环节",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stages",
    )
    started_at = models.DateTimeField("收到时间")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=12, choices=StageOutcome.choices, blank=True)
    reason = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "调解环节"
        verbose_name_plural = "调解环节"
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="stage_seq_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.org_id}"

    @property
    def is_handoff(self) -> bool:
        """Reached from another body's stage by a transfer or a diversion step (the first
        stage of a court referral is its intake, not a hand-off)."""
        return self.via in HANDOFF_VIAS and self.previous_id is not None


class ChosenBy(models.TextChoices):
    DESIGNATED = "designated", "调解组织指定"
    PARTIES = "parties", "当事人选择"


class MediatorAssignment(models.Model):
    """A mediator on a dispute (人民调解法 第十九条: designated, or chosen by the parties)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediator_assignments")
    stage = models.ForeignKey(MediationStage, on_delete=models.PROTECT, related_name="mediators")
    mediator = models.ForeignKey(Mediator, on_delete=models.PROTECT, related_name="assignments")
    presiding = models.BooleanField("主持调解", default=False)
    chosen_by = models.CharField("产生方式", max_length=12, choices=ChosenBy.choices)
    assigned_at = models.DateTimeField("指派时间", auto_now_add=True)
    released_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "承办调解员"
        verbose_name_plural = "承办调解员"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.case_id} ← {self.mediator_id}"


class InvitedKind(models.TextChoices):
    RELATIVE = "relative", "当事人亲属"
    NEIGHBOUR = "neighbour", "邻里、同事"
    EXPERT = "expert", "专业人员"
    OTHER = "other", "其他社会人士"


class InvitedParticipant(models.Model):
    """Someone invited to help (人民调解法 第二十条: relatives, neighbours, experts), only with
    the parties' consent, which is recorded."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="invited_participants")
    kind = models.CharField("类别", max_length=10, choices=InvitedKind.choices)
    name = EncryptedTextField("姓名")
    note = models.CharField("关系或专长", max_length=100, blank=True)
    consented = models.BooleanField("当事人同意")
    invited_at = models.DateTimeField(auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "邀请参与调解人员"
        verbose_name_plural = "邀请参与调解人员"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class SessionMode(models.TextChoices):
    ON_SITE = "on_site", "现场调解"
    VIDEO = "video", "视频调解"
    PHONE = "phone", "电话调解"


class Session(models.Model):
    """One mediation session with its record (调解记录, 人民调解法 第二十七条) and who attended.
    The record is encrypted at rest: it holds the parties' private affairs."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediation_sessions")
    stage = models.ForeignKey(MediationStage, on_delete=models.PROTECT, related_name="sessions")
    seq = models.PositiveSmallIntegerField("第几次")
    held_at = models.DateTimeField("时间")
    mode = models.CharField("方式", max_length=8, choices=SessionMode.choices)
    room = models.ForeignKey(
        MediationRoom, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    place = models.CharField("地点", max_length=200, blank=True)
    mediators = models.ManyToManyField(Mediator, related_name="sessions")
    parties = models.ManyToManyField(Party, related_name="mediation_sessions", blank=True)
    invited = models.ManyToManyField(InvitedParticipant, related_name="sessions", blank=True)
    record = EncryptedTextField("调解记录")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "调解过程记录"
        verbose_name_plural = "调解过程记录"
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="session_seq_unique")]

    def __str__(self) -> str:
        return f"{self.case_id} 第{self.seq}次调解"
