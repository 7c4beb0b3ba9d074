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


# --- cases owned by a domain app ---------------------------------------------------------------------------

#: What changes a case's state in the kernel; an owner names which of these only it may do.
CASE_ACTIONS = frozenset({"complete", "return", "withdraw", "suspend", "resume", "extend", "terminate"})


@dataclass(frozen=True)
class CaseOwner:
    """A domain app whose cases carry business state beside the kernel's (a service application with its
    notices and certificate, a sharing request with its grant). The kernel refuses the ``actions`` on such a
    case unless the owner's own service asks (``owner=subject_type``), and the workbench shows the case with a
    link to ``url`` instead of the buttons — otherwise a step done on the workbench would move the case and
    leave the application behind (a 受理 without notice, a 决定 without certificate, an approval without grant).
    Claiming, transferring and delegating stay on the workbench: they only decide who works the step."""

    #: ``Case.subject_type`` the owner starts its cases with ("services.application").
    subject_type: str
    #: Where staff handle these cases, for messages: "政务服务大厅办件受理页".
    place: str
    #: Processes only the owner starts (the workbench 发起办件 page does not offer them).
    process_keys: frozenset[str] = frozenset()
    actions: frozenset[str] = CASE_ACTIONS
    #: When "suspend"/"resume" are not in ``actions``: the suspension reasons (``SuspensionReason``) the owner
    #: alone stops and restarts the clock for — 补正 is the owner's notice and the applicant's supplement;
    #: 专家评审, 听证 … stay on the workbench.
    reasons: frozenset[str] = frozenset()
    #: The case's page in the owning app (None when there is none for this case).
    url: Callable[[Case], str | None] | None = None


_OWNERS: dict[str, CaseOwner] = {}


def register_case_owner(owner: CaseOwner) -> None:
    unknown = owner.actions - CASE_ACTIONS
    if unknown:
        raise ValueError(f"unknown case actions: {sorted(unknown)}")
    _OWNERS[owner.subject_type] = owner


def unregister_case_owner(subject_type: str) -> None:
    _OWNERS.pop(subject_type, None)


def owns(owner: CaseOwner | None, action: str, reason: str = "") -> bool:
    """Whether only ``owner`` may do ``action`` (for suspend/resume: with this suspension reason)."""
    return owner is not None and (action in owner.actions or (bool(reason) and reason in owner.reasons))


def case_owner(subject_type: str) -> CaseOwner | None:
    return _OWNERS.get(subject_type) if subject_type else None


def process_owner(process_key: str) -> CaseOwner | None:
    return next((owner for owner in _OWNERS.values() if process_key in owner.process_keys), None)
