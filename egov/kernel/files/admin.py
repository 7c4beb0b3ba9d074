from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from egov.kernel.files.models import StoredFile


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    """Read-only register of uploads; content is reached only through the audited download view."""

    list_display = ("created_at", "original_name", "purpose", "content_type", "size", "uploaded_by", "org_unit")
    list_filter = ("purpose", "content_type")
    search_fields = ("original_name", "sm3")
    readonly_fields = tuple(f.name for f in StoredFile._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StoredFile | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StoredFile | None = None) -> bool:
        return False
