"""Every change to a case goes through one of these functions.

Each one checks permission through the access layer, runs in one transaction, locks the case row first and
then the work item (always in that order, so two transitions on one case queue up instead of deadlocking),
re-checks state after locking, writes one audit entry and sends notifications only after commit.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.kernel.access.policy import AccessDenied, has_perm, require
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.audit.services import audit_record
from egov.kernel.compiled import CompiledQuery, Statement, insert, insert_statement, update, update_statement
from egov.kernel.db import prepared_cursor
from egov.kernel.errors import Conflict, NotFound, Rejected
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.workflow import clock, engine
from egov.kernel.workflow.models import (
    ACTIVE_ITEM_STATUSES,
    Case,
    CaseNumberSequence,
    CaseStatus,
    ClockEvent,
    ClockKind,
    Light,
    ProcessDefinition,
    SupervisionLevel,
    SupervisionRecord,
    SuspensionReason,
    TimeUnit,
    WorkItem,
    WorkItemStatus,
)
from egov.kernel.workflow.policies import case_owner, owns, policy_for, process_owner

HANDLE = "workflow.handle"
SUPERVISE = "workflow.supervise"


# --- process definitions ------------------------------------------------------------------------------


@transaction.atomic
def definition_publish(
    *, bpmn_xml: str, dmn_xml: Sequence[str] = (), number_prefix: str = "XA", source_path: str = ""
) -> list[ProcessDefinition]:
    """Publish every process in a BPMN file; a new version only when the content changed.

    Called by ``manage.py workflow_publish`` and by the loaders of the apps that own processes.
    """
    parser = engine.parse_bpmn(bpmn_xml, list(dmn_xml))
    process_ids = list(parser.get_process_ids())
    if not process_ids:
        raise Rejected("bpmn_empty", _("流程定义文件中没有可执行的流程"))
    checksum = hashlib.sha256("\x00".join([bpmn_xml, *dmn_xml]).encode("utf-8")).hexdigest()
    published = []
    for key in process_ids:
        latest = ProcessDefinition.objects.select_for_update().filter(key=key).order_by("-version").first()
        if latest is not None and latest.checksum == checksum:
            published.append(latest)
            continue
        spec = parser.get_spec(key)
        definition = ProcessDefinition.objects.create(
            key=key,
            version=(latest.version + 1) if latest else 1,
            name=spec.description or key,
            bpmn_xml=bpmn_xml,
            dmn_xml=list(dmn_xml),
            checksum=checksum,
            number_prefix=number_prefix,
            source_path=source_path,
            is_published=True,
        )
        audit_record(
            actor=None,
            action="workflow.definition_publish",
            target=definition,
            detail={"key": key, "version": definition.version, "checksum": checksum},
        )
        published.append(definition)
    return published


def definition_publish_file(path: Path | str, *, number_prefix: str = "XA") -> list[ProcessDefinition]:
    """Publish a ``.bpmn`` file and the ``.dmn`` files beside it that share its stem prefix."""
    path = Path(path)
    dmn = [p.read_text(encoding="utf-8") for p in sorted(path.parent.glob(f"{path.stem}*.dmn"))]
    return definition_publish(
        bpmn_xml=path.read_text(encoding="utf-8"), dmn_xml=dmn, number_prefix=number_prefix, source_path=str(path)
    )


#: The BPMN / DMN text is only needed to parse a definition the engine has not cached yet (a deferred field
#: loads on first access), so moving a case does not ship it from the database every time.
_DEFINITION_TEXT = ("bpmn_xml", "dmn_xml")


#: Compiled once (``egov.kernel.compiled``): the newest published version of a process, without the texts.
_LATEST_DEFINITION = CompiledQuery(
    lambda key: (
        ProcessDefinition.objects.filter(key=key, is_published=True).defer(*_DEFINITION_TEXT).order_by("-version")[:1]
    ),
    str,
)


def _latest_definition(process_key: str) -> ProcessDefinition:
    definition = _LATEST_DEFINITION.first(process_key)
    if definition is None:
        raise NotFound("process_not_found", _("流程“%(key)s”尚未发布") % {"key": process_key})
    return definition


# --- queues -------------------------------------------------------------------------------------------


def queue_members(org_unit: OrgUnit, role_code: str) -> QuerySet[User]:
    """The people a queue (org unit + role) resolves to: the role held at the unit, or above it with
    sub-units included, and not expired."""
    from egov.kernel.access.models import RoleAssignment

    ancestor_ids = [int(part) for part in org_unit.path.strip("/").split("/") if part]
    assignments = (
        RoleAssignment.objects.filter(role__code=role_code)
        .filter(Q(org_unit_id=org_unit.pk) | Q(org_unit_id__in=ancestor_ids, include_subunits=True))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now()))
    )
    return User.objects.filter(pk__in=assignments.values("user_id"), is_active=True)


def _in_queue_sql(ancestors: int) -> str:
    from egov.kernel.access.models import Role, RoleAssignment

    in_ancestors = (
        f" OR (a.include_subunits AND a.org_unit_id IN ({', '.join(['%s'] * ancestors)}))" if ancestors else ""
    )
    return (
        f"SELECT 1 FROM {RoleAssignment._meta.db_table} a "  # noqa: S608 - model table names only
        f"JOIN {Role._meta.db_table} r ON r.id = a.role_id JOIN {User._meta.db_table} u ON u.id = a.user_id "
        "WHERE a.user_id = %s AND u.is_active AND r.code = %s AND (a.valid_until IS NULL OR a.valid_until > %s) "
        f"AND (a.org_unit_id = %s{in_ancestors}) LIMIT 1"
    )


def in_queue(user: User, org_unit: OrgUnit, role_code: str) -> bool:
    """``queue_members(org_unit, role_code)`` contains ``user``: the same rule in one hand-written statement
    (it runs inside every step completion)."""
    ancestor_ids = [int(part) for part in org_unit.path.strip("/").split("/") if part]
    with prepared_cursor() as cursor:
        cursor.execute(
            _in_queue_sql(len(ancestor_ids)),
            [user.pk, role_code, connection.ops.adapt_datetimefield_value(timezone.now()), org_unit.pk, *ancestor_ids],
        )
        return cursor.fetchone() is not None


@dataclass(frozen=True)
class _Target:
    org_unit: OrgUnit
    role: str
    assignee: User | None


def _queue_units(queues: Iterable[str]) -> dict[str, OrgUnit]:
    """The units named by ``unit:<org code>:<role>`` queues, read in one query (会签 steps name several)."""
    codes = {parts[1] for parts in (queue.split(":") for queue in queues) if parts[0] == "unit" and len(parts) == 3}
    if not codes:
        return {}
    query = _UNITS_BY_CODES.get(len(codes))
    if query is None:  # one compiled query per number of codes (a process names a few units at most)
        query = CompiledQuery(lambda *given: OrgUnit.objects.filter(code__in=given), *(str,) * len(codes))
        _UNITS_BY_CODES[len(codes)] = query
    return {unit.code: unit for unit in query.fetch(*sorted(codes))}


_UNITS_BY_CODES: dict[int, CompiledQuery[OrgUnit]] = {}


def _resolve_queue(case: Case, queue: str, units: dict[str, OrgUnit] | None = None) -> _Target:
    """Read a step's ``queue`` property: owner:<role> | unit:<org code>:<role> | starter.

    ``units`` are the named units already read by ``_queue_units``."""
    parts = (queue or "owner:handler").split(":")
    if parts[0] == "owner" and len(parts) == 2:
        return _Target(case.org_unit, parts[1], None)
    if parts[0] == "unit" and len(parts) == 3:
        unit = units.get(parts[1]) if units is not None else OrgUnit.objects.filter(code=parts[1]).first()
        if unit is None:
            raise Rejected(
                "queue_unit_missing", _("流程配置的办理机构“%(code)s”不存在，请联系管理员") % {"code": parts[1]}
            )
        return _Target(unit, parts[2], None)
    if parts[0] == "starter" and len(parts) == 1 and case.started_by is not None:
        return _Target(case.org_unit, "", case.started_by)
    raise Rejected("queue_invalid", _("流程环节的办理队列配置不正确：%(queue)s") % {"queue": queue})


# --- notifications (always after commit) --------------------------------------------------------------


def supervisors_of(org_unit: OrgUnit) -> list[User]:
    roles: Iterable[str] = getattr(settings, "WORKFLOW_SUPERVISOR_ROLES", ("office_head",))
    users: dict[int, User] = {}
    for role in roles:
        users.update({user.pk: user for user in queue_members(org_unit, role)})
    return list(users.values())


def item_recipients(item: WorkItem) -> list[User]:
    if item.assignee_id is not None:
        return [item.assignee] if item.assignee is not None else []
    if item.queue_org_unit is not None:
        return list(queue_members(item.queue_org_unit, item.queue_role))
    return []


def chinese_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "（无时限）"


def _item_context(item: WorkItem) -> dict[str, Any]:
    """Variables of the workflow.* message templates (seeded by the notify app)."""
    return {
        "case_number": item.case.number,
        "case_title": item.case.title,
        "task_name": item.title,
        "deadline": chinese_date(item.due_on),
        "org_unit": item.org_unit.display_name,
    }


def _send(recipients: Sequence[User], event: str, context: dict[str, Any], related: Any) -> None:
    from egov.kernel.notify.services import notify

    if recipients:
        notify(recipients=recipients, event=event, context=context, related=related)


def _notify_on_commit(recipients: Sequence[User], event: str, context: dict[str, Any], related: Any) -> None:
    transaction.on_commit(partial(_send, list(recipients), event, context, related))


def _assigned_notice(item: WorkItem) -> dict[str, Any]:
    """Whom an item went to, captured when the transition happened (the item may change before the worker
    runs): its assignee, or else its queue, resolved only by the worker."""
    queue = [item.queue_org_unit_id, item.queue_role] if item.assignee_id is None and item.queue_org_unit_id else None
    return {
        "event": "workflow.item_assigned",
        "users": [item.assignee_id] if item.assignee_id is not None else [],
        "queue": queue,
        "context": _item_context(item),
        "related": ["workflow.workitem", item.pk],
    }


def _notify_transition(notices: list[dict[str, Any]]) -> None:
    """Queue ONE task for the messages of a transition (ids and captured wording only): rendering templates,
    resolving queues and storing messages is the task worker's job, not the request's.

    With the database task backend the task row is written in the transition's own transaction (an outbox: it
    commits or rolls back with the transition, so a crash right after the commit loses no message, and no extra
    commit is paid per transition). Any other backend would run or send the task at once, so it is queued after
    the commit (the immediate backend of the tests runs it then)."""
    if not notices:
        return
    if _tasks_in_this_database():
        _enqueue_notices(notices)
    else:
        transaction.on_commit(partial(_enqueue_notices, notices))


def _notify_along(notices: list[dict[str, Any]]) -> list[Statement]:
    """``_notify_transition`` for a transition that sends the task row with its audit entry's first statement
    (``audit_record(along=...)``, one round trip on PostgreSQL): returns that INSERT with the platform's database
    backend; with any other backend the task is queued as ``_notify_transition`` does and nothing is returned."""
    from egov.kernel.tasks import DatabaseBackend
    from egov.kernel.workflow.tasks import notify_transition

    backend = notify_transition.get_backend()
    if not notices or not isinstance(backend, DatabaseBackend):
        _notify_transition(notices)
        return []
    _result, statement = backend.enqueue_statement(notify_transition, (notices,), {})
    return [statement]


def _tasks_in_this_database() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    from egov.kernel.workflow.tasks import notify_transition

    # The platform has one database (no routers): the backend's table is in the transition's database.
    return isinstance(notify_transition.get_backend(), DatabaseBackend)


def _enqueue_notices(notices: list[dict[str, Any]]) -> None:
    from egov.kernel.workflow.tasks import notify_transition

    notify_transition.enqueue(notices)


def _notify_assigned(items: Iterable[WorkItem]) -> None:
    _notify_transition([_assigned_notice(item) for item in items])


def transition_notify(*, notices: Sequence[dict[str, Any]]) -> int:
    """Store the messages of one transition (the body of the ``notify_transition`` task): people in one
    query, each distinct queue resolved once, one ``notify_many`` per event in one transaction. Returns how
    many messages were stored."""
    from egov.kernel.notify.services import Notice, notify_many

    people = User.objects.in_bulk({pk for notice in notices for pk in notice["users"]})
    units = OrgUnit.objects.in_bulk({notice["queue"][0] for notice in notices if notice.get("queue")})
    members: dict[tuple[int, str], list[User]] = {}
    by_event: dict[str, list[Notice]] = {}
    for notice in notices:
        recipients = [people[pk] for pk in notice["users"] if pk in people]
        if notice.get("queue") and notice["queue"][0] in units:
            key = (notice["queue"][0], notice["queue"][1])
            if key not in members:
                members[key] = list(queue_members(units[key[0]], key[1]))
            recipients += members[key]
        related_type, related_id = notice["related"]
        by_event.setdefault(notice["event"], []).append(
            Notice(recipients, notice["context"], (related_type, related_id))
        )
    stored = 0
    with transaction.atomic():
        for event, event_notices in by_event.items():
            stored += len(notify_many(event=event, notices=event_notices))
    return stored


# --- helpers ------------------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _is_citizen(user: User) -> bool:
    return getattr(user, "kind", "") in (UserKind.PERSON, UserKind.LEGAL)


_SEQUENCE_TABLE = CaseNumberSequence._meta.db_table
_TAKE_NUMBER_SQL = (
    f"UPDATE {_SEQUENCE_TABLE} SET last_value = last_value + 1 "  # noqa: S608 - the model's table name
    "WHERE prefix = %s AND year = %s RETURNING last_value"
)
_SET_NUMBER_SQL = f"UPDATE {Case._meta.db_table} SET number = %s WHERE id = %s"  # noqa: S608 - model table


def _next_number(prefix: str, year: int) -> str:
    """Gapless and unique: one statement increments and returns the counter, and its row lock is held until
    the case commits or rolls back with it, so callers take the number as the last thing before the audit."""
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_NUMBER_SQL, [prefix, year])
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    CaseNumberSequence.objects.create(prefix=prefix, year=year)
            except IntegrityError:
                pass  # created concurrently by another transaction (the first of a year): it exists now
            cursor.execute(_TAKE_NUMBER_SQL, [prefix, year])
            row = cursor.fetchone()
    return f"{prefix}-{year}-{row[0]:06d}"


# PostgreSQL: take the number and give it to the case in one statement (one round trip fewer per case). The
# text is the one ``_next_number`` formats: at least six digits, more once a year passes 999,999 cases.
_TAKE_AND_SET_NUMBER_PG = (
    f"WITH taken AS ({_TAKE_NUMBER_SQL}) "  # noqa: S608 - model table names
    f"UPDATE {Case._meta.db_table} SET number = %s || CASE WHEN taken.last_value < 1000000"
    " THEN lpad(taken.last_value::text, 6, '0') ELSE taken.last_value::text END"
    " FROM taken WHERE id = %s RETURNING number"
)


def _number_case(case: Case, prefix: str, year: int) -> None:
    """Give a case inserted with a provisional number its real one (see ``case_start``)."""
    if connection.vendor == "postgresql":
        with prepared_cursor() as cursor:
            cursor.execute(_TAKE_AND_SET_NUMBER_PG, [prefix, year, f"{prefix}-{year}-", case.pk])
            row = cursor.fetchone()
        if row is not None:
            case.number = row[0]
            return
        # No counter for this prefix and year yet (the year's first case): created below.
    case.number = _next_number(prefix, year)
    with connection.cursor() as cursor:
        cursor.execute(_SET_NUMBER_SQL, [case.number, case.pk])


#: The hot reads of every transition, compiled once (``egov.kernel.compiled``): the case with its unit and
#: definition (without the BPMN text), and a work item with the case's other open items, all row-locked.
_LOCK_CASE = CompiledQuery(
    lambda pk: (
        Case.objects.select_for_update(of=("self",))
        .select_related("org_unit", "definition")
        .defer(*(f"definition__{name}" for name in _DEFINITION_TEXT))
        .filter(pk=pk)
    ),
    int,
)
# The people (assignee, completed_by) are read lazily: only the error messages of a refusal name them.
_LOCK_ITEM_WITH_SIBLINGS = CompiledQuery(
    lambda pk, case_pk: (
        WorkItem.objects.select_for_update(of=("self",))
        .filter(Q(pk=pk) | Q(case_id=case_pk, status__in=ACTIVE_ITEM_STATUSES))
        .select_related("org_unit", "queue_org_unit")
    ),
    int,
    int,
)


def _lock_case(case: Case) -> Case:
    return _lock_case_pk(case.pk)


def _lock_case_pk(pk: int) -> Case:
    locked = _LOCK_CASE.first(pk)
    if locked is None:
        raise NotFound("case_not_found", _("办件不存在"))
    return locked


def _lock_item(item: WorkItem) -> tuple[Case, WorkItem]:
    case = _lock_case_pk(item.case_id)
    locked = (
        WorkItem.objects.select_for_update(of=("self",))
        .select_related("org_unit", "queue_org_unit", "assignee", "completed_by")
        .get(pk=item.pk)
    )
    locked.case = case
    return case, locked


def _lock_item_with_siblings(item: WorkItem) -> tuple[Case, WorkItem, list[WorkItem]]:
    """``_lock_item`` plus the case's other open items in the same statement (completing a step needs both)."""
    case = _lock_case_pk(item.case_id)
    rows = _LOCK_ITEM_WITH_SIBLINGS.fetch(item.pk, case.pk)
    locked = next((row for row in rows if row.pk == item.pk), None)
    if locked is None:
        raise WorkItem.DoesNotExist("WorkItem matching query does not exist.")
    for row in rows:
        row.case = case
    return case, locked, [row for row in rows if row.pk != item.pk]


def _active_items(case: Case) -> list[WorkItem]:
    return list(
        WorkItem.objects.select_for_update(of=("self",))
        .filter(case=case, status__in=ACTIVE_ITEM_STATUSES)
        .select_related("org_unit", "queue_org_unit", "assignee")
    )


def _user_name(user: User | None) -> str:
    return user.display_name if user is not None else "他人"


def _ensure_open(item: WorkItem, *, expected_version: int | None = None) -> None:
    """The loser of a race sees who won; a stale page sees that the item changed."""
    if item.status == WorkItemStatus.COMPLETED:
        raise Conflict(
            "work_item_taken", _("该待办已由%(name)s办理，无需重复处理") % {"name": _user_name(item.completed_by)}
        )
    if item.status not in ACTIVE_ITEM_STATUSES:
        raise Conflict("work_item_closed", _("该待办已%(status)s，无需处理") % {"status": item.get_status_display()})
    if expected_version is not None and item.version != expected_version:
        raise Conflict("work_item_changed", _("该待办已发生变化，请刷新后重试"))


def _ensure_case_running(case: Case) -> None:
    if case.status == CaseStatus.SUSPENDED:
        raise Rejected("case_suspended", _("该办件正在暂停计时，请先恢复计时再办理"))
    if case.status != CaseStatus.OPEN:
        raise Conflict("case_state", _("该办件%(status)s，不能再办理") % {"status": case.get_status_display()})


def _require_handler(actor: User, item: WorkItem) -> None:
    """The actor holds workflow.handle (or the process's own permission, see ``policies``) at the step's unit
    and is its assignee or in its queue."""
    perm = policy_for(item.process_key).handle
    require(actor, perm, item.org_unit, target=item.case)
    if item.assignee_id is not None:
        if item.assignee_id != actor.pk:
            raise Rejected("not_assignee", _("该待办由%(name)s办理，您不能处理") % {"name": _user_name(item.assignee)})
        return
    if item.queue_org_unit is None or not in_queue(actor, item.queue_org_unit, item.queue_role):
        raise AccessDenied(user=actor, perm=perm, org_unit=item.org_unit, target=item.case)


def _ensure_owner(case: Case, action: str, owner: str, *, reason: str = "") -> None:
    """A case owned by a domain app (``policies.CaseOwner``) changes state only through that app's services."""
    registered = case_owner(case.subject_type)
    if registered is not None and owns(registered, action, reason) and owner != registered.subject_type:
        raise Rejected("case_owned", _("该办件的这项办理须在%(place)s进行") % {"place": registered.place})


def last_suspension_reason(case: Case) -> str:
    """Why the clock of a suspended case stopped (the latest 暂停计时)."""
    latest = ClockEvent.objects.filter(case=case, kind=ClockKind.SUSPEND).order_by("-at", "-pk").first()
    return latest.reason_code if latest is not None else ""


def _new_item(
    case: Case,
    step: engine.StepSpec,
    target: _Target,
    *,
    today: date,
    previous: WorkItem | None,
    sent_by: User | None,
    suspensions: Sequence[Any] = (),
) -> WorkItem:
    item = WorkItem(
        case=case,
        process_key=case.process_key,
        task_id=step.task_id,
        step=step.step,
        title=step.title,
        org_unit=target.org_unit,
        assignee=target.assignee,
        queue_org_unit=None if target.assignee is not None else target.org_unit,
        queue_role="" if target.assignee is not None else target.role,
        previous=previous,
        sent_by=sent_by,
        limit=step.limit,
        limit_unit=step.limit_unit,
        started_on=today,
    )
    clock.refresh_item(item, suspensions, today)
    return item


def _sync_items(
    case: Case,
    workflow: Any,
    *,
    actor: User | None,
    previous: WorkItem | None,
    assign_to: dict[str, User] | None = None,
    today: date,
    ready_steps: list[engine.StepSpec] | None = None,
    active: list[WorkItem] | None = None,
) -> list[WorkItem]:
    """Make the open work items mirror the workflow's ready user tasks: cancels the stale items, sets
    ``case.current_steps`` and returns the items to create, not yet stored (the caller inserts them, with its
    other pending writes ``along``: one round trip on PostgreSQL).

    ``assign_to`` maps a step to the person it goes back to (退回 / 撤回 return to whoever did it).
    A new case passes ``active=[]`` (it has no items to lock) and the ``ready_steps`` it already computed."""
    ready = {step.task_id: step for step in (engine.ready_steps(workflow) if ready_steps is None else ready_steps)}
    active = _active_items(case) if active is None else active
    stale = [item.pk for item in active if item.task_id not in ready]
    if stale:
        WorkItem.objects.filter(pk__in=stale).update(status=WorkItemStatus.CANCELLED, version=F("version") + 1)
    existing = {item.task_id for item in active}
    units = _queue_units(step.queue for task_id, step in ready.items() if task_id not in existing)
    created = []
    for task_id, step in ready.items():
        if task_id in existing:
            continue
        person = (assign_to or {}).get(step.step)
        queue = _resolve_queue(case, step.queue, units)
        target = _Target(queue.org_unit, "", person) if person is not None else queue
        created.append(_new_item(case, step, target, today=today, previous=previous, sent_by=actor))
    titles = [item.title for item in active if item.task_id in ready] + [item.title for item in created]
    case.current_steps = "、".join(titles)[:300]
    return created


#: Called with the ids of cases whose status, light or watched due date changed, inside the changing
#: transaction. Domain apps that keep a copy of those fields for their own lists (the agent dashboard) register
#: here from ``AppConfig.ready()``; each must be set-based (one UPDATE per batch of ids, whatever their number).
CASE_WATCHERS: list[Callable[[Sequence[int]], object]] = []


def register_case_watcher(watcher: Callable[[Sequence[int]], object]) -> None:
    if watcher not in CASE_WATCHERS:
        CASE_WATCHERS.append(watcher)


def _cases_changed(case_ids: Sequence[int]) -> None:
    if case_ids:
        for watcher in CASE_WATCHERS:
            watcher(case_ids)


_WORKFLOW_FIELDS = ["state", "data", "lock_version", "status", "completed_at", "current_steps", "updated_at"]


def _save_workflow(case: Case, workflow: Any, *, actor: User | None, pending: list[Statement] | None = None) -> bool:
    """Store the state; returns True when the process reached its end.

    ``pending``: while the case goes on, its UPDATE is added to these writes (sent later in one round trip, see
    ``work_item_complete``) instead of being run now; at the end it runs at once, before the case watchers."""
    case.state = engine.dump(workflow)
    case.data = engine.business_data(workflow)
    case.lock_version += 1
    finished = engine.is_completed(workflow)
    if not finished and pending is not None:
        pending.append(update_statement(case, _WORKFLOW_FIELDS))
        return False
    if finished:
        case.status = CaseStatus.COMPLETED
        case.completed_at = timezone.now()
        case.current_steps = ""
        ClockEvent.objects.create(case=case, kind=ClockKind.STOP, on=_today(), actor=actor, reason="办结")
    update(case, _WORKFLOW_FIELDS)
    if finished:
        _cases_changed([case.pk])
    return finished


def _completed_notice(case: Case) -> dict[str, Any]:
    recipients = {pk for pk in (case.applicant_id, case.started_by_id) if pk is not None}
    return {
        "event": "workflow.case_completed",
        "users": sorted(recipients),
        "queue": None,
        "context": {
            "case_number": case.number,
            "case_title": case.title,
            "result": str(case.data.get("result", "已办结")),
        },
        "related": ["workflow.case", case.pk],
    }


# --- starting a case ----------------------------------------------------------------------------------


@transaction.atomic
def case_start(
    *,
    actor: User,
    process_key: str,
    org_unit: OrgUnit,
    title: str,
    applicant: User | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
    subject_repr: str = "",
    data: dict[str, Any] | None = None,
    statutory_limit: int | None = None,
    statutory_unit: str = TimeUnit.WORKING_DAYS,
    promised_limit: int | None = None,
    promised_unit: str = TimeUnit.WORKING_DAYS,
    started_on: date | None = None,
) -> Case:
    """Start a process instance on the newest published version of ``process_key``.

    Staff need workflow.handle at ``org_unit``; a citizen may only start a case as its own applicant (the
    calling domain service decides which processes citizens may start); so may staff holding the start
    permission of a process registered in ``policies`` (its service checked it at the right unit).
    """
    policy = policy_for(process_key)
    if _is_citizen(actor):
        if applicant is None or applicant.pk != actor.pk:
            raise AccessDenied(user=actor, perm=HANDLE, org_unit=org_unit)
    elif policy.start and applicant is not None and applicant.pk == actor.pk:
        require(actor, policy.start)
    else:
        require(actor, policy.handle, org_unit)
    owning = process_owner(process_key)
    if owning is not None and subject_type != owning.subject_type:
        raise Rejected("process_owned", _("该流程的办件须在%(place)s发起") % {"place": owning.place}, field="process")
    title = (title or "").strip()
    if not title:
        raise Rejected("title_required", _("请填写办件标题"), field="title")
    for limit, unit, name in (
        (statutory_limit, statutory_unit, "statutory_limit"),
        (promised_limit, promised_unit, "promised_limit"),
    ):
        if limit is not None and (limit <= 0 or unit not in TimeUnit.values):
            raise Rejected("limit_invalid", _("办理时限须为正整数天（工作日或自然日）"), field=name)
    definition = _latest_definition(process_key)
    today = _today()
    started_on = started_on or today
    case = Case(
        definition=definition,
        process_key=definition.key,
        org_unit=org_unit,
        title=title[:300],
        applicant=applicant,
        started_by=None if _is_citizen(actor) else actor,
        subject_type=subject_type,
        subject_id=str(subject_id),
        subject_repr=subject_repr[:200],
        data=dict(data or {}),
        statutory_limit=statutory_limit,
        statutory_unit=statutory_unit if statutory_limit else "",
        promised_limit=promised_limit,
        promised_unit=promised_unit if promised_limit else "",
        started_on=started_on,
    )
    clock.refresh_case(case, [], today)
    workflow = engine.new_workflow(definition, case.data)
    steps = engine.ready_steps(workflow)
    case.current_steps = "、".join(step.title for step in steps)[:300]
    case.state = engine.dump(workflow)
    # A provisional unique number: the real one is taken just before the audit entry, so the sequence row is
    # locked only for the last statements and the commit (still gapless: it rolls back with the case).
    case.number = f"~{uuid.uuid4().hex[:31]}"  # max_length 32
    insert([case])
    # The start of the clock goes to the database with the first items (one round trip on PostgreSQL).
    clock_start = ClockEvent(case=case, kind=ClockKind.START, on=started_on, actor=actor, due_on_after=case.due_on)
    created = _sync_items(case, workflow, actor=None, previous=None, today=today, ready_steps=steps, active=[])
    insert(created, along=[insert_statement([clock_start])])
    finished = engine.is_completed(workflow)
    if finished:
        _save_workflow(case, workflow, actor=actor)
    _number_case(case, definition.number_prefix, today.year)
    # Queued after the real number (the messages name it); with the database backend the task row goes to the
    # database in the audit entry's first statement (one round trip fewer).
    audit_record(
        actor=actor,
        action="workflow.case_start",
        target=case,
        target_repr=case.number,
        org_unit=org_unit,
        detail={"process": definition.key, "version": definition.version},
        along=_notify_along(
            [_assigned_notice(item) for item in created] + ([_completed_notice(case)] if finished else [])
        ),
    )
    return case


# --- work items ---------------------------------------------------------------------------------------


@transaction.atomic
def work_item_open(*, actor: User, item: WorkItem) -> WorkItem:
    """Mark the first time the assignee (or a queue member) opens the item; after that it cannot be withdrawn."""
    require(actor, HANDLE, item.org_unit, target=item.case)
    updated = (
        WorkItem.objects.filter(pk=item.pk, opened_at__isnull=True, status__in=ACTIVE_ITEM_STATUSES)
        .filter(Q(assignee=actor) | Q(assignee__isnull=True))
        .update(opened_at=timezone.now())
    )
    if updated:
        audit_record(
            actor=actor,
            action="workflow.work_item_open",
            target=item.case,
            org_unit=item.org_unit,
            detail={"item": item.pk},
        )
    item.refresh_from_db()
    return item


@transaction.atomic
def work_item_claim(*, actor: User, item: WorkItem, expected_version: int | None = None) -> WorkItem:
    """认领: take an item out of its queue so that only the claimant sees and handles it."""
    case, item = _lock_item(item)
    require(actor, HANDLE, item.org_unit, target=case)
    _ensure_open(item, expected_version=expected_version)
    if item.assignee_id is not None:
        if item.assignee_id == actor.pk:
            raise Conflict("already_claimed", _("您已认领该待办"))
        raise Conflict("work_item_claimed", _("该待办已由%(name)s认领") % {"name": _user_name(item.assignee)})
    _require_handler(actor, item)
    item.assignee = actor
    item.status = WorkItemStatus.CLAIMED
    item.opened_at = item.opened_at or timezone.now()
    item.version += 1
    item.save(update_fields=["assignee", "status", "opened_at", "version"])
    audit_record(
        actor=actor,
        action="workflow.work_item_claim",
        target=case,
        org_unit=item.org_unit,
        detail={"item": item.pk, "step": item.step},
    )
    return item


@transaction.atomic
def work_item_unclaim(*, actor: User, item: WorkItem) -> WorkItem:
    """Put a claimed item back into its queue."""
    case, item = _lock_item(item)
    require(actor, HANDLE, item.org_unit, target=case)
    _ensure_open(item)
    if item.status != WorkItemStatus.CLAIMED or item.queue_org_unit_id is None:
        raise Rejected("not_claimed", _("该待办不是从队列认领的，不能退回队列"))
    if item.assignee_id != actor.pk:
        raise Rejected("not_assignee", _("该待办由%(name)s认领，您不能取消认领") % {"name": _user_name(item.assignee)})
    item.assignee = None
    item.status = WorkItemStatus.OPEN
    item.version += 1
    item.save(update_fields=["assignee", "status", "version"])
    audit_record(
        actor=actor,
        action="workflow.work_item_unclaim",
        target=case,
        org_unit=item.org_unit,
        detail={"item": item.pk, "step": item.step},
    )
    return item


@transaction.atomic
def work_item_complete(
    *,
    actor: User,
    item: WorkItem,
    outcome: str,
    opinion: str = "",
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    owner: str = "",
) -> WorkItem:
    """Finish a step with an outcome (gateways route on ``outcome``) and an opinion (意见)."""
    case, item, siblings = _lock_item_with_siblings(item)
    _ensure_open(item, expected_version=expected_version)
    _require_handler(actor, item)
    _ensure_owner(case, "complete", owner)
    _ensure_case_running(case)
    outcome = (outcome or "").strip()
    if not outcome:
        raise Rejected("outcome_required", _("请选择办理结果"), field="outcome")
    opinion = (opinion or "").strip()
    workflow = engine.load(case.definition, case.state)
    engine.complete(workflow, item.task_id, {**(data or {}), "outcome": outcome, "opinion": opinion})
    now = timezone.now()
    item.status = WorkItemStatus.COMPLETED
    item.outcome = outcome[:40]
    item.opinion = opinion
    if item.assignee_id is None:
        item.assignee = actor
    item.completed_by = actor
    item.completed_at = now
    item.opened_at = item.opened_at or now
    item.version += 1
    changed = ["status", "outcome", "opinion", "assignee", "completed_by", "completed_at", "opened_at", "version"]
    # The item's and the case's UPDATEs go with the INSERT of the next items: one round trip on PostgreSQL.
    pending = [update_statement(item, changed)]
    created = _sync_items(case, workflow, actor=actor, previous=item, today=_today(), active=siblings)
    finished = _save_workflow(case, workflow, actor=actor, pending=pending)
    insert(created, along=pending)
    audit_record(
        actor=actor,
        action="workflow.work_item_complete",
        target=case,
        org_unit=item.org_unit,
        detail={"item": item.pk, "step": item.step, "outcome": item.outcome},
        along=_notify_along(
            [_assigned_notice(item) for item in created] + ([_completed_notice(case)] if finished else [])
        ),
    )
    return item


@transaction.atomic
def work_item_return(*, actor: User, item: WorkItem, to_step: str, opinion: str, owner: str = "") -> WorkItem:
    """退回: send the case back to an earlier step, to the person who did it; parallel branches that were
    still open are cancelled and run again."""
    case, item = _lock_item(item)
    _ensure_open(item)
    _require_handler(actor, item)
    _ensure_owner(case, "return", owner)
    _ensure_case_running(case)
    opinion = (opinion or "").strip()
    if not opinion:
        raise Rejected("opinion_required", _("退回时请填写退回理由"), field="opinion")
    target = (
        WorkItem.objects.filter(case=case, step=to_step, status=WorkItemStatus.COMPLETED)
        .select_related("completed_by")
        .order_by("-completed_at", "-pk")
        .first()
    )
    if target is None:
        raise Rejected("return_target", _("只能退回到已办理过的环节"), field="to_step")
    workflow = engine.load(case.definition, case.state)
    engine.reset_to(workflow, target.task_id)
    item.status = WorkItemStatus.RETURNED
    item.opinion = opinion
    item.completed_by = actor
    item.completed_at = timezone.now()
    item.version += 1
    item.save()
    assign = {to_step: target.completed_by} if target.completed_by is not None else {}
    created = _sync_items(case, workflow, actor=actor, previous=item, assign_to=assign, today=_today())
    insert(created)
    _save_workflow(case, workflow, actor=actor)
    _notify_assigned(created)
    audit_record(
        actor=actor,
        action="workflow.work_item_return",
        target=case,
        org_unit=item.org_unit,
        detail={"item": item.pk, "from": item.step, "to": to_step},
    )
    return item


@transaction.atomic
def work_item_transfer(
    *,
    actor: User,
    item: WorkItem,
    to_user: User | None = None,
    to_org_unit: OrgUnit | None = None,
    to_role: str = "",
    opinion: str = "",
) -> WorkItem:
    """转办: hand the step to another person or queue; the new item can be withdrawn until it is opened."""
    case, item = _lock_item(item)
    _ensure_open(item)
    _require_handler(actor, item)
    _ensure_case_running(case)
    if (to_user is None) == (to_org_unit is None or not to_role):
        raise Rejected("transfer_target", _("请选择转办的人员，或转办的机构和角色"))
    if to_user is not None:
        if to_user.pk == actor.pk:
            raise Rejected("transfer_self", _("不能转办给自己"), field="to_user")
        if not has_perm(to_user, HANDLE, item.org_unit):
            raise Rejected(
                "transfer_target",
                _("%(name)s在%(unit)s没有办理权限")
                % {"name": to_user.display_name, "unit": item.org_unit.display_name},
                field="to_user",
            )
        target = _Target(item.org_unit, "", to_user)
    else:
        assert to_org_unit is not None
        if not queue_members(to_org_unit, to_role).exists():
            raise Rejected(
                "transfer_target",
                _("%(unit)s没有可办理该事项的人员") % {"unit": to_org_unit.display_name},
                field="to_role",
            )
        target = _Target(to_org_unit, to_role, None)
    item.status = WorkItemStatus.TRANSFERRED
    item.opinion = (opinion or "").strip()
    item.completed_by = actor
    item.completed_at = timezone.now()
    item.version += 1
    item.save()
    step = engine.StepSpec(item.task_id, item.step, item.title, "", item.limit, item.limit_unit)
    new = _new_item(case, step, target, today=_today(), previous=item, sent_by=actor)
    new.started_on, new.due_on, new.warn_on, new.light = item.started_on, item.due_on, item.warn_on, item.light
    new.save()
    _notify_assigned([new])
    audit_record(
        actor=actor,
        action="workflow.work_item_transfer",
        target=case,
        org_unit=item.org_unit,
        detail={
            "item": item.pk,
            "new_item": new.pk,
            "to_user": getattr(to_user, "pk", None),
            "to_unit": getattr(to_org_unit, "pk", None),
            "to_role": to_role,
        },
    )
    return new


@transaction.atomic
def work_item_delegate(*, actor: User, item: WorkItem, to_user: User) -> WorkItem:
    """委托: let a colleague act on one's own item; the item keeps who delegated it."""
    case, item = _lock_item(item)
    _ensure_open(item)
    if item.assignee_id != actor.pk:
        raise Rejected("not_assignee", _("只能委托本人的待办，请先认领"))
    require(actor, HANDLE, item.org_unit, target=case)
    if to_user.pk == actor.pk:
        raise Rejected("delegate_self", _("不能委托给自己"), field="to_user")
    if not has_perm(to_user, HANDLE, item.org_unit):
        raise Rejected(
            "delegate_target",
            _("%(name)s在%(unit)s没有办理权限") % {"name": to_user.display_name, "unit": item.org_unit.display_name},
            field="to_user",
        )
    item.assignee = to_user
    item.delegated_by = actor
    item.sent_by = actor
    item.opened_at = None
    item.status = WorkItemStatus.CLAIMED
    item.version += 1
    item.save()
    _notify_assigned([item])
    audit_record(
        actor=actor,
        action="workflow.work_item_delegate",
        target=case,
        org_unit=item.org_unit,
        detail={"item": item.pk, "to_user": to_user.pk},
    )
    return item


@transaction.atomic
def work_item_withdraw(*, actor: User, item: WorkItem, owner: str = "") -> list[WorkItem]:
    """撤回: the sender takes an item back before anyone opened it. A delegated item returns to the
    delegator; a transferred item returns to whoever transferred it; an item produced by completing a step
    reopens that step for its sender, withdrawing every item that completion produced (none may be opened
    or handled yet)."""
    case, item = _lock_item(item)
    _ensure_open(item)
    if item.sent_by_id != actor.pk:
        raise Rejected("not_sender", _("只有发送人可以撤回该待办"))
    _ensure_owner(case, "withdraw", owner)
    _ensure_case_running(case)
    source = item.previous
    produced = [item]
    if item.delegated_by_id is None and source is not None and source.status == WorkItemStatus.COMPLETED:
        produced = list(
            WorkItem.objects.select_for_update(of=("self",))
            .filter(previous=source)
            .exclude(status__in=[WorkItemStatus.CANCELLED, WorkItemStatus.WITHDRAWN])
        )
        if any(not sibling.is_active for sibling in produced):
            raise Conflict("already_handled", _("后续环节已有人办理，无法撤回"))
    if any(sibling.opened_at is not None for sibling in produced):
        raise Conflict("already_opened", _("对方已打开，无法撤回"))
    today = _today()
    if item.delegated_by_id == actor.pk:
        item.assignee, item.delegated_by, item.sent_by = actor, None, None
        item.version += 1
        item.save()
        created = [item]
    else:
        WorkItem.objects.filter(pk__in=[sibling.pk for sibling in produced]).update(
            status=WorkItemStatus.WITHDRAWN,
            completed_by=actor,
            completed_at=timezone.now(),
            version=F("version") + 1,
        )
        if source is not None and source.status == WorkItemStatus.COMPLETED:
            workflow = engine.load(case.definition, case.state)
            engine.reset_to(workflow, source.task_id)
            created = _sync_items(
                case, workflow, actor=None, previous=item, assign_to={source.step: actor}, today=today
            )
            insert(created)
            _save_workflow(case, workflow, actor=actor)
        else:
            step = engine.StepSpec(item.task_id, item.step, item.title, "", item.limit, item.limit_unit)
            unit = source.org_unit if source is not None else item.org_unit
            new = _new_item(case, step, _Target(unit, "", actor), today=today, previous=item, sent_by=None)
            new.started_on, new.due_on, new.warn_on, new.light = item.started_on, item.due_on, item.warn_on, item.light
            new.status = WorkItemStatus.CLAIMED
            new.save()
            created = [new]
    audit_record(
        actor=actor,
        action="workflow.work_item_withdraw",
        target=case,
        org_unit=item.org_unit,
        detail={"item": item.pk, "withdrawn": [sibling.pk for sibling in produced]},
    )
    return created


# --- the case clock -----------------------------------------------------------------------------------


def _refresh_clocks(case: Case, today: date) -> None:
    events = list(ClockEvent.objects.filter(case=case).order_by("at", "pk"))
    clock.refresh_case(case, events, today)
    suspensions = clock.suspensions_of(events)
    for item in WorkItem.objects.filter(case=case, status__in=ACTIVE_ITEM_STATUSES):
        # An extension granted for one step (``case_extend(work_item=…)``) extends that step's clock too.
        extensions = clock.extensions_of(event for event in events if event.work_item_id == item.pk)
        clock.refresh_item(item, suspensions, today, extensions=extensions)
        item.save(update_fields=["due_on", "warn_on", "light"])


@transaction.atomic
def case_suspend(*, actor: User, case: Case, reason_code: str, reason: str, owner: str = "") -> Case:
    """暂停计时 (补正, 公告, 专家评审, 第三方意见 …): the days until resumption do not count."""
    case = _lock_case(case)
    require(actor, policy_for(case.process_key).handle, case.org_unit, target=case)
    _ensure_owner(case, "suspend", owner, reason=reason_code)
    if reason_code not in SuspensionReason.values:
        raise Rejected("suspension_reason", _("请选择暂停计时的原因"), field="reason_code")
    reason = (reason or "").strip()
    if not reason:
        raise Rejected("reason_required", _("请填写暂停计时的原因说明"), field="reason")
    if case.status != CaseStatus.OPEN:
        raise Conflict("case_state", _("该办件%(status)s，不能暂停计时") % {"status": case.get_status_display()})
    case.status = CaseStatus.SUSPENDED
    case.lock_version += 1
    case.save(update_fields=["status", "lock_version", "updated_at"])
    _cases_changed([case.pk])
    ClockEvent.objects.create(
        case=case,
        kind=ClockKind.SUSPEND,
        reason_code=reason_code,
        reason=reason,
        on=_today(),
        actor=actor,
        due_on_after=case.due_on,
    )
    audit_record(
        actor=actor,
        action="workflow.case_suspend",
        target=case,
        org_unit=case.org_unit,
        detail={"reason_code": reason_code},
    )
    return case


def _resume(case: Case, *, actor: User, reason: str, by: str = "") -> Case:
    """Restart the clock of a locked, suspended case: a RESUME event, due dates moved, one audit entry
    (``by`` names who resumed when it is not a handler, e.g. the applicant supplementing after 补正)."""
    today = _today()
    case.status = CaseStatus.OPEN
    event = ClockEvent.objects.create(
        case=case, kind=ClockKind.RESUME, reason=(reason or "").strip(), on=today, actor=actor
    )
    _refresh_clocks(case, today)
    case.lock_version += 1
    case.save()
    _cases_changed([case.pk])
    event.due_on_after = case.due_on
    event.save(update_fields=["due_on_after"])
    detail: dict[str, Any] = {"due_on": case.due_on.isoformat() if case.due_on else None}
    if by:
        detail["by"] = by
    audit_record(actor=actor, action="workflow.case_resume", target=case, org_unit=case.org_unit, detail=detail)
    return case


@transaction.atomic
def case_resume(*, actor: User, case: Case, reason: str = "", owner: str = "") -> Case:
    """恢复计时: due dates of the case and of its open steps move by the suspended days."""
    case = _lock_case(case)
    require(actor, policy_for(case.process_key).handle, case.org_unit, target=case)
    if case.status != CaseStatus.SUSPENDED:
        raise Conflict("case_state", _("该办件未暂停计时，无需恢复"))
    _ensure_owner(case, "resume", owner, reason=last_suspension_reason(case))
    return _resume(case, actor=actor, reason=reason)


@transaction.atomic
def case_extend(
    *,
    actor: User,
    case: Case,
    days: int,
    unit: str,
    reason: str,
    approved_by: User,
    work_item: WorkItem | None = None,
    owner: str = "",
) -> Case:
    """延期: extend the case's time limits by ``days``, approved by someone who may supervise the case.

    With ``work_item`` (an open step of the case) the extension is for that step and extends its clock too
    (e.g. the answer step of a sharing request: 10 working days, +10 with approval)."""
    case = _lock_case(case)
    policy = policy_for(case.process_key)
    require(actor, policy.handle, case.org_unit, target=case)
    _ensure_owner(case, "extend", owner)
    if not case.is_active:
        raise Conflict("case_state", _("该办件%(status)s，不能延期") % {"status": case.get_status_display()})
    if not isinstance(days, int) or days <= 0 or unit not in TimeUnit.values:
        raise Rejected("extension_days", _("延长天数须为正整数（工作日或自然日）"), field="days")
    reason = (reason or "").strip()
    if not reason:
        raise Rejected("reason_required", _("请填写延期理由"), field="reason")
    if case.statutory_limit is None and case.promised_limit is None:
        raise Rejected("no_limit", _("该办件没有办理时限，无需延期"))
    if not has_perm(approved_by, policy.supervise, case.org_unit):
        raise Rejected("extension_approver", _("延期须经有督办权限的负责人批准"), field="approved_by")
    if work_item is not None and (work_item.case_id != case.pk or not work_item.is_active):
        raise Rejected("extension_step", _("只能为本办件正在办理的环节延期"), field="work_item")
    today = _today()
    event = ClockEvent.objects.create(
        case=case,
        work_item=work_item,
        kind=ClockKind.EXTEND,
        days=days,
        unit=unit,
        reason=reason,
        on=today,
        actor=actor,
        approved_by=approved_by,
    )
    _refresh_clocks(case, today)
    case.lock_version += 1
    case.save()
    _cases_changed([case.pk])
    event.due_on_after = case.due_on
    event.save(update_fields=["due_on_after"])
    audit_record(
        actor=actor,
        action="workflow.case_extend",
        target=case,
        org_unit=case.org_unit,
        detail={"days": days, "unit": unit, "approved_by": approved_by.pk},
    )
    return case


@transaction.atomic
def case_terminate(*, actor: User, case: Case, reason: str, owner: str = "") -> Case:
    """终止: stop a case early (e.g. applicant did not correct in time); its open items are cancelled.
    A process's policy may also let the applicant's side end it (撤回)."""
    case = _lock_case(case)
    policy = policy_for(case.process_key)
    if policy.may_withdraw is None or not policy.may_withdraw(actor, case):
        require(actor, policy.supervise, case.org_unit, target=case)
    _ensure_owner(case, "terminate", owner)
    if not case.is_active:
        raise Conflict("case_state", _("该办件%(status)s，不能终止") % {"status": case.get_status_display()})
    reason = (reason or "").strip()
    if not reason:
        raise Rejected("reason_required", _("请填写终止理由"), field="reason")
    WorkItem.objects.filter(case=case, status__in=ACTIVE_ITEM_STATUSES).update(
        status=WorkItemStatus.CANCELLED, version=F("version") + 1
    )
    case.status = CaseStatus.TERMINATED
    case.completed_at = timezone.now()
    case.current_steps = ""
    case.lock_version += 1
    case.save()
    _cases_changed([case.pk])
    ClockEvent.objects.create(case=case, kind=ClockKind.STOP, reason=reason, on=_today(), actor=actor)
    audit_record(actor=actor, action="workflow.case_terminate", target=case, org_unit=case.org_unit)
    return case


# --- supervision (电子监察) ----------------------------------------------------------------------------


@transaction.atomic
def supervision_record(*, actor: User, case: Case, note: str, work_item: WorkItem | None = None) -> SupervisionRecord:
    """人工督办: a supervisor urges the people working on a case."""
    require(actor, SUPERVISE, case.org_unit, target=case)
    note = (note or "").strip()
    if not note:
        raise Rejected("note_required", _("请填写督办意见"), field="note")
    if not case.is_active:
        raise Conflict("case_state", _("该办件%(status)s，无需督办") % {"status": case.get_status_display()})
    record = SupervisionRecord.objects.create(
        case=case, work_item=work_item, level=SupervisionLevel.MANUAL, by=actor, note=note
    )
    items = (
        [work_item]
        if work_item
        else list(
            WorkItem.objects.filter(case=case, status__in=ACTIVE_ITEM_STATUSES).select_related(
                "case", "org_unit", "assignee", "queue_org_unit"
            )
        )
    )
    audit_record(actor=actor, action="workflow.supervision_record", target=case, org_unit=case.org_unit)
    for item in items:
        context = {**_item_context(item), "opinion": note, "supervisor": actor.display_name}
        _notify_on_commit(item_recipients(item), "workflow.supervision", context, item)
    return record


#: Who besides the supervisors of a case's unit may chase (催办) its steps: rules registered by domain apps in
#: ``AppConfig.ready()`` (the kernel never imports the domain), ``(user, case) -> bool``, e.g. the case's
#: full-process agent (代办员). Each must be cheap (one indexed query at most).
CHASE_RULES: list[Callable[[User, Case], bool]] = []


def register_chase_rule(rule: Callable[[User, Case], bool]) -> None:
    if rule not in CHASE_RULES:
        CHASE_RULES.append(rule)


@transaction.atomic
def work_item_chase(
    *,
    actor: User,
    item: WorkItem,
    note: str,
    event: str = "workflow.supervision",
    context: dict[str, Any] | None = None,
) -> SupervisionRecord:
    """催办: urge the people holding one step that is due soon (黄灯) or overdue (红灯); at most once a day per
    person and step. Supervisors of the case's unit may, and whoever a registered chase rule names.

    A manual supervision record (shown on the case timeline), audited here; the step's assignee or queue gets
    ``event`` (the caller's own template may add variables through ``context``)."""
    case = _lock_case(item.case)
    if not any(rule(actor, case) for rule in CHASE_RULES):
        require(actor, SUPERVISE, case.org_unit, target=case)
    item = WorkItem.objects.select_related("case", "org_unit", "assignee", "queue_org_unit").get(pk=item.pk)
    if not case.is_active or item.status not in ACTIVE_ITEM_STATUSES:
        raise Conflict("item_state", _("该环节已办理完毕，无需催办"))
    if item.light not in (Light.YELLOW, Light.RED):
        raise Rejected("not_due", _("该环节尚未临期或超期，无需催办"))
    if SupervisionRecord.objects.filter(work_item=item, by=actor, at__date__gte=_today()).exists():
        raise Conflict("chased_today", _("今天已催办过该环节，请明天再试"))
    note = (note or "").strip()
    if not note:
        raise Rejected("note_required", _("请填写催办意见"), field="note")
    record = SupervisionRecord.objects.create(
        case=case, work_item=item, level=SupervisionLevel.MANUAL, by=actor, note=note[:500]
    )
    audit_record(
        actor=actor,
        action="workflow.work_item_chase",
        target=case,
        target_repr=case.number,
        org_unit=item.org_unit,
        detail={"item": item.pk, "step": item.step, "light": item.light},
    )
    message = {
        **_item_context(item),
        "state": item.get_light_display(),
        "opinion": note,
        "supervisor": actor.display_name,
        **(context or {}),
    }
    _notify_on_commit(item_recipients(item), event, message, item)
    return record


@transaction.atomic
def case_resume_on_supplement(*, actor: User, case: Case, reason: str = "") -> Case:
    """恢复计时 when the applicant hands in the 补正 supplement: the clock runs again from its arrival, recorded
    under the applicant. Only the case's own applicant, and only for a case whose clock stopped for 补正;
    every other resumption stays with the handlers (``case_resume``)."""
    case = _lock_case(case)
    if case.applicant_id is None or case.applicant_id != actor.pk:
        raise AccessDenied(user=actor, perm=HANDLE, org_unit=case.org_unit, target=case)
    if case.status != CaseStatus.SUSPENDED:
        raise Conflict("case_state", _("该办件未暂停计时，无需恢复"))
    if last_suspension_reason(case) != SuspensionReason.CORRECTION:
        raise Conflict("not_correction", _("该办件不是因补正暂停计时，请等待办理人员恢复计时"))
    return _resume(case, actor=actor, reason=reason, by="applicant")


@dataclass
class SweepResult:
    today: date
    cases: dict[str, list[int]] = field(default_factory=dict)
    items: dict[str, list[int]] = field(default_factory=dict)

    def changed(self) -> int:
        return sum(len(ids) for ids in (*self.cases.values(), *self.items.values()))


_SWEEP_BATCH = 5000


def _light_transitions(model: type[Case] | type[WorkItem], base: Q, due: str, today: date) -> dict[str, Q]:
    """Which rows must change light today. Each condition names the lights a row may come *from* (an IN list,
    not ``light <> x``), so that a (light, due date) index (work items: ``wf_item_active_light``) can serve it as
    a few ranges holding only the rows that change."""
    return {
        Light.RED: base & Q(light__in=[Light.GREEN, Light.YELLOW], **{f"{due}__lt": today}),
        Light.YELLOW: base & Q(light__in=[Light.GREEN, Light.RED], warn_on__lte=today, **{f"{due}__gte": today}),
        Light.GREEN: base
        & Q(light__in=[Light.YELLOW, Light.RED], **{f"{due}__gte": today})
        & (Q(warn_on__gt=today) | Q(warn_on__isnull=True)),
    }


def _apply(model: type[Case] | type[WorkItem], condition: Q, light: str) -> list[int]:
    ids = list(model.objects.filter(condition).order_by().values_list("pk", flat=True))
    changed: list[int] = []
    for start in range(0, len(ids), _SWEEP_BATCH):
        batch = ids[start : start + _SWEEP_BATCH]
        # The condition is repeated so that a row a service changed meanwhile is left alone.
        model.objects.filter(condition, pk__in=batch).update(light=light)
        changed.extend(batch)
    return changed


def supervision_sweep(*, today: date | None = None, notify_people: bool = True) -> SweepResult:
    """Recompute every open case's and step's light with set-based UPDATEs; warn only on a change.

    Suspended cases keep their light (the clock is stopped). Yellow and red changes are recorded as
    automatic 督办 and notify the assignees (or the queue) and the supervisors of the unit.
    """
    today = today or _today()
    result = SweepResult(today=today)
    with transaction.atomic():
        for light, condition in _light_transitions(Case, Q(status=CaseStatus.OPEN), "watch_due_on", today).items():
            result.cases[light] = _apply(Case, condition, light)
            _cases_changed(result.cases[light])
        item_base = Q(status__in=ACTIVE_ITEM_STATUSES, case__status=CaseStatus.OPEN)
        for light, condition in _light_transitions(WorkItem, item_base, "due_on", today).items():
            result.items[light] = _apply(WorkItem, condition, light)
        warned_items = result.items[Light.YELLOW] + result.items[Light.RED]
        warned_cases = result.cases[Light.YELLOW] + result.cases[Light.RED]
        for light in (Light.YELLOW, Light.RED):
            _record_warnings(Case, result.cases[light], light)
            _record_warnings(WorkItem, result.items[light], light)
        if notify_people and (warned_items or warned_cases):
            transaction.on_commit(partial(_enqueue_sweep_notices, warned_items, warned_cases))
    return result


_WARNING_NOTE = "系统自动预警"


def _record_warnings(model: type[Case] | type[WorkItem], ids: list[int], light: str) -> None:
    """The automatic 督办 records of one light, written by the database from the changed rows (INSERT … SELECT
    in batches): no model instance per record, and a step's case id is read in the same statement."""
    table = connection.ops.quote_name(SupervisionRecord._meta.db_table)
    source = connection.ops.quote_name(model._meta.db_table)
    case, item = ("id", "NULL") if model is Case else ("case_id", "id")
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    for start in range(0, len(ids), _SWEEP_BATCH):
        batch = ids[start : start + _SWEEP_BATCH]
        marks = ", ".join(["%s"] * len(batch))
        sql = (
            f"INSERT INTO {table} (case_id, work_item_id, level, note, at) "  # noqa: S608 - names from the models
            f"SELECT {case}, {item}, %s, %s, %s FROM {source} WHERE id IN ({marks})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [light, _WARNING_NOTE, at, *batch])


#: Ids per queued sweep-notice task.
_NOTICE_CHUNK = 2000


def _enqueue_sweep_notices(item_ids: list[int], case_ids: list[int]) -> None:
    """After the sweep's commit, queue its warnings as tasks of at most ``_NOTICE_CHUNK`` ids: resolving
    queues and supervisors, rendering and storing the messages is the task worker's job, as for transitions
    (``_notify_transition``); the sweep itself only changes lights and records 督办."""
    from egov.kernel.workflow.tasks import notify_sweep

    for start in range(0, len(item_ids), _NOTICE_CHUNK):
        notify_sweep.enqueue(item_ids=item_ids[start : start + _NOTICE_CHUNK], case_ids=[])
    for start in range(0, len(case_ids), _NOTICE_CHUNK):
        notify_sweep.enqueue(item_ids=[], case_ids=case_ids[start : start + _NOTICE_CHUNK])


def sweep_notify(*, item_ids: list[int], case_ids: list[int]) -> int:
    """Warn about the sweep's yellow and red steps (their assignees or queue, and the unit's supervisors) and
    cases (the unit's supervisors); run by the ``notify_sweep`` task. Returns how many steps and cases were
    warned about."""
    sent = 0
    queue_cache: dict[tuple[int, str], list[User]] = {}
    supervisor_cache: dict[int, list[User]] = {}

    def supervisors(unit: OrgUnit) -> list[User]:
        if unit.pk not in supervisor_cache:
            supervisor_cache[unit.pk] = supervisors_of(unit)
        return supervisor_cache[unit.pk]

    for start in range(0, len(item_ids), _SWEEP_BATCH):
        # Only steps still open and still warned when the task runs (one may have been completed meanwhile).
        items = WorkItem.objects.filter(
            pk__in=item_ids[start : start + _SWEEP_BATCH],
            status__in=ACTIVE_ITEM_STATUSES,
            light__in=[Light.YELLOW, Light.RED],
        ).select_related("case", "org_unit", "assignee", "queue_org_unit")
        for item in items:
            if item.assignee is not None:
                people = [item.assignee]
            elif item.queue_org_unit is not None:
                key = (item.queue_org_unit.pk, item.queue_role)
                if key not in queue_cache:
                    queue_cache[key] = list(queue_members(item.queue_org_unit, item.queue_role))
                people = queue_cache[key]
            else:
                people = []
            recipients = list({user.pk: user for user in [*people, *supervisors(item.org_unit)]}.values())
            event = "workflow.item_overdue" if item.light == Light.RED else "workflow.item_warning"
            _send(recipients, event, _item_context(item), item)
            sent += 1
    for start in range(0, len(case_ids), _SWEEP_BATCH):
        cases = Case.objects.filter(
            pk__in=case_ids[start : start + _SWEEP_BATCH], status=CaseStatus.OPEN, light__in=[Light.YELLOW, Light.RED]
        ).select_related("org_unit")
        for case in cases:
            context = {
                "case_number": case.number,
                "case_title": case.title,
                "supervisor": "电子监察系统",
                "deadline": chinese_date(case.watch_due_on),
                "opinion": f"办件已{case.get_light_display()}",
            }
            _send(supervisors(case.org_unit), "workflow.supervision", context, case)
            sent += 1
    return sent
