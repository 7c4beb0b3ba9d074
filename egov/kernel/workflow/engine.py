"""Adapter between the case tables and SpiffWorkflow.

Only services call this module. Parsed specs are cached per definition id (a definition row never changes
once published), and the serialized state leaves the spec out: the spec is the definition's, so each
case's state stays small and a running case is pinned to the version it started with.
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from egov.kernel.errors import Rejected
from egov.kernel.workflow.models import ProcessDefinition

_LIMIT_RE = re.compile(r"^\s*(\d+)\s*(wd|nd)\s*$")


class _SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    """Serializes a workflow without its spec and restores it onto the cached spec of its definition."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        # BpmnWorkflowConverter.to_dict minus the spec and subprocess specs (never converted, not just dropped).
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], **kwargs: Any) -> BpmnWorkflow:
        spec, subprocess_specs = kwargs["specs"]
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(parents_first(dct["tasks"]), uuid.UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(uuid.UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dict(dct["subprocesses"]), workflow)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))
        return workflow


class _ParentsFirstSubWorkflowConverter(BpmnSubWorkflowConverter):
    """Restores a call activity's subprocess with its tasks parents first, like the top workflow."""

    def from_dict(self, dct: dict[str, Any], task: Task, top_workflow: BpmnWorkflow) -> BpmnSubWorkflow:
        return super().from_dict({**dct, "tasks": parents_first(dct["tasks"])}, task, top_workflow)


def parents_first(tasks: dict[str, Any]) -> dict[str, Any]:
    """The serialized task map with every task after its parent, otherwise in the order given.

    SpiffWorkflow stores a task's data as a delta from its parent's and rebuilds it from the parent while
    restoring, so a task restored before its parent loses everything it inherited (the case data a gateway
    routes on). PostgreSQL's jsonb does not keep key order, so the stored map comes back in any order."""
    placed: dict[str, Any] = {}
    waiting: dict[str, list[str]] = {}
    for key, task in tasks.items():
        parent = task.get("parent")
        if parent is not None and parent in tasks and parent not in placed:
            waiting.setdefault(parent, []).append(key)
            continue
        stack = [key]
        while stack:
            current = stack.pop()
            placed[current] = tasks[current]
            stack.extend(reversed(waiting.pop(current, [])))
    return placed


_CONFIG = dict(SPIFF_CONFIG)
_CONFIG[BpmnWorkflow] = _SpecFreeWorkflowConverter
_CONFIG[BpmnSubWorkflow] = _ParentsFirstSubWorkflowConverter
_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))
_SPECS: dict[tuple[int, str], tuple[Any, dict[str, Any]]] = {}
_SPECS_LOCK = threading.Lock()


@dataclass(frozen=True)
class StepSpec:
    """What a ready user task asks of the platform: who should do it and how long they have."""

    task_id: uuid.UUID
    step: str
    title: str
    queue: str
    limit: int | None
    limit_unit: str


def parse_bpmn(bpmn_xml: str, dmn_xml: list[str] | None = None) -> SpiffBpmnParser:
    """Parse (and validate) BPMN and DMN text; a broken file is a Chinese error, not a traceback."""
    from lxml import etree

    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(etree.fromstring(bpmn_xml.encode("utf-8")), filename="definition.bpmn")
        for index, dmn in enumerate(dmn_xml or []):
            parser.add_dmn_xml(etree.fromstring(dmn.encode("utf-8")), filename=f"decision{index}.dmn")
    except (etree.XMLSyntaxError, WorkflowException, ValueError) as exc:
        raise Rejected("bpmn_invalid", _("流程定义文件无效：%(error)s") % {"error": exc}) from exc
    return parser


def _specs(definition: ProcessDefinition) -> tuple[Any, dict[str, Any]]:
    # The checksum is part of the key: a restored or test database may reuse an id for other content.
    key = (definition.pk, definition.checksum)
    cached = _SPECS.get(key)
    if cached is None:
        with _SPECS_LOCK:
            cached = _SPECS.get(key)
            if cached is None:
                parser = parse_bpmn(definition.bpmn_xml, definition.dmn_xml)
                cached = (parser.get_spec(definition.key), parser.get_subprocess_specs(definition.key))
                _SPECS[key] = cached
    return cached


def new_workflow(definition: ProcessDefinition, data: dict[str, Any]) -> BpmnWorkflow:
    """Create an instance and seed the business data gateways route on."""
    spec, subprocess_specs = _specs(definition)
    workflow = BpmnWorkflow(spec, subprocess_specs)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    run(workflow)
    return workflow


def run(workflow: BpmnWorkflow) -> None:
    """Advance gateways, scripts and events until only user tasks (or nothing) are left."""
    try:
        workflow.do_engine_steps()
    except WorkflowException as exc:
        raise Rejected("process_error", _("流程运行出错，请联系管理员：%(error)s") % {"error": exc}) from exc


def load(definition: ProcessDefinition, state: dict[str, Any]) -> BpmnWorkflow:
    state = dict(state)
    _SERIALIZER.migrate(state)
    return _SERIALIZER.registry.restore(state, specs=_specs(definition))


def dump(workflow: BpmnWorkflow) -> dict[str, Any]:
    _SERIALIZER.registry._encoder_mode = True
    try:
        dct: dict[str, Any] = _SERIALIZER.to_dict(workflow)
    finally:
        _SERIALIZER.registry._encoder_mode = False
    dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
    return dct


def parse_limit(value: str | None) -> tuple[int | None, str]:
    """``"3wd"`` → (3, "wd"); no property → (None, "")."""
    if not value:
        return None, ""
    match = _LIMIT_RE.match(value)
    if match is None:
        raise Rejected("bpmn_limit", _("环节时限格式不正确：%(value)s（应为如 3wd 或 5nd）") % {"value": value})
    return int(match.group(1)), match.group(2)


def ready_steps(workflow: BpmnWorkflow) -> list[StepSpec]:
    steps = []
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        properties = task.task_spec.extensions.get("properties", {}) if hasattr(task.task_spec, "extensions") else {}
        limit, unit = parse_limit(properties.get("limit"))
        steps.append(
            StepSpec(
                task_id=task.id,
                step=task.task_spec.name,
                title=task.task_spec.bpmn_name or task.task_spec.name,
                queue=properties.get("queue", ""),
                limit=limit,
                limit_unit=unit,
            )
        )
    return steps


def ready_task(workflow: BpmnWorkflow, task_id: uuid.UUID) -> Task | None:
    task = workflow.get_task_from_id(task_id)
    if task is None or task.state != TaskState.READY:
        return None
    return task


def complete(workflow: BpmnWorkflow, task_id: uuid.UUID, data: dict[str, Any]) -> None:
    """Complete a ready user task with the given data and advance the workflow."""
    task = ready_task(workflow, task_id)
    if task is None:
        raise Rejected("task_not_ready", _("该环节已不在办理中，请刷新后重试"))
    task.data.update(data)
    try:
        task.run()
    except WorkflowException as exc:
        raise Rejected("process_error", _("流程运行出错，请联系管理员：%(error)s") % {"error": exc}) from exc
    run(workflow)


def reset_to(workflow: BpmnWorkflow, task_id: uuid.UUID) -> None:
    """Send the workflow back to an earlier (completed) task: 退回 / 撤回. Later tasks are discarded."""
    task = workflow.get_task_from_id(task_id)
    if task is None or task.state != TaskState.COMPLETED:
        raise Rejected("return_target", _("只能退回到已办理过的环节"))
    workflow.reset_from_task_id(task.id)
    run(workflow)


def is_completed(workflow: BpmnWorkflow) -> bool:
    return bool(workflow.is_completed())


def completed_elements(workflow: BpmnWorkflow) -> set[str]:
    """The BPMN element ids the case has passed: user tasks, gateways, events, rule and script tasks (for the
    diagram; SpiffWorkflow's own bookkeeping tasks have no BPMN id)."""
    return {
        bpmn_id
        for task in workflow.get_tasks(state=TaskState.COMPLETED)
        if (bpmn_id := getattr(task.task_spec, "bpmn_id", None))
    }


def business_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The data of the last completed task (what the next gateway would see), for Case.data."""
    last = workflow.last_task
    return dict(last.data) if last is not None else {}
