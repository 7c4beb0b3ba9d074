"""Records permission denials that ``require`` could not record itself (it was inside a transaction)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from egov.kernel.access.policy import AccessDenied, record_denial


class AccessDeniedAuditMiddleware:
    """By the time an exception reaches middleware the view's transaction has rolled back, so the audit
    entry written here survives. Returns None: Django still renders its 403 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, AccessDenied):
            record_denial(exception)
