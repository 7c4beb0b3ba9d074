"""Portal sites for inspection tests, built the way editors build them (pages added under a home page).

Dates are set directly: a rule about "not updated for 14 days" needs pages of a chosen age.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from wagtail.models import Locale, Page

from egov.domain.portal.models import ArticlePage, ColumnPage, HomePage, NoticePage
from egov.kernel.orgs.models import OrgUnit

_counter = iter(range(1, 10_000))


def days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def tree_root() -> Page:
    """Wagtail's root page and default locale (a transactional test's flush removes what migrations made)."""
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", live=True))
    return root


def make_home(*, org_unit: OrgUnit | None = None, site_code: str = "1522000001", **fields: Any) -> HomePage:
    n = next(_counter)
    root = tree_root()
    values: dict[str, Any] = {
        "title": f"测试网站{n}",
        "slug": f"test-site-{n}",
        "site_key": f"test{n}",
        "site_name": f"测试网站{n}",
        "site_code": site_code,
        "org_unit": org_unit,
        "sponsor": "测试单位",
    }
    values.update(fields)
    home = root.add_child(instance=HomePage(**values))
    home.save_revision().publish()
    return HomePage.objects.get(pk=home.pk)


def make_column(parent: Page, *, kind: str = "news", title: str = "", link_url: str = "") -> ColumnPage:
    n = next(_counter)
    column = parent.add_child(
        instance=ColumnPage(title=title or f"栏目{n}", slug=f"column-{n}", kind=kind, link_url=link_url)
    )
    column.save_revision().publish()
    return ColumnPage.objects.get(pk=column.pk)


def make_article(column: Page, *, age_days: float = 1, body: Any = None, **fields: Any) -> ArticlePage:
    n = next(_counter)
    article = column.add_child(
        instance=ArticlePage(
            title=fields.pop("title", f"文章{n}"),
            slug=f"article-{n}",
            published_at=days_ago(age_days),
            body=body or [("paragraph", "<p>兴安盟行政公署发布的测试信息。</p>")],
            **fields,
        )
    )
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


def make_notice(column: Page, *, age_days: float = 1) -> NoticePage:
    n = next(_counter)
    notice = column.add_child(
        instance=NoticePage(title=f"通知{n}", slug=f"notice-{n}", published_at=days_ago(age_days))
    )
    notice.save_revision().publish()
    return NoticePage.objects.get(pk=notice.pk)


def healthy_site(*, org_unit: OrgUnit | None = None) -> HomePage:
    """A site that breaks no rule: fresh news, a fresh notice column, a link column, a site code."""
    home = make_home(org_unit=org_unit)
    news = make_column(home, kind="news", title="政务动态")
    make_article(news, age_days=2)
    notices = make_column(home, kind="notice", title="通知公告")
    make_notice(notices, age_days=30)
    make_column(home, kind="other", title="政务服务", link_url="/services/")
    return home
