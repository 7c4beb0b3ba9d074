"""Security headers, CSRF and the no-inline-script rule (CSP script-src 'self')."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client, override_settings

from egov.web.tests.factories import MembershipFactory


class ScriptAudit(HTMLParser):
    """Collects inline script bodies and on* event-handler attributes, which the CSP would block."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self.external_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        self.handlers += [f"<{tag} {name}>" for name, value in attrs if (value or "").strip().startswith("javascript:")]
        if tag == "script":
            src = dict(attrs).get("src")
            if src:
                self.external_scripts.append(src)
            else:
                self._in_script = True
                self.inline_scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_scripts[-1] += data


def audit(html: str) -> ScriptAudit:
    parser = ScriptAudit()
    parser.feed(html)
    return parser


def test_the_script_audit_catches_inline_scripts_and_handlers() -> None:
    # The scanner itself must be able to fail, or the page tests below prove nothing.
    found = audit('<script>alert(1)</script><button onclick="x()">b</button><a href="javascript:x()">a</a>')
    assert found.inline_scripts == ["alert(1)"]
    assert found.handlers == ["<button onclick>", "<a href>"]


@pytest.mark.django_db
def test_public_page_sends_the_security_headers(client: Client) -> None:
    # when
    response = client.get("/")
    # then
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp)
    assert script_src is not None
    assert script_src.group(1).split() == ["'self'"]
    assert "'unsafe-inline'" not in script_src.group(1) and "'unsafe-eval'" not in script_src.group(1)
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response  # not outside production


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
def test_production_settings_send_hsts_on_https(client: Client) -> None:
    # when
    response = client.get("/", secure=True)
    # then
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # and never over plain HTTP, where it would be meaningless
    assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.mark.django_db
@pytest.mark.urls("egov.web.tests.urls")
@pytest.mark.parametrize("path", ["/", "/this-page-does-not-exist/"])
def test_public_pages_have_no_inline_scripts(client: Client, path: str) -> None:
    # when
    html = client.get(path).content.decode()
    # then
    found = audit(html)
    assert found.inline_scripts == []
    assert found.handlers == []
    assert found.external_scripts == ["/static/vendor/htmx/htmx.min.js", "/static/web/js/egov.js"]


@pytest.mark.django_db
def test_office_workbench_has_no_inline_scripts(client: Client) -> None:
    # given
    membership = MembershipFactory()
    client.force_login(membership.user)
    # when
    html = client.get("/office/").content.decode()
    # then
    found = audit(html)
    assert (found.inline_scripts, found.handlers) == ([], [])


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused_with_a_chinese_page() -> None:
    # given a signed-in browser-like client that enforces CSRF, with elder mode off (anonymous display
    # switches need no token: see test_preferences)
    client = Client(enforce_csrf_checks=True)
    client.force_login(MembershipFactory().user)
    # when
    response = client.post("/prefs/elder/", {"value": "1", "next": "/"})
    # then
    assert response.status_code == 403
    assert "页面已过期或请求来源无法验证，请刷新页面后重新提交。" in response.content.decode()
    assert "egov_elder" not in response.cookies


@pytest.mark.django_db
def test_post_with_the_page_csrf_token_is_accepted() -> None:
    # given the token the page hands out in its meta tag to a signed-in user (what egov.js sends for htmx)
    client = Client(enforce_csrf_checks=True)
    client.force_login(MembershipFactory().user)
    html = client.get("/").content.decode()
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert token is not None
    # when
    response = client.post("/prefs/elder/", {"value": "1", "next": "/"}, HTTP_X_CSRFTOKEN=token.group(1))
    # then
    assert response.status_code == 302
    assert response.cookies["egov_elder"].value == "1"


@pytest.mark.django_db
def test_csrf_failure_answers_json_to_api_callers() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(MembershipFactory().user)
    response = client.post("/prefs/elder/", {"value": "1"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "csrf_failed", "message": "页面已过期或请求来源无法验证，请刷新页面后重新提交。"}
    }


@pytest.mark.django_db
def test_sign_out_form_is_a_csrf_protected_post(client: Client) -> None:
    # given
    membership = MembershipFactory()
    client.force_login(membership.user)
    # when
    html = client.get("/").content.decode()
    # then
    form = re.search(r'<form method="post" action="/accounts/logout/"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None
    assert 'name="csrfmiddlewaretoken"' in form.group(1)
