"""Rollup tables (derived, never edited by hand), the per-case fact ledger behind them, the
sync queue, settings as data, and scheduled report packs.

The rollups hold counts only — no names, phones, addresses or free text — so nothing read
from them can carry personal information (AC-06). Region, unit and category columns are
plain integers (not foreign keys): a rollup row records the area chain *as it was* when the
case was registered, and must survive later changes to the territory (docs/reports.md §2).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fengqiao.regions.models import Region

# Every measure column, in table order. measures.py says what each one counts and on which
# date it is placed; indicators.py combines them. The amount is the only decimal one.
COUNT_MEASURES: tuple[str, ...] = (
    # received basis (cohort of the month the case was received, as of now)
    "received",
    "merged",
    "repeat",
    "resolved",
    "open_now",
    "overdue",
    "supervised",
    "dispatched",
    "responded",
    "reworked",
    # finished basis (month of the final closure)
    "closed",
    "ended_other",
    "closed_due",
    "closed_on_time",
    "closed_direct",
    "closed_dispatched",
    "resolved_known",
    "closed_resolved",
    "callbacks",
    "rated",
    "satisfied",
    # provider basis (mediation and petition records; month of their own date)
    "mediated",
    "mediation_success",
    "prevented_criminal",
    "prevented_criminal_people",
    "prevented_group",
    "prevented_group_people",
    "routed_transfer",
    "routed_assign",
    "recommendations",
    "recommendations_adopted",
)
AMOUNT_MEASURES: tuple[str, ...] = ("agreement_amount",)
MEASURES: tuple[str, ...] = COUNT_MEASURES + AMOUNT_MEASURES


class Measures(models.Model):
    """The measure columns shared by every rollup table (see measures.py)."""

    received = models.IntegerField("受理", default=0)
    merged = models.IntegerField("并单", default=0)
    repeat = models.IntegerField("重复诉求标记", default=0)
    resolved = models.IntegerField("已化解（受理口径）", default=0)
    open_now = models.IntegerField("未结", default=0)
    overdue = models.IntegerField("超期", default=0)
    supervised = models.IntegerField("督办", default=0)
    dispatched = models.IntegerField("派单", default=0)
    responded = models.IntegerField("按时响应", default=0)
    reworked = models.IntegerField("退回重办", default=0)
    closed = models.IntegerField("办结", default=0)
    ended_other = models.IntegerField("其他方式终结", default=0)
    closed_due = models.IntegerField("办结（有时限）", default=0)
    closed_on_time = models.IntegerField("按期办结", default=0)
    closed_direct = models.IntegerField("直接办结", default=0)
    closed_dispatched = models.IntegerField("派单后办结", default=0)
    resolved_known = models.IntegerField("办结（解决情况已知）", default=0)
    closed_resolved = models.IntegerField("办结且已解决", default=0)
    callbacks = models.IntegerField("已回访", default=0)
    rated = models.IntegerField("已评价", default=0)
    satisfied = models.IntegerField("满意/基本满意", default=0)
    mediated = models.IntegerField("调解结案", default=0)
    mediation_success = models.IntegerField("调解成功", default=0)
    prevented_criminal = models.IntegerField("防止民转刑（件）", default=0)
    prevented_criminal_people = models.IntegerField("防止民转刑（人）", default=0)
    prevented_group = models.IntegerField("防止群体性上访（件）", default=0)
    prevented_group_people = models.IntegerField("防止群体性上访（人）", default=0)
    routed_transfer = models.IntegerField("转送", default=0)
    routed_assign = models.IntegerField("交办", default=0)
    recommendations = models.IntegerField("提出建议", default=0)
    recommendations_adopted = models.IntegerField("建议被采纳", default=0)
    agreement_amount = models.DecimalField(
        "协议金额（元）", max_digits=18, decimal_places=2, default=0
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} #{self.pk}"


class AreaMonth(Measures):
    """One area node × month × kind × top-level category. A case adds to one row per node of
    its area chain (province … grid), so a drill-down reads only the children's rows."""

    region = models.IntegerField("区划")
    parent = models.IntegerField("上级区划（登记时）", default=0)
    level = models.PositiveSmallIntegerField("层级")
    month = models.DateField("月份")
    kind = models.CharField("事项类型", max_length=20)
    category = models.IntegerField("一级分类", default=0)

    class Meta:
        verbose_name = "区划月度汇总"
        verbose_name_plural = "区划月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "parent", "month", "kind", "category"], name="areamonth_key"
            )
        ]
        indexes = [models.Index(fields=["parent", "month"], name="areamonth_parent")]


class AreaDay(Measures):
    """Province, city and county nodes × day × kind: weeks and arbitrary date ranges."""

    region = models.IntegerField("区划")
    parent = models.IntegerField("上级区划（登记时）", default=0)
    level = models.PositiveSmallIntegerField("层级")
    day = models.DateField("日期")
    kind = models.CharField("事项类型", max_length=20)

    class Meta:
        verbose_name = "区划日汇总"
        verbose_name_plural = "区划日汇总"
        constraints = [
            models.UniqueConstraint(fields=["region", "parent", "day", "kind"], name="areaday_key")
        ]
        indexes = [models.Index(fields=["parent", "day"], name="areaday_parent")]


class SourceMonth(Measures):
    """Province … township nodes × month × kind × source (channel, or the mediation record's
    intake source): the 来源 and 渠道 columns of the standard tables."""

    region = models.IntegerField("区划")
    parent = models.IntegerField("上级区划（登记时）", default=0)
    level = models.PositiveSmallIntegerField("层级")
    month = models.DateField("月份")
    kind = models.CharField("事项类型", max_length=20)
    source = models.CharField("来源", max_length=40)

    class Meta:
        verbose_name = "来源月度汇总"
        verbose_name_plural = "来源月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "parent", "month", "kind", "source"], name="sourcemonth_key"
            )
        ]


class UnitRelation(models.TextChoices):
    LEAD = "lead", "主办单位"
    RESPONDENT = "respondent", "被反映单位"


class UnitMonth(Measures):
    """Unit × relation (lead unit, unit complained about) × area node (province … township)
    × month × kind: the by-unit tables and rankings, inside any area."""

    unit = models.IntegerField("单位")
    relation = models.CharField("关系", max_length=10, choices=UnitRelation.choices)
    region = models.IntegerField("区划")
    level = models.PositiveSmallIntegerField("层级")
    month = models.DateField("月份")
    kind = models.CharField("事项类型", max_length=20)

    class Meta:
        verbose_name = "单位月度汇总"
        verbose_name_plural = "单位月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "relation", "region", "month", "kind"], name="unitmonth_key"
            )
        ]
        indexes = [models.Index(fields=["region", "month"], name="unitmonth_region")]


class CaseFact(models.Model):
    """What one case currently contributes to the rollups: its facts as last counted. A sync
    recomputes the facts from the raw tables and applies only the difference, so applying
    the same state twice changes nothing. `a1`…`a6` are the area chain (region ids from the
    province down) recorded when the case was first counted: the area at the time of the
    event, kept when the territory changes later."""

    case_id = models.BigIntegerField("事项", primary_key=True)
    counted = models.BooleanField("已计入", default=False)
    a1 = models.IntegerField(default=0)
    a2 = models.IntegerField(default=0)
    a3 = models.IntegerField(default=0)
    a4 = models.IntegerField(default=0)
    a5 = models.IntegerField(default=0)
    a6 = models.IntegerField(default=0)
    kind = models.CharField(max_length=20, blank=True)
    category = models.IntegerField(default=0)
    source = models.CharField(max_length=40, blank=True)
    received_on = models.DateField(null=True, blank=True)
    merged = models.BooleanField(default=False)
    repeat = models.BooleanField(default=False)
    is_open = models.BooleanField(default=False)
    finished_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    due = models.BooleanField(default=False)
    on_time = models.BooleanField(default=False)
    direct = models.BooleanField(default=False)
    dispatched = models.BooleanField(default=False)
    responded = models.BooleanField(default=False)
    reworked = models.BooleanField(default=False)
    overdue = models.BooleanField(default=False)
    supervised = models.BooleanField(default=False)
    resolved = models.BooleanField(null=True, blank=True)
    callback = models.BooleanField(default=False)
    rating = models.CharField(max_length=4, blank=True)
    lead_unit = models.IntegerField(default=0)
    respondent_unit = models.IntegerField(default=0)
    extra_on = models.DateField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "事项统计口径"
        verbose_name_plural = "事项统计口径"

    def __str__(self) -> str:
        return f"case {self.case_id}"


class SyncQueue(models.Model):
    """A case whose facts may have changed: written by the timeline hook in the action's own
    transaction, consumed after commit (or by the sweep)."""

    case_id = models.BigIntegerField(db_index=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "统计待同步"
        verbose_name_plural = "统计待同步"

    def __str__(self) -> str:
        return f"sync {self.case_id}"


class RollupState(models.Model):
    """A single row: the lock a rebuild holds exclusively and every sync holds shared, and
    when the rollups were last rebuilt."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    cases = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "汇总状态"
        verbose_name_plural = "汇总状态"

    def __str__(self) -> str:
        return f"rebuilt {self.rebuilt_at}"


class ReportSetting(models.Model):
    """A number the statistics use, as data with its source (house rule: no bare literals):
    the response window of 响应率, the minimum sample of a ranking, …"""

    key = models.CharField("键", max_length=60, unique=True)
    value = models.JSONField("取值")
    label = models.CharField("名称", max_length=100)
    source = models.CharField("依据", max_length=300)

    class Meta:
        verbose_name = "统计参数"
        verbose_name_plural = "统计参数"
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.label}={self.value}"


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "月报"
    WEEKLY = "weekly", "周报"


class ReportSchedule(models.Model):
    """A standing order for a report pack of one area: monthly or weekly, generated by the
    sweep for each finished period, readable by users holding one of `audience_roles` with a
    view scope covering `region`."""

    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT)
    cadence = models.CharField("周期", max_length=10, choices=Cadence.choices)
    tables = models.JSONField("报表", default=list, blank=True)
    audience_roles = models.JSONField("可阅读角色", default=list)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "定期报表"
        verbose_name_plural = "定期报表"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "cadence"], condition=Q(is_active=True), name="one_schedule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.name}{self.get_cadence_display()}"


class ReportPack(models.Model):
    """One generated pack (bulletin .docx/.pdf, tables .xlsx, number traces .json) kept under
    DATA_DIR/report-packs for download by the schedule's audience."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.PROTECT, related_name="packs")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT)
    period = models.CharField("统计期", max_length=30)
    period_label = models.CharField("统计期（中文）", max_length=40)
    files = models.JSONField("文件", default=list)
    generated_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "报表包"
        verbose_name_plural = "报表包"
        ordering = ["-generated_at"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "period"], name="one_pack_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.period_label}"
