"""The task backend of the platform: django-tasks-db's database backend, with the task row written by
``egov.kernel.compiled.insert`` (its INSERT built once instead of compiled by the ORM on every enqueue).

A workflow transition queues its notification task inside its own transaction (an outbox, see
``workflow.services._notify_transition``), so this INSERT is on the hottest write path of the platform. The row
is the library's own model with the values its ``_task_to_db_task`` gives; workers (``manage.py db_worker``),
results and retries are the library's, unchanged; the row gets the ``save`` signals the library's own
receivers complete it with.
"""

from __future__ import annotations

from typing import Any

from django.db import router
from django.db.models.signals import post_save, pre_save
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import task_enqueued

from egov.kernel.compiled import insert


class DatabaseBackend(LibraryDatabaseBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        """The library's ``enqueue``, building the task's result once: its ``task_result`` is a property that
        imports the task and builds a new ``TaskResult`` on each access, and the library reads it twice (for
        the ``task_enqueued`` signal and for the return value)."""
        self.validate_task(task)
        result = self._task_to_db_task(task, args, kwargs).task_result
        task_enqueued.send(type(self), task_result=result)
        return result

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult

        result: DBTaskResult[Any, Any] = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        database = router.db_for_write(DBTaskResult)
        # The library completes the row in a pre_save receiver (run_after); send both signals as save() would.
        pre_save.send(sender=DBTaskResult, instance=result, raw=False, using=database, update_fields=None)
        insert([result], using=database)
        post_save.send(
            sender=DBTaskResult, instance=result, created=True, raw=False, using=database, update_fields=None
        )
        return result
