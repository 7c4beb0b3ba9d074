"""Reading the portal: what the home page shows, the site list, the leaders a site has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.url_routing import RouteResult

from egov.domain.portal import memo
from egov.domain.portal.models import ColumnKind, ColumnPage, HomePage, LeaderPage, PortalPage, portal_routing


def default_locale() -> Locale:
    return Locale.get_default()


def site_homes() -> list[HomePage]:
    """Every site's home page (default locale, live), League portal first."""
    return list(HomePage.objects.live().filter(locale=default_locale()).order_by("path"))


def home_pages(request: HttpRequest | None = None) -> list[HomePage]:
    """Every home page of every language, shallowest first, memoised per process and page-cache generation
    (what :meth:`PortalPage.home_for` looks a page's site up in)."""
    return memo.remember(("homes",), lambda: list(HomePage.objects.order_by("depth", "path")), request=request)


def home_by_key(key: str) -> HomePage | None:
    return HomePage.objects.filter(site_key=key, locale=default_locale()).first()


def home_blocks(home: HomePage, *, per_column: int = 6) -> dict[str, Any]:
    """The home page's blocks: each column shown on the home page with its newest entries."""
    blocks = []
    for column in ColumnPage.objects.child_of(home).live().public().filter(show_on_home=True).order_by("path"):
        entries = [] if column.is_link else list(column.entries()[:per_column])
        blocks.append({"column": column, "entries": entries})
    news = ColumnPage.objects.descendant_of(home).live().filter(kind=ColumnKind.NEWS).first()
    headlines = list(news.entries()[:5]) if news else []
    return {"column_blocks": blocks, "headlines": headlines}


def site_leaders(home: HomePage) -> list[LeaderPage]:
    return list(LeaderPage.objects.descendant_of(home).live().order_by("sort_order", "path"))


def all_live_pages(home: HomePage) -> list[Page]:
    return list(Page.objects.descendant_of(home, inclusive=True).live().public().specific())


# --- what every page of a site repeats, memoised per process and generation (egov.domain.portal.memo) ---


@dataclass(frozen=True)
class Link:
    """A page as the navigation and the breadcrumb show it."""

    pk: int
    title: str
    url: str


def _page_url(page: Page, home: HomePage, request: HttpRequest | None) -> str:
    """The address ``{% pageurl %}`` gives, from the tree alone in path routing (no query)."""
    if portal_routing() == "host":
        return str(page.get_url(request) or "")
    return f"/sites/{home.site_key}/{page.url_path[len(home.url_path) :]}"


def site_root(site_key: str, request: HttpRequest) -> HomePage | None:
    """The live home page of site ``site_key`` in the visitor's language (its mn translation when the language
    is mn and one exists), or None."""

    def build() -> HomePage | None:
        home = home_by_key(site_key)
        if home is None or not home.live:
            return None
        root = home.localized.specific
        root.locale  # noqa: B018 - loaded once here, then shared by every page of the site
        return root

    return memo.remember(("root", site_key, get_language()), build, request=request)


def route(root: HomePage, components: list[str], request: HttpRequest) -> RouteResult | None:
    """Wagtail's route for ``components`` below ``root`` in two queries: the page by its slug and URL path
    (the slug is indexed; Wagtail's walk asks for every level's children, then each specific page), then
    the specific page. Anything else (a column's rss.xml, an unknown path) takes Wagtail's walk."""
    if components:
        target = root.url_path + "".join(f"{part}/" for part in components)
        found = (
            Page.objects.filter(
                slug=components[-1], depth=root.depth + len(components), path__startswith=root.path, url_path=target
            )
            .values_list("pk", "content_type_id")
            .first()
        )
        model = ContentType.objects.get_for_id(found[1]).model_class() if found else None
        if found and model is not None and issubclass(model, PortalPage):
            page = model._default_manager.filter(pk=found[0]).first()
            if page is None:
                return None
            page.__dict__["home"] = root  # PortalPage.home, a cached_property: no ancestor query
            if page.locale_id == root.locale_id:
                Page._meta.get_field("locale").set_cached_value(page, root.locale)
            try:
                return page.route(request, [])
            except Http404:
                return None
    try:
        return root.route(request, components)
    except Http404:
        return None


def site_nav(home: HomePage, request: HttpRequest | None) -> tuple[Link, ...]:
    """The site's top-level columns as the main navigation shows them (a link column shows its link)."""

    def build() -> tuple[Link, ...]:
        return tuple(
            Link(pk=column.pk, title=column.title, url=column.link_url or _page_url(column, home, request))
            for column in home.columns()
        )

    return memo.remember(("nav", home.pk, _host(request)), build, request=request)


def trail(home: HomePage, page: Page, request: HttpRequest | None) -> tuple[Link, ...]:
    """The breadcrumb above ``page``: its home page, then each column down to its parent (one query per
    parent page and generation, shared by all of its children)."""
    steplen = Page.steplen
    parent_path = page.path[:-steplen]
    if len(parent_path) < len(home.path):
        return ()

    def build() -> tuple[Link, ...]:
        paths = [parent_path[:end] for end in range(len(home.path), len(parent_path) + 1, steplen)]
        ancestors = Page.objects.filter(path__in=paths).order_by("path")
        return tuple(Link(pk=item.pk, title=item.title, url=_page_url(item, home, request)) for item in ancestors)

    return memo.remember(("trail", home.pk, parent_path, _host(request)), build, request=request)


def any_view_restrictions() -> bool:
    """Whether any page of the tree is behind a password, sign-in or group restriction."""
    return memo.remember(("restrictions",), PageViewRestriction.objects.exists)


def _host(request: HttpRequest | None) -> str:
    if request is None or portal_routing() != "host":
        return ""
    return request.get_host()
