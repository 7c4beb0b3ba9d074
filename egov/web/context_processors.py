from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from egov.web.preferences import read_preferences

#: Footer identity of the League portal (政府网站发展指引: 网站标识码 and 备案 numbers in every footer).
#: Placeholders until the portal app supplies the registered numbers per site.
SITE_FOOTER = {
    "site_code": "1522000001",
    "icp": _("蒙ICP备00000000号"),
    "police": _("蒙公网安备 15220002000000号"),
    "sponsor": _("兴安盟行政公署办公室"),
}


def platform(request: HttpRequest) -> dict[str, Any]:
    preferences = read_preferences(request)
    return {
        "platform_name": _("兴安盟一体化电子政务平台"),
        "zone": settings.EGOV_ZONE,
        "display_preferences": preferences,
        "elder_mode": preferences.elder,
        "contrast_mode": preferences.contrast,
        "html_classes": preferences.html_classes,
        "is_office_path": request.path.startswith("/office/"),
        "site_footer": SITE_FOOTER,
    }
