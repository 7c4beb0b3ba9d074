from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from egov.domain.results.tests.factories import OrgUnitFactory, PersonFactory, StaffFactory, grant, start_case
from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.workflow.models import Case
from egov.kernel.workflow.services import definition_publish_file

DEMO_BPMN = (
    Path(__file__).resolve().parents[4] / "egov" / "kernel" / "workflow" / "processes" / "demo_joint_approval.bpmn"
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """PDFs the tests store go to a temporary directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EGOV_PUBLIC_BASE_URL = "https://zwfw.xam.gov.cn"
    cache.clear()


#: Test modules about the PDFs themselves render them for real; the others get a small ready-made PDF.
RENDERING_MODULES = {"test_notices", "test_certificates", "test_concurrency"}
_SMALL_PDF: list[bytes] = []


@pytest.fixture(autouse=True)
def _quick_pdf(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.module.__name__.rsplit(".", 1)[-1] in RENDERING_MODULES:
        return
    if not _SMALL_PDF:
        from weasyprint import HTML

        _SMALL_PDF.append(bytes(HTML(string="<p>test</p>").write_pdf()))
    monkeypatch.setattr("egov.domain.results.services.render_pdf", lambda template, context: _SMALL_PDF[0])


@dataclass
class World:
    league: OrgUnit
    fgw: OrgUnit
    czj: OrgUnit
    market: OrgUnit  # 科右前旗市场监督管理局: issues the results
    tuquan: OrgUnit
    handler: User
    head: User
    other_handler: User  # a handler of 突泉县: must not reach 科右前旗's results
    applicant: User
    stranger: User  # another citizen
    case: Case


@pytest.fixture
def world(db: None) -> World:
    league = OrgUnitFactory(name="兴安盟行政公署", code="152200", kind=OrgKind.LEAGUE)
    fgw = OrgUnitFactory(name="兴安盟发展和改革委员会", short_name="盟发改委", code="152200-FGW", parent=league)
    czj = OrgUnitFactory(name="兴安盟财政局", short_name="盟财政局", code="152200-CZJ", parent=league)
    qianqi = OrgUnitFactory(
        name="科尔沁右翼前旗人民政府", short_name="科右前旗", code="152221", kind=OrgKind.COUNTY, parent=league
    )
    market = OrgUnitFactory(
        name="科尔沁右翼前旗市场监督管理局",
        short_name="前旗市场监管局",
        code="152221-SCJGJ",
        parent=qianqi,
        document_prefix="前市监",
    )
    tuquan = OrgUnitFactory(
        name="突泉县人民政府", short_name="突泉县", code="152224", kind=OrgKind.COUNTY, parent=league
    )
    handler = StaffFactory(username="rs_handler", real_name="张三")
    grant(handler, "handler", market)
    head = StaffFactory(username="rs_head", real_name="钱科长")
    grant(head, "office_head", market)
    other_handler = StaffFactory(username="rs_other", real_name="吴突泉")
    grant(other_handler, "handler", tuquan)
    applicant = PersonFactory(real_name="王小明")
    stranger = PersonFactory(real_name="李四")
    definition_publish_file(DEMO_BPMN)
    case = start_case(handler=handler, org_unit=market, applicant=applicant)
    return World(league, fgw, czj, market, tuquan, handler, head, other_handler, applicant, stranger, case)
