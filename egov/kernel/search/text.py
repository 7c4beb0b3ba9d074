"""Chinese segmentation with jieba, loaded once per process on first use.

jieba's prefix dictionary takes about two seconds to build; its cache file goes to ``VAR_DIR/jieba`` so
later starts load it in a fraction of that. The global ``jieba.dt`` tokenizer is used (not a private one)
so a process that also extracts hot topics holds the ~50 MB dictionary only once.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from pathlib import Path

import jieba
from django.conf import settings

CUSTOM_DICTIONARY = Path(__file__).resolve().parent / "dict" / "hinggan.txt"
_WORD = re.compile(r"\w")
_lock = threading.Lock()
_ready = False


def tokenizer() -> jieba.Tokenizer:
    """The initialised jieba tokenizer with the Hinggan place-name and government-term dictionary."""
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                cache_dir = Path(settings.VAR_DIR) / "jieba"
                cache_dir.mkdir(parents=True, exist_ok=True)
                jieba.dt.tmp_dir = str(cache_dir)
                jieba.dt.initialize()
                jieba.dt.load_userdict(str(CUSTOM_DICTIONARY))
                _ready = True
    return jieba.dt


def custom_words() -> list[str]:
    """The words of the custom dictionary (the seed of the "did you mean" vocabulary)."""
    lines = CUSTOM_DICTIONARY.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip()]


def words(text: str) -> list[str]:
    """Precise-mode words of ``text`` without punctuation and spaces."""
    return [w for w in tokenizer().cut(text) if _WORD.search(w)]


def sub_words(word: str) -> list[str]:
    """Dictionary words strictly inside ``word`` (乌兰浩特市 → 乌兰, 浩特, 乌兰浩特), longest last."""
    freq = tokenizer().FREQ
    found: list[str] = []
    for size in range(2, len(word)):
        for start in range(len(word) - size + 1):
            part = word[start : start + size]
            if freq.get(part) and part not in found:
                found.append(part)
    return found


def split_word(word: str) -> list[str]:
    """The likeliest way to write ``word`` as two or more dictionary words (jieba's own route search with
    the whole-word edge removed): 科尔沁右翼前旗人民政府 → 科尔沁右翼前旗, 人民政府."""
    tk = tokenizer()
    dag = tk.get_DAG(word)
    size = len(word)
    log_total = math.log(tk.total)
    route: dict[int, tuple[float, int]] = {size: (0.0, 0)}
    for start in range(size - 1, -1, -1):
        route[start] = max(
            (math.log(tk.FREQ.get(word[start : end + 1]) or 1) - log_total + route[end + 1][0], end)
            for end in dag[start]
            if not (start == 0 and end == size - 1)
        )
    parts: list[str] = []
    start = 0
    while start < size:
        end = route[start][1] + 1
        parts.append(word[start:end])
        start = end
    return parts


def index_tokens(text: str) -> str:
    """What goes into ``SearchDocument.tokens``: every precise-mode word followed by the dictionary words
    inside it, so a query for 乌兰浩特 finds text that jieba segmented as 乌兰浩特市."""
    out: list[str] = []
    for word in words(text):
        out.append(word)
        if len(word) > 2:
            out.extend(sub_words(word))
    return " ".join(out)


def query_terms(query: str, *, limit: int = 12) -> list[list[tuple[str, ...]]]:
    """The query as groups of alternatives, each alternative a tuple of words that must all occur; a
    document matches when it matches one alternative of every group.

    The first alternative is the word itself; a longer word also matches when the words it splits into
    all occur (the document may have been segmented differently around it)."""
    groups: list[list[tuple[str, ...]]] = []
    seen: set[str] = set()
    for word in words(query.lower()):
        if word in seen:
            continue
        seen.add(word)
        parts = split_word(word) if len(word) > 2 else []
        groups.append([(word,), tuple(parts)] if parts else [(word,)])
        if len(groups) == limit:
            break
    return groups
