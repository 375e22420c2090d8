"""Mediation organisations, rooms and mediators.

An organisation is a `units.Unit` (UnitType.MEDIATION_COMMITTEE, ADMIN_MEDIATION, CENTRE or
COURT already say what kind of body it is and anchor it in the territory); `MediationOrg` is
the profile that adds what mediation needs — its kind and level, the mediation type it does,
whether a court lists it as a 特邀调解组织 — rather than a second organisation table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fengqiao.core.fields import EncryptedTextField
from fengqiao.units.models import Category, Unit, UnitType


class MediationType(models.TextChoices):
    """三调: the three kinds of mediation that work together (信访工作条例 第三十七条)."""

    PEOPLE = "people", "人民调解"
    ADMINISTRATIVE = "administrative", "行政调解"
    JUDICIAL = "judicial", "司法调解"


class OrgKind(models.TextChoices):
    VILLAGE = "village", "村（居）民委员会人民调解委员会"
    TOWNSHIP = "township", "乡镇（街道）人民调解委员会"
    ENTERPRISE = "enterprise", "企业事业单位人民调解委员会"
    INDUSTRY = "industry", "行业性、专业性人民调解委员会"
    ADMINISTRATIVE = "administrative", "行政调解组织"
    COURT_INVITED = "court_invited", "特邀调解组织"
    CENTRE = "centre", "综治中心 / 矛盾纠纷调处化解中心"
    COURT = "court", "人民法院（诉前/审前调解中心、专业审判团队）"


DEFAULT_TYPE = {
    OrgKind.VILLAGE: MediationType.PEOPLE,
    OrgKind.TOWNSHIP: MediationType.PEOPLE,
    OrgKind.ENTERPRISE: MediationType.PEOPLE,
    OrgKind.INDUSTRY: MediationType.PEOPLE,
    OrgKind.ADMINISTRATIVE: MediationType.ADMINISTRATIVE,
    OrgKind.COURT_INVITED: MediationType.JUDICIAL,
    OrgKind.CENTRE: MediationType.PEOPLE,
    OrgKind.COURT: MediationType.JUDICIAL,
}

# The unit types a mediation organisation may have.
ORG_UNIT_TYPES = {
    UnitType.MEDIATION_COMMITTEE,
    UnitType.ADMIN_MEDIATION,
    UnitType.CENTRE,
    UnitType.COURT,
    UnitType.JUSTICE,
    UnitType.DEPARTMENT,
    UnitType.OTHER,
}


class MediationOrg(models.Model):
    """The mediation profile of a unit: kind and level, the type of mediation it does, the
    field of an industry committee, and the court that invited it (特邀调解组织名册)."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="mediation_org")
    kind = models.CharField("组织类型", max_length=16, choices=OrgKind.choices)
    mediation_type = models.CharField("调解类型", max_length=16, choices=MediationType.choices)
    sector = models.CharField("行业/专业领域", max_length=60, blank=True)
    invited_by = models.ForeignKey(
        Unit,
        verbose_name="特邀法院",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invited_orgs",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "调解组织"
        verbose_name_plural = "调解组织"
        ordering = ["unit__code"]

    def __str__(self) -> str:
        return f"{self.unit.name}（{self.get_kind_display()}）"


class MediationRoom(models.Model):
    """A 调解室 of an organisation, where sessions are held (some with video links)."""

    org = models.ForeignKey(MediationOrg, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField("名称", max_length=60)
    location = models.CharField("位置", max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField("容纳人数", null=True, blank=True)
    has_video = models.BooleanField("支持视频调解", default=False)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "调解室"
        verbose_name_plural = "调解室"
        ordering = ["org_id", "name"]

    def __str__(self) -> str:
        return self.name


class MediatorKind(models.TextChoices):
    FULL_TIME = "full_time", "专职人民调解员"
    PART_TIME = "part_time", "兼职人民调解员"
    INVITED = "invited", "特邀调解员"
    OFFICIAL = "official", "行政调解人员"


class Mediator(models.Model):
    """A mediator of one organisation, with specialities (dispute categories) and an optional
    cap on concurrent disputes; the workload is counted from open assignments."""

    org = models.ForeignKey(MediationOrg, on_delete=models.PROTECT, related_name="mediators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="平台账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediator_profiles",
    )
    name = models.CharField("姓名", max_length=50)
    phone = EncryptedTextField("联系电话", blank=True)
    kind = models.CharField("类别", max_length=12, choices=MediatorKind.choices)
    specialities = models.ManyToManyField(
        Category, verbose_name="擅长纠纷类型", blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        Unit,
        verbose_name="特邀法院",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invited_mediators",
    )
    max_active = models.PositiveSmallIntegerField("同时承办上限", null=True, blank=True)
    is_active = models.BooleanField("在册", default=True)

    class Meta:
        verbose_name = "调解员"
        verbose_name_plural = "调解员"
        ordering = ["org_id", "name"]

    def __str__(self) -> str:
        return self.name
