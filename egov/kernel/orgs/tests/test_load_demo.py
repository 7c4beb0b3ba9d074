"""``manage.py load_demo``: the whole demo in one transaction, idempotent, one account per role."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.kernel.access.models import RoleAssignment
from egov.kernel.access.policy import has_perm
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.audit.models import AuditEntry
from egov.kernel.identifiers import validate_resident_id, validate_uscc
from egov.kernel.orgs.demo import DEMO_STEPS, register_demo_step
from egov.kernel.orgs.demo.accounts import demo_totp_key
from egov.kernel.orgs.models import Membership, OrgUnit, Position
from egov.kernel.orgs.selectors import primary_unit

ROLE_ACCOUNTS = {
    "sysadmin": ("sysadmin", "152200"),
    "secadmin": ("secadmin", "152200"),
    "auditor": ("auditor", "152200"),
    "kyqq_mz": ("handler", "152221-MZJ"),
    "kyqq_mz_head": ("office_head", "152221-MZJ-SHJZK"),
    "meng_zfj": ("leader", "152200-ZSJ"),
    "portal_editor": ("editor", "152200-BGS"),
    "portal_chief": ("chief_editor", "152200-BGS"),
    "daiban_wlht": ("agent", "152201-ZSJ"),
    "data_admin": ("data_admin", "152200"),
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # Hashing a dozen demo passwords at production strength would dominate the test's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts() -> dict[str, int]:
    return {
        "units": OrgUnit.objects.count(),
        "positions": Position.objects.count(),
        "memberships": Membership.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "totp": TOTPDevice.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_running_twice_creates_nothing_new() -> None:
    # given
    first_output = load_demo()
    after_first = counts()

    # when
    second_output = load_demo()

    # then
    assert counts() == after_first
    assert after_first["units"] > 100
    demo_usernames = {*ROLE_ACCOUNTS, "citizen", "company"}
    assert set(User.objects.filter(username__in=demo_usernames).values_list("username", flat=True)) == demo_usernames
    assert "组织机构：共 129 个（新增 129，更新 0）" in first_output
    assert "组织机构：共 129 个（新增 0，更新 0）" in second_output
    assert "演示账号：新增 0 个，新增任职 0 条，新增角色授权 0 条" in second_output
    assert "兴安盟演示数据已就绪" in second_output


@pytest.mark.django_db
def test_one_staff_account_per_role_with_its_unit_and_totp() -> None:
    load_demo()

    for username, (role, unit_code) in ROLE_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.kind == UserKind.STAFF
        assert user.check_password("Hinggan@2026")
        assignment = RoleAssignment.objects.get(user=user)
        assert (assignment.role.code, assignment.org_unit.code) == (role, unit_code)
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed
        assert device.key == demo_totp_key(username)
        assert primary_unit(user) is not None
    assert primary_unit(User.objects.get(username="kyqq_mz_head")).name == "科尔沁右翼前旗民政局社会救助科"
    assert primary_unit(User.objects.get(username="meng_zfj")).name == "兴安盟政务服务与数据管理局"


@pytest.mark.django_db
def test_demo_roles_reach_exactly_their_scope() -> None:
    load_demo()
    handler = User.objects.get(username="kyqq_mz")
    relief = OrgUnit.objects.get(code="152221-MZJ-SHJZK")

    assert has_perm(handler, "workflow.handle", relief)
    assert not has_perm(handler, "workflow.handle", OrgUnit.objects.get(code="152224-MZJ"))
    assert has_perm(User.objects.get(username="sysadmin"), "orgs.manage", relief)


@pytest.mark.django_db
def test_citizen_and_company_carry_valid_identifiers() -> None:
    load_demo()

    citizen = User.objects.get(username="citizen")
    assert (citizen.kind, citizen.real_name, citizen.real_name_verified) == (UserKind.PERSON, "张明", True)
    assert validate_resident_id(citizen.id_number) == citizen.id_number
    assert citizen.id_number.startswith("152201")
    assert citizen.phone == "13800000001"
    assert citizen.check_password("Hinggan@2026")

    company = User.objects.get(username="company")
    assert (company.kind, company.organization_name, company.legal_representative) == (
        UserKind.LEGAL,
        "兴安盟示例农牧业有限公司",
        "王建国",
    )
    assert validate_uscc(company.uscc) == company.uscc


@pytest.mark.django_db
def test_registered_steps_run_after_the_kernel_steps_in_the_same_transaction() -> None:
    # given an app's step that fails after the org tree was written
    seen: list[int] = []

    def broken(stdout: object) -> None:
        seen.append(OrgUnit.objects.count())
        raise RuntimeError("演示数据加载失败")

    original = list(DEMO_STEPS)
    register_demo_step("broken", broken)
    try:
        # when
        with pytest.raises(RuntimeError):
            load_demo()
    finally:
        DEMO_STEPS[:] = original

    # then the step saw the tree, and everything was rolled back with it
    assert seen == [129]
    assert OrgUnit.objects.count() == 0
    assert User.objects.count() == 0


def test_registering_a_step_twice_replaces_it() -> None:
    original = list(DEMO_STEPS)
    try:
        register_demo_step("x", lambda stdout: None)
        register_demo_step("x", print)
        assert [step.load for step in DEMO_STEPS if step.name == "x"] == [print]
    finally:
        DEMO_STEPS[:] = original


def test_steps_run_in_app_order_whatever_was_imported_first() -> None:
    # given a domain app's step registered before the kernel's (a test imported its demo module early)
    from egov.domain.services import selectors as domain_module
    from egov.kernel.orgs.demo import discover_demo_steps

    def domain_step(stdout: object) -> None: ...

    domain_step.__module__ = domain_module.__name__
    original = list(DEMO_STEPS)
    try:
        DEMO_STEPS.insert(0, type(DEMO_STEPS[0])("early-domain", domain_step))
        # when
        names = [step.name for step in discover_demo_steps()]
        # then the kernel's org tree and accounts still come first
        assert names.index("orgs") < names.index("accounts") < names.index("early-domain")
    finally:
        DEMO_STEPS[:] = original
