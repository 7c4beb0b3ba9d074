"""Demo applications: the citizen 张明 has applied online for 个体工商户设立登记 twice — one application the
乌兰浩特市市场监管局 has accepted (now in 审查 and the parallel 人社 check), one still waiting for 受理 — so the
service hall, the office's 待受理 list, the agent dashboard and the progress lookup show real cases.

They go through the same services as the web pages (start, save each page, upload the materials, submit with
the token, accept). Idempotent: an application is matched by its trade name among the citizen's submissions.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from egov.domain.services import answers as ans
from egov.domain.services.apply import (
    answers_of,
    application_save_page,
    application_start,
    application_submit,
    material_upload,
    missing_materials,
)
from egov.domain.services.handling import application_accept
from egov.domain.services.models import Application, ApplicationStatus, ServiceItem
from egov.kernel.accounts.models import User

ITEM = "个体工商户设立登记"
APPLICANT = "citizen"
HANDLER = "wlht_scjg"
#: trade name → whether the 市场监管局 has accepted it; form pages as the browser posts them.
APPLICATIONS: tuple[tuple[str, bool, list[dict[str, str]]], ...] = (
    (
        "乌兰浩特市张明蒙餐馆",
        True,
        [
            {"applicant_address_0": "152201", "applicant_address_1": "乌兰浩特市和平街2号"},
            {
                "business_scope": "餐饮服务；预包装食品销售",
                "capital": "50000",
                "premises_0": "152201",
                "premises_1": "乌兰浩特市兴安南大街18号",
                "start_date": "2026-12-15",
            },
            {"composition": "个人经营", "employees": "4—10人"},
        ],
    ),
    (
        "乌兰浩特市张明奶茶铺",
        False,
        [
            {"applicant_address_0": "152201", "applicant_address_1": "乌兰浩特市和平街2号"},
            {
                "business_scope": "饮品制售",
                "capital": "20000",
                "premises_0": "152201",
                "premises_1": "乌兰浩特市五一北大街7号",
                "start_date": "2027-01-04",
            },
            {"composition": "个人经营", "employees": "1—3人"},
        ],
    ),
)

# The smallest well-formed one-page PDF: the demo's scanned materials (the files core checks the content).
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _apply(citizen: User, item: ServiceItem, trade_name: str, pages: list[dict[str, str]]) -> Application:
    application = application_start(actor=citizen, item=item)
    definition = application.version.form_definition
    for index, page in enumerate(ans.pages(definition)):
        # What is stored (page 1 is prefilled from the verified account), then what the citizen types.
        post = QueryDict(mutable=True)
        post.update(ans.form_data(page["fields"], answers_of(application)))
        for key, value in (pages[index] if index < len(pages) else {}).items():
            post[key] = value
        if index == 1:
            post["trade_name"] = trade_name
        typed = ans.values_from_post(page, post)
        application, form = application_save_page(
            actor=citizen, application=application, page_index=index, values=typed, advance=True
        )
        if form is not None and form.errors:
            raise ValueError(f"演示申请第 {index + 1} 页未通过校验：{form.errors.as_text()}")
    for material in missing_materials(application):
        upload = SimpleUploadedFile(f"{material.name}.pdf", _PDF, content_type="application/pdf")
        material_upload(actor=citizen, application=application, material=material, upload=upload)
    return application_submit(actor=citizen, application=application, token=str(application.submit_token))


def load() -> int:
    """Submit (and accept) the demo applications that are not there yet; returns how many were made."""
    item = ServiceItem.objects.filter(name=ITEM, current_version__isnull=False).first()
    citizen = User.objects.filter(username=APPLICANT).first()
    handler = User.objects.filter(username=HANDLER).first()
    if item is None or citizen is None or handler is None:
        return 0
    submitted = Application.objects.filter(applicant=citizen, item=item).exclude(status=ApplicationStatus.DRAFT)
    have = {answers_of(application).get("trade_name") for application in submitted}
    made = 0
    for trade_name, accept, pages in APPLICATIONS:
        if trade_name in have:
            continue
        application = _apply(citizen, item, trade_name, pages)
        if accept:
            application_accept(actor=handler, application=application)
        made += 1
    return made
