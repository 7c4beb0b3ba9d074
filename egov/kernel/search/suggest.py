"""「您是不是要找」: pinyin input (wulanhaote → 乌兰浩特) and homophone typos (乌兰好特 → 乌兰浩特).

The vocabulary is the custom dictionary plus the words of indexed titles, keyed by toneless pinyin
without spaces. It is built on first use and rebuilt when the index has changed and the copy is older
than ``REFRESH_SECONDS`` (never on every query: building it segments every title).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import cache, partial

from django.db.models import Count, Max

from egov.kernel.search import text
from egov.kernel.search.models import SearchDocument

REFRESH_SECONDS = 300
_LATIN = re.compile(r"^[a-zA-Z][a-zA-Z\s']*$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_lock = threading.Lock()
_cache: dict[str, object] = {"stamp": None, "built": 0.0, "vocabulary": {}, "words": frozenset()}


@cache
def _pinyin() -> Callable[[str], list[str]]:
    """pypinyin, imported on the first suggestion and without its phrase dictionary.

    The phrase dictionary (~400,000 phrases, ~44 MB in every worker that imports it) only changes the reading
    of polyphonic characters inside known phrases (银行 yinhang, not yinxing). Here both sides of a match — the
    vocabulary and the query run — are keyed the same way, and a query run is looked up only when it is not a
    word (so no phrase reading could apply to it), so the suggestions found are the same in practice, with
    the exception of pinyin typed for a polyphonic word (``yinhang``). Set ``PYPINYIN_NO_PHRASES`` to an empty
    value in the environment to keep the phrases (ADR 0019)."""
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")  # we load no custom readings: no private copy needed
    from pypinyin import Style, lazy_pinyin

    return partial(lazy_pinyin, style=Style.NORMAL, errors="ignore")


def pinyin_key(word: str) -> str:
    return "".join(_pinyin()(word)).lower()


def _index_stamp() -> tuple[object, int]:
    row = SearchDocument.objects.aggregate(last=Max("indexed_at"), count=Count("id"))
    return row["last"], row["count"]


def _build() -> dict[str, str]:
    """pinyin key → the most frequent word with that pronunciation."""
    counts: Counter[str] = Counter({word: 1000 for word in text.custom_words()})
    for title in SearchDocument.objects.values_list("title", flat=True).iterator(chunk_size=2000):
        counts.update(w for w in text.words(title) if len(w) >= 2 and _HAN.search(w))
    vocabulary: dict[str, str] = {}
    for word, _count in counts.most_common():
        vocabulary.setdefault(pinyin_key(word), word)
    return vocabulary


def vocabulary() -> dict[str, str]:
    now = time.monotonic()
    if not _cache["vocabulary"] or now - float(_cache["built"]) > REFRESH_SECONDS:  # type: ignore[arg-type]
        with _lock:
            stamp = _index_stamp()
            if not _cache["vocabulary"] or stamp != _cache["stamp"]:
                _cache["vocabulary"] = _build()
                _cache["words"] = frozenset(_cache["vocabulary"].values())  # type: ignore[attr-defined]
                _cache["stamp"] = stamp
            _cache["built"] = now
    return _cache["vocabulary"]  # type: ignore[return-value]


def forget() -> None:
    """Drop the cached vocabulary (tests, and after a full reindex)."""
    with _lock:
        _cache.update(stamp=None, built=0.0, vocabulary={}, words=frozenset())


def _correct_han(query: str, known: dict[str, str], known_words: frozenset[str]) -> str:
    """Replace runs of 1–5 query pieces that are not a word themselves but sound like a known word."""
    tokenizer = text.tokenizer()
    pieces = list(tokenizer.cut(query))
    out: list[str] = []
    i = 0
    while i < len(pieces):
        replaced = False
        for size in range(min(5, len(pieces) - i), 0, -1):
            chunk = "".join(pieces[i : i + size])
            if len(chunk) < 2 or not _HAN.search(chunk) or chunk in known_words or tokenizer.FREQ.get(chunk):
                continue  # a real word is never "corrected", only a run jieba could not make sense of
            candidate = known.get(pinyin_key(chunk))
            if candidate and candidate != chunk and len(candidate) == len(chunk):
                out.append(candidate)
                i += size
                replaced = True
                break
        if not replaced:
            out.append(pieces[i])
            i += 1
    return "".join(out)


def suggest(query: str) -> str | None:
    """A better query, or None. Pinyin (with or without spaces) becomes the matching word; otherwise
    homophone typos are corrected word run by word run."""
    query = query.strip()
    if not query:
        return None
    known = vocabulary()
    if _LATIN.match(query):
        return known.get(re.sub(r"[\s']+", "", query.lower()))
    corrected = _correct_han(query, known, _cache["words"])  # type: ignore[arg-type]
    return corrected if corrected != query else None
