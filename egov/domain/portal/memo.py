"""Per-process memo of the portal reads every page view repeats (a site's home page, its navigation, the
breadcrumb trail of a column, whether any view restriction exists): 站点框架缓存.

Entries belong to one page-cache generation (egov.domain.portal.cache): a publication, unpublication, move
or deletion anywhere bumps it in every process (Redis in production), and the memo starts over. Within the
process that writes, any save or delete of a page, view restriction, site or locale also clears it at once
(before commit, so a process never serves its own stale data, and tests that never commit stay fresh).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest

T = TypeVar("T")
logger = logging.getLogger(__name__)
#: Kept on a request whose generation could not be read, so that the cache is not asked again.
_UNREACHABLE = -1

#: More distinct keys than this (breadcrumb trails of many columns) start the memo over.
MAX_ENTRIES = 5000

_lock = threading.Lock()
_state: dict[str, Any] = {"generation": None, "items": {}}


def request_generation(request: HttpRequest | None) -> int | None:
    """The page-cache generation, read from the cache once per request (kept on the request); None when the
    cache cannot be reached — then nothing is memoised, since no other process could tell this one that a
    page changed."""
    from egov.domain.portal.cache import current_generation

    generation = getattr(request, "_portal_generation", None)
    if generation is None:
        try:
            generation = current_generation()
        except Exception:  # Redis down: pages are still served, only slower
            logger.warning("page cache unavailable; portal reads not memoised", exc_info=True)
            generation = _UNREACHABLE
        if request is not None:
            request._portal_generation = generation  # type: ignore[attr-defined]
    return None if generation == _UNREACHABLE else int(generation)


def remember(key: tuple[Any, ...], build: Callable[[], T], *, request: HttpRequest | None = None) -> T:
    """``build()``'s value for ``key`` in the current generation, computed once per process."""
    generation = request_generation(request)
    if generation is None:
        return build()
    items = _state["items"]
    if _state["generation"] != generation:
        with _lock:
            items = _state["items"] = {}
            _state["generation"] = generation
    try:
        return items[key]
    except KeyError:
        pass
    value = build()
    if len(items) >= MAX_ENTRIES:
        items.clear()
    items[key] = value
    return value


def forget(*args: Any, **kwargs: Any) -> None:
    """Drop every entry of this process (a signal receiver)."""
    with _lock:
        _state["items"] = {}


def _on_saved_or_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from wagtail.models import Locale, Page, PageViewRestriction, Site

    if isinstance(instance, Page | PageViewRestriction | Site | Locale):
        forget()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    # No sender: a page is saved as its specific class (ArticlePage …), which is not ``Page`` for the signal.
    post_save.connect(_on_saved_or_deleted, dispatch_uid="egov_portal_memo_saved")
    post_delete.connect(_on_saved_or_deleted, dispatch_uid="egov_portal_memo_deleted")
