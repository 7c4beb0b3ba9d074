"""End to end in headless Chromium: keyboard-only use of the elder mode, and how the pages look."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page: Any, element_id: str, *, limit: int = 15) -> int:
    """Press Tab until the element has focus; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"#{element_id} not reachable with {limit} Tab presses")


def test_elder_mode_with_the_keyboard_only_persists_after_reload(
    browser_page: Any, live_server: Any, screenshot: Callable[[Any, str], Path]
) -> None:
    page = browser_page
    # given
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.className").strip() == ""
    screenshot(page, "standard")
    # the skip link is the first stop and is visible when focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    # when: Tab to the toggle and press Enter
    tab_to(page, "elder-toggle")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_class("elder")
    # then the root font grows to the elder size, focus stays on the toggle, and it reports its state
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"
    assert page.evaluate("document.activeElement.id") == "elder-toggle"
    assert page.get_attribute("#elder-toggle", "aria-pressed") == "true"
    # and the choice survives a reload
    page.reload()
    assert page.evaluate("document.documentElement.className").split() == ["elder"]
    screenshot(page, "elder")


def test_contrast_mode_and_phone_width(
    browser_page: Any, live_server: Any, screenshot: Callable[[Any, str], Path]
) -> None:
    page = browser_page
    page.goto(live_server.url + "/")
    page.click("#contrast-toggle")
    expect(page.locator("html")).to_have_class("contrast")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    screenshot(page, "contrast")
    page.click("#contrast-toggle")
    expect(page.locator("html")).to_have_class("")
    # a 360px phone: nothing overflows sideways
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "phone")


def test_mongolian_content_runs_vertically(
    browser_page: Any, live_server: Any, screenshot: Callable[[Any, str], Path]
) -> None:
    page = browser_page
    page.goto(live_server.url + "/")
    page.click("button[name=language][value=mn]")
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    block = page.locator(".mn-vertical")
    assert block.evaluate("element => getComputedStyle(element).writingMode") == "vertical-lr"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "mongolian")


def test_office_workbench_layout(browser_page: Any, live_server: Any, screenshot: Callable[[Any, str], Path]) -> None:
    from django.conf import settings
    from django.test import Client

    from egov.kernel.access.models import Role
    from egov.web.tests.factories import MembershipFactory, RoleAssignmentFactory

    # given a signed-in staff member (session made by Django's test client, handed to the browser)
    membership = MembershipFactory(org_unit__name="兴安盟行政公署办公室", user__real_name="李明")
    # transactional tests flush the built-in roles of the data migration, so make sure this one exists
    role, _ = Role.objects.get_or_create(
        code="secadmin",
        defaults={"name": "安全管理员", "permissions": ["access.assign_roles", "security.manage_policy"]},
    )
    RoleAssignmentFactory(user=membership.user, org_unit=membership.org_unit, role=role)
    client = Client()
    client.force_login(membership.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page = browser_page
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    # when
    page.goto(live_server.url + "/office/")
    # then
    expect(page.locator(".side-nav a[aria-current=page]")).to_have_text("工作台")
    expect(page.locator(".user-roles")).to_have_text("安全管理员")
    screenshot(page, "office")
