"""Writes of site inspection: starting and executing an inspection run, exporting a site's report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from egov.domain.inspection import selectors
from egov.domain.inspection.models import Finding, InspectionRun, RunStatus, SiteReport, Trigger
from egov.domain.inspection.rules import apply_rules, verdict_of
from egov.domain.portal.models import HomePage
from egov.kernel.access.policy import Actor, require
from egov.kernel.audit.services import audit_record
from egov.kernel.errors import Rejected

logger = logging.getLogger(__name__)

EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def inspection_start(
    *,
    actor: Actor | None,
    trigger: str,
    home_page_ids: Sequence[int] | None = None,
    check_external: bool = True,
    queue: bool = True,
) -> InspectionRun:
    """Record a run and queue its execution (a task: a run renders every page and may wait on slow links).

    A person (``actor``) may inspect only sites of units where they hold ``portal.inspect``; the daily task
    and the command run as the system (``actor=None``) over every site. ``queue=False`` leaves the execution
    to the caller (the command runs it in its own process)."""
    if trigger not in Trigger.values:
        raise Rejected("inspection_trigger", "未知的检查方式")
    if actor is not None:
        require(actor, "portal.inspect")
    homes = selectors.inspectable_homes(actor) if actor is not None else selectors.all_homes()
    if home_page_ids is not None:
        wanted = set(home_page_ids)
        homes = [home for home in homes if home.pk in wanted]
        if len(homes) != len(wanted):
            if actor is not None:
                require(actor, "portal.inspect", None)
            raise Rejected("inspection_site", "所选网站不存在或不在您的检查范围内")
    if not homes:
        raise Rejected("inspection_no_site", "没有可检查的网站")
    if actor is not None:
        for home in homes:
            require(actor, "portal.inspect", home.org_unit)
    with transaction.atomic():
        run = InspectionRun.objects.create(
            trigger=trigger,
            started_by=actor if actor is not None and actor.is_authenticated else None,
            check_external=check_external,
        )
        ids = [home.pk for home in homes]
        audit_record(
            actor=actor,
            action="inspection.start",
            target=run,
            org_unit=homes[0].org_unit if len(homes) == 1 else None,
            detail={"sites": [home.site_key for home in homes], "trigger": trigger, "external": check_external},
        )

        def enqueue() -> None:
            from egov.domain.inspection.tasks import execute_inspection

            execute_inspection.enqueue(run.pk, ids)

        if queue:
            transaction.on_commit(enqueue)
    return run


def inspection_execute(*, run_id: int, home_page_ids: Sequence[int]) -> InspectionRun:
    """Check each site and store its report (a transaction per site: one broken site does not lose the others)."""
    run = InspectionRun.objects.get(pk=run_id)
    if run.status != RunStatus.RUNNING:
        return run
    now = timezone.now()
    failures: list[str] = []
    for home in HomePage.objects.filter(pk__in=home_page_ids).select_related("org_unit").order_by("path"):
        try:
            inspect_site(run=run, home=home, now=now)
        except Exception as exc:
            logger.exception("网站检查失败：%s", home.site_key)
            failures.append(f"{home.site_name or home.title}：{type(exc).__name__}")
    run.finished_at = timezone.now()
    run.status = RunStatus.FAILED if failures and len(failures) == len(home_page_ids) else RunStatus.DONE
    run.error = "；".join(failures)[:2000]
    run.save(update_fields=["finished_at", "status", "error"])
    return run


def inspect_site(*, run: InspectionRun, home: HomePage, now: dt.datetime) -> SiteReport:
    from egov.domain.inspection.snapshot import build_snapshot

    snapshot = build_snapshot(home, check_external=run.check_external)
    found = apply_rules(snapshot, now)
    with transaction.atomic():
        report = SiteReport.objects.create(
            run=run,
            home_page_id=home.pk,
            site_key=home.site_key,
            site_name=(home.site_name or home.title)[:100],
            site_code=home.site_code,
            org_unit=home.org_unit,
            verdict=verdict_of(found),
            pages_checked=len(snapshot.pages),
            links_checked=len(snapshot.link_results),
            veto_count=sum(1 for f in found if f.severity == "veto"),
            violation_count=sum(1 for f in found if f.severity == "violation"),
            warning_count=sum(1 for f in found if f.severity == "warning"),
        )
        Finding.objects.bulk_create(
            [
                Finding(
                    report=report,
                    rule=f.rule,
                    severity=f.severity,
                    page_id=f.page_id,
                    page_title=f.page_title[:255],
                    url=f.url[:1000],
                    message=f.message[:500],
                    fingerprint=f.fingerprint,
                )
                for f in found
            ],
            batch_size=500,
        )
    return report


# --- exports --------------------------------------------------------------------------------------

REPORT_HEADER = ("级别", "检查项", "页面", "地址", "说明")


def _check_format(file_format: str) -> None:
    if file_format not in EXPORT_FORMATS:
        raise Rejected("export_format", "不支持的导出格式，请选择 CSV 或 Excel", field="file_format")


def inspection_report_export(*, actor: Actor, report: SiteReport, file_format: str) -> ExportFile:
    """One site's inspection report as Excel or CSV (with BOM, so that Excel opens it in Chinese); audited."""
    require(actor, "portal.inspect", report.org_unit, target=report)
    _check_format(file_format)
    findings = list(report.findings.all())
    title = f"{report.site_name} 网站检查报告"
    summary = [
        ("网站名称", report.site_name),
        ("网站标识码", report.site_code or "未填写"),
        ("检查时间", timezone.localtime(report.run.started_at).strftime("%Y-%m-%d %H:%M")),
        ("结论", report.get_verdict_display()),
        ("检查页面数", str(report.pages_checked)),
        ("检查链接数", str(report.links_checked)),
        ("单项否决项", str(report.veto_count)),
        ("问题数", str(report.violation_count)),
        ("预警数", str(report.warning_count)),
    ]
    rows = [(f.get_severity_display(), f.get_rule_display(), f.page_title, f.url, f.message) for f in findings]
    if file_format == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow([title])
        writer.writerows(summary)
        writer.writerow([])
        writer.writerow(REPORT_HEADER)
        writer.writerows(rows)
        content = ("\ufeff" + text.getvalue()).encode()
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "检查报告"
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=14)
        for label, value in summary:
            sheet.append([label, value])
        sheet.append([])
        sheet.append(list(REPORT_HEADER))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for finding_row in rows:
            sheet.append(list(finding_row))
        for column, width in zip("ABCDE", (12, 28, 36, 50, 70), strict=True):
            sheet.column_dimensions[column].width = width
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    audit_record(
        actor=actor,
        action="inspection.export",
        target=report,
        org_unit=report.org_unit,
        detail={"format": file_format, "count": len(rows)},
    )
    stamp = timezone.localtime(report.run.started_at).strftime("%Y%m%d")
    return ExportFile(f"inspection-{report.site_key}-{stamp}.{file_format}", EXPORT_FORMATS[file_format], content)
