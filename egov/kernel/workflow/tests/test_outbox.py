"""With the database task backend (the default outside tests), a transition's notification task is a row written
in the transition's own transaction: it exists exactly when the transition committed (an outbox)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult, get_date_max

from egov.kernel.notify.models import Message
from egov.kernel.workflow.models import Case, WorkItem
from egov.kernel.workflow.services import work_item_complete
from egov.kernel.workflow.tests.conftest import World, start_case

DATABASE_TASKS = {"default": {"BACKEND": "egov.kernel.tasks.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_the_notification_task_commits_or_rolls_back_with_its_transition(world: World, settings) -> None:
    settings.TASKS = DATABASE_TASKS

    # a transition that fails after it queued its task leaves neither case nor task
    with pytest.raises(RuntimeError), transaction.atomic():
        start_case(world)
        assert DBTaskResult.objects.count() == 1  # written inside the transaction, not after it
        raise RuntimeError("the request failed later")
    assert not Case.objects.exists()
    assert not DBTaskResult.objects.exists()

    # a committed one leaves exactly one task, ready at once (the library's own pre_save receiver completed it)
    case = start_case(world)
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "egov.kernel.workflow.tasks.notify_transition"
    assert task.run_after == get_date_max()
    assert DBTaskResult.objects.ready().count() == 1

    # no message before a worker runs it; the library's worker then stores the handlers' messages
    accept = case.work_items.get(step="accept")
    assert not Message.objects.filter(event="workflow.item_assigned").exists()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    inbox = Message.objects.filter(recipient=world.handler, event="workflow.item_assigned", channel="inapp")
    assert list(inbox.values_list("related_id", flat=True)) == [str(accept.pk)]

    # completing the step queues the next task the same way; the co-signing departments hear of it from it
    work_item_complete(actor=world.handler, item=accept, outcome="accept", opinion="受理")
    assert DBTaskResult.objects.ready().count() == 1
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)
    for person, unit in ((world.fgw_handler, world.fgw), (world.czj_handler, world.czj)):
        item = WorkItem.objects.get(case=case, queue_org_unit=unit)
        inbox = Message.objects.filter(recipient=person, event="workflow.item_assigned", channel="inapp")
        assert list(inbox.values_list("related_id", flat=True)) == [str(item.pk)]


@pytest.mark.django_db
def test_enqueue_returns_the_stored_task_and_announces_it_once(settings) -> None:
    from django_tasks_db.compat import task_enqueued

    from egov.kernel.workflow.tasks import notify_transition

    settings.TASKS = DATABASE_TASKS
    announced = []

    def receiver(sender, task_result, **kwargs):
        announced.append(task_result)

    task_enqueued.connect(receiver)
    try:
        result = notify_transition.enqueue([])
    finally:
        task_enqueued.disconnect(receiver)

    stored = DBTaskResult.objects.get()
    assert str(stored.id) == str(result.id)
    assert result.task.module_path == "egov.kernel.workflow.tasks.notify_transition"
    assert result.args == [[]]
    assert announced == [result]


@pytest.mark.django_db
def test_the_task_row_goes_with_the_audit_entrys_first_statement(world: World, settings) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = DATABASE_TASKS
    start_case(world)  # the process is published and parsed

    with CaptureQueriesContext(connection) as queries:
        start_case(world)

    task_inserts = [q["sql"] for q in queries.captured_queries if 'INSERT INTO "django_tasks_database' in q["sql"]]
    assert len(task_inserts) == 1
    if connection.vendor == "postgresql":  # one round trip: the row is written by the head's locking read
        assert task_inserts[0].startswith('WITH along0 AS (INSERT INTO "django_tasks_database_dbtaskresult"')
        assert task_inserts[0].endswith("FOR UPDATE OF h SKIP LOCKED")
    assert DBTaskResult.objects.count() == 2
