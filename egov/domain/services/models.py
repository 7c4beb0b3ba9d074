"""Service item catalogue (实施清单, STANDARDS.md §5).

``ServiceItem`` is the stable identity (codes, name, implementing unit); every guide element lives on a
``ServiceItemVersion``. A case references a version id, so publishing a new version never changes a case
already submitted: published versions are never edited, only retired.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PERSON = "person", _("自然人")
    LEGAL = "legal", _("法人")


class Theme(models.Model):
    """办事主题, e.g. 生育收养 (persons) or 准营准办 (businesses)."""

    audience = models.CharField(_("服务对象"), max_length=8, choices=Audience.choices)
    code = models.SlugField(_("主题代码"), max_length=40, unique=True)
    name = models.CharField(_("主题名称"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("办事主题")
        verbose_name_plural = _("办事主题")
        ordering: ClassVar[list[str]] = ["audience", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class LifeEvent(models.Model):
    """人生/企业事件 (一件事), e.g. 新生儿出生, 开办企业."""

    audience = models.CharField(_("服务对象"), max_length=8, choices=Audience.choices)
    code = models.SlugField(_("事件代码"), max_length=40, unique=True)
    name = models.CharField(_("事件名称"), max_length=40)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("生命周期事件")
        verbose_name_plural = _("生命周期事件")
        ordering: ClassVar[list[str]] = ["audience", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    basic_code = models.CharField(_("基本编码"), max_length=40, db_index=True)
    code = models.CharField(_("实施编码"), max_length=64, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("实施主体"), on_delete=models.PROTECT, related_name="service_items"
    )
    current_version = models.OneToOneField(
        "ServiceItemVersion",
        verbose_name=_("现行版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="current_of",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def published(self) -> ServiceItemVersion:
        """The version the public sees. Browsing selectors only return items that have one."""
        if self.current_version is None:
            from egov.kernel.errors import NotFound

            raise NotFound("item_unpublished", str(_("该事项尚未发布或已停用")))
        return self.current_version


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class ItemType(models.TextChoices):
    LICENSING = "行政许可", _("行政许可")
    BENEFIT = "行政给付", _("行政给付")
    CONFIRMATION = "行政确认", _("行政确认")
    REWARD = "行政奖励", _("行政奖励")
    ADJUDICATION = "行政裁决", _("行政裁决")
    PUBLIC_SERVICE = "公共服务", _("公共服务")
    OTHER = "其他行政权力", _("其他行政权力")


class CaseKind(models.TextChoices):
    IMMEDIATE = "即办件", _("即办件")
    PROMISED = "承诺件", _("承诺件")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "工作日", _("工作日")
    NATURAL_DAYS = "自然日", _("自然日")


class OnlineDepth(models.IntegerChoices):
    """网上办理深度 (一至四级)."""

    INFO = 1, _("一级：信息公开、在线咨询")
    DOWNLOAD = 2, _("二级：表格下载、在线预约")
    SUBMIT = 3, _("三级：网上申报、网上预审")
    FULL = 4, _("四级：全程网办")


class ServiceItemVersion(models.Model):
    """Every guide element of one version of an item; a published version is frozen."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    item_type = models.CharField(_("事项类型"), max_length=12, choices=ItemType.choices)
    legal_basis = models.TextField(_("设定依据"))
    exercise_level = models.CharField(_("行使层级"), max_length=40)
    audience = models.CharField(_("服务对象"), max_length=8, choices=Audience.choices)
    case_kind = models.CharField(_("办件类型"), max_length=4, choices=CaseKind.choices)
    conditions = models.TextField(_("受理条件"))
    statutory_limit = models.PositiveSmallIntegerField(_("法定办结时限"))
    statutory_limit_unit = models.CharField(
        _("法定时限单位"), max_length=4, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    promised_limit = models.PositiveSmallIntegerField(_("承诺办结时限"))
    promised_limit_unit = models.CharField(
        _("承诺时限单位"), max_length=4, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    visits = models.PositiveSmallIntegerField(_("到办事现场次数"), default=0)
    special_procedures = models.TextField(_("特别程序"), blank=True)
    charged = models.BooleanField(_("是否收费"), default=False)
    fee_basis = models.TextField(_("收费依据"), blank=True)
    process_steps = models.JSONField(_("办理流程"), default=list, help_text=_("按顺序的环节：[{name, description}]"))
    handling_forms = models.CharField(_("办理形式"), max_length=100)
    place = models.TextField(_("办理地点"))
    hours = models.TextField(_("办理时间"))
    consult = models.TextField(_("咨询方式"))
    complaint = models.TextField(_("监督投诉方式"))
    joint_units = models.CharField(_("联办机构"), max_length=200, blank=True)
    result_name = models.CharField(_("审批结果名称"), max_length=100)
    result_type = models.CharField(_("审批结果类型"), max_length=20)
    result_sample = models.ForeignKey(
        "files.StoredFile",
        verbose_name=_("审批结果样本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    general_scope = models.CharField(_("通办范围"), max_length=20)
    online = models.BooleanField(_("是否网办"), default=True)
    online_depth = models.PositiveSmallIntegerField(
        _("网上办理深度"), choices=OnlineDepth.choices, default=OnlineDepth.SUBMIT
    )
    form_definition = models.JSONField(_("申请表单定义"), default=dict)
    process_key = models.CharField(_("办理流程（BPMN）"), max_length=64, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("办事主题"), blank=True, related_name="versions")
    life_events = models.ManyToManyField(LifeEvent, verbose_name=_("生命周期事件"), blank=True, related_name="versions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering: ClassVar[list[str]] = ["item", "-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["item", "number"], name="services_version_unique_number"),
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="published"), name="services_one_published_version"
            ),
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="draft"), name="services_one_draft_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} v{self.number}"


class Necessity(models.TextChoices):
    REQUIRED = "必要", _("必要")
    CONDITIONAL = "情形必要", _("情形必要")


class MaterialForm(models.TextChoices):
    ORIGINAL = "原件", _("原件")
    COPY = "复印件", _("复印件")
    ELECTRONIC = "电子", _("电子材料")
    ORIGINAL_AND_COPY = "原件和复印件", _("原件和复印件")


class MaterialSource(models.TextChoices):
    APPLICANT = "申请人自备", _("申请人自备")
    GOVERNMENT = "政府部门核发", _("政府部门核发")
    SHARED = "数据共享获取", _("数据共享获取（免提交）")
    INTERMEDIARY = "中介机构出具", _("中介机构出具")
    OTHER = "其他", _("其他")


class Material(models.Model):
    version = models.ForeignKey(
        ServiceItemVersion, verbose_name=_("事项版本"), on_delete=models.CASCADE, related_name="materials"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("材料名称"), max_length=200)
    necessity = models.CharField(_("必要性"), max_length=10, choices=Necessity.choices, default=Necessity.REQUIRED)
    condition = models.CharField(_("适用情形"), max_length=200, blank=True)
    form = models.CharField(_("材料类型"), max_length=10, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    source = models.CharField(
        _("来源渠道"), max_length=10, choices=MaterialSource.choices, default=MaterialSource.APPLICANT
    )
    blank_form = models.ForeignKey(
        "files.StoredFile",
        verbose_name=_("空白表格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sample = models.ForeignKey(
        "files.StoredFile",
        verbose_name=_("示例样表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    instructions = models.TextField(_("填报须知"), blank=True)
    acceptance_standard = models.TextField(_("受理标准"))

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering: ClassVar[list[str]] = ["version", "position"]

    def __str__(self) -> str:
        return self.name


class FeeItem(models.Model):
    version = models.ForeignKey(
        ServiceItemVersion, verbose_name=_("事项版本"), on_delete=models.CASCADE, related_name="fees"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("收费项目"), max_length=100)
    standard = models.CharField(_("收费标准"), max_length=200)
    basis = models.TextField(_("收费依据"))
    reducible = models.BooleanField(_("是否允许减免"), default=False)

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")
        ordering: ClassVar[list[str]] = ["version", "position"]

    def __str__(self) -> str:
        return self.name


# --- applying online and handling (办件) ---------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待受理")
    CORRECTION = "correction", _("待补正")
    SUPPLEMENTED = "supplemented", _("已补正，待受理")
    ACCEPTED = "accepted", _("办理中")
    REJECTED = "rejected", _("不予受理")
    APPROVED = "approved", _("已办结（准予）")
    DENIED = "denied", _("已办结（不予）")


#: Statuses in which the applicant is waiting for the implementing unit's acceptance decision.
AWAITING_ACCEPTANCE = (ApplicationStatus.SUBMITTED, ApplicationStatus.SUPPLEMENTED)


#: ``Case.subject_type`` of an application's workflow case (= ``Application._meta.label_lower``); the kernel
#: leaves such cases to this app (``policies.CaseOwner``, registered in ``apps.py``).
SUBJECT_TYPE = "services.application"


class Application(models.Model):
    """One online application (申请) for one pinned item version; once submitted it is a workflow case.

    The answers are JSON keyed by field name; every ID-number answer (top level and inside repeatable
    groups) lives SM4-encrypted in ``secret_cipher`` instead, never in ``answers``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(
        ServiceItemVersion, verbose_name=_("事项版本"), on_delete=models.PROTECT, related_name="applications"
    )
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="applications")
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("受理机构"), on_delete=models.PROTECT, related_name="service_applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="service_applications",
    )
    applicant_name = models.CharField(_("申请人名称"), max_length=120, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    answers = models.JSONField(_("申请表内容"), default=dict, blank=True)
    secret_cipher = models.TextField(_("加密的身份证号码"), blank=True, editable=False)
    id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    page = models.PositiveSmallIntegerField(_("填写进度"), default=0)
    submit_token = models.UUIDField(_("提交令牌"), default=uuid.uuid4, editable=False)
    case = models.OneToOneField(
        "workflow.Case",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_application",
    )
    case_number = models.CharField(_("办件编号"), max_length=32, blank=True, db_index=True)
    query_code = models.CharField(_("查询码"), max_length=8, blank=True)
    promised_due_on = models.DateField(_("承诺办结日期"), null=True, blank=True)
    correction = models.JSONField(
        _("补正要求"), default=dict, blank=True, help_text=_("{materials: [id], fields: [name], notes, items: [文字]}")
    )
    correction_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("补正告知人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decision_basis = models.TextField(_("决定依据"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("办事申请")
        verbose_name_plural = _("办事申请")
        ordering: ClassVar[list[str]] = ["-created_at"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["applicant", "-created_at"], name="services_app_applicant"),
            models.Index(fields=["org_unit", "status"], name="services_app_unit_status"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number or _('草稿')} {self.item.name}"

    @property
    def promised_date(self) -> date | None:
        """承诺办结日期 as it stands now: the case's own dates move with 补正 suspensions and approved
        extensions (``promised_due_on`` is the date given on the receipt at submission)."""
        case = self.case if self.case_id else None
        if case is None:
            return self.promised_due_on
        return case.promised_due_on or case.due_on

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT


class ApplicationMaterial(models.Model):
    """A file uploaded for one entry of the version's materials list (several files per entry allowed)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="uploads"
    )
    material = models.ForeignKey(Material, verbose_name=_("材料"), on_delete=models.PROTECT, related_name="+")
    file = models.ForeignKey("files.StoredFile", verbose_name=_("文件"), on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("提交轮次"), default=0, help_text=_("0 为首次申请，1 起为第几次补正"))
    replaced = models.BooleanField(_("已被补正替换"), default=False)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料文件")
        verbose_name_plural = _("申请材料文件")
        ordering: ClassVar[list[str]] = ["material__position", "created_at"]

    def __str__(self) -> str:
        return f"{self.material.name}: {self.file_id}"


class ApplicationEvent(models.Model):
    """A citizen-facing milestone of an application (the timeline the applicant sees)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=20)
    title = models.CharField(_("事项"), max_length=100)
    detail = models.TextField(_("说明"), blank=True)
    unit_name = models.CharField(_("办理机构"), max_length=120, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理进度")
        verbose_name_plural = _("办理进度")
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return self.title
