"""Serving the portal: a site by path (/sites/<key>/…), the site root by host name, the sitemap and the
site list. Pages themselves render through Wagtail (``Page.serve``) so its hooks, previews and view
restrictions apply."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail.models import Page, Site
from wagtail.views import serve as wagtail_serve

from egov.domain.portal import selectors
from egov.domain.portal.models import HomePage


def site_page(request: HttpRequest, site_key: str, path: str = "") -> HttpResponse:
    """A page of one site addressed by path: its home page's tree in the visitor's language (an mn
    translation when the language is mn and the page has one, so switching language keeps the page)."""
    root = selectors.site_root(site_key, request)
    if root is None:
        raise Http404("没有这个网站")
    components = [part for part in path.split("/") if part]
    request._wagtail_route_for_request = selectors.route(root, components, request)  # type: ignore[attr-defined]
    return wagtail_serve(request, path)


def site_root(request: HttpRequest) -> HttpResponse:
    """``/``: the portal home page of the site this host name belongs to (the League portal is the default
    site); the platform's placeholder home page while no portal site exists."""
    site = Site.find_for_request(request)
    if site is not None and isinstance(site.root_page.specific, HomePage):
        return wagtail_serve(request, "")
    from egov.web.views import home as platform_home

    return platform_home(request)


def site_index(request: HttpRequest) -> HttpResponse:
    """站群导航: every site of the cluster."""
    return render(request, "portal/site_index.html", {"homes": selectors.site_homes()})


class PortalSitemap(Sitemap):
    """Every live public page of one site (or of all sites), both languages."""

    changefreq = "daily"

    def __init__(self, home: HomePage | None = None) -> None:
        self.home = home

    def items(self) -> Any:
        pages = Page.objects.live().public().specific()
        if self.home is not None:
            roots = [self.home, *self.home.get_translations()]
            pages = pages.filter(_descendant_filter(roots))
        else:
            pages = pages.filter(_descendant_filter(list(HomePage.objects.live())))
        return pages.order_by("path")

    def location(self, item: Page) -> str:
        return str(item.get_url() or "")

    def lastmod(self, item: Page) -> Any:
        return item.last_published_at


def _descendant_filter(roots: list[Page]) -> Any:
    from django.db.models import Q

    condition = Q(pk__in=[])
    for root in roots:
        condition |= Q(path__startswith=root.path)
    return condition


def sitemap(request: HttpRequest, site_key: str | None = None) -> HttpResponse:
    home = None
    if site_key is not None:
        home = selectors.home_by_key(site_key)
        if home is None:
            raise Http404("没有这个网站")
    response = django_sitemap(request, sitemaps={"portal": PortalSitemap(home)})
    response.render()
    return response
