"""「您是不是要找」: pinyin input and homophone typos."""

from __future__ import annotations

import pytest

from egov.kernel.search.selectors import search
from egov.kernel.search.suggest import suggest
from egov.kernel.search.tests.factories import indexed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wulanhaote", "乌兰浩特"),
        ("wu lan hao te", "乌兰浩特"),
        ("WuLanHaoTe", "乌兰浩特"),
        ("aershan", "阿尔山"),
        ("keerqinyouyiqianqi", "科尔沁右翼前旗"),
        ("乌兰好特", "乌兰浩特"),
        ("乌兰好特政务服务", "乌兰浩特政务服务"),
        ("一网同办", "一网通办"),
    ],
)
def test_pinyin_and_homophone_typos_are_corrected(query: str, expected: str) -> None:
    assert suggest(query) == expected


@pytest.mark.parametrize("query", ["乌兰浩特", "政务服务", "qwertyzz", "", "  "])
def test_correct_or_unknown_input_gets_no_suggestion(query: str) -> None:
    assert suggest(query) is None


def test_words_of_indexed_titles_join_the_vocabulary() -> None:
    # given a title word that is not in the custom dictionary
    indexed(object_id=1, title="草原防火期管理规定")
    # then its pinyin is understood
    assert suggest("fanghuo") == "防火"


def test_the_search_result_carries_the_suggestion() -> None:
    indexed(object_id=1, title="乌兰浩特市政务服务中心")

    results = search("乌兰好特")

    assert results.total == 0
    assert results.suggestion == "乌兰浩特"
    assert search(results.suggestion).total == 1


@pytest.mark.parametrize("query", ["事项", "工作要求", "视频"])
def test_a_real_word_is_never_corrected_to_a_homophone(query: str) -> None:
    # given titles holding homophones of the query words (事项/实像 are both shìxiàng)
    indexed(object_id=1, title="实像事项视频示范")
    assert suggest(query) is None
