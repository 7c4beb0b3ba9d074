"""The agent dashboard (代办工作台) with 100,000 submitted cases: p95 ≤ 50 ms (issue 4).

    EGOV_ENV=test .venv/bin/python bench/agency_dashboard.py --cases 100000            # SQLite (var/)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench EGOV_ENV=test \
        .venv/bin/python bench/agency_dashboard.py --cases 100000

The generator (run once, reused afterwards; ``--regenerate`` drops and rebuilds) bulk-creates a bench League
with one county, an agents' unit with ``--agents`` agents and five departments, then ``--cases`` cases of the
demo process: 70 % running (each with one or two open steps in the departments, traffic lights 75 % green,
15 % yellow, 10 % red), 30 % completed, each assigned to an agent. Cases are coded ``AB-…`` and bench people
``agbench_…``, so they never mix with demo data.

Measured per round, for a random agent loaded fresh (no cached grants, as in a request):
* ``selector``: ``dashboard(agent)`` — page 1 of the running cases, newest first, with counts per light and
  the open steps of the page's cases;
* ``selector_red``: the same filtered to 超期 (red) and sorted by due date;
* ``page``: the whole ``GET /office/agency/`` through Django's test client (middleware, template);
* ``team``: the supervisor's view of every agent's cases (no target; for information).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from workflow_common import DEMO_BPMN, database_label, peak_rss_mb, percentile  # sets up Django

from egov.domain.agency.models import AgentAssignment
from egov.domain.agency.selectors import DashboardFilters, dashboard
from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.orgs.services import org_unit_create
from egov.kernel.workflow.models import Case, CaseStatus, Light, WorkItem
from egov.kernel.workflow.services import definition_publish_file

PREFIX = "AB-"
UNUSABLE = "!"  # Django's marker for "no password": bench agents never sign in with one
BATCH = 5000


def _unit(code: str, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
    return OrgUnit.objects.filter(code=code).first() or org_unit_create(
        name=name, code=code, kind=kind, division_code="152201", parent=parent
    )


def _drop() -> None:
    cases = Case.objects.filter(number__startswith=PREFIX)
    AgentAssignment.objects.filter(case__in=cases).delete()
    WorkItem.objects.filter(case__in=cases).delete()
    cases.delete()


@transaction.atomic
def generate(case_count: int, agent_count: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    (definition,) = definition_publish_file(DEMO_BPMN)
    league = _unit("AGBENCH", "代办压测盟", OrgKind.LEAGUE, None)
    county = _unit("AGBENCH-C", "代办压测市", OrgKind.COUNTY, league)
    agents_unit = _unit("AGBENCH-ZSJ", "代办压测政务服务局", OrgKind.DEPARTMENT, county)
    departments = [_unit(f"AGBENCH-D{n}", f"代办压测部门{n}", OrgKind.DEPARTMENT, county) for n in range(5)]
    agent_role = Role.objects.get(code="agent")
    existing = {user.username: user for user in User.objects.filter(username__startswith="agbench_")}
    new_users = [
        User(username=name, real_name=f"压测代办员{n}", kind=UserKind.STAFF, password=UNUSABLE)
        for n in range(agent_count)
        if (name := f"agbench_{n:03d}") not in existing
    ]
    if "agbench_head" not in existing:
        new_users.append(
            User(username="agbench_head", real_name="压测代办主任", kind=UserKind.STAFF, password=UNUSABLE)
        )
    User.objects.bulk_create(new_users)
    agents = list(User.objects.filter(username__startswith="agbench_").exclude(username="agbench_head").order_by("pk"))
    head = User.objects.get(username="agbench_head")
    for agent in agents:
        RoleAssignment.objects.get_or_create(user=agent, role=agent_role, org_unit=agents_unit)
    RoleAssignment.objects.get_or_create(user=head, role=Role.objects.get(code="office_head"), org_unit=agents_unit)
    today = timezone.localdate()
    now = timezone.now()
    lights = [Light.GREEN] * 15 + [Light.YELLOW] * 3 + [Light.RED] * 2
    for start in range(0, case_count, BATCH):
        cases = []
        for n in range(start, min(start + BATCH, case_count)):
            running = rng.random() < 0.7
            started_at = now - timedelta(minutes=(case_count - n) * 3)
            due = today + timedelta(days=rng.randint(-10, 30))
            cases.append(
                Case(
                    number=f"{PREFIX}{n:07d}",
                    definition=definition,
                    process_key=definition.key,
                    org_unit=rng.choice(departments),
                    title=f"压测办件{n}",
                    status=CaseStatus.OPEN if running else CaseStatus.COMPLETED,
                    current_steps="会签" if running else "",
                    started_on=started_at.date(),
                    started_at=started_at,
                    watch_due_on=due,
                    due_on=due,
                    light=rng.choice(lights) if running else Light.GREEN,
                    completed_at=None if running else now,
                )
            )
        created = Case.objects.bulk_create(cases, batch_size=1000)
        if not created[0].pk:  # backends that do not return ids on bulk insert
            created = list(Case.objects.filter(number__in=[case.number for case in cases]))
        items, assignments = [], []
        for case in created:
            assignments.append(
                AgentAssignment(
                    case_id=case.pk,
                    agent=rng.choice(agents),
                    agent_unit=agents_unit,
                    assigned_at=case.started_at,
                    case_started_at=case.started_at,
                    case_status=case.status,
                    case_light=case.light,
                    case_due_on=case.watch_due_on,
                )
            )
            if case.status != CaseStatus.OPEN:
                continue
            for department in rng.sample(departments, rng.randint(1, 2)):
                items.append(
                    WorkItem(
                        case_id=case.pk,
                        process_key=case.process_key,
                        task_id=uuid.uuid4(),
                        step="review",
                        title=f"{department.name}审核",
                        org_unit=department,
                        queue_org_unit=department,
                        queue_role="handler",
                        started_on=case.started_on,
                        due_on=case.watch_due_on,
                        light=case.light,
                    )
                )
        AgentAssignment.objects.bulk_create(assignments, batch_size=1000)
        WorkItem.objects.bulk_create(items, batch_size=1000)
        print(f"… {min(start + BATCH, case_count)} / {case_count}", file=sys.stderr)


def _time(rounds: int, agents: list[User], call: Callable[[User], object]) -> list[float]:
    rng = random.Random(7)
    timings = []
    for _ in range(rounds):
        user = User.objects.get(pk=rng.choice(agents).pk)  # fresh: no cached grants
        started = time.perf_counter()
        call(user)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _figures(timings: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(timings, 50), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--random-page-cost",
        type=float,
        default=None,
        help="PostgreSQL only: SET random_page_cost for this session (1.1 is the usual value on SSD storage)",
    )
    args = parser.parse_args()
    if args.random_page_cost is not None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET random_page_cost = %s", [args.random_page_cost])
    if args.regenerate:
        _drop()
    have = Case.objects.filter(number__startswith=PREFIX).count()
    if have != args.cases:
        _drop()
        started = time.perf_counter()
        generate(args.cases, args.agents)
        print(f"generated {args.cases} cases in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give them after a bulk load
    agents = list(User.objects.filter(username__startswith="agbench_").exclude(username="agbench_head"))
    head = User.objects.get(username="agbench_head")
    for agent in agents[:5]:  # warm the connection and the plans
        dashboard(agent)
    red = DashboardFilters(light=Light.RED)
    client = Client()

    def page(user: User) -> None:
        client.force_login(user)
        started = time.perf_counter()
        response = client.get("/office/agency/")
        assert response.status_code == 200, response.status_code
        page_times.append((time.perf_counter() - started) * 1000)

    page_times: list[float] = []
    selector = _time(args.rounds, agents, lambda user: dashboard(user))
    selector_red = _time(args.rounds, agents, lambda user: dashboard(user, filters=red, sort="due"))
    _time(min(args.rounds, 100), agents, page)
    team = _time(min(args.rounds, 50), [head], lambda user: dashboard(user, scope="team"))
    sample = dashboard(agents[0])
    print(
        json.dumps(
            {
                "database": database_label(),
                "cases": Case.objects.filter(number__startswith=PREFIX).count(),
                "agents": len(agents),
                "agent_0_running_cases": sample.total,
                "rounds": args.rounds,
                "random_page_cost": args.random_page_cost,
                "selector": _figures(selector),
                "selector_red_by_due": _figures(selector_red),
                "page_get": _figures(page_times),
                "team_view_all_agents": _figures(team),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
