"""The territory: province → city → county → township → village/community → grid.

Codes follow domain-rules §1.3 and §10 rules 1–3 (12-digit statistical codes, 15-digit grid
codes). `path` is the materialized chain of primary keys ("/1/7/42/"), so a subtree is one
indexed prefix query on SQLite and PostgreSQL alike. Regions are never deleted: a split, merge
or retirement is a `RegionChange`, and a retired region keeps its place in the tree so that
records filed under its code still roll up to the ancestors they had.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet

from fengqiao.core.fields import EncryptedTextField


class Level(models.IntegerChoices):
    PROVINCE = 1, "省级"
    CITY = 2, "市级"
    COUNTY = 3, "县级"
    TOWNSHIP = 4, "乡镇（街道）"
    VILLAGE = 5, "村（社区）"
    GRID = 6, "网格"


class GridType(models.TextChoices):
    BASIC = "basic", "基础网格"
    DEDICATED = "dedicated", "专属网格"


class UrbanRural(models.TextChoices):
    """城乡分类代码 (domain-rules rule 2)."""

    MAIN_URBAN = "111", "主城区"
    URBAN_FRINGE = "112", "城乡结合区"
    TOWN_CENTRE = "121", "镇中心区"
    TOWN_FRINGE = "122", "镇乡结合区"
    SPECIAL = "123", "特殊区域"
    TOWNSHIP_CENTRE = "210", "乡中心区"
    VILLAGE = "220", "村庄"


class RegionQuerySet(models.QuerySet["Region"]):
    def active(self) -> RegionQuerySet:
        return self.filter(retired_on__isnull=True)

    def subtree(self, region: Region) -> RegionQuerySet:
        return self.filter(path__startswith=region.path)

    def within_paths(self, paths: list[str]) -> RegionQuerySet:
        """Regions inside any of the given subtrees (one OR of prefix conditions)."""
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        return self.filter(condition)


class Region(models.Model):
    """One node of the territory tree, grids included (grids are the leaf level)."""

    code = models.CharField("区划代码", max_length=15, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("路径", max_length=255, db_index=True, editable=False)
    urban_rural = models.CharField(
        "城乡分类代码", max_length=3, choices=UrbanRural.choices, blank=True
    )
    grid_type = models.CharField("网格类型", max_length=10, choices=GridType.choices, blank=True)
    households = models.PositiveIntegerField("户数", null=True, blank=True)
    boundary = models.JSONField("边界（GeoJSON 几何）", null=True, blank=True)
    boundary_is_demo = models.BooleanField("演示用边界", default=False)
    source = models.CharField("数据来源", max_length=100, blank=True)
    admin_code = models.CharField(
        "民政部区划代码",
        max_length=12,
        blank=True,
        help_text="民政部区划地名库的 6 位或 9 位代码；乡镇常与统计用代码不同。",
    )
    boundary_rev = models.PositiveIntegerField("边界版本", default=0, editable=False)
    valid_from = models.DateField("生效日期", null=True, blank=True)
    retired_on = models.DateField("撤销日期", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="承继区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    objects: ClassVar[RegionQuerySet] = RegionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "区划/网格"
        verbose_name_plural = "区划/网格"
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_grid(self) -> bool:
        return self.level == Level.GRID

    def ancestors(self) -> QuerySet[Region]:
        """Root first, self last."""
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return Region.objects.filter(pk__in=ids).order_by("level")


class ChangeKind(models.TextChoices):
    CREATE = "create", "新设"
    RENAME = "rename", "更名"
    REPARENT = "reparent", "调整隶属"
    SPLIT = "split", "拆分"
    MERGE = "merge", "合并"
    RETIRE = "retire", "撤销"


class RegionChange(models.Model):
    """One versioned change to the territory (撤乡并镇, 更名, …); the tree is never rewritten
    without one of these rows, so every past state can be explained."""

    kind = models.CharField("变更类型", max_length=10, choices=ChangeKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="changes")
    related = models.ManyToManyField(Region, blank=True, related_name="related_changes")
    effective_on = models.DateField("生效日期")
    before = models.JSONField("变更前", default=dict)
    after = models.JSONField("变更后", default=dict)
    document = models.CharField("批准文号", max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "区划变更"
        verbose_name_plural = "区划变更"
        ordering = ["effective_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.region.code} @ {self.effective_on}"


class GridWorkerStatus(models.TextChoices):
    ACTIVE = "active", "在岗"
    LEAVE = "leave", "请假"
    LEFT = "left", "离岗"


class GridWorker(models.Model):
    """A 网格员 with a unified number, the grids served and (encrypted) contact details."""

    number = models.CharField("网格员编号", max_length=24, unique=True)
    name = models.CharField("姓名", max_length=50)
    phone = EncryptedTextField("手机号", blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    grids: models.ManyToManyField[Region, GridAssignment] = models.ManyToManyField(
        Region, through="GridAssignment", related_name="grid_workers", verbose_name="服务网格"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grid_worker",
    )
    status = models.CharField(
        "状态", max_length=10, choices=GridWorkerStatus.choices, default=GridWorkerStatus.ACTIVE
    )
    is_full_time = models.BooleanField("专职", default=True)

    class Meta:
        verbose_name = "网格员"
        verbose_name_plural = "网格员"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}"


class GridAssignment(models.Model):
    """Which grid a worker serves; at most one grid chief (网格长) per grid."""

    worker = models.ForeignKey(GridWorker, on_delete=models.CASCADE, related_name="assignments")
    grid = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="worker_assignments")
    is_chief = models.BooleanField("网格长", default=False)
    since = models.DateField("起始日期", null=True, blank=True)

    class Meta:
        verbose_name = "网格分配"
        verbose_name_plural = "网格分配"
        constraints = [
            models.UniqueConstraint(fields=["worker", "grid"], name="grid_assignment_unique"),
            models.UniqueConstraint(
                fields=["grid"], condition=Q(is_chief=True), name="one_chief_per_grid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} → {self.grid_id}"
