"""Demo step "accounts": one account per role (see README.md), their memberships and role assignments,
plus a citizen (自然人) and a company (法人). Matched by user name, so a second run creates nothing.

Every demo account uses the same published password; staff get a fixed TOTP key derived from the user
name, so ``manage.py demo_totp <username>`` can show the current code.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import OutputWrapper

from egov.kernel.accounts.models import User, UserKind
from egov.kernel.crypto import sm3_hex
from egov.kernel.identifiers import resident_id_check_char, uscc_check_char
from egov.kernel.orgs.demo.tree import demo_data
from egov.kernel.orgs.models import Membership, OrgUnit, Position
from egov.kernel.orgs.services import membership_add


def demo_totp_key(username: str) -> str:
    """The demo TOTP key of a staff account: the first 40 hex digits (160 bits) of SM3(user name)."""
    return sm3_hex(f"hinggan-demo-totp:{username}")[:40]


def demo_resident_id() -> str:
    first17 = demo_data()["citizen"]["id_number_first17"]
    return first17 + resident_id_check_char(first17)


def demo_uscc() -> str:
    first17 = demo_data()["company"]["uscc_first17"]
    return first17 + uscc_check_char(first17)


def _grant(user: User, spec: dict[str, Any], units: dict[str, OrgUnit]) -> bool:
    """Give the demo role unless the user already holds it there. The system grants it (no acting user),
    which ``role_assign`` does not allow, so the assignment is written directly — bootstrapping only."""
    from egov.kernel.access.models import Role, RoleAssignment

    unit = units[spec["role_unit"]]
    if RoleAssignment.objects.filter(user=user, role__code=spec["role"], org_unit=unit).exists():
        return False
    RoleAssignment.objects.create(
        user=user, role=Role.objects.get(code=spec["role"]), org_unit=unit, include_subunits=spec["include_subunits"]
    )
    return True


def demo_staff(
    username: str,
    real_name: str,
    *,
    unit_code: str,
    position: str,
    role: str,
    role_unit_code: str | None = None,
    include_subunits: bool | None = None,
) -> tuple[User, bool]:
    """One demo staff account of a domain demo step: created once (demo password, fixed TOTP key), a member of
    ``unit_code`` and holding ``role`` at ``role_unit_code`` (default: the same unit). The system grants the role
    (no acting user), which ``role_assign`` does not allow — bootstrapping only. Returns (user, created)."""
    from egov.kernel.access.models import Role, RoleAssignment
    from egov.kernel.accounts.services import staff_create

    unit = OrgUnit.objects.get(code=unit_code)
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = staff_create(
            username=username,
            real_name=real_name,
            password=demo_data()["password"],
            totp_key_hex=demo_totp_key(username),
        )
    if not Membership.objects.filter(user=user, org_unit=unit).exists():
        membership_add(
            user=user, org_unit=unit, position=Position.objects.filter(name=position).first(), is_primary=True
        )
    RoleAssignment.objects.get_or_create(
        user=user,
        role=Role.objects.get(code=role),
        org_unit=unit if role_unit_code is None else OrgUnit.objects.get(code=role_unit_code),
        defaults={} if include_subunits is None else {"include_subunits": include_subunits},
    )
    return user, created


def load_staff(password: str) -> tuple[int, int, int]:
    """Returns (accounts created, memberships added, roles granted)."""
    from egov.kernel.accounts.services import staff_create

    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    positions = {position.name: position for position in Position.objects.all()}
    accounts = memberships = grants = 0
    for spec in demo_data()["staff"]:
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            user = staff_create(
                username=spec["username"],
                real_name=spec["real_name"],
                password=password,
                totp_key_hex=demo_totp_key(spec["username"]),
            )
            accounts += 1
        unit = units[spec["unit"]]
        if not Membership.objects.filter(user=user, org_unit=unit).exists():
            membership_add(user=user, org_unit=unit, position=positions[spec["position"]], is_primary=True)
            memberships += 1
        grants += _grant(user, spec, units)
    return accounts, memberships, grants


def load_citizens(password: str) -> int:
    """The natural person 张明 and the company; returns how many were created."""
    created = 0
    citizen = demo_data()["citizen"]
    if not User.objects.filter(username=citizen["username"]).exists():
        user = User.objects.create_user(
            username=citizen["username"],
            password=password,
            kind=UserKind.PERSON,
            real_name=citizen["real_name"],
            real_name_verified=True,
        )
        user.id_number = demo_resident_id()
        user.phone = citizen["phone"]
        user.save(update_fields=["id_number_cipher", "id_number_index", "phone_cipher", "phone_index"])
        created += 1
    company = demo_data()["company"]
    if not User.objects.filter(username=company["username"]).exists():
        user = User.objects.create_user(
            username=company["username"],
            password=password,
            kind=UserKind.LEGAL,
            organization_name=company["organization_name"],
            uscc=demo_uscc(),
            legal_representative=company["legal_representative"],
            real_name=company["legal_representative"],
            real_name_verified=True,
        )
        user.phone = company["phone"]
        user.save(update_fields=["phone_cipher", "phone_index"])
        created += 1
    return created


def load(stdout: OutputWrapper) -> None:
    password = demo_data()["password"]
    accounts, memberships, grants = load_staff(password)
    accounts += load_citizens(password)
    stdout.write(
        f"演示账号：新增 {accounts} 个，新增任职 {memberships} 条，新增角色授权 {grants} 条（统一密码 {password}）"
    )
