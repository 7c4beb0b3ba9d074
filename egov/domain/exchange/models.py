"""Inter-department sharing (共享申请), grants (授权), exchange API credentials and the chained access log.

Regulation: 《政务数据共享条例》 (STANDARDS.md §6). A consumer unit asks a provider unit for the data items of a
catalogue entry; the provider answers within 1 (无条件共享) or 10 (有条件共享, +10 with approval) working days,
asks once for missing information (补正, the clock stops), refuses with reasons, or approves; approved data is
delivered within 20 working days. Each request runs as a workflow case (process ``exchange_sharing``); its
status and due dates here are the sharing view of that case, written in the same transaction. An approval
becomes a :class:`Grant` that every exchange API call is checked against, and every call (denied ones too) is
appended to a hash chain of :class:`AccessLogEntry`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待答复")
    CORRECTION = "correction", _("待补正")
    APPROVED = "approved", _("已同意，待交付")
    DELIVERED = "delivered", _("已交付")
    REFUSED = "refused", _("不予共享")
    WITHDRAWN = "withdrawn", _("已撤回")


ACTIVE_REQUEST_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.CORRECTION)


class ExtensionStatus(models.TextChoices):
    NONE = "", _("未申请")
    PENDING = "pending", _("待批准")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class ShareMethod(models.TextChoices):
    """共享方式 (same codes as ``egov.domain.data.models.SharingMethod``)."""

    API = "api", _("接口")
    BATCH = "batch", _("批量交换")
    FILE = "file", _("文件下载")


class SharingRequest(models.Model):
    """共享申请: one consumer unit asking for items of one catalogue entry, with its statutory clock."""

    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    entry = models.ForeignKey(
        "data.CatalogEntry", verbose_name=_("信息资源"), on_delete=models.PROTECT, related_name="+"
    )
    consumer = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="sharing_requests_made"
    )
    provider = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("提供单位"), on_delete=models.PROTECT, related_name="sharing_requests_received"
    )
    sharing_type = models.CharField(_("共享属性"), max_length=16, help_text=_("申请时目录的共享属性"))
    basis = models.TextField(_("使用依据"))
    scenario = models.TextField(_("使用场景"))
    scope = models.TextField(_("使用范围"))
    method = models.CharField(_("共享方式"), max_length=8, choices=ShareMethod.choices)
    use_until = models.DateField(_("使用时限"))
    items = models.JSONField(_("申请的数据项"), default=list)
    status = models.CharField(_("状态"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField(_("提交日期"))
    answer_limit = models.PositiveSmallIntegerField(_("答复时限（工作日）"))
    answer_due_on = models.DateField(_("答复期限"))
    correction_note = models.TextField(_("补正告知内容"), blank=True)
    correction_requested_on = models.DateField(_("告知补正日期"), null=True, blank=True)
    correction_answered_on = models.DateField(_("补正完成日期"), null=True, blank=True)
    extension_status = models.CharField(
        _("延期"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.NONE, blank=True
    )
    extension_days = models.PositiveSmallIntegerField(_("延长工作日"), default=0)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extension_asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("延期申请人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("延期批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("答复日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.TextField(_("答复意见或不予共享理由"), blank=True)
    delivery_due_on = models.DateField(_("交付期限"), null=True, blank=True)
    delivered_on = models.DateField(_("交付日期"), null=True, blank=True)
    delivery_note = models.TextField(_("交付说明"), blank=True)
    case = models.OneToOneField(
        "workflow.Case",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sharing_request",
        help_text=_("审核、交付在流程核心中办理；本表的状态和期限是其在共享业务中的视图"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("共享申请")
        verbose_name_plural = _("共享申请")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["provider", "status", "answer_due_on"], name="exch_req_provider"),
            models.Index(fields=["consumer", "-created_at"], name="exch_req_consumer"),
            models.Index(fields=["status", "answer_due_on"], name="exch_req_status_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in ACTIVE_REQUEST_STATUSES


class RequestNumberSequence(models.Model):
    """Gapless per year; incremented under a row lock in the submitting transaction."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("共享申请编号序列")
        verbose_name_plural = _("共享申请编号序列")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class Grant(models.Model):
    """授权: what a consumer unit may read of an entry through the exchange API. Deny by default: a call
    without a current, unrevoked grant for its unit and resource is refused."""

    request = models.OneToOneField(
        SharingRequest,
        verbose_name=_("共享申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grant",
    )
    consumer = models.ForeignKey("orgs.OrgUnit", verbose_name=_("使用单位"), on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(
        "data.CatalogEntry", verbose_name=_("信息资源"), on_delete=models.PROTECT, related_name="+"
    )
    columns = models.JSONField(_("授权数据项"), default=list)
    row_filter = models.JSONField(
        _("数据范围限定"), default=dict, blank=True, help_text=_("数据项 → 允许的取值列表，例如只限本旗县的区划代码")
    )
    purpose = models.CharField(_("用途"), max_length=300, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(_("撤销理由"), blank=True)

    class Meta:
        verbose_name = _("共享授权")
        verbose_name_plural = _("共享授权")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["consumer", "entry"], name="exch_grant_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.consumer_id} → {self.entry_id}"


class ExchangeApplication(models.Model):
    """A consumer unit's calling system with its credential. The secret is shown once and stored only as an
    SM3 digest (it is 256 random bits, so a slow password hash adds nothing but latency on every call)."""

    consumer = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="exchange_applications"
    )
    name = models.CharField(_("应用名称"), max_length=100)
    client_id = models.CharField(_("应用标识"), max_length=40, unique=True)
    secret_digest = models.CharField(_("密钥摘要"), max_length=64)
    rate_limit = models.PositiveIntegerField(_("每分钟调用上限"), default=600)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    secret_rotated_at = models.DateTimeField(_("密钥更新时间"), default=timezone.now)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接入应用")
        verbose_name_plural = _("接入应用")
        ordering: ClassVar[list[str]] = ["consumer", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.client_id}）"


class SigningKey(models.Model):
    """The platform's response-signing key; the private half is stored SM4-GCM encrypted."""

    kid = models.CharField(_("密钥标识"), max_length=40, unique=True)
    algorithm = models.CharField(_("算法"), max_length=40)
    public_pem = models.TextField(_("公钥"))
    private_encrypted = models.TextField(_("私钥密文"))
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("签名密钥")
        verbose_name_plural = _("签名密钥")

    def __str__(self) -> str:
        return self.kid


class AccessChain(models.Model):
    """The head of one hash chain of the access log. There are several chains (one per application and
    writer lane) so concurrent calls never queue on a single head row; each chain is verified on its own."""

    key = models.CharField(max_length=60, unique=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("访问日志链")
        verbose_name_plural = _("访问日志链")

    def __str__(self) -> str:
        return f"{self.key} #{self.last_seq}"


class CallResult(models.TextChoices):
    OK = "ok", _("成功")
    DENIED = "denied", _("拒绝")
    REJECTED = "rejected", _("请求错误")
    LIMITED = "limited", _("超出频率限制")


class AccessLogEntry(models.Model):
    """One exchange API call (使用记录), kept at least 3 years. Append-only: database triggers refuse UPDATE and
    DELETE; ``entry_hash`` = SM3 of the chained fields joined by U+001F (see ``chain.CHAINED_FIELDS``)."""

    # No single-column indexes where a composite one starts with the column (migration 0004).
    chain = models.ForeignKey(AccessChain, on_delete=models.PROTECT, related_name="+", db_index=False)
    seq = models.BigIntegerField()
    at_us = models.BigIntegerField(_("时间（微秒）"), help_text=_("UTC 纪元微秒"))
    call_id = models.CharField(_("调用标识"), max_length=32, unique=True)
    client_id = models.CharField(_("应用标识"), max_length=40, blank=True)
    application = models.ForeignKey(
        ExchangeApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consumer = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    provider = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    grant = models.ForeignKey(Grant, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resource = models.CharField(_("资源"), max_length=100, blank=True, help_text=_("目录代码或标识"))
    end_user = models.CharField(_("最终用户"), max_length=100, blank=True)
    issue = models.CharField(_("办理事项"), max_length=200, blank=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    query = models.CharField(max_length=1000, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=CallResult.choices)
    status_code = models.PositiveSmallIntegerField()
    reason_code = models.CharField(_("原因"), max_length=40, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    rows_digest = models.CharField(max_length=64, blank=True)
    request_digest = models.CharField(max_length=64)
    response_digest = models.CharField(max_length=64)
    key_id = models.CharField(max_length=40)
    signature = models.CharField(max_length=200)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("数据调用日志")
        verbose_name_plural = _("数据调用日志")
        ordering: ClassVar[list[str]] = ["chain", "seq"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["chain", "seq"], name="exch_log_chain_seq"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["provider", "at_us"], name="exch_log_provider"),
            models.Index(fields=["consumer", "at_us"], name="exch_log_consumer"),
        ]

    def __str__(self) -> str:
        return self.call_id


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ANSWERED = "answered", _("已答复")


class CorrectionRequest(models.Model):
    """数据纠错: a consumer reports wrong data; the provider answers within 10 working days."""

    entry = models.ForeignKey(
        "data.CatalogEntry", verbose_name=_("信息资源"), on_delete=models.PROTECT, related_name="+"
    )
    consumer = models.ForeignKey("orgs.OrgUnit", verbose_name=_("提出单位"), on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("orgs.OrgUnit", verbose_name=_("提供单位"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("问题描述"))
    record_ref = models.CharField(_("涉及记录"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField(_("提出日期"))
    due_on = models.DateField(_("答复期限"))
    answer = models.TextField(_("答复"), blank=True)
    corrected = models.BooleanField(_("已更正"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("数据纠错")
        verbose_name_plural = _("数据纠错")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.filed_on}"
