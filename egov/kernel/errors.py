"""Typed errors raised by service functions.

Views turn them into form errors, the API into 4xx JSON with the Chinese message. Anything else that
escapes a view is a bug (a 500).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class Rejected(Exception):
    """A domain rule refused the action. ``code`` is stable for programs, ``message`` is for people."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class Conflict(Rejected):
    """Someone else changed the object first (e.g. two people completing one work item)."""

    status = 409


class NotFound(Rejected):
    status = 404


__all__ = ["Conflict", "NotFound", "PermissionDenied", "Rejected"]
