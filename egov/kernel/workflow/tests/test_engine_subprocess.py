"""A call activity's subprocess is restored with the data it inherited, whatever order its task map comes back in."""

from __future__ import annotations

import hashlib

from SpiffWorkflow.util.task import TaskState

from egov.kernel.workflow import engine
from egov.kernel.workflow.models import ProcessDefinition

CALL_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="urn:egov:test">
  <bpmn:process id="outer" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:callActivity id="call" name="会商" calledElement="inner"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
  <bpmn:process id="inner" isExecutable="true">
    <bpmn:startEvent id="inner_start"/>
    <bpmn:sequenceFlow id="g1" sourceRef="inner_start" targetRef="review"/>
    <bpmn:userTask id="review" name="会商意见"/>
    <bpmn:sequenceFlow id="g2" sourceRef="review" targetRef="inner_end"/>
    <bpmn:endEvent id="inner_end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _definition() -> ProcessDefinition:
    checksum = hashlib.sha256(CALL_BPMN.encode()).hexdigest()
    return ProcessDefinition(pk=987_654, key="outer", bpmn_xml=CALL_BPMN, dmn_xml=[], checksum=checksum)


def test_a_restored_subprocess_keeps_the_case_data_in_any_task_order() -> None:
    # given a case whose process waits in a call activity's user task
    definition = _definition()
    workflow = engine.new_workflow(definition, {"amount": 3200, "purpose": "医疗救助"})
    state = engine.dump(workflow)
    (subprocess_state,) = state["subprocesses"].values()
    assert len(subprocess_state["tasks"]) > 2
    # when the subprocess's stored task map comes back reversed (PostgreSQL's jsonb keeps no key order)
    subprocess_state["tasks"] = dict(reversed(list(subprocess_state["tasks"].items())))
    restored = engine.load(definition, state)
    # then the subprocess's ready step still carries the case data, and completing it finishes the case
    (review,) = restored.get_tasks(state=TaskState.READY, manual=True)
    assert review.task_spec.name == "review"
    assert review.data["amount"] == 3200 and review.data["purpose"] == "医疗救助"
    engine.complete(restored, review.id, {"opinion": "同意"})
    assert restored.is_completed()
