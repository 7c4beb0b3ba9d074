"""A small parser for the Solr filter queries CKAN clients send as ``fq`` (and sort strings), turned into ORM Q.

Grammar: ``expr := and_expr ("OR" and_expr)*``; ``and_expr := unary (["AND"] unary)*``;
``unary := ("-" | "+" | "NOT") unary | "(" expr ")" | field ":" value``; ``value := word | "quoted" |
[from TO to] | {from TO to} | "(" value ("OR" value)* ")"``. AND binds tighter than OR, as in Solr.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from egov.domain.data.models import CatalogEntry, Resource


class QueryError(ValueError):
    """The query cannot be parsed or names an unsupported field; the message is shown to the client."""


#: CKAN field → (ORM lookup, kind). ``kind`` is "text" (exact, case-insensitive), "date" or "related".
FIELDS: dict[str, tuple[str, str]] = {
    "id": ("id", "text"),
    "name": ("name", "text"),
    "title": ("title", "text"),
    "organization": ("provider__code", "text"),
    "owner_org": ("provider__code", "text"),
    "groups": ("theme__name", "text"),
    "tags": ("tags__name", "related"),
    "res_format": ("resources__format", "related"),
    "license_id": ("license_id", "text"),
    "metadata_modified": ("modified_at", "date"),
    "metadata_created": ("created_at", "date"),
    "release_date": ("release_date", "date"),
    "code": ("code", "text"),
    "open_type": ("open_type", "text"),
    "sharing_type": ("sharing_type", "text"),
    "sharing_method": ("sharing_method", "text"),
    "update_frequency": ("update_frequency", "text"),
    "classification_level": ("classification_level", "text"),
    "data_format": ("data_format", "text"),
}

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<quoted>"(?:[^"\\]|\\.)*")
      | (?P<range>[\[{][^\]}]*[\]}])
      | (?P<paren>[()])
      | (?P<word>[^\s()"\[\]{}]+)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokens(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    source = source.strip()
    while position < len(source):
        match = _TOKEN.match(source, position)
        if not match or match.end() == position:
            raise QueryError(f"无法解析的检索条件：{source[position:]}")
        kind = match.lastgroup or "word"
        tokens.append(_Token(kind, match.group(kind)))
        position = match.end()
    return tokens


def _parse_instant(text: str, *, upper: bool) -> dt.datetime | None:
    if text == "*":
        return None
    if text.upper() == "NOW":
        return timezone.now()
    parsed = parse_datetime(text)
    if parsed is None:
        day = parse_date(text)
        if day is None:
            raise QueryError(f"无法识别的日期：{text}")
        parsed = dt.datetime.combine(day, dt.time.max if upper else dt.time.min)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def _range_q(lookup: str, text: str) -> Q:
    inclusive_low, inclusive_high = text[0] == "[", text[-1] == "]"
    parts = re.split(r"\s+TO\s+", text[1:-1].strip())
    if len(parts) != 2:
        raise QueryError(f"范围条件应为 [起 TO 止]：{text}")
    low, high = _parse_instant(parts[0], upper=False), _parse_instant(parts[1], upper=True)
    q = Q()
    if low is not None:
        q &= Q(**{f"{lookup}__{'gte' if inclusive_low else 'gt'}": low})
    if high is not None:
        q &= Q(**{f"{lookup}__{'lte' if inclusive_high else 'lt'}": high})
    return q


def _related(field: str) -> tuple[type[Model], str, str]:
    """A to-many field's table, its column pointing at the entry and the column the value is compared with."""
    if field == "tags":
        return CatalogEntry.tags.through, "catalogentry_id", "tag__name"
    return Resource, "entry_id", "format"


def _value_q(field: str, token: _Token) -> Q:
    lookup, kind = FIELDS[field]
    if token.kind == "range":
        if kind != "date":
            raise QueryError(f"字段 {field} 不支持范围条件")
        return _range_q(lookup, token.text)
    value = token.text[1:-1].replace('\\"', '"') if token.kind == "quoted" else token.text
    if kind == "related":
        # Each condition on a to-many relation is its own subquery, so "tags:a -tags:b" means what it says.
        # It reads the link table (tags) or the resource table alone: joining back to the entries made these
        # conditions the slowest part of a filtered package_search.
        model, entry_column, column = _related(field)
        rows = (
            model._default_manager.all()
            if value == "*"
            else model._default_manager.filter(**{f"{column}__iexact": value})
        )
        return Q(pk__in=rows.values(entry_column))
    if value == "*":
        return Q(**{f"{lookup}__isnull": False})
    if kind == "date":
        start = _parse_instant(value, upper=False)
        end = _parse_instant(value, upper=True) if parse_datetime(value) is None else start
        return Q(**{f"{lookup}__gte": start, f"{lookup}__lte": end})
    return Q(**{f"{lookup}__iexact": value})


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise QueryError("检索条件不完整")
        self.index += 1
        return token

    def expect_close(self) -> None:
        token = self.take()
        if token.text != ")":
            raise QueryError("检索条件中的括号不匹配")

    def expr(self) -> Q:
        q = self.and_expr()
        while (token := self.peek()) is not None and token.text == "OR":
            self.take()
            q |= self.and_expr()
        return q

    def and_expr(self) -> Q:
        q = self.unary()
        while (token := self.peek()) is not None and token.text not in {"OR", ")"}:
            if token.text == "AND":
                self.take()
            q &= self.unary()
        return q

    def unary(self) -> Q:
        token = self.take()
        if token.text in {"-", "NOT"}:
            return ~self.unary()
        if token.text == "+":
            return self.unary()
        if token.kind == "word" and token.text[0] in "-+" and len(token.text) > 1:
            inner = _Parser([_Token("word", token.text[1:]), *self.tokens[self.index :]])
            result = inner.unary()
            self.index += inner.index - 1
            return ~result if token.text[0] == "-" else result
        if token.text == "(":
            q = self.expr()
            self.expect_close()
            return q
        return self.clause(token)

    def clause(self, token: _Token) -> Q:
        if token.kind != "word" or ":" not in token.text:
            raise QueryError(f"检索条件应为“字段:值”：{token.text}")
        field, _colon, rest = token.text.partition(":")
        if field not in FIELDS:
            raise QueryError(f"不支持的检索字段：{field}")
        if rest:
            return _value_q(field, _Token("word", rest))
        value = self.take()
        if value.text == "(":
            q = _value_q(field, self.take())
            while (nxt := self.take()).text != ")":
                if nxt.text != "OR":
                    raise QueryError("字段值列表只能用 OR 连接")
                q |= _value_q(field, self.take())
            return q
        if value.kind in {"quoted", "range"}:
            return _value_q(field, value)
        raise QueryError(f"字段 {field} 缺少取值")


def parse_fq(source: str) -> Q:
    """Turn a Solr-style filter query into a Q over CatalogEntry (empty query → everything)."""
    tokens = _tokens(source)
    if not tokens:
        return Q()
    parser = _Parser(tokens)
    q = parser.expr()
    if parser.peek() is not None:
        raise QueryError("检索条件中的括号不匹配")
    return q


#: CKAN sort field → ORM field; "score" is resolved by the caller (it depends on q).
SORT_FIELDS: dict[str, str] = {
    "metadata_modified": "modified_at",
    "metadata_created": "created_at",
    "title_string": "title",
    "title": "title",
    "name": "name",
    "score": "score",
}


def parse_sort(source: str, *, score: Callable[[], str | None]) -> list[str]:
    """``"score desc, metadata_modified desc"`` → ORM ordering; ``score`` says what relevance orders by."""
    ordering: list[str] = []
    for part in filter(None, (p.strip() for p in source.split(","))):
        field, _sep, direction = part.partition(" ")
        direction = direction.strip().lower() or "asc"
        if field not in SORT_FIELDS or direction not in {"asc", "desc"}:
            raise QueryError(f"不支持的排序方式：{part}")
        column = score() if field == "score" else SORT_FIELDS[field]
        if column:
            ordering.append(("-" if direction == "desc" else "") + column)
    return ordering
