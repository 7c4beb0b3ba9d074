"""长辈模式, 高对比度 and 字号: cookies for a year, elder mode also on the signed-in user's account."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from egov.kernel.audit.models import AuditEntry
from egov.web.tests.factories import UserFactory

YEAR = 365 * 24 * 3600


def html_class(client: Client, path: str = "/") -> str:
    match = re.search(r'<html lang="[^"]*" class="([^"]*)"', client.get(path).content.decode())
    assert match is not None
    return match.group(1).strip()


@pytest.mark.django_db
def test_elder_mode_sets_a_one_year_cookie_and_the_root_class(client: Client) -> None:
    # given
    assert html_class(client) == ""
    # when
    response = client.post("/prefs/elder/", {"value": "1", "next": "/?page=2"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/?page=2"
    cookie = response.cookies["egov_elder"]
    assert (cookie.value, cookie["max-age"], cookie["samesite"]) == ("1", YEAR, "Lax")
    assert html_class(client) == "elder"
    assert 'id="elder-toggle" aria-pressed="true"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_elder_mode_without_value_toggles(client: Client) -> None:
    client.post("/prefs/elder/")
    assert html_class(client) == "elder"
    client.post("/prefs/elder/")
    assert html_class(client) == ""


@pytest.mark.django_db
def test_elder_mode_is_kept_on_the_signed_in_users_account_through_the_audited_service(client: Client) -> None:
    # given
    user = UserFactory()
    client.force_login(user)
    # when
    client.post("/prefs/elder/", {"value": "1"})
    # then
    user.refresh_from_db()
    assert user.elder_mode is True
    assert AuditEntry.objects.filter(action="accounts.preferences_update", actor=user).count() == 1
    # and another device (no cookie yet) shows elder mode for this person
    other_device = Client()
    other_device.force_login(user)
    assert html_class(other_device) == "elder"


@pytest.mark.django_db
def test_an_explicit_choice_on_this_device_wins_over_the_account(client: Client) -> None:
    user = UserFactory(elder_mode=True)
    client.force_login(user)
    client.cookies["egov_elder"] = "0"
    assert html_class(client) == ""


@pytest.mark.django_db
def test_contrast_mode_sets_its_cookie_and_class(client: Client) -> None:
    response = client.post("/prefs/contrast/", {"value": "1", "next": "/"})
    assert response.cookies["egov_contrast"].value == "1"
    assert html_class(client) == "contrast"


@pytest.mark.django_db
def test_font_size_steps_up_and_down_within_bounds(client: Client) -> None:
    for _ in range(5):
        client.post("/prefs/font/", {"change": "1"})
    assert html_class(client) == "font-3"
    client.post("/prefs/font/", {"change": "0"})
    assert html_class(client) == ""
    for _ in range(3):
        client.post("/prefs/font/", {"change": "-1"})
    assert html_class(client) == "font-m1"


@pytest.mark.django_db
def test_fetch_callers_get_the_new_classes_as_json(client: Client) -> None:
    client.cookies["egov_elder"] = "1"
    response = client.post("/prefs/font/", {"change": "1"}, HTTP_ACCEPT="application/json")
    assert response.json() == {"elder": True, "contrast": False, "font_step": 1, "classes": "elder font-1"}


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "data"), [("/prefs/elder/", {"value": "yes"}), ("/prefs/font/", {"change": "9"})])
def test_bad_values_are_refused_in_chinese_and_change_nothing(client: Client, path: str, data: dict[str, str]) -> None:
    response = client.post(path, data)
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid", "message": "显示设置的取值不正确"}}
    assert not response.cookies


@pytest.mark.django_db
def test_redirect_back_never_leaves_the_site(client: Client) -> None:
    response = client.post("/prefs/elder/", {"value": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_preferences_only_accept_post(client: Client) -> None:
    assert client.get("/prefs/elder/").status_code == 405


@pytest.mark.django_db
def test_office_pages_post_preferences_to_office_urls(client: Client) -> None:
    # An office-only process has no public URLs, so the workbench toolbar must use its own.
    client.force_login(UserFactory(staff=True))
    html = client.get("/office/").content.decode()
    assert '<form method="post" action="/office/prefs/elder/"' in html
    client.post("/office/prefs/elder/", {"value": "1"})
    assert html_class(client, "/office/") == "elder"


@pytest.mark.django_db
def test_anonymous_pages_carry_no_per_visitor_token_so_they_can_be_cached() -> None:
    # given a visitor who has never been here, with CSRF checks on as in production
    visitor = Client(enforce_csrf_checks=True)
    # when they open a public page
    response = visitor.get("/services/")
    # then nothing in it is specific to them: no token in the page, no CSRF cookie set
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert 'name="csrf-token"' not in response.content.decode()
    assert "csrftoken" not in response.cookies
    # and the display and language switches still work for them without a token
    assert visitor.post("/prefs/elder/", {"value": "1"}).status_code == 302
    assert visitor.post("/i18n/setlang/", {"language": "en", "next": "/services/"}).status_code == 302
    assert html_class(visitor, "/services/") == "elder"


@pytest.mark.django_db
def test_signed_in_users_still_need_the_token_because_the_switch_writes_their_account() -> None:
    # given a signed-in user whose browser did not send the CSRF token (a forged cross-site form)
    user = UserFactory()
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(user)
    # when
    elder = forged.post("/prefs/elder/", {"value": "1"})
    language = forged.post("/i18n/setlang/", {"language": "en"})
    # then both are refused and the account is unchanged
    assert (elder.status_code, language.status_code) == (403, 403)
    user.refresh_from_db()
    assert user.elder_mode is False
    # while their own page, with the token, works
    page = forged.get("/services/").content.decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token is not None
    assert forged.post("/prefs/elder/", {"value": "1"}, HTTP_X_CSRFTOKEN=token.group(1)).status_code == 302
    user.refresh_from_db()
    assert user.elder_mode is True
