"""Roles (bundles of code-defined permissions) and their assignment to people at an org unit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from egov.kernel.access.permissions import permission_label, separation_violation, validate_permission_codes


class Role(models.Model):
    code = models.SlugField("角色代码", max_length=40, unique=True)
    name = models.CharField("角色名称", max_length=50)
    description = models.TextField("说明", blank=True)
    permissions = models.JSONField("权限", default=list, validators=[validate_permission_codes])
    is_builtin = models.BooleanField("内置角色", default=False, help_text="由平台数据迁移创建")
    covers_subunits_default = models.BooleanField("默认包含下级机构", default=False)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A role that reads the audit log must itself be write-free (三员分立), whatever its code.
        reason = separation_violation({self.code: frozenset(self.permissions or [])})
        if reason:
            raise ValidationError({"permissions": reason})

    @property
    def permission_labels(self) -> list[str]:
        return [permission_label(code) for code in self.permissions]


class RoleAssignment(models.Model):
    """A person holds a role at one org unit, and below it when ``include_subunits``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.ForeignKey(Role, verbose_name="角色", on_delete=models.PROTECT, related_name="assignments")
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="机构", on_delete=models.PROTECT, related_name="role_assignments"
    )
    include_subunits = models.BooleanField("包含下级机构", default=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="授权人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField("授权时间", default=timezone.now)
    valid_until = models.DateTimeField("有效期至", null=True, blank=True, help_text="为空表示长期有效")

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        ordering = ("org_unit__path", "role__code", "user__username")
        constraints = (models.UniqueConstraint(fields=["user", "role", "org_unit"], name="access_assignment_unique"),)

    def __str__(self) -> str:
        return f"{self.user} · {self.role} @ {self.org_unit}"

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until <= timezone.now()
