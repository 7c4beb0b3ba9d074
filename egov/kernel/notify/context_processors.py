"""Unread in-site message count for the page header (add to TEMPLATES context_processors)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from egov.kernel.notify.selectors import unread_count as count_unread


def unread_count(request: HttpRequest) -> dict[str, int | Callable[[], int]]:
    """``{{ unread_message_count }}`` — a callable, so pages that never show the badge never run the query
    (templates call it; the first result is reused within the request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_message_count": 0}
    return {"unread_message_count": cache(lambda: count_unread(user=user))}
