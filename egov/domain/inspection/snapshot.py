"""Builds the snapshot of one portal site the rules look at: its columns with their newest dates (read from
the portal's page models, read-only) and what the crawler found on its rendered pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max
from wagtail.models import Page, Site

from egov.domain.inspection import crawl
from egov.domain.inspection.models import PageScan
from egov.domain.inspection.rules import ColumnInfo, PageLinks, SiteSnapshot
from egov.domain.portal.models import (
    ArticlePage,
    ColumnPage,
    HomePage,
    InterpretationPage,
    LeaderPage,
    NoticePage,
    PolicyDocumentPage,
    TopicPage,
)

#: Content page types and the field that dates them (the date a visitor sees on the page).
CONTENT_MODELS: tuple[tuple[type[Page], str], ...] = (
    (ArticlePage, "published_at"),
    (NoticePage, "published_at"),
    (PolicyDocumentPage, "published_at"),
    (InterpretationPage, "published_at"),
    (TopicPage, "published_at"),
    (LeaderPage, "first_published_at"),
)


@dataclass(frozen=True)
class ContentStats:
    count: int
    newest_at: dt.datetime | None


def content_stats(ancestor: Page) -> ContentStats:
    """Live content pages below ``ancestor`` and the newest of their dates."""
    count = 0
    newest: dt.datetime | None = None
    for model, date_field in CONTENT_MODELS:
        row = model.objects.descendant_of(ancestor).live().public().aggregate(n=Count("id"), newest=Max(date_field))
        count += row["n"]
        if row["newest"] is not None and (newest is None or row["newest"] > newest):
            newest = row["newest"]
    return ContentStats(count, newest)


def _path_of(page: Any) -> tuple[str, str]:
    """(host or "", path) of a page's URL in either routing mode."""
    url = page.get_url() or ""
    parts = urlsplit(url)
    return parts.netloc, parts.path or "/"


def internal_hosts(home: HomePage, crawl_host: str) -> set[str]:
    hosts = {crawl_host.lower()}
    if home.host:
        hosts.add(home.host.lower())
    hosts.update(name.lower() for name in Site.objects.values_list("hostname", flat=True))
    hosts.update(host.lstrip(".").lower() for host in settings.ALLOWED_HOSTS if host != "*")
    base = getattr(settings, "SITE_BASE_URL", "")
    if base:
        hosts.add(urlsplit(base).netloc.lower())
    return {host for host in hosts if host}


def _render_scan(client: crawl.SiteClient, page: Any, base: str) -> PageScan:
    """Render ``page`` as a visitor gets it and remember what it holds until it is published again."""
    _host, path = _path_of(page)
    status, html = client.get(path)
    parsed = crawl.parse_page(html, f"{base}{path}") if html else crawl.ParsedPage((), 0)
    missing_alt = parsed.images_missing_alt + stored_images_missing_alt(page)
    scan, _ = PageScan.objects.update_or_create(
        page_id=page.pk,
        defaults={
            "title": page.title[:255],
            "url": path[:1000],
            "last_published_at": page.last_published_at,
            "links": list(parsed.links),
            "images_missing_alt": missing_alt,
            "status_code": status,
        },
    )
    return scan


def content_scans(client: crawl.SiteClient, home: HomePage, base: str, *, chunk: int = 500) -> Iterator[PageScan]:
    """A scan per live content page of the site; only pages published since their last scan are rendered."""
    rows = (
        Page.objects.descendant_of(home)
        .live()
        .public()
        .not_type(ColumnPage, HomePage)
        .order_by("path")
        .values_list("id", "last_published_at")
    )
    iterator = rows.iterator(chunk_size=2000)
    while batch := list(islice(iterator, chunk)):
        scans = {scan.page_id: scan for scan in PageScan.objects.filter(page_id__in=[pk for pk, _ in batch])}
        stale = [
            pk
            for pk, published in batch
            if pk not in scans or scans[pk].last_published_at != published or scans[pk].status_code != 200
        ]
        if stale:
            for page in Page.objects.filter(pk__in=stale).specific():
                scans[page.pk] = _render_scan(client, page, base)
        for pk, _published in batch:
            yield scans[pk]


def stored_images_missing_alt(page: Any) -> int:
    """Body images saved without alt text and not marked decorative (they render as ``alt=""``, which the
    HTML scan cannot tell from a decorative image)."""
    images = getattr(page, "image_blocks", None)
    if images is None:
        return 0
    missing = 0
    for value in images():
        if getattr(value, "decorative", False):
            continue
        if not (getattr(value, "contextual_alt_text", "") or "").strip():
            missing += 1
    return missing


def build_snapshot(home: HomePage, *, check_external: bool, scan_content: bool = True) -> SiteSnapshot:
    site_host, home_path = _path_of(home)
    host = crawl.crawl_host([home.host, site_host, *(site.hostname for site in Site.objects.filter(root_page=home))])
    client = crawl.SiteClient(host)
    base = f"https://{host}"
    columns: list[ColumnInfo] = []
    newest_overall = home.last_published_at
    column_pages = list(ColumnPage.objects.descendant_of(home).live().public().order_by("path"))
    for column in column_pages:
        stats = content_stats(column)
        _h, path = _path_of(column)
        columns.append(
            ColumnInfo(column.pk, column.title, path, column.kind, column.is_link, stats.count, stats.newest_at)
        )
        if stats.newest_at and (newest_overall is None or stats.newest_at > newest_overall):
            newest_overall = stats.newest_at

    # The home page and the columns are rendered every run (their lists change without them being edited);
    # content pages only when they were published again since their last scan.
    pages: list[PageLinks] = []
    status, html = client.get(home_path)
    parsed = crawl.parse_page(html, f"{base}{home_path}") if html else crawl.ParsedPage((), 0)
    pages.append(PageLinks(home.pk, home.title, home_path, status, parsed.links, parsed.images_missing_alt))
    for column in column_pages:
        if column.is_link:
            continue
        _h, path = _path_of(column)
        status, html = client.get(path)
        parsed = crawl.parse_page(html, f"{base}{path}") if html else crawl.ParsedPage((), 0)
        pages.append(PageLinks(column.pk, column.title, path, status, parsed.links, parsed.images_missing_alt))
    if scan_content:
        for scan in content_scans(client, home, base):
            pages.append(
                PageLinks(
                    scan.page_id, scan.title, scan.url, scan.status_code, tuple(scan.links), scan.images_missing_alt
                )
            )

    hosts = internal_hosts(home, host)
    link_results: dict[str, tuple[bool, str]] = {}
    external: set[str] = set()
    for page in pages:
        for link in page.links:
            if link in link_results or link in external:
                continue
            if crawl.is_internal(link, hosts):
                link_results[link] = crawl.internal_link_result(client, link)
            elif urlsplit(link).scheme in ("http", "https"):
                external.add(link)
    if check_external and external:
        link_results.update(crawl.check_external_links(external))
    return SiteSnapshot(
        home_page_id=home.pk,
        site_key=home.site_key,
        site_name=home.site_name or home.title,
        site_code=home.site_code,
        home_url=home_path,
        home_updated_at=newest_overall,
        columns=columns,
        pages=pages,
        link_results=link_results,
        external_links=external,
    )
