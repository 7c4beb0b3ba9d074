"""Reading the portal: what the home page shows, the site list, the leaders a site has."""

from __future__ import annotations

from typing import Any

from wagtail.models import Locale, Page

from egov.domain.portal.models import ColumnKind, ColumnPage, HomePage, LeaderPage


def default_locale() -> Locale:
    return Locale.get_default()


def site_homes() -> list[HomePage]:
    """Every site's home page (default locale, live), League portal first."""
    return list(HomePage.objects.live().filter(locale=default_locale()).order_by("path"))


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
