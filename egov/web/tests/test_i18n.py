"""Language switch (zh-hans / en / mn) through Django's set_language view."""

from __future__ import annotations

import gettext
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings
from django.test import Client


def nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="main-nav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(1))


@pytest.mark.django_db
def test_chinese_is_the_default(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans"' in html
    # zooming stays possible (适老化: zoom); the viewport never sets maximum-scale or user-scalable=no
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    expected = ["首页", "政务公开", "政务服务", "互动交流", "数据开放", "网站群", "办件查询", "证照核验"]
    assert nav_labels(html) == expected
    assert "跳到主要内容" in html
    # and no template comment ever leaks into the page
    assert "{#" not in html and "#}" not in html


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_the_visitor_switches(client: Client) -> None:
    # given a browser that prefers English
    html = client.get("/services/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    # then the interface is Chinese first
    assert '<html lang="zh-hans"' in html
    # until the visitor chooses English with the switch
    client.post("/i18n/setlang/", {"language": "en", "next": "/services/"})
    assert '<html lang="en"' in client.get("/services/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


@pytest.mark.django_db
def test_switching_to_english_changes_html_lang_and_navigation(client: Client) -> None:
    # when
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert nav_labels(html) == [
        "Home",
        "Open government",
        "Government services",
        "Interaction",
        "Open data",
        "Site cluster",
        "Case progress",
        "Verify a certificate",
    ]
    assert "Skip to main content" in html


@pytest.mark.django_db
def test_mongolian_uses_traditional_script_and_vertical_blocks(client: Client) -> None:
    # when
    client.post("/i18n/setlang/", {"language": "mn", "next": "/"})
    html = client.get("/").content.decode()
    # then
    assert '<html lang="mn" class="">' in html
    assert nav_labels(html)[0] == "ᠨᠢᠭᠤᠷ ᠬᠠᠭᠤᠳᠠᠰᠤ"
    assert '<div class="mn-scroll" lang="mn">' in html
    assert '<p class="mn-vertical">ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ' in html
    # a string without a Mongolian translation yet falls back to Chinese, never to an English msgid
    assert "跳到主要内容" in html


@pytest.mark.django_db
def test_language_switch_form_returns_to_the_current_page(client: Client) -> None:
    html = client.get("/?q=1").content.decode()
    form = re.search(r'<form method="post" action="/i18n/setlang/"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None
    assert '<input type="hidden" name="next" value="/?q=1">' in form.group(1)
    assert re.findall(r'name="language" value="([^"]+)"', form.group(1)) == ["zh-hans", "en", "mn"]


def load_compiler() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compile_messages", settings.BASE_DIR / "scripts/compile_messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("language", ["en", "mn"])
def test_committed_mo_files_match_their_po_sources(language: str) -> None:
    # A .po edited without recompiling would silently show stale text.
    compiler = load_compiler()
    po = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected = compiler.parse_po(po.read_text(encoding="utf-8"))
    assert compiled.gettext("首页") == expected["首页"]
    singular = {key: value for key, value in expected.items() if key and "\0" not in key}
    assert {key: compiled.gettext(key) for key in singular} == singular


def test_the_compiler_writes_plurals_and_skips_fuzzy_entries(tmp_path: Path) -> None:
    compiler = load_compiler()
    source = (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\nPlural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "问题"\nmsgid_plural "问题"\nmsgstr[0] "problem"\nmsgstr[1] "problems"\n\n'
        '#, fuzzy\nmsgid "首页"\nmsgstr "Homepage?"\n\n'
        'msgid "长"\n"文本"\nmsgstr ""\n"long "\n"text"\n'
    )
    target = tmp_path / "django.mo"
    compiler.write_mo(compiler.parse_po(source), target)
    with target.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert (compiled.ngettext("问题", "问题", 1), compiled.ngettext("问题", "问题", 3)) == ("problem", "problems")
    assert compiled.gettext("首页") == "首页"
    assert compiled.gettext("长文本") == "long text"
