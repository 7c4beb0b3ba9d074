"""Applying online: per-item form validation, the wizard, drafts, prefill, uploads, the idempotent submit."""

from __future__ import annotations

from typing import Any

import pytest

from egov.domain.services import answers as ans
from egov.domain.services.apply import answers_of
from egov.domain.services.models import Application, ApplicationStatus, ServiceItem, ServiceItemVersion
from egov.domain.services.tests import hall
from egov.kernel.accounts.tests.factories import UserFactory, resident_id
from egov.kernel.notify.models import Message
from egov.kernel.workflow.models import Case, WorkItem

pytestmark = pytest.mark.usefixtures("seeded", "media")


# --- per-item form validation -------------------------------------------------------------------------


def test_every_seeded_item_accepts_valid_answers_and_refuses_bad_ids_and_usccs() -> None:
    for version in ServiceItemVersion.objects.filter(status="published"):
        definition = version.form_definition
        values: dict[str, Any] = {}
        for spec in ans.all_fields(definition):
            values[spec["name"]] = hall.valid_value(spec)
            condition = spec.get("show_if")
            if condition:  # make the condition true so the conditional field is checked too
                values[condition["field"]] = condition["equals"]
        for spec in ans.all_fields(definition):  # conditions may have overwritten a valid value: keep the condition
            if spec["name"] not in values:
                values[spec["name"]] = hall.valid_value(spec)
        _cleaned, invalid = ans.clean_all(definition, values)
        assert not invalid, (version, {i: f.errors for i, f in invalid.items()})
        for spec in ans.all_fields(definition):
            if spec["type"] in ("id_number", "uscc"):
                wrong = {
                    **values,
                    spec["name"]: values[spec["name"]][:-1] + ("0" if values[spec["name"]][-1] != "0" else "1"),
                }
                _cleaned, bad = ans.clean_all(definition, wrong)
                expected = "身份证号码校验位不正确" if spec["type"] == "id_number" else "统一社会信用代码校验位不正确"
                messages = [m for form in bad.values() for m in form.errors.get(spec["name"], [])]
                assert expected in messages, (version, spec["name"], messages)


def test_a_bad_id_number_is_shown_next_to_the_field_and_in_the_summary_and_what_was_typed_stays() -> None:
    # given a citizen on the first page of 个体工商户设立登记
    client = hall.signed_in(hall.person())
    application = hall.start(client)
    typed = {**hall.GETIHU_PAGES[0], "applicant_id": "152201199001011235", "applicant_name": "张明明"}
    # when the page is sent with a wrong check digit
    response = client.post(f"/services/apply/{application.pk}/page/1/", {**typed, "action": "next"})
    # then the page comes back with the error beside the field and in the error summary
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert '<a href="#id_applicant_id">经营者身份证号码：身份证号码校验位不正确</a>' in html
    assert '<p class="field-error" id="id_applicant_id_error">身份证号码校验位不正确</p>' in html
    assert 'value="张明明"' in html and 'value="152201199001011235"' in html
    # and the draft kept what was typed, the ID number encrypted
    application.refresh_from_db()
    assert answers_of(application)["applicant_name"] == "张明明"
    assert answers_of(application)["applicant_id"] == "152201199001011235"
    assert "applicant_id" not in application.answers
    assert "152201199001011235" not in application.secret_cipher
    assert application.page == 0


def test_a_bad_uscc_is_refused_with_the_statutory_message() -> None:
    # given a company applying for 食品经营许可 (its form asks for the unit's USCC)
    company = UserFactory(legal=True)
    client = hall.signed_in(company)
    item = ServiceItem.objects.get(name="食品经营许可")
    application = hall.start(client, item)
    # the unit data is prefilled from the account
    assert answers_of(application)["org_uscc"] == company.uscc
    # when a USCC with a letter it never uses is typed
    response = client.post(
        f"/services/apply/{application.pk}/page/1/",
        {"org_uscc": "91152201MA0N8X2KIO", "org_name": "某公司", "action": "next"},
    )
    # then
    assert response.status_code == 400
    assert "统一社会信用代码含有不允许的字符：IO（不使用I、O、S、V、Z）" in response.content.decode()


def test_the_form_is_prefilled_from_the_verified_person() -> None:
    citizen = hall.person()
    client = hall.signed_in(citizen)
    application = hall.start(client)
    values = answers_of(application)
    assert values["applicant_name"] == citizen.real_name
    assert values["applicant_id"] == citizen.id_number
    assert values["applicant_phone"] == citizen.phone
    html = client.get(f"/services/apply/{application.pk}/page/1/").content.decode()
    assert f'value="{citizen.real_name}"' in html
    # an unverified person gets nothing prefilled
    stranger = UserFactory(person=True, real_name_verified=False)
    other = hall.start(hall.signed_in(stranger))
    assert "applicant_id" not in answers_of(other)


def test_a_conditional_group_is_required_only_when_its_condition_holds() -> None:
    client = hall.signed_in(hall.person())
    application = hall.start(client)
    hall.fill(client, application, hall.GETIHU_PAGES[:2])
    # 家庭经营 without members: the group is required
    response = client.post(
        f"/services/apply/{application.pk}/page/3/",
        {"composition": "家庭经营", "employees": "1—3人", "family_members__rows": "1", "action": "next"},
    )
    assert response.status_code == 400
    assert "参加经营的家庭成员至少填写1项" in response.content.decode()
    # a member with a bad ID: the row error names the row and the field
    response = client.post(
        f"/services/apply/{application.pk}/page/3/",
        {
            "composition": "家庭经营",
            "employees": "1—3人",
            "family_members__rows": "1",
            "family_members__0__member_name": "李娟",
            "family_members__0__member_id": "152201199001011230",
            "action": "next",
        },
    )
    assert response.status_code == 400
    assert "参加经营的家庭成员第1项身份证号码：身份证号码校验位不正确" in response.content.decode()
    # a valid member passes; the member's ID number is encrypted like the others
    member_id = resident_id(33)
    response = client.post(
        f"/services/apply/{application.pk}/page/3/",
        {
            "composition": "家庭经营",
            "employees": "1—3人",
            "family_members__rows": "1",
            "family_members__0__member_name": "李娟",
            "family_members__0__member_id": member_id,
            "action": "next",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["family_members"] == [{"member_name": "李娟"}]
    assert answers_of(application)["family_members"] == [{"member_name": "李娟", "member_id": member_id}]
    # 个人经营: whatever was in the hidden group is not part of the application
    response = client.post(
        f"/services/apply/{application.pk}/page/3/",
        {"composition": "个人经营", "employees": "1—3人", "family_members__rows": "0", "action": "next"},
    )
    assert response.status_code == 302


def test_autosave_keeps_a_half_typed_page_without_validating_it() -> None:
    client = hall.signed_in(hall.person())
    application = hall.start(client)
    response = client.post(
        f"/services/apply/{application.pk}/page/2/autosave/", {"business_scope": "五金零售", "capital": "abc"}
    )
    assert response.status_code == 200
    assert response.json()["message"] == "草稿已自动保存"
    application.refresh_from_db()
    assert answers_of(application)["business_scope"] == "五金零售"
    assert answers_of(application)["capital"] == "abc"
    html = client.get(f"/services/apply/{application.pk}/page/2/").content.decode()
    assert "五金零售" in html
    assert 'aria-current="step"' in html and "经营信息" in html  # progress indicator


def test_a_bad_upload_is_refused_alone_and_the_good_files_are_kept() -> None:
    client = hall.signed_in(hall.person())
    application = hall.start(client)
    form = hall.material(application, "申请书")
    premises = hall.material(application, "经营场所")
    response = client.post(
        f"/services/apply/{application.pk}/materials/",
        {f"material_{form.pk}": hall.pdf(), f"material_{premises.pk}": hall.exe(), "action": "next"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "经营场所使用证明：文件内容与扩展名不符" in html
    assert "申请书.pdf" in html
    assert list(application.uploads.values_list("material_id", flat=True)) == [form.pk]


# --- submit -------------------------------------------------------------------------------------------


def test_submit_lists_every_problem_at_once() -> None:
    client = hall.signed_in(hall.person())
    application = hall.start(client)
    response = client.post(f"/services/apply/{application.pk}/review/", {"token": str(application.submit_token)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "经营信息 · 经营范围：请填写经营范围" in html
    assert "请上传必要材料：个体工商户登记（备案）申请书" in html
    assert "请上传必要材料：经营场所使用证明" in html
    assert "请上传必要材料：经营者居民身份证" in html
    assert "请上传必要材料：委托书" not in html  # 情形必要: only when an agent applies
    assert Case.objects.count() == 0


def test_submit_starts_the_case_and_shows_the_receipt(
    calls: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    citizen = hall.person()
    client = hall.signed_in(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        application = hall.submitted(client)
    # the case runs the item's process, pinned to the version, with the item's limits
    case = application.case
    assert case is not None and case.process_key == "services_getihu_setup"
    assert case.subject_type == "services.application" and case.subject_id == str(application.pk)
    assert case.applicant == citizen and case.org_unit.code == "152201-SCJGJ"
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.version_id == hall.getihu().current_version_id
    assert application.case_number == case.number and case.number.startswith("XAZW-")
    assert len(application.query_code) == 8
    assert application.promised_due_on == case.promised_due_on
    assert [item.step for item in WorkItem.objects.filter(case=case)] == ["accept"]
    # the agent was asked for in the same transaction, with the county and the themes
    agent_calls = [kwargs for name, kwargs in calls if name == "agent"]
    assert len(agent_calls) == 1
    assert agent_calls[0]["case"] == case and agent_calls[0]["county"].code == "152201"
    assert agent_calls[0]["theme_codes"] == ["szbg"]
    # the receipt
    html = client.get(f"/services/apply/{application.pk}/receipt/").content.decode()
    assert application.case_number in html and application.query_code in html
    assert f"{application.promised_due_on.year}年{application.promised_due_on.month}月" in html
    # the applicant was told
    message = Message.objects.get(recipient=citizen, event="services.submitted", channel="inapp")
    assert application.case_number in message.body


def test_a_double_click_or_a_retry_makes_one_case(calls: list[Any]) -> None:
    client = hall.signed_in(hall.person())
    application = hall.start(client)
    hall.fill(client, application)
    hall.upload_required(client, application)
    token = str(application.submit_token)
    responses = [client.post(f"/services/apply/{application.pk}/review/", {"token": token}) for _ in range(3)]
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert {r["Location"] for r in responses} == {f"/services/apply/{application.pk}/receipt/"}
    assert Case.objects.filter(subject_type="services.application", subject_id=str(application.pk)).count() == 1
    assert Case.objects.count() == 1
    assert len([c for c in calls if c[0] == "agent"]) == 1
    # and the service itself returns the same application for the same token
    from egov.domain.services.apply import application_submit

    again = application_submit(actor=hall.person(), application=application, token=token)
    assert again.case_number == Application.objects.get(pk=application.pk).case_number
    assert Case.objects.count() == 1


def test_a_submitted_application_cannot_be_edited() -> None:
    client = hall.signed_in(hall.person())
    application = hall.submitted(client)
    response = client.post(f"/services/apply/{application.pk}/page/1/", {"applicant_name": "改名", "action": "next"})
    assert response.status_code == 302  # back to the receipt
    assert answers_of(Application.objects.get(pk=application.pk))["applicant_name"] == "张明"
