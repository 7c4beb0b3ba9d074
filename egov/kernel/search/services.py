"""Writing the index. Only the system writes here (publish/unpublish hooks, the reindex task and command),
so there is no actor and no permission check; callers must pass PUBLIC objects only — the index is served
to anonymous visitors. Index writes are not audited: they repeat the publishing action that owning apps
already audit, and a full reindex would flood the chain with copies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from egov.kernel.errors import Rejected
from egov.kernel.search import text
from egov.kernel.search.models import SearchDocument


@dataclass(frozen=True)
class Indexable:
    """What an app's loader returns for one public object."""

    title: str
    body: str
    url: str
    site: str = ""
    published: dt.datetime | None = None
    facets: dict[str, Any] = field(default_factory=dict)


Loader = Callable[[str], Indexable | None]


@dataclass(frozen=True)
class Registration:
    loader: Loader
    all_ids: Callable[[], Iterable[str]]
    label: str


_registry: dict[str, Registration] = {}


def register_indexable(
    object_type: str, loader: Loader, *, all_ids: Callable[[], Iterable[str]], label: str = ""
) -> None:
    """Plug an app's objects into the search (call from ``AppConfig.ready``).

    ``loader(object_id)`` returns an ``Indexable`` when the object is public, None when it is not (or no
    longer exists), which removes it from the index; ``all_ids()`` lists the public ids for a full reindex;
    ``label`` names the type in the search page's filter (如 “政策文件”)."""
    _registry[object_type] = Registration(loader=loader, all_ids=all_ids, label=label or object_type)


def registered_types() -> list[str]:
    return sorted(_registry)


def type_label(object_type: str) -> str:
    registered = _registry.get(object_type)
    return registered.label if registered else object_type


def registration(object_type: str) -> Registration:
    try:
        return _registry[object_type]
    except KeyError:
        raise Rejected("unknown_type", f"未登记的检索对象类型：{object_type}", field="object_type") from None


@transaction.atomic
def index_object(
    *,
    object_type: str,
    object_id: str,
    title: str,
    body: str,
    url: str,
    site: str = "",
    published: dt.datetime | None = None,
    facets: dict[str, Any] | None = None,
) -> SearchDocument:
    """Add or replace one public object in the index (the full-text index follows in the same transaction)."""
    title = title.strip()
    if not title:
        raise Rejected("title_required", "标题不能为空", field="title")
    document, _created = SearchDocument.objects.update_or_create(
        object_type=object_type,
        object_id=str(object_id),
        defaults={
            "title": title[:500],
            "body": body,
            "url": url,
            "site": site,
            "published": published,
            "year": published.year if published else None,
            "facets": facets or {},
            "tokens": text.index_tokens(f"{title}\n{body}"),
        },
    )
    return document


@transaction.atomic
def remove_object(*, object_type: str, object_id: str) -> bool:
    """Take an object out of the index (unpublished, withdrawn, deleted); True when it was there."""
    deleted, _ = SearchDocument.objects.filter(object_type=object_type, object_id=str(object_id)).delete()
    return deleted > 0


def reindex(*, object_type: str, object_id: str) -> bool:
    """Bring one object's entry in line with its owner app: index it if public, remove it otherwise.
    Returns True when the object is now in the index."""
    entry = registration(object_type).loader(str(object_id))
    if entry is None:
        remove_object(object_type=object_type, object_id=object_id)
        return False
    index_object(
        object_type=object_type,
        object_id=object_id,
        title=entry.title,
        body=entry.body,
        url=entry.url,
        site=entry.site,
        published=entry.published,
        facets=entry.facets,
    )
    return True


def schedule_reindex(*, object_type: str, object_id: str) -> None:
    """Queue ``reindex_object`` once the caller's transaction commits (call it on publish and unpublish)."""
    from egov.kernel.search.tasks import reindex_object

    registration(object_type)  # fail now, in the publisher's request, not later in the worker
    transaction.on_commit(lambda: reindex_object.enqueue(object_type, str(object_id)))


def reindex_type(*, object_type: str) -> tuple[int, int]:
    """Rebuild every entry of one type: index the public objects, drop entries whose object is gone.
    Returns (indexed, removed)."""
    reg = registration(object_type)
    public_ids = {str(pk) for pk in reg.all_ids()}
    indexed = sum(1 for pk in sorted(public_ids) if reindex(object_type=object_type, object_id=pk))
    stale = SearchDocument.objects.filter(object_type=object_type).exclude(object_id__in=public_ids)
    removed, _ = stale.delete()
    return indexed, removed
