"""Template tags of the shell, so any page extending the base templates gets the navigation without its
view having to pass it."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField

from egov.web import navigation, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def public_nav(context: template.Context) -> list[dict[str, Any]]:
    request = context.get("request")
    return navigation.public_nav(current_path=request.path if request else "")


@register.simple_tag
def home_entries() -> list[dict[str, Any]]:
    return navigation.home_entries()


@register.simple_tag(takes_context=True)
def office_nav(context: template.Context) -> list[dict[str, Any]]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return navigation.office_nav(request.user, current_path=request.path)


@register.simple_tag(takes_context=True)
def office_identity(context: template.Context) -> selectors.OfficeIdentity | None:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return selectors.office_identity(request.user)


@register.simple_tag
def field_widget(field: BoundField) -> str:
    """The input with aria-describedby naming its help text and error, so screen readers announce both."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
    attrs: dict[str, str | bool] = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
