"""Results of a case (办理结果): numbered notices (文书), electronic certificates (电子证照) with a public
verification code, and the delivery (送达) of the result with its status history.

The PDFs are ``egov.kernel.files.StoredFile`` rows (served only through the files app's permission-checked,
audited download); these tables say what each file is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.kernel.personal_data import EncryptedAttribute

#: 文书种类 → title printed on the notice (contract B, /tmp/briefs/contracts.md).
NOTICE_KINDS: dict[str, str] = {
    "acceptance": "受理通知书",
    "rejection": "不予受理决定书",
    "correction": "补正材料通知书",
    "approval": "准予行政许可决定书",
    "denial": "不予行政许可决定书",
}

#: The word after the 机关代字 in a document number (文号), e.g. 兴民 + 受 → 兴民受〔2026〕12号.
NUMBER_WORDS: dict[str, str] = {
    "acceptance": "受",
    "rejection": "不受",
    "correction": "补",
    "approval": "许",
    "denial": "不许",
    "certificate": "证",
}


class NumberSequence(models.Model):
    """Gapless counter per issuing unit, kind and year; incremented under a row lock in the issuing transaction."""

    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("文号序列")
        verbose_name_plural = _("文号序列")
        constraints = (
            models.UniqueConstraint(fields=["org_unit", "kind", "year"], name="results_sequence_unit_kind_year"),
        )

    def __str__(self) -> str:
        return f"{self.org_unit_id}/{self.kind}/{self.year}: {self.last_value}"


class IssuedNotice(models.Model):
    """A formal notice or decision (受理通知书, 补正材料通知书, 准予/不予行政许可决定书 …) with its 文号 and PDF."""

    case = models.ForeignKey(
        "workflow.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="issued_notices"
    )
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("文书种类"), max_length=20, choices=list(NOTICE_KINDS.items()))
    year = models.PositiveSmallIntegerField(_("年份"))
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=60)
    title = models.CharField(_("标题"), max_length=100)
    recipient_name = models.CharField(_("主送"), max_length=120, blank=True)
    paragraphs = models.JSONField(_("正文段落"), default=list)
    items = models.JSONField(_("事项清单"), default=list, blank=True)
    legal_basis = models.TextField(_("法律依据"), blank=True)
    issued_on = models.DateField(_("成文日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.ForeignKey(
        "files.StoredFile", verbose_name=_("文书文件"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ("created_at", "id")
        constraints = (
            models.UniqueConstraint(fields=["org_unit", "kind", "year", "serial"], name="results_notice_number"),
        )
        indexes = (models.Index(fields=["case", "created_at"], name="results_notice_case"),)

    def __str__(self) -> str:
        return f"{self.title} {self.number}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")


class Certificate(models.Model):
    """An electronic certificate or approval document (电子证照) with an unguessable verification code."""

    code = models.CharField(_("核验码"), max_length=40, unique=True)
    number = models.CharField(_("证照编号"), max_length=60)
    serial = models.PositiveIntegerField(_("序号"))
    year = models.PositiveSmallIntegerField(_("年份"))
    case = models.ForeignKey(
        "workflow.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="certificates"
    )
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("发证机关"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("证照名称"), max_length=100)
    holder_name = models.CharField(_("持证主体"), max_length=120)
    # Resident ID or USCC of the holder: encrypted at rest, found again through the blind index.
    holder_code_cipher = models.TextField(blank=True, editable=False)
    holder_code_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    fields = models.JSONField(_("证照内容"), default=list, blank=True, help_text=_("[[名称, 值], …]"))
    issued_on = models.DateField(_("发证日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("为空表示长期有效"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.TextField(_("撤销原因"), blank=True)
    verify_url = models.CharField(_("核验地址"), max_length=300, help_text=_("二维码中编码的地址"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.ForeignKey(
        "files.StoredFile", verbose_name=_("证照文件"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    holder_code = EncryptedAttribute("holder_code_cipher", "holder_code_index", purpose="certificate_holder")

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        ordering = ("created_at", "id")
        constraints = (
            models.UniqueConstraint(fields=["org_unit", "year", "serial"], name="results_certificate_number"),
        )
        indexes = (models.Index(fields=["case", "created_at"], name="results_certificate_case"),)

    def __str__(self) -> str:
        return f"{self.title} {self.number}"


class DeliveryMethod(models.TextChoices):
    ELECTRONIC = "electronic", _("电子送达")
    PICKUP = "pickup", _("窗口自取")
    POST = "post", _("邮寄送达")


class DeliveryStatus(models.TextChoices):
    CHOSEN = "chosen", _("已选择送达方式")
    PREPARED = "prepared", _("结果已备妥")
    SENT = "sent", _("已寄出")
    DELIVERED = "delivered", _("已送达")
    COLLECTED = "collected", _("已领取")


#: method → status → the statuses it may move to (送达环节).
DELIVERY_TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    DeliveryMethod.ELECTRONIC: {
        DeliveryStatus.CHOSEN: (DeliveryStatus.PREPARED,),
        DeliveryStatus.PREPARED: (DeliveryStatus.DELIVERED,),
    },
    DeliveryMethod.PICKUP: {
        DeliveryStatus.CHOSEN: (DeliveryStatus.PREPARED,),
        DeliveryStatus.PREPARED: (DeliveryStatus.COLLECTED,),
    },
    DeliveryMethod.POST: {
        DeliveryStatus.CHOSEN: (DeliveryStatus.PREPARED,),
        DeliveryStatus.PREPARED: (DeliveryStatus.SENT,),
        DeliveryStatus.SENT: (DeliveryStatus.DELIVERED,),
    },
}


class Delivery(models.Model):
    """How the result reaches the applicant (电子送达 / 窗口自取 / 邮寄送达); one per case."""

    case = models.OneToOneField("workflow.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("送达方式"), max_length=12, choices=DeliveryMethod.choices)
    status = models.CharField(_("送达状态"), max_length=12, choices=DeliveryStatus.choices)
    # Personal data (邮寄地址, 收件电话): encrypted at rest, shown masked.
    address_cipher = models.TextField(blank=True, editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    tracking_no = models.CharField(_("快递单号"), max_length=40, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("选择人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("选择时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    address = EncryptedAttribute("address_cipher", None, purpose="delivery_address")
    phone = EncryptedAttribute("phone_cipher", None, purpose="delivery_phone")

    class Meta:
        verbose_name = _("送达")
        verbose_name_plural = _("送达")
        indexes = (models.Index(fields=["status", "updated_at"], name="results_delivery_status"),)

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_method_display()} {self.get_status_display()}"


class DeliveryEvent(models.Model):
    """One step of the delivery's history."""

    delivery = models.ForeignKey(Delivery, verbose_name=_("送达"), on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("送达状态"), max_length=12, choices=DeliveryStatus.choices)
    method = models.CharField(_("送达方式"), max_length=12, choices=DeliveryMethod.choices)
    tracking_no = models.CharField(_("快递单号"), max_length=40, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.get_status_display()}"
