"""End to end in headless Debian Chromium: a citizen registers, signs out, signs in again with password and
SMS code, and switches to elder mode, which persists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache

from egov.kernel.accounts.models import User
from egov.kernel.identifiers import resident_id_check_char
from egov.kernel.notify import sms

PASSWORD = "Xam#2026citizen"
ID_FIRST17 = "15222119800101005"
ID_NUMBER = ID_FIRST17 + resident_id_check_char(ID_FIRST17)
PHONE = "13912345678"


def latest_code() -> str:
    match = re.search(r"\d{6}", sms.outbox[-1].text)
    assert match, sms.outbox[-1].text
    return match.group(0)


def request_code(page: Any) -> str:
    before = len(sms.outbox)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_function("() => document.querySelector('#sms-status') !== null")
    for _ in range(50):
        if len(sms.outbox) > before:
            break
        page.wait_for_timeout(100)
    assert len(sms.outbox) == before + 1
    return latest_code()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_registers_signs_in_and_switches_to_elder_mode(browser: Any, live_server: Any, screenshot: Any) -> None:
    sms.outbox.clear()
    context = browser.new_context(viewport={"width": 412, "height": 915}, locale="zh-CN")  # a phone
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url

    # a bad ID number first: a clear Chinese message, and what was typed is kept
    page.goto(f"{base}/accounts/register/")
    page.get_by_label("姓名").fill("包明")
    page.get_by_label("身份证号码").fill(ID_FIRST17 + ("0" if ID_NUMBER[-1] != "0" else "1"))
    page.get_by_label("手机号码").fill(PHONE)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_confirm").fill(PASSWORD)
    page.get_by_label("短信验证码").fill(request_code(page))
    page.get_by_role("button", name="注册").click()
    assert page.get_by_text("身份证号码校验位不正确").first.is_visible()
    assert page.get_by_label("姓名").input_value() == "包明"
    screenshot(page, "register-error")

    # corrected: registered and signed in
    page.get_by_label("身份证号码").fill(ID_NUMBER)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_confirm").fill(PASSWORD)
    page.get_by_label("短信验证码").fill(latest_code())
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/accounts/profile/")
    assert page.get_by_text("注册成功").first.is_visible()
    user = User.objects.get(real_name="包明")
    assert user.id_number == ID_NUMBER
    assert ID_NUMBER not in page.content()  # shown masked only
    assert ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:] in page.content()

    # sign out, then sign in with phone + password + SMS code
    page.get_by_role("button", name="退出").first.click()
    cache.clear()  # a minute passes: the one-code-per-minute limit for this phone has run out
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名或手机号码").fill(PHONE)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("短信验证码").fill(request_code(page))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/accounts/profile/")

    # elder mode, with the keyboard only, persists across pages and on the account
    page.goto(f"{base}/")
    page.locator("#elder-toggle").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.classList.contains('elder')")
    page.reload()
    assert "elder" in (page.locator("html").get_attribute("class") or "")
    user.refresh_from_db()
    assert user.elder_mode is True
    screenshot(page, "home-elder-signed-in")
    context.close()
