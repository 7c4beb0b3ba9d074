"""The portal in a real browser: home page, column, article and the Mongolian translation (screenshots in
test-artifacts/)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management.base import OutputWrapper

from egov.domain.portal.demo.content import SITES, load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_portal_pages_in_the_browser(live_server: Any, browser_page: Any, screenshot: Any) -> None:
    load(OutputWrapper(io.StringIO()), sites=(SITES[0],))
    page = browser_page
    page.goto(f"{live_server.url}/sites/hinggan/")
    assert page.locator(".brand-name").inner_text() == "兴安盟人民政府门户网站"
    assert page.locator("footer").inner_text().count("网站标识码：1522000001") == 1
    screenshot(page, "home")
    page.get_by_role("link", name="政务动态").first.click()
    page.wait_for_url("**/sites/hinggan/zwdt/")
    screenshot(page, "column")
    page.goto(f"{live_server.url}/sites/hinggan/xxgk/zcwj/gkyd/")
    assert "已废止" not in page.locator(".policy-meta").inner_text()
    screenshot(page, "policy")
    page.goto(f"{live_server.url}/sites/hinggan/zjxa/gaikuang/")
    page.locator(".lang-switch button[value='mn']").click()
    page.wait_for_load_state()
    assert page.url.endswith("/sites/hinggan/zjxa/gaikuang/")
    assert page.locator(".mn-vertical").first.evaluate("e => getComputedStyle(e).writingMode") == "vertical-lr"
    screenshot(page, "article-mn")
