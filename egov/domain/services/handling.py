"""Writes of the implementing unit: 受理 / 不予受理 / 补正 (一次性告知), joint review steps and the decision.

Each decision moves the workflow case through the kernel (``work_item_complete``, ``case_suspend``) and asks
the results app for the formal notice (and the certificate when approved) in the same transaction, so a
decision never exists without its document.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from egov.domain.services import answers as ans
from egov.domain.services import integration
from egov.domain.services.apply import answers_of, first_id_number
from egov.domain.services.events import record_event
from egov.domain.services.models import AWAITING_ACCEPTANCE, SUBJECT_TYPE, Application, ApplicationStatus
from egov.kernel.access.policy import require
from egov.kernel.accounts.models import User
from egov.kernel.audit.services import audit_record
from egov.kernel.errors import Conflict, NotFound, Rejected
from egov.kernel.identifiers import USCC_ALPHABET, uscc_check_char
from egov.kernel.workflow.models import ACTIVE_ITEM_STATUSES, WorkItem

ACCEPT = "services.accept"
HANDLE = "workflow.handle"
ACCEPT_STEP = "accept"
DECIDE_STEP = "decide"


def _lock(application: Application) -> Application:
    try:
        return (
            Application.objects.select_for_update(of=("self",))
            .select_related("version", "item", "org_unit", "case", "applicant")
            .get(pk=application.pk)
        )
    except Application.DoesNotExist:
        raise NotFound("application_not_found", "没有找到该申请") from None


def open_step(application: Application, step: str) -> WorkItem | None:
    if application.case_id is None:
        return None
    return (
        WorkItem.objects.filter(case_id=application.case_id, step=step, status__in=ACTIVE_ITEM_STATUSES)
        .select_related("case", "org_unit")
        .first()
    )


def _step_or_conflict(application: Application, step: str) -> WorkItem:
    item = open_step(application, step)
    if item is None:
        raise Conflict("step_closed", "该申请已不在此环节，请刷新后重试")
    return item


def _require_awaiting(application: Application) -> None:
    if application.status not in AWAITING_ACCEPTANCE:
        raise Conflict("application_state", f"该申请当前为“{application.get_status_display()}”，不能作出受理决定")


def _complete(actor: User, item: WorkItem, outcome: str, opinion: str) -> None:
    from egov.kernel.workflow.services import work_item_complete

    work_item_complete(actor=actor, item=item, outcome=outcome, opinion=opinion, owner=SUBJECT_TYPE)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- 受理 / 不予受理 --------------------------------------------------------------------------------------


@transaction.atomic
def application_accept(*, actor: User, application: Application, opinion: str = "") -> Application:
    require(actor, ACCEPT, application.org_unit, target=application)
    application = _lock(application)
    _require_awaiting(application)
    item = _step_or_conflict(application, ACCEPT_STEP)
    opinion = opinion.strip() or "申请材料齐全，符合法定形式，予以受理"
    _complete(actor, item, "accept", opinion)
    application.status = ApplicationStatus.ACCEPTED
    application.correction = {**application.correction, "open": False} if application.correction else {}
    application.save(update_fields=["status", "correction", "updated_at"])
    assert application.case is not None
    integration.issue_notice(
        actor=actor,
        case=application.case,
        kind="acceptance",
        paragraphs=[
            f"你（单位）于{application.submitted_at:%Y年%m月%d日}提出的{application.item.name}申请，"
            "申请材料齐全，符合法定形式，本机关决定予以受理。",
            f"办件编号：{application.case_number}。承诺办结日期：{_date(application.promised_due_on)}。",
        ],
        legal_basis=application.version.legal_basis,
        recipient_name=application.applicant_name,
    )
    record_event(application, "accepted", opinion)
    audit_record(actor=actor, action="services.application_accept", target=application, org_unit=application.org_unit)
    return application


@transaction.atomic
def application_reject(*, actor: User, application: Application, reasons: str) -> Application:
    """不予受理: the reasons are required and go into the 决定书 with the remedies (复议/诉讼)."""
    require(actor, ACCEPT, application.org_unit, target=application)
    application = _lock(application)
    _require_awaiting(application)
    reasons_list = _lines(reasons)
    if not reasons_list:
        raise Rejected("reasons_required", "请填写不予受理的理由", field="reasons")
    item = _step_or_conflict(application, ACCEPT_STEP)
    _complete(actor, item, "reject", "；".join(reasons_list))
    application.status = ApplicationStatus.REJECTED
    application.decision_reason = "\n".join(reasons_list)
    application.completed_at = timezone.now()
    application.save(update_fields=["status", "decision_reason", "completed_at", "updated_at"])
    assert application.case is not None
    integration.issue_notice(
        actor=actor,
        case=application.case,
        kind="rejection",
        paragraphs=[
            f"你（单位）提出的{application.item.name}申请（办件编号 {application.case_number}），经审查，"
            "本机关决定不予受理，理由如下：",
            *reasons_list,
            "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。",
        ],
        legal_basis=application.version.legal_basis,
        recipient_name=application.applicant_name,
    )
    record_event(application, "rejected", "；".join(reasons_list))
    audit_record(actor=actor, action="services.application_reject", target=application, org_unit=application.org_unit)
    return application


# --- 补正 (一次性告知) ----------------------------------------------------------------------------------


@transaction.atomic
def application_request_correction(
    *,
    actor: User,
    application: Application,
    material_ids: list[int],
    field_names: list[str],
    notes: dict[str, str] | None = None,
    other: str = "",
) -> Application:
    """One notice naming every missing or faulty material and field at once; the case clock stops
    (reason 补正) until the applicant supplements online."""
    from egov.kernel.workflow.services import case_suspend

    require(actor, ACCEPT, application.org_unit, target=application)
    application = _lock(application)
    _require_awaiting(application)
    _step_or_conflict(application, ACCEPT_STEP)
    notes = {key: value.strip() for key, value in (notes or {}).items() if value and value.strip()}
    materials = list(application.version.materials.filter(pk__in=material_ids))
    fields = ans.field_index(application.version.form_definition)
    unknown = [name for name in field_names if name not in fields]
    if unknown or len(materials) != len(set(material_ids)):
        raise Rejected("correction_unknown", "补正项目不属于本事项，请刷新后重试")
    if not materials and not field_names:
        raise Rejected("correction_empty", "请至少选择一项需要补正的材料或申请表内容", field="materials")
    items = [f"{m.name}：{notes.get(f'material_{m.pk}') or '请按受理标准重新提交'}" for m in materials]
    items += [
        f"申请表“{fields[name][1]['label']}”：{notes.get(f'field_{name}') or '请核对后重新填写'}"
        for name in field_names
    ]
    if other.strip():
        items.append(other.strip())
    assert application.case is not None
    case_suspend(
        actor=actor,
        case=application.case,
        reason_code="correction",
        reason="一次性告知补正：" + "；".join(items),
        owner=SUBJECT_TYPE,
    )
    application.status = ApplicationStatus.CORRECTION
    application.correction = {
        "materials": [m.pk for m in materials],
        "fields": list(field_names),
        "items": items,
        "round": int(application.correction.get("round", 0)) + 1 if application.correction else 1,
        "requested_at": timezone.now().isoformat(),
        "open": True,
    }
    application.correction_by = actor
    application.save(update_fields=["status", "correction", "correction_by", "updated_at"])
    integration.issue_notice(
        actor=actor,
        case=application.case,
        kind="correction",
        paragraphs=[
            f"你（单位）提出的{application.item.name}申请（办件编号 {application.case_number}），"
            "申请材料不齐全或者不符合法定形式，现一次性告知需要补正的全部内容如下：",
            "请登录兴安盟政务服务网“我的办件”在线提交补正材料。补正期间不计入办理时限。",
        ],
        items=items,
        legal_basis="《中华人民共和国行政许可法》第三十二条",
        recipient_name=application.applicant_name,
    )
    record_event(application, "correction", "；".join(items))
    audit_record(
        actor=actor,
        action="services.application_correction",
        target=application,
        org_unit=application.org_unit,
        detail={"materials": [m.pk for m in materials], "fields": field_names},
    )
    return application


# --- joint review steps (并联审查) -----------------------------------------------------------------------


@transaction.atomic
def application_review(*, actor: User, application: Application, item: WorkItem, agree: bool, opinion: str) -> WorkItem:
    """One department's review step of the case; the step's own unit and queue decide who may do it."""
    require(actor, HANDLE, item.org_unit, target=application)
    application = _lock(application)
    if application.status != ApplicationStatus.ACCEPTED:
        raise Conflict("application_state", "该申请当前不在审查阶段")
    if item.case_id != application.case_id or item.step in (ACCEPT_STEP, DECIDE_STEP):
        raise Rejected("step_invalid", "该环节不属于本申请的审查环节")
    opinion = opinion.strip()
    if not agree and not opinion:
        raise Rejected("opinion_required", "不同意时请填写审查意见", field="opinion")
    _complete(actor, item, "agree" if agree else "disagree", opinion or "经审查，符合条件，同意")
    audit_record(
        actor=actor,
        action="services.application_review",
        target=application,
        org_unit=item.org_unit,
        detail={"step": item.step, "agree": agree},
    )
    return item


# --- 决定 (准予 / 不予) -----------------------------------------------------------------------------------


def new_business_uscc(division_code: str) -> str:
    """A registration code for a new 个体工商户 (登记管理部门 9, 类别 2) in the unit's division."""
    body = "92" + division_code[:6] + "MA" + "".join(secrets.choice(USCC_ALPHABET) for _ in range(7))
    return body + uscc_check_char(body)


def certificate_fields(application: Application, values: dict[str, Any]) -> list[tuple[str, str]]:
    """What the certificate shows: the item's plain answers (never ID or phone numbers), in form order."""
    rows: list[tuple[str, str]] = []
    for spec in ans.all_fields(application.version.form_definition):
        if spec["type"] in ("id_number", "phone", "group", "checkbox") or not ans.shown(spec, values):
            continue
        value = values.get(spec["name"])
        if ans.is_blank(value):
            continue
        rows.append((spec["label"], ans.display_value(spec, value, mask_ids=True)))
    return rows[:10]


@transaction.atomic
def application_decide(
    *, actor: User, application: Application, approve: bool, reason: str, legal_basis: str = ""
) -> Application:
    """准予 / 不予 with reasons and legal basis: the decision notice, and when approved the certificate."""
    require(actor, HANDLE, application.org_unit, target=application)
    application = _lock(application)
    if application.status != ApplicationStatus.ACCEPTED:
        raise Conflict("application_state", "该申请当前不在决定阶段")
    item = _step_or_conflict(application, DECIDE_STEP)
    reason_lines = _lines(reason)
    legal_basis = legal_basis.strip() or application.version.legal_basis
    if not approve and not reason_lines:
        raise Rejected("reason_required", "不予许可时请写明理由", field="reason")
    if not reason_lines:
        reason_lines = ["申请人提交的申请材料齐全、符合法定形式，经审查符合法定条件、标准"]
    _complete(actor, item, "approve" if approve else "deny", "；".join(reason_lines))
    assert application.case is not None
    case = application.case
    values = answers_of(application)
    result = application.version.result_name
    if approve:
        paragraphs = [
            f"你（单位）提出的{application.item.name}申请（办件编号 {application.case_number}），经审查，理由如下：",
            *reason_lines,
            f"根据上述依据，本机关决定准予许可，颁发《{result}》。",
        ]
    else:
        paragraphs = [
            f"你（单位）提出的{application.item.name}申请（办件编号 {application.case_number}），经审查，"
            "本机关决定不予许可，理由如下：",
            *reason_lines,
            "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。",
        ]
    integration.issue_notice(
        actor=actor,
        case=case,
        kind="approval" if approve else "denial",
        paragraphs=paragraphs,
        legal_basis=legal_basis,
        recipient_name=application.applicant_name,
    )
    if approve:
        holder_code = str(values.get("org_uscc") or "")
        if not holder_code and result == "营业执照":
            holder_code = new_business_uscc(application.org_unit.division_code)
        if not holder_code:
            holder_code = first_id_number(application.version.form_definition, values)
        integration.issue_certificate(
            actor=actor,
            case=case,
            title=result,
            holder_name=application.applicant_name,
            holder_code=holder_code,
            fields=certificate_fields(application, values),
        )
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.DENIED
    application.decision_reason = "\n".join(reason_lines)
    application.decision_basis = legal_basis
    application.completed_at = timezone.now()
    application.save(update_fields=["status", "decision_reason", "decision_basis", "completed_at", "updated_at"])
    record_event(application, "approved" if approve else "denied", "；".join(reason_lines))
    audit_record(
        actor=actor,
        action="services.application_decide",
        target=application,
        org_unit=application.org_unit,
        detail={"approve": approve},
    )
    return application


def _date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "（无）"
