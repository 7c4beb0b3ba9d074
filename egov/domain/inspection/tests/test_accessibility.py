"""axe-core on the portal's main page kinds (no serious or critical violations) and screenshots of the home
page in normal, elder and Mongolian modes (var/screenshots/). Debian Chromium through Playwright."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from egov.domain.inspection.tests.factories import make_article, make_column, make_home, make_notice
from egov.domain.portal.models import PolicyDocumentPage

ROOT = Path(settings.BASE_DIR)
AXE_CANDIDATES = (ROOT / "var/vendor/axe-core/axe.min.js", ROOT / "node_modules/axe-core/axe.min.js")
SCREENSHOTS = ROOT / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_source() -> str:
    for candidate in AXE_CANDIDATES:
        if candidate.exists():
            return candidate.read_text(encoding="utf-8")
    pytest.skip("缺少 axe-core（npm install 后位于 node_modules/axe-core/axe.min.js）")


def portal() -> dict[str, str]:
    home = make_home(title="兴安盟人民政府门户网站", site_name="兴安盟人民政府门户网站", site_key="hinggan")
    news = make_column(home, kind="news", title="政务动态")
    article = make_article(
        news,
        title="兴安盟推进一体化政务服务平台建设",
        body=[("paragraph", "<h2>建设目标</h2><p>全盟政务服务事项实现“一网通办”。</p>")],
        source="兴安盟行政公署办公室",
    )
    make_notice(make_column(home, kind="notice", title="通知公告"), age_days=3)
    policies = make_column(home, kind="policy", title="政策文件")
    policy = policies.add_child(
        instance=PolicyDocumentPage(
            title="兴安盟行政公署关于印发政务服务事项清单的通知",
            slug="policy-1",
            document_number="兴署发〔2026〕12号",
            issuing_body="兴安盟行政公署",
            written_on=dt.date(2026, 3, 1),
            published_at=timezone.now() - dt.timedelta(days=5),
            body=[("paragraph", "<p>各旗县市人民政府，盟直各部门：现将清单印发给你们，请认真贯彻执行。</p>")],
        )
    )
    policy.save_revision().publish()
    return {
        "home": home.get_url(),
        "column": news.get_url(),
        "article": article.get_url(),
        "policy": policy.get_url(),
        "search": "/search/?q=政务服务",
    }


def serious_violations(page: Any, source: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=source)
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_axe_reports_no_serious_or_critical_violations(live_server: Any, browser: Any) -> None:
    source = axe_source()
    urls = portal()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    report: dict[str, list[dict[str, Any]]] = {}
    try:
        for name, path in urls.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (name, path)
            report[name] = serious_violations(page, source)
    finally:
        context.close()
    assert {name: found for name, found in report.items() if found} == {}, json.dumps(
        report, ensure_ascii=False, indent=1
    )


@pytest.mark.parametrize(
    ("mode", "cookies"),
    [("normal", {}), ("elder", {"egov_elder": "1"}), ("mongolian", {"django_language": "mn"})],
)
def test_home_page_screenshots(live_server: Any, browser: Any, mode: str, cookies: dict[str, str]) -> None:
    urls = portal()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    if cookies:
        context.add_cookies([{"name": k, "value": v, "url": live_server.url} for k, v in cookies.items()])
    page = context.new_page()
    try:
        response = page.goto(f"{live_server.url}{urls['home']}")
        assert response is not None and response.status == 200
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"portal-home-{mode}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
        html_class = page.evaluate("document.documentElement.className")
        lang = page.evaluate("document.documentElement.lang")
        if mode == "elder":
            assert "elder" in html_class
        if mode == "mongolian":
            assert lang == "mn"
    finally:
        context.close()
