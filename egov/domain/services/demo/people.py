"""Demo people of the service hall: the 事项管理员 who maintains the catalogue, and the handlers of the
个体工商户设立登记 flow (乌兰浩特市市场监管局 受理/审查/决定, 乌兰浩特市人社局 并联核验). Idempotent."""

from __future__ import annotations

from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import Membership, OrgUnit, Position

#: username, name, role, role unit, include sub-units, membership unit, position
PEOPLE = (
    ("shixiang_admin", "周海燕", "catalogue_admin", "152200", True, "152200-ZSJ", "科长"),
    ("wlht_scjg", "赵建华", "handler", "152201-SCJGJ", True, "152201-SCJGJ", "科员"),
    ("wlht_scjg_leader", "苏和", "leader", "152201-SCJGJ", True, "152201-SCJGJ", "局长"),
    ("wlht_rsj", "其其格", "handler", "152201-RSJ", True, "152201-RSJ", "科员"),
)


def ensure_people() -> int:
    from egov.kernel.access.models import Role, RoleAssignment
    from egov.kernel.accounts.services import staff_create
    from egov.kernel.orgs.demo.accounts import demo_totp_key
    from egov.kernel.orgs.demo.tree import demo_data
    from egov.kernel.orgs.services import membership_add

    created = 0
    for username, name, role, role_unit, subunits, unit_code, position in PEOPLE:
        unit = OrgUnit.objects.get(code=unit_code)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = staff_create(
                username=username,
                real_name=name,
                password=demo_data()["password"],
                totp_key_hex=demo_totp_key(username),
            )
            created += 1
        if not Membership.objects.filter(user=user, org_unit=unit).exists():
            membership_add(
                user=user, org_unit=unit, position=Position.objects.filter(name=position).first(), is_primary=True
            )
        # Bootstrapping only: the system grants the demo role (role_assign needs an acting person).
        RoleAssignment.objects.get_or_create(
            user=user,
            role=Role.objects.get(code=role),
            org_unit=OrgUnit.objects.get(code=role_unit),
            defaults={"include_subunits": subunits},
        )
    return created


def publish_processes() -> None:
    from egov.domain.services.apply import NUMBER_PREFIX, PROCESSES
    from egov.kernel.workflow.services import definition_publish_file

    for path in sorted(PROCESSES.glob("*.bpmn")):
        definition_publish_file(path, number_prefix=NUMBER_PREFIX)
