"""Append-only, SM3 hash-chained security audit log (安全审计，等保 2.0; 网络安全法 第二十一条).

Rows are only ever inserted by ``egov.kernel.audit.services.audit_record``. The model refuses updates and
deletes, and database triggers (migration 0002) refuse them on SQLite and PostgreSQL too, so not even raw
SQL from the application can change history; ``manage.py audit_verify`` proves a DBA did not either.

Retention: entries are kept indefinitely in this version (the law asks for at least 6 months; the
platform's policy is 3 years). Purging old entries is deliberately NOT implemented: it will be a separate,
audited administrator procedure that first anchors the chain (records the hash of the last purged entry)
so verification can start from that anchor.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

APPEND_ONLY_MESSAGE = "审计记录只能追加，不能修改或删除"


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit entry through the ORM."""

    def __init__(self) -> None:
        super().__init__(APPEND_ONLY_MESSAGE)


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def delete(self) -> NoReturn:
        raise AppendOnlyError

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def _raw_delete(self, using: Any) -> NoReturn:
        raise AppendOnlyError


class AuditEntry(models.Model):
    # The id is the chain position: assigned by audit_record from AuditChainHead, never by a sequence, so
    # ids are gap-free and a rolled-back transaction leaves no hole.
    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("时间"))
    # DO_NOTHING without a database constraint: deleting a user must never touch (edit) audit rows.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,  # audit_entry_actor_created leads with it
    )
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    actor_display = models.CharField(_("操作人名称"), max_length=150, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    org_unit_name = models.CharField(_("机构名称"), max_length=100, blank=True)
    action = models.CharField(_("操作"), max_length=80)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    result = models.CharField(_("结果"), max_length=8, choices=AuditResult.choices)
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    request_id = models.CharField(_("请求标识"), max_length=64, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    entry_hash = models.CharField(_("本条哈希"), max_length=64)
    # Set when the entry was first stored as an AuditPending row (the chain head was busy) and linked later by
    # ``chain_pending``: the pending row may be deleted only once its entry exists (triggers, migration 0003).
    # Not hashed: it records how the entry reached the chain, not what happened.
    pending_id = models.BigIntegerField(_("待入链序号"), null=True, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ("-id",)
        default_permissions = ("view",)
        indexes = (
            models.Index(fields=["created_at"], name="audit_entry_created"),
            models.Index(fields=["actor", "created_at"], name="audit_entry_actor_created"),
            models.Index(fields=["action", "created_at"], name="audit_entry_action_created"),
            models.Index(fields=["target_type", "target_id"], name="audit_entry_target"),
            # Only the few entries that went through AuditPending carry one (the common insert skips this index).
            models.Index(
                fields=["pending_id"], name="audit_entry_pending", condition=models.Q(pending_id__isnull=False)
            ),
        )

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.result}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: a row that already exists is never written again."""
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields") is not None:
            raise AppendOnlyError
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError


class AuditChainHead(models.Model):
    """The single row (pk=1) holding the chain's end. Appenders lock it, which serialises the chain; and
    it reveals deletion of the newest entries, which no later link could."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")
        default_permissions = ()

    def __str__(self) -> str:
        return f"#{self.last_id} {self.last_hash}"


class AuditPendingQuerySet(models.QuerySet["AuditPending"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError


class AuditPending(models.Model):
    """An entry committed while the chain head was held by another transaction (ADR 0012).

    ``audit_record`` never waits for the head: it stores the entry here, in the caller's transaction, and
    ``chain_pending`` links it after the commit (one batch per head lock, in id order). The row is never
    changed, and the database refuses its deletion until the chained copy exists in ``AuditEntry``
    (``pending_id``), so the only way out of this table is into the chain."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("时间"))
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_display = models.CharField(max_length=150, blank=True)
    org_unit_id = models.BigIntegerField(null=True, blank=True)
    org_unit_name = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    result = models.CharField(max_length=8, choices=AuditResult.choices)
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditPendingQuerySet.as_manager()

    class Meta:
        verbose_name = _("待入链审计记录")
        verbose_name_plural = _("待入链审计记录")
        ordering = ("id",)
        default_permissions = ()

    def __str__(self) -> str:
        return f"pending #{self.pk} {self.action}"
