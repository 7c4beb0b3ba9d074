from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from egov.web.health import check_dependencies


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and dependency state for load balancers: 503 when a dependency is down."""
    checks = check_dependencies()
    healthy = all(value in {"ok", "not configured"} for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
