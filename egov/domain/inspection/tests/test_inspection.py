"""Site inspection end to end on real portal pages: the run, each rule on real content, the crawler, the
dashboard scoped to the reader's sites, exports and the command."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egov.domain.inspection import crawl, services
from egov.domain.inspection.models import Finding, InspectionRun, LinkStatus, Rule, Severity, SiteReport, Verdict
from egov.domain.inspection.snapshot import build_snapshot
from egov.domain.inspection.tests.factories import (
    days_ago,
    healthy_site,
    make_article,
    make_column,
    make_home,
    make_notice,
)
from egov.kernel.access.policy import AccessDenied
from egov.kernel.access.tests.factories import OrgUnitFactory, StaffFactory, grant
from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import Rejected

pytestmark = pytest.mark.django_db


def run_for(home: Any, *, external: bool = False) -> SiteReport:
    run = services.inspection_start(
        actor=None, trigger="command", home_page_ids=[home.pk], check_external=external, queue=False
    )
    services.inspection_execute(run_id=run.pk, home_page_ids=[home.pk])
    return SiteReport.objects.get(run=run, home_page_id=home.pk)


def rules(report: SiteReport) -> set[tuple[str, str]]:
    return set(report.findings.values_list("rule", "severity"))


def link_findings(report: SiteReport, path: str) -> list[Finding]:
    return [f for f in report.findings.filter(rule=Rule.BROKEN_INTERNAL_LINK) if urlsplit(f.url).path == path]


# --- rules on real pages -----------------------------------------------------------------------------


def test_a_healthy_site_has_no_update_column_or_site_code_findings() -> None:
    # given
    home = healthy_site()
    # when
    report = run_for(home)
    # then
    assert report.run.status == "done"
    checked = {Rule.HOME_STALE, Rule.NEWS_COLUMN_STALE, Rule.NOTICE_COLUMN_STALE, Rule.EMPTY_COLUMN}
    assert not {rule for rule, _ in rules(report)} & (checked | {Rule.MISSING_SITE_CODE, Rule.IMAGE_MISSING_ALT})
    assert report.pages_checked == 5  # home, two columns (the link column is not rendered), two pages


def test_stale_home_news_and_notice_columns_on_real_pages() -> None:
    home = make_home()
    news = make_column(home, kind="news", title="政务动态")
    make_article(news, age_days=20)
    notices = make_column(home, kind="notice", title="通知公告")
    make_notice(notices, age_days=200)
    home.last_published_at = days_ago(30)
    home.save(update_fields=["last_published_at"])

    report = run_for(home)

    found = rules(report)
    assert (Rule.HOME_STALE, Severity.VETO) in found
    assert (Rule.NEWS_COLUMN_STALE, Severity.VIOLATION) in found
    assert (Rule.NOTICE_COLUMN_STALE, Severity.VIOLATION) in found
    assert report.verdict == Verdict.FAIL
    message = report.findings.get(rule=Rule.NEWS_COLUMN_STALE).message
    assert message == "栏目“政务动态”已 20 天未更新（要求 2 周内更新）"


def test_a_news_column_at_eleven_days_is_warned() -> None:
    home = make_home()
    news = make_column(home, kind="news", title="要闻")
    make_article(news, age_days=11)
    home.last_published_at = days_ago(11)
    home.save(update_fields=["last_published_at"])

    report = run_for(home)

    assert (Rule.NEWS_COLUMN_STALE, Severity.WARNING) in rules(report)
    assert report.verdict == Verdict.WARN or report.verdict == Verdict.PROBLEMS


def test_empty_column_but_not_a_link_column() -> None:
    home = make_home()
    make_article(make_column(home, kind="news"), age_days=1)
    empty = make_column(home, kind="notice", title="人事信息")
    make_column(home, kind="other", title="政务服务", link_url="/services/")

    report = run_for(home)

    empties = list(report.findings.filter(rule=Rule.EMPTY_COLUMN))
    assert [(f.page_id, f.message) for f in empties] == [(empty.pk, "栏目“人事信息”没有任何信息（空白栏目）")]


def test_missing_site_code_on_a_real_site() -> None:
    home = make_home(site_code="")
    make_article(make_column(home), age_days=1)
    assert (Rule.MISSING_SITE_CODE, Severity.VIOLATION) in rules(run_for(home))


def _body_with_link(href: str) -> list[Any]:
    return [("paragraph", f'<p>参见<a href="{href}">相关链接</a>。</p>')]


def test_broken_internal_link_is_found_and_a_working_one_is_not() -> None:
    home = make_home()
    news = make_column(home)
    good = make_article(news, age_days=1)
    make_article(news, age_days=1, title="有坏链接的文章", body=_body_with_link("/sites/nowhere/gone/"))
    make_article(news, age_days=1, title="有好链接的文章", body=_body_with_link(good.get_url()))

    report = run_for(home)

    [broken] = link_findings(report, "/sites/nowhere/gone/")
    assert broken.page_title == "有坏链接的文章"
    assert broken.message.endswith("不可用（状态码 404）")
    assert link_findings(report, good.get_url()) == []


def test_images_without_alt_in_the_body_are_found() -> None:
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="会场", file=get_test_image_file())
    home = make_home()
    news = make_column(home)

    def image_body(alt: str, decorative: bool) -> str:
        value = {"image": image.pk, "alt_text": alt, "decorative": decorative}
        return json.dumps([{"type": "image", "value": value}])

    without = make_article(news, title="无替代文字", body=image_body("", False))
    with_alt = make_article(news, title="有替代文字", body=image_body("会场全景", False))
    decorative = make_article(news, title="装饰图", body=image_body("", True))

    report = run_for(home)

    flagged = set(report.findings.filter(rule=Rule.IMAGE_MISSING_ALT).values_list("page_id", flat=True))
    assert without.pk in flagged
    assert with_alt.pk not in flagged
    assert decorative.pk not in flagged


def test_parse_page_finds_links_and_images_without_alt() -> None:
    html = (
        '<a href="/a/#top">A</a><a href="#x">skip</a><a href="mailto:x@y.cn">m</a><a href="b/">B</a>'
        '<img src="1.png"><img src="2.png" alt=""><img src="3.png" aria-hidden="true"><a href="/a/">again</a>'
    )
    parsed = crawl.parse_page(html, "https://www.xam.gov.cn/c/")
    assert parsed.links == ("https://www.xam.gov.cn/a/", "https://www.xam.gov.cn/c/b/")
    assert parsed.images_missing_alt == 1


def test_unchanged_content_pages_are_not_rendered_again() -> None:
    home = make_home()
    article = make_article(make_column(home), age_days=1)
    build_snapshot(home, check_external=False)
    calls: list[str] = []
    original = crawl.SiteClient.get

    def counting(self: crawl.SiteClient, path: str) -> tuple[int, str]:
        calls.append(path)
        return original(self, path)

    crawl.SiteClient.get = counting  # type: ignore[method-assign]
    try:
        build_snapshot(home, check_external=False)
        assert article.get_url() not in calls
        article.save_revision().publish()
        build_snapshot(home, check_external=False)
        assert article.get_url() in calls
    finally:
        crawl.SiteClient.get = original  # type: ignore[method-assign]


# --- external links: a local server, short timeouts, results cached ---------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        if self.path == "/slow":
            threading.Event().wait(2)
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def partner_site(settings: Any) -> Iterator[str]:
    settings.INSPECTION_CHECK_PRIVATE_LINKS = True
    settings.INSPECTION_LINK_TIMEOUT = 0.5
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_external_links_checked_with_timeout_and_cached(partner_site: str) -> None:
    home = make_home()
    news = make_column(home)
    for path in ("/ok", "/missing", "/slow"):
        make_article(news, title=f"外链{path}", body=_body_with_link(f"{partner_site}{path}"))

    report = run_for(home, external=True)

    broken = {f.url: f.message for f in report.findings.filter(rule=Rule.BROKEN_EXTERNAL_LINK)}
    assert set(broken) == {f"{partner_site}/missing", f"{partner_site}/slow"}
    assert broken[f"{partner_site}/missing"].endswith("不可用（状态码 404）")
    assert broken[f"{partner_site}/slow"].endswith("不可用（超过 0.5 秒未响应）")
    assert LinkStatus.objects.count() == 3
    # a second run within the cache period asks nobody
    checked_at = set(LinkStatus.objects.values_list("checked_at", flat=True))
    run_for(home, external=True)
    assert set(LinkStatus.objects.values_list("checked_at", flat=True)) == checked_at


def test_private_addresses_are_not_probed_by_default() -> None:
    assert crawl.fetch_status("http://127.0.0.1:9/x", timeout=0.2) == (True, None, "内网地址，未检查")


def test_without_external_check_no_network_is_used(partner_site: str) -> None:
    home = make_home()
    make_article(make_column(home), body=_body_with_link(f"{partner_site}/missing"))
    report = run_for(home, external=False)
    assert not report.findings.filter(rule=Rule.BROKEN_EXTERNAL_LINK).exists()
    assert LinkStatus.objects.count() == 0


# --- people: scope, permission, audit ---------------------------------------------------------------------


@pytest.fixture
def two_sites() -> tuple[Any, Any, Any, Any]:
    unit_a = OrgUnitFactory(name="发展和改革委员会")
    unit_b = OrgUnitFactory(name="教育局")
    return unit_a, unit_b, healthy_site(org_unit=unit_a), healthy_site(org_unit=unit_b)


def test_dashboard_shows_only_the_readers_sites(two_sites: Any) -> None:
    unit_a, _unit_b, home_a, home_b = two_sites
    reviewer = StaffFactory()
    grant(reviewer, "portal_reviewer", unit_a)
    run_for(home_a)
    run_for(home_b)
    client = Client()
    client.force_login(reviewer)

    page = client.get(reverse("inspection:dashboard"))

    assert page.status_code == 200
    html = page.content.decode()
    assert home_a.site_name in html
    assert home_b.site_name not in html
    report_b = SiteReport.objects.get(home_page_id=home_b.pk)
    assert client.get(reverse("inspection:report", args=[report_b.pk])).status_code == 404
    report_a = SiteReport.objects.get(home_page_id=home_a.pk)
    assert client.get(reverse("inspection:report", args=[report_a.pk])).status_code == 200


def test_manual_run_from_the_dashboard_checks_only_the_readers_site(
    two_sites: Any, django_capture_on_commit_callbacks: Any
) -> None:
    unit_a, _unit_b, home_a, home_b = two_sites
    editor = StaffFactory()
    grant(editor, "chief_editor", unit_a)
    client = Client()
    client.force_login(editor)

    response = client.post(reverse("inspection:run"), {"home_page_id": home_b.pk})
    assert response.status_code == 302
    assert not SiteReport.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inspection:run"), {})
    assert list(SiteReport.objects.values_list("home_page_id", flat=True)) == [home_a.pk]
    assert AuditEntry.objects.filter(action="inspection.start", actor_id=editor.pk).count() == 1


def test_a_person_without_portal_inspect_is_refused_and_nothing_runs(two_sites: Any) -> None:
    unit_a, *_ = two_sites
    handler = StaffFactory()
    grant(handler, "handler", unit_a)
    with pytest.raises(AccessDenied):
        services.inspection_start(actor=handler, trigger="manual")
    assert not InspectionRun.objects.exists()
    client = Client()
    client.force_login(handler)
    assert client.get(reverse("inspection:dashboard")).status_code == 403


def test_a_reader_with_no_site_gets_a_clear_message(two_sites: Any) -> None:
    reviewer = StaffFactory()
    grant(reviewer, "portal_reviewer", OrgUnitFactory(name="无网站单位"))
    with pytest.raises(Rejected) as excinfo:
        services.inspection_start(actor=reviewer, trigger="manual")
    assert excinfo.value.message == "没有可检查的网站"


# --- exports and the command ------------------------------------------------------------------------------


def test_report_export_excel_and_csv(two_sites: Any) -> None:
    unit_a, _unit_b, home_a, _home_b = two_sites
    make_column(home_a, kind="notice", title="空栏目")
    reviewer = StaffFactory()
    grant(reviewer, "portal_reviewer", unit_a)
    report = run_for(home_a)
    client = Client()
    client.force_login(reviewer)
    url = reverse("inspection:report_export", args=[report.pk])

    xlsx = client.post(url, {"file_format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].startswith('attachment; filename="inspection-')
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == f"{home_a.site_name} 网站检查报告"
    assert any(row[4] == "栏目“空栏目”没有任何信息（空白栏目）" for row in values if row and len(row) > 4)

    text = client.post(url, {"file_format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(StringIO(text)))
    assert rows[-1][:3] == ["问题", "空白栏目", "空栏目"] or any(r[:2] == ["问题", "空白栏目"] for r in rows)

    bad = client.post(url, {"file_format": "pdf"})
    assert bad.status_code == 400
    assert "不支持的导出格式，请选择 CSV 或 Excel" in bad.content.decode()
    assert AuditEntry.objects.filter(action="inspection.export").count() == 2


def test_export_of_another_units_report_is_denied(two_sites: Any) -> None:
    unit_a, _unit_b, _home_a, home_b = two_sites
    reviewer = StaffFactory()
    grant(reviewer, "portal_reviewer", unit_a)
    report_b = run_for(home_b)
    with pytest.raises(AccessDenied):
        services.inspection_report_export(actor=reviewer, report=report_b, file_format="csv")
    assert not AuditEntry.objects.filter(action="inspection.export").exists()


def test_command_and_daily_task(two_sites: Any, django_capture_on_commit_callbacks: Any) -> None:
    out = StringIO()
    call_command("inspect_sites", "--no-external", stdout=out)
    assert "合格" in out.getvalue() or "有问题" in out.getvalue() or "有预警" in out.getvalue()
    assert SiteReport.objects.count() == 2

    from egov.domain.inspection.tasks import daily_inspection

    with django_capture_on_commit_callbacks(execute=True):
        daily_inspection.enqueue(False)  # immediate backend in tests
    assert InspectionRun.objects.filter(trigger="daily", status="done").count() == 1
    assert SiteReport.objects.count() == 4
