"""Background jobs of the search (django-tasks: database backend, immediate in tests)."""

from __future__ import annotations

from django_tasks import task

from egov.kernel.search import services


@task()
def reindex_object(object_type: str, object_id: str) -> bool:
    """Index or remove one object after its owner published or withdrew it (see services.schedule_reindex)."""
    return services.reindex(object_type=object_type, object_id=object_id)
