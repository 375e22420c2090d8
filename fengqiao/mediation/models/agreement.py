"""The 调解协议书 (or oral agreement), the committee's supervision of its performance, and
司法确认 by a court (rules 25 and 26)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fengqiao.cases.models import Case
from fengqiao.core.fields import EncryptedTextField
from fengqiao.mediation.models.dispute import MediationStage
from fengqiao.units.models import Unit


class AgreementForm(models.TextChoices):
    WRITTEN = "written", "书面协议（调解协议书）"
    ORAL = "oral", "口头协议"


class AgreementStatus(models.TextChoices):
    PENDING = "pending", "待签名盖章"
    EFFECTIVE = "effective", "已生效（履行中）"
    PERFORMED = "performed", "已履行"
    UNPERFORMED = "unperformed", "未履行"
    SUPERSEDED = "superseded", "已被新协议取代"


class Agreement(models.Model):
    """The contents of rule 25 (人民调解法 第二十八—三十条; 人民调解工作若干规定 第三十五条):
    parties (the case's), facts, disputed points, responsibility, terms, manner, place and
    deadline of performance, copies. A written agreement takes effect when the parties have
    signed and the mediator signed and the committee sealed it; an oral one on the day it is
    reached. Texts that name people's affairs are encrypted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreements")
    stage = models.ForeignKey(MediationStage, on_delete=models.PROTECT, related_name="agreements")
    org = models.ForeignKey(
        Unit, verbose_name="调解组织", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField("编号", max_length=60)
    form = models.CharField("形式", max_length=8, choices=AgreementForm.choices)
    partial = models.BooleanField("部分达成", default=False)
    reached_at = models.DateTimeField("达成时间")
    effective_at = models.DateTimeField("生效时间", null=True, blank=True)
    facts = EncryptedTextField("纠纷主要事实")
    disputed_points = EncryptedTextField("争议事项")
    responsibility = EncryptedTextField("各方责任", blank=True)
    terms = EncryptedTextField("协议内容（每行一项）")
    performance_manner = models.CharField("履行方式", max_length=300)
    performance_place = models.CharField("履行地点", max_length=200, blank=True)
    performance_deadline = models.DateField("履行期限", null=True, blank=True)
    amount = models.DecimalField(
        "协议金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    copies = models.PositiveSmallIntegerField("份数")
    parties_signed_at = models.DateTimeField("当事人签名时间", null=True, blank=True)
    sealed_at = models.DateTimeField("调解员签名、调解委员会盖章时间", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.PENDING
    )

    class Meta:
        verbose_name = "调解协议"
        verbose_name_plural = "调解协议"
        ordering = ["case_id", "pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def term_list(self) -> list[str]:
        return [line.strip() for line in self.terms.splitlines() if line.strip()]


class PerformanceStatus(models.TextChoices):
    PENDING = "pending", "尚未到期"
    PARTLY = "partly", "部分履行"
    PERFORMED = "performed", "已全部履行"
    REFUSED = "refused", "拒不履行"


class PerformanceCheck(models.Model):
    """One supervision visit of the committee (人民调解法 第三十一条)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField("回访时间")
    status = models.CharField("履行情况", max_length=10, choices=PerformanceStatus.choices)
    note = models.CharField("说明", max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "履行回访"
        verbose_name_plural = "履行回访"
        ordering = ["checked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.get_status_display()}"


class ConfirmationResult(models.TextChoices):
    PENDING = "pending", "审查中"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    CONFIRMED = "confirmed", "确认有效"
    REJECTED = "rejected", "驳回申请"


class JudicialConfirmation(models.Model):
    """司法确认 (人民调解法 第三十三条; 民事诉讼法 第二百零五—二百零六条; 法释〔2011〕5号):
    the parties' joint application and the court's acceptance and decision. Its clocks are
    case timers (judicial_confirmation.apply/accept/decide)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="confirmations")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="confirmations")
    court = models.ForeignKey(
        Unit, verbose_name="人民法院", on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField("申请时间")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    court_case_no = models.CharField("案号（调确字）", max_length=60, blank=True)
    extended = models.BooleanField("经院长批准延长", default=False)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    result = models.CharField(
        "结果",
        max_length=14,
        choices=ConfirmationResult.choices,
        default=ConfirmationResult.PENDING,
    )
    reason = models.CharField("理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "司法确认"
        verbose_name_plural = "司法确认"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"司法确认 {self.case_id}（{self.get_result_display()}）"
