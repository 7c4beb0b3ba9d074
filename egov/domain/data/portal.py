"""The open data portal (public zone, HTML): dataset list with facets, dataset pages with a preview,
streamed downloads (CSV / XLSX / JSON) and applications for conditionally open datasets."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from egov.domain.data import rows, selectors, services
from egov.domain.data.forms import ApplicationForm
from egov.domain.data.models import ApplicationStatus, CatalogEntry, DataTable, OpenDataApplication, OpenType
from egov.kernel.audit.services import audit_record
from egov.kernel.errors import Rejected

PAGE_SIZE = 20
PREVIEW_ROWS = 10
#: XLSX holds at most 1,048,576 rows including the header.
XLSX_MAX_ROWS = 1_048_575


def _criteria(request: HttpRequest) -> selectors.PortalFilter:
    get = request.GET
    return selectors.PortalFilter(
        q=get.get("q", "").strip()[:50],
        provider=get.get("provider", "")[:32],
        theme=get.get("theme", "")[:60],
        format=get.get("format", "")[:40],
        frequency=get.get("frequency", "")[:16],
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    criteria = _criteria(request)
    entries = selectors.portal_search(criteria)
    raw_page = request.GET.get("page", "1")
    error = ""
    if not raw_page.isdigit() or int(raw_page) < 1:
        error, raw_page = _("页码应为正整数，已为您显示第 1 页"), "1"
    paginator = Paginator(entries, PAGE_SIZE)
    page = paginator.get_page(raw_page)
    kept: dict[str, str] = {key: str(value) for key, value in request.GET.items() if key != "page" and value}
    facets = selectors.portal_facets(entries)
    for facet in facets:
        others = {key: value for key, value in kept.items() if key != facet["key"]}
        facet["selected"] = kept.get(facet["key"], "")
        facet["clear_query"] = urlencode(others)
        for value in facet["values"]:
            value["query"] = urlencode({**others, facet["key"]: value["value"]})
    return render(
        request,
        "data/index.html",
        {
            "page": page,
            "criteria": criteria,
            "facets": facets,
            "error": error,
            "base_query": urlencode(kept),
        },
        status=400 if error else 200,
    )


def _entry_or_404(name: str) -> CatalogEntry:
    entry = selectors.portal_entry(name)
    if entry is None:
        raise Http404(_("未找到该数据集"))
    return entry


@require_GET
def dataset(request: HttpRequest, name: str) -> HttpResponse:
    entry = _entry_or_404(name)
    table = selectors.current_table(entry)
    may_use = selectors.can_use_data(request.user, entry)
    preview = rows.rows_query(table, limit=PREVIEW_ROWS) if (table is not None and may_use) else None
    application = None
    if entry.open_type == OpenType.CONDITIONAL and request.user.is_authenticated:
        application = OpenDataApplication.objects.filter(entry=entry, applicant=request.user).first()
    return render(
        request,
        "data/dataset.html",
        {
            "entry": entry,
            "items": list(entry.items.order_by("position")),
            "table": table,
            "preview": preview,
            "may_use": may_use,
            "application": application,
            "resources": [resource for resource in entry.resources.all() if resource.format == "API"],
            "api_url": f"/api/public/data/datasets/{entry.name}/rows",
        },
    )


def _usable_table(request: HttpRequest, entry: CatalogEntry) -> DataTable:
    if not selectors.can_use_data(request.user, entry):
        raise Http404(_("该数据集为有条件开放，获得提供单位同意后方可下载"))
    table = selectors.current_table(entry)
    if table is None:
        raise Http404(_("该数据集尚未加载数据"))
    if entry.open_type != OpenType.OPEN:
        audit_record(
            actor=request.user,
            action="data.download",
            target=entry,
            org_unit=entry.provider,
            detail={"version": table.version},
        )
    return table


def _csv_stream(table: DataTable) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer.writerow([column["name"] for column in table.columns])
    for count, values in enumerate(rows.iter_rows(table), start=1):
        writer.writerow([rows.to_text(value) for value in values])
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json_stream(table: DataTable) -> Iterator[str]:
    names = [column["name"] for column in table.columns]
    head = {"name": table.entry.name, "version": table.version, "row_count": table.row_count, "sm3": table.sm3}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    first = True
    for values in rows.iter_rows(table):
        record = json.dumps(dict(zip(names, map(rows.to_json, values), strict=True)), ensure_ascii=False)
        yield record if first else "," + record
        first = False
    yield "]}"


def _xlsx_file(table: DataTable) -> Any:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="数据")
    sheet.append([column["name"] for column in table.columns])
    for values in rows.iter_rows(table):
        sheet.append([rows.to_text(value) if isinstance(value, bool) else rows.to_json(value) for value in values])
    spooled = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(spooled)
    spooled.seek(0)
    return spooled


@require_GET
def download(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    entry = _entry_or_404(name)
    table = _usable_table(request, entry)
    filename = f"{entry.name}-v{table.version}.{fmt}"
    disposition = f'attachment; filename="{filename}"'
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_stream(table), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = StreamingHttpResponse(_json_stream(table), content_type="application/json; charset=utf-8")
    elif fmt == "xlsx":
        if table.row_count > XLSX_MAX_ROWS:
            return HttpResponse(
                _("数据超过 XLSX 的行数上限，请下载 CSV 格式"), status=400, content_type="text/plain; charset=utf-8"
            )
        return FileResponse(
            _xlsx_file(table),
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404(_("不支持的下载格式"))
    response["Content-Disposition"] = disposition
    response["X-Data-Version"] = str(table.version)
    response["X-Data-SM3"] = table.sm3
    return response


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, name: str) -> HttpResponse:
    entry = _entry_or_404(name)
    if entry.open_type != OpenType.CONDITIONAL:
        raise Http404(_("该数据集无需申请"))
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opendata_apply(actor=request.user, entry=entry, **form.cleaned_data)
        except Rejected as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("申请已提交，提供单位审核后将在数据集页面显示结果"))
            return redirect("data:dataset", name=entry.name)
    existing = OpenDataApplication.objects.filter(
        entry=entry, applicant_id=request.user.pk, status=ApplicationStatus.PENDING
    ).exists()
    return render(
        request,
        "data/apply.html",
        {"entry": entry, "form": form, "pending": existing},
        status=400 if request.method == "POST" else 200,
    )
