"""Zone guard: a public-zone process has no office URL at all (404), and an office-zone process no public one."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

OFFICE_URLS = ["/office/django-admin/", "/office/cms/", "/api/office/docs", "/office/access/", "/office/"]
PUBLIC_URLS = ["/api/public/docs", "/"]


@pytest.mark.parametrize("url", OFFICE_URLS)
def test_office_urls_do_not_exist_in_the_public_zone(settings: LazySettings, url: str) -> None:
    settings.ROOT_URLCONF = "config.urls_public"  # the setting change clears Django's URL resolver caches
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_urls_do_not_exist_in_the_office_zone(settings: LazySettings, url: str) -> None:
    settings.ROOT_URLCONF = "config.urls_office"
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize("url", OFFICE_URLS)
def test_office_urls_exist_in_the_office_zone(settings: LazySettings, url: str) -> None:
    # the control for the 404s above: the same URLs are served (or ask for sign-in) where they belong
    settings.ROOT_URLCONF = "config.urls_office"
    assert Client().get(url).status_code != 404


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_urls_exist_in_the_public_zone(settings: LazySettings, url: str) -> None:
    settings.ROOT_URLCONF = "config.urls_public"
    assert Client().get(url).status_code == 200


@pytest.mark.parametrize("urlconf", ["config.urls_public", "config.urls_office", "config.urls"])
def test_health_check_exists_in_every_zone(settings: LazySettings, urlconf: str) -> None:
    settings.ROOT_URLCONF = urlconf
    assert Client().get("/healthz").status_code == 200


def test_access_pages_cannot_even_be_reversed_in_the_public_zone() -> None:
    with pytest.raises(NoReverseMatch):
        reverse("access:assignment_list", urlconf="config.urls_public")
    assert reverse("access:assignment_list", urlconf="config.urls_office") == "/office/access/"


def test_a_link_into_the_other_zone_is_none_not_an_error(settings: LazySettings) -> None:
    from egov.kernel.links import reverse_or_none

    settings.ROOT_URLCONF = "config.urls_public"
    assert reverse_or_none("services:my_case", "XAZW-2026-000001") == "/my/cases/XAZW-2026-000001/"
    assert reverse_or_none("services:office_list") is None
    settings.ROOT_URLCONF = "config.urls_office"
    assert reverse_or_none("services:office_list") == "/office/services/applications/"
    assert reverse_or_none("services:my_case", "XAZW-2026-000001") is None
