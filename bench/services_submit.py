"""Submitting an application with three 1 MB attachments: p95 ≤ 300 ms (issue 4).

    EGOV_ENV=test .venv/bin/python bench/services_submit.py --rounds 50            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench EGOV_ENV=test \
        .venv/bin/python bench/services_submit.py --rounds 50

Set-up (not timed): a bench department ``SUBENCH-D`` with one bench item (``SU-000001``, three required
materials, the generic process ``services_standard``) and a bench citizen; per round a draft with valid
answers. Timed per round, through Django's test client (middleware, multipart parsing, files core checks,
storage, the case start, the audit chain, notifications after commit): ``POST materials/`` with the three
1 MB PDFs, then ``POST review/`` (the submit). Files are stored in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from workflow_common import database_label, peak_rss_mb, percentile  # sets up Django

from egov.domain.services import apply
from egov.domain.services.models import Material, ServiceItem, ServiceItemVersion
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.identifiers import resident_id_check_char
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.orgs.services import org_unit_create

MB = 1024 * 1024
FIRST17 = "15220119900101123"
FORM = {
    "pages": [
        {
            "title": "申请人信息",
            "fields": [
                {"name": "applicant_name", "label": "申请人姓名", "type": "text", "required": True},
                {"name": "applicant_id", "label": "身份证号码", "type": "id_number", "required": True},
                {"name": "applicant_phone", "label": "手机号码", "type": "phone", "required": True},
            ],
        },
        {"title": "申请事项", "fields": [{"name": "note", "label": "申请事由", "type": "textarea", "required": True}]},
    ]
}


def pdf_of(size: int) -> bytes:
    head = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    tail = b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return head + b"%" + b"0" * (size - len(head) - len(tail) - 1) + tail


@transaction.atomic
def world() -> tuple[ServiceItem, User]:
    root = OrgUnit.objects.filter(code="SUBENCH").first() or org_unit_create(
        name="申报压测机关", code="SUBENCH", kind=OrgKind.LEAGUE, division_code="152298"
    )
    unit = OrgUnit.objects.filter(code="SUBENCH-D").first() or org_unit_create(
        name="申报压测局", code="SUBENCH-D", kind=OrgKind.DEPARTMENT, division_code="152298", parent=root
    )
    item = ServiceItem.objects.filter(code="SU-000001").first()
    if item is None:
        item = ServiceItem.objects.create(
            basic_code="980000000001", code="SU-000001", name="申报压测事项", org_unit=unit
        )
        version = ServiceItemVersion.objects.create(
            item=item, number=1, status="published", published_at=timezone.now(), item_type="行政许可",
            legal_basis="压测", exercise_level="盟级", audience="person", case_kind="承诺件", conditions="压测",
            statutory_limit=20, promised_limit=10, handling_forms="网上办理", place="压测", hours="压测",
            consult="压测", complaint="压测", result_name="许可证", result_type="证照", general_scope="全盟通办",
            form_definition=FORM, process_key="services_standard",
        )  # fmt: skip
        Material.objects.bulk_create(
            Material(version=version, position=p, name=f"压测材料{p}", acceptance_standard="真实有效")
            for p in (1, 2, 3)
        )
        item.current_version = version
        item.save(update_fields=["current_version"])
    citizen = User.objects.filter(username="subench_citizen").first()
    if citizen is None:
        citizen = User(
            username="subench_citizen", real_name="压测申请人", kind=UserKind.PERSON, real_name_verified=True
        )
        citizen.id_number = FIRST17 + resident_id_check_char(FIRST17)
        citizen.set_unusable_password()
        citizen.save()
    return item, citizen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    item, citizen = world()
    client = Client()
    client.force_login(citizen)
    content = pdf_of(MB)
    materials = list(item.published.materials.order_by("position"))
    timings: list[float] = []
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ),
    ):
        for number in range(args.rounds + 3):  # three warm-up rounds
            application = apply.application_start(actor=citizen, item=item)
            for index, values in enumerate(
                [{"applicant_name": "压测申请人", "applicant_phone": "13900000000"}, {"note": "压测申请事由"}]
            ):
                apply.application_save_page(
                    actor=citizen, application=application, page_index=index, values=values, advance=True
                )
            files = {
                f"material_{m.pk}": SimpleUploadedFile(f"材料{m.position}.pdf", content, "application/pdf")
                for m in materials
            }
            t0 = time.perf_counter()
            uploaded = client.post(f"/services/apply/{application.pk}/materials/", {**files, "action": "next"})
            submitted = client.post(
                f"/services/apply/{application.pk}/review/", {"token": str(application.submit_token)}
            )
            elapsed = (time.perf_counter() - t0) * 1000
            if uploaded.status_code != 302 or submitted["Location"] != f"/services/apply/{application.pk}/receipt/":
                raise SystemExit(f"round {number}: upload {uploaded.status_code}, submit {submitted.status_code}")
            if number >= 3:
                timings.append(elapsed)
    print(
        json.dumps(
            {
                "database": database_label(),
                "rounds": len(timings),
                "attachments": "3 × 1 MB PDF",
                "p50_ms": round(percentile(timings, 50), 1),
                "p95_ms": round(percentile(timings, 95), 1),
                "max_ms": round(max(timings), 1),
                "target_p95_ms": 300,
                "peak_rss_mb": round(peak_rss_mb(), 1),
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
