from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egov.kernel.access.models import Role
from egov.kernel.accounts.models import User
from egov.kernel.audit.models import AuditEntry
from egov.kernel.audit.services import audit_record
from egov.kernel.audit.tests.factories import OrgUnitFactory, StaffFactory, grant
from egov.kernel.orgs.models import OrgKind, OrgUnit

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass
class Setup:
    league: OrgUnit
    county: OrgUnit
    other_county: OrgUnit
    auditor: User
    county_auditor: User
    reader: User
    handler: User


@pytest.fixture
def setup() -> Setup:
    league = OrgUnitFactory(name="兴安盟行政公署", kind=OrgKind.LEAGUE)
    county = OrgUnitFactory(name="突泉县人民政府", kind=OrgKind.COUNTY, parent=league)
    other_county = OrgUnitFactory(name="扎赉特旗人民政府", kind=OrgKind.COUNTY, parent=league)
    auditor = StaffFactory(username="shenji", real_name="审计员")
    county_auditor = StaffFactory(username="tq_shenji")
    reader = StaffFactory(username="reader")
    handler = StaffFactory(username="handler")
    grant(auditor, "auditor", league, include_subunits=True)
    grant(county_auditor, "auditor", county, include_subunits=True)
    Role.objects.create(code="audit_reader", name="审计查看", permissions=["audit.view"])
    grant(reader, "audit_reader", league, include_subunits=True)
    grant(handler, "handler", league, include_subunits=True)
    return Setup(league, county, other_county, auditor, county_auditor, reader, handler)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def _entries(setup: Setup) -> None:
    audit_record(actor=setup.handler, action="workflow.case_accept", org_unit=setup.county, detail={"n": 1})
    audit_record(actor=setup.handler, action="workflow.case_reject", org_unit=setup.other_county, result="failure")
    audit_record(actor=None, action="system.nightly")


def _listed_actions(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [entry.action for entry in response.context["page"].entries]


def test_auditor_sees_every_entry_newest_first(setup: Setup) -> None:
    _entries(setup)
    response = _client(setup.auditor).get(reverse("audit:entry_list"))
    assert response.status_code == 200
    assert _listed_actions(response) == [
        "accounts.sign_in",
        "system.nightly",
        "workflow.case_reject",
        "workflow.case_accept",
    ]
    assert "安全审计日志" in response.content.decode()


def test_county_auditor_sees_only_entries_of_their_units(setup: Setup) -> None:
    _entries(setup)
    response = _client(setup.county_auditor).get(reverse("audit:entry_list"))
    assert _listed_actions(response) == ["workflow.case_accept"]
    other = AuditEntry.objects.get(action="workflow.case_reject")
    assert _client(setup.county_auditor).get(reverse("audit:entry_detail", args=[other.pk])).status_code == 404


def test_filters_by_actor_action_prefix_result_and_unit(setup: Setup) -> None:
    _entries(setup)
    client = _client(setup.auditor)
    url = reverse("audit:entry_list")
    assert _listed_actions(client.get(url, {"actor_username": "handler", "action": "workflow."})) == [
        "workflow.case_reject",
        "workflow.case_accept",
    ]
    assert _listed_actions(client.get(url, {"actor_username": "handler", "result": "failure"})) == [
        "workflow.case_reject"
    ]
    assert _listed_actions(client.get(url, {"org_unit": setup.county.pk})) == ["workflow.case_accept"]


def test_bad_dates_are_explained_and_the_input_is_kept(setup: Setup) -> None:
    _entries(setup)
    response = _client(setup.auditor).get(
        reverse("audit:entry_list"), {"date_from": "2026-05-02", "date_to": "2026-05-01", "action": "workflow."}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"date_to": ["截止日期不能早于起始日期"]}
    assert 'value="workflow."' in response.content.decode()
    assert _listed_actions(response) == []
    response = _client(setup.auditor).get(reverse("audit:entry_list"), {"date_from": "2026-13-40"})
    assert response.context["form"].errors == {"date_from": ["请输入有效的起始日期，如 2026-01-31"]}


def test_keyset_paging_walks_back_and_forth(setup: Setup) -> None:
    for i in range(120):
        audit_record(actor=None, action=f"test.n{i:03d}")
    client = _client(setup.auditor)
    url = reverse("audit:entry_list")
    first = client.get(url, {"action": "test."}).context["page"]
    assert (len(first.entries), first.entries[0].action, first.newer_than) == (50, "test.n119", None)
    second = client.get(url, {"action": "test.", "older_than": first.older_than}).context["page"]
    assert (second.entries[0].action, second.entries[-1].action) == ("test.n069", "test.n020")
    third = client.get(url, {"action": "test.", "older_than": second.older_than}).context["page"]
    assert (len(third.entries), third.entries[-1].action, third.older_than) == (20, "test.n000", None)
    back = client.get(url, {"action": "test.", "newer_than": third.newer_than}).context["page"]
    assert [entry.action for entry in back.entries] == [entry.action for entry in second.entries]


def test_detail_shows_the_entry_and_its_hashes(setup: Setup) -> None:
    entry = audit_record(actor=setup.handler, action="workflow.case_accept", detail={"意见": "同意"})
    body = _client(setup.auditor).get(reverse("audit:entry_detail", args=[entry.pk])).content.decode()
    assert entry.entry_hash in body
    assert "同意" in body


@pytest.mark.parametrize("who", ["handler", "no_role"])
def test_users_without_audit_view_are_refused_and_the_denial_is_recorded(setup: Setup, who: str) -> None:
    user = setup.handler if who == "handler" else StaffFactory(username="nobody")
    client = _client(user)
    before = AuditEntry.objects.count()
    response = client.get(reverse("audit:entry_list"))
    assert response.status_code == 403
    denial = AuditEntry.objects.get(action="access.denied")
    assert (denial.actor_id, denial.result, denial.detail) == (user.pk, "denied", {"perm": "audit.view"})
    assert AuditEntry.objects.count() == before + 1


def test_superuser_cannot_read_the_audit_log(setup: Setup) -> None:
    root = User.objects.create_superuser("root", password="Xam#2026pass")
    assert _client(root).get(reverse("audit:entry_list")).status_code == 403


def test_export_xlsx_contains_the_filtered_entries_and_is_audited(setup: Setup) -> None:
    _entries(setup)
    client = _client(setup.auditor)
    response = client.post(reverse("audit:entry_export") + "?action=workflow.", {"file_format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "时间", "操作人账号", "操作人", "机构", "操作")
    assert [row[5] for row in rows[1:]] == ["workflow.case_accept", "workflow.case_reject"]
    export = AuditEntry.objects.get(action="audit.export")
    assert (export.actor_id, export.detail["format"], export.detail["count"]) == (setup.auditor.pk, "xlsx", 2)
    assert export.detail["filters"]["action"] == "workflow."


def test_export_csv_has_bom_and_neutralises_formulas(setup: Setup) -> None:
    audit_record(actor=None, action="test.formula", target_repr='=HYPERLINK("http://x")')
    response = _client(setup.auditor).post(reverse("audit:entry_export") + "?action=test.", {"file_format": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff序号,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][8] == '\'=HYPERLINK("http://x")'


def test_export_with_unknown_format_is_refused_with_a_message(setup: Setup) -> None:
    response = _client(setup.auditor).post(reverse("audit:entry_export"), {"file_format": "pdf"})
    assert response.status_code == 400
    assert "不支持的导出格式，请选择 CSV 或 Excel" in response.content.decode()
    assert not AuditEntry.objects.filter(action="audit.export").exists()


def test_reader_without_export_permission_cannot_export(setup: Setup) -> None:
    client = _client(setup.reader)
    assert client.get(reverse("audit:entry_list")).context["can_export"] is False
    response = client.post(reverse("audit:entry_export"), {"file_format": "csv"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="audit.export").exists()
    assert AuditEntry.objects.filter(action="access.denied", detail__perm="audit.export").count() == 1


def test_export_by_get_is_not_allowed(setup: Setup) -> None:
    assert _client(setup.auditor).get(reverse("audit:entry_export")).status_code == 405
