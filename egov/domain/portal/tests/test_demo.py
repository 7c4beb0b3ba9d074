"""The demo step: sites, non-empty columns, the founding document, demo editors in their Wagtail groups."""

from __future__ import annotations

import io

import pytest
from django.core.management.base import OutputWrapper
from django.test import Client
from wagtail.models import Page, Site

from egov.domain.portal.demo.content import SITES, load
from egov.domain.portal.models import ColumnPage, HomePage
from egov.kernel.accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_builds_sites_with_every_column_non_empty_and_is_idempotent() -> None:
    from egov.kernel.orgs.demo.accounts import load as load_accounts
    from egov.kernel.orgs.demo.tree import load as load_tree

    out = OutputWrapper(io.StringIO())
    load_tree(out)
    load_accounts(out)
    sites = (SITES[0], SITES[4])  # the League portal and 乌兰浩特市 (the full step builds all ten)
    load(out, sites=sites)
    pages = Page.objects.count()
    load(out, sites=sites)
    assert Page.objects.count() == pages  # a rerun adds nothing
    for home in HomePage.objects.filter(locale__language_code="zh-hans"):
        for column in ColumnPage.objects.descendant_of(home).live():
            if column.link_url or ColumnPage.objects.child_of(column).exists():
                continue
            assert column.entries().exists(), f"{home.site_key}/{column.slug} 为空"
    league = HomePage.objects.get(site_key="hinggan", locale__language_code="zh-hans")
    assert Site.objects.get(is_default_site=True).root_page_id == league.pk
    html = Client().get("/sites/hinggan/zjxa/dzzw-sikao/").content.decode()
    assert "兴安盟推行电子政务建设的几点思考" in html and "周振" in html
    assert "【演示数据】" in Client().get("/sites/wlht/xxgk/zcwj/gkyd/").content.decode()
    editor = User.objects.get(username="portal_editor")
    chief = User.objects.get(username="portal_chief")
    assert list(editor.groups.values_list("name", flat=True)) == ["hinggan·网站编辑"]
    assert list(chief.groups.values_list("name", flat=True)) == ["hinggan·网站主编"]
    assert league.get_translations().filter(locale__language_code="mn").exists()
