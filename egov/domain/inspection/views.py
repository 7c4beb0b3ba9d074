"""Office pages of site inspection: the dashboard of the reader's sites, one report, exports, a manual run and
the annual report (政府网站工作年度报表)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.domain.inspection import annual, selectors, services
from egov.domain.inspection.models import Severity
from egov.kernel.access.policy import require
from egov.kernel.errors import Rejected


def _attachment(export: services.ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, "portal.inspect")
    rows = selectors.dashboard_rows(request.user)
    return render(
        request,
        "inspection/dashboard.html",
        {"rows": rows, "runs": selectors.recent_runs(5), "year": timezone.localdate().year - 1},
    )


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    require(request.user, "portal.inspect")
    raw = request.POST.get("home_page_id", "")
    ids = [int(raw)] if raw.isdigit() else None
    try:
        services.inspection_start(
            actor=request.user,
            trigger="manual",
            home_page_ids=ids,
            check_external=request.POST.get("external") == "1",
        )
    except Rejected as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("检查已开始，完成后结果显示在下表中。"))
    return redirect("inspection:dashboard")


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "portal.inspect")
    report = get_object_or_404(selectors.reports_visible_to(request.user), pk=pk)
    findings = selectors.sorted_findings(report)
    return render(
        request,
        "inspection/report.html",
        {"report": report, "findings": findings, "severity": Severity},
    )


@login_required
@require_POST
def report_export(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "portal.inspect")
    report = get_object_or_404(selectors.reports_visible_to(request.user), pk=pk)
    try:
        export = services.inspection_report_export(
            actor=request.user, report=report, file_format=request.POST.get("file_format", "")
        )
    except Rejected as exc:
        findings = selectors.sorted_findings(report)
        context = {"report": report, "findings": findings, "severity": Severity, "export_error": exc.message}
        return render(request, "inspection/report.html", context, status=400)
    return _attachment(export)


@login_required
@require_http_methods(["GET", "POST"])
def annual_report(request: HttpRequest) -> HttpResponse:
    require(request.user, "portal.inspect")
    homes = selectors.inspectable_homes(request.user)
    this_year = timezone.localdate().year
    values = {"home_page_id": request.POST.get("home_page_id", ""), "year": request.POST.get("year", "")}
    error = ""
    if request.method == "POST":
        try:
            year = annual.parse_year(values["year"], this_year)
            home = next((h for h in homes if str(h.pk) == values["home_page_id"]), None)
            if home is None:
                raise Rejected("annual_site", _("请选择您负责检查的网站"), field="home_page_id")
            return _attachment(annual.annual_report_export(actor=request.user, home=home, year=year))
        except Rejected as exc:
            error = exc.message
    else:
        values["year"] = str(this_year - 1)
    return render(
        request,
        "inspection/annual.html",
        {"homes": homes, "values": values, "error": error, "years": range(this_year, this_year - 6, -1)},
        status=400 if error else 200,
    )
