"""Processes handled under their owning app's own permissions (ADR 0014).

By default a case is started, its steps done and its clock moved by holders of ``workflow.handle`` in the
case's unit, and extensions are approved and cases ended early by holders of ``workflow.supervise``. A domain
whose people hold their own permissions instead registers a policy for its process key from its
``AppConfig.ready`` — sharing requests: the requester holds ``data.request`` at the consumer unit, the provider
``data.manage``, the League data authority ``data.review``; nobody needs workflow rights in another unit.
The queues of the BPMN still decide *who* does a step; the policy only names the permission checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User
    from egov.kernel.workflow.models import Case


@dataclass(frozen=True)
class ProcessPolicy:
    #: Checked at the step's / case's unit instead of workflow.handle (steps, 补正 suspension, resumption, 延期).
    handle: str = "workflow.handle"
    #: Held by whoever approves an extension or ends a case early, at the case's unit.
    supervise: str = "workflow.supervise"
    #: When set, a staff member holding it (at any unit) may start a case as its own applicant; the owning
    #: app's service has already checked it at the right unit. Empty: only handlers of the unit start cases.
    start: str = ""
    #: Who else may end a case early (撤回 by the requesting unit); decided by the owning app.
    may_withdraw: Callable[[User, Case], bool] | None = None


DEFAULT_POLICY = ProcessPolicy()
_POLICIES: dict[str, ProcessPolicy] = {}


def register_process_policy(process_key: str, policy: ProcessPolicy) -> None:
    _POLICIES[process_key] = policy


def policy_for(process_key: str) -> ProcessPolicy:
    return _POLICIES.get(process_key, DEFAULT_POLICY)
