"""Reading the index: ``search()`` and the highlighting of snippets."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from egov.kernel.errors import Rejected
from egov.kernel.search import text
from egov.kernel.search.backends import FTS_TABLE, current_backend, density_score
from egov.kernel.search.models import SearchDocument
from egov.kernel.search.suggest import suggest

MAX_QUERY_LENGTH = 100
MAX_PAGE_SIZE = 50
MAX_PAGE = 1000
SNIPPET_LENGTH = 120
SORTS = ("relevance", "date")
_FACET_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

Sort = Literal["relevance", "date"]


@dataclass(frozen=True)
class Hit:
    type: str
    id: str
    title: str
    title_html: SafeString
    url: str
    snippet_html: SafeString
    date: dt.datetime | None
    site: str
    facets: dict[str, Any]


@dataclass(frozen=True)
class SearchResults:
    total: int
    hits: list[Hit]
    page: int
    page_size: int
    #: {"type": {...}, "site": {...}, "year": {...}, "validity": {...}} over the matches with the filters applied.
    facet_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    #: True when the words match more documents than the engine ranks (``max_candidates``): ``total`` is then
    #: the planner's estimate (shown as 约), and the hits and facet counts come from the newest matches.
    estimated: bool = False

    @property
    def pages(self) -> int:
        return (self.total + self.page_size - 1) // self.page_size


def _check(query: str, sort: str, page: int, page_size: int, facets: dict[str, str] | None) -> None:
    if len(query) > MAX_QUERY_LENGTH:
        raise Rejected("query_too_long", f"检索词不能超过 {MAX_QUERY_LENGTH} 个字", field="q")
    if sort not in SORTS:
        raise Rejected("bad_sort", "排序方式只能是按相关度或按日期", field="sort")
    if not 1 <= page <= MAX_PAGE:
        raise Rejected("bad_page", f"页码应为 1 到 {MAX_PAGE} 之间的整数", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise Rejected("bad_page_size", f"每页条数应为 1 到 {MAX_PAGE_SIZE} 之间的整数", field="page_size")
    for key in facets or {}:
        if not _FACET_KEY.match(key):
            raise Rejected("bad_facet", "筛选条件不正确", field="facets")


def search(
    query: str,
    *,
    types: list[str] | None = None,
    site: str | None = None,
    year: int | None = None,
    facets: dict[str, str] | None = None,
    sort: Sort | str = "relevance",
    page: int = 1,
    page_size: int = 10,
) -> SearchResults:
    """Full-text search over the public index. Every query word must occur (AND); an empty query lists the
    filtered documents newest first. Raises ``Rejected`` with a Chinese message for bad input."""
    query = (query or "").strip()
    _check(query, sort, page, page_size, facets)
    groups = text.query_terms(query) if query else []
    suggestion = suggest(query) if query else None
    if query and not groups:  # only punctuation or symbols: nothing can match
        return SearchResults(total=0, hits=[], page=page, page_size=page_size, suggestion=suggestion)

    filtered = SearchDocument.objects.all()
    if types:
        filtered = filtered.filter(object_type__in=types)
    if site:
        filtered = filtered.filter(site=site)
    if year:
        filtered = filtered.filter(year=year)
    for key, value in (facets or {}).items():
        filtered = filtered.filter(**{f"facets__{key}": value})
    backend = current_backend()
    join, where, rank, params = "", "1 = 1", "0", []
    if groups:
        match = backend.match(groups)
        join, where, rank = match.join, match.where, match.rank
        params = [*match.join_params, *match.where_params]
    if filtered.query.where:
        filter_sql, filter_params = filtered.values("id").query.sql_with_params()
        where = f"{where} AND d.id IN ({filter_sql})"
        params = [*params, *filter_params]
    by_relevance = sort == "relevance" and bool(groups)
    offset = (page - 1) * page_size
    # Very common words match most of the index; ranking and counting every match costs seconds on PostgreSQL
    # and most of a second on SQLite (a public, unauthenticated page). On PostgreSQL, when the planner expects
    # that many matches, only the newest ``max_candidates`` (or as many as the page needs) are taken, walking
    # the newest-first index; the walk reads about cap × documents / matches rows, so it pays only above
    # √(cap × documents) matches — below that every match is ranked and counted exactly, as before. On SQLite
    # the cap applies as soon as the words match more than it, taking the matches last added to the index.
    matches = f"SELECT d.id FROM {SearchDocument._meta.db_table} d {join} WHERE {where}"  # noqa: S608 — values are bound
    match_params = list(params)
    cap, expected = 0, 0
    if groups and backend.max_candidates:
        wanted = max(backend.max_candidates, offset + page_size)
        if backend.vendor == "postgresql":
            expected = _estimated_rows(matches, match_params)
            # (the document count is only read for queries that could reach the cap: most never do)
            if expected > wanted and expected > math.sqrt(wanted * _documents()):
                cap = wanted
        elif _fts_matches(match.where_params, limit=wanted + 1) > wanted:
            # SQLite: the words alone (FTS5 stops counting at the limit, ~1 ms) decide; below the cap every match
            # is ranked exactly. The total of a capped query is the exact count of the words' matches, scaled by
            # the share of documents the filters keep (an estimate, as the planner's is on PostgreSQL).
            cap = wanted
            expected = _fts_matches(match.where_params)
            if filtered.query.where:
                expected = round(expected * filtered.count() / max(SearchDocument.objects.count(), 1))
    # SQLite re-orders the best ``shortlist`` matches (see SQLiteBackend); the page is cut from them here.
    shortlisted = by_relevance and offset < backend.shortlist
    limit, skip = (backend.shortlist, 0) if shortlisted else (page_size, offset)
    order = ("score, " if by_relevance else "") + "published DESC NULLS LAST, id DESC"
    # One statement: the matches are found once, then counted by facet and cut into the requested page.
    sql = f"""
        WITH m AS MATERIALIZED (
            SELECT d.id, d.object_type, d.site, d.year, {backend.validity_sql} AS validity, d.published,
                   {rank if by_relevance else "0"} AS score
            FROM {SearchDocument._meta.db_table} d {join} WHERE {where}
            {f"ORDER BY {backend.cap_order} LIMIT %s" if cap else ""}
        )
        SELECT 0, object_type, site, year, validity, COUNT(*), 0 FROM m GROUP BY object_type, site, year, validity
        UNION ALL
        SELECT 1, NULL, NULL, NULL, NULL, id, position FROM (
            SELECT id, ROW_NUMBER() OVER (ORDER BY {order}) AS position FROM m ORDER BY {order} LIMIT %s OFFSET %s
        ) AS page_rows
    """  # noqa: S608 — only fixed SQL pieces are formatted in; every value is a bound parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *([cap] if cap else []), limit, skip])
        rows = cursor.fetchall()
    facet_rows = [row[1:6] for row in rows if row[0] == 0]
    total = sum(row[4] for row in facet_rows)
    estimated = bool(cap) and total >= cap
    if estimated:
        total = max(total, expected)
    ids = [row[5] for row in sorted((row for row in rows if row[0] == 1), key=lambda row: row[6])]
    if shortlisted:
        tokens = dict(SearchDocument.objects.filter(id__in=ids).values_list("id", "tokens"))
        ids.sort(key=lambda pk: -density_score(tokens[pk], groups))  # stable: bm25 order breaks ties
        ids = ids[offset : offset + page_size]
    documents = SearchDocument.objects.in_bulk(ids)
    words = sorted({w for group in groups for alternative in group for w in alternative}, key=len, reverse=True)
    hits = [_hit(documents[pk], words) for pk in ids if pk in documents]
    return SearchResults(
        total=total,
        hits=hits,
        page=page,
        page_size=page_size,
        facet_counts=_facet_counts(facet_rows),
        suggestion=suggestion,
        estimated=estimated,
    )


def _fts_matches(where_params: list[Any], *, limit: int | None = None) -> int:
    """How many documents the FTS5 expression matches, counting at most ``limit`` (SQLite)."""
    sql = f"SELECT COUNT(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*where_params, limit or -1])  # a negative LIMIT is none
        return int(cursor.fetchone()[0])


def _documents() -> int:
    """Documents in the index as the planner last counted them (ANALYZE / autovacuum)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [SearchDocument._meta.db_table])
        row = cursor.fetchone()
    return max(int(row[0]), 0) if row else 0


def _estimated_rows(sql: str, params: list[Any]) -> int:
    """The planner's row estimate for the match query (EXPLAIN only plans it: about a millisecond)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _facet_counts(rows: list[tuple[Any, ...]]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {"type": {}, "site": {}, "year": {}, "validity": {}}
    for object_type, site, year, validity, count in rows:
        for name, value in (("type", object_type), ("site", site), ("year", year), ("validity", validity)):
            if value not in (None, ""):
                counts[name][str(value)] = counts[name].get(str(value), 0) + count
    return counts


def _hit(document: SearchDocument, words: list[str]) -> Hit:
    return Hit(
        type=document.object_type,
        id=document.object_id,
        title=document.title,
        title_html=highlight(document.title, words, length=len(document.title)),
        url=document.url,
        snippet_html=highlight(document.body or document.title, words),
        date=document.published,
        site=document.site,
        facets=document.facets,
    )


def highlight(content: str, words: list[str], *, length: int = SNIPPET_LENGTH) -> SafeString:
    """An excerpt of ``content`` around the first query word, HTML-escaped, the words wrapped in <mark>."""
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
    first = pattern.search(content) if pattern else None
    start = max(0, first.start() - length // 4) if first and len(content) > length else 0
    excerpt = content[start : start + length]
    parts: list[str] = ["…"] if start > 0 else []
    position = 0
    for found in pattern.finditer(excerpt) if pattern else []:
        parts.append(escape(excerpt[position : found.start()]))
        parts.append(f"<mark>{escape(found.group())}</mark>")
        position = found.end()
    parts.append(escape(excerpt[position:]))
    if start + length < len(content):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 — every piece of content is escaped above
