"""Three-step review (初审 → 复审 → 终审), scheduled publishing, and the publishing checks."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from egov.domain.portal.models import SensitiveWord
from egov.domain.portal.services import publish_page, review_step, submit_for_review, sync_site_groups
from egov.domain.portal.tests.factories import StaffFactory, add_page, article, body, column, grant, leader, make_site
from egov.kernel.errors import Conflict, Rejected

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> dict:
    site = make_site("sitea")
    people = {"site": site}
    for role in ("editor", "portal_reviewer", "chief_editor"):
        people[role] = StaffFactory()
        grant(people[role], role, site.org_unit)
    sync_site_groups()
    return people


def test_the_site_workflow_has_three_group_approval_steps(team: dict) -> None:
    workflow = team["site"].get_workflow()
    assert [task.name for task in workflow.tasks] == ["sitea·初审", "sitea·复审", "sitea·终审"]
    assert [t.specific.__class__.__name__ for t in workflow.tasks] == ["GroupApprovalTask"] * 3
    assert list(workflow.tasks[2].specific.groups.values_list("name", flat=True)) == ["sitea·网站主编"]


def test_a_draft_goes_live_only_after_the_third_approval(team: dict) -> None:
    # given an editor's draft submitted for review
    draft = add_page(column(team["site"], "zwdt"), article("待审文章"), live=False)
    submit_for_review(actor=team["editor"], page=draft)
    # when 初审 and 复审 are approved it is still not live
    assert review_step(actor=team["portal_reviewer"], page=draft, approve=True) == "sitea·初审"
    draft.refresh_from_db()
    assert draft.workflow_in_progress and not draft.live
    assert review_step(actor=team["portal_reviewer"], page=draft, approve=True) == "sitea·复审"
    draft.refresh_from_db()
    assert not draft.live
    # the reviewer may not do the final step
    with pytest.raises(Rejected) as raised:
        review_step(actor=team["portal_reviewer"], page=draft, approve=True)
    assert raised.value.message == "您不是“sitea·终审”步骤的审核人"
    # then the chief editor's 终审 publishes it
    assert review_step(actor=team["chief_editor"], page=draft, approve=True) == "sitea·终审"
    draft.refresh_from_db()
    assert draft.live and not draft.workflow_in_progress


def test_a_rejected_step_sends_the_page_back(team: dict) -> None:
    draft = add_page(column(team["site"], "zwdt"), article("待审文章"), live=False)
    submit_for_review(actor=team["editor"], page=draft)
    review_step(actor=team["portal_reviewer"], page=draft, approve=False, comment="标题不规范")
    draft.refresh_from_db()
    assert not draft.live
    assert draft.current_workflow_state.status == "needs_changes"
    with pytest.raises(Conflict) as raised:
        review_step(actor=team["portal_reviewer"], page=draft, approve=True)
    assert raised.value.message == "该页面没有待审核的步骤"


def test_scheduled_publishing_and_unpublishing_need_the_publish_scheduled_command(team: dict) -> None:
    # given a page published with a go-live time in the future and an expiry
    draft = add_page(column(team["site"], "zwdt"), article("定时发布"), live=False)
    draft.go_live_at = timezone.now() + dt.timedelta(hours=1)
    draft.expire_at = timezone.now() + dt.timedelta(hours=2)
    publish_page(actor=team["chief_editor"], page=draft)
    draft.refresh_from_db()
    assert not draft.live and draft.has_unpublished_changes  # scheduled, not yet live
    assert Client().get(f"/sites/sitea/zwdt/{draft.slug}/").status_code == 404
    # when the go-live time has passed and the command runs (cron, every minute)
    real_now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=real_now + dt.timedelta(minutes=61)):
        call_command("publish_scheduled")
    draft.refresh_from_db()
    assert draft.live
    assert Client().get(f"/sites/sitea/zwdt/{draft.slug}/").status_code == 200
    # and after the expiry time it is taken down again
    with mock.patch("django.utils.timezone.now", return_value=real_now + dt.timedelta(minutes=121)):
        call_command("publish_scheduled")
    draft.refresh_from_db()
    assert not draft.live and draft.expired


def test_a_sensitive_word_blocks_publishing_with_a_clear_message(team: dict, settings: pytest.FixtureRequest) -> None:
    SensitiveWord.objects.create(word="北朝鲜", reason="不规范称谓", suggestion="朝鲜")
    settings.PORTAL_SENSITIVE_WORDS = ["满清"]  # type: ignore[attr-defined]
    draft = add_page(column(team["site"], "zwdt"), article("外事新闻", text="代表团访问北朝鲜。满清时期……"), live=False)
    with pytest.raises(Rejected) as raised:
        publish_page(actor=team["chief_editor"], page=draft)
    assert raised.value.message == (
        "内容含有禁用词“北朝鲜”，建议改为“朝鲜”，请修改后再发布；内容含有禁用词“满清”，请修改后再发布"
    )
    draft.refresh_from_db()
    assert not draft.live
    with pytest.raises(Rejected):
        submit_for_review(actor=team["editor"], page=draft)
    assert not draft.workflow_in_progress


def test_a_wrong_leader_title_blocks_publishing(team: dict) -> None:
    leaders = add_page(
        team["site"],
        __import__("egov.domain.portal.models", fromlist=["ColumnPage"]).ColumnPage(title="领导之窗", slug="ldzc"),
    )
    add_page(leaders, leader("张三", "盟长"))
    add_page(leaders, leader("李四", "副盟长"))
    wrong = add_page(
        column(team["site"], "zwdt"), article("会议", text="张三副盟长出席会议，李四副盟长主持。"), live=False
    )
    with pytest.raises(Rejected) as raised:
        publish_page(actor=team["chief_editor"], page=wrong)
    assert raised.value.message == "领导姓名与职务不符：“张三副盟长”，领导之窗中张三的职务为“盟长”"
    right = add_page(
        column(team["site"], "zwdt"), article("会议", text="张三盟长出席会议，李四副盟长主持。"), live=False
    )
    publish_page(actor=team["chief_editor"], page=right)
    right.refresh_from_db()
    assert right.live


def test_the_cms_editor_shows_the_check_when_publishing_but_saves_drafts(team: dict) -> None:
    SensitiveWord.objects.create(word="台湾国", reason="政治性错误表述", suggestion="台湾地区")
    page = add_page(column(team["site"], "zwdt"), article("原标题"), live=False)
    client = Client()
    client.force_login(team["chief_editor"])
    url = f"/office/cms/pages/{page.pk}/edit/"
    form = {
        "title": "台湾国新闻",
        "slug": page.slug,
        "published_at": "2026-11-20 10:00",
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, {**form, "action-publish": "action-publish"})
    assert response.status_code == 200
    assert "内容含有禁用词“台湾国”，建议改为“台湾地区”，请修改后再发布" in response.content.decode()
    page.refresh_from_db()
    assert not page.live
    # saving a draft is allowed
    response = client.post(url, form)
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.get_latest_revision().content["title"] == "台湾国新闻"


def test_images_need_alternative_text(team: dict) -> None:
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="现场照片", file=get_test_image_file())
    page = add_page(column(team["site"], "zwdt"), article("图片新闻", cover=image), live=False)
    with pytest.raises(Rejected) as raised:
        publish_page(actor=team["chief_editor"], page=page)
    assert raised.value.message == "题图“现场照片”缺少替代文字，请在图片库中填写图片说明"
    image.description = "会议现场"
    image.save()
    page.body = [*body("正文"), ("image", {"image": image, "alt_text": "", "decorative": False})]
    page.save_revision()
    with pytest.raises(Rejected) as raised:
        publish_page(actor=team["chief_editor"], page=page)
    assert raised.value.message == "正文第 1 张图片缺少替代文字（无障碍要求），请填写或标为装饰性图片"
