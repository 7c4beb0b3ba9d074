"""Zone routing: the public (extranet) and office (intranet) URL sets.

Each app that serves pages may have a ``urls.py`` defining ``public_urlpatterns`` and/or
``office_urlpatterns`` (office paths begin with ``office/``) and ``app_name``. A process serving the
public zone never even builds the office patterns, so an office URL does not exist there (404), and the
reverse.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path


def app_patterns(zone: str) -> list[URLPattern | URLResolver]:
    wanted = ["public", "office"] if zone == "all" else [zone]
    patterns: list[URLPattern | URLResolver] = []
    for app in [*settings.KERNEL_APPS, *settings.DOMAIN_APPS, "egov.web"]:
        try:
            module = import_module(f"{app}.urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.urls":
                raise
            continue
        selected = [p for z in wanted for p in getattr(module, f"{z}_urlpatterns", [])]
        if selected:
            patterns.append(path("", include((selected, module.app_name), namespace=module.app_name)))
    return patterns
