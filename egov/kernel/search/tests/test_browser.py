"""The search page in a real browser: keyboard only, results with highlights, the suggestion link."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from egov.kernel.search.tests.factories import indexed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_search_by_keyboard_and_follow_the_suggestion(
    live_server: Any, browser_page: Any, screenshot: Callable[[Any, str], Path]
) -> None:
    # given
    indexed(object_id=1, title="乌兰浩特市政务服务中心办事指南", body="乌兰浩特市政务服务中心实行全程办事代理制。")
    page = browser_page
    page.goto(f"{live_server.url}/search/")
    # when a visitor types a homophone typo and presses Enter
    page.get_by_label("检索词").fill("乌兰好特")
    page.keyboard.press("Enter")
    # then nothing is found, but the correct name is offered
    page.get_by_text("没有找到相关内容").wait_for()
    page.get_by_role("link", name="乌兰浩特").click()
    # and following it finds the guide with the name highlighted
    page.get_by_text("共找到 1 条结果").wait_for()
    assert page.locator("mark").first.inner_text() == "乌兰浩特"
    assert page.get_by_label("检索词").input_value() == "乌兰浩特"
    screenshot(page, "results")
