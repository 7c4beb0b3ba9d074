"""Apps plug in through the registry; the task and the command keep the index in line with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from egov.kernel.errors import Rejected
from egov.kernel.search import services
from egov.kernel.search.models import SearchDocument
from egov.kernel.search.selectors import search
from egov.kernel.search.services import Indexable, register_indexable, schedule_reindex
from egov.kernel.search.tests.factories import indexed

pytestmark = pytest.mark.django_db

#: The fake owner app: its public objects, by id.
PUBLIC: dict[str, str] = {}


def _load(object_id: str) -> Indexable | None:
    title = PUBLIC.get(object_id)
    if title is None:
        return None
    return Indexable(
        title=title,
        body="",
        url=f"/notice/{object_id}/",
        site="xam",
        published=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        facets={"validity": "有效"},
    )


@pytest.fixture(autouse=True)
def notice_type() -> Iterator[None]:
    PUBLIC.clear()
    register_indexable("test.notice", _load, all_ids=lambda: list(PUBLIC), label="通知公告")
    yield
    services._registry.pop("test.notice", None)


def test_publish_then_unpublish_through_the_task(django_capture_on_commit_callbacks) -> None:
    # given a notice is published
    PUBLIC["5"] = "阿尔山市森林防火通告"
    with django_capture_on_commit_callbacks(execute=True):
        schedule_reindex(object_type="test.notice", object_id="5")
    # then it is searchable with the owner's data
    hit = search("森林防火").hits[0]
    assert (hit.type, hit.id, hit.url, hit.facets) == ("test.notice", "5", "/notice/5/", {"validity": "有效"})
    # when it is withdrawn
    del PUBLIC["5"]
    with django_capture_on_commit_callbacks(execute=True):
        schedule_reindex(object_type="test.notice", object_id="5")
    # then it is gone
    assert search("森林防火").total == 0
    assert not SearchDocument.objects.exists()


def test_nothing_is_queued_when_the_publisher_rolls_back(django_capture_on_commit_callbacks) -> None:
    PUBLIC["5"] = "阿尔山市森林防火通告"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        schedule_reindex(object_type="test.notice", object_id="5")
    assert len(callbacks) == 1
    assert not SearchDocument.objects.exists()


def test_an_unknown_type_is_refused_at_once() -> None:
    with pytest.raises(Rejected) as caught:
        schedule_reindex(object_type="nobody.thing", object_id="1")
    assert caught.value.message == "未登记的检索对象类型：nobody.thing"


def test_reindex_command_adds_public_objects_and_drops_stale_ones(capsys: pytest.CaptureFixture[str]) -> None:
    # given one stale entry and two public notices not yet indexed
    indexed(object_type="test.notice", object_id="9", title="已撤下的旧通知")
    indexed(object_type="portal.article", object_id="9", title="其他类型的文章")
    PUBLIC.update({"1": "突泉县春耕通知", "2": "扎赉特旗防汛通知"})
    # when
    call_command("search_reindex", "test.notice")
    # then
    assert "test.notice：已索引 2 条，移除 1 条" in capsys.readouterr().out
    assert sorted(SearchDocument.objects.filter(object_type="test.notice").values_list("object_id", flat=True)) == [
        "1",
        "2",
    ]
    assert SearchDocument.objects.filter(object_type="portal.article").count() == 1
    assert search("防汛").hits[0].title == "扎赉特旗防汛通知"


def test_reindex_command_refuses_an_unknown_type() -> None:
    with pytest.raises(CommandError, match=r"未登记的检索对象类型：nobody\.thing"):
        call_command("search_reindex", "nobody.thing")
