"""Checks a page must pass before it is published (or submitted to review):

* no banned / sensitive word (the ``SensitiveWord`` snippets plus ``settings.PORTAL_SENSITIVE_WORDS``);
* leader names used with the right title: a leader page says 张三 is 盟长, so "张三副盟长" is wrong;
* every image has alternative text (ImageBlock alt text unless marked decorative; cover/photo/banner images
  need a description in the image library).

Each check returns Chinese messages; an empty list means the page may be published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.html import strip_tags

from egov.domain.portal.models import (
    ArticlePage,
    DatedPage,
    LeaderPage,
    PortalPage,
    SensitiveWord,
    TopicPage,
)

# Titles a leader name may be followed by. Longest first, so that "副盟长" is matched before "盟长".
LEADER_TITLES = sorted(
    {
        "盟委书记",
        "盟长",
        "副盟长",
        "秘书长",
        "副秘书长",
        "书记",
        "副书记",
        "主任",
        "副主任",
        "局长",
        "副局长",
        "市长",
        "副市长",
        "旗长",
        "副旗长",
        "县长",
        "副县长",
        "主席",
        "副主席",
        "部长",
        "副部长",
        "厅长",
        "副厅长",
        "委员",
    },
    key=len,
    reverse=True,
)


def sensitive_words() -> list[tuple[str, str]]:
    """(word, suggestion) pairs from the snippets and the deployment setting."""
    words = {w.word: w.suggestion for w in SensitiveWord.objects.all()}
    for word in getattr(settings, "PORTAL_SENSITIVE_WORDS", []):
        words.setdefault(word, "")
    return sorted(words.items(), key=lambda pair: -len(pair[0]))


def page_text(page: PortalPage) -> str:
    """Everything a visitor reads on the page: title, subtitle, description, body, leader fields."""
    parts: list[str] = [page.title, getattr(page, "subtitle", "") or "", page.search_description or ""]
    parts.append(page.plain_text())
    for name in ("source", "author", "keywords", "issuing_body"):
        parts.append(str(getattr(page, name, "") or ""))
    if isinstance(page, TopicPage):
        parts.append(strip_tags(page.intro))
    return "\n".join(p for p in parts if p)


def check_sensitive_words(text: str) -> list[str]:
    messages = []
    for word, suggestion in sensitive_words():
        if word and word in text:
            hint = f"，建议改为“{suggestion}”" if suggestion else ""
            messages.append(f"内容含有禁用词“{word}”{hint}，请修改后再发布")
    return messages


def leaders_for(page: PortalPage) -> list[tuple[str, str]]:
    """(name, position) of the live leader pages of every site (a county page may mention a League leader)."""
    leaders = LeaderPage.objects.live().exclude(pk=page.pk).values_list("name", "position")
    own = [(page.name, page.position)] if isinstance(page, LeaderPage) else []
    return [(name.strip(), position.strip()) for name, position in [*leaders, *own] if name.strip()]


def check_leader_titles(text: str, leaders: Iterable[tuple[str, str]]) -> list[str]:
    """A leader name directly followed by a title that is not (part of) the leader's position."""
    messages: list[str] = []
    positions: dict[str, set[str]] = {}
    for name, position in leaders:
        positions.setdefault(name, set()).add(position)
    alternation = "|".join(re.escape(t) for t in LEADER_TITLES)
    for name, held in positions.items():
        for found in re.finditer(re.escape(name) + rf"(?:同志)?(?P<title>{alternation})", text):
            title = found.group("title")
            if any(_title_matches(title, position) for position in held):
                continue
            expected = "、".join(sorted(held))
            message = f"领导姓名与职务不符：“{found.group(0)}”，领导之窗中{name}的职务为“{expected}”"
            if message not in messages:
                messages.append(message)
    return messages


def _title_matches(title: str, position: str) -> bool:
    """ "盟长" matches the position "盟长" and "兴安盟盟长", not "副盟长"."""
    if not position.endswith(title):
        return False
    before = position[: -len(title)]
    return not before.endswith("副")


def check_alt_text(page: PortalPage) -> list[str]:
    messages: list[str] = []
    if isinstance(page, DatedPage):
        for number, image in enumerate(page.image_blocks(), start=1):
            if (
                not getattr(image, "decorative", False)
                and not (getattr(image, "contextual_alt_text", "") or "").strip()
            ):
                messages.append(f"正文第 {number} 张图片缺少替代文字（无障碍要求），请填写或标为装饰性图片")
    named: list[tuple[str, Any]] = []
    if isinstance(page, ArticlePage):
        named.append(("题图", page.cover))
    if isinstance(page, LeaderPage):
        named.append(("照片", page.photo))
    if isinstance(page, TopicPage):
        named.append(("专题图", page.banner))
    for label, image in named:
        if image is not None and not (image.description or "").strip():
            messages.append(f"{label}“{image.title}”缺少替代文字，请在图片库中填写图片说明")
    return messages


def publish_problems(page: PortalPage) -> list[str]:
    """Every reason the page may not be published; empty when it may."""
    text = page_text(page)
    return [
        *check_sensitive_words(text),
        *check_leader_titles(text, leaders_for(page)),
        *check_alt_text(page),
    ]
