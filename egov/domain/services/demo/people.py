"""Demo people of the service hall: the 事项管理员 who maintains the catalogue, and the handlers of the
个体工商户设立登记 flow (乌兰浩特市市场监管局 受理/审查/决定, 乌兰浩特市人社局 并联核验). Idempotent."""

from __future__ import annotations

#: username, name, role, role unit, include sub-units, membership unit, position
PEOPLE = (
    ("shixiang_admin", "周海燕", "catalogue_admin", "152200", True, "152200-ZSJ", "科长"),
    ("wlht_scjg", "赵建华", "handler", "152201-SCJGJ", True, "152201-SCJGJ", "科员"),
    ("wlht_scjg_leader", "苏和", "leader", "152201-SCJGJ", True, "152201-SCJGJ", "局长"),
    ("wlht_rsj", "其其格", "handler", "152201-RSJ", True, "152201-RSJ", "科员"),
)


def ensure_people() -> int:
    from egov.kernel.orgs.demo.accounts import demo_staff

    created = 0
    for username, name, role, role_unit, subunits, unit_code, position in PEOPLE:
        _user, new = demo_staff(
            username,
            name,
            unit_code=unit_code,
            position=position,
            role=role,
            role_unit_code=role_unit,
            include_subunits=subunits,
        )
        created += new
    return created


def publish_processes() -> None:
    from egov.domain.services.apply import NUMBER_PREFIX, PROCESSES
    from egov.kernel.workflow.services import definition_publish_file

    for path in sorted(PROCESSES.glob("*.bpmn")):
        definition_publish_file(path, number_prefix=NUMBER_PREFIX)
