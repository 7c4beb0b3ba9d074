"""Who may download a stored file. Owners and staff who handle business at the file's unit always may;
each app adds rules for the objects its files are attached to, e.g. in ``AppConfig.ready``::

    register_download_rule("services.application", lambda user, f: application_visible_to(user, f.related_id))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.kernel.accounts.models import User
    from egov.kernel.files.models import StoredFile

DownloadRule = Callable[["User", "StoredFile"], bool]

_rules: dict[str, list[DownloadRule]] = {}


def register_download_rule(related_type: str, rule: DownloadRule) -> None:
    """Let ``rule(user, stored_file)`` grant downloads of files related to objects of ``related_type``
    ("app_label.model")."""
    _rules.setdefault(related_type, []).append(rule)


def unregister_download_rule(related_type: str, rule: DownloadRule) -> None:
    """For tests and apps that are switched off at run time."""
    _rules.get(related_type, []).remove(rule)


def file_can_download(user: User | AnonymousUser | None, stored_file: StoredFile) -> bool:
    from egov.kernel.access.policy import has_perm

    if user is None or not user.is_authenticated:
        return False
    if stored_file.uploaded_by_id is not None and stored_file.uploaded_by_id == user.pk:
        return True
    if stored_file.org_unit_id is not None and has_perm(user, "workflow.handle", stored_file.org_unit):
        return True
    return any(rule(user, stored_file) for rule in _rules.get(stored_file.related_type, ()))
