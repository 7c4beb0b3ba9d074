"""Read-only Django admin for the audit log: nobody adds, changes or deletes, and reading follows the
access policy (``audit.view``), so a break-glass superuser cannot read it there either (三员分立)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from egov.kernel.access.policy import has_perm
from egov.kernel.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ("id", "created_at", "actor_username", "org_unit_name", "action", "target_repr", "result", "ip")
    list_filter = ("result",)
    search_fields = ("=actor_username", "^action", "=request_id")
    show_full_result_count = False
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_perm(request.user, "audit.view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_perm(request.user, "audit.view")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
