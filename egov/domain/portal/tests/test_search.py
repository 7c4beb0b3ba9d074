"""Portal pages in the platform search: kept in sync on publish/unpublish, Chinese segmentation and ranking on
the founding document, filters by site, type and validity."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from egov.domain.portal.demo.content import _founding_paragraphs
from egov.domain.portal.models import Validity
from egov.domain.portal.services import publish_page, unpublish_page
from egov.domain.portal.tests.factories import StaffFactory, add_page, article, body, column, grant, make_site, policy
from egov.kernel.search import text
from egov.kernel.search.models import SearchDocument
from egov.kernel.search.selectors import search

pytestmark = pytest.mark.django_db
FOUNDING = Path(__file__).resolve().parents[3] / "kernel" / "search" / "tests" / "data" / "founding_document.txt"


def test_publish_and_unpublish_keep_the_index_in_sync(django_capture_on_commit_callbacks) -> None:
    # given a chief editor's draft
    site = make_site("wlht")
    chief = StaffFactory()
    grant(chief, "chief_editor", site.org_unit)
    draft = add_page(column(site, "zwdt"), article("乌兰浩特市召开供暖保障会议", text="确保群众温暖过冬。"), live=False)
    assert not SearchDocument.objects.filter(object_id=str(draft.pk)).exists()
    # when it is published, it becomes searchable (the task runs after commit)
    with django_capture_on_commit_callbacks(execute=True):
        publish_page(actor=chief, page=draft)
    document = SearchDocument.objects.get(object_type="portal.article", object_id=str(draft.pk))
    assert document.site == "wlht" and document.url == f"/sites/wlht/zwdt/{draft.slug}/"
    assert [hit.title for hit in search("供暖").hits] == ["乌兰浩特市召开供暖保障会议"]
    # when it is unpublished, it leaves the index
    with django_capture_on_commit_callbacks(execute=True):
        unpublish_page(actor=chief, page=draft)
    assert search("供暖").total == 0


def test_moving_a_page_updates_its_address_and_deleting_removes_the_entry(django_capture_on_commit_callbacks) -> None:
    site = make_site("wlht")
    news = column(site, "zwdt")
    with django_capture_on_commit_callbacks(execute=True):
        story = add_page(news, article("草原旅游季启动"))
    assert search("草原").hits[0].url == f"/sites/wlht/zwdt/{story.slug}/"
    with django_capture_on_commit_callbacks(execute=True):
        story.move(column(site, "zcwj"), pos="last-child")
    assert search("草原").hits[0].url == f"/sites/wlht/zcwj/{story.slug}/"
    with django_capture_on_commit_callbacks(execute=True):
        story.delete()
    assert search("草原").total == 0


def test_policy_documents_carry_validity_and_number_facets(django_capture_on_commit_callbacks) -> None:
    site = make_site("hinggan")
    with django_capture_on_commit_callbacks(execute=True):
        newer = add_page(column(site, "zcwj"), policy("关于优化营商环境的通知", number="兴署发〔2026〕20号"))
        older = add_page(
            column(site, "zcwj"),
            policy("关于优化营商环境的意见", number="兴署发〔2025〕3号", validity=Validity.REPEALED, replaced_by=newer),
        )
    results = search("营商环境", types=["portal.policy"], facets={"validity": "已废止"})
    assert [hit.id for hit in results.hits] == [str(older.pk)]
    assert results.hits[0].facets["document_number"] == "兴署发〔2025〕3号"
    assert search("营商环境").facet_counts["validity"] == {"有效": 1, "已废止": 1}


def test_search_within_one_site_or_all(django_capture_on_commit_callbacks) -> None:
    league, county = make_site("hinggan"), make_site("aes")
    with django_capture_on_commit_callbacks(execute=True):
        add_page(column(league, "zwdt"), article("阿尔山冰雪节开幕", text="盟里报道"))
        add_page(column(county, "zwdt"), article("阿尔山冰雪节游客增长", text="市里报道"))
    assert search("冰雪节").total == 2
    assert [hit.title for hit in search("冰雪节", site="aes").hits] == ["阿尔山冰雪节游客增长"]
    response = Client().get("/search/", {"q": "冰雪节", "site": "hinggan"})
    html = response.content.decode()
    assert response.status_code == 200 and "开幕" in html and "游客增长" not in html


def test_place_names_are_single_words() -> None:
    for name in ("乌兰浩特", "科尔沁右翼前旗", "阿尔山", "扎赉特旗", "突泉县", "科右中旗"):
        assert name in text.words(f"{name}人民政府发布通知")


def test_founding_document_ranks_first_for_its_subject(django_capture_on_commit_callbacks) -> None:
    # given the founding document as an article among other news
    founding = FOUNDING.read_text(encoding="utf-8")
    title = founding.split("\n", 1)[0]
    site = make_site("hinggan")
    news = column(site, "zwdt")
    with django_capture_on_commit_callbacks(execute=True):
        add_page(news, article(title, text="", author="周振", body=body(*_founding_paragraphs(founding))))
        add_page(news, article("兴安盟召开冬季供暖会议", text="会议提到政务服务和电子政务平台的运行保障。"))
        add_page(news, article("乌兰浩特市政务服务中心延长服务时间", text="方便群众办事。"))
    # when visitors search for its subject
    for query in ("电子政务", "电子政务 门户网站", "政府网站体系"):
        results = search(query)
        # then it is the first hit, with the words highlighted in the snippet
        assert results.hits[0].title == title, query
    assert "<mark>电子政务</mark>" in search("电子政务").hits[0].snippet_html
