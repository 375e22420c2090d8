"""The case: one model for every kind of matter, and its parties."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import path_condition, scope_paths
from fengqiao.cases.workflow import Kind, machine_for
from fengqiao.core.fields import EncryptedTextField
from fengqiao.regions.models import Region
from fengqiao.units.models import Category, Unit

if TYPE_CHECKING:
    from fengqiao.cases.models.work import Assignment


class Channel(models.TextChoices):
    """How the matter reached the platform (kept per original after a merge)."""

    HOTLINE_PHONE = "hotline_phone", "12345电话"
    HOTLINE_WEB = "hotline_web", "12345网站/APP/小程序"
    WALK_IN = "walk_in", "窗口来访"
    LETTER = "letter", "来信"
    GRID_PATROL = "grid_patrol", "网格员巡查"
    ONLINE_PETITION = "online_petition", "网上信访"
    PETITION_VISIT = "petition_visit", "信访走访"
    COURT = "court", "法院委派/委托"
    POLICE = "police", "110转办"
    PARTNER = "partner", "外部系统"
    CITIZEN_WEB = "citizen_web", "群众网上提交"
    OTHER = "other", "其他"


class RequestType(models.TextChoices):
    """诉求类型: drives local hotline clocks (domain-rules rule 12 variants)."""

    CONSULT = "consult", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"
    PRAISE = "praise", "表扬"
    OTHER = "other", "其他"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class RiskColour(models.TextChoices):
    """Rule 8 (临海 practice): red — report at once; orange — handle the same day;
    yellow — resolved by the grid worker."""

    NONE = "", "未评估"
    YELLOW = "yellow", "黄色"
    ORANGE = "orange", "橙色"
    RED = "red", "红色"


class Flag(models.TextChoices):
    GROUP = "group", "群体性"
    REPEAT = "repeat", "重复诉求"
    SENSITIVE = "sensitive", "敏感"
    MEDIA = "media", "舆情关注"
    CONFIDENTIAL = "confidential", "来电人要求保密"
    CRIMINAL_RISK = "criminal_risk", "有民转刑风险"
    VULNERABLE = "vulnerable", "涉及特殊群体"


class SupervisionLevel(models.IntegerChoices):
    """Rule 15: 催办 → 督办 → 挂牌督办."""

    NONE = 0, "无"
    URGE = 1, "催办"
    SUPERVISE = 2, "督办"
    LISTED = 3, "挂牌督办"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNREACHABLE = "unreachable", "未联系上"


class CaseQuerySet(models.QuerySet["Case"]):
    """The scoping API for cases (AC-01): nothing lists cases without going through here."""

    def visible_to(self, user: User, *, units: set[int] | None = None) -> CaseQuerySet:
        """Cases in the user's view scope, plus those their unit holds an assignment on. A
        caller that needs the user's `user_unit_ids` itself passes them, to ask once."""
        condition = path_condition(scope_paths(user))
        if units is None:
            units = user_unit_ids(user)
        if units:
            condition |= Q(pk__in=_assigned_case_ids(units))
        return self.filter(condition)

    def workable_by(self, user: User) -> CaseQuerySet:
        """Cases in the user's act scope, plus those their unit holds an active assignment on."""
        condition = path_condition(scope_paths(user, act=True))
        units = user_unit_ids(user, act=True)
        if units:
            condition |= Q(pk__in=_assigned_case_ids(units))
        return self.filter(condition)

    def open(self) -> CaseQuerySet:
        return self.filter(is_open=True)


def _assigned_case_ids(units: set[int]) -> models.QuerySet[Assignment, int]:
    from fengqiao.cases.models.work import ACTIVE_ASSIGNMENT, Assignment

    return Assignment.objects.filter(unit_id__in=units, status__in=ACTIVE_ASSIGNMENT).values_list(
        "case_id", flat=True
    )


def user_unit_ids(user: User, *, act: bool = False) -> set[int]:
    """The units a user works for: their own unit and any unit named on a role assignment."""
    if not user.is_authenticated or not user.is_active:
        return set()
    from fengqiao.accounts.models import BUSINESS_ROLES, RoleAssignment

    units = {user.unit_id} if user.unit_id else set()
    rows = RoleAssignment.objects.filter(
        user=user, unit__isnull=False, role__in=sorted(BUSINESS_ROLES)
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    if act:
        rows = rows.filter(can_act=True)
    units |= {unit_id for unit_id in rows.values_list("unit_id", flat=True) if unit_id}
    return units


class Case(models.Model):
    """One matter — a 12345 order, grid event, dispute, petition or referral — from intake to
    archive. Its status moves only through `fengqiao.cases.actions` (conditional UPDATEs on
    `status` and `version`); `closed_at` and `resolved` are different facts."""

    receipt_no = models.CharField("受理编号", max_length=32, unique=True)
    kind = models.CharField("事项类型", max_length=20, choices=Kind.choices, db_index=True)
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices)
    request_type = models.CharField(
        "诉求类型", max_length=12, choices=RequestType.choices, blank=True
    )
    category = models.ForeignKey(
        Category, verbose_name="事项分类", null=True, blank=True, on_delete=models.PROTECT
    )
    title = models.CharField("标题", max_length=120)
    description = models.TextField("内容")
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="cases"
    )
    grid = models.ForeignKey(
        Region,
        verbose_name="所属网格",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_cases",
    )
    address = models.CharField("发生地址", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    people_count = models.PositiveIntegerField("涉及人数", null=True, blank=True)
    amount = models.DecimalField(
        "涉及金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    urgency = models.CharField(
        "紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    risk_colour = models.CharField(
        "风险等级", max_length=6, choices=RiskColour.choices, blank=True, default=""
    )
    flags = models.JSONField("标记", default=list, blank=True)
    respondent_unit = models.ForeignKey(
        Unit,
        verbose_name="被投诉/被反映单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complained_cases",
    )

    status = models.CharField("状态", max_length=40, db_index=True)
    is_open = models.BooleanField("未结", default=True)
    version = models.PositiveIntegerField("版本", default=1)
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name="当前主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cases",
    )
    first_unit = models.ForeignKey(
        Unit,
        verbose_name="首接单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_cases",
    )
    supervision_level = models.PositiveSmallIntegerField(
        "督办级别", choices=SupervisionLevel.choices, default=SupervisionLevel.NONE
    )
    escalated_to = models.ForeignKey(
        Region,
        verbose_name="提级至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_cases",
    )

    received_at = models.DateTimeField("收到时间")
    due_at = models.DateTimeField("办理时限", null=True, blank=True)
    due_basis = models.CharField("时限依据", max_length=200, blank=True)
    due_uncertain = models.BooleanField("时限待核实", default=False)
    due_warning = models.CharField("时限提示", max_length=300, blank=True)
    clock_rule = models.ForeignKey(
        "rules.ClockRule",
        verbose_name="时限规则",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    clock_started_at = models.DateTimeField("起算时间", null=True, blank=True)
    is_overdue = models.BooleanField("超期", default=False)
    overdue_at = models.DateTimeField("超期时间", null=True, blank=True)
    paused_at = models.DateTimeField("暂停计时于", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    resolved = models.BooleanField("问题已解决", null=True, blank=True)
    satisfaction = models.CharField(
        "满意度", max_length=12, choices=Satisfaction.choices, blank=True
    )
    callback_at = models.DateTimeField("回访时间", null=True, blank=True)

    parent = models.ForeignKey(
        "self",
        verbose_name="并入",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_children",
    )
    verification_hash = models.CharField(max_length=64, blank=True, editable=False)
    external_ref = models.CharField("外部编号", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects: ClassVar[CaseQuerySet] = CaseQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "事项"
        verbose_name_plural = "事项"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["created_at"]),
            # The sweep's working set: open cases by deadline (healthchecks' partial index).
            models.Index(fields=["due_at"], condition=Q(is_open=True), name="case_due_open"),
            # Worklists of an area (township, village, grid): its open cases by deadline,
            # found region by region of the subtree (docs/performance.md).
            models.Index(
                fields=["region", "due_at"], condition=Q(is_open=True), name="case_region_open_due"
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_no

    @property
    def status_label(self) -> str:
        machine = machine_for(self.kind)
        return machine.label(self.status) if machine else self.status

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def has_flag(self, flag: str) -> bool:
        return flag in (self.flags or [])


class PartyRole(models.TextChoices):
    COMPLAINANT = "complainant", "诉求人/申请人"
    RESPONDENT = "respondent", "被反映人/被申请人"
    THIRD = "third", "第三人"


class PartyType(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "单位/组织"


class Party(models.Model):
    """A person or organisation on a case. Names, phones, ID numbers and addresses are
    encrypted at rest; `phone_index`/`id_index` are keyed blind indexes for caller lookup."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField("身份", max_length=12, choices=PartyRole.choices)
    party_type = models.CharField(
        "类型", max_length=12, choices=PartyType.choices, default=PartyType.PERSON
    )
    name = EncryptedTextField("姓名/名称", blank=True)
    phone = EncryptedTextField("电话", blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number = EncryptedTextField("证件号码", blank=True)
    id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = EncryptedTextField("住址", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk}"
