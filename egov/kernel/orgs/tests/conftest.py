from __future__ import annotations

from dataclasses import dataclass

import pytest

from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.orgs.tests.factories import OrgUnitFactory


@dataclass
class SmallTree:
    league: OrgUnit
    qianqi: OrgUnit
    qianqi_mz: OrgUnit
    relief: OrgUnit
    relief_team: OrgUnit
    tuquan: OrgUnit
    tuquan_mz: OrgUnit


@pytest.fixture
def small_tree(db: None) -> SmallTree:
    """兴安盟 → 科右前旗 → 民政局 → 社会救助科 → 救助组; 兴安盟 → 突泉县 → 民政局."""
    league = OrgUnitFactory(name="兴安盟行政公署", code="152200", kind=OrgKind.LEAGUE)
    qianqi = OrgUnitFactory(
        name="科尔沁右翼前旗", code="152221", kind=OrgKind.COUNTY, division_code="152221", parent=league
    )
    qianqi_mz = OrgUnitFactory(name="科尔沁右翼前旗民政局", code="152221-MZJ", parent=qianqi)
    relief = OrgUnitFactory(name="社会救助科", code="152221-MZJ-SHJZK", parent=qianqi_mz)
    relief_team = OrgUnitFactory(name="救助组", code="152221-MZJ-SHJZK-1", parent=relief)
    tuquan = OrgUnitFactory(name="突泉县", code="152224", kind=OrgKind.COUNTY, division_code="152224", parent=league)
    tuquan_mz = OrgUnitFactory(name="突泉县民政局", code="152224-MZJ", parent=tuquan)
    return SmallTree(league, qianqi, qianqi_mz, relief, relief_team, tuquan, tuquan_mz)
