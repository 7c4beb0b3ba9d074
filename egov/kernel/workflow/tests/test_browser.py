"""End to end in headless Chromium: the demo process through both departments, signed in for real
(password, then the TOTP code computed from each person's device key)."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.kernel.accounts.models import User
from egov.kernel.workflow.models import Case, CaseStatus
from egov.kernel.workflow.tests.conftest import World

PASSWORD = "Hinggan#2026demo"
TOTP_KEYS = {
    "wf_handler": "3132333435363738393031323334353637383930",
    "wf_fgw_handler": "4142434445464748494a4b4c4d4e4f5051525354",
    "wf_czj_handler": "6162636465666768696a6b6c6d6e6f7071727374",
    "wf_leader": "3031303130313031303130313031303130313031",
}


def can_sign_in(user: User) -> None:
    """Give a test user a password and a confirmed TOTP device with a known key (test arrangement)."""
    user.set_password(PASSWORD)
    user.save()
    TOTPDevice.objects.create(user=user, name="test", key=TOTP_KEYS[user.username], confirmed=True)


def sign_in(browser: Any, base_url: str, user: User) -> Any:
    """A fresh browser context signed in through the staff sign-in (password, then the dynamic code)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/office/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/office/login/verify/")
    page.fill("input[name=code]", f"{totp(bytes.fromhex(TOTP_KEYS[user.username])):06d}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/office/")
    return page


def handle_from_todo(page: Any, base_url: str, number: str, opinion: str, outcome: str = "approve") -> None:
    """Open the case from 待办 and complete this person's step with an outcome and an opinion."""
    page.goto(f"{base_url}/office/work/")
    page.get_by_role("link", name=number).click()
    page.get_by_label("办理结果").select_option(outcome)
    page.get_by_label("办理意见").fill(opinion)
    page.get_by_role("button", name="提交办理").click()
    page.locator(".message-success").wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_demo_process_runs_through_both_departments(
    world: World, browser: Any, live_server: Any, screenshot: Any
) -> None:
    base = live_server.url
    for user in (world.handler, world.fgw_handler, world.czj_handler, world.leader):
        can_sign_in(user)

    # the handler starts a case from the workbench, claims and completes 受理
    page = sign_in(browser, base, world.handler)
    page.goto(f"{base}/office/work/start/")
    page.get_by_label("办件标题").fill("某企业固定资产投资项目联合审批")
    page.get_by_label("主办机构").select_option(str(world.qianqi.pk))
    page.get_by_label("法定时限（工作日）").fill("20")
    screenshot(page, "0-start")
    page.get_by_role("button", name="发起", exact=True).click()
    page.locator(".message-success").wait_for()
    number = Case.objects.get().number
    page.goto(f"{base}/office/work/todo/")
    assert page.locator(".wb-table tbody tr").count() == 1
    screenshot(page, "1-todo")
    page.get_by_role("link", name=number).click()
    page.locator("[data-bpmn-diagram][data-rendered], .wb-diagram-failed").first.wait_for()
    screenshot(page, "2-case")
    page.get_by_role("button", name="认领").click()
    assert page.locator(".message-success").inner_text() == "已认领“受理”，请及时办理"
    handle_from_todo(page, base, number, "材料齐全，予以受理")
    assert page.locator(".message-success").inner_text() == "“受理”已办理"
    page.goto(f"{base}/office/work/todo/")
    page.locator(".wb-tabs").get_by_role("link", name="已办").click()  # boosted by htmx when it is loaded
    page.wait_for_url("**/office/work/done/")
    assert page.locator(".wb-table tbody tr").inner_text().startswith(number)
    page.context.close()

    # the two departments co-sign, each from their own 待办
    for user, opinion in ((world.fgw_handler, "符合产业政策，同意"), (world.czj_handler, "资金来源清楚，同意")):
        page = sign_in(browser, base, user)
        handle_from_todo(page, base, number, opinion)
        if user == world.fgw_handler:
            screenshot(page, "3-cosigned-by-fgw")
        page.context.close()

    # the leader approves
    page = sign_in(browser, base, world.leader)
    handle_from_todo(page, base, number, "同意办理")
    assert page.locator("[data-case-status]").inner_text() == "已办结"
    timeline = page.locator(".wb-timeline").inner_text()
    for text in ("材料齐全，予以受理", "符合产业政策，同意", "资金来源清楚，同意", "同意办理", "停止计时"):
        assert text in timeline
    screenshot(page, "4-completed")
    page.context.close()

    case = Case.objects.get(number=number)
    assert case.status == CaseStatus.COMPLETED
    assert list(case.work_items.order_by("pk").values_list("step", "completed_by__username")) == [
        ("accept", "wf_handler"),
        ("review_fgw", "wf_fgw_handler"),
        ("review_czj", "wf_czj_handler"),
        ("approve", "wf_leader"),
    ]
