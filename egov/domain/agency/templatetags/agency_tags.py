"""Filters for the 好差评 figure tables."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def level_count(levels: dict[int, int], level: int) -> int:
    return levels.get(level, 0)


@register.filter
def rate(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"
