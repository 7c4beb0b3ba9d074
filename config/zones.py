"""Zone routing: the public (extranet) and office (intranet) URL sets.

Each app that serves pages may have a ``urls.py`` defining ``public_urlpatterns`` and/or
``office_urlpatterns`` (office paths begin with ``office/``) and ``app_name``. A process serving the
public zone never even builds the office patterns, so an office URL does not exist there (404), and the
reverse.

Django tries the root URL patterns in order, and an app included with an empty prefix is searched pattern by
pattern even when none of its paths can match (with ~140 patterns before the portal's catch-all, ~0.2 ms of
every request). So each app's include is guarded by a look-ahead on the fixed beginnings of its routes
(``^(?=exchange/v1/resources|office/exchange/)``): a request for another app fails that one regex and moves
on. A look-ahead consumes nothing and reversing ignores it, so URLs and names are unchanged. An app with a
route that can begin with anything (a regex route, or one starting with a converter) is included unguarded.
"""

from __future__ import annotations

import re
from importlib import import_module

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.urls.resolvers import RoutePattern


def _fixed_start(pattern: URLPattern | URLResolver) -> str:
    """The text every path this pattern matches begins with ('' when it can begin with anything)."""
    if not isinstance(pattern.pattern, RoutePattern):
        return ""
    return str(pattern.pattern).split("<", 1)[0]


def _guard(patterns: list[URLPattern | URLResolver]) -> str | None:
    """The look-ahead regex that admits exactly the paths these patterns can match, or None."""
    starts = {_fixed_start(pattern) for pattern in patterns}
    if "" in starts:
        return None
    # A start that begins with another start adds nothing: keep the shortest ones.
    kept = sorted(start for start in starts if not any(other != start and start.startswith(other) for other in starts))
    return "^(?=" + "|".join(re.escape(start) for start in kept) + ")"


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
            included = include((selected, module.app_name), namespace=module.app_name)
            guard = _guard(selected)
            patterns.append(re_path(guard, included) if guard else path("", included))
    return patterns
