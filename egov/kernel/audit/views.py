"""The auditor's pages (office zone): search, read one entry, export. Read-only by construction."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from egov.kernel.access.policy import has_perm, require
from egov.kernel.audit import selectors, services
from egov.kernel.audit.forms import AuditFilterForm
from egov.kernel.errors import Rejected


def _page_key(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _list_context(request: HttpRequest, form: AuditFilterForm, error: str = "") -> dict[str, object]:
    user = request.user
    if form.is_valid():
        entries = selectors.filter_entries(selectors.entries_visible_to(user), form.filters())
        page = selectors.entry_page(
            entries, older_than=_page_key(request, "older_than"), newer_than=_page_key(request, "newer_than")
        )
    else:
        page = selectors.EntryPage([], None, None)
    query = request.GET.copy()
    for key in ("older_than", "newer_than"):
        query.pop(key, None)
    return {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_export": has_perm(user, "audit.export"),
        "export_error": error,
    }


@login_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view")
    form = AuditFilterForm(request.GET, user=request.user)
    return render(request, "audit/entry_list.html", _list_context(request, form))


@login_required
@require_GET
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "audit.view")
    entry = get_object_or_404(selectors.entries_visible_to(request.user), pk=pk)
    detail = json.dumps(entry.detail, ensure_ascii=False, indent=2, sort_keys=True)
    return render(request, "audit/entry_detail.html", {"entry": entry, "detail_json": detail})


@login_required
@require_POST
def entry_export(request: HttpRequest) -> HttpResponse:
    """POST (with CSRF) because an export is itself an audited action. The filters come in the query string."""
    require(request.user, "audit.export")
    form = AuditFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "audit/entry_list.html", _list_context(request, form), status=400)
    try:
        export = services.audit_export(
            actor=request.user,
            filters=form.filters(),
            file_format=request.POST.get("file_format", ""),
        )
    except Rejected as exc:
        return render(request, "audit/entry_list.html", _list_context(request, form, exc.message), status=400)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
