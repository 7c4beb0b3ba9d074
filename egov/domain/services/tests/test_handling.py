"""Handling: 受理 / 不予受理 / 补正 with the clock, parallel joint review, the decision, and who may see what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from egov.domain.services import handling
from egov.domain.services.apply import answers_of
from egov.domain.services.models import SUBJECT_TYPE, Application, ApplicationStatus
from egov.domain.services.tests import hall
from egov.kernel.access.policy import AccessDenied
from egov.kernel.accounts.tests.factories import UserFactory
from egov.kernel.audit.models import AuditEntry
from egov.kernel.identifiers import validate_uscc
from egov.kernel.notify.models import Message
from egov.kernel.workflow import clock
from egov.kernel.workflow.models import Case, CaseStatus, ClockEvent, WorkItem

pytestmark = pytest.mark.usefixtures("seeded", "media")

HANDLER, LEADER, RSJ = "wlht_scjg", "wlht_scjg_leader", "wlht_rsj"


def _post(username: str, application: Application, data: dict[str, Any]) -> Any:
    return hall.signed_in(hall.staff(username)).post(f"/office/services/applications/{application.pk}/", data)


def _kinds(calls: list[Any], name: str = "notice") -> list[str]:
    return [kwargs["kind"] for what, kwargs in calls if what == name]


def test_correction_stops_the_clock_until_the_applicant_supplements_online(
    calls: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    # given a submitted application
    citizen = hall.person()
    client = hall.signed_in(citizen)
    application = hall.submitted(client)
    case = application.case
    assert case is not None
    form = hall.material(application, "申请书")
    premises = hall.material(application, "经营场所")
    # when the handler asks for two materials and one field at once (一次性告知)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            HANDLER,
            application,
            {
                "action": "correct",
                "materials": [str(form.pk), str(premises.pk)],
                f"material_{form.pk}": "经营者须本人签字",
                "fields": ["business_scope"],
                "field_business_scope": "经营范围应按规范表述填写",
            },
        )
    assert response.status_code == 302
    # then one notice lists every item, the case clock is suspended for 补正, the applicant is told
    application.refresh_from_db()
    case.refresh_from_db()
    assert application.status == ApplicationStatus.CORRECTION
    assert case.status == CaseStatus.SUSPENDED
    suspend = ClockEvent.objects.get(case=case, kind="suspend")
    assert suspend.reason_code == "correction"
    notice = next(kwargs for what, kwargs in calls if what == "notice" and kwargs["kind"] == "correction")
    assert notice["items"] == [
        "个体工商户登记（备案）申请书：经营者须本人签字",
        "经营场所使用证明：请按受理标准重新提交",
        "申请表“经营范围”：经营范围应按规范表述填写",
    ]
    assert notice["case"] == case and notice["recipient_name"] == "张明"
    assert Message.objects.filter(recipient=citizen, event="services.correction", channel="inapp").exists()
    # and the handler cannot accept while the clock is stopped
    response = _post(HANDLER, application, {"action": "accept"})
    assert response.status_code == 400
    assert "该申请当前为“待补正”，不能作出受理决定" in response.content.decode()

    # the case started ten days ago and the suspension began the day after (those days must not count)
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(started_on=today - dt.timedelta(days=10))
    ClockEvent.objects.filter(case=case, kind="start").update(on=today - dt.timedelta(days=10))
    ClockEvent.objects.filter(pk=suspend.pk).update(on=today - dt.timedelta(days=9))
    case.refresh_from_db()
    clock.refresh_case(case, list(ClockEvent.objects.filter(case=case, kind="start")), today)
    due_without_suspension = case.due_on

    # when the applicant opens the supplement page, only the named field and materials are offered
    html = client.get(f"/my/cases/{application.case_number}/supplement/").content.decode()
    assert 'name="business_scope"' in html and 'name="capital"' not in html
    assert f'name="material_{form.pk}"' in html and f'name="material_{premises.pk}"' in html
    id_card = hall.material(application, "居民身份证")
    assert f'name="material_{id_card.pk}"' not in html
    # sending without the new files lists what is missing, and changes nothing
    response = client.post(
        f"/my/cases/{application.case_number}/supplement/", {"business_scope": "小吃服务", "action": "submit"}
    )
    assert response.status_code == 400
    assert "请上传补正材料：个体工商户登记（备案）申请书" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.CORRECTION
    # a field the notice did not name cannot be changed through the supplement
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/my/cases/{application.case_number}/supplement/",
            {
                "business_scope": "餐饮服务（小吃店）",
                "capital": "1",
                f"material_{form.pk}": hall.pdf("签字申请书.pdf"),
                f"material_{premises.pk}": hall.pdf("租赁合同.pdf"),
                "action": "submit",
            },
        )
    assert response.status_code == 302
    # then the clock runs again and the due dates moved by the suspended days
    application.refresh_from_db()
    case.refresh_from_db()
    assert application.status == ApplicationStatus.SUPPLEMENTED
    assert case.status == CaseStatus.OPEN
    assert [e.kind for e in ClockEvent.objects.filter(case=case)] == ["start", "suspend", "resume"]
    # the suspension was the handler's, the resumption is the applicant's (the supplement restarts the clock)
    assert [(e.kind, e.actor.username) for e in ClockEvent.objects.filter(case=case).exclude(kind="start")] == [
        ("suspend", HANDLER),
        ("resume", "citizen"),
    ]
    resumed = AuditEntry.objects.get(action="workflow.case_resume", target_id=str(case.pk))
    assert resumed.actor_username == "citizen"
    assert case.due_on is not None and due_without_suspension is not None and case.due_on > due_without_suspension
    values = answers_of(application)
    assert values["business_scope"] == "餐饮服务（小吃店）"
    assert values["capital"] == "30000"
    current = application.uploads.filter(replaced=False, material=form)
    assert [u.file.original_name for u in current] == ["签字申请书.pdf"]
    assert application.uploads.filter(replaced=True, material=form).count() == 1
    assert Message.objects.filter(recipient=citizen, event="services.supplemented").exists()
    # and the handler can accept now
    assert _post(HANDLER, application, {"action": "accept"}).status_code == 302
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ACCEPTED
    assert _kinds(calls) == ["correction", "acceptance"]


def test_only_the_applicant_resumes_and_only_a_correction_suspension(calls: list[Any]) -> None:
    from egov.kernel.errors import Conflict
    from egov.kernel.workflow.services import case_resume, case_resume_on_supplement, case_suspend

    # given a case whose clock stopped for 补正
    application = hall.submitted(hall.signed_in(hall.person()))
    handling.application_request_correction(
        actor=hall.staff(HANDLER), application=application, material_ids=[], field_names=["business_scope"]
    )
    case = Case.objects.get(pk=application.case_id)
    stranger = UserFactory(person=True)
    # when someone else (another citizen, or a handler through this door) tries to restart it, nothing moves
    for actor in (stranger, hall.staff(HANDLER)):
        with pytest.raises(AccessDenied):
            case_resume_on_supplement(actor=actor, case=case)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUSPENDED
    assert not ClockEvent.objects.filter(case=case, kind="resume").exists()
    # a clock stopped for another reason (专家评审) is the handlers' to restart, not the applicant's
    case_resume(actor=hall.staff(HANDLER), case=case, owner=SUBJECT_TYPE)  # as the hall does on a supplement
    case_suspend(actor=hall.staff(HANDLER), case=case, reason_code="expert_review", reason="组织专家评审")
    with pytest.raises(Conflict, match="该办件不是因补正暂停计时"):
        case_resume_on_supplement(actor=hall.person(), case=case)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUSPENDED


def test_reject_needs_reasons_and_ends_the_case(calls: list[Any]) -> None:
    application = hall.submitted(hall.signed_in(hall.person()))
    response = _post(HANDLER, application, {"action": "reject", "reasons": "  "})
    assert response.status_code == 400
    assert "请填写不予受理的理由" in response.content.decode()
    response = _post(
        HANDLER, application, {"action": "reject", "reasons": "经营场所位于禁止经营区域\n申请事项不属于本机关职权范围"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.case is not None and application.case.status == CaseStatus.COMPLETED
    notice = next(kwargs for what, kwargs in calls if what == "notice")
    assert notice["kind"] == "rejection"
    assert "经营场所位于禁止经营区域" in notice["paragraphs"]


def test_two_departments_review_in_parallel_then_the_leader_decides(calls: list[Any]) -> None:
    # given an accepted application
    application = hall.submitted(hall.signed_in(hall.person()))
    assert _post(HANDLER, application, {"action": "accept"}).status_code == 302
    case = application.case
    assert case is not None
    # then both departments have their step at the same time, each with its own limit and unit
    open_items = {i.step: i for i in WorkItem.objects.filter(case=case, status__in=["open", "claimed"])}
    assert set(open_items) == {"review_scjg", "review_rsj"}
    assert open_items["review_scjg"].org_unit.code == "152201-SCJGJ"
    assert open_items["review_rsj"].org_unit.code == "152201-RSJ"
    assert open_items["review_rsj"].limit == 1 and open_items["review_rsj"].due_on is not None
    # the 人社局 handler finds it in the list (a step of theirs), sees the case but cannot do the 市场监管局 step
    rsj = hall.signed_in(hall.staff(RSJ))
    assert application.case_number in rsj.get("/office/services/applications/").content.decode()
    page = rsj.get(f"/office/services/applications/{application.pk}/")
    assert page.status_code == 200
    assert f'name="item" value="{open_items["review_rsj"].pk}"' in page.content.decode()
    assert f'name="item" value="{open_items["review_scjg"].pk}"' not in page.content.decode()
    with pytest.raises(AccessDenied):
        handling.application_review(
            actor=hall.staff(RSJ), application=application, item=open_items["review_scjg"], agree=True, opinion=""
        )
    # the decision cannot be taken before both reviews
    with pytest.raises(Exception, match="该申请已不在此环节"):
        handling.application_decide(actor=hall.staff(LEADER), application=application, approve=True, reason="")
    # when 人社局 reviews first, 市场监管局 still has its step; after both, the decision step opens
    assert (
        rsj.post(
            f"/office/services/applications/{application.pk}/",
            {"action": "review", "item": open_items["review_rsj"].pk, "agree": "yes", "opinion": "已核验就业登记"},
        ).status_code
        == 302
    )
    assert set(WorkItem.objects.filter(case=case, status__in=["open", "claimed"]).values_list("step", flat=True)) == {
        "review_scjg"
    }
    assert (
        _post(
            HANDLER, application, {"action": "review", "item": open_items["review_scjg"].pk, "agree": "yes"}
        ).status_code
        == 302
    )
    assert list(WorkItem.objects.filter(case=case, status__in=["open", "claimed"]).values_list("step", flat=True)) == [
        "decide"
    ]
    # done by 人社局: still in their list (what they handled); a department with no step never sees it
    assert application.case_number in rsj.get("/office/services/applications/").content.decode()
    other = hall.signed_in(hall.staff("kyqq_mz"))
    assert application.case_number not in other.get("/office/services/applications/").content.decode()
    # a handler cannot decide (the leader's step)
    response = _post(HANDLER, application, {"action": "decide", "approve": "yes"})
    assert response.status_code == 403
    # the leader approves: decision notice and certificate
    assert _post(LEADER, application, {"action": "decide", "approve": "yes", "reason": ""}).status_code == 302
    application.refresh_from_db()
    case.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert case.status == CaseStatus.COMPLETED
    assert _kinds(calls) == ["acceptance", "approval"]
    certificate = next(kwargs for what, kwargs in calls if what == "certificate")
    assert certificate["title"] == "营业执照" and certificate["holder_name"] == "张明"
    assert validate_uscc(certificate["holder_code"]).startswith("92152201")
    labels = [label for label, _value in certificate["fields"]]
    assert "经营范围" in labels and "经营者身份证号码" not in labels and "手机号码" not in labels


def test_a_denial_needs_reasons(calls: list[Any]) -> None:
    application = hall.submitted(hall.signed_in(hall.person()))
    handling.application_accept(actor=hall.staff(HANDLER), application=application)
    for item in WorkItem.objects.filter(case=application.case, step__startswith="review_"):
        handling.application_review(
            actor=hall.staff(RSJ if item.step == "review_rsj" else HANDLER),
            application=application,
            item=item,
            agree=False,
            opinion="经营场所不符合要求",
        )
    response = _post(LEADER, application, {"action": "decide", "approve": "no", "reason": ""})
    assert response.status_code == 400
    assert "不予许可时请写明理由" in response.content.decode()
    assert (
        _post(
            LEADER, application, {"action": "decide", "approve": "no", "reason": "经营场所为住宅，未经利害关系人同意"}
        ).status_code
        == 302
    )
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DENIED
    assert _kinds(calls) == ["acceptance", "denial"]
    assert not [c for c in calls if c[0] == "certificate"]


# --- permission matrix ----------------------------------------------------------------------------------


def test_another_units_staff_see_nothing_and_change_nothing(calls: list[Any]) -> None:
    application = hall.submitted(hall.signed_in(hall.person()))
    other = hall.signed_in(hall.staff("kyqq_mz"))  # 科右前旗民政局 handler
    assert other.get(f"/office/services/applications/{application.pk}/").status_code == 404
    assert application.case_number not in other.get("/office/services/applications/").content.decode()
    before = AuditEntry.objects.exclude(action="access.denied").count()
    with pytest.raises(AccessDenied):
        handling.application_accept(actor=hall.staff("kyqq_mz"), application=application)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED
    assert AuditEntry.objects.exclude(action="access.denied").count() == before
    # the unit's own handler sees it in the list
    own = hall.signed_in(hall.staff(HANDLER)).get("/office/services/applications/").content.decode()
    assert application.case_number in own


def test_applicants_see_only_their_own() -> None:
    mine = hall.signed_in(hall.person())
    application = hall.submitted(mine)
    stranger = hall.signed_in(UserFactory(person=True))
    assert stranger.get(f"/my/cases/{application.case_number}/").status_code == 404
    assert stranger.get(f"/my/cases/{application.case_number}/supplement/").status_code == 404
    assert stranger.get(f"/services/apply/{application.pk}/receipt/").status_code == 404
    assert application.case_number not in stranger.get("/my/cases/").content.decode()
    # citizens never reach the office pages
    assert mine.get(f"/office/services/applications/{application.pk}/").status_code == 403
    page = mine.get(f"/my/cases/{application.case_number}/")
    assert page.status_code == 200 and "申请已提交" in page.content.decode()
    # the applicant's ID number is shown masked on their own case page
    citizen_id = hall.GETIHU_PAGES[0]["applicant_id"]
    assert citizen_id not in page.content.decode()
    assert citizen_id[:4] + "**********" + citizen_id[-4:] in page.content.decode()


def test_a_draft_of_someone_else_is_not_found() -> None:
    application = hall.start(hall.signed_in(hall.person()))
    stranger = hall.signed_in(UserFactory(person=True))
    assert stranger.get(f"/services/apply/{application.pk}/page/1/").status_code == 404
    assert stranger.post(f"/services/apply/{application.pk}/page/1/autosave/", {"x": "1"}).status_code == 404


# --- progress lookup ------------------------------------------------------------------------------------


def test_progress_by_query_code_or_id_number_and_rate_limited(client: Any) -> None:
    cache.clear()
    application = hall.submitted(hall.signed_in(hall.person()))
    ok = client.post(
        "/services/progress/", {"case_number": application.case_number, "query_code": application.query_code}
    )
    assert ok.status_code == 200
    assert "待受理" in ok.content.decode() and "申请已提交" in ok.content.decode()
    by_id = client.post(
        "/services/progress/",
        {"case_number": application.case_number, "id_number": hall.GETIHU_PAGES[0]["applicant_id"]},
    )
    assert by_id.status_code == 200 and "个体工商户设立登记" in by_id.content.decode()
    assert hall.GETIHU_PAGES[0]["applicant_id"] not in by_id.content.decode()
    wrong = client.post("/services/progress/", {"case_number": application.case_number, "query_code": "AAAAAAAA"})
    assert wrong.status_code == 404
    assert "办件编号与查询码（或身份证号码）不匹配，请核对后重试" in wrong.content.decode()
    for _ in range(7):
        client.post("/services/progress/", {"case_number": "x", "query_code": "y"})
    limited = client.post(
        "/services/progress/", {"case_number": application.case_number, "query_code": application.query_code}
    )
    assert limited.status_code == 429
    assert "查询过于频繁，请60秒后再试" in limited.content.decode()
    cache.clear()


def test_the_todo_list_links_an_applications_step_to_the_hall() -> None:
    # given a submitted application waiting at 受理
    application = hall.submitted(hall.signed_in(hall.person()))
    # when its handler opens 待办 on the workbench
    html = hall.signed_in(hall.staff(HANDLER)).get("/office/work/todo/").content.decode()
    # then the row links to the case and, for the step itself, to the hall's page where it is handled
    assert f'href="/office/work/case/{application.case_number}/"' in html
    hall_page = f"/office/services/applications/{application.pk}/"
    assert f'<a class="wb-sub" href="{hall_page}">到网上办事大厅办件受理页办理</a>' in html


def test_the_workbench_leaves_an_applications_steps_to_the_hall(calls: list[Any]) -> None:
    # given a submitted application waiting at 受理, seen by its handler on the kernel workbench
    application = hall.submitted(hall.signed_in(hall.person()))
    handler = hall.signed_in(hall.staff(HANDLER))
    page = handler.get(f"/office/work/case/{application.case_number}/")
    html = page.content.decode()
    item = WorkItem.objects.get(case_id=application.case_id, step="accept")

    # then the page links to the hall's page and offers neither 办理 nor 补正 there
    assert page.status_code == 200
    assert f'href="/office/services/applications/{application.pk}/"' in html
    assert f"/items/{item.pk}/complete/" not in html
    assert 'value="correction"' not in html
    assert 'value="expert_review"' in html  # other clock stops stay with the workbench

    # when the handler posts 同意 to the workbench anyway (an old tab, a crafted request)
    response = handler.post(
        f"/office/work/case/{application.case_number}/items/{item.pk}/complete/",
        {f"i{item.pk}-outcome": "approve", f"i{item.pk}-opinion": "同意"},
    )

    # then nothing moves: the step stays open, the application waits for acceptance, no notice is issued
    assert response.status_code == 400
    assert "该办件的这项办理须在网上办事大厅办件受理页进行" in response.content.decode()
    item.refresh_from_db()
    assert item.status in ("open", "claimed")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED
    assert _kinds(calls) == []
    # and a 补正 stop cannot be made there either
    suspend = handler.post(
        f"/office/work/case/{application.case_number}/suspend/",
        {"case-reason_code": "correction", "case-reason": "缺材料"},
    )
    assert suspend.status_code == 400
    assert Case.objects.get(pk=application.case_id).status == CaseStatus.OPEN
    # while the hall itself accepts as before
    assert _post(HANDLER, application, {"action": "accept", "opinion": "材料齐全"}).status_code == 302
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ACCEPTED


def test_the_applicant_sees_the_promised_date_move_with_an_extension(calls: list[Any]) -> None:
    from egov.kernel.workflow.services import case_extend

    # given an accepted application with a promised date
    citizen = hall.signed_in(hall.person())
    application = hall.submitted(citizen)
    _post(HANDLER, application, {"action": "accept", "opinion": "材料齐全"})
    case = Case.objects.get(pk=application.case_id)
    before = case.promised_due_on or case.due_on
    assert before is not None

    # when the workbench extends the case by ten working days with the leader's approval
    case_extend(
        actor=hall.staff(HANDLER),
        case=case,
        days=10,
        unit="wd",
        reason="需现场核查",
        approved_by=hall.staff(LEADER),
    )

    # then the applicant's page shows the new date, not the one on the receipt
    after = Case.objects.get(pk=case.pk)
    moved = after.promised_due_on or after.due_on
    assert moved is not None and moved > before
    html = citizen.get(f"/my/cases/{application.case_number}/").content.decode()
    assert f"{moved.year}年{moved.month}月{moved.day}日" in html
    assert f"{before.year}年{before.month}月{before.day}日" not in html
