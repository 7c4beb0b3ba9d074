"""Factories of the search app: index entries written through the service, as the apps will."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from egov.kernel.search.models import SearchDocument
from egov.kernel.search.services import index_object

FOUNDING_DOCUMENT = Path(__file__).resolve().parent / "data" / "founding_document.txt"


def founding_paragraphs() -> list[str]:
    """The founding document's body split at its section breaks (a space in the source text)."""
    body = FOUNDING_DOCUMENT.read_text(encoding="utf-8").splitlines()[1]
    return [p for p in re.split(r"\s+", body) if p]


def indexed(
    *,
    object_type: str = "portal.article",
    object_id: str | int = 1,
    title: str = "兴安盟政务公开工作要点",
    body: str = "",
    site: str = "xam",
    published: dt.datetime | None = None,
    facets: dict[str, Any] | None = None,
) -> SearchDocument:
    return index_object(
        object_type=object_type,
        object_id=str(object_id),
        title=title,
        body=body,
        url=f"/{object_type.replace('.', '/')}/{object_id}/",
        site=site,
        published=published or dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC),
        facets=facets or {},
    )


def index_founding_document() -> list[SearchDocument]:
    """One article per paragraph, titled 第N段, published one day apart (paragraph 0 the oldest)."""
    return [
        indexed(
            object_id=n,
            title=f"兴安盟推行电子政务建设的几点思考（第{n}段）",
            body=paragraph,
            published=dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=n),
        )
        for n, paragraph in enumerate(founding_paragraphs())
    ]
