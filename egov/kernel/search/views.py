"""The public search page (全站检索): one site or all sites, filters, sort, paging."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from egov.kernel.errors import Rejected
from egov.kernel.search.forms import SearchForm
from egov.kernel.search.selectors import SearchResults, search
from egov.kernel.search.services import type_label


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: SearchResults | None = None
    if request.GET and form.is_valid():
        arguments = form.search_arguments()
        try:
            results = search(arguments.pop("query"), **arguments)
        except Rejected as exc:
            form.add_error("q" if exc.field in (None, "q") else None, exc.message)
    query = request.GET.copy()
    query.pop("page", None)
    suggestion_query = ""
    if results and results.suggestion:
        suggested = query.copy()
        suggested["q"] = results.suggestion
        suggestion_query = suggested.urlencode()
    type_counts = [
        (key, type_label(key), count) for key, count in (results.facet_counts["type"] if results else {}).items()
    ]
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "results": results,
            "type_counts": type_counts,
            "base_query": query.urlencode(),
            "suggestion_query": suggestion_query,
            "first_number": (results.page - 1) * results.page_size + 1 if results else 1,
            "page_numbers": _page_numbers(results),
        },
        status=200 if not form.errors else 400,
    )


def _page_numbers(results: SearchResults | None) -> list[int]:
    """At most nine page links around the current page."""
    if not results or results.pages <= 1:
        return []
    first = max(1, min(results.page - 4, results.pages - 8))
    return list(range(first, min(results.pages, first + 8) + 1))
