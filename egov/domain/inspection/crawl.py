"""The crawler of site inspection: renders pages as an anonymous visitor would get them, collects their links
and images, and checks links — internal ones through the application itself, external ones over the network
with a short timeout and a result cache (``LinkStatus``).

It only runs inside the inspection task: publishing never waits for a link check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import logging
import socket
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from egov.domain.inspection.models import LinkStatus

logger = logging.getLogger(__name__)

SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "sms:")
USER_AGENT = "HingganEgovInspector/1.0 (site self-inspection)"


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images_missing_alt = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append((values["href"] or "").strip())
        elif tag == "img" and "alt" not in values and values.get("aria-hidden") != "true":
            self.images_missing_alt += 1


@dataclass(frozen=True)
class ParsedPage:
    links: tuple[str, ...]
    images_missing_alt: int


def parse_page(html: str, page_url: str) -> ParsedPage:
    """Links (absolute paths or URLs, fragments dropped, each once) and images without any ``alt``."""
    parser = _PageParser()
    parser.feed(html)
    seen: dict[str, None] = {}
    for href in parser.links:
        if not href or href.startswith("#") or href.lower().startswith(SKIPPED_SCHEMES):
            continue
        absolute = urljoin(page_url, href).split("#", 1)[0]
        if absolute:
            seen.setdefault(absolute, None)
    return ParsedPage(tuple(seen), parser.images_missing_alt)


def is_internal(link: str, hosts: set[str]) -> bool:
    parts = urlsplit(link)
    return not parts.netloc or parts.netloc.lower() in hosts


def _public_urlconf() -> AbstractContextManager[Any]:
    """The crawler must see the public site even when it runs in an office-zone worker."""
    if settings.ROOT_URLCONF == "config.urls_office":
        return override_settings(ROOT_URLCONF="config.urls_public")
    return nullcontext()


class SiteClient:
    """Fetches pages of the platform in-process, as an anonymous visitor over HTTPS."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.client = Client(HTTP_HOST=host, HTTP_USER_AGENT=USER_AGENT, raise_request_exception=False)
        self._status: dict[str, int] = {}

    def get(self, path: str) -> tuple[int, str]:
        with _public_urlconf():
            response = self.client.get(path, secure=True)
        status = response.status_code
        body = ""
        if status == 200 and not response.streaming and "html" in response.get("Content-Type", ""):
            body = response.content.decode(response.charset or "utf-8", errors="replace")
        self._status[path] = status
        return status, body

    def status(self, path: str) -> int:
        """The status of an internal link (followed through redirects), remembered for the run."""
        if path not in self._status:
            with _public_urlconf():
                response = self.client.get(path, secure=True, follow=True)
            self._status[path] = response.status_code
        return self._status[path]


def crawl_host(candidates: Iterable[str]) -> str:
    """A host name the application accepts (the site's own if allowed, else the first allowed one)."""
    allowed = list(settings.ALLOWED_HOSTS)
    for host in candidates:
        if host and (not allowed or "*" in allowed or host in allowed):
            return host
    concrete = [host.lstrip(".") for host in allowed if host != "*"]
    return concrete[0] if concrete else "localhost"


def internal_link_result(client: SiteClient, link: str) -> tuple[bool, str]:
    parts = urlsplit(link)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    status = client.status(path)
    if status >= 400:
        return False, f"状态码 {status}"
    return True, ""


# --- external links -------------------------------------------------------------------------------


def _url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def _private_address(host: str) -> bool:
    """True when ``host`` resolves to a loopback, private or link-local address (the checker must not be
    turned into a probe of the intranet by a link an editor typed)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            return True
    return False


def fetch_status(url: str, *, timeout: float) -> tuple[bool, int | None, str]:
    """HEAD, then GET when the server refuses HEAD. ``(ok, status, reason)``; never raises."""
    host = urlsplit(url).hostname or ""
    if not _setting("INSPECTION_CHECK_PRIVATE_LINKS", False) and _private_address(host):
        return True, None, "内网地址，未检查"
    headers = {"User-Agent": USER_AGENT}
    try:
        response = requests.head(url, timeout=timeout, allow_redirects=True, headers=headers)
        if response.status_code in (403, 405, 501):
            response = requests.get(url, timeout=timeout, allow_redirects=True, headers=headers, stream=True)
            response.close()
    except requests.Timeout:
        return False, None, f"超过 {timeout:g} 秒未响应"
    except (requests.RequestException, ValueError) as exc:  # ValueError: URLs requests cannot even send
        return False, None, f"无法连接（{type(exc).__name__}）"
    if response.status_code >= 400:
        return False, response.status_code, f"状态码 {response.status_code}"
    return True, response.status_code, ""


def check_external_links(urls: Iterable[str], *, now: dt.datetime | None = None) -> dict[str, tuple[bool, str]]:
    """Results for ``urls``: cached ones younger than INSPECTION_LINK_CACHE_HOURS, the rest fetched in
    parallel (at most INSPECTION_EXTERNAL_LIMIT per run; the others count as fine until a later run)."""
    now = now or timezone.now()
    urls = list(dict.fromkeys(urls))
    fresh_after = now - dt.timedelta(hours=_setting("INSPECTION_LINK_CACHE_HOURS", 24))
    cached = {
        status.url: status
        for status in LinkStatus.objects.filter(url_hash__in=[_url_hash(u) for u in urls], checked_at__gte=fresh_after)
    }
    results = {url: (status.ok, status.error) for url, status in cached.items()}
    todo = [url for url in urls if url not in cached][: _setting("INSPECTION_EXTERNAL_LIMIT", 500)]
    timeout = float(_setting("INSPECTION_LINK_TIMEOUT", 5))
    if todo:
        with ThreadPoolExecutor(max_workers=8) as pool:
            fetched = list(pool.map(lambda url: fetch_status(url, timeout=timeout), todo))
        for url, (ok, status_code, reason) in zip(todo, fetched, strict=True):
            LinkStatus.objects.update_or_create(
                url_hash=_url_hash(url),
                defaults={"url": url, "ok": ok, "status_code": status_code, "error": reason[:200], "checked_at": now},
            )
            results[url] = (ok, reason)
    return results
