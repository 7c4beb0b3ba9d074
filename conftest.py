"""Repository-wide test fixtures: the headless browser for end-to-end tests.

Browser tests use Debian's Chromium through Playwright (no browser download) against pytest-django's
``live_server``; mark them ``@pytest.mark.browser`` and ``@pytest.mark.django_db(transaction=True)``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("浏览器测试需要 Debian Chromium（/usr/bin/chromium），请先运行 make install-browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own cookies) and page, 1280×800, Chinese locale."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """``screenshot(page, "name")`` saves test-artifacts/<test>-<name>.png and returns its path."""

    def take(page: Any, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{request.node.name}-{name}")
        path = ARTIFACTS / f"{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# Data that migrations seed (built-in roles, the holiday table, message templates). A transactional test ends by
# flushing every table, which removes it for the tests after it; put it back before each transactional test.
SEED_FUNCTIONS = (
    ("egov.kernel.access.migrations.0002_builtin_roles", "create_builtin_roles"),
    ("egov.kernel.access.migrations.0003_domain_roles", "create_domain_roles"),
    ("egov.kernel.calendar.migrations.0002_seed_from_chinesecalendar", "seed_years"),
    ("egov.kernel.notify.migrations.0002_seed_default_templates", "seed"),
)


def _restore_wagtail_tree() -> None:
    """Wagtail's migrations seed the default content locale, the root page and the root collection; a flush
    removes them."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return "transactional_db" in request.fixturenames or "live_server" in request.fixturenames


@pytest.fixture(autouse=True)
def _restore_seed_data(request: pytest.FixtureRequest) -> None:
    if not _is_transactional(request):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("_django_db_helper")
    for module_name, function in SEED_FUNCTIONS:
        getattr(importlib.import_module(module_name), function)(apps, None)
    _restore_wagtail_tree()
    from egov.kernel.calendar.deadlines import invalidate

    invalidate()
