"""The 信访事项 side of a petition case (信访工作条例, 2022): its channel, type and route, the
matter it belongs to (so the same matter is recognised across submissions and levels), the
notices given to the petitioner, the written decisions, and 复查/复核 requests with hearings.
Clocks are `procedures.CaseTimer` rows with the rule codes petition.* (rules 17–20)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fengqiao.cases.models import Case, Channel
from fengqiao.core.fields import EncryptedTextField
from fengqiao.regions.models import Region
from fengqiao.units.models import Unit, UnitType


class PetitionChannel(models.TextChoices):
    """第十七条: the five channels."""

    ONLINE = "online", "信息网络"
    LETTER = "letter", "书信"
    PHONE = "phone", "电话"
    FAX = "fax", "传真"
    VISIT = "visit", "走访"


# The engine's channel for each (phone and fax have no petition-specific channel there).
CASE_CHANNEL = {
    PetitionChannel.ONLINE: Channel.ONLINE_PETITION,
    PetitionChannel.LETTER: Channel.LETTER,
    PetitionChannel.PHONE: Channel.OTHER,
    PetitionChannel.FAX: Channel.OTHER,
    PetitionChannel.VISIT: Channel.PETITION_VISIT,
}


class PetitionType(models.TextChoices):
    """第二十九—三十一条: the three types."""

    SUGGESTION = "suggestion", "建议意见类"
    ACCUSATION = "accusation", "检举控告类"
    CLAIM = "claim", "申诉求决类"


class ClaimRoute(models.TextChoices):
    """第三十一条: the six ways a 申诉求决类 item is handled."""

    LITIGATION = "litigation", "（一）诉讼、复议、检察、公安等法律程序"
    ARBITRATION = "arbitration", "（二）仲裁"
    PARTY_APPEAL = "party_appeal", "（三）党员申诉、申请复审"
    ADMINISTRATIVE = "administrative", "（四）行政复议、裁决、确认、许可、处罚等行政程序"
    DUTY = "duty", "（五）申请查处违法行为、履行保护职责"
    INVESTIGATE = "investigate", "（六）调查核实·出具信访处理意见书"


# Routes (1)–(4) lead the item into another procedure (导入相应程序); (5) and (6) end with a
# written reply or decision.
REDIRECT_ROUTES = frozenset(
    {
        ClaimRoute.LITIGATION,
        ClaimRoute.ARBITRATION,
        ClaimRoute.PARTY_APPEAL,
        ClaimRoute.ADMINISTRATIVE,
    }
)

# 诉访分离 (第二十二、二十八条): who may receive an item of each kind.
POLITICAL_LEGAL_UNITS = frozenset(
    {UnitType.COURT, UnitType.PROCURATORATE, UnitType.POLICE, UnitType.JUSTICE}
)
DISCIPLINE_UNITS = frozenset({UnitType.DISCIPLINE})


class RoutingMode(models.TextChoices):
    TRANSFER = "transfer", "转送"
    ASSIGN = "assign", "交办"


class MatterStage(models.TextChoices):
    OPEN = "open", "受理办理中"
    DECIDED = "decided", "已出具处理意见"
    REVIEWED = "reviewed", "已复查"
    FINAL = "final", "已复核（终结）"
    CLOSED = "closed", "已办结"


class Matter(models.Model):
    """One 信访事项 across submissions: the same petitioner on the same subject. `key` is a
    keyed hash (petitioner's ID number or phone blind index + category + unit complained
    about); staff may also link a submission to a matter explicitly. `handling_region` is the
    region of the organ handling it now (第十九条: not accepted higher up meanwhile)."""

    key = models.CharField(max_length=64, blank=True, db_index=True)
    stage = models.CharField(max_length=10, choices=MatterStage.choices, default=MatterStage.OPEN)
    handling_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "信访事项（同一事项）"
        verbose_name_plural = "信访事项（同一事项）"

    def __str__(self) -> str:
        return f"事项 #{self.pk}（{self.get_stage_display()}）"


class Petition(models.Model):
    """The petition record of a case: channel, type, route, routing, acceptance and the
    statistics fields of the annual report (第四十一条)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="petition")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="petitions")
    channel = models.CharField("信访形式", max_length=8, choices=PetitionChannel.choices)
    petition_type = models.CharField(
        "类别", max_length=12, choices=PetitionType.choices, blank=True
    )
    route = models.CharField("办理方式", max_length=16, choices=ClaimRoute.choices, blank=True)
    litigation_related = models.BooleanField("涉法涉诉", default=False)
    received_by = models.ForeignKey(
        Unit,
        verbose_name="登记机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    about_unit = models.ForeignKey(
        Unit,
        verbose_name="涉及/被反映单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="统计“被反映较多的单位”（第四十一条）；检举控告类同时作为被检举单位（AC-10）",
    )
    is_group = models.BooleanField("集体访", default=False)
    routing_mode = models.CharField(
        "转送/交办", max_length=10, choices=RoutingMode.choices, blank=True
    )
    routed_at = models.DateTimeField("转送/交办时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    refusal_reason = models.CharField("不予受理/不再受理理由", max_length=500, blank=True)
    redirected_to = models.CharField("导入的程序", max_length=200, blank=True)
    extended = models.BooleanField("已延期", default=False)

    class Meta:
        verbose_name = "信访事项办理"
        verbose_name_plural = "信访事项办理"

    def __str__(self) -> str:
        return f"信访 {self.case.receipt_no}"


class NoticeKind(models.TextChoices):
    ACCEPTANCE = "acceptance", "受理告知"
    NON_ACCEPTANCE = "non_acceptance", "不予受理告知"
    ROUTING = "routing", "转送/交办告知"
    EXTENSION = "extension", "延期告知"
    REDIRECT = "redirect", "告知通过法定途径"
    REVIEW_ACCEPTED = "review_accepted", "复查/复核申请已收到"


class NoticeMode(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", "当场告知"
    WRITTEN = "written", "书面告知"


class Notice(models.Model):
    """A notice to the petitioner; each is a key date the query code shows (第二十三条; the
    online-handling rules: 受理、不予受理、延期 notices are public to the petitioner)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="petition_notices")
    kind = models.CharField("类型", max_length=16, choices=NoticeKind.choices)
    mode = models.CharField("方式", max_length=12, choices=NoticeMode.choices)
    sent_at = models.DateTimeField("告知时间")
    content = models.CharField("内容", max_length=1000)
    sent_by = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "告知记录"
        verbose_name_plural = "告知记录"
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class DecisionLevel(models.TextChoices):
    HANDLING = "handling", "信访处理意见"
    REVIEW = "review", "复查意见"
    RECHECK = "recheck", "复核意见"


class DecisionOutcome(models.TextChoices):
    """第三十二条."""

    SUPPORT = "support", "支持"
    EXPLAIN = "explain", "解释说明"
    REJECT = "reject", "不予支持"


class Decision(models.Model):
    """A written 信访处理意见书 / 复查意见书 / 复核意见书 (第三十二、三十五、三十六条): the request,
    the facts and reasons, the outcome and its basis. Texts are encrypted (they narrate the
    petitioner's affairs)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="petition_decisions")
    level = models.CharField("层级", max_length=8, choices=DecisionLevel.choices)
    organ = models.ForeignKey(
        Unit, verbose_name="出具机关", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField("文号", max_length=60)
    outcome = models.CharField("处理意见", max_length=8, choices=DecisionOutcome.choices)
    request = EncryptedTextField("信访请求")
    facts = EncryptedTextField("调查核实的事实")
    reasons = EncryptedTextField("理由")
    basis = models.JSONField("依据", default=list)
    decided_at = models.DateTimeField("出具时间")
    delivered_at = models.DateTimeField("送达时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "信访处理（复查、复核）意见"
        verbose_name_plural = "信访处理（复查、复核）意见"
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return self.number


class ReviewRequest(models.Model):
    """A 复查 or 复核 request to the next level up, with the reviewing organ (第三十五—三十六条)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="petition_reviews")
    level = models.CharField("层级", max_length=8, choices=DecisionLevel.choices)
    requested_at = models.DateTimeField("请求时间")
    reviewing_unit = models.ForeignKey(
        Unit, verbose_name="复查/复核机关", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("请求理由", max_length=1000)
    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="review_request"
    )

    class Meta:
        verbose_name = "复查/复核请求"
        verbose_name_plural = "复查/复核请求"
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_level_display()}请求"


class Hearing(models.Model):
    """听证 during 复查/复核: its time is not counted in the answer's limit (the timer pauses)."""

    review = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="hearings")
    started_at = models.DateTimeField("开始")
    ended_at = models.DateTimeField("结束", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "听证"
        verbose_name_plural = "听证"
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"听证 {self.review_id}"


class RecommendationKind(models.TextChoices):
    """The recommendations a 信访部门 makes from the items it handles (第三十九、四十、四十一条):
    improving work, improving policy, holding people to account."""

    IMPROVE_WORK = "improve_work", "改进工作建议"
    IMPROVE_POLICY = "improve_policy", "完善政策建议"
    ACCOUNTABILITY = "accountability", "追究责任建议"


class Recommendation(models.Model):
    """A recommendation made from a petition item to a unit, and whether the unit adopted it
    (第四十一条: the annual report states the recommendations made and their adoption).
    `adopted` stays None until the unit's answer is recorded. The text may narrate the
    petitioner's affairs, so it is encrypted; statistics read only the kind, dates and the
    answer."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="petition_recommendations"
    )
    kind = models.CharField("建议类型", max_length=16, choices=RecommendationKind.choices)
    issuer = models.ForeignKey(
        Unit, verbose_name="提出建议的机关", on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name="建议对象", on_delete=models.PROTECT, related_name="+"
    )
    content = EncryptedTextField("建议内容")
    made_at = models.DateTimeField("提出时间")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted = models.BooleanField("是否采纳", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answer = EncryptedTextField("答复情况", blank=True)

    class Meta:
        verbose_name = "信访工作建议"
        verbose_name_plural = "信访工作建议"
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
