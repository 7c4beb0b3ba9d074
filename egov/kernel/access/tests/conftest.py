from __future__ import annotations

from dataclasses import dataclass

import pytest

from egov.kernel.access.tests.factories import OrgUnitFactory
from egov.kernel.orgs.models import OrgKind, OrgUnit


@dataclass
class Tree:
    league: OrgUnit
    qianqi: OrgUnit
    qianqi_civil: OrgUnit
    qianqi_relief: OrgUnit
    tuquan: OrgUnit
    tuquan_civil: OrgUnit


@pytest.fixture
def tree(db: None) -> Tree:
    """兴安盟 → 科右前旗 → 科右前旗民政局 → 社会救助股; 兴安盟 → 突泉县 → 突泉县民政局."""
    league = OrgUnitFactory(name="兴安盟行政公署", code="152200", kind=OrgKind.LEAGUE, division_code="152200")
    qianqi = OrgUnitFactory(
        name="科尔沁右翼前旗人民政府", code="152221", kind=OrgKind.COUNTY, division_code="152221", parent=league
    )
    qianqi_civil = OrgUnitFactory(name="科右前旗民政局", code="152221-MZJ", division_code="152221", parent=qianqi)
    qianqi_relief = OrgUnitFactory(
        name="科右前旗民政局社会救助股",
        code="152221-MZJ-SHJZ",
        kind=OrgKind.OFFICE,
        division_code="152221",
        parent=qianqi_civil,
    )
    tuquan = OrgUnitFactory(
        name="突泉县人民政府", code="152224", kind=OrgKind.COUNTY, division_code="152224", parent=league
    )
    tuquan_civil = OrgUnitFactory(name="突泉县民政局", code="152224-MZJ", division_code="152224", parent=tuquan)
    return Tree(league, qianqi, qianqi_civil, qianqi_relief, tuquan, tuquan_civil)
