"""The full-text engines behind one interface: SQLite FTS5 (embedded) and PostgreSQL tsvector + GIN.

Both index ``SearchDocument.tokens`` (words already segmented by jieba, separated by spaces), so neither
engine needs a Chinese parser. A backend only turns query terms into SQL; filtering, counting, paging and
highlighting are shared (selectors.py). User input only ever reaches the engine as bound parameters, and on
SQLite every word is a quoted FTS5 string, so no input can produce an FTS syntax error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

#: The FTS5 table (SQLite) — created by migration 0002, filled by triggers on the document table.
FTS_TABLE = "search_fts"


@dataclass(frozen=True)
class Match:
    """SQL pieces that restrict the document table ``d`` to the matches and rank them (smaller = better)."""

    join: str
    where: str
    rank: str
    join_params: list[Any] = field(default_factory=list)
    where_params: list[Any] = field(default_factory=list)


def density_score(tokens: str, groups: list[list[tuple[str, ...]]]) -> float:
    """Occurrences of the query words per document, damped by 1 + ln(length) — the ranking PostgreSQL's
    ts_rank_cd(…, 1) gives; a group counts its word, or else the rarest of its split parts."""
    # ``tokens`` is words joined by single spaces (text.index_tokens); doubling the spaces frames every word in
    # its own pair, so str.count (C, no list of ~1,500 words per document) counts whole words only.
    framed = f" {tokens.replace(' ', '  ')} "
    hits = 0
    for group in groups:
        hits += max(min(framed.count(f" {w} ") for w in alternative) for alternative in group)
    length = tokens.count(" ") + 1 if tokens else 0
    return hits / (1 + math.log(max(length, 1)))


class SQLiteBackend:
    """FTS5 with bm25(). bm25 normalises length hard (b = 0.75, fixed in FTS5), so a short paragraph that
    mentions 信息资源 twice outranks the long one built around it; the best ``shortlist`` matches by bm25
    are therefore re-ordered by ``density_score`` (the same order PostgreSQL gives)."""

    vendor = "sqlite"
    validity_sql = "json_extract(d.facets, '$.validity')"
    shortlist = 200
    #: Matches ranked and counted at most. FTS5's bm25 reads every match's position lists (~3 µs per match): a
    #: query of words found in all 120,000 documents took 0.8 s. Beyond the cap the matches most recently added
    #: to the index are taken: FTS5 walks its doclists in rowid order and stops at the LIMIT (ADR 0016).
    max_candidates = 1000
    #: The order in which the capped matches are taken (FTS5 delivers it without sorting).
    cap_order = f"{FTS_TABLE}.rowid DESC"

    @staticmethod
    def quote(word: str) -> str:
        return '"' + word.replace('"', '""') + '"'

    def match(self, groups: list[list[tuple[str, ...]]]) -> Match:
        expression = " AND ".join(
            "("
            + " OR ".join("(" + " AND ".join(self.quote(w) for w in alternative) + ")" for alternative in group)
            + ")"
            for group in groups
        )
        return Match(
            join=f"JOIN {FTS_TABLE} ON {FTS_TABLE}.rowid = d.id",
            where=f"{FTS_TABLE} MATCH %s",
            rank=f"bm25({FTS_TABLE})",
            where_params=[expression],
        )


class PostgreSQLBackend:
    vendor = "postgresql"
    validity_sql = "d.facets ->> 'validity'"
    shortlist = 0
    #: Matches ranked and counted at most (the newest ones); beyond it the total is the planner's estimate.
    max_candidates = 1000
    #: The order in which the capped matches are taken (the newest-first index, migration 0003).
    cap_order = "d.published DESC NULLS LAST, d.id DESC"

    def match(self, groups: list[list[tuple[str, ...]]]) -> Match:
        params: list[Any] = []
        group_sql: list[str] = []
        for group in groups:
            alternatives = []
            for alternative in group:
                alternatives.append("(" + " && ".join("phraseto_tsquery('simple', %s)" for _ in alternative) + ")")
                params.extend(alternative)
            group_sql.append("(" + " || ".join(alternatives) + ")")
        # The tsquery is built once in a one-row join and used by both the condition and the ranking.
        return Match(
            join=f"CROSS JOIN (SELECT {' && '.join(group_sql)} AS q) AS tq",
            where="d.search_vector @@ tq.q",
            rank="-ts_rank_cd(d.search_vector, tq.q, 1)",
            join_params=params,
        )


Backend = SQLiteBackend | PostgreSQLBackend


def current_backend() -> Backend:
    """The backend of the default database connection."""
    if connection.vendor == "postgresql":
        return PostgreSQLBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(f"全文检索不支持 {connection.vendor} 数据库")
