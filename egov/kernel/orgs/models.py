"""Organisation tree: League → county-level units → departments → internal offices.

Each unit stores a materialised ``path`` ("/1/5/23/") so "this unit and everything under it" is one
indexed prefix query — the scope check behind every permission.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class OrgKind(models.TextChoices):
    LEAGUE = "league", "盟（地级）"
    COUNTY = "county", "旗县市（县级）"
    DEPARTMENT = "department", "部门"
    OFFICE = "office", "内设机构"


class OrgUnit(models.Model):
    name = models.CharField("机构全称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    code = models.CharField("机构代码", max_length=32, unique=True, help_text="平台内唯一，如 152200-FGW")
    kind = models.CharField("层级类型", max_length=16, choices=OrgKind.choices)
    division_code = models.CharField("行政区划代码", max_length=6, help_text="GB/T 2260，如 152201")
    parent = models.ForeignKey(
        "self", verbose_name="上级机构", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    sort_order = models.PositiveIntegerField("排序", default=0)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    document_prefix = models.CharField("机关代字", max_length=20, blank=True, help_text="发文字号前缀，如 兴署发")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"
        ordering: ClassVar[list[str]] = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestors(self) -> models.QuerySet[OrgUnit]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return OrgUnit.objects.filter(pk__in=ids).order_by("depth")

    def subtree(self) -> models.QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(path__startswith=self.path)

    def is_within(self, other: OrgUnit) -> bool:
        """True if this unit is ``other`` or lies under it."""
        return self.path.startswith(other.path)

    @property
    def county(self) -> OrgUnit | None:
        """The county-level unit this unit belongs to (None for League-level units)."""
        return next((unit for unit in self.ancestors() if unit.kind == OrgKind.COUNTY), None)


class Position(models.Model):
    name = models.CharField("职务名称", max_length=50, unique=True)
    rank = models.PositiveSmallIntegerField("排序级别", default=100, help_text="数字越小越靠前")
    is_leader = models.BooleanField("领导职务", default=False)

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = "职务"
        ordering: ClassVar[list[str]] = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's place in a unit; one person can belong to several units (兼职)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT)
    is_primary = models.BooleanField("主要任职", default=True)
    started_on = models.DateField("任职日期", null=True, blank=True)

    class Meta:
        verbose_name = "人员任职"
        verbose_name_plural = "人员任职"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "org_unit"], name="orgs_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.org_unit}"
