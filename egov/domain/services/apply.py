"""Writes of the applicant: drafts, answers, material uploads, the idempotent submit and the 补正 supplement.

A citizen (自然人 or 法人 account) acts only on their own applications; the check lives here. Submitting
starts the workflow case on the item's process (kernel ``case_start``) and asks the agency app for a 代办员
in the same transaction.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from egov.domain.services import answers as ans
from egov.domain.services import integration
from egov.domain.services.events import record_event
from egov.domain.services.models import (
    SUBJECT_TYPE,
    Application,
    ApplicationMaterial,
    ApplicationStatus,
    Material,
    MaterialSource,
    Necessity,
    ServiceItem,
)
from egov.kernel.access.policy import AccessDenied
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.audit.services import audit_record
from egov.kernel.crypto import blind_index, decrypt, encrypt
from egov.kernel.errors import Conflict, NotFound, Rejected
from egov.kernel.orgs.models import OrgKind, OrgUnit

PROCESSES = Path(__file__).resolve().parent / "processes"
DEFAULT_PROCESS = "services_standard"
NUMBER_PREFIX = "XAZW"
QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
ID_PURPOSE = "application_id"
UNIT_CODES = {"工作日": "wd", "自然日": "nd"}

#: Answers prefilled from the signed-in account (field name → user attribute); see ``_prefill``.
PERSON_PREFILL = {"applicant_name": "real_name", "applicant_id": "id_number"}
LEGAL_PREFILL = {"org_name": "organization_name", "org_uscc": "uscc", "legal_representative": "legal_representative"}
PHONE_FIELDS = ("applicant_phone", "contact_phone")


# --- reading the encrypted answers ------------------------------------------------------------------------


def answers_of(application: Application) -> dict[str, Any]:
    """Every answer, ID numbers decrypted (callers show them masked)."""
    secret = json.loads(decrypt(application.secret_cipher)) if application.secret_cipher else {}
    return ans.merge_secrets(application.answers, secret)


def _store_answers(application: Application, values: dict[str, Any]) -> None:
    plain, secret = ans.split_secrets(application.version.form_definition, values)
    application.answers = plain
    application.secret_cipher = encrypt(json.dumps(secret, ensure_ascii=False)) if secret else ""


# --- checks ---------------------------------------------------------------------------------------------


def _require_citizen(actor: User) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise Rejected("login_required", "请先登录后再申请")
    if actor.kind not in (UserKind.PERSON, UserKind.LEGAL):
        raise Rejected("citizen_only", "请使用个人或法人账号登录后申请")


def _require_owner(actor: User, application: Application) -> None:
    if not getattr(actor, "is_authenticated", False) or application.applicant_id != actor.pk:
        raise AccessDenied(user=actor, perm="services.apply", org_unit=application.org_unit, target=application)


def _lock(application: Application) -> Application:
    try:
        return (
            Application.objects.select_for_update(of=("self",))
            .select_related("version", "item", "org_unit")
            .get(pk=application.pk)
        )
    except Application.DoesNotExist:
        raise NotFound("application_not_found", "没有找到该申请") from None


def _require_draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise Conflict("application_submitted", "该申请已提交，不能再修改；如需补充材料请等待补正通知")


# --- drafts ---------------------------------------------------------------------------------------------


def _prefill(actor: User, definition: dict[str, Any]) -> dict[str, Any]:
    names = {spec["name"] for spec in ans.all_fields(definition)}
    values: dict[str, Any] = {}
    if actor.kind == UserKind.PERSON and actor.real_name_verified:
        values.update({name: getattr(actor, attr) for name, attr in PERSON_PREFILL.items() if name in names})
    if actor.kind == UserKind.LEGAL and actor.uscc:
        values.update({name: getattr(actor, attr) for name, attr in LEGAL_PREFILL.items() if name in names})
    if actor.phone:
        values.update({name: actor.phone for name in PHONE_FIELDS if name in names})
    return {name: value for name, value in values.items() if value}


@transaction.atomic
def application_start(*, actor: User, item: ServiceItem) -> Application:
    """Open (or resume) the applicant's draft for the item's published version, prefilled from the account."""
    _require_citizen(actor)
    version = item.published
    if not version.online:
        raise Rejected("not_online", "该事项暂未开通网上办理，请到窗口办理")
    draft = (
        Application.objects.filter(applicant=actor, version=version, status=ApplicationStatus.DRAFT)
        .order_by("-created_at")
        .first()
    )
    if draft is not None:
        return draft
    application = Application(version=version, item=item, org_unit=item.org_unit, applicant=actor)
    _store_answers(application, _prefill(actor, version.form_definition))
    application.save()
    audit_record(
        actor=actor,
        action="services.application_start",
        target=application,
        org_unit=item.org_unit,
        detail={"item": item.code, "version": version.number},
    )
    return application


@transaction.atomic
def application_save_page(
    *, actor: User, application: Application, page_index: int, values: dict[str, Any], advance: bool
) -> tuple[Application, Any]:
    """Keep what was typed on one page; with ``advance`` also validate it. Returns (application, the bound
    form or None): the form carries the Chinese errors next to each field."""
    _require_owner(actor, application)
    application = _lock(application)
    _require_draft(application)
    definition = application.version.form_definition
    if not 0 <= page_index < len(ans.pages(definition)):
        raise Rejected("page_range", "表单页码超出范围")
    current = answers_of(application)
    current.update(values)
    form = None
    if advance:
        cleaned, form = ans.clean_page(definition, page_index, current)
        if not form.errors:
            current.update(cleaned)
            application.page = max(application.page, page_index + 1)
    _store_answers(application, current)
    application.save(update_fields=["answers", "secret_cipher", "page", "updated_at"])
    audit_record(
        actor=actor,
        action="services.application_save",
        target=application,
        org_unit=application.org_unit,
        detail={"page": page_index + 1, "valid": bool(form is not None and not form.errors)},
    )
    return application, form


@transaction.atomic
def application_discard(*, actor: User, application: Application) -> None:
    """Delete a draft (and forget its uploads; the stored files stay, referenced by nothing)."""
    _require_owner(actor, application)
    application = _lock(application)
    _require_draft(application)
    audit_record(actor=actor, action="services.application_discard", target=application, org_unit=application.org_unit)
    application.delete()


# --- materials ------------------------------------------------------------------------------------------


def needs_upload(material: Material) -> bool:
    """Materials obtained through data sharing (免提交) are never asked for."""
    return material.source != MaterialSource.SHARED


def _upload_allowed(application: Application, material: Material) -> int:
    """The submission round an upload for ``material`` belongs to; refuses when it may not be changed."""
    if material.version_id != application.version_id:
        raise Rejected("material_unknown", "该材料不属于本事项", field=f"material_{material.pk}")
    if not needs_upload(material):
        raise Rejected("material_shared", "该材料通过数据共享获取，无需上传", field=f"material_{material.pk}")
    if application.status == ApplicationStatus.DRAFT:
        return 0
    if application.status == ApplicationStatus.CORRECTION and material.pk in application.correction.get(
        "materials", []
    ):
        return int(application.correction.get("round", 1))
    raise Conflict("materials_frozen", "该申请已提交，只能按补正通知补充所列材料")


@transaction.atomic
def material_upload(
    *, actor: User, application: Application, material: Material, upload: UploadedFile
) -> ApplicationMaterial:
    """Store one file for one materials-list entry (files core: type, size and content checks)."""
    from egov.kernel.files.services import file_store

    _require_owner(actor, application)
    application = _lock(application)
    round_ = _upload_allowed(application, material)
    try:
        stored = file_store(
            actor=actor,
            upload=upload,
            purpose="application_material",
            org_unit=application.org_unit,
            related=application,
        )
    except Rejected as exc:
        raise Rejected(exc.code, f"{material.name}：{exc.message}", field=f"material_{material.pk}") from None
    row = ApplicationMaterial.objects.create(application=application, material=material, file=stored, round=round_)
    audit_record(
        actor=actor,
        action="services.material_upload",
        target=application,
        org_unit=application.org_unit,
        detail={"material": material.pk, "file": str(stored.pk), "round": round_},
    )
    return row


@transaction.atomic
def material_remove(*, actor: User, application: Application, upload_id: int) -> None:
    _require_owner(actor, application)
    application = _lock(application)
    row = ApplicationMaterial.objects.filter(application=application, pk=upload_id).select_related("material").first()
    if row is None:
        raise NotFound("upload_not_found", "该文件已删除")
    round_ = _upload_allowed(application, row.material)
    if row.round != round_:
        raise Conflict("upload_frozen", "已提交的材料不能删除")
    row.delete()
    audit_record(
        actor=actor,
        action="services.material_remove",
        target=application,
        org_unit=application.org_unit,
        detail={"material": row.material_id, "file": str(row.file_id)},
    )


def missing_materials(application: Application) -> list[Material]:
    """Required entries (必要, not shared) without any current file."""
    have = set(
        ApplicationMaterial.objects.filter(application=application, replaced=False).values_list(
            "material_id", flat=True
        )
    )
    return [
        m
        for m in application.version.materials.all()
        if m.necessity == Necessity.REQUIRED and needs_upload(m) and m.pk not in have
    ]


# --- submit ---------------------------------------------------------------------------------------------


class Incomplete(Rejected):
    """Submit refused: every problem at once, per page (``pages``) and missing materials (``materials``)."""

    def __init__(self, pages: dict[int, Any], materials: list[Material]) -> None:
        parts = []
        if pages:
            parts.append(f"申请表有{len(pages)}页需要修改")
        if materials:
            parts.append("缺少材料：" + "、".join(m.name for m in materials))
        super().__init__("application_incomplete", "；".join(parts))
        self.pages = pages
        self.materials = materials


def county_of(unit: OrgUnit) -> OrgUnit | None:
    """The county (旗县市) a unit belongs to; None for League-level units."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return OrgUnit.objects.filter(pk__in=ids, kind=OrgKind.COUNTY).first()


def _process_key(application: Application) -> str:
    from egov.kernel.workflow.models import ProcessDefinition
    from egov.kernel.workflow.services import definition_publish_file

    key = application.version.process_key or DEFAULT_PROCESS
    if not ProcessDefinition.objects.filter(key=key, is_published=True).exists():
        path = PROCESSES / f"{key}.bpmn"
        if not path.exists():
            raise Rejected("process_missing", "该事项的办理流程尚未配置，请联系实施机构")
        definition_publish_file(path, number_prefix=NUMBER_PREFIX)
    return key


def _query_code() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(8))


def applicant_name_of(values: dict[str, Any], actor: User) -> str:
    for name in ("org_name", "applicant_name"):
        if values.get(name):
            return str(values[name])[:120]
    return actor.display_name[:120]


def first_id_number(definition: dict[str, Any], values: dict[str, Any]) -> str:
    for spec in ans.all_fields(definition):
        if spec["type"] == "id_number" and values.get(spec["name"]):
            return str(values[spec["name"]])
    return ""


@transaction.atomic
def application_submit(*, actor: User, application: Application, token: str) -> Application:
    """Submit once: a repeated request with the same token (double click, retry, back button) returns the
    application already submitted instead of making a second case."""
    from egov.kernel.workflow.services import case_start

    _require_owner(actor, application)
    application = _lock(application)
    if application.status != ApplicationStatus.DRAFT:
        if str(application.submit_token) == str(token) and application.case_id is not None:
            return application  # the earlier request won: same result, nothing new
        raise Conflict("application_submitted", "该申请已提交，请勿重复提交")
    if str(application.submit_token) != str(token):
        raise Conflict("stale_token", "页面已过期，请重新核对后提交")
    version = application.version
    definition = version.form_definition
    values = answers_of(application)
    cleaned, invalid = ans.clean_all(definition, values)
    missing = missing_materials(application)
    if invalid or missing:
        raise Incomplete(invalid, missing)
    # Claim the draft with a conditional update: of two racing requests only one passes this line.
    claimed = Application.objects.filter(pk=application.pk, status=ApplicationStatus.DRAFT).update(
        status=ApplicationStatus.SUBMITTED
    )
    if not claimed:
        raise Conflict("application_submitted", "该申请已提交，请勿重复提交")
    name = applicant_name_of(cleaned, actor)
    promised = version.promised_limit or None
    case = case_start(
        actor=actor,
        process_key=_process_key(application),
        org_unit=application.org_unit,
        title=f"{application.item.name}（{name}）",
        applicant=actor,
        subject_type=SUBJECT_TYPE,
        subject_id=str(application.pk),
        subject_repr=application.item.name,
        data={"item_code": application.item.code},
        statutory_limit=version.statutory_limit or None,
        statutory_unit=UNIT_CODES.get(version.statutory_limit_unit, "wd"),
        promised_limit=promised,
        promised_unit=UNIT_CODES.get(version.promised_limit_unit, "wd"),
    )
    _store_answers(application, cleaned)
    id_number = first_id_number(definition, cleaned)
    application.id_index = blind_index(id_number, purpose=ID_PURPOSE) if id_number else ""
    application.applicant_name = name
    application.status = ApplicationStatus.SUBMITTED
    application.case = case
    application.case_number = case.number
    application.query_code = _query_code()
    application.promised_due_on = case.promised_due_on or case.due_on
    application.submitted_at = timezone.now()
    application.save()
    integration.assign_agent(
        case=case,
        county=county_of(application.org_unit),
        theme_codes=list(version.themes.values_list("code", flat=True)),
    )
    record_event(application, "submitted", f"办件编号 {case.number}，请留存查询码")
    audit_record(
        actor=actor,
        action="services.application_submit",
        target=application,
        target_repr=case.number,
        org_unit=application.org_unit,
        detail={"item": application.item.code, "version": version.number, "case": case.number},
    )
    return application


# --- 补正: the applicant supplements what the notice named -------------------------------------------------


@transaction.atomic
def application_supplement(*, actor: User, application: Application, values: dict[str, Any]) -> Application:
    """Send the corrections: only the named fields change, every named material must have a new file;
    the clock (suspended for 补正) runs again from here."""
    from egov.kernel.workflow.services import case_resume_on_supplement

    _require_owner(actor, application)
    application = _lock(application)
    if application.status != ApplicationStatus.CORRECTION:
        raise Conflict("not_in_correction", "该申请当前不需要补正")
    request = application.correction
    named_fields = list(request.get("fields", []))
    definition = application.version.form_definition
    current = answers_of(application)
    current.update({name: value for name, value in values.items() if name in named_fields})
    cleaned, invalid = ans.clean_all(definition, current)
    round_ = int(request.get("round", 1))
    fresh = set(
        ApplicationMaterial.objects.filter(application=application, round=round_).values_list("material_id", flat=True)
    )
    missing = [
        m for m in application.version.materials.filter(pk__in=request.get("materials", [])) if m.pk not in fresh
    ]
    if invalid or missing:
        raise Incomplete(invalid, missing)
    # The new files replace the earlier ones of the same entries.
    ApplicationMaterial.objects.filter(
        application=application, material_id__in=request.get("materials", []), round__lt=round_
    ).update(replaced=True)
    _store_answers(application, cleaned)
    application.status = ApplicationStatus.SUPPLEMENTED
    application.save(update_fields=["answers", "secret_cipher", "status", "updated_at"])
    assert application.case is not None
    # The clock stopped for 补正 runs again from the moment the supplement arrives, done by the applicant.
    case_resume_on_supplement(actor=actor, case=application.case, reason="申请人已在线提交补正材料")
    record_event(application, "supplemented", "已按补正通知提交，等待受理机构审核")
    audit_record(
        actor=actor,
        action="services.application_supplement",
        target=application,
        target_repr=application.case_number,
        org_unit=application.org_unit,
        detail={"fields": named_fields, "materials": request.get("materials", []), "round": round_},
    )
    return application
