"""Each app's URL include is guarded by a look-ahead on its routes' fixed beginnings (config/zones.py): the
same URLs resolve and reverse as without it, and a request for another app skips the app's patterns."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, path, re_path, resolve, reverse
from django.urls.resolvers import RegexPattern

from config.zones import _guard


def _view(request: Any) -> None:  # pragma: no cover - never called
    return None


def test_guard_keeps_the_shortest_fixed_beginnings() -> None:
    patterns: list[URLPattern | URLResolver] = [
        path("office/exchange/", _view),
        path("office/exchange/requests/<str:number>/", _view),
        path("exchange/v1/resources/<str:reference>/rows", _view),
        path("exchange/v1/resources", _view),
        path("catalog.jsonld", _view),
    ]
    guard = _guard(patterns)
    assert guard == r"^(?=catalog\.jsonld|exchange/v1/resources|office/exchange/)"
    admits = re.compile(guard)
    for url in ["office/exchange/requests/A-1/", "exchange/v1/resources/x/rows", "catalog.jsonld"]:
        assert admits.search(url)
    for url in ["office/exchanges/", "catalogXjsonld", "office/work/", "exchange/v2/"]:
        assert not admits.search(url)


@pytest.mark.parametrize(
    "patterns",
    [
        [path("office/x/", _view), path("<slug:page>/", _view)],  # begins with a converter
        [path("office/x/", _view), path("", _view)],  # the empty route
        [path("office/x/", _view), re_path(r"^office/y/$", _view)],  # a regex route is not analysed
    ],
    ids=["converter", "empty", "regex"],
)
def test_no_guard_when_a_route_can_begin_with_anything(patterns: list[URLPattern | URLResolver]) -> None:
    assert _guard(patterns) is None


def test_the_platform_urls_are_guarded() -> None:
    guarded = {
        resolver.namespace: resolver.pattern.regex.pattern
        for resolver in get_resolver("config.urls").url_patterns
        if isinstance(resolver, URLResolver) and isinstance(resolver.pattern, RegexPattern)
    }
    assert guarded["exchange"] == r"^(?=exchange/v1/resources|office/exchange/)"
    assert guarded["workflow"] == r"^(?=office/work/)"


@pytest.mark.parametrize(
    ("name", "args", "url"),
    [
        ("exchange:api_rows", ["99.09.09-0001"], "/exchange/v1/resources/99.09.09-0001/rows"),
        ("exchange:api_resources", [], "/exchange/v1/resources"),
        ("exchange:request_detail", ["XAGX-2026-000001"], "/office/exchange/requests/XAGX-2026-000001/"),
        ("workflow:worklist", [], "/office/work/"),
        ("workflow:case", ["XA-2026-000123"], "/office/work/case/XA-2026-000123/"),
        ("services:my_case", ["XAZW-2026-000001"], "/my/cases/XAZW-2026-000001/"),
        ("data:catalog_jsonld", [], "/catalog.jsonld"),
    ],
)
def test_guarded_urls_reverse_and_resolve_as_before(name: str, args: list[str], url: str) -> None:
    assert reverse(name, args=args) == url
    assert resolve(url).view_name == name


def test_every_name_without_arguments_reverses_to_a_url_that_resolves_back() -> None:
    checked = 0
    root = get_resolver("config.urls")
    for namespace, (_prefix, resolver) in root.namespace_dict.items():
        if not isinstance(resolver.pattern, RegexPattern) or not resolver.pattern.regex.pattern.startswith("^(?="):
            continue
        for name in [key for key in resolver.reverse_dict if isinstance(key, str)]:
            try:
                url = reverse(f"{namespace}:{name}")
            except NoReverseMatch:  # needs arguments
                continue
            assert resolve(url).view_name == f"{namespace}:{name}", url
            checked += 1
    assert checked > 20
