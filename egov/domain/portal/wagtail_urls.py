"""Wagtail's page serving as the final catch-all of the URL configuration (host-name routing), without
swallowing the platform's own prefixes: an unknown /api/… or /office/… address stays a plain 404 (no
APPEND_SLASH redirect into Wagtail)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, re_path
from wagtail import urls as wagtail_urls
from wagtail import views

RESERVED = ("api", "office", "static", "media", "i18n", "healthz")

urlpatterns: list[URLPattern | URLResolver] = [
    *(p for p in wagtail_urls.urlpatterns if getattr(p, "name", None) != "wagtail_serve"),
    re_path(
        r"^(?!(?:%s)(?:/|$))((?:[\w\-]+/)*)$" % "|".join(RESERVED),  # noqa: UP031 — a regex, built once
        views.serve,
        name="wagtail_serve",
    ),
]
