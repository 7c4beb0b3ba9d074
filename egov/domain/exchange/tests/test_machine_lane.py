"""Exchange calls through the project's WSGI application take the machine lane (egov/web/machine_lane.py, ADR
0024): the same answers as through the site's middleware, the lane's headers, no session or cookie."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory
from django.urls import reverse

from egov.domain.exchange.models import AccessLogEntry
from egov.domain.exchange.tests.factories import ROWS, application, approved_grant, call_headers, make_world
from egov.web import machine_lane

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi() -> Iterator[Any]:
    """Calls config.wsgi.application as gunicorn does; (status, headers, body). Which handler served the call is
    seen from the lane's handler being entered."""
    from config.wsgi import application as wsgi_application

    lane = wsgi_application.lane
    entered: list[str] = []
    original = type(lane).__call__

    def spy(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        entered.append(environ["PATH_INFO"])
        return original(self, environ, start_response)

    # As Django's test client does: the test's transaction must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    type(lane).__call__ = spy  # type: ignore[method-assign]

    def call(path: str, **extra: str) -> tuple[str, dict[str, str], bytes]:
        environ = RequestFactory().get(path, **extra).environ
        seen: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            seen["status"], seen["headers"] = status, headers

        result = wsgi_application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        return seen["status"], dict(seen["headers"]), body

    call.entered = entered  # type: ignore[attr-defined]
    try:
        yield call
    finally:
        type(lane).__call__ = original  # type: ignore[method-assign]
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_call_takes_the_lane_and_answers_as_through_the_site(wsgi: Any) -> None:
    world = make_world()
    approved_grant(world, columns=["企业名称", "注册资本"])
    app, secret = application(world)
    path = f"/exchange/v1/resources/{world.entry.code}/rows"
    status, headers, body = wsgi(path, **call_headers(app, secret))
    assert wsgi.entered == [path]
    assert status == "200 OK"
    lane_rows = json.loads(body)["rows"]
    assert len(lane_rows) == len(ROWS)
    # the same call through the site's full middleware gives the same rows
    site = Client().get(path, **call_headers(app, secret))
    assert json.loads(site.content)["rows"] == lane_rows
    # logged and signed like any call
    entry = AccessLogEntry.objects.get(call_id=headers["X-Exchange-Call-Id"])
    assert (entry.result, entry.row_count) == ("ok", len(ROWS))
    assert headers["X-Exchange-Signature"] == entry.signature
    # the lane's headers; no cookie, no session
    for name, value in machine_lane.LANE_HEADERS.items():
        assert headers[name] == value
    assert headers["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])  # RequestContextMiddleware
    assert "Set-Cookie" not in headers and "Vary" not in headers


def test_a_chinese_resource_name_in_the_path_takes_the_lane(wsgi: Any) -> None:
    world = make_world()
    approved_grant(world, columns=["企业名称"])
    app, secret = application(world)
    # PATH_INFO as a WSGI server gives it: the UTF-8 bytes of the decoded path, read as latin-1
    status, _headers, body = wsgi(f"/exchange/v1/resources/{quote(world.entry.name)}/rows", **call_headers(app, secret))
    assert len(wsgi.entered) == 1
    assert status == "200 OK", body


def test_errors_on_the_lane_are_the_gateways_json(wsgi: Any) -> None:
    status, headers, body = wsgi("/exchange/v1/resources/nothing/rows")
    assert wsgi.entered
    assert status.startswith("400")
    assert json.loads(body)["error"]["code"] == "missing_headers"
    assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_an_unknown_host_is_refused_on_the_lane(wsgi: Any) -> None:
    status, _headers, _body = wsgi("/exchange/v1/resources", HTTP_HOST="evil.example.com")
    assert wsgi.entered
    assert status.startswith("400")


@pytest.mark.parametrize(
    "path",
    ["/office/exchange/", "/exchange/v1/resources/a/rows/extra", "/exchange/v2/resources", "/healthz"],
)
def test_every_other_path_goes_through_the_site(wsgi: Any, path: str) -> None:
    wsgi(path)
    assert wsgi.entered == []


def test_the_lane_paths_are_the_api_routes() -> None:
    lane = re.compile(settings.MACHINE_LANE_PATHS)
    assert lane.match(reverse("exchange:api_resources"))
    assert lane.match(reverse("exchange:api_rows", args=["99.09.09-0001"]))
    assert not lane.match(reverse("exchange:dashboard"))


def test_a_call_speaks_the_platforms_language_whatever_the_thread_served_before() -> None:
    from django.http import HttpResponse
    from django.utils import translation

    seen: list[str | None] = []

    def view(request: Any) -> HttpResponse:
        seen.append(translation.get_language())
        return HttpResponse(b"{}", content_type="application/json")

    translation.activate("en")  # what LocaleMiddleware left on this thread after an English site request
    try:
        response = machine_lane.MachineRequestMiddleware(view)(RequestFactory().get("/exchange/v1/resources"))
    finally:
        translation.deactivate()
    assert seen == [settings.LANGUAGE_CODE]
    assert response["Cache-Control"] == "no-store"
