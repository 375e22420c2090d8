"""诉调对接: court referrals, each court's diversion route, and the 繁简分流 inputs (the
provincial average wage per year, and the categories a track excludes)."""

from __future__ import annotations

from django.db import models

from fengqiao.cases.models import Case
from fengqiao.regions.models import Region
from fengqiao.units.models import Category, Unit


class DiversionRoute(models.Model):
    """A court's configured order of diversion (e.g. seed 003: 综治中心 → 审前调解中心 →
    专业化审判团队). A referral goes through the steps until one settles it."""

    court = models.ForeignKey(
        Unit, verbose_name="人民法院", on_delete=models.PROTECT, related_name="diversion_routes"
    )
    name = models.CharField("名称", max_length=100)
    effective_from = models.DateField("启用日期")
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("说明/依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "诉调对接分流路径"
        verbose_name_plural = "诉调对接分流路径"
        ordering = ["court_id", "-effective_from"]

    def __str__(self) -> str:
        return self.name


class DiversionStep(models.Model):
    """One step of a route: the body that receives the referral at that step."""

    route = models.ForeignKey(DiversionRoute, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("环节名称", max_length=60)
    unit = models.ForeignKey(
        Unit, verbose_name="承接组织", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "分流环节"
        verbose_name_plural = "分流环节"
        ordering = ["route_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["route", "order"], name="diversion_step_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class ReferralType(models.TextChoices):
    DELEGATED = "delegated", "委派调解（立案前）"
    ENTRUSTED = "entrusted", "委托调解（立案后）"


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", "普通程序"
    SIMPLIFIED = "simplified", "简易程序"


# The clock of each referral type (法释〔2016〕14号 第二十七条, rule 24), by rule code.
REFERRAL_CLOCKS = {
    (ReferralType.DELEGATED, ""): "court.delegated_mediation",
    (ReferralType.ENTRUSTED, Procedure.ORDINARY): "court.entrusted_mediation_ordinary",
    (ReferralType.ENTRUSTED, Procedure.SIMPLIFIED): "court.entrusted_mediation_simplified",
}


class CourtReferral(models.Model):
    """A dispute a court referred (委派 before filing, 委托 after), with its route and the
    step it is at; results go back to the court through the outbox."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="court_referral")
    court = models.ForeignKey(
        Unit, verbose_name="人民法院", on_delete=models.PROTECT, related_name="+"
    )
    referral_type = models.CharField("类型", max_length=10, choices=ReferralType.choices)
    procedure = models.CharField("审理程序", max_length=10, choices=Procedure.choices, blank=True)
    court_case_no = models.CharField("法院编号/案号", max_length=60, blank=True)
    route = models.ForeignKey(
        DiversionRoute, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    step = models.ForeignKey(
        DiversionStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField("委派/委托时间")
    mediator_signed_at = models.DateTimeField("调解员签收时间（起算）", null=True, blank=True)
    result_sent_at = models.DateTimeField("结果反馈法院时间", null=True, blank=True)

    class Meta:
        verbose_name = "法院委派/委托调解"
        verbose_name_plural = "法院委派/委托调解"

    def __str__(self) -> str:
        return f"{self.get_referral_type_display()} {self.court_case_no}"

    @property
    def clock_code(self) -> str:
        key = (ReferralType(self.referral_type), self.procedure or "")
        if self.referral_type == ReferralType.DELEGATED:
            key = (ReferralType.DELEGATED, "")
        return REFERRAL_CLOCKS[key]


class AverageWage(models.Model):
    """A province's average annual wage of employed persons for one year (就业人员年平均工资),
    with its source: the small-claims ceiling is a percentage of the previous year's figure
    (民事诉讼法 第一百六十五条)."""

    province = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("年平均工资（元）", max_digits=12, decimal_places=2)
    source_document = models.CharField("来源", max_length=300)
    published_on = models.DateField("公布日期", null=True, blank=True)

    class Meta:
        verbose_name = "就业人员年平均工资"
        verbose_name_plural = "就业人员年平均工资"
        ordering = ["province_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="average_wage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}: {self.amount}"


class Track(models.TextChoices):
    SMALL_CLAIMS = "small_claims", "小额诉讼程序"
    SIMPLIFIED = "simplified", "简易程序"
    ORDINARY = "ordinary", "普通程序"


class TrackExclusion(models.Model):
    """A dispute category a track does not suit, with the rule that says so (e.g. 小额诉讼
    excludes 人身关系、财产确权 cases: 民事诉讼法 第一百六十六条)."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    track = models.CharField("程序", max_length=14, choices=Track.choices)
    reason = models.CharField("理由", max_length=200)
    source = models.CharField("依据", max_length=200)

    class Meta:
        verbose_name = "繁简分流排除类别"
        verbose_name_plural = "繁简分流排除类别"
        constraints = [
            models.UniqueConstraint(fields=["category", "track"], name="track_exclusion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category_id} ✗ {self.track}"
