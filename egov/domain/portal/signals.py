"""Keep the sites' Wagtail groups in step with our role assignments (editor / chief_editor / portal_reviewer)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from egov.kernel.access.models import RoleAssignment

SITE_ROLE_CODES = {"editor", "chief_editor", "portal_reviewer"}


def _role_changed(sender: Any, instance: RoleAssignment, **kwargs: Any) -> None:
    if instance.role.code not in SITE_ROLE_CODES:
        return
    from egov.domain.portal.services import sync_site_groups

    transaction.on_commit(sync_site_groups)


def connect() -> None:
    post_save.connect(_role_changed, sender=RoleAssignment, dispatch_uid="portal-role-saved")
    post_delete.connect(_role_changed, sender=RoleAssignment, dispatch_uid="portal-role-deleted")
