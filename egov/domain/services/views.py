"""Public pages of the online service hall (网上办事大厅): index, item lists, the 办事指南."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from egov.domain.services import selectors
from egov.domain.services.models import Audience
from egov.kernel.errors import NotFound, Rejected

PAGE_SIZE = 20


def _audience(request: HttpRequest) -> str:
    value = request.GET.get("audience", "")
    return value if value in Audience.values else ""


def index(request: HttpRequest) -> HttpResponse:
    audience = _audience(request) or Audience.PERSON
    return render(
        request,
        "services/index.html",
        {
            "audience": audience,
            "audiences": Audience.choices,
            "themes": selectors.themes_with_counts(audience),
            "life_events": selectors.life_events_with_counts(audience),
            "divisions": selectors.divisions_with_counts(),
        },
    )


def item_list(request: HttpRequest) -> HttpResponse:
    criteria = selectors.ItemFilter(
        audience=_audience(request),
        theme=request.GET.get("theme", "")[:40],
        life_event=request.GET.get("event", "")[:40],
        org_unit=request.GET.get("dept", "")[:32],
        division=request.GET.get("division", "")[:6],
        q=request.GET.get("q", "").strip()[:50],
    )
    error = ""
    raw_page = request.GET.get("page", "1")
    try:
        page_number = int(raw_page)
    except ValueError:
        page_number, error = 1, "页码应为数字，已为您显示第 1 页"
    try:
        page = selectors.item_page(criteria, page=page_number, page_size=PAGE_SIZE)
    except Rejected as exc:
        error = f"{exc.message}，已为您显示第 1 页"
        page = selectors.item_page(criteria, page=1, page_size=PAGE_SIZE)
    kept = {key: request.GET[key] for key in request.GET if key != "page" and request.GET[key]}
    return render(
        request,
        "services/list.html",
        {
            "page": page,
            "criteria": criteria,
            "error": error,
            "base_query": urlencode(kept),
            "divisions": selectors.divisions_with_counts(),
            "departments": selectors.departments_with_counts(criteria.division) if criteria.division else [],
        },
        status=400 if error else 200,
    )


def guide(request: HttpRequest, code: str) -> HttpResponse:
    try:
        item = selectors.item_guide(code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    try:
        apply_url = reverse("services:apply", args=[item.code]) if item.published.online else None
    except NoReverseMatch:  # the apply flow (part 2) is not built yet
        apply_url = None
    return render(
        request, "services/guide.html", {"item": item, "version": item.current_version, "apply_url": apply_url}
    )
