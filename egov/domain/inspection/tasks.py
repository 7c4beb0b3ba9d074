"""Background jobs of site inspection (django-tasks: database backend, immediate in tests).

There is no scheduler in the Tasks API: the daily run is queued by ``manage.py inspect_sites --enqueue`` from a
systemd timer (docs/deploy/systemd/egov-inspection.timer) or cron.
"""

from __future__ import annotations

from django_tasks import task

from egov.domain.inspection import services
from egov.domain.inspection.models import Trigger


@task()
def execute_inspection(run_id: int, home_page_ids: list[int]) -> str:
    """Check the sites of one recorded run and store their reports."""
    run = services.inspection_execute(run_id=run_id, home_page_ids=home_page_ids)
    return run.status


@task()
def daily_inspection(check_external: bool = True) -> int:
    """The daily check of every site (as the system). Returns the run's id; its execution is queued."""
    run = services.inspection_start(actor=None, trigger=Trigger.DAILY, check_external=check_external)
    return run.pk
