"""Portal test data: a site (home page + columns) built through Wagtail's tree API, published pages."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone
from wagtail.models import Page
from wagtail.rich_text import RichText

from egov.domain.portal.models import (
    ArticlePage,
    ColumnKind,
    ColumnPage,
    HomePage,
    LeaderPage,
    NoticePage,
    PolicyDocumentPage,
)
from egov.domain.portal.services import ensure_site, ensure_site_workflow
from egov.kernel.access.tests.factories import OrgUnitFactory, StaffFactory, UserFactory, grant
from egov.kernel.orgs.models import OrgUnit

__all__ = ["OrgUnitFactory", "StaffFactory", "UserFactory", "add_page", "body", "grant", "make_site"]

_serial = itertools.count(1)


def body(*paragraphs: str) -> list[tuple[str, Any]]:
    return [("paragraph", RichText("".join(f"<p>{p}</p>" for p in paragraphs)))]


def publish(page: Page) -> Any:
    page.save_revision().publish()
    page.refresh_from_db()
    return page.specific


def make_site(
    key: str | None = None, *, unit: OrgUnit | None = None, name: str = "", default: bool = False
) -> HomePage:
    """A published home page with a Wagtail Site, a news column (slug zwdt) and a policy column (zcwj)."""
    n = next(_serial)
    key = key or f"site{n}"
    unit = unit or OrgUnitFactory(name=f"测试单位{n}")
    home = HomePage(
        title=name or f"测试网站{n}",
        slug=key,
        site_key=key,
        site_name=name or f"测试网站{n}",
        org_unit=unit,
        sponsor=unit.name,
        site_code="1522000099",
        icp_number="蒙ICP备00000000号",
        host=f"{key}.example.gov.cn",
    )
    Page.get_first_root_node().add_child(instance=home)
    home = publish(home)
    add_page(home, ColumnPage(title="政务动态", slug="zwdt", kind=ColumnKind.NEWS))
    add_page(home, ColumnPage(title="政策文件", slug="zcwj", kind=ColumnKind.POLICY))
    ensure_site(home, default=default)
    ensure_site_workflow(home)
    return home


def column(home: HomePage, slug: str) -> ColumnPage:
    return ColumnPage.objects.child_of(home).get(slug=slug)


def add_page(parent: Page, page: Page, *, live: bool = True) -> Any:
    if not page.slug:
        page.slug = f"p{next(_serial)}"
    page.live = False  # a new page is a draft until published
    parent.add_child(instance=page)
    if live:
        return publish(page)
    page.save_revision()
    return page


def article(title: str = "测试文章", *, text: str = "正文内容。", days_ago: int = 0, **extra: Any) -> ArticlePage:
    extra.setdefault("body", body(text))
    return ArticlePage(title=title, published_at=timezone.now() - dt.timedelta(days=days_ago), **extra)


def notice(title: str = "测试通知", text: str = "通知内容。") -> NoticePage:
    return NoticePage(title=title, body=body(text))


def policy(title: str = "测试政策文件", *, number: str = "兴署发〔2026〕12号", **extra: Any) -> PolicyDocumentPage:
    values: dict[str, Any] = {
        "issuing_body": "兴安盟行政公署",
        "written_on": dt.date(2026, 1, 5),
        "published_at": timezone.make_aware(dt.datetime(2026, 1, 8, 9)),
        "body": body("政策正文。"),
    }
    values.update(extra)
    return PolicyDocumentPage(title=title, document_number=number, **values)


def leader(name: str, position: str) -> LeaderPage:
    return LeaderPage(title=f"{name} {position}", name=name, position=position)
