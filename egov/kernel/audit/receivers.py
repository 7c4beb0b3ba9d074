"""Security events from Django auth and django-axes, recorded in the audit log (等保 2.0: 登录、失败、锁定)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from egov.kernel.audit.models import AuditResult
from egov.kernel.audit.services import audit_record


def on_signed_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    audit_record(actor=user, action="accounts.sign_in", target=user)


def on_signed_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    audit_record(actor=user, action="accounts.sign_out", target=user)


def on_sign_in_failed(sender: Any, credentials: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """Only the username given is kept; Django has already replaced the password, and we never read it."""
    username = str((credentials or {}).get("username", ""))[:150]
    audit_record(
        actor=None, action="accounts.sign_in_failed", result=AuditResult.FAILURE, detail={"username": username}
    )


def on_locked_out(sender: Any, username: str | None = None, ip_address: str | None = None, **kwargs: Any) -> None:
    audit_record(
        actor=None,
        action="accounts.locked_out",
        result=AuditResult.FAILURE,
        detail={"username": str(username or "")[:150], "ip_address": str(ip_address or "")},
    )


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(on_signed_in, dispatch_uid="egov_audit_sign_in")
    user_logged_out.connect(on_signed_out, dispatch_uid="egov_audit_sign_out")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="egov_audit_sign_in_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="egov_audit_locked_out")
