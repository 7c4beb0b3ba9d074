"""Links into pages another zone may not serve.

The public and office zones route different URLconfs (ADR 0004), and tasks and messages are built in either
(or in a worker). A link to the other zone's page is therefore optional: :func:`reverse_or_none` gives the
path where this process routes it, else None, so a caller shows no link instead of failing.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse


def reverse_or_none(viewname: str, *args: Any) -> str | None:
    """``reverse(viewname, args=args)``, or None where this process's URLconf has no such view."""
    try:
        return reverse(viewname, args=list(args))
    except NoReverseMatch:
        return None
