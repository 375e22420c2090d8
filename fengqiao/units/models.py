"""Units that act on cases, and the 派单目录 (dispatch catalogue) as versioned data."""

from __future__ import annotations

from django.db import models

from fengqiao.regions.models import Region


class UnitType(models.TextChoices):
    CENTRE = "centre", "综治中心"
    HOTLINE = "hotline", "12345热线"
    DEPARTMENT = "department", "职能部门"
    GOVERNMENT = "government", "乡镇（街道）/县区政府"
    VILLAGE_COMMITTEE = "village", "村（居）委会"
    MEDIATION_COMMITTEE = "mediation", "人民调解委员会"
    ADMIN_MEDIATION = "admin_mediation", "行政调解组织"
    COURT = "court", "人民法院"
    PROCURATORATE = "procuratorate", "人民检察院"
    POLICE = "police", "公安机关（派出所）"
    PETITION_BUREAU = "petition", "信访部门"
    JUSTICE = "justice", "司法行政（司法所）"
    DISCIPLINE = "discipline", "纪检监察"
    OTHER = "other", "其他"


class Unit(models.Model):
    """A department, agency, committee or court, anchored at one region and serving others."""

    name = models.CharField("单位名称", max_length=120)
    code = models.CharField("单位编码", max_length=40, unique=True)
    unit_type = models.CharField("单位类型", max_length=20, choices=UnitType.choices)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="units"
    )
    serves = models.ManyToManyField(
        Region, verbose_name="服务区划", blank=True, related_name="serving_units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话（办公）", max_length=30, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """Two-level taxonomy of matters (dispute types of rule 27, hotline categories)."""

    code = models.CharField("分类代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    taxonomy = models.CharField("分类体系", max_length=20, default="general")
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "事项分类"
        verbose_name_plural = "事项分类"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CatalogueVersion(models.Model):
    """One published version of the 派单目录 for a region subtree."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="catalogues")
    version = models.PositiveIntegerField("版本号")
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    issued_by = models.CharField("发布单位", max_length=120, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "派单目录版本"
        verbose_name_plural = "派单目录版本"
        constraints = [
            models.UniqueConstraint(fields=["region", "version"], name="catalogue_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region.name} 派单目录 v{self.version}"


class CatalogueEntry(models.Model):
    """Category × region → lead unit (主办) and optional co-units (协办)."""

    catalogue = models.ForeignKey(
        CatalogueVersion, on_delete=models.CASCADE, related_name="entries"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="lead_entries")
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_entries")

    class Meta:
        verbose_name = "派单目录条目"
        verbose_name_plural = "派单目录条目"
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "category", "region"], name="catalogue_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} @ {self.region} → {self.lead_unit}"
