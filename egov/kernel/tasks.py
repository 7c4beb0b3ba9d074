"""The task backend of the platform: django-tasks-db's database backend, with the task row written by
``egov.kernel.compiled.insert`` (its INSERT built once instead of compiled by the ORM on every enqueue).

A workflow transition queues its notification task inside its own transaction (an outbox, see
``workflow.services._notify_transition``), so this INSERT is on the hottest write path of the platform. The row
is the library's own model with the values the library's ``_task_to_db_task`` gives; workers (``manage.py db_worker``),
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

from egov.kernel.compiled import Statement, insert, insert_statement


class DatabaseBackend(LibraryDatabaseBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        """The library's ``enqueue``, building the task's result once: its ``task_result`` is a property that
        imports the task and builds a new ``TaskResult`` on each access, and the library reads it twice (for
        the ``task_enqueued`` signal and for the return value)."""
        self.validate_task(task)
        row = self._new_row(task, args, kwargs)
        insert([row], using=row._state.db)
        return self._enqueued(row)

    def enqueue_statement(self, task: Any, args: Any, kwargs: Any) -> tuple[Any, Statement]:
        """``enqueue`` for a caller that sends the task's row itself, with a statement of its own in the same
        transaction (the workflow's outbox, ADR 0025): the task's result and the row's INSERT. The ``post_save``
        and ``task_enqueued`` signals go now, before the row is written; the library's receivers only log."""
        self.validate_task(task)
        row = self._new_row(task, args, kwargs)
        statement = insert_statement([row], using=row._state.db)
        return self._enqueued(row), statement

    def _new_row(self, task: Any, args: Any, kwargs: Any) -> Any:
        """The task's row as the library builds it; its own ``pre_save`` receiver completes it (run_after)."""
        from django_tasks_db.models import DBTaskResult

        row: DBTaskResult[Any, Any] = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        database = router.db_for_write(DBTaskResult)
        pre_save.send(sender=DBTaskResult, instance=row, raw=False, using=database, update_fields=None)
        row._state.db = database
        return row

    def _enqueued(self, row: Any) -> Any:
        post_save.send(sender=type(row), instance=row, created=True, raw=False, using=row._state.db, update_fields=None)
        result = row.task_result
        task_enqueued.send(type(self), task_result=result)
        return result
