"""Message templates: Django template syntax, checked when saved, rendered as plain text.

Templates are edited by administrators, so only a safe subset is allowed (text, variables, filters, if, for,
with, comment) and every variable must be declared; the stored text is escaped where it is displayed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import FilterExpression, NodeList, TextNode, Variable, VariableNode
from django.template.defaulttags import CommentNode, ForNode, IfNode, TemplateLiteral, WithNode
from django.utils.translation import gettext as _

# Plain text out: autoescaping happens when an in-site message is shown on a page, not when it is stored.
_ENGINE = Engine(autoescape=False, debug=False)
_ALLOWED_NODES = (TextNode, VariableNode, IfNode, ForNode, WithNode, CommentNode)


class TemplateCheckError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_declared_variables(value: object) -> list[str]:
    """The declared variables must be a list of plain names (they become template context keys)."""
    if not isinstance(value, list) or not all(isinstance(item, str) and item.isidentifier() for item in value):
        raise TemplateCheckError(_('变量声明应为变量名列表，如 ["case_title", "deadline"]'))
    return value


def check_template(source: str, declared: Iterable[str]) -> None:
    """Reject syntax errors, tags outside the safe subset and variables that were not declared."""
    if not source:
        return
    try:
        template = _ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateCheckError(_("模板语法错误：%(error)s") % {"error": exc}) from exc
    used: set[str] = set()
    _collect(template.nodelist, frozenset(), used)
    unknown = sorted(used - set(declared))
    if unknown:
        raise TemplateCheckError(_("模板中使用了未声明的变量：%(names)s") % {"names": "、".join(unknown)})
    try:
        template.render(Context({name: f"【{name}】" for name in declared}, autoescape=False))
    except Exception as exc:  # any failure with sample values means the template is unusable
        raise TemplateCheckError(_("模板无法渲染：%(error)s") % {"error": exc}) from exc


@lru_cache(maxsize=512)
def _compiled(source: str) -> Template:
    """Compiled once per process: keyed by the text itself, so an edited template is compiled afresh and the
    old text simply falls out of the cache. A compiled Template holds no render state (Django's cached
    loader shares them the same way)."""
    return _ENGINE.from_string(source)


def render_text(source: str, context: Mapping[str, Any]) -> str:
    if not source:
        return ""
    return _compiled(source).render(Context(dict(context), autoescape=False)).strip()


def _collect(nodelist: NodeList | list[Any], bound: frozenset[str], used: set[str]) -> None:
    for node in nodelist:
        if not isinstance(node, _ALLOWED_NODES):
            token = getattr(getattr(node, "token", None), "contents", type(node).__name__)
            raise TemplateCheckError(_("模板中使用了不允许的标签：{%% %(tag)s %%}") % {"tag": token.split()[0]})
        if isinstance(node, VariableNode):
            _names(node.filter_expression, bound, used)
        elif isinstance(node, IfNode):
            for condition, branch in node.conditions_nodelists:
                if condition is not None:
                    _condition_names(condition, bound, used)
                _collect(branch, bound, used)
        elif isinstance(node, ForNode):
            _names(node.sequence, bound, used)
            _collect(node.nodelist_loop, bound | set(node.loopvars) | {"forloop"}, used)
            _collect(node.nodelist_empty, bound, used)
        elif isinstance(node, WithNode):
            for expression in node.extra_context.values():
                _names(expression, bound, used)
            _collect(node.nodelist, bound | set(node.extra_context), used)


def _condition_names(condition: Any, bound: frozenset[str], used: set[str]) -> None:
    if isinstance(condition, TemplateLiteral):
        _names(condition.value, bound, used)
        return
    for part in (getattr(condition, "first", None), getattr(condition, "second", None)):
        if part is not None:
            _condition_names(part, bound, used)


def _names(expression: FilterExpression | Any, bound: frozenset[str], used: set[str]) -> None:
    variables = [expression.var] + [arg for _func, args in expression.filters for lookup, arg in args if lookup]
    for variable in variables:
        if isinstance(variable, Variable) and variable.lookups and variable.lookups[0] not in bound:
            used.add(variable.lookups[0])


__all__ = ["TemplateCheckError", "check_declared_variables", "check_template", "render_text"]
