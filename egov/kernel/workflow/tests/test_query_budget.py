"""How much database work the hot path does (start a case, complete its first step), counted in queries rather
than timed: the throughput target (bench/workflow_throughput.py) depends on these transactions staying short."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter

from egov.kernel.notify.models import Message
from egov.kernel.workflow import engine
from egov.kernel.workflow.models import Case, WorkItem
from egov.kernel.workflow.services import case_start, work_item_complete
from egov.kernel.workflow.tests.conftest import World


def _start(world: World) -> Case:
    return case_start(
        actor=world.handler,
        process_key="demo_joint_approval",
        org_unit=world.qianqi,
        title="某企业固定资产投资项目联合审批",
        statutory_limit=20,
        promised_limit=10,
    )


def _statements(queries: CaptureQueriesContext) -> list[str]:
    """The SQL run, without the savepoints of nested atomic blocks (the test itself runs in a transaction)."""
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def _summary(statements: list[str]) -> str:
    return "\n".join(sql[:100] for sql in statements)


@pytest.mark.django_db
def test_starting_a_case_runs_six_statements_on_postgresql_nine_elsewhere(
    world: World, django_capture_on_commit_callbacks
):
    # given the demo process, published and parsed once
    _start(world)

    # when a case starts (the commit callbacks are held back, as they run only after the commit)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, CaptureQueriesContext(connection) as queries:
        case = _start(world)

    # then: definition, case (with a provisional number), work item, clock event, the number (one UPDATE …
    # RETURNING) and the case's real number just before the audit (head, entry, head), so the sequence row is
    # locked only for the last statements of the transaction. On PostgreSQL the clock event goes in the work
    # item's INSERT, the number is taken and set in one statement, and the entry's INSERT moves the head in the
    # same statement: six in all.
    statements = _statements(queries)
    if connection.vendor == "postgresql":
        assert len(statements) == 6, _summary(statements)
        assert statements[2].startswith('WITH along0 AS (INSERT INTO "workflow_clockevent"'), _summary(statements)
        assert 'INSERT INTO "workflow_workitem"' in statements[2], _summary(statements)
        assert statements[3].startswith("WITH taken AS (UPDATE workflow_casenumbersequence"), _summary(statements)
        assert "UPDATE workflow_case SET number" in statements[3], _summary(statements)
        assert statements[5].startswith("WITH along0 AS (UPDATE audit_auditchainhead"), _summary(statements)
    else:
        assert len(statements) == 9, _summary(statements)
        assert statements[4].startswith("UPDATE workflow_casenumbersequence"), _summary(statements)
        assert statements[5].startswith("UPDATE workflow_case SET number"), _summary(statements)
    assert not any('"workflow_casenumbersequence"' in sql for sql in statements)  # no SELECT … FOR UPDATE
    assert not any(sql.startswith('SELECT "workflow_workitem"') for sql in statements)  # a new case has none
    assert not any("accounts_user" in sql for sql in statements)  # queue members are read after the commit
    assert len(callbacks) == 1
    assert case.work_items.get().step == "accept"


@pytest.mark.django_db
def test_completing_the_first_step_runs_seven_statements_and_notifies_both_queues_after_commit(
    world: World, django_capture_on_commit_callbacks
):
    # given a started case
    accept = _start(world).work_items.get(step="accept")

    # when it is accepted (会签 opens two queues)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, CaptureQueriesContext(connection) as queries:
        work_item_complete(actor=world.handler, item=accept, outcome="accept", opinion="材料齐全，予以受理")

    # then: case lock, item and its open siblings in one lock, queue check, both named units in one query, the
    # new items in one insert, item, case, audit (head, entry, head); the messages are not the request's work:
    # one task per transition is queued after the commit. PostgreSQL: the item's and the case's UPDATEs go in
    # the INSERT of the new items, and the head moves with the entry.
    statements = _statements(queries)
    assert len(statements) == (7 if connection.vendor == "postgresql" else 10), _summary(statements)
    if connection.vendor == "postgresql":
        merged = statements[4]
        assert merged.startswith('WITH along0 AS (UPDATE "workflow_workitem"'), _summary(statements)
        assert 'along1 AS (UPDATE "workflow_case"' in merged, _summary(statements)
        assert 'INSERT INTO "workflow_workitem"' in merged, _summary(statements)
    assert not any("notify_" in sql for sql in statements)
    assert not Message.objects.filter(event="workflow.item_assigned").exists()

    # and once committed, each department's handler gets one message
    for callback in callbacks:
        callback()
    for person, unit in ((world.fgw_handler, world.fgw), (world.czj_handler, world.czj)):
        item = WorkItem.objects.get(case=accept.case, queue_org_unit=unit)
        inbox = Message.objects.filter(recipient=person, event="workflow.item_assigned", channel="inapp")
        assert list(inbox.values_list("related_id", flat=True)) == [str(item.pk)]


@pytest.mark.django_db
def test_stored_state_is_the_full_serialization_without_the_spec(world: World) -> None:
    # given a workflow waiting in the 会签 branches
    workflow = engine.new_workflow(world.definition, {})
    (accept,) = engine.ready_steps(workflow)
    engine.complete(workflow, accept.task_id, {"outcome": "accept", "opinion": ""})

    # when it is dumped (the spec is never converted) and when it is fully converted by SpiffWorkflow
    state = engine.dump(workflow)
    converter = engine._SpecFreeWorkflowConverter(BpmnWorkflow, engine._SERIALIZER.registry)
    engine._SERIALIZER.registry._encoder_mode = True
    try:
        full = BpmnWorkflowConverter.to_dict(converter, workflow)
    finally:
        engine._SERIALIZER.registry._encoder_mode = False

    # then the stored state is the full one minus the two spec entries, and it loads back to the same steps
    del full["spec"], full["subprocess_specs"]
    added_by_the_registry = {"typename": "BpmnWorkflow", engine._SERIALIZER.VERSION_KEY: engine._SERIALIZER.VERSION}
    assert state == {**full, **added_by_the_registry}
    restored = engine.load(world.definition, state)
    assert [step.step for step in engine.ready_steps(restored)] == ["review_fgw", "review_czj"]


@pytest.mark.django_db
def test_the_hand_written_queue_check_agrees_with_queue_members(world: World) -> None:
    # given handlers of 科右前旗: one at the unit, one above it with sub-units, one above it without,
    # one whose assignment expired, one disabled, and one holding another role
    from datetime import timedelta

    from django.utils import timezone

    from egov.kernel.access.models import RoleAssignment
    from egov.kernel.access.tests.factories import grant
    from egov.kernel.accounts.tests.factories import StaffFactory
    from egov.kernel.workflow.services import in_queue, queue_members

    above_with = StaffFactory()
    grant(above_with, "handler", world.league, include_subunits=True)
    above_without = StaffFactory()
    grant(above_without, "handler", world.league)
    expired = StaffFactory()
    RoleAssignment.objects.filter(pk=grant(expired, "handler", world.qianqi).pk).update(
        valid_until=timezone.now() - timedelta(minutes=1)
    )
    disabled = StaffFactory(is_active=False)
    grant(disabled, "handler", world.qianqi)
    people = [world.handler, above_with, above_without, expired, disabled, world.leader, world.fgw_handler]

    # when each is checked against the 科右前旗 handler queue
    checked = {person.pk for person in people if in_queue(person, world.qianqi, "handler")}

    # then exactly the queue's members pass
    assert checked == {world.handler.pk, above_with.pk}
    assert checked == set(
        queue_members(world.qianqi, "handler").filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
