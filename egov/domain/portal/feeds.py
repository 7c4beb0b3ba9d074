"""RSS 2.0 feed of one column (``<column url>rss.xml``): its newest 30 entries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.utils.feedgenerator import Rss201rev2Feed

if TYPE_CHECKING:
    from egov.domain.portal.models import ColumnPage

FEED_SIZE = 30


def column_feed(request: HttpRequest, column: ColumnPage) -> HttpResponse:
    home = column.home
    site_name = home.site_name if home else ""
    feed = Rss201rev2Feed(
        title=f"{column.title} - {site_name}",
        link=request.build_absolute_uri(column.get_url(request) or "/"),
        description=column.intro or f"{site_name}{column.title}栏目",
        language="zh-cn",
        feed_url=request.build_absolute_uri(),
    )
    for entry in column.entries().defer(None)[:FEED_SIZE]:
        link = request.build_absolute_uri(entry.get_url(request) or "/")
        feed.add_item(
            title=entry.title,
            link=link,
            description=entry.og_description() if hasattr(entry, "og_description") else "",
            pubdate=getattr(entry, "published_at", None) or entry.first_published_at,
            unique_id=link,
            categories=[column.title],
        )
    response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
