"""egov.kernel.compiled: reads compiled once must give what the QuerySet gives; inserts and updates what
bulk_create and save(update_fields) store."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egov.kernel.compiled import CompiledQuery, insert, insert_statement, update, update_statement
from egov.kernel.workflow.models import ACTIVE_ITEM_STATUSES, Case, ClockEvent, ClockKind, WorkItem
from egov.kernel.workflow.tests.conftest import World, start_case

CASE_WITH_UNIT = CompiledQuery(
    lambda pk: Case.objects.select_related("org_unit", "definition").defer("definition__bpmn_xml").filter(pk=pk), int
)


@pytest.mark.django_db
def test_a_compiled_read_gives_the_rows_and_related_objects_of_its_queryset(world: World) -> None:
    # given two cases of different units
    first = start_case(world, title="第一件")
    second = start_case(world, title="第二件", actor=world.tuquan_handler, org_unit=world.tuquan)

    # when each is read through the same compiled query (compiled on the first call)
    with CaptureQueriesContext(connection) as queries:
        (got_first,) = CASE_WITH_UNIT.fetch(first.pk)
        (got_second,) = CASE_WITH_UNIT.fetch(second.pk)
        unit_names = (got_first.org_unit.name, got_second.org_unit.name)  # from the join, no further query

    # then each is its own row, converted like the ORM's (JSON → dict, date → date), with its unit attached
    assert len(queries.captured_queries) == 2
    expected = Case.objects.select_related("org_unit").get(pk=first.pk)
    assert got_first.title == "第一件" and got_second.title == "第二件"
    assert got_first.state == expected.state and isinstance(got_first.state, dict)
    assert got_first.started_on == expected.started_on and isinstance(got_first.started_on, datetime.date)
    assert got_first.started_at == expected.started_at
    assert unit_names == (world.qianqi.name, world.tuquan.name)
    assert got_first.definition.checksum == world.definition.checksum
    assert CASE_WITH_UNIT.first(-1) is None


@pytest.mark.django_db
def test_a_compiled_read_with_two_arguments_and_a_constant_list(world: World) -> None:
    case = start_case(world)
    accept = case.work_items.get(step="accept")
    other = start_case(world).work_items.get()
    query = CompiledQuery(
        lambda pk, case_pk: WorkItem.objects.filter(Q(pk=pk) | Q(case_id=case_pk, status__in=ACTIVE_ITEM_STATUSES)),
        int,
        int,
    )

    assert {item.pk for item in query.fetch(accept.pk, case.pk)} == {accept.pk}
    assert {item.pk for item in query.fetch(other.pk, case.pk)} == {accept.pk, other.pk}


@pytest.mark.django_db(transaction=True)
def test_a_compiled_locking_read_refuses_to_run_outside_a_transaction(world: World) -> None:
    case = start_case(world)
    locking = CompiledQuery(lambda pk: Case.objects.select_for_update().filter(pk=pk), int)

    with transaction.atomic():
        assert [row.pk for row in locking.fetch(case.pk)] == [case.pk]
    with pytest.raises(TransactionManagementError):
        locking.fetch(case.pk)


def test_an_argument_that_does_not_reach_the_sql_is_refused() -> None:
    ignored = CompiledQuery(lambda pk: Case.objects.all(), int)

    with pytest.raises(ValueError, match="do not reach the SQL"):
        ignored.fetch(1)
    with pytest.raises(TypeError):
        CompiledQuery(lambda when: Case.objects.filter(started_on=when), datetime.date)


@pytest.mark.django_db
def test_insert_stores_what_bulk_create_would_and_returns_the_keys(world: World) -> None:
    case = start_case(world)
    before = timezone.now()
    events = [
        ClockEvent(
            case=case, kind=ClockKind.SUSPEND, reason="补正材料", on=datetime.date(2026, 10, 9), actor=world.handler
        ),
        ClockEvent(case=case, kind=ClockKind.RESUME, on=datetime.date(2026, 10, 12), actor=world.handler),
    ]

    insert(events)

    assert all(event.pk is not None and not event._state.adding for event in events)
    stored = ClockEvent.objects.filter(pk__in=[event.pk for event in events]).order_by("pk")
    assert [(e.kind, e.reason, e.on, e.actor_id) for e in stored] == [
        (ClockKind.SUSPEND, "补正材料", datetime.date(2026, 10, 9), world.handler.pk),
        (ClockKind.RESUME, "", datetime.date(2026, 10, 12), world.handler.pk),
    ]
    assert all(e.at >= before for e in stored)


@pytest.mark.django_db
def test_insert_runs_the_statement_along_with_it_in_one_round_trip_on_postgresql(world: World) -> None:
    case = start_case(world, title="原标题")
    event = ClockEvent(case=case, kind=ClockKind.SUSPEND, reason="公告", on=datetime.date(2026, 10, 9))
    along = (f"UPDATE {Case._meta.db_table} SET title = %s WHERE id = %s", ["改后的标题", case.pk])  # noqa: S608

    with CaptureQueriesContext(connection) as queries:
        insert([event], along=[along])

    assert ClockEvent.objects.get(pk=event.pk).reason == "公告"
    assert Case.objects.get(pk=case.pk).title == "改后的标题"
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)


@pytest.mark.django_db
def test_several_statements_go_along_and_run_even_with_nothing_to_insert(world: World) -> None:
    # given a case, a change to it and a change to its first item, as statements, and a clock event to store
    case = start_case(world, title="原标题")
    item = case.work_items.get()
    case.title = "改后的标题"
    item.opinion = "先看材料"
    event = ClockEvent(case=case, kind=ClockKind.SUSPEND, reason="公告", on=datetime.date(2026, 10, 9))
    statements = [update_statement(case, ["title"]), update_statement(item, ["opinion"]), insert_statement([event])]

    # when they go along with an insert of nothing
    with CaptureQueriesContext(connection) as queries:
        insert([], along=statements)

    # then all three were written, in one statement on PostgreSQL; the event got no primary key back
    assert Case.objects.get(pk=case.pk).title == "改后的标题"
    assert WorkItem.objects.get(pk=item.pk).opinion == "先看材料"
    assert ClockEvent.objects.filter(case=case, kind=ClockKind.SUSPEND, reason="公告").count() == 1
    assert event.pk is None
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3)


@pytest.mark.django_db
def test_update_writes_only_the_named_fields(world: World) -> None:
    case = start_case(world, title="原标题")
    stale = Case.objects.get(pk=case.pk)
    case.title = "新标题"
    case.current_steps = "改过的环节"
    case.data = {"结果": "准予许可"}
    earlier = Case.objects.get(pk=case.pk).updated_at

    assert update(case, ["current_steps", "data", "updated_at"]) == 1

    stored = Case.objects.get(pk=case.pk)
    assert stored.title == stale.title == "原标题"  # not named: untouched
    assert stored.current_steps == "改过的环节"
    assert stored.data == {"结果": "准予许可"}
    assert stored.updated_at > earlier  # auto_now, as save() sets it
    with pytest.raises(ValueError):
        update(case, ["id"])
