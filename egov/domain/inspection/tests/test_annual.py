"""The 政府网站工作年度报表 data: what the platform counts itself, and 0 with a note for what it cannot."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from egov.domain.inspection import services
from egov.domain.inspection.annual import annual_lines
from egov.domain.inspection.tests.factories import make_article, make_column, make_home, make_notice
from egov.kernel.access.tests.factories import OrgUnitFactory, StaffFactory, grant
from egov.kernel.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_annual_lines_count_this_years_pages_per_kind_and_mark_unknowns() -> None:
    unit = OrgUnitFactory(name="兴安盟行政公署办公室")
    home = make_home(org_unit=unit, icp_number="蒙ICP备05000001号")
    news = make_column(home, kind="news", title="政务动态")
    make_article(news)
    make_article(news)
    make_notice(make_column(home, kind="notice", title="通知公告"))
    run = services.inspection_start(actor=None, trigger="command", home_page_ids=[home.pk], queue=False)
    services.inspection_execute(run_id=run.pk, home_page_ids=[home.pk])

    lines = {line.item: line for line in annual_lines(home, timezone.localdate().year)}

    assert lines["总数（条）"].value == 3
    assert lines["其中：政务动态信息（条）"].value == 2
    assert lines["其中：信息公开目录信息（条）"].value == 1
    assert lines["ICP备案号"].value == "蒙ICP备05000001号"
    assert lines["公安机关备案号"].note == "未填写"
    assert lines["网站总访问量（次）"].value == 0
    assert lines["网站总访问量（次）"].note.startswith("平台未记录访问量")
    assert lines["收到留言数量（条）"].note == "互动交流子系统尚未上线，暂无留言数据"
    assert lines["安全检测评估次数（次）"].value == 1
    problems = run.reports.get().findings.exclude(severity="warning").values("fingerprint").distinct().count()
    assert lines["发现问题数量（个）"].value == problems
    assert lines["问题整改数量（个）"].value == 0
    assert lines["网站类型"].value == "部门网站"
    # last year: nothing published
    assert {line.item: line for line in annual_lines(home, timezone.localdate().year - 1)}["总数（条）"].value == 0


def test_annual_report_export_for_the_readers_site_only() -> None:
    unit, other = OrgUnitFactory(name="教育局"), OrgUnitFactory(name="卫健委")
    home = make_home(org_unit=unit)
    make_article(make_column(home, kind="news", title="教育动态"))
    other_home = make_home(org_unit=other)
    reviewer = StaffFactory()
    grant(reviewer, "portal_reviewer", unit)
    client = Client()
    client.force_login(reviewer)
    url = reverse("inspection:annual_report")
    year = str(timezone.localdate().year)

    page = client.get(url)
    assert page.status_code == 200
    assert home.site_name in page.content.decode()
    assert other_home.site_name not in page.content.decode()

    response = client.post(url, {"home_page_id": home.pk, "year": year})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["年度报表", "各栏目发布量"]
    rows: list[Any] = list(workbook["各栏目发布量"].iter_rows(values_only=True))
    assert rows[1][:3] == ("教育动态", "动态要闻类（2 周内须更新）", 1)
    assert AuditEntry.objects.filter(action="inspection.annual_report_export", actor_id=reviewer.pk).count() == 1

    denied = client.post(url, {"home_page_id": other_home.pk, "year": year})
    assert denied.status_code == 400
    assert "请选择您负责检查的网站" in denied.content.decode()
    bad_year = client.post(url, {"home_page_id": home.pk, "year": "1999"})
    assert bad_year.status_code == 400
    assert f"请填写 2000—{year} 之间的年份" in bad_year.content.decode()
    assert 'value="1999"' in bad_year.content.decode()  # what was typed is kept
