"""Background jobs of the workflow app (django-tasks: database backend, immediate in tests)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from egov.kernel.workflow import services


@task()
def supervision_sweep() -> dict[str, int]:
    """电子监察: recompute the lights of every open case and step; schedule it every few minutes (cron:
    ``manage.py workflow_supervise --enqueue``) or at least daily after midnight."""
    result = services.supervision_sweep()
    return {f"cases_{light}": len(ids) for light, ids in result.cases.items()} | {
        f"items_{light}": len(ids) for light, ids in result.items.items()
    }


@task()
def notify_transition(notices: list[dict[str, Any]]) -> int:
    """The messages of one case transition (待办到达, 办结), queued after its commit so that the request
    only enqueues ids; see ``services.transition_notify``."""
    return services.transition_notify(notices=notices)


@task()
def notify_sweep(item_ids: list[int], case_ids: list[int]) -> int:
    """The warnings of one supervision sweep (a chunk of its yellow and red steps or cases), queued after the
    sweep's commit; see ``services.sweep_notify``."""
    return services.sweep_notify(item_ids=item_ids, case_ids=case_ids)
