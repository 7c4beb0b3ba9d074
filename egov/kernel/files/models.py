"""Stored files: the content lives in Django storage under a random name; this row says what it is,
who uploaded it, which unit it belongs to and what it is about."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(_("用途"), max_length=40, db_index=True)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("内容类型"), max_length=120, help_text=_("按文件内容检测，而非文件名"))
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sm3 = models.CharField(_("SM3 摘要"), max_length=64, db_index=True)
    storage_name = models.CharField(_("存储名"), max_length=255, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="uploaded_files",
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )
    related_type = models.CharField(_("关联对象类型"), max_length=64, blank=True)
    related_id = models.CharField(_("关联对象编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文件")
        verbose_name_plural = _("文件")
        ordering = ("-created_at",)
        indexes = (models.Index(fields=["related_type", "related_id"], name="files_related_idx"),)

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return file_extension(self.original_name)


def file_extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""
