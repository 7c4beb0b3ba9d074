"""Information resource catalogue (《政务数据共享条例》 catalogue fields, STANDARDS.md §6) and its distributions.

An entry is what a unit registers; entries that are published and open (or conditionally open) are the
datasets of the open data portal. Each publication stores a revision snapshot so earlier versions stay readable.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.kernel.orgs.models import OrgUnit


class SharingType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("无条件共享")
    CONDITIONAL = "conditional", _("有条件共享")
    NONE = "none", _("不予共享")


class SharingMethod(models.TextChoices):
    API = "api", _("接口")
    BATCH = "batch", _("批量交换")
    FILE = "file", _("文件下载")


class OpenType(models.TextChoices):
    OPEN = "open", _("无条件开放")
    CONDITIONAL = "conditional", _("有条件开放")
    CLOSED = "closed", _("不予开放")


class ClassificationLevel(models.TextChoices):
    GENERAL = "general", _("一般数据")
    IMPORTANT = "important", _("重要数据")
    CORE = "core", _("核心数据")


class UpdateFrequency(models.TextChoices):
    REALTIME = "realtime", _("实时")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")
    IRREGULAR = "irregular", _("不定期")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWING = "reviewing", _("审核中")
    PUBLISHED = "published", _("已发布")


class DataType(models.TextChoices):
    STRING = "string", _("字符型")
    INTEGER = "integer", _("整数型")
    DECIMAL = "decimal", _("数值型")
    DATE = "date", _("日期型")
    DATETIME = "datetime", _("日期时间型")
    BOOLEAN = "boolean", _("布尔型")


#: Licences offered to providers; ids follow CKAN's license register where one exists.
LICENSES: dict[str, dict[str, str]] = {
    "cc-by-4.0": {"title": "知识共享署名 4.0（CC BY 4.0）", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "odc-by": {"title": "开放数据共享署名许可（ODC-BY）", "url": "https://opendatacommons.org/licenses/by/"},
    "cc-zero": {"title": "知识共享零权利声明（CC0）", "url": "https://creativecommons.org/publicdomain/zero/1.0/"},
    "xam-open": {"title": "兴安盟公共数据开放许可协议", "url": ""},
}
LICENSE_CHOICES = [(key, value["title"]) for key, value in LICENSES.items()]

#: 类/项/目/细目 (two digits each, at least 类.项) followed by a four-digit sequence, e.g. ``02.03.01-0001``.
CODE_PATTERN = r"^\d{2}(\.\d{2}){1,3}-\d{4}$"


class DataTheme(models.Model):
    """A subject area of the portal (CKAN group)."""

    name = models.SlugField(_("标识"), max_length=60, unique=True)
    title = models.CharField(_("主题名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("数据主题")
        verbose_name_plural = _("数据主题")
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    name = models.CharField(_("标签"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class CatalogEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(_("英文标识"), max_length=100, unique=True, help_text=_("数据集网址中的标识"))
    code = models.CharField(_("目录代码"), max_length=24, unique=True, help_text=_("类.项.目.细目-序号"))
    title = models.CharField(_("数据目录名称"), max_length=200)
    provider = models.ForeignKey(OrgUnit, verbose_name=_("提供单位"), on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("摘要"))
    data_format = models.CharField(_("数据格式"), max_length=40)
    update_frequency = models.CharField(_("更新频率"), max_length=16, choices=UpdateFrequency.choices)
    sharing_type = models.CharField(_("共享属性"), max_length=16, choices=SharingType.choices)
    sharing_basis = models.TextField(_("共享条件或不予共享依据"), blank=True)
    sharing_method = models.CharField(_("共享方式"), max_length=16, choices=SharingMethod.choices)
    use_conditions = models.TextField(_("使用条件"), blank=True)
    classification_level = models.CharField(_("数据分类分级"), max_length=16, choices=ClassificationLevel.choices)
    open_type = models.CharField(_("开放属性"), max_length=16, choices=OpenType.choices)
    release_date = models.DateField(_("发布日期"), null=True, blank=True)
    theme = models.ForeignKey(
        DataTheme, verbose_name=_("主题"), null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), blank=True, related_name="entries")
    license_id = models.CharField(_("许可协议"), max_length=20, choices=LICENSE_CHOICES, default="cc-by-4.0")
    related = models.ManyToManyField("self", verbose_name=_("关联资源"), blank=True, symmetrical=False)
    status = models.CharField(_("状态"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=0, help_text=_("每发布一次加一"))
    pending_changes = models.JSONField(
        _("待审核的变更"), null=True, blank=True, help_text=_("已发布目录的修改，审核通过后才生效")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("信息资源目录")
        verbose_name_plural = _("信息资源目录")
        ordering: ClassVar[list[str]] = ["code"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "open_type"]),
            models.Index(fields=["open_type", "version"], name="data_entry_portal_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class CheckRule(models.TextChoices):
    NONE = "", _("无")
    RESIDENT_ID = "resident_id", _("公民身份号码")
    USCC = "uscc", _("统一社会信用代码")


class DataItem(models.Model):
    entry = models.ForeignKey(CatalogEntry, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("数据项名称"), max_length=100)
    data_type = models.CharField(_("数据类型"), max_length=16, choices=DataType.choices)
    length = models.PositiveIntegerField(_("长度"), null=True, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    is_personal = models.BooleanField(_("个人信息"), default=False)
    is_sensitive = models.BooleanField(_("敏感数据"), default=False)
    required = models.BooleanField(_("必填"), default=False)
    code_list = models.JSONField(_("代码表"), default=list, blank=True, help_text=_("允许的取值；为空表示不限"))
    check_rule = models.CharField(_("校验规则"), max_length=16, choices=CheckRule.choices, blank=True, default="")

    class Meta:
        verbose_name = _("数据项")
        verbose_name_plural = _("数据项")
        ordering: ClassVar[list[str]] = ["entry", "position"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """A distribution of an entry: a stored file or an external URL."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(CatalogEntry, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    format = models.CharField(_("格式"), max_length=20)
    url = models.URLField(_("外部地址"), blank=True)
    file = models.FileField(_("文件"), upload_to="data/resources/", blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("记录数"), null=True, blank=True)
    checksum = models.CharField(_("SHA-256 校验值"), max_length=64, blank=True)
    last_modified = models.DateTimeField(_("最后更新"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("数据资源")
        verbose_name_plural = _("数据资源")
        ordering: ClassVar[list[str]] = ["entry", "position"]

    def __str__(self) -> str:
        return self.name


class CatalogEntryRevision(models.Model):
    """What an entry looked like when version ``version`` was published."""

    entry = models.ForeignKey(CatalogEntry, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")
        ordering: ClassVar[list[str]] = ["entry", "version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["entry", "version"], name="data_revision_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.entry} v{self.version}"


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("审核通过")
    RETURNED = "returned", _("退回修改")


#: Working days the League data authority has to review a submitted entry.
REVIEW_LIMIT_DAYS = 2
#: Working days a unit has to update its entry after a change trigger.
CHANGE_LIMIT_DAYS = 10


class EntryReview(models.Model):
    """One submission of an entry (first registration or a change) to the League data authority."""

    entry = models.ForeignKey(CatalogEntry, on_delete=models.CASCADE, related_name="reviews")
    is_change = models.BooleanField(_("变更审核"), default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    due_date = models.DateField(_("审核期限"))
    decision = models.CharField(
        _("审核结果"), max_length=16, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    opinion = models.TextField(_("审核意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("目录审核")
        verbose_name_plural = _("目录审核")
        ordering: ClassVar[list[str]] = ["-submitted_at"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["decision", "due_date"])]

    def __str__(self) -> str:
        return f"{self.entry} {self.get_decision_display()}"


class ChangeTrigger(models.Model):
    """Something that obliges the provider to update its entry (职能调整、数据项变化、纠错…), due in 10 working days."""

    entry = models.ForeignKey(CatalogEntry, on_delete=models.CASCADE, related_name="change_triggers")
    reason = models.TextField(_("变更事由"))
    raised_on = models.DateField(_("触发日期"))
    due_date = models.DateField(_("更新期限"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    resolved_version = models.PositiveIntegerField(_("更新后的版本"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("目录变更触发")
        verbose_name_plural = _("目录变更触发")
        ordering: ClassVar[list[str]] = ["due_date", "pk"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["resolved_at", "due_date"])]

    def __str__(self) -> str:
        return f"{self.entry}：{self.reason[:20]}"


class DataTable(models.Model):
    """One load of the data behind an entry (a version). Its rows live in their own physical table
    ``table_name`` with one typed column per data item (see ``rows.py``)."""

    entry = models.ForeignKey(CatalogEntry, on_delete=models.CASCADE, related_name="tables")
    version = models.PositiveIntegerField(_("数据版本"))
    table_name = models.CharField(max_length=63, unique=True)
    columns = models.JSONField(_("列定义"), help_text=_("[{name, column, data_type, description}]，按数据项顺序"))
    row_count = models.PositiveIntegerField(_("记录数"))
    sm3 = models.CharField(_("SM3 校验值"), max_length=64)
    source_name = models.CharField(_("源文件名"), max_length=255)
    source_format = models.CharField(_("源文件格式"), max_length=8)
    source_size = models.PositiveBigIntegerField(_("源文件大小（字节）"))
    is_current = models.BooleanField(_("当前版本"), default=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    loaded_at = models.DateTimeField(_("加载时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("数据表版本")
        verbose_name_plural = _("数据表版本")
        ordering: ClassVar[list[str]] = ["entry", "-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["entry", "version"], name="data_table_unique_version"),
            models.UniqueConstraint(
                fields=["entry"], condition=models.Q(is_current=True), name="data_table_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} 数据 v{self.version}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")


class OpenDataApplication(models.Model):
    """A signed-in user's application to use a conditionally open dataset, decided by the provider."""

    entry = models.ForeignKey(CatalogEntry, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.CharField(_("申请单位或个人"), max_length=200)
    purpose = models.TextField(_("使用目的"))
    contact = models.CharField(_("联系方式"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    opinion = models.TextField(_("审核意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("有条件开放申请")
        verbose_name_plural = _("有条件开放申请")
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organization}：{self.entry}"
