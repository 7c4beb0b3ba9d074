"""Revealing personal data, staff accounts, preferences and the demo TOTP command: allowed, denied, audited."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.access.policy import AccessDenied
from egov.kernel.accounts import services
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.accounts.tests.factories import PASSWORD, PersonFactory, StaffFactory, resident_id
from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import Rejected
from egov.kernel.orgs.models import Membership, OrgKind, OrgUnit
from egov.kernel.orgs.services import org_unit_create

TOTP_KEY = "3132333435363738393031323334353637383930"


def unit(code: str) -> OrgUnit:
    return org_unit_create(name=f"{code}局", code=code, kind=OrgKind.DEPARTMENT, division_code="152200")


def grant(user: User, perms: list[str], org_unit: OrgUnit) -> None:
    role, _ = Role.objects.get_or_create(
        code="-".join(perms).replace(".", "_"), defaults={"name": "测试角色", "permissions": perms}
    )
    RoleAssignment.objects.create(user=user, role=role, org_unit=org_unit)


@pytest.fixture
def org() -> dict[str, OrgUnit]:
    return {"a": unit("TEST-A"), "b": unit("TEST-B")}


@pytest.mark.django_db
def test_reveal_staff_id_number_needs_the_permission_at_the_subjects_unit(org: dict[str, OrgUnit]) -> None:
    # given a staff member of unit A, and two officers holding the permission at A and at B
    subject = StaffFactory(id_number=resident_id(11))
    Membership.objects.create(user=subject, org_unit=org["a"])
    officer_a, officer_b = StaffFactory(), StaffFactory()
    grant(officer_a, ["accounts.reveal_personal_data"], org["a"])
    grant(officer_b, ["accounts.reveal_personal_data"], org["b"])
    # when
    value = services.reveal_personal_data(actor=officer_a, user=subject, field="id_number")
    with pytest.raises(AccessDenied):
        services.reveal_personal_data(actor=officer_b, user=subject, field="id_number")
    # then
    assert value == resident_id(11)
    reveal = AuditEntry.objects.get(action="accounts.reveal_personal_data")
    assert (reveal.actor_id, reveal.target_id, reveal.detail) == (officer_a.pk, str(subject.pk), {"field": "id_number"})
    assert reveal.org_unit_id == org["a"].pk
    assert resident_id(11) not in f"{reveal.detail}{reveal.target_repr}"
    denial = AuditEntry.objects.get(action="access.denied")
    assert (denial.actor_id, denial.result) == (officer_b.pk, "denied")


@pytest.mark.django_db
def test_reveal_citizen_phone_needs_the_permission_anywhere(org: dict[str, OrgUnit]) -> None:
    citizen = PersonFactory(phone="13612345678")
    officer, colleague = StaffFactory(), StaffFactory()
    grant(officer, ["accounts.reveal_personal_data"], org["b"])
    assert services.reveal_personal_data(actor=officer, user=citizen, field="phone") == "13612345678"
    with pytest.raises(AccessDenied):
        services.reveal_personal_data(actor=colleague, user=citizen, field="phone")
    assert AuditEntry.objects.filter(action="accounts.reveal_personal_data").count() == 1
    assert AuditEntry.objects.filter(action="access.denied", actor_id=colleague.pk).count() == 1


@pytest.mark.django_db
def test_reveal_refuses_fields_that_are_not_personal_data(org: dict[str, OrgUnit]) -> None:
    officer = StaffFactory()
    grant(officer, ["accounts.reveal_personal_data"], org["a"])
    with pytest.raises(Rejected) as raised:
        services.reveal_personal_data(actor=officer, user=PersonFactory(), field="password")
    assert raised.value.message == "不能查看该项信息"
    assert not AuditEntry.objects.filter(action="accounts.reveal_personal_data").exists()


@pytest.mark.django_db
def test_staff_create_with_a_fixed_totp_key() -> None:
    staff = services.staff_create(
        username="demo.li", real_name="李明", password=PASSWORD, phone="13512345678", totp_key_hex=TOTP_KEY
    )
    staff.refresh_from_db()
    assert (staff.kind, staff.phone, staff.check_password(PASSWORD)) == (UserKind.STAFF, "13512345678", True)
    device = TOTPDevice.objects.get(user=staff)
    assert (device.key, device.confirmed) == (TOTP_KEY, True)
    assert AuditEntry.objects.filter(action="accounts.staff_create", target_id=str(staff.pk)).exists()


@pytest.mark.django_db
def test_staff_create_by_a_person_without_the_permission_creates_nothing(org: dict[str, OrgUnit]) -> None:
    clerk = StaffFactory()
    with pytest.raises(AccessDenied):
        services.staff_create(actor=clerk, username="new.one", real_name="新人", password=PASSWORD)
    assert not User.objects.filter(username="new.one").exists()
    admin = StaffFactory()
    grant(admin, ["accounts.manage_users"], org["a"])
    services.staff_create(actor=admin, username="new.one", real_name="新人", password=PASSWORD)
    assert User.objects.filter(username="new.one", kind=UserKind.STAFF).exists()


@pytest.mark.django_db
def test_staff_create_refuses_a_weak_password() -> None:
    with pytest.raises(Rejected) as raised:
        services.staff_create(username="weak", real_name="弱口令", password="weakpassword")
    assert raised.value.field == "password"
    assert "密码须包含大写字母、小写字母、数字、符号中的至少三类" in raised.value.message
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_preferences_update() -> None:
    person = PersonFactory()
    services.preferences_update(actor=person, elder_mode=True, preferred_language="mn")
    person.refresh_from_db()
    assert (person.elder_mode, person.preferred_language) == (True, "mn")
    with pytest.raises(Rejected) as raised:
        services.preferences_update(actor=person, preferred_language="fr")
    assert raised.value.message == "不支持所选的界面语言"
    person.refresh_from_db()
    assert person.preferred_language == "mn"
    assert AuditEntry.objects.filter(action="accounts.preferences_update").count() == 1


@pytest.mark.django_db
def test_demo_totp_prints_the_current_code(settings: pytest.FixtureRequest) -> None:
    services.staff_create(username="demo.wang", real_name="王芳", password=PASSWORD, totp_key_hex=TOTP_KEY)
    out = io.StringIO()
    call_command("demo_totp", "demo.wang", stdout=out)
    assert out.getvalue().strip() == f"{totp(bytes.fromhex(TOTP_KEY)):06d}"
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境不能使用此命令"):
        call_command("demo_totp", "demo.wang")
