from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

ELDER_COOKIE = "egov_elder"


def elder_mode_enabled(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "elder_mode", False):
        return True
    return request.COOKIES.get(ELDER_COOKIE) == "1"


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "platform_name": "兴安盟一体化电子政务平台",
        "zone": settings.EGOV_ZONE,
        "elder_mode": elder_mode_enabled(request),
        "is_office_path": request.path.startswith("/office/"),
    }
