"""Office pages and the catalogue lifecycle: review clock, change triggers, uploads, permission matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from egov.domain.data import services
from egov.domain.data.models import (
    CatalogEntry,
    ChangeTrigger,
    DataTable,
    EntryReview,
    EntryStatus,
    ReviewDecision,
)
from egov.domain.data.services import (
    DataItemSpec,
    catalog_entry_review,
    catalog_entry_submit,
    catalog_entry_update,
    change_trigger_raise,
)
from egov.domain.data.tests.factories import OrgUnitFactory, data_admin, data_reviewer, make_entry
from egov.kernel.access.policy import AccessDenied
from egov.kernel.access.tests.factories import UserFactory, grant
from egov.kernel.audit.models import AuditEntry
from egov.kernel.calendar.models import CalendarDay, DayKind, HolidayYear
from egov.kernel.errors import Conflict, Rejected

pytestmark = pytest.mark.django_db


def _national_day_2030() -> None:
    """A known holiday table for 2030: 1–7 October off, Sunday 29 September and Saturday 12 October worked."""
    HolidayYear.objects.get_or_create(year=2030)
    for day in range(1, 8):
        CalendarDay.objects.update_or_create(
            date=dt.date(2030, 10, day), defaults={"kind": DayKind.HOLIDAY, "name": "国庆节", "year": 2030}
        )
    for worked in (dt.date(2030, 9, 29), dt.date(2030, 10, 12)):
        CalendarDay.objects.update_or_create(
            date=worked, defaults={"kind": DayKind.WORKDAY, "name": "国庆节调休", "year": 2030}
        )
    from egov.kernel.calendar.deadlines import invalidate

    invalidate()


def _today(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(services, "beijing_today", lambda: day)


def test_review_clock_is_two_working_days_across_the_national_day_holiday(monkeypatch: pytest.MonkeyPatch) -> None:
    # given the 2030 holiday table and a draft submitted on Monday 30 September
    _national_day_2030()
    unit = OrgUnitFactory()
    admin = data_admin(unit)
    entry = make_entry(actor=admin, provider=unit, publish=False)
    _today(monkeypatch, dt.date(2030, 9, 30))
    # when
    review = catalog_entry_submit(actor=admin, entry=entry)
    # then day 1 is Tuesday 8 October, day 2 Wednesday 9 October (the holiday week does not count)
    assert review.due_date == dt.date(2030, 10, 9)
    assert review.decision == ReviewDecision.PENDING
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REVIEWING


def test_change_trigger_is_due_in_ten_working_days_and_resolved_by_the_next_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a published entry and a trigger raised on Friday 27 September 2030
    _national_day_2030()
    unit = OrgUnitFactory()
    admin, reviewer = data_admin(unit), data_reviewer(unit)
    entry = make_entry(actor=admin, provider=unit)
    _today(monkeypatch, dt.date(2030, 9, 27))
    trigger = change_trigger_raise(actor=reviewer, entry=entry, reason="机构改革，提供单位职能调整")
    # then: Sun 29 Sep (worked), Mon 30 Sep, Tue 8 … Sat 12 Oct (worked) … → the 10th working day is 16 Oct
    assert trigger.due_date == dt.date(2030, 10, 16)
    with pytest.raises(Rejected, match="请填写变更事由"):
        change_trigger_raise(actor=admin, entry=entry, reason="  ")
    # when the change is made, reviewed and approved
    catalog_entry_update(actor=admin, entry=entry, changes={"summary": "职能调整后的摘要"})
    catalog_entry_submit(actor=admin, entry=entry)
    catalog_entry_review(actor=reviewer, entry=entry, approve=True)
    # then the trigger is resolved by version 2
    trigger.refresh_from_db()
    assert (trigger.resolved_version, trigger.resolved_at is not None) == (2, True)


def test_overdue_triggers_and_reviews_are_shown_as_overdue(client: Client) -> None:
    unit = OrgUnitFactory()
    admin, reviewer = data_admin(unit), data_reviewer(unit)
    entry = make_entry(actor=admin, provider=unit, title="待更新的目录")
    ChangeTrigger.objects.create(
        entry=entry, reason="数据项调整", raised_on=dt.date(2020, 1, 2), due_date=dt.date(2020, 1, 16)
    )
    draft = make_entry(actor=admin, provider=unit, publish=False, title="超期未审的目录")
    review = catalog_entry_submit(actor=admin, entry=draft)
    EntryReview.objects.filter(pk=review.pk).update(due_date=dt.date(2020, 1, 3))
    client.force_login(admin)
    html = client.get("/office/data/").content.decode()
    assert "待更新的目录" in html and "已超期" in html
    client.force_login(reviewer)
    html = client.get("/office/data/reviews/").content.decode()
    assert "超期未审的目录" in html and html.count("已超期") == 2


def test_returning_needs_an_opinion_and_a_returned_change_keeps_the_published_version() -> None:
    unit = OrgUnitFactory()
    admin, reviewer = data_admin(unit), data_reviewer(unit)
    entry = make_entry(actor=admin, provider=unit, title="原标题")
    catalog_entry_update(
        actor=admin,
        entry=entry,
        changes={"title": "新标题"},
        items=[DataItemSpec(name="名称", data_type="string"), DataItemSpec(name="数量", data_type="integer")],
    )
    with pytest.raises(Conflict, match="目录须先提交审核"):
        catalog_entry_review(actor=reviewer, entry=entry, approve=True)
    catalog_entry_submit(actor=admin, entry=entry)
    with pytest.raises(Conflict, match="目录正在审核中，审核完成后才能修改"):
        catalog_entry_update(actor=admin, entry=entry, changes={"title": "再改"})
    with pytest.raises(Rejected, match="退回修改时请填写审核意见"):
        catalog_entry_review(actor=reviewer, entry=entry, approve=False)
    entry = catalog_entry_review(actor=reviewer, entry=entry, approve=False, opinion="数据项说明不完整")
    assert (entry.status, entry.version, entry.title) == (EntryStatus.PUBLISHED, 1, "原标题")
    assert entry.pending_changes is not None  # kept for the next attempt
    assert list(entry.items.values_list("name", flat=True)) == ["名称"]
    catalog_entry_submit(actor=admin, entry=entry)
    entry = catalog_entry_review(actor=reviewer, entry=entry, approve=True)
    assert (entry.version, entry.title) == (2, "新标题")
    assert list(entry.items.values_list("name", flat=True)) == ["名称", "数量"]
    assert AuditEntry.objects.filter(action="data.entry_return").count() == 1


def _post_entry(client: Client, unit: Any, **overrides: str) -> Any:
    data = {
        "provider": str(unit.pk),
        "code": "05.01.02-0001",
        "title": "兴安盟公共厕所位置",
        "summary": "城区公共厕所位置与开放时间",
        "data_format": "CSV",
        "update_frequency": "monthly",
        "sharing_type": "unconditional",
        "sharing_basis": "",
        "sharing_method": "file",
        "use_conditions": "",
        "classification_level": "general",
        "open_type": "open",
        "theme": "",
        "license_id": "cc-by-4.0",
        "tags": "厕所，民生",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "200",
        "items-0-name": "名称",
        "items-0-data_type": "string",
        "items-0-length": "50",
        "items-0-required": "on",
        "items-1-name": "旗县",
        "items-1-data_type": "string",
        "items-1-code_list": "乌兰浩特市、突泉县",
        "items-2-name": "",
        "items-2-data_type": "string",
    }
    data.update(overrides)
    return client.post("/office/data/new/", data)


def test_a_unit_registers_uploads_and_the_authority_approves_through_the_office_pages(client: Client) -> None:
    # given a data manager of a unit
    unit = OrgUnitFactory()
    admin, reviewer = data_admin(unit), data_reviewer(unit)
    client.force_login(admin)
    # when the form is sent with a bad code, what was typed is kept
    response = _post_entry(client, unit, code="5-1")
    assert response.status_code == 400
    html = response.content.decode()
    assert "目录代码格式应为“类.项.目.细目-序号”，如 02.03.01-0001" in html and "兴安盟公共厕所位置" in html
    # then registered
    response = _post_entry(client, unit)
    assert response.status_code == 302
    entry = CatalogEntry.objects.get(code="05.01.02-0001")
    assert list(entry.items.values_list("name", "required", "code_list")) == [
        ("名称", True, []),
        ("旗县", False, ["乌兰浩特市", "突泉县"]),
    ]
    # a broken upload shows every row error and loads nothing
    bad = "名称,旗县\n,突泉县\n公厕A,呼和浩特市\n公厕B,乌兰浩特市\n".encode()
    response = client.post(f"/office/data/{entry.pk}/upload/", {"file": SimpleUploadedFile("t.csv", bad)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "数据校验未通过：共 2 处错误（涉及 2 行），未加载任何数据" in html
    assert "必填项不能为空" in html and "取值“呼和浩特市”不在代码表中（允许：乌兰浩特市、突泉县）" in html
    errors = response.context["load_errors"].errors
    assert [(e.row, e.column) for e in errors] == [(2, "名称"), (3, "旗县")]
    assert not DataTable.objects.exists()
    # a good upload loads
    good = "名称,旗县\n公厕A,突泉县\n公厕B,乌兰浩特市\n".encode()
    response = client.post(f"/office/data/{entry.pk}/upload/", {"file": SimpleUploadedFile("t.csv", good)})
    assert response.status_code == 302
    assert DataTable.objects.get().row_count == 2
    # submitted for review; the authority approves on the entry page
    assert client.post(f"/office/data/{entry.pk}/submit/").status_code == 302
    client.force_login(reviewer)
    assert "兴安盟公共厕所位置" in client.get("/office/data/reviews/").content.decode()
    response = client.post(f"/office/data/{entry.pk}/review/", {"decision": "approve", "opinion": ""})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.version) == (EntryStatus.PUBLISHED, 1)
    # and it is on the portal
    client.logout()
    assert client.get(f"/dataset/{entry.name}").status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # list, detail, edit, upload, reviews page, review decision
        ("admin_same_unit", (200, 200, 200, 400, 403, 403)),
        ("reviewer", (200, 200, 403, 403, 200, 400)),
        ("admin_other_unit", (200, 404, 404, 404, 403, 404)),
        ("handler_same_unit", (403, 404, 404, 404, 403, 404)),
        ("citizen", (403, 404, 404, 404, 403, 404)),
    ],
)
def test_permission_matrix_of_the_office_pages(client: Client, who: str, expected: tuple[int, ...]) -> None:
    # given an entry in review at unit A
    unit, other = OrgUnitFactory(), OrgUnitFactory()
    admin = data_admin(unit)
    entry = make_entry(actor=admin, provider=unit, publish=False)
    catalog_entry_submit(actor=admin, entry=entry)
    users = {
        "admin_same_unit": lambda: admin,
        "reviewer": lambda: data_reviewer(unit),
        "admin_other_unit": lambda: data_admin(other),
        "handler_same_unit": lambda: _handler(unit),
        "citizen": lambda: UserFactory(),
    }
    client.force_login(users[who]())
    # when
    got = (
        client.get("/office/data/").status_code,
        client.get(f"/office/data/{entry.pk}/").status_code,
        client.get(f"/office/data/{entry.pk}/edit/").status_code,
        client.post(f"/office/data/{entry.pk}/upload/", {}).status_code,
        client.get("/office/data/reviews/").status_code,
        client.post(f"/office/data/{entry.pk}/review/", {"decision": "return", "opinion": ""}).status_code,
    )
    # then, and nothing changed
    assert got == expected
    entry.refresh_from_db()
    assert (entry.status, entry.version) == (EntryStatus.REVIEWING, 0)


def _handler(unit: Any) -> Any:
    user = UserFactory(staff=True)
    grant(user, "handler", unit)
    return user


def test_services_refuse_outsiders() -> None:
    unit = OrgUnitFactory()
    admin = data_admin(unit)
    entry = make_entry(actor=admin, provider=unit)
    with pytest.raises(AccessDenied):
        change_trigger_raise(actor=data_admin(OrgUnitFactory()), entry=entry, reason="越权")
    assert not ChangeTrigger.objects.exists()
