"""Shared set-up of the workflow benchmarks (bench/workflow_*.py): Django, the bench org units and staff.

Every workflow benchmark runs against DATABASE_URL (PostgreSQL for real figures; create a throw-away
database, e.g. ``createdb -h 127.0.0.1 -U postgres egov_bench`` then ``manage.py migrate``).
Bench org units are coded ``BENCH-<n>`` and bench staff ``bench_<n>``, so they never mix with demo data.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

# As in production: no debug mode (it logs every statement's SQL text, ~1 ms of CPU per case here).
settings.DEBUG = False

from django.db import connection, transaction  # noqa: E402

from egov.kernel.access.models import Role, RoleAssignment  # noqa: E402
from egov.kernel.accounts.models import User, UserKind  # noqa: E402
from egov.kernel.orgs.models import OrgKind, OrgUnit  # noqa: E402
from egov.kernel.orgs.services import org_unit_create  # noqa: E402
from egov.kernel.workflow.models import ProcessDefinition  # noqa: E402
from egov.kernel.workflow.services import definition_publish_file  # noqa: E402

DEMO_BPMN = (
    Path(__file__).resolve().parent.parent / "egov" / "kernel" / "workflow" / "processes" / "demo_joint_approval.bpmn"
)
UNITS_FULL = 200  # bench units at scale 1
HANDLERS_PER_UNIT = 10


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], p: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def database_label() -> str:
    return f"{connection.vendor} {connection.settings_dict.get('NAME')}"


@transaction.atomic
def bench_world(unit_count: int) -> tuple[ProcessDefinition, list[OrgUnit], dict[int, list[User]]]:
    """The demo process, ``unit_count`` bench units (plus 盟发改委 / 盟财政局 stand-ins for 会签) and ten
    handlers per unit; created once, reused on later runs."""
    (definition,) = definition_publish_file(DEMO_BPMN)
    root = OrgUnit.objects.filter(code="BENCH").first() or org_unit_create(
        name="压测根机构", code="BENCH", kind=OrgKind.LEAGUE, division_code="152200"
    )
    for code, name in (("152200-FGW", "压测发改委"), ("152200-CZJ", "压测财政局")):
        if not OrgUnit.objects.filter(code=code).exists():
            org_unit_create(name=name, code=code, kind=OrgKind.DEPARTMENT, division_code="152200", parent=root)
    existing = {unit.code: unit for unit in OrgUnit.objects.filter(code__startswith="BENCH-")}
    units = []
    for n in range(unit_count):
        code = f"BENCH-{n:04d}"
        units.append(
            existing.get(code)
            or org_unit_create(
                name=f"压测机构{n}", code=code, kind=OrgKind.DEPARTMENT, division_code="152200", parent=root
            )
        )
    handler = Role.objects.get(code="handler")
    users_by_unit: dict[int, list[User]] = {}
    have = {user.username: user for user in User.objects.filter(username__startswith="bench_")}
    new_users = [
        User(username=f"bench_{unit_index:04d}_{k}", real_name=f"压测人员{unit_index}-{k}", kind=UserKind.STAFF)
        for unit_index in range(unit_count)
        for k in range(HANDLERS_PER_UNIT)
        if f"bench_{unit_index:04d}_{k}" not in have
    ]
    User.objects.bulk_create(new_users, batch_size=2000)
    have = {user.username: user for user in User.objects.filter(username__startswith="bench_")}
    assigned = set(RoleAssignment.objects.filter(user__username__startswith="bench_").values_list("user_id", flat=True))
    grants = []
    for unit_index, unit in enumerate(units):
        people = [have[f"bench_{unit_index:04d}_{k}"] for k in range(HANDLERS_PER_UNIT)]
        users_by_unit[unit.pk] = people
        grants += [RoleAssignment(user=u, role=handler, org_unit=unit) for u in people if u.pk not in assigned]
    RoleAssignment.objects.bulk_create(grants, batch_size=2000)
    for code in ("152200-FGW", "152200-CZJ"):
        unit = OrgUnit.objects.get(code=code)
        RoleAssignment.objects.get_or_create(user=users_by_unit[units[0].pk][0], role=handler, org_unit=unit)
    leader = Role.objects.get(code="leader")
    for unit in units[:5]:
        RoleAssignment.objects.get_or_create(user=users_by_unit[unit.pk][1], role=leader, org_unit=unit)
    return definition, units, users_by_unit
