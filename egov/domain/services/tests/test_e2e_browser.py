"""End to end in headless Debian Chromium, the issue-4 walk-through on the demo data: a citizen finds
个体工商户设立登记, applies with uploads, receives a 补正 notice, supplements, the case passes the two
departments, the citizen downloads the certificate, verifies it by the URL in its QR code and evaluates.

Every step goes through the real pages (sign-in with SMS code or TOTP, forms, uploads, downloads); the database
is only read, to check what the pages claim. Screenshots go to var/screenshots/e2e_*.png.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import OutputWrapper
from django_otp.oath import totp
from pypdf import PdfReader

from egov.domain.agency.models import Evaluation
from egov.domain.services.models import Application, ApplicationMaterial, ApplicationStatus
from egov.kernel.accounts.models import User
from egov.kernel.audit.models import AuditEntry
from egov.kernel.files.tests.factories import pdf_bytes
from egov.kernel.notify import sms
from egov.kernel.workflow.models import CaseStatus, ClockEvent, ClockKind, WorkItem

PASSWORD = "Hinggan@2026"
ITEM = "个体工商户设立登记"
SCREENSHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots"


@pytest.fixture
def demo(transactional_db: None, media: Path) -> None:
    """What ``manage.py load_demo`` gives the service hall: the org tree, the demo accounts, the catalogue
    with its processes and the agency rules; plus the message templates the app migrations seed (a flush
    by an earlier transactional test removes them)."""
    import importlib

    from django.apps import apps

    from egov.domain.agency import demo as agency_demo
    from egov.domain.services import demo as services_demo
    from egov.kernel.orgs.demo import accounts, tree

    for module_name in (
        "egov.domain.services.migrations.0003_seed_notification_templates",
        "egov.domain.agency.migrations.0002_seed_message_templates",
    ):
        importlib.import_module(module_name).seed(apps, None)
    out = OutputWrapper(StringIO())
    tree.load(out)
    accounts.load(out)
    services_demo.load(out)
    agency_demo.load(out)


@pytest.fixture
def contexts(browser: Any) -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"e2e_{name}.png"), full_page=True)


def new_page(browser: Any, contexts: list[Any]) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN", accept_downloads=True)
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def citizen_sign_in(browser: Any, contexts: list[Any], base: str) -> Any:
    """Password and the SMS code (the demo gateway keeps sent messages in ``sms.outbox``)."""
    page = new_page(browser, contexts)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名或手机号码").fill("citizen")
    page.get_by_label("密码").fill(PASSWORD)
    before = len(sms.outbox)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_function("() => document.querySelector('#sms-status') !== null")
    for _ in range(100):
        if len(sms.outbox) > before:
            break
        page.wait_for_timeout(100)
    code = re.search(r"\d{6}", sms.outbox[-1].text)
    assert code, sms.outbox[-1].text
    page.get_by_label("短信验证码").fill(code.group(0))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/accounts/profile/")
    return page


def staff_sign_in(browser: Any, contexts: list[Any], base: str, username: str) -> Any:
    """Password, then the dynamic code computed from the demo account's fixed TOTP key."""
    from egov.kernel.orgs.demo.accounts import demo_totp_key

    page = new_page(browser, contexts)
    page.goto(f"{base}/office/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/office/login/verify/")
    page.fill("input[name=code]", f"{totp(bytes.fromhex(demo_totp_key(username))):06d}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/office/")
    return page


def upload(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


def download_pdf(page: Any, link: Any) -> str:
    """Click a download link; the file must be a PDF. Returns its text."""
    with page.expect_download() as info:
        link.click()
    content = Path(info.value.path()).read_bytes()
    assert content.startswith(b"%PDF"), content[:40]
    reader = PdfReader(io.BytesIO(content))
    return "".join((p.extract_text() or "") for p in reader.pages)


def open_application(page: Any, base: str, number: str) -> None:
    """From the workbench through the side navigation's 受理办件 list."""
    page.goto(f"{base}/office/")
    page.get_by_role("navigation").get_by_role("link", name="受理办件").click()
    page.wait_for_url("**/office/services/applications/")
    page.get_by_role("link", name=number).click()
    page.wait_for_url("**/office/services/applications/*/")


def success_message(page: Any) -> str:
    return str(page.locator(".message-success").first.inner_text()).strip()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_applies_supplements_and_gets_a_verified_certificate(
    demo: None, browser: Any, live_server: Any, contexts: list[Any]
) -> None:
    base = live_server.url
    sms.outbox.clear()

    # --- the citizen finds the item through the hall's search and starts applying ---------------------------
    citizen = citizen_sign_in(browser, contexts, base)
    citizen.goto(f"{base}/services/")
    citizen.get_by_label("事项名称").fill("个体工商户")
    citizen.get_by_role("button", name="查找事项").click()
    citizen.wait_for_url("**/services/items/?*")
    shot(citizen, "01_search")
    citizen.get_by_role("link", name=ITEM).first.click()
    assert citizen.locator("h1").inner_text().strip() == ITEM
    shot(citizen, "02_guide")
    citizen.get_by_role("link", name="在线办理").first.click()
    citizen.get_by_role("button", name="开始填写").click()

    # page 1: prefilled from the real-name account; the address is typed
    citizen.wait_for_url("**/page/1/")
    assert citizen.get_by_label("经营者姓名").input_value() == "张明"
    citizen.get_by_label("住所：行政区划代码").fill("152201")
    citizen.get_by_label("住所：详细地址").fill("乌兰浩特市和平街2号")
    # what is typed is saved as a draft in the background
    citizen.locator("[data-autosave-status]").get_by_text("草稿已自动保存").wait_for()
    shot(citizen, "03_form_page1")
    citizen.get_by_role("button", name="下一步").click()
    # page 2, with one mistake first: the error is shown in Chinese next to the field
    citizen.wait_for_url("**/page/2/")
    citizen.get_by_label("个体工商户名称").fill("乌兰浩特市张明小吃店")
    citizen.get_by_label("资金数额（元）").fill("30000")
    citizen.get_by_label("经营场所：行政区划代码").fill("152201")
    citizen.get_by_label("经营场所：详细地址").fill("乌兰浩特市兴安南大街18号")
    citizen.get_by_label("拟开业日期").fill("2026-12-01")
    citizen.get_by_role("button", name="下一步").click()
    assert citizen.locator(".field-error").all_inner_texts() == ["请填写经营范围"]
    assert citizen.get_by_label("个体工商户名称").input_value() == "乌兰浩特市张明小吃店"  # what was typed is kept
    shot(citizen, "04_form_page2_error")
    citizen.get_by_label("经营范围").fill("餐饮服务；预包装食品销售")
    citizen.get_by_role("button", name="下一步").click()
    citizen.wait_for_url("**/page/3/")
    citizen.get_by_label("组成形式").select_option("个人经营")
    citizen.get_by_label("从业人数").select_option("1—3人")
    citizen.get_by_role("button", name="下一步").click()

    # materials: every required one, then check and submit
    citizen.wait_for_url("**/materials/")
    application = Application.objects.get(item__name=ITEM)
    required = [m for m in application.version.materials.all() if m.necessity == "必要"]
    for material in required:
        citizen.locator(f"#id_material_{material.pk}").set_input_files(upload(f"{material.name}.pdf"))
    citizen.get_by_role("button", name="上传所选文件").click()
    citizen.wait_for_url("**/materials/")
    for material in required:
        assert citizen.get_by_role("link", name=f"{material.name}.pdf").is_visible()
    shot(citizen, "05_materials")
    citizen.get_by_role("button", name="下一步：核对信息").click()
    citizen.wait_for_url("**/review/")
    shot(citizen, "06_review")
    citizen.get_by_role("button", name="确认提交").click()
    citizen.wait_for_url("**/receipt/")
    number = citizen.locator("[data-case-number]").inner_text().strip()
    application.refresh_from_db()
    assert number == application.case_number and application.status == ApplicationStatus.SUBMITTED
    assert citizen.locator("[data-query-code]").inner_text().strip() == application.query_code
    shot(citizen, "07_receipt")

    # --- the accepting unit asks for 补正, naming a material and a field at once ----------------------------
    scjg = staff_sign_in(browser, contexts, base, "wlht_scjg")
    open_application(scjg, base, number)
    premises = application.version.materials.get(name="经营场所使用证明")
    scjg.locator(f"input[name=materials][value='{premises.pk}']").check()
    scjg.get_by_label("经营场所使用证明：补正要求").fill("租赁合同已过期，请提交有效期内的租赁合同")
    scjg.locator("input[name=fields][value='business_scope']").check()
    scjg.get_by_label("经营范围：补正要求").fill("请按国民经济行业分类规范表述")
    scjg.get_by_role("button", name="发出补正告知").click()
    assert success_message(scjg) == "补正告知书已生成，办件已暂停计时"
    shot(scjg, "08_office_correction")

    # --- the citizen sees the notice, downloads it and supplements online -----------------------------------
    citizen.goto(f"{base}/my/cases/{number}/")
    notice = citizen.locator(".message-error")
    assert "受理机构一次性告知您需要补正以下内容" in notice.inner_text()
    assert "经营场所使用证明：租赁合同已过期，请提交有效期内的租赁合同" in notice.inner_text()
    assert "申请表“经营范围”：请按国民经济行业分类规范表述" in notice.inner_text()
    shot(citizen, "09_my_case_correction")
    documents = citizen.locator("section.panel", has=citizen.get_by_role("heading", name="文书和证照"))
    text = download_pdf(citizen, documents.get_by_role("link", name="下载").first)
    assert "补正" in text and number in text.replace("\n", "")
    citizen.get_by_role("link", name="在线补正").click()
    citizen.wait_for_url("**/supplement/")
    citizen.get_by_label("经营范围").fill("正餐服务；预包装食品销售")
    citizen.locator(f"#id_material_{premises.pk}").set_input_files(upload("租赁合同2026.pdf"))
    shot(citizen, "10_supplement")
    citizen.get_by_role("button", name="提交补正").click()
    citizen.wait_for_url(f"**/my/cases/{number}/")
    assert success_message(citizen) == "补正材料已提交，受理机构将重新审核"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUPPLEMENTED
    resumed = ClockEvent.objects.get(case=application.case, kind=ClockKind.RESUME)
    assert resumed.actor is not None and resumed.actor.username == "citizen"
    assert ApplicationMaterial.objects.get(application=application, material=premises, replaced=False).round == 1

    # --- 受理, then the two departments in parallel --------------------------------------------------------
    open_application(scjg, base, number)
    assert "第1次补正" in scjg.locator("body").inner_text()
    scjg.get_by_role("button", name="受理", exact=True).click()
    assert success_message(scjg) == "已受理，受理通知书已生成"
    scjg.get_by_label("审查意见").fill("登记事项符合规定")
    scjg.get_by_role("button", name="提交审查意见").click()
    assert success_message(scjg) == "“市场监管局登记审查”已办理"
    shot(scjg, "11_office_reviewed")

    rsj = staff_sign_in(browser, contexts, base, "wlht_rsj")
    open_application(rsj, base, number)  # listed for 人社局: a step of the case waits in its queue
    assert "人社局就业创业登记核验" in rsj.locator("h2.panel-title").all_inner_texts()[0]
    shot(rsj, "12_rsj_application")
    rsj.get_by_label("审查意见").fill("已完成就业创业登记核验")
    rsj.get_by_role("button", name="提交审查意见").click()
    assert success_message(rsj) == "“人社局就业创业登记核验”已办理"

    # --- the decision issues the certificate ----------------------------------------------------------------
    leader = staff_sign_in(browser, contexts, base, "wlht_scjg_leader")
    open_application(leader, base, number)
    leader.get_by_role("button", name="作出决定").click()
    assert success_message(leader) == "决定已作出，决定书已生成"
    shot(leader, "13_office_decided")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.case is not None and application.case.status == CaseStatus.COMPLETED
    assert list(
        WorkItem.objects.filter(case=application.case).order_by("step").values_list("step", "completed_by__username")
    ) == [
        ("accept", "wlht_scjg"),
        ("decide", "wlht_scjg_leader"),
        ("review_rsj", "wlht_rsj"),
        ("review_scjg", "wlht_scjg"),
    ]

    # --- the citizen downloads the certificate and verifies it by its QR address -----------------------------
    citizen.goto(f"{base}/my/cases/{number}/")
    assert citizen.locator(".status-tag").inner_text().strip() == "已办结（准予）"
    documents = citizen.locator("section.panel", has=citizen.get_by_role("heading", name="文书和证照"))
    licence = documents.locator("li", has_text="营业执照")
    shot(citizen, "14_my_case_approved")
    text = download_pdf(citizen, licence.get_by_role("link", name="下载")).replace("\n", "")
    assert "营业执照" in text and "乌兰浩特市张明小吃店" in text
    found = re.search(r"/verify/([0-9A-Za-z-]+)/", text)
    assert found, text
    citizen.goto(f"{base}/verify/{found.group(1)}/")
    assert citizen.locator("[data-verify-state]").get_attribute("data-verify-state") == "valid"
    assert "该证照真实有效" in citizen.locator("#verify-state").inner_text()
    assert citizen.get_by_text("营业执照", exact=True).is_visible()
    shot(citizen, "15_verify")

    # --- and evaluates (好差评) -------------------------------------------------------------------------------
    citizen.goto(f"{base}/my/cases/{number}/")
    citizen.get_by_role("link", name="评价").click()
    citizen.get_by_label("非常满意").check()
    citizen.get_by_label("评价内容（选填）").fill("网上办理很方便，补正一次就通过了")
    citizen.get_by_role("button", name="提交评价").click()
    assert success_message(citizen) == "感谢您的评价"
    assert "网上办理很方便，补正一次就通过了" in citizen.locator("main").inner_text()
    shot(citizen, "16_evaluated")
    evaluation = Evaluation.objects.get(case_id=application.case_id)
    assert evaluation.get_level_display() == "非常满意"
    assert AuditEntry.objects.filter(action="services.application_supplement", actor__username="citizen").exists()
    assert User.objects.get(username="citizen").pk == application.applicant_id
